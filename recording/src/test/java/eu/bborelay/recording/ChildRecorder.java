package eu.bborelay.recording;

import static eu.bborelay.recording.BinanceTables.BBO;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/**
 * A recorder in a child JVM, for the tests that must kill a real process or fill a real disk.
 *
 * <ul>
 *   <li>{@code crash <dataDir> <rows>}: appends bbo rows of three symbols, {@code recv_ts} 200 ms apart from
 *       2024-08-08T22:59:00Z (hours and midnight pass quickly), its clock following the rows, and prints
 *       {@code acked <n>} after every 500 appended rows; the parent kills it with {@code destroyForcibly()}.</li>
 *   <li>{@code diskfull <dataDir> <outDir>}: fills the (small tmpfs) disk, checks that writing stops with a failing
 *       health, frees space, checks that writing resumes, closes, copies the Parquet files to {@code outDir} and prints
 *       {@code accepted <n>}.</li>
 * </ul>
 */
public final class ChildRecorder {
    static final long START = Instant.parse("2024-08-08T22:59:00Z").getEpochSecond() * 1_000_000_000L;
    static final long STEP = 200_000_000L;
    static final String[] SYMBOLS = {"BTCUSDT", "ETHUSDT", "BTCUSD_PERP"};

    private ChildRecorder() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        if (args[0].equals("crash")) {
            crash(Path.of(args[1]), Long.parseLong(args[2]), out);
        } else {
            diskFull(Path.of(args[1]), Path.of(args[2]), out);
        }
    }

    static final class RowClock extends Clock {
        volatile long nanos = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(0, nanos);
        }
    }

    static void fill(Row row, long i) {
        RecorderTest.bbo(row, SYMBOLS[(int) (i % SYMBOLS.length)], START + i * STEP, i);
    }

    private static void crash(Path dataDir, long rows, PrintStream out) throws Exception {
        RowClock clock = new RowClock();
        Recorder r = Recorder.open(RecorderConfig.defaults(dataDir).withClock(clock), List.of(BBO), (f, b) -> { });
        Row row = new Row(BBO);
        for (long i = 0; i < rows; i++) {
            fill(row, i);
            clock.nanos = START + i * STEP;
            if (!r.append(row)) {
                throw new IllegalStateException("refused row " + i + ": " + r.stats());
            }
            if ((i + 1) % 500 == 0) {
                r.maintain();
                out.println("acked " + (i + 1));
                out.flush();
            }
        }
        out.println("done");
        out.flush();
        Thread.sleep(60_000);
    }

    private static void diskFull(Path dataDir, Path outDir, PrintStream out) throws Exception {
        Path ballast = dataDir.resolveSibling("ballast");
        Files.write(ballast, new byte[1 << 20]);
        Recorder r = Recorder.open(RecorderConfig.defaults(dataDir), List.of(BBO), (f, b) -> { });
        Row row = new Row(BBO);
        long accepted = 0;
        long i = 0;
        while (i < 2_000_000 && r.append(rowAt(row, i))) {
            accepted++;
            i++;
        }
        RecorderStats failed = r.stats();
        out.println("failed " + failed.failure());
        out.println("healthy " + failed.healthy());
        for (int k = 0; k < 10; k++) {
            r.append(rowAt(row, ++i));
        }
        out.println("refused " + r.stats().table("binance/bbo").rowsRejected().get(RejectReason.STORAGE_FAILED));
        Files.delete(ballast);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!r.stats().healthy() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        out.println("recovered " + r.stats().healthy());
        for (int k = 0; k < 100; k++) {
            if (r.append(rowAt(row, ++i))) {
                accepted++;
            }
        }
        r.close();
        Files.createDirectories(outDir);
        int n = 0;
        try (Stream<Path> s = Files.walk(dataDir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                Files.copy(p, outDir.resolve("f" + (n++) + ".parquet"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        out.println("accepted " + accepted);
        out.flush();
    }

    private static Row rowAt(Row row, long i) {
        return RecorderTest.bbo(row, "BTCUSDT", System.currentTimeMillis() * 1_000_000L, i);
    }
}
