package eu.bborelay.depth;

/**
 * One diff depth event ({@code depthUpdate}), reused: the parser fills it, a {@link DepthBook} reads it during
 * {@link DepthBook#onEvent} and copies what it must keep.
 *
 * <p>Fields by Binance's names. Spot {@code <symbol>@depth} / {@code @depth@100ms} ("Diff. Depth Stream",
 * {@code web-socket-streams.md}): {@code e, E, s, U, u, b, a}. USD-M and COIN-M {@code <symbol>@depth[@500ms|@100ms]}
 * ("Diff. Book Depth Streams"): {@code e, E, T, s, U, u, pu, b, a} ({@code ps} on COIN-M is ignored). Quantities
 * are absolute: the new total at that price, 0 removes the level.
 *
 * <p>Not thread-safe; valid until the parser fills it again.
 */
public final class DepthEvent {
    /** Marks an absent id or time. */
    public static final long ABSENT = Long.MIN_VALUE;

    final Levels bids;
    final Levels asks;
    String symbol = "";
    long eventTimeMs = ABSENT;
    long transactionTimeMs = ABSENT;
    long firstUpdateId = ABSENT;
    long finalUpdateId = ABSENT;
    long prevFinalUpdateId = ABSENT;

    /** An event whose level lists start with room for 64 levels each (they grow when needed). */
    public DepthEvent() {
        this(64);
    }

    /** @param initialLevels room per side before the first growth (buffered copies start small) */
    DepthEvent(int initialLevels) {
        bids = new Levels(initialLevels);
        asks = new Levels(initialLevels);
    }

    /** {@code s}: the symbol as Binance spells it ({@code BTCUSDT}). */
    public String symbol() {
        return symbol;
    }

    /** {@code E}: event time, Binance ms since the epoch; {@link #ABSENT} if missing. */
    public long eventTimeMs() {
        return eventTimeMs;
    }

    /** {@code T}: transaction time (futures only), Binance ms since the epoch; {@link #ABSENT} on spot. */
    public long transactionTimeMs() {
        return transactionTimeMs;
    }

    /** {@code U}: first update id in the event. */
    public long firstUpdateId() {
        return firstUpdateId;
    }

    /** {@code u}: final update id in the event. */
    public long finalUpdateId() {
        return finalUpdateId;
    }

    /** {@code pu}: the previous event's final update id (futures only); {@link #ABSENT} on spot. */
    public long prevFinalUpdateId() {
        return prevFinalUpdateId;
    }

    /** {@code b}: bid levels to update, scaled at the parser's scales. */
    public Levels bids() {
        return bids;
    }

    /** {@code a}: ask levels to update, scaled at the parser's scales. */
    public Levels asks() {
        return asks;
    }

    void reset() {
        symbol = "";
        eventTimeMs = ABSENT;
        transactionTimeMs = ABSENT;
        firstUpdateId = ABSENT;
        finalUpdateId = ABSENT;
        prevFinalUpdateId = ABSENT;
        bids.clear();
        asks.clear();
    }

    /** Makes this event a copy of {@code other} (no allocation once the level lists are large enough). */
    public void copyFrom(DepthEvent other) {
        symbol = other.symbol;
        eventTimeMs = other.eventTimeMs;
        transactionTimeMs = other.transactionTimeMs;
        firstUpdateId = other.firstUpdateId;
        finalUpdateId = other.finalUpdateId;
        prevFinalUpdateId = other.prevFinalUpdateId;
        bids.copyFrom(other.bids);
        asks.copyFrom(other.asks);
    }

    @Override
    public String toString() {
        return "depthUpdate{s=" + symbol + ", E=" + eventTimeMs + ", U=" + firstUpdateId + ", u=" + finalUpdateId
                + (prevFinalUpdateId == ABSENT ? "" : ", pu=" + prevFinalUpdateId) + ", b=" + bids.count() + ", a="
                + asks.count() + "}";
    }
}
