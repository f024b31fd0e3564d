package eu.bborelay.polymarket;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of a {@link PolymarketClient}. Written by the client's threads (one writer per counter), readable from
 * any thread; every value is a running total since the client was created.
 */
public final class PolymarketStats {
    static final int BOOK = 0;
    static final int PRICE_CHANGE = 1;
    static final int LAST_TRADE_PRICE = 2;
    static final int TICK_SIZE_CHANGE = 3;
    static final int BEST_BID_ASK = 4;
    static final int NEW_MARKET = 5;
    static final int MARKET_RESOLVED = 6;
    static final int UNKNOWN_TYPE = 7;
    static final int MALFORMED = 8;
    static final int FRAMES = 9;
    static final int ARRAY_FRAMES = 10;
    static final int PONGS = 11;
    static final int CROSSED_BOOKS = 12;
    static final int UNSUBSCRIBED_ASSET = 13;
    static final int CHANGES_WHILE_UNSYNCED = 14;
    static final int BEST_MISMATCHES = 15;
    static final int STALE_SNAPSHOTS = 16;
    static final int INVALID_VALUES = 17;
    static final int LISTENER_ERRORS = 18;
    static final int RECONNECTS = 19;
    static final int CONNECTS = 20;
    static final int SILENCE_DROPS = 21;
    static final int PINGS_SENT = 22;
    private static final int COUNT = 23;

    private final AtomicLongArray values = new AtomicLongArray(COUNT);

    void increment(int counter) {
        values.lazySet(counter, values.get(counter) + 1);
    }

    /** For counters that more than one thread may write (rare, control paths). */
    void incrementShared(int counter) {
        values.incrementAndGet(counter);
    }

    long get(int counter) {
        return values.get(counter);
    }

    /** {@code book} messages (snapshots), including those of unsubscribed assets. */
    public long books() { return get(BOOK); }
    /** {@code price_change} messages. */
    public long priceChanges() { return get(PRICE_CHANGE); }
    /** {@code last_trade_price} messages. */
    public long trades() { return get(LAST_TRADE_PRICE); }
    /** {@code tick_size_change} messages. */
    public long tickSizeChanges() { return get(TICK_SIZE_CHANGE); }
    /** {@code best_bid_ask} messages. */
    public long bestBidAsks() { return get(BEST_BID_ASK); }
    /** {@code new_market} messages. */
    public long newMarkets() { return get(NEW_MARKET); }
    /** {@code market_resolved} messages. */
    public long marketsResolved() { return get(MARKET_RESOLVED); }
    /** Messages with an unknown or missing {@code event_type}: counted and ignored (the first of each is logged). */
    public long unknownTypes() { return get(UNKNOWN_TYPE); }
    /** Text frames that are not valid JSON (the first is logged); later frames are processed as usual. */
    public long malformed() { return get(MALFORMED); }
    /** Text frames processed (excluding {@code PONG}); counted after each frame's events were applied. */
    public long frames() { return get(FRAMES); }
    /** Text frames that were a JSON array of events. */
    public long arrayFrames() { return get(ARRAY_FRAMES); }
    /** {@code PONG} answers received. */
    public long pongs() { return get(PONGS); }
    /** Times a book became crossed (best bid &ge; best ask) after a change. */
    public long crossedBooks() { return get(CROSSED_BOOKS); }
    /** Events or {@code price_change} entries for an asset that is not subscribed: ignored. */
    public long unsubscribedAssets() { return get(UNSUBSCRIBED_ASSET); }
    /** {@code price_change} entries dropped because their asset's book awaited a snapshot. */
    public long changesWhileUnsynced() { return get(CHANGES_WHILE_UNSYNCED); }
    /**
     * Book changes after which the local best bid/ask differed from the {@code best_bid}/{@code best_ask} that
     * Polymarket sent in the same {@code price_change} entry.
     */
    public long bestMismatches() { return get(BEST_MISMATCHES); }
    /** {@code book} snapshots older ({@code timestamp}) than the synced book they would replace: ignored. */
    public long staleSnapshots() { return get(STALE_SNAPSHOTS); }
    /** Events dropped because a price, size or timestamp was not a valid decimal (the first is logged). */
    public long invalidValues() { return get(INVALID_VALUES); }
    /** Exceptions thrown by the listener (the first is logged). */
    public long listenerErrors() { return get(LISTENER_ERRORS); }
    /** Connections lost (closed, failed or dropped by the watchdog) after which the client reconnected. */
    public long reconnects() { return get(RECONNECTS); }
    /** WebSocket connections opened. */
    public long connects() { return get(CONNECTS); }
    /** Connections dropped by the silence watchdog. */
    public long silenceDrops() { return get(SILENCE_DROPS); }
    /** {@code PING} texts sent. */
    public long pingsSent() { return get(PINGS_SENT); }

    @Override
    public String toString() {
        return "PolymarketStats{frames=" + frames() + ", books=" + books() + ", priceChanges=" + priceChanges()
                + ", trades=" + trades() + ", tickSizeChanges=" + tickSizeChanges() + ", bestBidAsks=" + bestBidAsks()
                + ", unknownTypes=" + unknownTypes() + ", malformed=" + malformed() + ", crossedBooks="
                + crossedBooks() + ", unsubscribedAssets=" + unsubscribedAssets() + ", changesWhileUnsynced="
                + changesWhileUnsynced() + ", bestMismatches=" + bestMismatches() + ", staleSnapshots="
                + staleSnapshots() + ", invalidValues=" + invalidValues() + ", listenerErrors=" + listenerErrors()
                + ", reconnects=" + reconnects() + ", silenceDrops=" + silenceDrops() + ", pongs=" + pongs() + "}";
    }
}
