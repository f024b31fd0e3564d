package eu.bborelay.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client without a certificate attacking a TLS server's handshake, for tests: plain TCP connections from chosen
 * loopback source addresses ({@code 127.0.0.2}, ...; Linux routes all of 127/8 to the loopback interface) to one
 * port, which either say nothing ({@link Mode#IDLE}) or trickle the start of a TLS ClientHello one byte per
 * {@code trickleInterval} ({@link Mode#SLOW_LORIS}). With {@code reconnect} every connection the server closes is
 * replaced from the same source: at once when idle (a flood that re-takes every freed place), at the next trickle
 * when slow.
 *
 * <p>Bounded: at most {@code maxConnections} connections opened in all, and it stops after {@code maxDuration}. One
 * thread ({@code attacker-<name>}) drives every connection through a {@link Selector}. Counters are thread-safe.
 */
public final class ConnectionAttacker implements AutoCloseable {
    /** What an attacking connection sends. */
    public enum Mode {
        /** Nothing at all. */
        IDLE,
        /** The start of a TLS 1.2/1.3 ClientHello record, one byte at a time (a 512-byte record never finished). */
        SLOW_LORIS
    }

    /** A TLS handshake record header announcing 512 bytes, then a ClientHello header: what a slow client starts. */
    private static final byte[] CLIENT_HELLO_START = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC,
        0x03, 0x03};

    private final InetSocketAddress target;
    private final List<InetAddress> sources;
    private final int perSource;
    private final Mode mode;
    private final long trickleNanos;
    private final boolean reconnect;
    private final int maxConnections;
    private final long deadlineNanos;
    private final Thread thread;
    private final Selector selector;
    /** Sources whose closed connection a slow-loris replaces at its next trickle. Attacker thread only. */
    private final List<InetAddress> toReconnect = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Throwable failure;

    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong closedByPeer = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    /** Most bytes any connection closed by the server had sent. */
    private final AtomicLong maxBytesBeforeClose = new AtomicLong();
    private final AtomicLong maxLifetimeNanos = new AtomicLong();

    /** One attacking connection; the attacker thread's only. */
    private static final class Conn {
        final InetAddress source;
        final long openedNanos = System.nanoTime();
        long sent;

        Conn(InetAddress source) {
            this.source = source;
        }
    }

    private ConnectionAttacker(String name, int port, List<String> sources, int perSource, Mode mode,
                               Duration trickleInterval, boolean reconnect, int maxConnections, Duration maxDuration)
            throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.sources = new ArrayList<>();
        for (String s : sources) {
            InetAddress a = InetAddress.getByName(s);
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException("attack from loopback addresses only, got " + s);
            }
            this.sources.add(a);
        }
        this.perSource = perSource;
        this.mode = mode;
        this.trickleNanos = trickleInterval.toNanos();
        this.reconnect = reconnect;
        this.maxConnections = maxConnections;
        this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "attacker-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts attacking {@code 127.0.0.1:port}.
     *
     * @param name for the thread's name
     * @param sources loopback source addresses, e.g. {@code 127.0.0.2}
     * @param perSource connections kept open from each source
     * @param mode what they send
     * @param trickleInterval for {@link Mode#SLOW_LORIS}: time between two bytes of one connection
     * @param reconnect replace each connection the server closes, at once
     * @param maxConnections most connections opened in all (then closed ones are no longer replaced)
     * @param maxDuration the attack stops (every connection closed) after this
     */
    public static ConnectionAttacker start(String name, int port, List<String> sources, int perSource, Mode mode,
                                           Duration trickleInterval, boolean reconnect, int maxConnections,
                                           Duration maxDuration) throws IOException {
        ConnectionAttacker a = new ConnectionAttacker(name, port, sources, perSource, mode, trickleInterval,
                reconnect, maxConnections, maxDuration);
        a.thread.start();
        return a;
    }

    /** Connections opened (TCP connect completed) so far. */
    public long opened() {
        return opened.get();
    }

    /** Connect attempts that failed (refused, reset while connecting). */
    public long connectFailures() {
        return connectFailures.get();
    }

    /** Connections the server closed (end of stream, reset, or a write that failed). */
    public long closedByPeer() {
        return closedByPeer.get();
    }

    /** Connections open now. */
    public int openNow() {
        return open.get();
    }

    /** Bytes written in all. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** Most bytes that a connection the server closed had written before its close. */
    public long maxBytesBeforeClose() {
        return maxBytesBeforeClose.get();
    }

    /** Longest time from connect to the server's close of any connection, ns. */
    public long maxLifetimeNanos() {
        return maxLifetimeNanos.get();
    }

    /** True once the attacker thread ended (deadline, count exhausted without reconnects, or {@link #close()}). */
    public boolean ended() {
        return !thread.isAlive();
    }

    @Override
    public String toString() {
        return "ConnectionAttacker{" + thread.getName() + " mode=" + mode + " opened=" + opened + " open=" + open
                + " closedByPeer=" + closedByPeer + " connectFailures=" + connectFailures + " bytesSent=" + bytesSent
                + " maxBytesBeforeClose=" + maxBytesBeforeClose + " maxLifetimeMs="
                + TimeUnit.NANOSECONDS.toMillis(maxLifetimeNanos.get()) + "}";
    }

    /** Stops the attack, closes every connection and waits for the thread. Rethrows what the thread failed with. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new AssertionError("the attacker failed", failure);
        }
    }

    private void run() {
        try {
            for (InetAddress source : sources) {
                for (int i = 0; i < perSource; i++) {
                    connect(source);
                }
            }
            long nextTrickle = System.nanoTime() + trickleNanos;
            ByteBuffer readBuffer = ByteBuffer.allocate(4096);
            while (!stopping && System.nanoTime() - deadlineNanos < 0) {
                long waitMillis = mode == Mode.SLOW_LORIS
                        ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTrickle - System.nanoTime())) : 100;
                selector.select(Math.min(100, waitMillis));
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key, readBuffer);
                }
                selector.selectedKeys().clear();
                if (mode == Mode.SLOW_LORIS && System.nanoTime() - nextTrickle >= 0) {
                    List<InetAddress> again = new ArrayList<>(toReconnect);
                    toReconnect.clear();
                    for (InetAddress source : again) {
                        connect(source);
                    }
                    trickle();
                    nextTrickle = System.nanoTime() + trickleNanos;
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly((SocketChannel) key.channel());
            }
            open.set(0);
            try {
                selector.close();
            } catch (IOException ignored) {
                // done
            }
        }
    }

    private void connect(InetAddress source) throws IOException {
        if (opened.get() + connectFailures.get() >= maxConnections || stopping) {
            return;
        }
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(source, 0));
            Conn conn = new Conn(source);
            if (ch.connect(target)) {
                connected(ch, conn);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, conn);
            }
        } catch (IOException e) {
            connectFailures.incrementAndGet();
            closeQuietly(ch);
        }
    }

    private void connected(SocketChannel ch, Conn conn) throws IOException {
        opened.incrementAndGet();
        open.incrementAndGet();
        ch.register(selector, SelectionKey.OP_READ, conn);
    }

    private void handle(SelectionKey key, ByteBuffer buffer) throws IOException {
        SocketChannel ch = (SocketChannel) key.channel();
        Conn conn = (Conn) key.attachment();
        if (!key.isValid()) {
            return;
        }
        if (key.isConnectable()) {
            try {
                ch.finishConnect();
            } catch (IOException e) {
                key.cancel();
                closeQuietly(ch);
                connectFailures.incrementAndGet();
                pauseBeforeRetry();
                if (reconnect) {
                    connect(conn.source);
                }
                return;
            }
            connected(ch, conn);
            return;
        }
        if (key.isReadable()) {
            int n;
            try {
                buffer.clear();
                n = ch.read(buffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                peerClosed(key, ch, conn);
            }
        }
    }

    private void trickle() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (SelectionKey key : new ArrayList<>(selector.keys())) {
            if (!key.isValid() || (key.interestOps() & SelectionKey.OP_READ) == 0) {
                continue; // still connecting
            }
            SocketChannel ch = (SocketChannel) key.channel();
            Conn conn = (Conn) key.attachment();
            one.clear();
            one.put(conn.sent < CLIENT_HELLO_START.length ? CLIENT_HELLO_START[(int) conn.sent]
                    : (byte) (conn.sent * 31));
            one.flip();
            try {
                if (ch.write(one) == 1) {
                    conn.sent++;
                    bytesSent.incrementAndGet();
                }
            } catch (IOException e) {
                peerClosed(key, ch, conn);
            }
        }
    }

    private void peerClosed(SelectionKey key, SocketChannel ch, Conn conn) throws IOException {
        key.cancel();
        closeQuietly(ch);
        open.decrementAndGet();
        closedByPeer.incrementAndGet();
        maxBytesBeforeClose.accumulateAndGet(conn.sent, Math::max);
        maxLifetimeNanos.accumulateAndGet(System.nanoTime() - conn.openedNanos, Math::max);
        if (reconnect && mode == Mode.SLOW_LORIS) {
            toReconnect.add(conn.source);
        } else if (reconnect) {
            connect(conn.source);
        }
    }

    private static void pauseBeforeRetry() {
        try {
            Thread.sleep(5); // the server's backlog is full: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
