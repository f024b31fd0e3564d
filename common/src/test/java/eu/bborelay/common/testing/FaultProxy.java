package eu.bborelay.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that injects network faults between a client and a server, for tests: an added one-way
 * delay per direction, a stall of both directions without closing (a black hole: nothing moves, nothing closes,
 * as on a half-open connection), a reset (RST to both sides), a bandwidth throttle per direction, and an extra delay
 * for the first moments of each new connection in one direction (a slow start: the first frames of a connection
 * wait, as behind a busy reader). Faults can be changed at any time and apply to every current and future
 * connection.
 *
 * <p>Each direction of each connection has a reader thread and a writer thread with a bounded queue of chunks
 * between them (at most {@value #QUEUE_CHUNKS} chunks of up to {@value #CHUNK_BYTES} bytes), so a slow or stalled
 * direction pushes back on its sender through TCP as a real link would. A chunk read at time t is written at
 * t + delay, in order. Threads are daemon threads named {@code fault-proxy-*}. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
    static final int CHUNK_BYTES = 8192;
    static final int QUEUE_CHUNKS = 64;

    /** A direction of the proxied connections. */
    public enum Direction {
        /** From the client that connected to the proxy, to the target server. */
        UPSTREAM,
        /** From the target server back to the client. */
        DOWNSTREAM
    }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final long[] delayNanos = new long[2];
    private final long[] bytesPerSecond = new long[2];
    /** Per direction: extra delay (ns) for chunks read within startWindowNanos of their connection's accept. */
    private final long[] startExtraNanos = new long[2];
    private final long[] startWindowNanos = new long[2];
    private final AtomicLong[] bytes = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean stalled;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        this.acceptor.setDaemon(true);
    }

    /** Starts a proxy on an ephemeral loopback port that forwards to {@code host:port}. */
    public static FaultProxy start(String host, int port) throws IOException {
        FaultProxy p = new FaultProxy(new InetSocketAddress(host, port));
        p.acceptor.start();
        return p;
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Adds {@code millis} of one-way delay to {@code direction} (0 = none); applies to chunks read from now on. */
    public FaultProxy delay(Direction direction, long millis) {
        synchronized (delayNanos) {
            delayNanos[direction.ordinal()] = TimeUnit.MILLISECONDS.toNanos(millis);
        }
        return this;
    }

    /**
     * {@code true}: stops moving bytes in both directions without closing anything (reads and writes pause, so TCP
     * buffers fill and the peers' writes eventually block); {@code false}: resumes, delivering what was held.
     */
    public FaultProxy stall(boolean stall) {
        this.stalled = stall;
        return this;
    }

    /** Limits {@code direction} to {@code bytesPerSecond} (0 = unlimited). */
    public FaultProxy throttle(Direction direction, long bytesPerSecond) {
        synchronized (this.bytesPerSecond) {
            this.bytesPerSecond[direction.ordinal()] = bytesPerSecond;
        }
        return this;
    }

    /** Resets every current connection: both sockets closed with an RST (SO_LINGER 0). @return connections reset */
    public int resetAll() {
        int n = 0;
        for (Link l : links) {
            l.reset();
            n++;
        }
        return n;
    }

    /** Connections accepted since start. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return links.size();
    }

    /** Bytes forwarded (written) in {@code direction} since start. */
    public long bytes(Direction direction) {
        return bytes[direction.ordinal()].get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Link l : links) {
            l.close();
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adds {@code extraMillis} of delay in {@code direction} to what each connection carries during its first
     * {@code forMillis} (from the proxy's accept); 0 = none. Applies to connections accepted from now on and to the
     * rest of the window of current ones. Chunks stay in order, so later chunks queue behind the delayed ones.
     */
    public FaultProxy delayConnectionStart(Direction direction, long extraMillis, long forMillis) {
        synchronized (delayNanos) {
            startExtraNanos[direction.ordinal()] = TimeUnit.MILLISECONDS.toNanos(extraMillis);
            startWindowNanos[direction.ordinal()] = TimeUnit.MILLISECONDS.toNanos(forMillis);
        }
        return this;
    }

    /** The delay of a chunk read now on a connection accepted at {@code acceptedNanos}. */
    private long delayNanos(Direction d, long acceptedNanos) {
        synchronized (delayNanos) {
            long delay = delayNanos[d.ordinal()];
            if (System.nanoTime() - acceptedNanos < startWindowNanos[d.ordinal()]) {
                delay += startExtraNanos[d.ordinal()];
            }
            return delay;
        }
    }

    private long delayNanos(Direction d) {
        synchronized (delayNanos) {
            return delayNanos[d.ordinal()];
        }
    }

    private long rate(Direction d) {
        synchronized (bytesPerSecond) {
            return bytesPerSecond[d.ordinal()];
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream, accepted.get());
            links.add(link);
            link.start();
        }
    }

    /** One proxied connection: two sockets, two pumps. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        final Pump up;
        final Pump down;
        final long acceptedNanos = System.nanoTime();

        Link(Socket client, Socket upstream, long number) {
            this.client = client;
            this.upstream = upstream;
            this.up = new Pump(this, client, upstream, Direction.UPSTREAM, number);
            this.down = new Pump(this, upstream, client, Direction.DOWNSTREAM, number);
        }

        void start() {
            up.start();
            down.start();
        }

        void reset() {
            try {
                client.setSoLinger(true, 0);
                upstream.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed
            }
            close();
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
            links.remove(this);
        }

        /** One side reached end of stream: pass the half-close on, and close all once both are done. */
        void ended(Pump p) {
            if (up.done && down.done) {
                close();
            }
        }
    }

    private static final byte[] END = new byte[0];

    /** A chunk and the time it may be written. */
    private record Chunk(byte[] data, long dueNanos) {
    }

    /** One direction: a reader thread queues chunks, a writer thread writes them when due, at the allowed rate. */
    private final class Pump {
        final Link link;
        final Socket from;
        final Socket to;
        final Direction direction;
        final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
        final Thread reader;
        final Thread writer;
        volatile boolean done;

        Pump(Link link, Socket from, Socket to, Direction direction, long number) {
            this.link = link;
            this.from = from;
            this.to = to;
            this.direction = direction;
            String name = "fault-proxy-" + number + "-" + direction.name().toLowerCase(java.util.Locale.ROOT);
            this.reader = new Thread(this::read, name + "-read");
            this.writer = new Thread(this::write, name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
        }

        void start() {
            reader.start();
            writer.start();
        }

        private void read() {
            byte[] buf = new byte[CHUNK_BYTES];
            try {
                InputStream in = from.getInputStream();
                for (;;) {
                    awaitNotStalled();
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    long due = System.nanoTime() + delayNanos(direction, link.acceptedNanos);
                    queue.put(new Chunk(Arrays.copyOf(buf, n), due));
                }
                queue.put(new Chunk(END, System.nanoTime() + delayNanos(direction)));
            } catch (IOException e) {
                link.close(); // reset or closed: take the other side down as the network would
                offerEnd();
            } catch (InterruptedException e) {
                offerEnd();
            }
        }

        private void offerEnd() {
            queue.clear();
            queue.offer(new Chunk(END, 0));
        }

        private void write() {
            long nextFreeNanos = System.nanoTime();
            try {
                OutputStream out = to.getOutputStream();
                for (;;) {
                    Chunk c = queue.take();
                    if (c.data == END) {
                        break;
                    }
                    sleepUntil(c.dueNanos);
                    byte[] data = c.data;
                    int off = 0;
                    while (off < data.length) {
                        awaitNotStalled();
                        long rate = rate(direction);
                        int len = data.length - off;
                        if (rate > 0) {
                            len = (int) Math.max(1, Math.min(len, rate / 50)); // slices of at most 20 ms
                            nextFreeNanos = Math.max(nextFreeNanos, System.nanoTime() - 20_000_000L);
                            sleepUntil(nextFreeNanos);
                            nextFreeNanos += len * 1_000_000_000L / rate;
                        }
                        out.write(data, off, len);
                        out.flush();
                        off += len;
                        bytes[direction.ordinal()].addAndGet(len);
                    }
                }
                to.shutdownOutput(); // pass the end of stream on
            } catch (IOException e) {
                link.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done = true;
                link.ended(this);
            }
        }

        private void awaitNotStalled() throws InterruptedException {
            while (stalled && !closed && !from.isClosed()) {
                Thread.sleep(5);
            }
        }

        private void sleepUntil(long nanoTime) throws InterruptedException {
            for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
                LockSupport.parkNanos(this, left); // finer than Thread.sleep's milliseconds
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
