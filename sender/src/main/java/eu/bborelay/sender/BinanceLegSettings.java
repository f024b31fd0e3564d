package eu.bborelay.sender;

import java.time.Duration;
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
     * Production values: roll over after 23 h, overlap at most 10 s, a symbol stale after 60 s, the transport
     * silent after 5 min, at most 10 attempts at once and one more every 10 s (at most 40 per 5 minutes, Binance
     * allows 300 per IP).
     */
    static final BinanceLegSettings DEFAULTS = new BinanceLegSettings(Duration.ofHours(23), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofMinutes(5), 10, Duration.ofSeconds(10));

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

    /**
     * The defaults with {@code BINANCE_ROLLOVER_SECONDS}, {@code BINANCE_STALE_SECONDS} and
     * {@code BINANCE_SILENCE_SECONDS} from {@code env} (flags already merged in).
     *
     * @throws SenderConfig.ConfigException naming the variable when a value is not a number in range
     */
    static BinanceLegSettings fromEnvironment(java.util.Map<String, String> env) {
        return DEFAULTS
                .withRolloverAfter(seconds(env, SenderConfig.Variable.BINANCE_ROLLOVER_SECONDS, 60, 86_340))
                .withStaleAfter(seconds(env, SenderConfig.Variable.BINANCE_STALE_SECONDS, 1, 86_400))
                .withSilenceTimeout(seconds(env, SenderConfig.Variable.BINANCE_SILENCE_SECONDS, 1, 86_400));
    }

    private static Duration seconds(java.util.Map<String, String> env, SenderConfig.Variable v, int min, int max) {
        String text = v.valueIn(env).strip();
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return Duration.ofSeconds(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SenderConfig.ConfigException(v + " must be a number of seconds from " + min + " to " + max
                + ", got '" + text + "'");
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
