package eu.bborelay.polymarket;

/**
 * Receives the market channel of a {@link PolymarketClient}: book changes, trades, tick-size changes and the
 * stale/fresh state of each subscribed asset. Every method defaults to doing nothing.
 *
 * <p><b>Threading.</b> Every method is called on the client's read thread (named {@code polymarket-ws-<n>}, one
 * connection at a time, so calls never overlap). <b>Must not block</b>: the next frame waits until the call returns.
 * An exception thrown here costs that one call: it is counted ({@link PolymarketStats#listenerErrors()}), the first
 * one is logged, and processing goes on.
 *
 * <p><b>Stale/fresh.</b> An asset starts stale (no snapshot yet). For one asset {@link #onFresh} and
 * {@link #onStale} strictly alternate, starting with {@code onFresh} when its first {@code book} snapshot arrives
 * with an uncrossed book.
 */
public interface MarketListener {
    /**
     * The book of {@code assetId} changed: after a {@code book} snapshot, or after all entries of one
     * {@code price_change} message that concern this asset were applied (one call per asset per message: one row per
     * book change for a recorder). Not called for a {@code price_change} of an unsynced book (it is dropped and
     * counted, {@link PolymarketStats#changesWhileUnsynced()}).
     *
     * @param assetId the asset (token id); the same String instance as passed to subscribe
     * @param book the <b>live</b> book, valid during this call only; {@link BookSnapshot#copyOf} to keep it.
     *             {@link BookView#crossed()} may be true: crossed moments are reported, not hidden.
     */
    default void onBook(String assetId, BookView book) {
    }

    /**
     * A {@code last_trade_price} message.
     *
     * @param trade <b>reused</b> for the next trade; valid during this call only, {@link Trade#copy()} to keep it
     */
    default void onTrade(Trade trade) {
    }

    /**
     * A {@code tick_size_change} message; the book's {@link BookView#tickSize()} is already the new one.
     *
     * @param oldTickSize {@code old_tick_size}, millionths
     * @param newTickSize {@code new_tick_size}, millionths
     * @param exchangeTimestampMillis {@code timestamp}, ms since the epoch (0 when absent)
     */
    default void onTickSizeChange(String assetId, long oldTickSize, long newTickSize, long exchangeTimestampMillis) {
    }

    /**
     * A {@code best_bid_ask} message (sent with {@code custom_feature_enabled}); prices in millionths,
     * {@link BookView#NO_PRICE} when absent. Polymarket's own view of the top of book; the local book is not
     * changed by it.
     */
    default void onBestBidAsk(String assetId, long bestBid, long bestAsk, long spread, long exchangeTimestampMillis) {
    }

    /**
     * A {@code new_market} or {@code market_resolved} message (sent with {@code custom_feature_enabled}), passed on
     * as its JSON text (rare events; this allocates).
     *
     * @param eventType {@code new_market} or {@code market_resolved}
     * @param json the message object's exact text
     */
    default void onMarketEvent(String eventType, String json) {
    }

    /**
     * The book of {@code assetId} must not be quoted on any more.
     *
     * @param reason {@link StaleReason#DISCONNECTED} when the connection dropped, {@link StaleReason#UNSYNCED} when
     *               a reconnected or newly subscribed asset awaits its snapshot, {@link StaleReason#CROSSED} when the
     *               best bid reached the best ask
     */
    default void onStale(String assetId, StaleReason reason) {
    }

    /** The book of {@code assetId} is synced and uncrossed again (see the class comment for the order of calls). */
    default void onFresh(String assetId) {
    }
}
