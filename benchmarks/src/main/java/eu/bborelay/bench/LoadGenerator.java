package eu.bborelay.bench;

import eu.bborelay.common.EpochNanoClock;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Load generator: a WebSocket server that speaks Binance's combined market stream
 * ({@code /stream?streams=btcusdt@bookTicker}) and, once one client (the sender) is connected, writes spot
 * bookTicker messages in Binance's exact format with a unique, increasing update id {@code u} and the prices of a
 * real recording, at a fixed rate or as fast as possible: first a warm-up, then the measured phase, recording the
 * wall-clock write time of every measured update id.
 *
 * <p>Protocol with the orchestrator ({@link BenchRunner}), one line each on stdout:
 * {@code GEN_LISTENING <port>}, {@code GEN_CONNECTED}, {@code GEN_MEASURE_START <firstId>},
 * {@code GEN_DONE <firstId> <count> <maxQueuedFrames>} (after the times file is written). It then keeps the
 * connection open until killed, so the relay can drain.
 *
 * <p>Times file ({@code --out}): big-endian longs: firstId, count, then count write times in ns since the epoch;
 * the i-th time belongs to update id firstId + i.
 *
 * <p>The write time is taken just before {@link WebSocket#send(String)}, which queues the frame for
 * Java-WebSocket's selector thread; the latency measured from it therefore includes the generator's own queueing
 * (at most {@value #MAX_QUEUED_FRAMES} frames in the as-fast-as-possible mode, which waits while that many are
 * queued, so the relay's TCP back-pressure sets the rate). Fixed rates are scheduled against the start time, so a
 * late message does not shift the ones after it; a fixed rate the relay cannot take queues without bound here.
 */
public final class LoadGenerator {
    private static final EpochNanoClock CLOCK = EpochNanoClock.SYSTEM;
    /** As-fast-as-possible mode: frames queued in Java-WebSocket before the generator waits. */
    private static final int MAX_QUEUED_FRAMES = 256;

    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        int port = a.intValue("--port", 0);
        Path recording = Path.of(a.required("--recording"));
        String symbol = a.value("--symbol", "BTCUSDT").toUpperCase();
        long warmupMessages = a.longValue("--warmup-messages", 10_000);
        double warmupRate = a.doubleValue("--warmup-rate", 5_000);
        long warmupPauseMs = a.longValue("--warmup-pause-ms", 1_000);
        long messages = a.longValue("--messages", 20_000);
        double rate = a.doubleValue("--rate", 1_000); // 0 = as fast as possible
        long startDelayMs = a.longValue("--start-delay-ms", 1_000);
        long firstId = a.longValue("--first-id", 0);
        Path out = Path.of(a.required("--out"));
        if (messages < 1 || messages > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--messages must be 1.." + (Integer.MAX_VALUE - 8));
        }

        List<PricePath.Level> path = PricePath.load(recording, symbol, 200_000);
        String[] tails = new String[path.size()];
        for (int i = 0; i < tails.length; i++) {
            PricePath.Level l = path.get(i);
            tails[i] = ",\"s\":\"" + symbol + "\",\"b\":\"" + l.bid() + "\",\"B\":\"" + l.bidQty() + "\",\"a\":\""
                    + l.ask() + "\",\"A\":\"" + l.askQty() + "\"}}";
        }
        String head = "{\"stream\":\"" + symbol.toLowerCase() + "@bookTicker\",\"data\":{\"u\":";
        if (firstId <= 0) {
            firstId = CLOCK.epochNanos() / 1_000; // unique across runs, increasing, like Binance's ids
        }

        if (a.flag("--soak")) {
            soak(port, symbol, head, tails, firstId, rate);
            return;
        }
        Server server = new Server(new InetSocketAddress("127.0.0.1", port), symbol.toLowerCase() + "@bookticker");
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        server.start();
        server.started.await();
        long selfWarmup = a.longValue("--self-warmup", 20_000);
        if (selfWarmup > 0) {
            selfWarmup(server, head, tails, selfWarmup);
        }
        System.out.println("GEN_LISTENING " + server.getPort());
        System.out.flush();

        server.connected.await();
        WebSocket conn = server.client;
        System.out.println("GEN_CONNECTED");
        System.out.flush();
        Thread.sleep(startDelayMs);

        long id = firstId;
        send(conn, head, tails, id, warmupMessages, warmupRate, null);
        id += warmupMessages;
        Thread.sleep(warmupPauseMs);

        long measuredFirstId = id;
        long[] writeNanos = new long[(int) messages];
        System.out.println("GEN_MEASURE_START " + measuredFirstId);
        System.out.flush();
        send(conn, head, tails, measuredFirstId, messages, rate, writeNanos);

        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                1 << 16))) {
            data.writeLong(measuredFirstId);
            data.writeLong(messages);
            for (long t : writeNanos) {
                data.writeLong(t);
            }
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("GEN_DONE " + measuredFirstId + " " + messages + " " + maxQueuedFrames);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until killed: the relay drains meanwhile
    }

    /** Writes {@code count} updates from {@code firstId} at {@code rate} per second (0 = as fast as possible). */
    /** Most frames seen waiting in Java-WebSocket's queue during the last {@link #send}: the generator's backlog. */
    private static int maxQueuedFrames;

    private static void send(WebSocket conn, String head, String[] tails, long firstId, long count, double rate,
                             long[] writeNanos) {
        maxQueuedFrames = 0;
        long startNanos = System.nanoTime();
        double periodNanos = rate > 0 ? 1e9 / rate : 0;
        StringBuilder sb = new StringBuilder(256);
        BlockingQueue<ByteBuffer> outQueue = ((WebSocketImpl) conn).outQueue;
        for (long i = 0; i < count; i++) {
            if (periodNanos > 0) {
                long due = startNanos + (long) (i * periodNanos);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    // park (overshoots by the timer slack, ~50 us): keeps the generator off the shared cores
                    if (wait > 10_000) {
                        LockSupport.parkNanos(wait);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } else {
                // As fast as the relay takes it: the WebSocket's own queue stays short, so TCP back-pressure from
                // the sender sets the rate and the write time stays close to the socket write.
                while (outQueue.size() >= MAX_QUEUED_FRAMES) {
                    LockSupport.parkNanos(20_000);
                }
            }
            long id = firstId + i;
            sb.setLength(0);
            sb.append(head).append(id).append(tails[(int) (id % tails.length)]);
            String text = sb.toString();
            if (writeNanos != null) {
                writeNanos[(int) i] = CLOCK.epochNanos();
            }
            conn.send(text);
            maxQueuedFrames = Math.max(maxQueuedFrames, outQueue.size());
        }
    }

    /**
     * Soak mode ({@code --soak}, driven by {@link Soak}): accepts any number of clients on the stream, one after
     * the other or at once (the sender's reconnects and make-before-break rollovers), and writes every update, at
     * {@code rate} per second scheduled against the start time, to every client open at that moment, until
     * {@code stop} on stdin. An update written while no client is open is counted as {@code unserved} and is
     * nobody's to take. {@code drop} on stdin closes every client's TCP connection abruptly (no WebSocket close
     * frame, with an RST: an abrupt failure as the sender sees it). Lines on stdout: {@code GEN_LISTENING <port>},
     * {@code GEN_CONNECTED} (first client), {@code GEN_DROPPED <clients>}, {@code GEN_COUNTS <generated>
     * <written> <unserved> <connections> <firstId> <lastId> <maxQueuedFrames>} (answer to {@code counts}) and
     * {@code GEN_STOPPED} followed by the same counts line once writing stopped.
     */
    private static void soak(int port, String symbol, String head, String[] tails, long firstId, double rate)
            throws Exception {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--soak needs a fixed --rate > 0");
        }
        SoakServer server = new SoakServer(new InetSocketAddress("127.0.0.1", port), symbol.toLowerCase()
                + "@bookticker");
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        server.start();
        server.started.await();
        System.out.println("GEN_LISTENING " + server.getPort());
        System.out.flush();
        server.connected.await();
        System.out.println("GEN_CONNECTED");
        System.out.flush();

        long[] counts = new long[3]; // generated, written (to >= 1 client), unserved; guarded by counts
        int[] maxQueued = new int[1];
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            long startNanos = System.nanoTime();
            double periodNanos = 1e9 / rate;
            StringBuilder sb = new StringBuilder(256);
            for (long i = 0; !stop.get(); i++) {
                long due = startNanos + (long) (i * periodNanos);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > 10_000) {
                        LockSupport.parkNanos(wait);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                long id = firstId + i;
                sb.setLength(0);
                sb.append(head).append(id).append(tails[(int) (id % tails.length)]);
                String text = sb.toString();
                boolean written = false;
                for (WebSocket c : server.clients) {
                    if (c.isOpen()) {
                        try {
                            c.send(text);
                            written = true;
                            maxQueued[0] = Math.max(maxQueued[0], ((WebSocketImpl) c).outQueue.size());
                        } catch (RuntimeException e) {
                            // closed meanwhile (WebsocketNotConnectedException): not written to this client
                        }
                    }
                }
                synchronized (counts) {
                    counts[0]++;
                    counts[written ? 1 : 2]++;
                }
            }
        }, "soak-writer");
        writer.start();

        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("drop")) {
                int n = 0;
                for (WebSocket c : server.clients) {
                    // TCP reset (SO_LINGER 0) without a close frame: an abrupt failure of the Binance connection
                    try {
                        if (((WebSocketImpl) c).getChannel() instanceof java.nio.channels.SocketChannel ch) {
                            ch.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
                        }
                    } catch (java.io.IOException | RuntimeException e) {
                        System.err.println("generator: SO_LINGER 0 failed, closing with FIN: " + e);
                    }
                    ((WebSocketImpl) c).closeConnection(1006, "soak: dropped abruptly");
                    n++;
                }
                System.out.println("GEN_DROPPED " + n);
            } else if (line.equals("counts")) {
                System.out.println(soakCounts(counts, server, firstId, maxQueued[0]));
            } else if (line.equals("stop")) {
                stop.set(true);
                writer.join();
                System.out.println("GEN_STOPPED");
                System.out.println(soakCounts(counts, server, firstId, maxQueued[0]));
            }
            System.out.flush();
        }
        stop.set(true);
        writer.join();
        server.stop(1_000);
    }

    private static String soakCounts(long[] counts, SoakServer server, long firstId, int maxQueued) {
        synchronized (counts) {
            return "GEN_COUNTS " + counts[0] + " " + counts[1] + " " + counts[2] + " " + server.accepted.get() + " "
                    + firstId + " " + (firstId + counts[0] - 1) + " " + maxQueued;
        }
    }

    /** Soak mode's server: any number of clients on the bookTicker stream. */
    private static final class SoakServer extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch connected = new CountDownLatch(1);
        final java.util.Set<WebSocket> clients = new java.util.concurrent.CopyOnWriteArraySet<>();
        final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        private final String streamLowerCase;

        SoakServer(InetSocketAddress address, String streamLowerCase) {
            super(address, 1);
            this.streamLowerCase = streamLowerCase;
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            String resource = handshake.getResourceDescriptor();
            if (!resource.toLowerCase().contains(streamLowerCase)) {
                System.err.println("generator: refusing " + resource);
                conn.close(1008, "soak generator serves " + streamLowerCase);
                return;
            }
            clients.add(conn);
            System.err.println("generator: client " + accepted.incrementAndGet() + " open, " + clients.size()
                    + " open now");
            connected.countDown();
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            if (clients.remove(conn)) {
                System.err.println("generator: client closed (" + code + " " + reason + (remote ? ", by the client"
                        : "") + "), " + clients.size() + " open now");
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            // the sender names its streams in the URL
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            System.err.println("generator: " + ex);
            if (conn == null) {
                started.countDown();
            }
        }
    }

    /**
     * The generator is not under test, but a fresh JVM's WebSocket write path is cold: before it listens for the
     * sender, it writes {@code messages} updates (ids from 1, never the measured ones) to a client of its own on
     * {@code /self-warmup}, so that the cold scenarios measure the relay's start and not the generator's.
     */
    private static void selfWarmup(Server server, String head, String[] tails, long messages) throws Exception {
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        CountDownLatch all = new CountDownLatch(1);
        org.java_websocket.client.WebSocketClient client = new org.java_websocket.client.WebSocketClient(
                java.net.URI.create("ws://127.0.0.1:" + server.getPort() + Server.SELF_WARMUP)) {
            @Override
            public void onOpen(org.java_websocket.handshake.ServerHandshake handshake) {
            }

            @Override
            public void onMessage(String message) {
                if (received.incrementAndGet() == messages) {
                    all.countDown();
                }
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                all.countDown();
            }

            @Override
            public void onError(Exception ex) {
                System.err.println("generator: self warm-up: " + ex);
            }
        };
        client.setTcpNoDelay(true);
        if (!client.connectBlocking(10, TimeUnit.SECONDS) || !server.selfWarmupOpened.await(10, TimeUnit.SECONDS)) {
            System.err.println("generator: self warm-up could not connect; going on without it");
            return;
        }
        long start = System.nanoTime();
        send(server.selfWarmupConn, head, tails, 1, messages, 0, null);
        all.await(30, TimeUnit.SECONDS);
        client.closeBlocking();
        System.err.printf("generator: self warm-up: %d messages in %d ms%n", received.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Accepts one client on the combined bookTicker stream (and the generator's own warm-up client). */
    private static final class Server extends WebSocketServer {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch connected = new CountDownLatch(1);
        private final String streamLowerCase;
        volatile WebSocket client;
        static final String SELF_WARMUP = "/self-warmup";
        final CountDownLatch selfWarmupOpened = new CountDownLatch(1);
        volatile WebSocket selfWarmupConn;

        Server(InetSocketAddress address, String streamLowerCase) {
            super(address, 1);
            this.streamLowerCase = streamLowerCase;
        }

        @Override
        public void onStart() {
            started.countDown();
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            String resource = handshake.getResourceDescriptor();
            if (resource.equals(SELF_WARMUP) && selfWarmupConn == null) {
                selfWarmupConn = conn;
                selfWarmupOpened.countDown();
                return;
            }
            if (client != null || !resource.toLowerCase().contains(streamLowerCase)) {
                System.err.println("generator: refusing " + resource + (client != null ? " (already connected)" : ""));
                conn.close(1008, "benchmark serves one client on " + streamLowerCase);
                return;
            }
            client = conn;
            connected.countDown();
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            if (conn == client) {
                System.err.println("generator: client closed (" + code + " " + reason + ")");
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            // SUBSCRIBE and friends: not needed, the sender names its streams in the URL
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            System.err.println("generator: " + ex);
            if (conn == null) {
                started.countDown();
            }
        }
    }
}
