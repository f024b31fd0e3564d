package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.LoopbackTlsWarmup;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
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
    private static final AtomicBoolean DONE = new AtomicBoolean();

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
        try {
            long done = LoopbackTlsWarmup.run(ssl, rounds, PING_EVERY, TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS),
                    frames);
            log.info("Warm-up: {} synthetic bookTicker updates through parse, ingest, batch, encode and loopback TLS"
                    + " in {} ms (nothing counted, nothing sent)", done,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
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
            log.info("Warm-up without loopback TLS ({}): {} synthetic updates through parse, ingest, batch and"
                    + " encode", e.toString(), done);
            return 0;
        }
    }

    /** The sender's side of the warm-up: the client writes updates, reads pings. */
    private static final class Frames implements LoopbackTlsWarmup.Frames {
        private final EpochNanoClock clock;
        private final QuoteSlots slots = new QuoteSlots(1, 64, TimeUnit.SECONDS.toNanos(1));
        private final LinkAccounting accounting = new LinkAccounting(1);
        private final BatchCollector collector = new BatchCollector(slots, accounting);
        private final QuoteIngest ingest = new QuoteIngest(List.of(SYMBOL), slots, () -> { });
        private final BookTickerParser parser = new BookTickerParser();
        private final StringBuilder text = new StringBuilder(256);
        private final FrameDecoder decoder = new FrameDecoder();
        private final BookTicker scratch = new BookTicker();
        private long pingId;
        private long pingT1;
        private long pingT2;

        Frames(EpochNanoClock clock) {
            this.clock = clock;
        }

        @Override
        public int clientFrame(FrameEncoder encoder, long round) {
            if (pingId != 0) { // answer the last ping as the link does
                int len = encoder.encodePong(pingId, pingT1, pingT2, clock.epochNanos());
                pingId = 0;
                return len;
            }
            long cents = 6_000_000 + round % 1_000; // bid 60000.00 .. 60009.99, ask one cent above
            text.setLength(0);
            text.append("{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":").append(1_000_000 + round)
                    .append(",\"s\":\"BTCUSDT\",\"b\":\"");
            price(cents);
            text.append("\",\"B\":\"1.").append(round & 7).append("0000000\",\"a\":\"");
            price(cents + 1);
            text.append("\",\"A\":\"0.").append(round & 3).append("5000000\"}}");
            ingest.onMessage(text.toString(), System.nanoTime(), parser);
            int n = collector.collect(false);
            QuoteSlots.Entry[] batch = collector.batch();
            int len = 0;
            for (int k = 0; k < n; k++) {
                BookTicker q = batch[k].quote;
                q.sendEpochNanos(clock.epochNanos());
                len = encoder.encodeQuote(q); // one update per round: the batch is that one quote
            }
            accounting.account(batch, n, true, round == 0);
            collector.clear(n);
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
