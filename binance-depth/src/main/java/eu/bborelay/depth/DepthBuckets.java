package eu.bborelay.depth;

/**
 * Log-delta depth buckets of a synced book, the aggregation of the original depth collector ({@code 002}:
 * {@code --step 0.00002 --steps 40 --interval 1}, 40 buckets of quote-currency liquidity per side, 0.08 % deep).
 *
 * <h2>Definition</h2>
 * Let {@code bid} and {@code ask} be the best prices and {@code mid = (bid + ask) / 2} the reference price (the
 * original's {@code price} column is this mid). For a level at price {@code p} with quantity {@code q}:
 * <ul>
 *   <li>its log distance is {@code d = ln(mid / p)} for a bid and {@code d = ln(p / mid)} for an ask, so
 *       {@code d > 0} for every level of an uncrossed book, and {@code d} grows away from the mid on both sides;</li>
 *   <li>it belongs to bucket {@code k = floor(d / step)}: bucket {@code k} holds distances in
 *       {@code [k·step, (k+1)·step)}, lower edge included, upper edge excluded (a level exactly on an edge goes to
 *       the farther bucket);</li>
 *   <li>bucket {@code k}'s value is the sum of {@code p × q} (quote-currency notional: USDT for BTCUSDT) over its
 *       levels;</li>
 *   <li>levels with {@code k >= steps} (farther than {@code steps × step} in log distance, 0.08 % by default) are in
 *       no bucket: they are left out, not clamped into the last one.</li>
 * </ul>
 * {@code d}, {@code k} and the notionals are computed in IEEE double ({@code Math.log}, one division, {@code floor});
 * the prices going in are exact. A level within about 1e-16 (relative) of an edge may fall on either side of it.
 * For COIN-M, {@code q} is a number of contracts, so the bucket values are {@code price × contracts}, not a notional:
 * multiply by the contract size's ratio to price, or use spot/USD-M books.
 *
 * <p>Computed only from a synced book: {@link #compute(DepthBook, long, DepthBucketSnapshot)} returns false for an
 * unsynced one and leaves the output alone. Alignment: the snapshot of second {@code S} is the book as it stands when
 * the wall clock reaches {@code S} with {@code S % interval == 0} ({@link #alignedSecond}, {@link #nextBoundaryMillis});
 * the caller's timer decides the moment.
 *
 * <p>Immutable and thread-safe; {@code compute} runs on the book's owning thread and walks only the levels within
 * the buckets (it stops at the first level beyond the last bucket).
 */
public final class DepthBuckets {
    /** 002's default {@code --step}. */
    public static final double DEFAULT_STEP = 0.00002;
    /** 002's default {@code --steps}. */
    public static final int DEFAULT_STEPS = 40;
    /** 002's default {@code --interval}, seconds. */
    public static final int DEFAULT_INTERVAL_SECONDS = 1;

    private final double step;
    private final int steps;

    /**
     * @param step log distance per bucket, finite and above 0 (0.00002 = 0.002 %)
     * @param steps buckets per side, at least 1
     */
    public DepthBuckets(double step, int steps) {
        if (!(step > 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("step must be a positive finite number, got " + step);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        this.step = step;
        this.steps = steps;
    }

    public double step() {
        return step;
    }

    public int steps() {
        return steps;
    }

    /**
     * Fills {@code out} from a synced book.
     *
     * @param epochSecond the aligned second the snapshot is for (Unix seconds)
     * @param out its number of steps must equal {@link #steps()}
     * @return false (and {@code out} untouched) when the book is not synced
     */
    public boolean compute(DepthBook book, long epochSecond, DepthBucketSnapshot out) {
        if (!book.isSynced()) {
            return false;
        }
        compute(book.book(), book.symbol(), epochSecond, out);
        return true;
    }

    /**
     * Fills {@code out} from an order book the caller knows to be correct (both sides non-empty, not crossed).
     *
     * @throws IllegalStateException if a side is empty or the book is crossed
     * @throws IllegalArgumentException if {@code out} has another number of steps
     */
    public void compute(OrderBook book, String symbol, long epochSecond, DepthBucketSnapshot out) {
        if (out.steps() != steps) {
            throw new IllegalArgumentException("output has " + out.steps() + " steps, buckets have " + steps);
        }
        if (book.bids().isEmpty() || book.asks().isEmpty()) {
            throw new IllegalStateException("buckets need both sides of the book");
        }
        if (book.isCrossed()) {
            throw new IllegalStateException("buckets of a crossed book");
        }
        long bid = book.bids().bestPrice();
        long ask = book.asks().bestPrice();
        int scale = book.priceScale();
        double unitPrice = Decimals.pow10(scale);
        double unitQty = Decimals.pow10(book.quantityScale());
        double mid = ((double) bid + (double) ask) / 2 / unitPrice;
        out.symbol = symbol;
        out.epochSecond = epochSecond;
        out.bestBid = bid;
        out.bestAsk = ask;
        out.priceScale = scale;
        out.step = step;
        java.util.Arrays.fill(out.bidBuckets, 0);
        java.util.Arrays.fill(out.askBuckets, 0);
        Accumulator acc = new Accumulator(mid, unitPrice, unitQty, step, steps);
        acc.into = out.bidBuckets;
        acc.bids = true;
        book.bids().forEach(acc);
        acc.into = out.askBuckets;
        acc.bids = false;
        book.asks().forEach(acc);
    }

    /** Bucket index of a price at log distance from {@code mid} (exposed for tests and docs). */
    static int bucketOf(double mid, double price, boolean bid, double step) {
        double d = bid ? Math.log(mid / price) : Math.log(price / mid);
        return (int) Math.floor(d / step);
    }

    /** The second a snapshot taken at {@code epochMillis} belongs to: the latest multiple of the interval. */
    public static long alignedSecond(long epochMillis, int intervalSeconds) {
        checkInterval(intervalSeconds);
        long s = Math.floorDiv(epochMillis, 1000);
        return s - Math.floorMod(s, intervalSeconds);
    }

    /** The next wall-clock boundary after {@code epochMillis}, in ms: when the next snapshot is due. */
    public static long nextBoundaryMillis(long epochMillis, int intervalSeconds) {
        return (alignedSecond(epochMillis, intervalSeconds) + intervalSeconds) * 1000;
    }

    private static void checkInterval(int intervalSeconds) {
        if (intervalSeconds < 1) {
            throw new IllegalArgumentException("interval must be at least 1 s, got " + intervalSeconds);
        }
    }

    private static final class Accumulator implements BookSide.LevelVisitor {
        final double mid;
        final double unitPrice;
        final double unitQty;
        final double step;
        final int steps;
        double[] into;
        boolean bids;

        Accumulator(double mid, double unitPrice, double unitQty, double step, int steps) {
            this.mid = mid;
            this.unitPrice = unitPrice;
            this.unitQty = unitQty;
            this.step = step;
            this.steps = steps;
        }

        @Override
        public boolean visit(long price, long quantity) {
            double p = price / unitPrice;
            int k = bucketOf(mid, p, bids, step);
            if (k >= steps) {
                return false; // levels come in order of distance: every later one is farther
            }
            into[k] += p * (quantity / unitQty);
            return true;
        }
    }
}
