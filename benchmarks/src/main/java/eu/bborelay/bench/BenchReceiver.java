package eu.bborelay.bench;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.receiver.TickerListener;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark receiver: embeds the receiver library, as the trading executor does, with a listener that records the
 * update id ({@link BookTicker#updateId()}), the wall-clock time of every quote it gets and the sender's write time
 * ({@code ts}, {@link BookTicker#sendEpochNanos()}), into preallocated
 * arrays (no allocation per quote).
 *
 * <p>Driven by {@link BenchRunner} over stdin/stdout, one line each: it prints {@code RECV_LISTENING <port>}; on
 * {@code status} it prints {@code RECV_STATUS <quotes> <lastUpdateId> <gaps>}; on {@code dump <file>} it writes
 * the records and prints {@code RECV_DUMPED <quotes> <gaps> <overflow> <p50 corrected ns> <p50 uncorrected ns>
 * <clock offset ns> <clamped> <offset known>} (the last five from the library's {@code ReceiverStats}); on {@code quit} (or end of stdin) it closes and exits.
 *
 * <p>Dump file: big-endian longs: count, then count triples (updateId, listener time, the sender's {@code ts}),
 * times in ns since the epoch.
 */
public final class BenchReceiver {
    private static final EpochNanoClock CLOCK = EpochNanoClock.SYSTEM;

    private BenchReceiver() {
    }

    /** Records quotes; single writer (the connection's reader thread), readers see a prefix up to {@link #count}. */
    static final class RecordingListener implements TickerListener {
        final long[] updateIds;
        final long[] receiveNanos;
        final long[] sendNanos;
        volatile int count;
        volatile long lastUpdateId = -1;
        volatile long gaps;
        volatile long overflow;

        RecordingListener(int capacity) {
            updateIds = new long[capacity];
            receiveNanos = new long[capacity];
            sendNanos = new long[capacity];
        }

        @Override
        public void onBookTicker(BookTicker quote) {
            long now = CLOCK.epochNanos();
            int n = count;
            if (n < updateIds.length) {
                updateIds[n] = quote.updateId();
                receiveNanos[n] = now;
                sendNanos[n] = quote.sendEpochNanos();
                count = n + 1; // volatile write publishes the slot
            } else {
                overflow = overflow + 1;
            }
            lastUpdateId = quote.updateId();
        }

        @Override
        public void onGap(long expectedSeq, long receivedSeq) {
            gaps = gaps + (receivedSeq - expectedSeq);
        }

        @Override
        public void onConnected(String remoteAddress) {
            System.err.println("bench-receiver: connected " + remoteAddress);
        }

        @Override
        public void onDisconnected(String remoteAddress, Throwable cause) {
            System.err.println("bench-receiver: disconnected " + remoteAddress + (cause == null ? "" : ": " + cause));
        }
    }

    /**
     * Soak mode's listener: no per-quote record (a 30-minute run would not fit the image's 96 MiB heap), a bitmap
     * of the delivered {@code seq} values instead, preallocated (no allocation per quote), from which duplicates
     * (a seq delivered twice), out-of-order deliveries (below the highest seq so far) and missing seqs (never
     * delivered, up to the highest) are counted independently of the receiver library's own counts.
     */
    static final class SoakListener implements TickerListener {
        private final long[] seen;
        private final long capacityBits;
        volatile long delivered;
        volatile long maxSeq;
        volatile long duplicates;
        volatile long outOfOrder;
        volatile long beyondCapacity;
        volatile long gapCallbacksSum;
        volatile long connects;
        volatile long disconnects;
        volatile long lastUpdateId = -1;

        SoakListener(long capacityBits) {
            this.capacityBits = capacityBits;
            this.seen = new long[(int) ((capacityBits + 63) >>> 6)];
        }

        @Override
        public synchronized void onBookTicker(BookTicker quote) {
            long seq = quote.seq();
            delivered = delivered + 1;
            lastUpdateId = quote.updateId();
            if (seq < maxSeq) {
                outOfOrder = outOfOrder + 1;
            }
            if (seq > maxSeq) {
                maxSeq = seq;
            }
            if (seq < 0 || seq >= capacityBits) {
                beyondCapacity = beyondCapacity + 1;
                return;
            }
            int word = (int) (seq >>> 6);
            long bit = 1L << (seq & 63);
            if ((seen[word] & bit) != 0) {
                duplicates = duplicates + 1;
            } else {
                seen[word] |= bit;
            }
        }

        /** Seqs in [1, maxSeq] never delivered (within the bitmap's capacity). */
        synchronized long missing() {
            long max = Math.min(maxSeq, capacityBits - 1);
            long present = 0;
            for (int w = 0; w <= (int) (max >>> 6); w++) {
                long bits = seen[w];
                if (w == (int) (max >>> 6)) {
                    int upTo = (int) (max & 63); // keep bits 0..upTo
                    bits &= upTo == 63 ? -1L : (1L << (upTo + 1)) - 1;
                }
                if (w == 0) {
                    bits &= ~1L; // seq 0 is never used
                }
                present += Long.bitCount(bits);
            }
            return max - present;
        }

        @Override
        public synchronized void onGap(long expectedSeq, long receivedSeq) {
            gapCallbacksSum = gapCallbacksSum + (receivedSeq - expectedSeq);
        }

        @Override
        public void onConnected(String remoteAddress) {
            connects++;
            System.err.println("bench-receiver: connected " + remoteAddress);
        }

        @Override
        public void onDisconnected(String remoteAddress, Throwable cause) {
            disconnects++;
            System.err.println("bench-receiver: disconnected " + remoteAddress + (cause == null ? "" : ": " + cause));
        }
    }

    /**
     * Soak mode ({@code --soak}): {@code status} prints {@code RECV_STATUS <delivered> <maxSeq> <libraryGaps>};
     * {@code soakstats} prints one line {@code RECV_SOAK key=value ...} with the listener's counts and the
     * library's {@link ReceiverStats}; {@code quit} closes and exits.
     */
    private static void soak(ReceiverConfig config, long capacityBits) throws Exception {
        SoakListener listener = new SoakListener(capacityBits);
        try (Receiver receiver = Receiver.start(config, listener)) {
            System.out.println("RECV_LISTENING " + receiver.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                line = line.trim();
                if (line.equals("status")) {
                    System.out.println("RECV_STATUS " + listener.delivered + " " + listener.maxSeq + " "
                            + receiver.stats().gaps());
                } else if (line.equals("soakstats")) {
                    ReceiverStats s = receiver.stats();
                    System.err.println("bench-receiver: " + s);
                    System.out.println("RECV_SOAK listener_delivered=" + listener.delivered
                            + " listener_max_seq=" + listener.maxSeq
                            + " listener_duplicates=" + listener.duplicates
                            + " listener_out_of_order=" + listener.outOfOrder
                            + " listener_missing_seqs=" + listener.missing()
                            + " listener_beyond_capacity=" + listener.beyondCapacity
                            + " listener_on_gap_sum=" + listener.gapCallbacksSum
                            + " listener_connects=" + listener.connects
                            + " listener_disconnects=" + listener.disconnects
                            + " listener_last_update_id=" + listener.lastUpdateId
                            + " lib_quotes_delivered=" + s.quotesDelivered()
                            + " lib_gaps=" + s.gaps()
                            + " lib_duplicates=" + s.duplicates()
                            + " lib_out_of_order=" + s.outOfOrder()
                            + " lib_replays_ignored=" + s.replaysIgnored()
                            + " lib_connections_accepted=" + s.connectionsAccepted()
                            + " lib_connections_open=" + s.connectionsOpen()
                            + " lib_handshake_failures=" + s.handshakeFailures()
                            + " lib_sessions=" + s.sessions()
                            + " lib_malformed=" + s.malformedFrames().values().stream().mapToLong(Long::longValue)
                                    .sum()
                            + " lib_unknown_frames=" + s.unknownFrames()
                            + " lib_listener_errors=" + s.listenerErrors()
                            + " lib_silence_timeouts=" + s.silenceTimeouts()
                            + " lib_senders_not_answering=" + s.sendersNotAnswering()
                            + " lib_stale_events=" + s.staleEvents()
                            + " lib_p50_us=" + s.p50OneWayNanos() / 1_000
                            + " lib_p99_us=" + s.p99OneWayNanos() / 1_000
                            + " lib_max_us=" + s.maxOneWayNanos() / 1_000);
                } else if (line.equals("quit")) {
                    break;
                }
                System.out.flush();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        Path certs = Path.of(a.required("--certs"));
        if (a.flag("--soak")) {
            soak(ReceiverConfig.builder()
                    .bindAddress("127.0.0.1")
                    .port(a.intValue("--port", 0))
                    .tls(certs.resolve("receiver.crt"), certs.resolve("receiver.key"), certs.resolve("ca.crt"))
                    .statsInterval(a.intValue("--stats-seconds", 60), TimeUnit.SECONDS)
                    .build(), a.longValue("--capacity", 64_000_000));
            return;
        }
        int capacity = a.intValue("--capacity", 2_000_000);
        RecordingListener listener = new RecordingListener(capacity);
        ReceiverConfig config = ReceiverConfig.builder()
                .bindAddress("127.0.0.1")
                .port(a.intValue("--port", 0))
                .tls(certs.resolve("receiver.crt"), certs.resolve("receiver.key"), certs.resolve("ca.crt"))
                .statsInterval(0, TimeUnit.SECONDS)
                .build();
        try (Receiver receiver = Receiver.start(config, listener)) {
            System.out.println("RECV_LISTENING " + receiver.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                line = line.trim();
                if (line.equals("status")) {
                    System.out.println("RECV_STATUS " + listener.count + " " + listener.lastUpdateId + " "
                            + listener.gaps);
                } else if (line.startsWith("dump ")) {
                    int n = dump(listener, Path.of(line.substring(5).trim()));
                    ReceiverStats s = receiver.stats();
                    System.err.println("bench-receiver: " + s);
                    // then the library's own clock check: corrected and uncorrected p50 (ns), offset (ns), clamped
                    System.out.println("RECV_DUMPED " + n + " " + listener.gaps + " " + listener.overflow + " "
                            + s.p50OneWayNanos() + " " + s.p50OneWayUncorrectedNanos() + " " + s.clockOffsetNanos()
                            + " " + s.latencyClamped() + " " + s.clockOffsetKnown());
                } else if (line.equals("quit")) {
                    break;
                }
                System.out.flush();
            }
        }
    }

    private static int dump(RecordingListener l, Path file) throws Exception {
        int n = l.count;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                1 << 16))) {
            out.writeLong(n);
            for (int i = 0; i < n; i++) {
                out.writeLong(l.updateIds[i]);
                out.writeLong(l.receiveNanos[i]);
                out.writeLong(l.sendNanos[i]);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        return n;
    }
}
