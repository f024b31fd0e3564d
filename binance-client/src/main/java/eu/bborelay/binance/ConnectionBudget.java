package eu.bborelay.binance;

/**
 * A token bucket for Binance connection attempts: at most {@code burst} at once, then one per refill interval.
 * Binance allows 300 attempts per 5 minutes per IP; the defaults keep a reconnect storm (or a bug that loops) far
 * below that whatever the backoff does.
 *
 * <p>Not thread-safe: used by one scheduler thread (the sender's, a recorder's). Time comes from the caller
 * ({@link System#nanoTime()} values).
 */
public final class ConnectionBudget {
    private final int burst;
    private final long refillNanos;
    private double tokens;
    private long lastNanos;
    private boolean started;

    /**
     * @param burst       attempts available at once, at least 1
     * @param refillNanos one attempt comes back per this many nanoseconds, positive
     * @throws IllegalArgumentException when either is out of range
     */
    public ConnectionBudget(int burst, long refillNanos) {
        if (burst < 1 || refillNanos < 1) {
            throw new IllegalArgumentException("budget needs burst >= 1 and a positive refill interval");
        }
        this.burst = burst;
        this.refillNanos = refillNanos;
        this.tokens = burst;
    }

    /** Takes one attempt if available at {@code nowNanos}. */
    public boolean tryAcquire(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Nanoseconds from {@code nowNanos} until an attempt is available; 0 when one is. */
    public long nanosUntilAvailable(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * refillNanos);
    }

    private void refill(long nowNanos) {
        if (!started) {
            started = true;
            lastNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + (double) elapsed / refillNanos);
            lastNanos = nowNanos;
        }
    }
}
