package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.binance.ConnectionBudget;
import eu.bborelay.ops.settings.SettingException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The Binance leg's timing from the environment, and the attempt budget's arithmetic. */
class BinanceLegSettingsTest {

    @Test
    void defaultsAndEnvironment() {
        BinanceLegSettings d = BinanceLegSettings.fromEnvironment(Map.of());
        assertEquals(Duration.ofHours(23), d.rolloverAfter());
        assertEquals(Duration.ofSeconds(60), d.staleAfter());
        assertEquals(Duration.ofMinutes(5), d.silenceTimeout());
        BinanceLegSettings s = BinanceLegSettings.fromEnvironment(Map.of("BINANCE_ROLLOVER_SECONDS", "3600",
                "BINANCE_STALE_SECONDS", " 30 ", "BINANCE_SILENCE_SECONDS", "120"));
        assertEquals(Duration.ofHours(1), s.rolloverAfter());
        assertEquals(Duration.ofSeconds(30), s.staleAfter());
        assertEquals(Duration.ofSeconds(120), s.silenceTimeout());
    }

    @Test
    void overlapAndAttemptBudgetFromTheEnvironment() {
        BinanceLegSettings d = BinanceLegSettings.fromEnvironment(Map.of());
        assertEquals(Duration.ofSeconds(10), d.overlapTimeout());
        assertEquals(10, d.attemptBurst());
        assertEquals(Duration.ofSeconds(10), d.attemptRefill());
        assertEquals(40, d.attemptsPer5Minutes());
        BinanceLegSettings s = BinanceLegSettings.fromEnvironment(Map.of("BINANCE_OVERLAP_SECONDS", "30",
                "BINANCE_ATTEMPT_BURST", "20", "BINANCE_ATTEMPT_REFILL_SECONDS", "2"));
        assertEquals(Duration.ofSeconds(30), s.overlapTimeout());
        assertEquals(20, s.attemptBurst());
        assertEquals(Duration.ofSeconds(2), s.attemptRefill());
        assertEquals(170, s.attemptsPer5Minutes());
    }

    @Test
    void anAttemptBudgetReachingBinancesLimitIsRefused() {
        SettingException e = assertThrows(SettingException.class,
                () -> BinanceLegSettings.fromEnvironment(Map.of("BINANCE_ATTEMPT_BURST", "100",
                        "BINANCE_ATTEMPT_REFILL_SECONDS", "1")));
        assertEquals("BINANCE_ATTEMPT_BURST=100 and BINANCE_ATTEMPT_REFILL_SECONDS=1 allow 400 connection attempts"
                + " in 5 minutes; Binance bans an IP above 300: lower the burst or raise the refill interval",
                e.getMessage());
        e = assertThrows(SettingException.class,
                () -> BinanceLegSettings.fromEnvironment(Map.of("BINANCE_ATTEMPT_BURST", "0")));
        assertEquals("BINANCE_ATTEMPT_BURST must be a number from 1 to 299, got '0'", e.getMessage());
        e = assertThrows(SettingException.class,
                () -> BinanceLegSettings.fromEnvironment(Map.of("BINANCE_OVERLAP_SECONDS", "0")));
        assertEquals("BINANCE_OVERLAP_SECONDS must be a number of seconds from 1 to 300, got '0'", e.getMessage());
    }

    @Test
    void badValueNamesTheVariableAndTheDaemonExitsWithTwo() {
        SettingException e = assertThrows(SettingException.class,
                () -> BinanceLegSettings.fromEnvironment(Map.of("BINANCE_ROLLOVER_SECONDS", "86400")));
        assertEquals("BINANCE_ROLLOVER_SECONDS must be a number of seconds from 60 to 86340, got '86400'",
                e.getMessage());
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("BINANCE_STALE_SECONDS", "soon");
        StringWriter err = new StringWriter();
        assertEquals(SenderMain.EXIT_CONFIG, SenderMain.run(new String[0], env,
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), new CountDownLatch(0)));
        assertTrue(err.toString().contains("BINANCE_STALE_SECONDS must be a number of seconds from 1 to 86400"),
                err.toString());
    }

    @Test
    void budgetAllowsItsBurstThenOnePerRefill() {
        long refill = 1_000;
        ConnectionBudget b = new ConnectionBudget(3, refill);
        long now = 5_000_000;
        for (int i = 0; i < 3; i++) {
            assertTrue(b.tryAcquire(now), "burst " + i);
        }
        assertTrue(!b.tryAcquire(now));
        assertEquals(refill, b.nanosUntilAvailable(now));
        assertEquals(refill / 2, b.nanosUntilAvailable(now + refill / 2));
        assertTrue(b.tryAcquire(now + refill));
        assertTrue(!b.tryAcquire(now + refill));
        assertEquals(0, b.nanosUntilAvailable(now + 100 * refill));
        for (int i = 0; i < 3; i++) {
            assertTrue(b.tryAcquire(now + 100 * refill), "refilled up to the burst only");
        }
        assertTrue(!b.tryAcquire(now + 100 * refill));
    }
}
