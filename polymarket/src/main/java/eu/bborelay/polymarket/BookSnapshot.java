package eu.bborelay.polymarket;

import java.util.Arrays;

/**
 * An immutable copy of one asset's book, as returned by {@link PolymarketClient#latest(String)}. Thread-safe; any
 * thread may keep it. See {@link BookView} for units and order.
 */
public final class BookSnapshot implements BookView {
    private final String assetId;
    private final String market;
    private final long[] bidPrices;
    private final long[] bidSizes;
    private final long[] askPrices;
    private final long[] askSizes;
    private final boolean synced;
    private final boolean crossed;
    private final long exchangeTimestampMillis;
    private final long receiveEpochNanos;
    private final String eventType;
    private final String hash;
    private final long tickSize;
    private final long changes;

    BookSnapshot(String assetId, String market, long[] bidPrices, long[] bidSizes, long[] askPrices, long[] askSizes,
                 boolean synced, boolean crossed, long exchangeTimestampMillis, long receiveEpochNanos,
                 String eventType, String hash, long tickSize, long changes) {
        this.assetId = assetId;
        this.market = market;
        this.bidPrices = bidPrices;
        this.bidSizes = bidSizes;
        this.askPrices = askPrices;
        this.askSizes = askSizes;
        this.synced = synced;
        this.crossed = crossed;
        this.exchangeTimestampMillis = exchangeTimestampMillis;
        this.receiveEpochNanos = receiveEpochNanos;
        this.eventType = eventType;
        this.hash = hash;
        this.tickSize = tickSize;
        this.changes = changes;
    }

    /** A copy of any view (e.g. of the live book inside {@link MarketListener#onBook}). */
    public static BookSnapshot copyOf(BookView v) {
        if (v instanceof BookSnapshot s) {
            return s;
        }
        int nb = v.bidCount();
        int na = v.askCount();
        long[] bp = new long[nb];
        long[] bs = new long[nb];
        long[] ap = new long[na];
        long[] as = new long[na];
        for (int i = 0; i < nb; i++) {
            bp[i] = v.bidPrice(i);
            bs[i] = v.bidSize(i);
        }
        for (int i = 0; i < na; i++) {
            ap[i] = v.askPrice(i);
            as[i] = v.askSize(i);
        }
        return new BookSnapshot(v.assetId(), v.market(), bp, bs, ap, as, v.synced(), v.crossed(),
                v.exchangeTimestampMillis(), v.receiveEpochNanos(), v.eventType(), v.hash(), v.tickSize(), v.changes());
    }

    @Override public String assetId() { return assetId; }
    @Override public String market() { return market; }
    @Override public int bidCount() { return bidPrices.length; }
    @Override public long bidPrice(int i) { return bidPrices[i]; }
    @Override public long bidSize(int i) { return bidSizes[i]; }
    @Override public int askCount() { return askPrices.length; }
    @Override public long askPrice(int i) { return askPrices[i]; }
    @Override public long askSize(int i) { return askSizes[i]; }
    @Override public boolean synced() { return synced; }
    @Override public boolean crossed() { return crossed; }
    @Override public long exchangeTimestampMillis() { return exchangeTimestampMillis; }
    @Override public long receiveEpochNanos() { return receiveEpochNanos; }
    @Override public String eventType() { return eventType; }
    @Override public String hash() { return hash; }
    @Override public long tickSize() { return tickSize; }
    @Override public long changes() { return changes; }

    /** Same asset and the same levels (prices and sizes) on both sides; flags and tags are not compared. */
    public boolean sameLevels(BookView other) {
        BookSnapshot o = copyOf(other);
        return assetId.equals(o.assetId) && Arrays.equals(bidPrices, o.bidPrices)
                && Arrays.equals(bidSizes, o.bidSizes) && Arrays.equals(askPrices, o.askPrices)
                && Arrays.equals(askSizes, o.askSizes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BookSnapshot{").append(assetId).append(synced ? " synced" : " unsynced")
                .append(crossed ? " CROSSED" : "").append(" bids=[");
        for (int i = 0; i < bidPrices.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Decimals.toString(bidPrices[i])).append('x')
                    .append(Decimals.toString(bidSizes[i]));
        }
        sb.append("] asks=[");
        for (int i = 0; i < askPrices.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Decimals.toString(askPrices[i])).append('x')
                    .append(Decimals.toString(askSizes[i]));
        }
        return sb.append("]}").toString();
    }
}
