package eu.bborelay.depthrecorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.binance.StreamKind;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.ops.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings: one parser, named in --help, .env.example and docs/DEPTH.md, validated naming the variable. */
class DepthRecorderConfigTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEverySetting() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, DepthRecorderMain.run(new String[] {"--help"}, Map.of(), new PrintStream(out, true),
                System.err, new CountDownLatch(0), r -> { }));
        String help = out.toString(StandardCharsets.UTF_8);
        for (DepthRecorderSetting s : DepthRecorderSetting.values()) {
            assertTrue(help.contains(s.name()), s.name() + " missing in --help");
        }
    }

    @Test
    void defaultsAreTheOriginalCollectorsParameters() {
        DepthRecorderConfig c = DepthRecorderConfig.parse(Settings.of(validEnv()));
        assertEquals(List.of("BTCUSDT"), c.symbols());
        assertEquals(DepthRecorderConfig.Market.SPOT, c.market());
        assertEquals("wss://stream.binance.com:9443", c.wsBase().toString());
        assertEquals("https://api.binance.com", c.restBase().toString());
        assertEquals(List.of(StreamKind.DEPTH_100MS, StreamKind.PARTIAL_DEPTH20_100MS), c.streams());
        assertEquals(60, c.snapshotIntervalSeconds());
        assertEquals(1000, c.snapshotLimit());
        assertEquals(0.00002, c.bucketStep());
        assertEquals(40, c.bucketSteps());
        assertEquals(1, c.bucketIntervalSeconds());
        assertEquals(9, c.recorderConfig().zstdLevel());
        assertEquals(dir, c.dataDir());
        assertEquals(8083, c.httpPort());
    }

    @Test
    void futuresMarketsGetTheirUrlsAndStreams() {
        Map<String, String> env = validEnv();
        env.put("MARKET", "usdm");
        env.put("SYMBOLS", "btcusdt, ETHUSDT,btcusdt");
        env.put("DIFF_STREAM", "depth@0ms");
        env.put("PARTIAL_STREAM", "none");
        DepthRecorderConfig c = DepthRecorderConfig.parse(Settings.of(env));
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), c.symbols());
        assertEquals("wss://fstream.binance.com", c.wsBase().toString());
        assertEquals("https://fapi.binance.com", c.restBase().toString());
        assertEquals("/fapi/v1", c.market().restPath());
        assertNull(c.partialStream());
        env.put("MARKET", "coinm");
        env.put("SYMBOLS", "btcusd_perp");
        c = DepthRecorderConfig.parse(Settings.of(env));
        assertEquals("https://dapi.binance.com", c.restBase().toString());
        assertEquals(List.of("BTCUSD_PERP"), c.symbols());
    }

    @Test
    void badValuesStopTheDaemonNamingTheVariable() {
        assertBad("MARKET", "futures", "MARKET must be one of spot, usdm, coinm, got 'futures'");
        assertBad("SYMBOLS", "btc usdt", "SYMBOLS must be comma-separated Binance symbols");
        assertBad("DIFF_STREAM", "depth20@100ms", "DIFF_STREAM must be a diff depth stream");
        assertBad("DIFF_STREAM", "depth@0ms", "DIFF_STREAM must be depth@100ms or depth on spot");
        assertBad("PARTIAL_STREAM", "depth@100ms", "PARTIAL_STREAM must be a partial depth stream");
        assertBad("SNAPSHOT_LIMIT", "0", "SNAPSHOT_LIMIT must be a number of levels from 1 to 5000, got '0'");
        assertBad("BUCKET_STEP", "-1", "BUCKET_STEP must be a number from");
        assertBad("ZSTD_LEVEL", "23", "ZSTD_LEVEL must be a ZSTD level from 1 to 22");
        assertBad("LOG_FORMAT", "xml", "LOG_FORMAT must be text or json");
        assertBad("BINANCE_WS_URL", "wss://stream.binance.com:9443/ws?x", "BINANCE_WS_URL must be a ws:// or wss://");
        Map<String, String> env = validEnv();
        env.put("MARKET", "usdm");
        env.put("SNAPSHOT_LIMIT", "1000");
        env.put("BINANCE_WS_URL", "wss://stream.binance.com:9443");
        assertTrue(badSetting(env).contains("BINANCE_WS_URL=wss://stream.binance.com:9443 is a spot host but"
                + " MARKET=usdm"), badSetting(env));
        env.remove("BINANCE_WS_URL");
        env.put("SNAPSHOT_LIMIT", "5000");
        assertTrue(badSetting(env).contains("SNAPSHOT_LIMIT must be 5, 10, 20, 50, 100, 500 or 1000 on futures"));
        env = validEnv();
        env.remove("S3_BUCKET");
        assertTrue(badSetting(env).startsWith("depth-recorder: S3_BUCKET must be set"));
    }

    @Test
    void envExampleAndDocsNameEverySetting() throws Exception {
        String env = Files.readString(TestCerts.repoRoot().resolve(".env.example"), StandardCharsets.UTF_8);
        String docs = Files.readString(TestCerts.repoRoot().resolve("docs/DEPTH.md"), StandardCharsets.UTF_8);
        int table = docs.indexOf("## Running the depth recorder");
        assertTrue(table > 0, "docs/DEPTH.md has a section \"Running the depth recorder\"");
        String section = docs.substring(table);
        for (DepthRecorderSetting s : DepthRecorderSetting.values()) {
            assertTrue(env.contains(s.name() + "="), s.name() + " missing in .env.example");
            assertTrue(section.contains("| `" + s.name() + "` | " + s.defaultValue()), s.name()
                    + " missing in docs/DEPTH.md's settings table, or with another default");
        }
    }

    @Test
    void snapshotsBeyondTheWeightBudgetStopTheStart() {
        // 50 spot symbols, limit 5000 (weight 250) once a minute = 12,500/min > 3,000 (half of 6,000): refused
        // before any connection (BINANCE_REST_URL points nowhere: exchangeInfo unreadable, the default limit used)
        Map<String, String> env = validEnv();
        StringBuilder symbols = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            symbols.append(i == 0 ? "" : ",").append("SYM").append(i).append("USDT");
        }
        env.put("SYMBOLS", symbols.toString());
        env.put("SNAPSHOT_LIMIT", "5000");
        env.put("BINANCE_REST_URL", "http://127.0.0.1:9");
        String err = badSetting(env);
        assertTrue(err.contains("SNAPSHOT_INTERVAL_SECONDS=60 with SNAPSHOT_LIMIT=5000")
                && err.contains("at most 12 symbols fit"), err);
        assertFalse(Files.exists(dir.resolve("binance")), "nothing recorded");
    }

    @Test
    void bigtableSettingsAreTheDaemonsToo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, DepthRecorderMain.run(new String[] {"--help"}, Map.of(), new PrintStream(out, true),
                System.err, new CountDownLatch(0), r -> { }));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String name : List.of("BIGTABLE_PROJECT_ID", "BIGTABLE_INSTANCE_ID", "BIGTABLE_TABLE",
                "BIGTABLE_QUEUE_ROWS")) {
            assertTrue(help.contains(name), name + " missing in --help");
        }
        Map<String, String> env = validEnv();
        env.put("BIGTABLE_PROJECT_ID", "my-project"); // the instance is missing: refused before anything starts
        String err = badSetting(env);
        assertTrue(err.startsWith("depth-recorder: ") && err.contains("BIGTABLE_INSTANCE_ID"), err);
        assertFalse(Files.exists(dir.resolve("binance")), "nothing recorded");
    }

    private void assertBad(String name, String value, String message) {
        Map<String, String> env = validEnv();
        env.put(name, value);
        String err = badSetting(env);
        assertTrue(err.startsWith("depth-recorder: " + message), err);
    }

    private Map<String, String> validEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dir.toString());
        env.put("S3_BUCKET", "b");
        return env;
    }

    private static String badSetting(Map<String, String> env) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, DepthRecorderMain.run(new String[0], env, System.out, new PrintStream(err, true),
                new CountDownLatch(0), r -> { }));
        return err.toString(StandardCharsets.UTF_8).trim();
    }
}
