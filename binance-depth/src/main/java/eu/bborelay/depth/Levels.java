package eu.bborelay.depth;

import java.util.Arrays;

/**
 * A reusable list of (price, quantity) pairs as scaled longs, in the order Binance sent them: the {@code b} or
 * {@code a} array of a depth event, the {@code bids} or {@code asks} of a snapshot. Grows by doubling when a message
 * has more levels than ever before, so a long-lived instance stops allocating. Not thread-safe.
 */
public final class Levels {
    private long[] prices;
    private long[] quantities;
    private int count;

    /** @param initialCapacity levels held before the first growth, at least 1 */
    public Levels(int initialCapacity) {
        int c = Math.max(1, initialCapacity);
        prices = new long[c];
        quantities = new long[c];
    }

    /** Number of levels. */
    public int count() {
        return count;
    }

    /** Price of level {@code i} (0-based, message order), scaled. */
    public long price(int i) {
        return prices[i];
    }

    /** Quantity of level {@code i}, scaled; 0 means "remove this price level". */
    public long quantity(int i) {
        return quantities[i];
    }

    /** Empties the list, keeping its capacity. */
    public void clear() {
        count = 0;
    }

    /** Appends one level. */
    public void add(long price, long quantity) {
        if (count == prices.length) {
            int c = prices.length * 2;
            prices = Arrays.copyOf(prices, c);
            quantities = Arrays.copyOf(quantities, c);
        }
        prices[count] = price;
        quantities[count] = quantity;
        count++;
    }

    /** Makes this list a copy of {@code other}. */
    public void copyFrom(Levels other) {
        count = 0;
        for (int i = 0; i < other.count; i++) {
            add(other.prices[i], other.quantities[i]);
        }
    }
}
