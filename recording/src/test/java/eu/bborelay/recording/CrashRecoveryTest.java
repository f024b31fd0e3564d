package eu.bborelay.recording;

import eu.bborelay.recording.testing.Duck;
import static eu.bborelay.recording.BinanceTables.BBO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code kill -9} at any moment loses nothing the recorder accepted and duplicates nothing. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    static Process child(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ChildRecorder.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void killMinus9InTheMiddleOfWritingAndClosingHoursThenRecoverExactlyOnce() throws Exception {
        // kill points spread over the run: inside hour 22, just after 23:00 and midnight closes, mid-hour 00
        long[] killAfter = {3_000, 19_000, 37_000};
        for (int run = 0; run < killAfter.length; run++) {
            Path data = dir.resolve("run" + run);
            Process p = child("crash", data.toString(), "100000");
            long acked = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("acked ")) {
                        acked = Long.parseLong(line.substring(6));
                        if (acked >= killAfter[run]) {
                            p.destroyForcibly();
                            break;
                        }
                    }
                }
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertTrue(acked >= killAfter[run], "child acknowledged " + acked);
            List<Path> rebuilt = new ArrayList<>();
            try (Recorder r = Recorder.open(RecorderConfig.defaults(data), List.of(BBO), (f, b) -> rebuilt.add(f))) {
                assertTrue(r.stats().filesRebuilt() >= 1, "a file was open at the kill: " + r.stats());
            }
            assertEquals(List.of(), find(data, ".journal"));
            assertEquals(List.of(), find(data, ".tmp"));
            try (Duck duck = new Duck()) {
                String t = Duck.hive(data.resolve("binance/bbo"));
                List<List<Object>> r = duck.rows("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM " + t);
                long rows = (Long) r.get(0).get(0);
                assertEquals(rows, (Long) r.get(0).get(1), "no duplicate");
                assertEquals(0L, r.get(0).get(2));
                assertEquals(rows - 1, (Long) r.get(0).get(3), "no row lost before the last one written");
                assertTrue(rows >= acked, rows + " rows recovered, " + acked + " acknowledged before the kill");
                // and every row in the partition of its recv_ts
                assertEquals(0, duck.count("SELECT count(*) FROM " + t + " WHERE date <> CAST(make_timestamp("
                        + "recv_ts // 1000) AS DATE) OR hour <> hour(make_timestamp(recv_ts // 1000))"
                        + " OR symbol <> ['BTCUSDT','ETHUSDT','BTCUSD_PERP'][seq % 3 + 1]"));
            }
        }
    }

    @Test
    void eachCrashPointResolvesToExactlyOneCopyOfEveryRow(@TempDir Path snapshot) throws Exception {
        Path data = dir.resolve("data");
        Row row = new Row(BBO);
        MutableClock clock = new MutableClock(java.time.Instant.ofEpochSecond(0, ChildRecorder.START));
        Recorder r = Recorder.open(RecorderConfig.defaults(data).withClock(clock), List.of(BBO), (f, b) -> { });
        for (int i = 0; i < 1000; i++) {
            ChildRecorder.fill(row, i);
            r.append(row);
        }
        // what a kill -9 would leave now: 6 journals and .tmp files (3 symbols, hours 22 and 23; the page cache
        // survives the process)
        copyTree(data, snapshot.resolve("open"));
        r.close();
        copyTree(data, snapshot.resolve("closed"));

        Path torn = snapshot.resolve("torn");
        copyTree(snapshot.resolve("open"), torn);

        // 2. crash after the rename, before the journal was deleted: the journal is dropped, no duplicate
        Path renamed = snapshot.resolve("renamed");
        copyTree(snapshot.resolve("closed"), renamed);
        try (Stream<Path> s = Files.walk(snapshot.resolve("open"))) {
            for (Path j : s.filter(p -> p.toString().endsWith(".journal")).toList()) {
                Files.copy(j, renamed.resolve(snapshot.resolve("open").relativize(j)));
            }
        }
        assertEquals(6, find(renamed, ".journal").size());
        assertRecovers(renamed, 1000);

        // 1. crash after the journal write, before (or during) the Parquet write and close: rebuilt from the journal
        assertEquals(6, find(snapshot.resolve("open"), ".journal").size());
        assertRecovers(snapshot.resolve("open"), 1000);

        // 3. a torn last record (crash inside write(2), or a full disk): the rows before it are kept
        Path journal = find(torn, ".journal").get(0);
        Files.write(journal, new byte[] {90, 0, 0, 0, 1, 2, 3}, StandardOpenOption.APPEND);
        assertRecovers(torn, 1000);
    }

    private static void assertRecovers(Path data, long expectedRows) throws Exception {
        try (Recorder r = Recorder.open(RecorderConfig.defaults(data), List.of(BBO), (f, b) -> { })) {
            assertEquals(0, r.stats().openFiles());
        }
        assertEquals(List.of(), find(data, ".journal"));
        assertEquals(List.of(), find(data, ".tmp"));
        try (Duck duck = new Duck()) {
            String t = Duck.hive(data.resolve("binance/bbo"));
            assertEquals(List.of(List.of(expectedRows, expectedRows)),
                    duck.rows("SELECT count(*), count(DISTINCT seq) FROM " + t));
        }
    }

    static List<Path> find(Path root, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p));
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
