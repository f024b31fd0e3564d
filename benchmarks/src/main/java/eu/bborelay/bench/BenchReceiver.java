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
 * the records and prints {@code RECV_DUMPED <quotes>}; on {@code quit} (or end of stdin) it closes and exits.
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

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        Path certs = Path.of(a.required("--certs"));
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
                    System.out.println("RECV_DUMPED " + n + " " + listener.gaps + " " + listener.overflow);
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
