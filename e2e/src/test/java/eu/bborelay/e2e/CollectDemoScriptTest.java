package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's collection demo, {@code scripts/collect-demo.sh} with its default recording (the spot capture
 * across UTC midnight, two files), as a user would: replay server, sender with trades, collector and s3proxy as four
 * processes. Then reads the bucket folder that its last line names with DuckDB, an independent Parquet reader: every
 * bookTicker update and trade of the recording once, ZSTD, Hive partitions. Uses the jars and the collector's test
 * class path that {@code mvn verify} built before this module's tests run. The replay runs at 50 times the recorded
 * pace: a conflated best bid/ask is a counted gap and fails the demo's verdict, and as fast as possible depends on
 * the host's load.
 */
class CollectDemoScriptTest {
    private static final Pattern BUCKET = Pattern.compile("\\Abucket folder: (/\\S+)\\z");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyBookTickerAndTradeOfTheRecordingLandsInTheBucketFolderOnce() throws Exception {
        // At 50x the recorded pace (about 13 s): as fast as possible (the default) can outrun the collector on a
        // loaded 2-core host, and the sender then conflates best bid/ask, counted as gaps, which fails the verdict.
        Result r = run("--no-build", "--speed", "50");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("== VERDICT: all 73174 bbo rows and 19904 trade rows in S3, each id once, 0 gaps"),
                r.output);
        assertTrue(r.output.contains("INCLUDE_TRADES=true INCLUDE_AGG_TRADES=false"), r.output);
        List<String> lines = r.output.lines().toList();
        Matcher m = BUCKET.matcher(lines.get(lines.size() - 1));
        assertTrue(m.find(), "the last line names the bucket folder:\n" + r.output);
        Path bucket = Path.of(m.group(1));
        Path run = bucket.getParent().getParent();
        try {
            assertTrue(run.getFileName().toString().startsWith("collect-demo-"), run.toString());
            // only the bucket is left: certificates (with the CA key), logs and the collector's DATA_DIR are deleted
            try (Stream<Path> left = Files.list(run)) {
                assertEquals(List.of(run.resolve("s3")), left.toList(), r.output);
            }
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
                String bbo = hive(bucket.resolve("binance/bbo"));
                String trades = hive(bucket.resolve("binance/trades"));
                assertEquals(List.of(73_174L, 73_174L, 1L),
                        longs(duck, "SELECT count(*), count(DISTINCT update_id), count(DISTINCT symbol) FROM " + bbo));
                assertEquals(List.of(19_904L, 19_904L),
                        longs(duck, "SELECT count(*), count(DISTINCT trade_id) FROM " + trades));
                assertEquals("BTCUSDT", string(duck, "SELECT DISTINCT symbol FROM " + trades));
                // every row in the partition of its receive time (UTC), which the folder names
                assertEquals(List.of(0L), longs(duck, "SELECT count(*) FROM " + bbo + " WHERE CAST(date AS VARCHAR)"
                        + " <> strftime(make_timestamp(recv_ts // 1000), '%Y-%m-%d')"
                        + " OR hour <> hour(make_timestamp(recv_ts // 1000))"));
                assertEquals("ZSTD", string(duck, "SELECT DISTINCT compression FROM parquet_metadata('" + bucket
                        + "/binance/*/*/*/*/*.parquet') WHERE compression <> 'UNCOMPRESSED'"));
                assertEquals(List.of(0L), longs(duck, "SELECT count(*) FROM " + trades
                        + " WHERE side NOT IN ('buy', 'sell') OR price <= 0 OR qty <= 0"));
            }
        } finally {
            deleteTree(run);
        }
    }

    /** A misuse is explained, with exit 2, before anything starts (nothing built, nothing in run/). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void misuseIsExplainedBeforeAnythingStarts() throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "just some notes\n");
        assertMisuse("--speed takes a number >= 0", "--speed", "fast");
        assertMisuse("--replay needs a value", "--replay");
        assertMisuse("recording not found: /nonexistent.gz", "--replay", "/nonexistent.gz");
        assertMisuse("not a Binance recording: " + notes, "--replay", notes.toString());
        assertMisuse("unknown option: --bucket", "--bucket", "x");
        Result dry = run("--dry-run");
        assertEquals(0, dry.exit, dry.output);
        assertTrue(dry.output.contains("73174 bookTicker updates, 19904 trades for btcusdt, speed 0"), dry.output);
    }

    private void assertMisuse(String message, String... args) throws Exception {
        Result r = run(args);
        assertEquals(2, r.exit, String.join(" ", args) + ":\n" + r.output);
        assertTrue(r.output.contains(message), "expected '" + message + "', got:\n" + r.output);
        assertFalse(r.output.contains("== certificates"), "nothing starts:\n" + r.output);
    }

    private record Result(int exit, String output) {
    }

    private Result run(String... args) throws Exception {
        Path root = TestCerts.repoRoot();
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/collect-demo.sh").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "collect-demo", ".log");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(280, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(exited, "collect-demo did not finish:\n" + log);
        return new Result(p.exitValue(), log);
    }

    private static String hive(Path table) {
        return "read_parquet('" + table + "/**/*.parquet', hive_partitioning = true,"
                + " hive_types = {'symbol': VARCHAR, 'date': DATE, 'hour': INTEGER})";
    }

    private static List<Long> longs(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            List<Long> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getLong(i));
            }
            return out;
        }
    }

    private static String string(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            String v = rs.getString(1);
            assertFalse(rs.next(), "one value expected: " + sql);
            return v;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
