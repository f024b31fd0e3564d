package eu.bborelay.polymarket;

/**
 * Read access to the local L2 book of one Polymarket asset (an outcome token), as rebuilt from the market channel's
 * {@code book} snapshots and {@code price_change} updates.
 *
 * <p><b>Units.</b> Prices and sizes are exact decimals in millionths ({@link Decimals}): price {@code 0.301} is
 * {@code 301_000}, size {@code 45.83} shares is {@code 45_830_000}. Index 0 is the best level: bids from the highest
 * price down, asks from the lowest price up (whatever order Polymarket sent them in; it sends bids ascending and asks
 * descending).
 *
 * <p><b>Which instance.</b> The view passed to {@link MarketListener#onBook} is the live book: valid only during that
 * call, on the client's read thread. {@link PolymarketClient#latest(String)} returns an immutable
 * {@link BookSnapshot} that any thread may keep.
 */
public interface BookView {
    /** Returned by {@link #bestBid()} / {@link #bestAsk()} for an empty side. */
    long NO_PRICE = -1;

    /** Polymarket's {@code asset_id} (token id, a decimal string of up to 78 digits). Never null. */
    String assetId();

    /** Polymarket's {@code market} (condition id, {@code 0x...}) of the last message applied; null before any. */
    String market();

    /** Number of bid levels. */
    int bidCount();

    /** Price of bid level {@code i} (0 = best), millionths. @throws IndexOutOfBoundsException outside the book */
    long bidPrice(int i);

    /** Size (shares) of bid level {@code i}, millionths. @throws IndexOutOfBoundsException outside the book */
    long bidSize(int i);

    /** Number of ask levels. */
    int askCount();

    /** Price of ask level {@code i} (0 = best), millionths. @throws IndexOutOfBoundsException outside the book */
    long askPrice(int i);

    /** Size (shares) of ask level {@code i}, millionths. @throws IndexOutOfBoundsException outside the book */
    long askSize(int i);

    /** Best bid price in millionths, or {@link #NO_PRICE}. */
    default long bestBid() {
        return bidCount() == 0 ? NO_PRICE : bidPrice(0);
    }

    /** Best ask price in millionths, or {@link #NO_PRICE}. */
    default long bestAsk() {
        return askCount() == 0 ? NO_PRICE : askPrice(0);
    }

    /**
     * True when the book was built from a {@code book} snapshot received on the current connection. False after
     * subscribing and after every reconnect until the next snapshot (there are no sequence numbers to resume by).
     * An unsynced book keeps its last levels for inspection; they must not be quoted on.
     */
    boolean synced();

    /** True when both sides are non-empty and the best bid is at or above the best ask. Reported, not repaired. */
    boolean crossed();

    /** Polymarket's {@code timestamp} of the last message applied, ms since the Unix epoch; 0 before any. */
    long exchangeTimestampMillis();

    /** Local wall-clock time the frame of the last change was received, ns since the Unix epoch; 0 before any. */
    long receiveEpochNanos();

    /** {@code "book"} or {@code "price_change"}: the event type of the last change applied; null before any. */
    String eventType();

    /**
     * Polymarket's {@code hash} of the last change (of the {@code book} message, or of the last {@code price_change}
     * entry of this asset), an opaque version tag: it is not a reliable check of a locally rebuilt book because its
     * inputs are not all in the message (see docs/POLYMARKET.md). Null when the message had none. Allocates on the
     * live view.
     */
    String hash();

    /** Tick size in millionths from the last {@code book} or {@code tick_size_change} that carried one; 0 if unknown. */
    long tickSize();

    /**
     * Changes applied to this book since the asset was subscribed: one per {@code book} snapshot and one per
     * {@code price_change} message that changed it, i.e. one per {@link MarketListener#onBook} call; a version number
     * that tells two copies apart.
     */
    long changes();
}
