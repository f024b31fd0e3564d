package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.Hello;
import eu.bborelay.common.LoopbackTlsWarmup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sender's per-update path on synthetic Binance messages at start, before it connects to the receiver or
 * to Binance, so that the first real updates find compiled code and loaded classes (issue 14: a fresh sender's
 * first seconds carried stalls of tens of ms, and at 100 msg/s every update found cold code).
 *
 * <p>What runs, through the real classes: a {@link QuoteIngest} of its own (the {@link BookTickerParser} on spot
 * combined-stream bookTicker messages in Binance's exact format, deduplication, {@link QuoteSlots#publish}), a
 * {@link BatchCollector} and {@link LinkAccounting} taking the batch, {@link FrameEncoder} stamping and encoding
 * each quote, and a TLS 1.3 connection over loopback to this process that carries the frames (record encryption,
 * as to the receiver) and brings back ping frames that are decoded and answered with pongs (record decryption, as
 * from the receiver: at one ping a second that path otherwise stays cold for minutes, and its slowness would bias
 * the receiver's clock offset estimate). Every object is the warm-up's own: the sender's counters, sequence numbers
 * and slots are untouched; nothing is written to Binance or the receiver; nothing leaves the host.
 *
 * <p>Once per JVM, before the first {@link Sender#start}'s connections; off with the system property
 * {@value #PROPERTY}{@code =false}. Failures are logged and ignored (e.g. {@code CERT=none}: no key to serve the
 * loopback TLS with; the parse and encode part still runs): a sender without a warm-up is only slower at first.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    /** System property that turns the warm-up off ({@code false}). */
    static final String PROPERTY = "bborelay.warmup";
    /** Synthetic updates. */
    static final long DEFAULT_ROUNDS = 30_000;
    /** The loopback server writes a ping every this many updates. */
    static final int PING_EVERY = 8;
    /** Time limit of the whole warm-up. */
    static final long MAX_MILLIS = 3_000;
    private static final String SYMBOL = "BTCUSDT";
    private static final Hello HELLO = new Hello("00000000000000000000000000warmup", FrameDescriptor.PROTOCOL_VERSION,
            List.of(SYMBOL), 0, Sender.NAME);
    private static final AtomicBoolean DONE = new AtomicBoolean();
    /** Updates through the loopback WebSocket before the TLS part. */
    static final long WEBSOCKET_MESSAGES = 20_000;

    private Warmup() {
    }

    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }

    /** Runs {@link #run} unless turned off or already run in this JVM. */
    static void onceAtStart(SSLContext ssl, EpochNanoClock clock) {
        if (enabled() && DONE.compareAndSet(false, true)) {
            run(ssl, clock, DEFAULT_ROUNDS);
        }
    }

    /**
     * Runs the warm-up on the calling thread.
     *
     * @return updates that went through the whole path, loopback TLS included (0 when that part failed)
     */
    static long run(SSLContext ssl, EpochNanoClock clock, long rounds) {
        long start = System.nanoTime();
        Frames frames = new Frames(clock);
        long viaWebSocket = webSocket(frames, Math.min(rounds, WEBSOCKET_MESSAGES),
                TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS));
        try {
            long done = LoopbackTlsWarmup.run(ssl, rounds, PING_EVERY, TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS),
                    frames);
            long warmNanos = System.nanoTime() - start;
            long gcStart = System.nanoTime();
            System.gc(); // see the receiver's Warmup.collectWarmupGarbage: the first young GC was the start stall
            log.info("Warm-up: {} synthetic bookTicker updates through a loopback WebSocket, then {} through parse,"
                    + " ingest, batch, encode and loopback TLS, in {} ms, then a full GC in {} ms (nothing counted,"
                    + " nothing sent)", viaWebSocket, done, TimeUnit.NANOSECONDS.toMillis(warmNanos),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gcStart));
            return done;
        } catch (IOException | RuntimeException e) {
            // e.g. CERT=none: no key for the loopback server side. The JSON and frame code still gets warm.
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
            FrameEncoder encoder = new FrameEncoder();
            long done = 0;
            for (long round = 0; round < rounds && System.nanoTime() - deadline < 0; round++) {
                frames.clientFrame(encoder, round);
                done++;
            }
            System.gc();
            log.info("Warm-up without loopback TLS ({}): {} synthetic updates through parse, ingest, batch and"
                    + " encode", e.toString(), done);
            return 0;
        }
    }

    /**
     * Java-WebSocket's client read path (frame decoding, UTF-8 to {@code String}, {@code onMessage}), as the
     * Binance connection's read thread runs it: a loopback server in this process writes {@code messages} text
     * frames in Binance's format to a plain {@link WebSocketClient}, whose read thread hands each to the ingest.
     *
     * @return messages that went through (0 when the loopback WebSocket failed; logged)
     */
    static long webSocket(Frames frames, long messages, long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        WebSocketServer server = new WebSocketServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1) {
            @Override
            public void onOpen(WebSocket conn, ClientHandshake handshake) {
                opened.complete(conn);
            }

            @Override
            public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            }

            @Override
            public void onMessage(WebSocket conn, String message) {
            }

            @Override
            public void onError(WebSocket conn, Exception ex) {
                opened.completeExceptionally(ex);
                started.countDown();
            }

            @Override
            public void onStart() {
                started.countDown();
            }
        };
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        AtomicLong received = new AtomicLong();
        CountDownLatch all = new CountDownLatch(1);
        WebSocketClient client = null;
        try {
            server.start();
            if (!started.await(maxNanos, TimeUnit.NANOSECONDS)) {
                throw new IOException("loopback WebSocket server did not start");
            }
            client = new WebSocketClient(URI.create("ws://127.0.0.1:" + server.getPort() + "/warmup")) {
                @Override
                public void onOpen(ServerHandshake handshake) {
                }

                @Override
                public void onMessage(String message) {
                    frames.ingest(message);
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
                }
            };
            client.setTcpNoDelay(true);
            client.setConnectionLostTimeout(0);
            if (!client.connectBlocking(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("loopback WebSocket did not connect");
            }
            WebSocket conn = opened.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (long i = 0; i < messages && System.nanoTime() - deadline < 0; i++) {
                while (conn.isOpen() && i - received.get() > 256) { // keep the server's queue short
                    LockSupport.parkNanos(20_000);
                }
                conn.send(frames.text(i).toString());
            }
            all.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return received.get();
        } catch (Exception e) {
            log.info("Warm-up: loopback WebSocket part skipped ({})", e.toString());
            return received.get();
        } finally {
            if (client != null) {
                try {
                    client.closeBlocking(); // its read thread is done with the ingest before the TLS part uses it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                server.stop(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The sender's side of the warm-up: the client writes updates, reads pings. */
    private static final class Frames implements LoopbackTlsWarmup.Frames {
        private final EpochNanoClock clock;
        private final QuoteSlots slots = new QuoteSlots(1, 64, TimeUnit.SECONDS.toNanos(1));
        private final LinkAccounting accounting = new LinkAccounting(1);
        private final BatchCollector collector = new BatchCollector(slots, accounting);
        private final QuoteIngest ingest = new QuoteIngest(List.of(SYMBOL), slots, () -> { });
        private BookTickerParser parser = new BookTickerParser();
        private long ingested;
        private final StringBuilder text = new StringBuilder(256);
        private final FrameDecoder decoder = new FrameDecoder();
        private final BookTicker scratch = new BookTicker();
        private final FrameEncoder wsEncoder = new FrameEncoder();
        private long pingId;
        private long pingT1;
        private long pingT2;

        Frames(EpochNanoClock clock) {
            this.clock = clock;
        }

        @Override
        public int clientFrame(FrameEncoder encoder, long round) {
            if (pingId != 0) { // answer the last ping as the link does
                // with prev_id and prev_write_ns, as the link's pongs after the first
                int len = encoder.encodePong(pingId, pingT1, pingT2, clock.epochNanos(), pingId - 1, 20_000);
                pingId = 0;
                return len;
            }
            return ingest(text(WEBSOCKET_MESSAGES + round).toString(), encoder); // ids above the WebSocket part's
        }

        /** Binance's spot combined-stream bookTicker message of update {@code round} (a reused builder). */
        CharSequence text(long round) {
            long cents = 6_000_000 + round % 1_000; // bid 60000.00 .. 60009.99, ask one cent above
            text.setLength(0);
            // u as Binance's: 11 digits (a long), so the parser's long branch is the one compiled
            text.append("{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":").append(60_000_000_000L + round)
                    .append(",\"s\":\"BTCUSDT\",\"b\":\"");
            price(cents);
            text.append("\",\"B\":\"1.").append(round & 7).append("0000000\",\"a\":\"");
            price(cents + 1);
            text.append("\",\"A\":\"0.").append(round & 3).append("5000000\"}}");
            return text;
        }

        /** A message from the loopback WebSocket: through the ingest, the batch and the encoder. */
        void ingest(String message) {
            ingest(message, wsEncoder);
        }

        private int ingest(String message, FrameEncoder encoder) {
            if ((++ingested & 1023) == 0) {
                // each Binance connection has a new parser, whose first lookup of a symbol misses: keep that
                // branch in the profile, and the hello a connection starts with
                parser = new BookTickerParser();
                encoder.encodeHello(HELLO);
            }
            ingest.onMessage(message, System.nanoTime(), parser);
            int n = collector.collect(false);
            QuoteSlots.Entry[] batch = collector.batch();
            int len = 0;
            for (int k = 0; k < n; k++) {
                BookTicker q = batch[k].quote;
                q.sendEpochNanos(clock.epochNanos());
                len = encoder.encodeQuote(q); // one update per round: the batch is that one quote
            }
            accounting.account(batch, n, true, false);
            collector.clear(n);
            if ((ingested & 15) == 0) {
                collector.clear(collector.collect(false)); // a wake-up that finds nothing: empty slots
            }
            return n == 0 ? encoder.encodeHeartbeat() : len;
        }

        private void price(long cents) {
            long c = cents % 100;
            text.append(cents / 100).append('.').append(c < 10 ? "0" : "").append(c).append("000000");
        }

        @Override
        public void serverRead(byte[] payload, int length) {
            // the loopback server only carries the frames; the receiver's side is the receiver's warm-up
        }

        @Override
        public int serverFrame(FrameEncoder encoder, long round) {
            return encoder.encodePing(round + 1, clock.epochNanos());
        }

        @Override
        public void clientRead(byte[] payload, int length) throws IOException {
            long t2 = clock.epochNanos();
            try {
                if (decoder.decode(payload, length, scratch) == FrameType.PING) {
                    pingId = decoder.pingId();
                    pingT1 = decoder.t1();
                    pingT2 = t2;
                }
            } catch (FrameFormatException e) {
                throw new IOException("warm-up ping did not decode: " + e.getMessage(), e);
            }
        }
    }
}
