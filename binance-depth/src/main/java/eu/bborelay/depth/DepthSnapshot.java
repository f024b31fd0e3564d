package eu.bborelay.depth;

/**
 * A REST order book snapshot, reused: spot {@code GET /api/v3/depth} ({@code lastUpdateId, bids, asks}), USD-M
 * {@code GET /fapi/v1/depth} and COIN-M {@code GET /dapi/v1/depth} (plus {@code E}, {@code T}; COIN-M also
 * {@code symbol}, {@code pair}, ignored). Bids best first, asks best first, as Binance sends them.
 *
 * <p>Not thread-safe; a {@link DepthBook} copies it into its book during {@link DepthBook#onSnapshot}.
 */
public final class DepthSnapshot {
    final Levels bids = new Levels(1024);
    final Levels asks = new Levels(1024);
    long lastUpdateId = DepthEvent.ABSENT;
    long eventTimeMs = DepthEvent.ABSENT;
    long transactionTimeMs = DepthEvent.ABSENT;

    /** {@code lastUpdateId}: the update id the snapshot is current to. */
    public long lastUpdateId() {
        return lastUpdateId;
    }

    /** {@code E} (futures), Binance ms since the epoch; {@link DepthEvent#ABSENT} on spot. */
    public long eventTimeMs() {
        return eventTimeMs;
    }

    /** {@code T} (futures), Binance ms since the epoch; {@link DepthEvent#ABSENT} on spot. */
    public long transactionTimeMs() {
        return transactionTimeMs;
    }

    /** {@code bids}, best (highest) first. */
    public Levels bids() {
        return bids;
    }

    /** {@code asks}, best (lowest) first. */
    public Levels asks() {
        return asks;
    }

    /** Sets the header fields (a snapshot built in code, e.g. by a replay server from its own book). */
    public DepthSnapshot set(long lastUpdateId, long eventTimeMs, long transactionTimeMs) {
        this.lastUpdateId = lastUpdateId;
        this.eventTimeMs = eventTimeMs;
        this.transactionTimeMs = transactionTimeMs;
        return this;
    }

    void reset() {
        lastUpdateId = DepthEvent.ABSENT;
        eventTimeMs = DepthEvent.ABSENT;
        transactionTimeMs = DepthEvent.ABSENT;
        bids.clear();
        asks.clear();
    }
}
