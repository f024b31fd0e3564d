package eu.bborelay.recording;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.recording.BinanceTables.Bbo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Recording benchmarks (issue 9's targets), one measurement per JVM, no warm-up (each run starts cold, as production
 * does). In package {@code eu.bborelay.recording} to reach the package-private Parquet writer.
 *
 * <pre>
 * java -cp target/relay-benchmarks.jar eu.bborelay.recording.RecordingBench writer   RECORDING [ROWS]
 * java -cp target/relay-benchmarks.jar eu.bborelay.recording.RecordingBench recorder RECORDING [ROWS]
 * java -cp target/relay-benchmarks.jar eu.bborelay.recording.RecordingBench size     RECORDING...
 * </pre>
 *
 * <ul>
 *   <li>{@code writer}: rows/s of the Parquet writer alone (validate + encode + {@code ParquetWriter.write} + close),
 *       one thread, {@code ROWS} (default 3,000,000) bbo rows cycling through the recording's bookTicker prices.</li>
 *   <li>{@code recorder}: the same through {@link Recorder#append} (journal {@code write(2)} per row, then Parquet),
 *       the journal forced every second by the recorder's own thread.</li>
 *   <li>{@code size}: the recording's bookTicker updates as bbo rows ({@code recv_ts} = the capture's receive time,
 *       {@code exch_ts} null (spot), {@code update_id} = {@code u}, {@code seq} from 1, {@code send_ts} =
 *       {@code recv_ts} − 3.5 ms − a uniform 0–200 µs jitter, a stand-in for the sender's clock, which the capture
 *       does not have) through the Recorder with the defaults; prints the Parquet bytes per row.</li>
 * </ul>
 */
public final class RecordingBench {
    private RecordingBench() {
    }

    record Quotes(long[] recvTs, double[] bid, double[] bidQty, double[] ask, double[] askQty, long[] updateId) {
        int size() {
            return recvTs.length;
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path tmp = Files.createTempDirectory("recording-bench");
        boolean keep = System.getProperty("bench.keep") != null;
        try {
            switch (mode) {
                case "writer" -> writer(load(Path.of(args[1])), tmp, args.length > 2 ? Long.parseLong(args[2]) : 3_000_000);
                case "recorder" -> recorder(load(Path.of(args[1])), tmp,
                        args.length > 2 ? Long.parseLong(args[2]) : 3_000_000);
                case "memory" -> memory(load(Path.of(args[1])), tmp, args.length > 2 ? Integer.parseInt(args[2]) : 30);
                case "size" -> {
                    for (int i = 1; i < args.length; i++) {
                        size(load(Path.of(args[i])), tmp.resolve("size" + i), Path.of(args[i]).getFileName());
                    }
                }
                default -> throw new IllegalArgumentException("mode: writer, recorder or size");
            }
        } finally {
            if (keep) {
                System.out.println("kept " + tmp);
                return;
            }
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void fill(Row row, Quotes q, int i, long recvTs, long seq, long sendTs) {
        row.clear().setLong(Bbo.RECV_TS, recvTs).setString(Bbo.SYMBOL, "BTCUSDT")
                .setDouble(Bbo.BID, q.bid[i]).setDouble(Bbo.ASK, q.ask[i])
                .setDouble(Bbo.BID_QTY, q.bidQty[i]).setDouble(Bbo.ASK_QTY, q.askQty[i])
                .setLong(Bbo.UPDATE_ID, q.updateId[i]).setLong(Bbo.SEQ, seq).setLong(Bbo.SEND_TS, sendTs);
    }

    private static void writer(Quotes q, Path dir, long rows) throws IOException {
        RecorderConfig config = tuned(RecorderConfig.defaults(dir));
        Row row = new Row(BinanceTables.BBO);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Path file = dir.resolve("data_000.parquet");
        long t0 = System.nanoTime();
        long cpu0 = threadCpu();
        long proc0 = processCpu();
        ParquetFileWriter w = new ParquetFileWriter(BinanceTables.BBO, file, config);
        long base = Instant.parse("2024-08-08T23:00:00Z").getEpochSecond() * 1_000_000_000L;
        SplittableRandom random = new SplittableRandom(1);
        int n = q.size();
        for (long k = 0; k < rows; k++) {
            int i = (int) (k % n);
            long recvTs = base + k * 1_000_000L;
            fill(row, q, i, recvTs, k + 1, recvTs - 3_500_000 - random.nextLong(200_000));
            if (row.validate() != null) {
                throw new IllegalStateException("bad row " + k);
            }
            buf.clear();
            row.encode(buf);
            buf.flip();
            w.write(buf);
        }
        long bytes = w.commit();
        report("writer", rows, System.nanoTime() - t0, threadCpu() - cpu0, processCpu() - proc0, bytes);
    }

    private static void recorder(Quotes q, Path dir, long rows) throws IOException {
        long base = Instant.parse("2024-08-08T23:00:00Z").getEpochSecond() * 1_000_000_000L;
        Row row = new Row(BinanceTables.BBO);
        SplittableRandom random = new SplittableRandom(1);
        long[] bytes = new long[1];
        int n = q.size();
        long t0 = System.nanoTime();
        long cpu0 = threadCpu();
        long proc0 = processCpu();
        // the clock stays inside the rows' hour: the file is closed by close(), inside the measurement
        RecorderConfig config = RecorderConfig.defaults(dir).withClock(java.time.Clock.fixed(
                Instant.parse("2024-08-08T23:00:00Z"), java.time.ZoneOffset.UTC));
        try (Recorder r = Recorder.open(config, List.of(BinanceTables.BBO), (f, b) -> bytes[0] += b)) {
            for (long k = 0; k < rows; k++) {
                int i = (int) (k % n);
                long recvTs = base + k * 1_000_000L;
                fill(row, q, i, recvTs, k + 1, recvTs - 3_500_000 - random.nextLong(200_000));
                if (!r.append(row)) {
                    throw new IllegalStateException("refused " + r.stats());
                }
            }
        }
        report("recorder", rows, System.nanoTime() - t0, threadCpu() - cpu0, processCpu() - proc0, bytes[0]);
    }

    /**
     * Heap held by open files: {@code files} symbols written round robin (each file gets 2 × the rows of one row group
     * and more, so that its buffers are at their steady-state high), heap used after a full GC with the files open,
     * minus the same before opening them.
     */
    private static void memory(Quotes q, Path dir, int files) throws IOException {
        long base = Instant.parse("2024-08-08T23:00:00Z").getEpochSecond() * 1_000_000_000L;
        RecorderConfig config = tuned(RecorderConfig.defaults(dir)).withMaxOpenFiles(files).withClock(
                java.time.Clock.fixed(Instant.parse("2024-08-08T23:00:00Z"), java.time.ZoneOffset.UTC));
        Row row = new Row(BinanceTables.BBO);
        String[] symbols = new String[files];
        for (int s = 0; s < files; s++) {
            symbols[s] = "SYM" + s;
        }
        long before = usedAfterGc();
        long max = 0;
        try (Recorder r = Recorder.open(config, List.of(BinanceTables.BBO), (f, b) -> { })) {
            int n = q.size();
            for (long k = 0; k < 250_000L * files; k++) {
                int i = (int) (k % n);
                fill(row, q, i, base + k * 1_000L, k + 1, base + k * 1_000L - 3_500_000);
                row.setString(Bbo.SYMBOL, symbols[(int) (k % files)]);
                r.append(row);
                if (k % (50_000L * files) == 50_000L * files - 1) {
                    max = Math.max(max, usedAfterGc() - before);
                }
            }
            System.out.printf("memory files=%d open=%d heap_held_max_bytes=%d per_file_bytes=%d%n", files,
                    r.stats().openFiles(), max, max / files);
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /**
     * Prints rows per wall-clock second, per CPU second of the writing thread (what one core does, whatever else
     * runs on the machine) and per CPU second of the whole process (JIT compiler and GC threads included).
     */
    private static void report(String what, long rows, long wallNs, long threadCpuNs, long processCpuNs, long bytes) {
        System.out.printf("%s rows=%d wall_s=%.3f rows_per_wall_s=%.0f rows_per_thread_cpu_s=%.0f"
                        + " rows_per_process_cpu_s=%.0f bytes=%d bytes_per_row=%.2f%n", what, rows, wallNs / 1e9,
                rows / (wallNs / 1e9), rows / (threadCpuNs / 1e9), rows / (processCpuNs / 1e9), bytes,
                (double) bytes / rows);
    }

    private static long threadCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void size(Quotes q, Path dir, Path name) throws IOException {
        Row row = new Row(BinanceTables.BBO);
        SplittableRandom random = new SplittableRandom(1);
        long[] bytes = new long[2];
        RecorderConfig config = tuned(RecorderConfig.defaults(dir)).withClock(java.time.Clock.fixed(
                Instant.ofEpochSecond(0, q.recvTs[0]), java.time.ZoneOffset.UTC));
        try (Recorder r = Recorder.open(config, List.of(BinanceTables.BBO), (f, b) -> {
            bytes[0] += b;
            bytes[1]++;
        })) {
            for (int i = 0; i < q.size(); i++) {
                fill(row, q, i, q.recvTs[i], i + 1, q.recvTs[i] - 3_500_000 - random.nextLong(200_000));
                r.append(row);
            }
        }
        System.out.printf("size %s rows=%d files=%d bytes=%d bytes_per_row=%.2f%n", name, q.size(), bytes[1],
                bytes[0], (double) bytes[0] / q.size());
    }

    /**
     * {@code -Dbench.pageBytes=}, {@code -Dbench.rowGroupBytes=}, {@code -Dbench.zstdLevel=}, {@code -Dbench.parquetV2=}
     * override the defaults.
     */
    private static RecorderConfig tuned(RecorderConfig c) {
        RecorderConfig out = c;
        if (System.getProperty("bench.pageBytes") != null) {
            out = out.withPageBytes(Integer.getInteger("bench.pageBytes"));
        }
        if (System.getProperty("bench.rowGroupBytes") != null) {
            out = out.withRowGroupBytes(Integer.getInteger("bench.rowGroupBytes"));
        }
        if (System.getProperty("bench.zstdLevel") != null) {
            out = out.withZstdLevel(Integer.getInteger("bench.zstdLevel"));
        }
        if (System.getProperty("bench.parquetV2") != null) {
            out = out.withParquetV2(Boolean.getBoolean("bench.parquetV2"));
        }
        return out;
    }

    static Quotes load(Path recording) throws IOException {
        JsonFactory json = new JsonFactory();
        int cap = 1 << 16;
        long[] recv = new long[cap];
        double[] bid = new double[cap];
        double[] bidQty = new double[cap];
        double[] ask = new double[cap];
        double[] askQty = new double[cap];
        long[] u = new long[cap];
        int n = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(recording), 1 << 16), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.contains("@bookTicker\"")) {
                    continue;
                }
                if (n == recv.length) {
                    cap *= 2;
                    recv = Arrays.copyOf(recv, cap);
                    bid = Arrays.copyOf(bid, cap);
                    bidQty = Arrays.copyOf(bidQty, cap);
                    ask = Arrays.copyOf(ask, cap);
                    askQty = Arrays.copyOf(askQty, cap);
                    u = Arrays.copyOf(u, cap);
                }
                int space = line.indexOf(' ');
                recv[n] = Long.parseLong(line.substring(0, space));
                try (JsonParser p = json.createParser(line.substring(space + 1))) {
                    boolean inData = false;
                    while (p.nextToken() != null) {
                        if (p.currentToken() != JsonToken.FIELD_NAME) {
                            continue;
                        }
                        String f = p.currentName();
                        if (f.equals("data")) {
                            inData = true;
                            continue;
                        }
                        if (!inData) {
                            continue;
                        }
                        p.nextToken();
                        switch (f) {
                            case "u" -> u[n] = p.getLongValue();
                            case "b" -> bid[n] = Double.parseDouble(p.getText());
                            case "B" -> bidQty[n] = Double.parseDouble(p.getText());
                            case "a" -> ask[n] = Double.parseDouble(p.getText());
                            case "A" -> askQty[n] = Double.parseDouble(p.getText());
                            default -> {
                            }
                        }
                    }
                }
                n++;
            }
        }
        if (n == 0) {
            throw new IOException("no bookTicker update in " + recording);
        }
        return new Quotes(Arrays.copyOf(recv, n), Arrays.copyOf(bid, n), Arrays.copyOf(bidQty, n),
                Arrays.copyOf(ask, n), Arrays.copyOf(askQty, n), Arrays.copyOf(u, n));
    }
}
