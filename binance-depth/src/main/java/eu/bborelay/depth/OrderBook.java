package eu.bborelay.depth;

/**
 * A price-level order book: two {@link BookSide}s of absolute quantities at exact scaled prices. It knows nothing
 * about update ids; {@link DepthBook} decides what may be applied, and only this package mutates a book: others read
 * it. Not thread-safe (one owning thread).
 */
public final class OrderBook {
    private final BookSide bids;
    private final BookSide asks;
    private final int priceScale;
    private final int quantityScale;

    /**
     * @param priceScale fraction digits of the scaled prices ({@link Decimals})
     * @param quantityScale fraction digits of the scaled quantities
     * @param expectedLevelsPerSide sizing hint (5,000 for a spot snapshot at limit 5000); the book grows past it
     */
    public OrderBook(int priceScale, int quantityScale, int expectedLevelsPerSide) {
        this.priceScale = Decimals.checkScale(priceScale);
        this.quantityScale = Decimals.checkScale(quantityScale);
        this.bids = new BookSide(true, expectedLevelsPerSide);
        this.asks = new BookSide(false, expectedLevelsPerSide);
    }

    public BookSide bids() {
        return bids;
    }

    public BookSide asks() {
        return asks;
    }

    public int priceScale() {
        return priceScale;
    }

    public int quantityScale() {
        return quantityScale;
    }

    /** True when both sides have a level and the best bid is at or above the best ask. */
    public boolean isCrossed() {
        return !bids.isEmpty() && !asks.isEmpty() && bids.bestPrice() >= asks.bestPrice();
    }

    /** Empties both sides. */
    void clear() {
        bids.clear();
        asks.clear();
    }

    /** Applies every level of the lists (absolute quantities; 0 removes). */
    void apply(Levels bidLevels, Levels askLevels) {
        for (int i = 0, n = bidLevels.count(); i < n; i++) {
            bids.set(bidLevels.price(i), bidLevels.quantity(i));
        }
        for (int i = 0, n = askLevels.count(); i < n; i++) {
            asks.set(askLevels.price(i), askLevels.quantity(i));
        }
    }

    /** Replaces the content with a snapshot's levels. */
    void load(DepthSnapshot snapshot) {
        clear();
        apply(snapshot.bids(), snapshot.asks());
    }

    /**
     * Writes this book as a Binance REST snapshot body ({@code /api/v3/depth} shape, or {@code /fapi/v1/depth} with
     * {@code E} and {@code T} when they are not {@link DepthEvent#ABSENT}), at most {@code limit} levels per side,
     * prices and quantities with this book's scales. What a replay server answers for a snapshot taken "now"; also
     * useful in tests. Allocates.
     */
    public String toSnapshotJson(long lastUpdateId, long eventTimeMs, long transactionTimeMs, int limit) {
        StringBuilder sb = new StringBuilder(64 + 48 * Math.min(limit, bids.size() + asks.size()));
        sb.append("{\"lastUpdateId\":").append(lastUpdateId);
        if (eventTimeMs != DepthEvent.ABSENT) {
            sb.append(",\"E\":").append(eventTimeMs);
        }
        if (transactionTimeMs != DepthEvent.ABSENT) {
            sb.append(",\"T\":").append(transactionTimeMs);
        }
        sb.append(",\"bids\":");
        appendSide(sb, bids, limit);
        sb.append(",\"asks\":");
        appendSide(sb, asks, limit);
        return sb.append('}').toString();
    }

    private void appendSide(StringBuilder sb, BookSide side, int limit) {
        sb.append('[');
        int[] written = {0};
        side.forEach((price, qty) -> {
            if (written[0] == limit) {
                return false;
            }
            if (written[0]++ > 0) {
                sb.append(',');
            }
            sb.append("[\"");
            Decimals.append(sb, price, priceScale);
            sb.append("\",\"");
            Decimals.append(sb, qty, quantityScale);
            sb.append("\"]");
            return true;
        });
        sb.append(']');
    }
}
