package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.ops.Health;
import eu.bborelay.ops.settings.SettingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sender's health rule and operations settings (the endpoint itself is tested end to end in e2e). */
class SenderOpsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void healthyWhenBothLegsAreUpAndTheLatestUpdateIsYoungEnough() {
        Health h = SenderOps.health(stats(true, true), SECOND / 4, 10 * SECOND);
        assertTrue(h.healthy(), h.reason());
        assertEquals("Binance and receiver connected, latest Binance update 0.250 s old, dropped 0, conflated 0",
                h.reason());
    }

    @Test
    void unhealthySaysEveryReason() {
        assertEquals("Binance not connected, receiver not connected, no Binance update yet",
                SenderOps.health(stats(false, false), -1, 10 * SECOND).reason());
        Health stale = SenderOps.health(stats(true, true), 12 * SECOND, 10 * SECOND);
        assertFalse(stale.healthy());
        assertEquals("latest Binance update 12.000 s old (limit 10 s)", stale.reason());
        assertFalse(SenderOps.health(stats(true, false), SECOND, 10 * SECOND).healthy());
    }

    @Test
    void settingsHaveDefaultsAndBadValuesNameTheVariable() {
        SenderOps.Settings d = SenderOps.Settings.fromEnvironment(Map.of());
        assertEquals(new SenderOps.Settings(8080, 10, "text"), d);
        assertEquals("HTTP_PORT must be a whole number from 0 to 65535, got '80a'",
                assertThrows(SettingException.class,
                        () -> SenderOps.Settings.fromEnvironment(Map.of("HTTP_PORT", "80a"))).getMessage());
        assertEquals("HEALTH_MAX_AGE_SECONDS must be a whole number from 1 to 86400, got '0'",
                assertThrows(SettingException.class,
                        () -> SenderOps.Settings.fromEnvironment(Map.of("HEALTH_MAX_AGE_SECONDS", "0")))
                        .getMessage());
        assertEquals("LOG_FORMAT must be text or json, got 'yaml'",
                assertThrows(SettingException.class,
                        () -> SenderOps.Settings.fromEnvironment(Map.of("LOG_FORMAT", "yaml"))).getMessage());
    }

    @Test
    void envExampleAndReadmeNameEveryVariable() throws Exception {
        String env = Files.readString(TestCerts.repoRoot().resolve(".env.example"), StandardCharsets.UTF_8);
        String readme = Files.readString(TestCerts.repoRoot().resolve("docs/OPERATING.md"), StandardCharsets.UTF_8);
        for (SenderSetting v : SenderSetting.values()) {
            assertTrue(env.contains(v.name() + "="), v.name() + " missing in .env.example");
            assertTrue(readme.contains("| `" + v.name() + "` | " + v.defaultValue() + " |"),
                    v.name() + " missing in docs/OPERATING.md's sender table, or with another default");
        }
    }

    private static SenderStats stats(boolean binance, boolean receiver) {
        return new SenderStats(10, 10, 10, 0, 0, 0, Map.of(), 0, 0, 10, binance, receiver, "0".repeat(32));
    }
}
