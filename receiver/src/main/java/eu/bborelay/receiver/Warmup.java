package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Runs the receiver's per-quote path on synthetic frames at start, before it accepts a sender, so that the first
 * real quotes find compiled code and loaded classes (issue 14: without it the first seconds of a fresh receiver
 * carried stalls of tens of ms and every quote at 100 msg/s found cold code).
 *
 * <p>What runs, through the real classes: a TLS 1.3 connection over loopback to this process with the receiver's
 * own {@link SSLContext} on the server side (record decryption of quote frames, encryption of ping frames, as on a
 * real connection), {@code FrameReader}, {@link FrameDecoder} into a {@link BookTicker}, a {@link SequenceTracker},
 * the clock, latency recording into HdrHistogram recorders, a latest-quote {@link QuoteSlot} and the
 * {@link ClockSync} of a pong. Every object it touches is its own: nothing is counted in the receiver's
 * statistics, no session or symbol is created, and the user's listener is never called. Nothing leaves the host.
 *
 * <p>Runs once per JVM (the first {@link Receiver#start}); off with the system property
 * {@value #PROPERTY}{@code =false}. Takes about {@link #DEFAULT_ROUNDS} quotes,
 * well under a second on a quiet core (at most {@link #MAX_MILLIS} ms). Failures are logged and ignored: a
 * receiver without a warm-up is only slower at first.
 */
public final class Warmup {
    /** System property that turns the warm-up off ({@code false}). */
    public static final String PROPERTY = "bborelay.warmup";
    /** Synthetic quotes written through the loopback TLS connection. */
    static final long DEFAULT_ROUNDS = 30_000;
    /** The server side writes a ping every this many quotes. */
    static final int PING_EVERY = 8;
    /** Time limit of the whole warm-up. */
    static final long MAX_MILLIS = 3_000;

    /** Set by the first warm-up of this JVM: compiled code is per JVM, so later receivers in it skip theirs. */
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private Warmup() {
    }

    /** Runs {@link #run} unless turned off or already run in this JVM. */
    static void onceAtStart(SSLContext ssl, EpochNanoClock clock) {
        if (enabled() && DONE.compareAndSet(false, true)) {
            run(ssl, clock, DEFAULT_ROUNDS);
        }
    }

    /** Whether {@link #PROPERTY} leaves the warm-up on (default). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }

    /**
     * Runs the warm-up on the calling thread.
     *
     * @param ssl the receiver's server context
     * @param clock the receiver's wall clock
     * @return quotes that went through the path (0 when it failed)
     */
    static long run(SSLContext ssl, EpochNanoClock clock, long rounds) {
        long start = System.nanoTime();
        WarmupFrames frames = new WarmupFrames(clock);
        try {
            long done = LoopbackTlsWarmup.run(ssl, rounds, PING_EVERY, TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS),
                    frames);
            long warmNanos = System.nanoTime() - start;
            long gcStart = System.nanoTime();
            collectWarmupGarbage();
            LOG.info("Warm-up: {} synthetic quotes through loopback TLS, decode, sequence tracking and latency"
                    + " recording in {} ms, then a full GC in {} ms (nothing counted, no listener called)", done,
                    TimeUnit.NANOSECONDS.toMillis(warmNanos),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gcStart));
            return done;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Warm-up skipped ({}): the first quotes may be slower", e.toString());
            return 0;
        }
    }

    private static final Hello HELLO = new Hello("00000000000000000000000000warmup", FrameDescriptor.PROTOCOL_VERSION,
            List.of("WARMUPUSDT"), 0, "warm-up");

    /**
     * A full collection while nothing is connected yet. Measured (issue 14, sender and receiver alike): without it,
     * the first young collection after start fell on the first real quotes and had to copy everything the start and
     * the warm-up left in the young generation: 41 ms with the images' SerialGC, the stall at the start of the cold
     * runs. Collected now, the next young collections find little to copy.
     */
    static void collectWarmupGarbage() {
        System.gc();
    }

    /** The receiver's side of the warm-up's frames. */
    private static final class WarmupFrames implements LoopbackTlsWarmup.Frames {
        private final EpochNanoClock clock;
        private final BookTicker out = new BookTicker();
        private final BookTicker in = new BookTicker();
        private final FrameDecoder serverDecoder = new FrameDecoder();
        private final FrameDecoder clientDecoder = new FrameDecoder();
        private final BookTicker clientScratch = new BookTicker();
        private final SequenceTracker tracker = SequenceTracker.fromHello(0);
        private final LatencyStats latency = new LatencyStats(LatencyHistograms.SIGNIFICANT_DIGITS);
        private final LatencyStats raw = new LatencyStats(LatencyHistograms.PER_SYMBOL_SIGNIFICANT_DIGITS);
        private final QuoteSlot slot = new QuoteSlot("WARMUPUSDT");
        private final ClockSync clockSync = new ClockSync();
        private long seq;
        private long lastPing;
        private long lastPingT1;
        private long sink;

        WarmupFrames(EpochNanoClock clock) {
            this.clock = clock;
        }

        @Override
        public int clientFrame(FrameEncoder encoder, long round) {
            if (lastPing != 0) { // answer the last ping, as the sender does
                long t2 = clock.epochNanos();
                int len = encoder.encodePong(lastPing, lastPingT1, t2, clock.epochNanos(), lastPing - 1, 20_000);
                lastPing = 0;
                return len;
            }
            if ((round & 255) == 255) { // what a connection starts with: its decode branches are in the profile
                return encoder.encodeHello(HELLO);
            }
            if ((round & 63) == 63) {
                return encoder.encodeHeartbeat();
            }
            double bid = 60_000 + (round % 1_000) * 0.01;
            out.set("WARMUPUSDT", bid, 1.5 + (round & 7), bid + 0.01, 0.25 + (round & 3),
                    60_000_000_000L + round, (round & 1) == 0 ? 0 : clock.epochNanos() / 1_000_000)
                    .seq(++seq).sendEpochNanos(clock.epochNanos());
            return encoder.encodeQuote(out);
        }

        @Override
        public void serverRead(byte[] payload, int length) throws IOException {
            FrameType type;
            try {
                type = serverDecoder.decode(payload, length, in);
            } catch (FrameFormatException e) {
                throw new IOException("warm-up frame did not decode: " + e.getMessage(), e);
            }
            long now = clock.epochNanos();
            if (type == FrameType.QUOTE) {
                in.receiveEpochNanos(now);
                SequenceTracker.Verdict v = tracker.onQuote(in.seq());
                long rawNanos = now - in.sendEpochNanos();
                raw.record(LatencyHistograms.clamp(rawNanos));
                latency.record(LatencyHistograms.clamp(rawNanos + clockSync.offsetNanos()));
                slot.publish(in);
                sink += v.ordinal();
            } else if (type == FrameType.HELLO) {
                sink += serverDecoder.hello().lastSeq();
            } else if (type == FrameType.PONG) {
                clockSync.pongWrittenLate(serverDecoder.prevPingId(), serverDecoder.prevWriteNanos());
                clockSync.onPong(serverDecoder.pingId(), serverDecoder.t1(), 10_000, serverDecoder.t2(),
                        serverDecoder.t3(), now, false);
            }
        }

        @Override
        public int serverFrame(FrameEncoder encoder, long round) {
            return encoder.encodePing(round + 1, clock.epochNanos());
        }

        @Override
        public void clientRead(byte[] payload, int length) throws IOException {
            try {
                if (clientDecoder.decode(payload, length, clientScratch) == FrameType.PING) {
                    lastPing = clientDecoder.pingId();
                    lastPingT1 = clientDecoder.t1();
                }
            } catch (FrameFormatException e) {
                throw new IOException("warm-up ping did not decode: " + e.getMessage(), e);
            }
        }
    }
}
