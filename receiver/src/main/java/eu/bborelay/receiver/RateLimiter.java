package eu.bborelay.receiver;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Allows at most {@code maxPerInterval} log lines of one kind per stats interval and counts the rest, which the
 * stats thread then reports as one line ({@link #roll()}). Thread-safe, lock-free, allocation-free.
 */
final class RateLimiter {
    private final int maxPerInterval;
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicLong suppressed = new AtomicLong();

    RateLimiter(int maxPerInterval) {
        this.maxPerInterval = maxPerInterval;
    }

    /** True if the caller may log now; otherwise the event is counted as suppressed. */
    boolean tryAcquire() {
        for (;;) {
            int n = used.get();
            if (n >= maxPerInterval) {
                suppressed.incrementAndGet();
                return false;
            }
            if (used.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Starts a new interval; returns how many events were suppressed in the one that ended. */
    long roll() {
        used.set(0);
        return suppressed.getAndSet(0);
    }
}
