package eu.bborelay.depth.bigtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings: off unless both ids are set, one parser, clear errors naming the variable, docs and .env.example. */
class BigtableDepthConfigTest {

    private static Map<String, String> on() {
        Map<String, String> env = new HashMap<>();
        env.put("BIGTABLE_PROJECT_ID", "poly-collector"); // the original's deployment
        env.put("BIGTABLE_INSTANCE_ID", "poly-data");
        return env;
    }

    private static String error(Map<String, String> env) {
        return assertThrows(SettingException.class, () -> BigtableDepthConfig.fromEnv(env)).getMessage();
    }

    @Test
    void offUnlessProjectAndInstanceAreSet() {
        assertTrue(BigtableDepthConfig.fromEnv(Map.of()).isEmpty());
        assertTrue(BigtableDepthConfig.fromEnv(Map.of("BIGTABLE_PROJECT_ID", " ", "BIGTABLE_TABLE", "t")).isEmpty(),
                "blank counts as unset");
        assertTrue(BigtableDepthConfig.fromEnv(on()).isPresent());
    }

    @Test
    void defaultsAreTheOriginalsTable() {
        BigtableDepthConfig c = BigtableDepthConfig.fromEnv(on()).orElseThrow();
        assertEquals("poly-collector", c.projectId());
        assertEquals("poly-data", c.instanceId());
        assertEquals("binance_btc_depth", c.table());
        assertEquals("", c.appProfileId());
        assertFalse(c.usesEmulator());
        assertNull(c.emulatorHost());
        assertFalse(c.createTable());
        assertEquals(20_000, c.queueRows());
        assertEquals(Duration.ofSeconds(30), c.maxRetryDelay());
        assertEquals(Duration.ofSeconds(1), c.firstRetryDelay());
        assertEquals(100, c.batchRows());
        assertEquals("projects/poly-collector/instances/poly-data/tables/binance_btc_depth", c.target());
    }

    @Test
    void everySettingIsRead() {
        Map<String, String> env = on();
        env.put("BIGTABLE_TABLE", "eth_depth.v2");
        env.put("BIGTABLE_APP_PROFILE_ID", "recorder");
        env.put("BIGTABLE_EMULATOR_HOST", "localhost:8086");
        env.put("BIGTABLE_CREATE_TABLE", "TRUE");
        env.put("BIGTABLE_QUEUE_ROWS", "500");
        env.put("BIGTABLE_RETRY_SECONDS", "5");
        BigtableDepthConfig c = BigtableDepthConfig.fromEnv(env).orElseThrow();
        assertEquals("eth_depth.v2", c.table());
        assertEquals("recorder", c.appProfileId());
        assertTrue(c.usesEmulator());
        assertEquals("localhost", c.emulatorHost());
        assertEquals(8086, c.emulatorPort());
        assertTrue(c.createTable());
        assertEquals(500, c.queueRows());
        assertEquals(Duration.ofSeconds(5), c.maxRetryDelay());
        assertEquals(Duration.ofSeconds(1), c.firstRetryDelay());

        env.put("BIGTABLE_EMULATOR_HOST", "[::1]:9000");
        c = BigtableDepthConfig.fromEnv(env).orElseThrow();
        assertEquals("::1", c.emulatorHost());
        assertEquals(9000, c.emulatorPort());
    }

    @Test
    void flagsWinOverTheEnvironment() {
        BigtableDepthConfig c = BigtableDepthConfig.parse(Settings.of(on(), Map.of("BIGTABLE_TABLE", "from_flag",
                "BIGTABLE_QUEUE_ROWS", ""))).orElseThrow();
        assertEquals("from_flag", c.table());
        assertEquals(20_000, c.queueRows(), "a blank flag counts as unset");
    }

    @Test
    void halfConfiguredOrBadValuesNameTheVariable() {
        assertTrue(error(Map.of("BIGTABLE_PROJECT_ID", "poly-collector"))
                .startsWith("BIGTABLE_INSTANCE_ID must be set too"));
        assertTrue(error(Map.of("BIGTABLE_INSTANCE_ID", "poly-data")).startsWith("BIGTABLE_PROJECT_ID must be set too"));
        assertTrue(error(Map.of("BIGTABLE_EMULATOR_HOST", "localhost:8086"))
                .startsWith("BIGTABLE_EMULATOR_HOST is set but BIGTABLE_PROJECT_ID and BIGTABLE_INSTANCE_ID are not"));
        Map<String, String> env = on();
        env.put("BIGTABLE_PROJECT_ID", "Poly Collector");
        assertTrue(error(env).startsWith("BIGTABLE_PROJECT_ID must be a Google Cloud project id"), error(env));
        env = on();
        env.put("BIGTABLE_INSTANCE_ID", "x");
        assertTrue(error(env).startsWith("BIGTABLE_INSTANCE_ID must be a Bigtable instance id"), error(env));
        env = on();
        env.put("BIGTABLE_TABLE", "my table");
        assertTrue(error(env).contains("BIGTABLE_TABLE must be a Bigtable table id"), error(env));
        for (String bad : new String[] {"localhost", "localhost:0", "localhost:99999", ":8086", "localhost:port"}) {
            env = on();
            env.put("BIGTABLE_EMULATOR_HOST", bad);
            assertEquals("BIGTABLE_EMULATOR_HOST must be host:port of the emulator, e.g. localhost:8086, got '" + bad
                    + "'", error(env));
        }
        env = on();
        env.put("BIGTABLE_QUEUE_ROWS", "0");
        assertEquals("BIGTABLE_QUEUE_ROWS must be a whole number of rows from 1 to 1000000, got '0'", error(env));
        env = on();
        env.put("BIGTABLE_RETRY_SECONDS", "soon");
        assertEquals("BIGTABLE_RETRY_SECONDS must be a whole number of seconds from 1 to 3600, got 'soon'",
                error(env));
        env = on();
        env.put("BIGTABLE_CREATE_TABLE", "yes");
        assertEquals("BIGTABLE_CREATE_TABLE must be true or false, got 'yes'", error(env));
    }

    @Test
    void tuningFromCodeIsValidated() {
        BigtableDepthConfig c = BigtableDepthConfig.fromEnv(on()).orElseThrow();
        assertEquals(Duration.ofSeconds(3), c.withCallTimeout(Duration.ofSeconds(3)).callTimeout());
        assertEquals(Duration.ZERO, c.withDrainTimeout(Duration.ZERO).drainTimeout());
        assertEquals(Duration.ofMillis(20), c.withRetryDelays(Duration.ofMillis(20), Duration.ofSeconds(2))
                .firstRetryDelay());
        assertEquals(500, c.withBatchRows(500).batchRows());
        assertThrows(SettingException.class, () -> c.withCallTimeout(Duration.ofMillis(10)));
        assertThrows(SettingException.class, () -> c.withDrainTimeout(Duration.ofMillis(-1)));
        assertThrows(SettingException.class, () -> c.withRetryDelays(Duration.ofSeconds(3), Duration.ofSeconds(2)));
        assertThrows(SettingException.class, () -> c.withBatchRows(0));
        assertThrows(SettingException.class, () -> c.withBatchRows(40_000));
        assertEquals(20_000, c.queueRows(), "immutable: with... returns a copy");
    }

    @Test
    void docsAndEnvExampleNameEverySetting() throws Exception {
        String env = Files.readString(TestCerts.repoRoot().resolve(".env.example"), StandardCharsets.UTF_8);
        String docs = Files.readString(TestCerts.repoRoot().resolve("docs/BIGTABLE.md"), StandardCharsets.UTF_8);
        for (BigtableSetting s : BigtableSetting.values()) {
            assertTrue(env.contains("\n" + s.name() + "=") || env.contains("\n# " + s.name() + "="),
                    s.name() + " missing in .env.example");
            String dflt = s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`";
            assertTrue(docs.contains("| `" + s.name() + "` | " + dflt + " |"), s.name()
                    + " missing in docs/BIGTABLE.md's settings table, or with another default");
        }
        assertEquals(BigtableSetting.values().length, BigtableDepthConfig.settings().size());
    }
}
