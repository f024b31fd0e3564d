package eu.bborelay.depth;

import java.util.Random;

/**
 * When a REST depth snapshot may be requested: exponential backoff per book and a request-weight budget per IP.
 *
 * <p><b>Weights and limits.</b> Binance limits each IP by request weight per minute: {@code REQUEST_WEIGHT} 6000 on
 * spot ({@code /api/v3/exchangeInfo} {@code rateLimits}; spot {@code rest-api.md} "Limits") and 2400 on USD-M and
 * COIN-M futures ({@code /fapi/v1/exchangeInfo}, {@code /dapi/v1/exchangeInfo}). A depth snapshot weighs, spot
 * {@code GET /api/v3/depth} ({@code rest-api.md} "Order book"): limit 1-100 → 5, 101-500 → 25, 501-1000 → 50,
 * 1001-5000 → 250; futures {@code GET /fapi/v1/depth} and {@code /dapi/v1/depth}: limit 5, 10, 20, 50 → 2, 100 → 5,
 * 500 → 10, 1000 → 20. Exceeding the limit returns 429 with {@code Retry-After}; ignoring 429s gets the IP banned
 * (418). The live limit should be read from {@code exchangeInfo} at start and passed in.
 *
 * <p><b>Budget.</b> This process may use {@code budgetShare} of the limit (the rest stays free for other clients on
 * the same IP: the sender's own REST calls, operators). Weight sent in the last 60 s, or the server's
 * {@code X-MBX-USED-WEIGHT-1M} when higher, plus the new request must stay within the budget. A sliding 60-s window
 * bounds the weight of every calendar minute too. A {@code Retry-After} blocks every request until it passes.
 *
 * <p><b>Backoff.</b> The first snapshot request of a sync attempt goes at once; the n-th consecutive one (n ≥ 2,
 * {@link DepthBook#snapshotAttempt()}) waits a random time in {@code [c/2, c]} with
 * {@code c = min(max, min × 2^(n-2))}, so a book that keeps failing does not hammer the API and many books that break
 * together spread out.
 *
 * <p>Usage by a recorder, on its scheduler thread: when a book asks, schedule at {@code now + backoffNanos(attempt)};
 * when due, {@code d = weightDelayNanos(w, now)}; if {@code d > 0} reschedule at {@code now + d}, else
 * {@code onSent(w, now)} and send. Not thread-safe: one instance per IP and market family, owned by one thread. Times
 * are {@link System#nanoTime()} values passed in by the caller.
 */
public final class SnapshotRequestPolicy {
    /** Binance spot {@code REQUEST_WEIGHT} per minute per IP. */
    public static final int SPOT_WEIGHT_LIMIT_PER_MINUTE = 6000;
    /** Binance USD-M and COIN-M {@code REQUEST_WEIGHT} per minute per IP. */
    public static final int FUTURES_WEIGHT_LIMIT_PER_MINUTE = 2400;
    /** Default share of the limit used for snapshots. */
    public static final double DEFAULT_BUDGET_SHARE = 0.5;

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int weightLimitPerMinute;
    private final int budget;
    private final long minBackoffNanos;
    private final long maxBackoffNanos;
    private final Random random;

    private final long[] sentAt;
    private final int[] sentWeight;
    private int head;
    private int count;
    private int windowWeight;

    private long serverUsedWeight;
    private long serverUsedAtNanos;
    private boolean haveServerUsed;
    private long blockedUntilNanos;
    private boolean blocked;

    /**
     * @param weightLimitPerMinute the IP's {@code REQUEST_WEIGHT} limit per minute (exchangeInfo), at least 1
     * @param budgetShare share of it this process may use, in (0, 1]
     * @param minBackoffMillis backoff ceiling of the second attempt, ms, at least 1
     * @param maxBackoffMillis largest backoff ceiling, ms, at least {@code minBackoffMillis}
     * @param random source of jitter (a seeded one in tests)
     * @throws IllegalArgumentException naming the bad parameter
     */
    public SnapshotRequestPolicy(int weightLimitPerMinute, double budgetShare, long minBackoffMillis,
            long maxBackoffMillis, Random random) {
        if (weightLimitPerMinute < 1) {
            throw new IllegalArgumentException("weightLimitPerMinute must be at least 1, got " + weightLimitPerMinute);
        }
        if (!(budgetShare > 0 && budgetShare <= 1)) {
            throw new IllegalArgumentException("budgetShare must be in (0, 1], got " + budgetShare);
        }
        if (minBackoffMillis < 1 || maxBackoffMillis < minBackoffMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= min <= max, got min=" + minBackoffMillis
                    + " ms, max=" + maxBackoffMillis + " ms");
        }
        this.weightLimitPerMinute = weightLimitPerMinute;
        this.budget = Math.max(1, (int) Math.floor(weightLimitPerMinute * budgetShare));
        this.minBackoffNanos = minBackoffMillis * 1_000_000L;
        this.maxBackoffNanos = maxBackoffMillis * 1_000_000L;
        this.random = random;
        int capacity = budget + 1; // every request weighs at least 1
        this.sentAt = new long[capacity];
        this.sentWeight = new int[capacity];
    }

    /** Weight of {@code GET /api/v3/depth} at {@code limit} (1..5000). */
    public static int spotDepthWeight(int limit) {
        if (limit < 1 || limit > 5000) {
            throw new IllegalArgumentException("spot depth limit must be 1..5000, got " + limit);
        }
        return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    }

    /** Weight of {@code GET /fapi/v1/depth} or {@code /dapi/v1/depth} at {@code limit} (5, 10, 20, 50, 100, 500, 1000). */
    public static int futuresDepthWeight(int limit) {
        switch (limit) {
            case 5:
            case 10:
            case 20:
            case 50:
                return 2;
            case 100:
                return 5;
            case 500:
                return 10;
            case 1000:
                return 20;
            default:
                throw new IllegalArgumentException("futures depth limit must be one of 5, 10, 20, 50, 100, 500, 1000,"
                        + " got " + limit);
        }
    }

    /**
     * Refuses at start a configuration whose regular snapshots alone would exceed the budget.
     *
     * @param symbols books of this market on the IP
     * @param snapshotsPerSymbolPerMinute regular snapshots (e.g. 1 for one a minute, as the original recorder)
     * @param weightPerSnapshot from {@link #spotDepthWeight} or {@link #futuresDepthWeight}
     * @throws IllegalArgumentException with the numbers and what would fit
     */
    public void checkSustainable(int symbols, double snapshotsPerSymbolPerMinute, int weightPerSnapshot) {
        double perMinute = symbols * snapshotsPerSymbolPerMinute * weightPerSnapshot;
        if (perMinute > budget) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%d symbols x %.2f snapshots/min x weight %d = %.0f weight/min exceeds the snapshot budget %d"
                            + " (%d/min limit x share); at most %d symbols fit, or lower the depth limit or the rate",
                    symbols, snapshotsPerSymbolPerMinute, weightPerSnapshot, perMinute, budget, weightLimitPerMinute,
                    (int) Math.floor(budget / (snapshotsPerSymbolPerMinute * weightPerSnapshot))));
        }
    }

    /** The weight this process may use per minute. */
    public int budget() {
        return budget;
    }

    /**
     * Backoff before the {@code attempt}-th consecutive snapshot request of one book (1 = first: 0).
     *
     * @return nanoseconds, in {@code [c/2, c]} for attempt ≥ 2 (see the class comment)
     */
    public long backoffNanos(int attempt) {
        if (attempt <= 1) {
            return 0;
        }
        long c = minBackoffNanos;
        for (int i = 2; i < attempt && c < maxBackoffNanos; i++) {
            c *= 2;
        }
        c = Math.min(c, maxBackoffNanos);
        long half = c / 2;
        return half + (long) (random.nextDouble() * (c - half + 1));
    }

    /** Nanoseconds until a request of {@code weight} fits the budget (0: now), including any Retry-After. */
    public long weightDelayNanos(int weight, long nowNanos) {
        if (weight < 1 || weight > budget) {
            throw new IllegalArgumentException("weight " + weight + " is outside 1.." + budget + " (the budget)");
        }
        prune(nowNanos);
        long wait = 0;
        if (blocked && nowNanos - blockedUntilNanos < 0) {
            wait = blockedUntilNanos - nowNanos;
        }
        if (haveServerUsed && nowNanos - serverUsedAtNanos < WINDOW_NANOS && serverUsedWeight + weight > budget) {
            wait = Math.max(wait, serverUsedAtNanos + WINDOW_NANOS - nowNanos);
        }
        if (windowWeight + weight > budget) {
            // the oldest sends leave the window first: wait until enough has left
            int excess = windowWeight + weight - budget;
            int freed = 0;
            for (int i = 0; i < count; i++) {
                int idx = (head + i) % sentAt.length;
                freed += sentWeight[idx];
                if (freed >= excess) {
                    wait = Math.max(wait, sentAt[idx] + WINDOW_NANOS - nowNanos);
                    break;
                }
            }
        }
        return Math.max(0, wait);
    }

    /** Records a request of {@code weight} sent at {@code nowNanos}. */
    public void onSent(int weight, long nowNanos) {
        prune(nowNanos);
        if (count == sentAt.length) { // cannot happen within the budget; keep the newest
            windowWeight -= sentWeight[head];
            head = (head + 1) % sentAt.length;
            count--;
        }
        int idx = (head + count) % sentAt.length;
        sentAt[idx] = nowNanos;
        sentWeight[idx] = weight;
        count++;
        windowWeight += weight;
    }

    /** Binance's {@code X-MBX-USED-WEIGHT-1M} of a response received at {@code nowNanos}. */
    public void onUsedWeight(long nowNanos, long usedWeight1m) {
        haveServerUsed = true;
        serverUsedAtNanos = nowNanos;
        serverUsedWeight = usedWeight1m;
    }

    /** A 429 or 418 with {@code Retry-After: seconds}: no request until then. */
    public void onRetryAfter(long nowNanos, long retryAfterSeconds) {
        long until = nowNanos + Math.max(1, retryAfterSeconds) * 1_000_000_000L;
        if (!blocked || until - blockedUntilNanos > 0) {
            blockedUntilNanos = until;
        }
        blocked = true;
    }

    /** Weight sent in the last 60 s as of {@code nowNanos}. */
    public int windowWeight(long nowNanos) {
        prune(nowNanos);
        return windowWeight;
    }

    private void prune(long nowNanos) {
        while (count > 0 && nowNanos - sentAt[head] >= WINDOW_NANOS) {
            windowWeight -= sentWeight[head];
            head = (head + 1) % sentAt.length;
            count--;
        }
    }
}
