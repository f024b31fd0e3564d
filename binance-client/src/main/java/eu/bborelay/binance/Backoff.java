package eu.bborelay.binance;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th consecutive retry waits a uniformly random time in
 * {@code [0, min(max, min * 2^n)]} (n from 0), so many senders restarting together spread out.
 *
 * <p>{@link #reset()} after a connection proved stable (it stayed up for {@link #STABLE_AFTER}); a link that opens
 * and drops at once keeps backing off instead of hammering the peer. Not thread-safe: each connection owner (a sender
 * leg, the receiver link, a recorder connection) calls it from the one thread that schedules its reconnects.
 */
public final class Backoff {
    /** A connection that stayed up this long resets the backoff. */
    public static final Duration STABLE_AFTER = Duration.ofSeconds(10);

    private final long minMillis;
    private final long maxMillis;
    private int attempt;

    /**
     * @param minMillis ceiling of the first retry's random delay, in milliseconds, at least 1
     * @param maxMillis largest ceiling, in milliseconds, at least {@code minMillis}
     */
    public Backoff(long minMillis, long maxMillis) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= min <= max, got min=" + minMillis + " ms, max="
                    + maxMillis + " ms");
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    /** Delay before the next retry, in milliseconds; advances the exponent. */
    public long nextDelayMillis() {
        long ceiling = ceilingMillis(attempt);
        if (attempt < 62) {
            attempt++;
        }
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    /** The ceiling of the n-th retry's delay, in milliseconds. */
    public long ceilingMillis(int n) {
        long c = minMillis;
        for (int i = 0; i < n && c < maxMillis; i++) {
            c *= 2;
        }
        return Math.min(c, maxMillis);
    }

    /** Consecutive retries since the last reset. */
    public int attempt() {
        return attempt;
    }

    /** Starts over at the first ceiling. */
    public void reset() {
        attempt = 0;
    }
}
