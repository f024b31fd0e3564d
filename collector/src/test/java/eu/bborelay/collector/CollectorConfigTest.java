package eu.bborelay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.ops.settings.Setting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings: one parser, the receiver's plus the collector's, named in --help, .env.example and the docs. */
class CollectorConfigTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheReceiversAndTheCollectorsSettings() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, CollectorMain.run(new String[] {"--help"}, Map.of(), new PrintStream(out, true),
                System.err, new CountDownLatch(0), c -> { }));
        String help = out.toString(StandardCharsets.UTF_8);
        for (Setting s : CollectorConfig.settings()) {
            assertTrue(help.contains(s.name()), s.name() + " missing in --help");
        }
        assertTrue(help.contains("VARIABLE") && help.contains("CLOSE_GRACE_SECONDS") && help.contains("PORT"), help);
    }

    @Test
    void aMissingBucketOrABadValueStopsTheDaemonNamingTheVariable() {
        Map<String, String> env = validEnv();
        env.remove("S3_BUCKET");
        assertTrue(badSetting(env).startsWith("relay-collector: S3_BUCKET must be set"), badSetting(env));
        env = validEnv();
        env.put("CLOSE_GRACE_SECONDS", "soon");
        assertTrue(badSetting(env).contains("CLOSE_GRACE_SECONDS must be a whole number of seconds from 0 to 3600,"
                + " got 'soon'"));
        env = validEnv();
        env.put("S3_ENDPOINT", "minio:9000");
        assertTrue(badSetting(env).contains("S3_ENDPOINT must be an http:// or https:// URL"));
        env = validEnv();
        env.put("PORT", "-1");
        assertTrue(badSetting(env).contains("PORT must be"), "the receiver's settings, parsed by its code");
    }

    @Test
    void arbitrationIsRefusedWithAReason() {
        Map<String, String> env = validEnv();
        env.put("ARBITRATION", "true");
        assertTrue(badSetting(env).startsWith("relay-collector: ARBITRATION must be false for the collector"),
                badSetting(env));
    }

    @Test
    void settingsBecomeTheRecorderAndUploaderConfiguration() {
        Map<String, String> env = validEnv();
        env.put("S3_ENDPOINT", "https://acct.r2.cloudflarestorage.com");
        env.put("S3_REGION", "auto");
        env.put("S3_PREFIX", "/ams1/");
        env.put("CLOSE_GRACE_SECONDS", "30");
        env.put("KEEP_LOCAL_HOURS", "6");
        env.put("PARQUET_V1", "true");
        CollectorConfig c = CollectorConfig.parse(eu.bborelay.ops.settings.Settings.of(env));
        assertEquals(30, c.recorderConfig().grace().toSeconds());
        assertTrue(!c.recorderConfig().parquetV2());
        assertEquals("ams1", c.uploaderConfig().prefix());
        assertEquals("auto", c.uploaderConfig().region());
        assertEquals("acct.r2.cloudflarestorage.com", c.uploaderConfig().endpoint().getHost());
        assertEquals(6, c.uploaderConfig().keepLocal().toHours());
        assertEquals(dir, c.dataDir());
    }

    @Test
    void polymarketIsOffWithoutTokensAndTheThreeSettingsBecomeTheSourceConfiguration() {
        CollectorConfig off = CollectorConfig.parse(eu.bborelay.ops.settings.Settings.of(validEnv()));
        assertEquals(null, off.polymarket(), "no POLYMARKET_TOKENS: no Polymarket recording");
        assertTrue(off.toString().contains("POLYMARKET_TOKENS=(none)"), off.toString());

        Map<String, String> env = validEnv();
        env.put("POLYMARKET_TOKENS", " 7667, 5417 7667,");
        CollectorConfig c = CollectorConfig.parse(eu.bborelay.ops.settings.Settings.of(env));
        assertEquals(java.util.List.of("7667", "5417"), c.polymarket().tokens(), "commas or spaces, duplicates once");
        assertEquals("wss://ws-subscriptions-clob.polymarket.com/ws/market", c.polymarket().uri().toString());
        assertEquals(0, c.polymarket().l2Levels(), "default: the whole book");

        env.put("POLYMARKET_WS_URL", "ws://127.0.0.1:8765/ws/market");
        env.put("POLYMARKET_L2_LEVELS", "5");
        c = CollectorConfig.parse(eu.bborelay.ops.settings.Settings.of(env));
        assertEquals("ws://127.0.0.1:8765/ws/market", c.polymarket().uri().toString());
        assertEquals(5, c.polymarket().l2Levels());
        assertTrue(c.toString().contains("POLYMARKET_TOKENS=2 token(s) POLYMARKET_WS_URL=ws://127.0.0.1:8765/ws/market"
                + " POLYMARKET_L2_LEVELS=5"), c.toString());
    }

    @Test
    void aBadPolymarketSettingStopsTheDaemonNamingTheVariable() {
        Map<String, String> env = validEnv();
        env.put("POLYMARKET_TOKENS", "7667,0xabc");
        assertTrue(badSetting(env).contains("POLYMARKET_TOKENS must be token ids (decimal digits"), badSetting(env));
        env = validEnv();
        env.put("POLYMARKET_TOKENS", "7667");
        env.put("POLYMARKET_WS_URL", "https://clob.polymarket.com");
        assertTrue(badSetting(env).contains("POLYMARKET_WS_URL must be a ws:// or wss:// URL"), badSetting(env));
        env.put("POLYMARKET_WS_URL", "wss://a b");
        assertTrue(badSetting(env).contains("POLYMARKET_WS_URL must be a ws:// or wss:// URL"), badSetting(env));
        env = validEnv();
        env.put("POLYMARKET_L2_LEVELS", "-1");
        assertTrue(badSetting(env).contains("POLYMARKET_L2_LEVELS must be a whole number of levels (0 = all) from 0"
                + " to 1000, got '-1'"), badSetting(env));
    }

    @Test
    void envExampleAndDocsNameEveryCollectorSetting() throws Exception {
        String env = Files.readString(TestCerts.repoRoot().resolve(".env.example"), StandardCharsets.UTF_8);
        String docs = Files.readString(TestCerts.repoRoot().resolve("docs/COLLECTOR.md"), StandardCharsets.UTF_8);
        for (CollectorSetting s : CollectorSetting.values()) {
            assertTrue(env.contains("\n" + s.name() + "="), s.name() + " missing in .env.example");
            String dflt = s.defaultValue().isEmpty() ? "" : s.defaultValue();
            assertTrue(docs.contains("| `" + s.name() + "` | " + dflt), s.name()
                    + " missing in docs/COLLECTOR.md's settings table, or with another default");
        }
    }

    private Map<String, String> validEnv() {
        TestCerts certs = TestCerts.project();
        Map<String, String> env = new HashMap<>();
        env.put("CERT", certs.receiverCert().toString());
        env.put("KEY", certs.receiverKey().toString());
        env.put("CA_CERT", certs.caCert().toString());
        env.put("DATA_DIR", dir.toString());
        env.put("S3_BUCKET", "b");
        return env;
    }

    private static String badSetting(Map<String, String> env) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, CollectorMain.run(new String[0], env, System.out, new PrintStream(err, true),
                new CountDownLatch(0), c -> { }));
        return err.toString(StandardCharsets.UTF_8).trim();
    }
}
