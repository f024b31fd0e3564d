package eu.bborelay.depth;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The log-delta depth buckets of one book at one aligned epoch second (the original collector's row,
 * {@code 002}: {@code epoch, best_bid, best_ask, bid_buckets[steps], ask_buckets[steps], step_pct, num_steps}).
 * Filled by {@link DepthBuckets#compute}; reusable (the arrays keep their length, the number of steps). Not
 * thread-safe; {@link #copy()} to hand it to another thread.
 */
public final class DepthBucketSnapshot {
    String symbol = "";
    long epochSecond;
    long bestBid;
    long bestAsk;
    int priceScale;
    double step;
    final double[] bidBuckets;
    final double[] askBuckets;

    /** @param steps number of buckets per side, at least 1 */
    public DepthBucketSnapshot(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        bidBuckets = new double[steps];
        askBuckets = new double[steps];
    }

    public String symbol() {
        return symbol;
    }

    /** {@code epoch}: the aligned second (Unix seconds) this snapshot is for. */
    public long epochSecond() {
        return epochSecond;
    }

    /** Best bid, scaled at {@link #priceScale()}. */
    public long bestBid() {
        return bestBid;
    }

    /** Best ask, scaled at {@link #priceScale()}. */
    public long bestAsk() {
        return bestAsk;
    }

    public int priceScale() {
        return priceScale;
    }

    /** The log step (e.g. 0.00002). */
    public double step() {
        return step;
    }

    /** {@code num_steps}. */
    public int steps() {
        return bidBuckets.length;
    }

    /** {@code step_pct}: the step in percent, exactly as a decimal (0.00002 → 0.002). */
    public BigDecimal stepPercent() {
        return new BigDecimal(Double.toString(step)).movePointRight(2).stripTrailingZeros();
    }

    /** Quote notional of bucket {@code k} of the bids (see {@link DepthBuckets}). */
    public double bidBucket(int k) {
        return bidBuckets[k];
    }

    /** Quote notional of bucket {@code k} of the asks. */
    public double askBucket(int k) {
        return askBuckets[k];
    }

    /** The mid price {@code (best_bid + best_ask) / 2}, exact. */
    public BigDecimal mid() {
        return BigDecimal.valueOf(bestBid + bestAsk, priceScale).divide(BigDecimal.valueOf(2)).stripTrailingZeros();
    }

    /** A copy. */
    public DepthBucketSnapshot copy() {
        DepthBucketSnapshot c = new DepthBucketSnapshot(bidBuckets.length);
        c.symbol = symbol;
        c.epochSecond = epochSecond;
        c.bestBid = bestBid;
        c.bestAsk = bestAsk;
        c.priceScale = priceScale;
        c.step = step;
        System.arraycopy(bidBuckets, 0, c.bidBuckets, 0, bidBuckets.length);
        System.arraycopy(askBuckets, 0, c.askBuckets, 0, askBuckets.length);
        return c;
    }

    /**
     * The original's {@code orderbook} JSON: {@code {"epoch":..,"best_bid":..,"best_ask":..,"bid_buckets":[..],
     * "ask_buckets":[..],"step_pct":..,"num_steps":..}}, prices as exact decimals without trailing zeros, buckets as
     * the shortest decimal that reads back as the same double, in plain notation ({@code 12345678.9}, not
     * {@code 1.23456789E7}; {@code 0.0} for an empty bucket). Allocates.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(64 + 48 * bidBuckets.length);
        sb.append("{\"epoch\":").append(epochSecond);
        sb.append(",\"best_bid\":").append(plain(bestBid));
        sb.append(",\"best_ask\":").append(plain(bestAsk));
        sb.append(",\"bid_buckets\":");
        appendArray(sb, bidBuckets);
        sb.append(",\"ask_buckets\":");
        appendArray(sb, askBuckets);
        sb.append(",\"step_pct\":").append(stepPercent().toPlainString());
        sb.append(",\"num_steps\":").append(bidBuckets.length);
        return sb.append('}').toString();
    }

    private String plain(long scaled) {
        return BigDecimal.valueOf(scaled, priceScale).stripTrailingZeros().toPlainString();
    }

    private static void appendArray(StringBuilder sb, double[] values) {
        sb.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            double v = values[i];
            if (Double.isFinite(v)) {
                sb.append(BigDecimal.valueOf(v).toPlainString()); // shortest round-trip digits, never 1.2E7
            } else {
                sb.append("null"); // not a JSON number; cannot happen for prices and quantities of a synced book
            }
        }
        sb.append(']');
    }

    @Override
    public String toString() {
        return symbol + "@" + epochSecond + " " + plain(bestBid) + "/" + plain(bestAsk) + " bids "
                + Arrays.toString(bidBuckets) + " asks " + Arrays.toString(askBuckets);
    }
}
