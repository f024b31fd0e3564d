package eu.bborelay.sender;

import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Timing of the Binance leg's liveness and rollover logic, and its connection-attempt budget.
 *
 * @param rolloverAfter a connection this old is replaced (make-before-break); Binance closes connections at 24 h
 * @param overlapTimeout during a rollover, the old connection is closed once the new one has delivered an update of
 *                       every stream, or after this long
 * @param staleAfter no update of a symbol for this long (and the connection at least this old) triggers a rollover
 * @param silenceTimeout no WebSocket frame of any kind (data, ping, pong) for this long triggers a rollover
 * @param attemptBurst connection attempts (reconnects and rollovers together) allowed back to back
 * @param attemptRefill one more attempt is allowed per this interval, up to {@code attemptBurst}
 */
record BinanceLegSettings(Duration rolloverAfter, Duration overlapTimeout, Duration staleAfter,
                          Duration silenceTimeout, int attemptBurst, Duration attemptRefill) {
    /**
     * Production values, the defaults of {@link SenderSetting}: roll over after 23 h, overlap at most 10 s,
     * a symbol stale after 60 s, the transport silent after 5 min, at most 10 attempts at once and one more every
     * 10 s (at most 40 per 5 minutes, Binance allows 300 per IP).
     */
    static final BinanceLegSettings DEFAULTS = from(Settings.of(Map.of()));

    BinanceLegSettings {
        positive(rolloverAfter, "rolloverAfter");
        positive(overlapTimeout, "overlapTimeout");
        positive(staleAfter, "staleAfter");
        positive(silenceTimeout, "silenceTimeout");
        positive(attemptRefill, "attemptRefill");
        if (attemptBurst < 1) {
            throw new IllegalArgumentException("attemptBurst must be at least 1, got " + attemptBurst);
        }
    }

    /** Binance: at most 300 connection attempts per 5 minutes per IP (WebSocket Streams, "WebSocket Limits"). */
    static final int BINANCE_ATTEMPTS_PER_5_MINUTES = 300;

    /**
     * The defaults with {@code BINANCE_ROLLOVER_SECONDS}, {@code BINANCE_STALE_SECONDS},
     * {@code BINANCE_SILENCE_SECONDS}, {@code BINANCE_OVERLAP_SECONDS}, {@code BINANCE_ATTEMPT_BURST} and
     * {@code BINANCE_ATTEMPT_REFILL_SECONDS} from {@code env} (flags already merged in).
     *
     * @throws SettingException naming the variable when a value is not a number in range, or when the
     *         attempt budget would allow Binance's 300 attempts per 5 minutes
     */
    static BinanceLegSettings fromEnvironment(Map<String, String> env) {
        return from(Settings.of(env));
    }

    /** As {@link #fromEnvironment} from the daemon's parsed settings. */
    static BinanceLegSettings from(Settings settings) {
        Duration rollover = seconds(settings, SenderSetting.BINANCE_ROLLOVER_SECONDS, 60, 86_340);
        Duration stale = seconds(settings, SenderSetting.BINANCE_STALE_SECONDS, 1, 86_400);
        Duration silence = seconds(settings, SenderSetting.BINANCE_SILENCE_SECONDS, 1, 86_400);
        Duration overlap = seconds(settings, SenderSetting.BINANCE_OVERLAP_SECONDS, 1, 300);
        int burst = settings.integer(SenderSetting.BINANCE_ATTEMPT_BURST, 1, 299, "a number");
        Duration refill = seconds(settings, SenderSetting.BINANCE_ATTEMPT_REFILL_SECONDS, 1, 3_600);
        BinanceLegSettings s = new BinanceLegSettings(rollover, overlap, stale, silence, burst, refill);
        long worst = s.attemptsPer5Minutes();
        if (worst >= BINANCE_ATTEMPTS_PER_5_MINUTES) {
            throw new SettingException(SenderSetting.BINANCE_ATTEMPT_BURST + "=" + burst + " and "
                    + SenderSetting.BINANCE_ATTEMPT_REFILL_SECONDS + "=" + refill.getSeconds() + " allow "
                    + worst + " connection attempts in 5 minutes; Binance bans an IP above "
                    + BINANCE_ATTEMPTS_PER_5_MINUTES + ": lower the burst or raise the refill interval");
        }
        return s;
    }

    /**
     * Most connection attempts this budget allows in any 5 minutes: the burst plus one per refill interval. Checked
     * against Binance's limit at start.
     */
    long attemptsPer5Minutes() {
        return attemptBurst + Duration.ofMinutes(5).toNanos() / attemptRefill.toNanos();
    }

    private static Duration seconds(Settings settings, SenderSetting v, int min, int max) {
        return Duration.ofSeconds(settings.integer(v, min, max, "a number of seconds"));
    }

    BinanceLegSettings withRolloverAfter(Duration d) {
        return new BinanceLegSettings(d, overlapTimeout, staleAfter, silenceTimeout, attemptBurst, attemptRefill);
    }

    BinanceLegSettings withOverlapTimeout(Duration d) {
        return new BinanceLegSettings(rolloverAfter, d, staleAfter, silenceTimeout, attemptBurst, attemptRefill);
    }

    BinanceLegSettings withStaleAfter(Duration d) {
        return new BinanceLegSettings(rolloverAfter, overlapTimeout, d, silenceTimeout, attemptBurst, attemptRefill);
    }

    BinanceLegSettings withSilenceTimeout(Duration d) {
        return new BinanceLegSettings(rolloverAfter, overlapTimeout, staleAfter, d, attemptBurst, attemptRefill);
    }

    BinanceLegSettings withAttempts(int burst, Duration refill) {
        return new BinanceLegSettings(rolloverAfter, overlapTimeout, staleAfter, silenceTimeout, burst, refill);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
