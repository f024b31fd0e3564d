package eu.bborelay.polymarket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the text frames of the market channel (jackson-core streaming, no data binding) and applies them to the
 * books of the subscribed assets, calling the {@link MarketListener}. Network-free: the client feeds it, the JMH
 * benchmark and tests may too.
 *
 * <p>A frame is one event object or a JSON array of them. Each object is decoded by the {@link EventDecoder} into
 * reusable fields, then applied here: book changes, stale/fresh state, listener calls, counters. Per level nothing is
 * allocated; per frame jackson allocates its parser (about 670 bytes, see docs/POLYMARKET.md).
 *
 * <p>Not thread-safe: one thread (the client's read thread, one connection at a time) calls {@link #onText} and the
 * connection methods.
 */
final class MarketChannelHandler {
    private static final Logger log = LoggerFactory.getLogger(MarketChannelHandler.class);
    private static final String BOOK = EventDecoder.BOOK;
    private static final String PRICE_CHANGE = EventDecoder.PRICE_CHANGE;

    private final JsonFactory json = new JsonFactory();
    private final MarketListener listener;
    private final PolymarketStats stats;
    private volatile AssetTable assets = AssetTable.EMPTY;
    private boolean connected;

    // once-only logging
    private boolean malformedLogged;
    private boolean invalidLogged;
    private boolean listenerErrorLogged;
    private final Set<String> unknownTypesLogged = new HashSet<>();

    /** Index of the event object being decoded in its frame (0 unless the frame is an array). */
    private int objectIndex;
    private final EventDecoder d = new EventDecoder();
    private final AssetTable.Asset[] touched = new AssetTable.Asset[64];
    private final Trade trade = new Trade();

    MarketChannelHandler(MarketListener listener, PolymarketStats stats) {
        this.listener = listener;
        this.stats = stats;
    }

    /** Replaces the subscribed assets (any thread; the read thread sees it from its next frame). */
    void assets(AssetTable table) {
        this.assets = table;
    }

    AssetTable assets() {
        return assets;
    }

    /** The connection opened: books stay unsynced until their snapshots. */
    void connected() {
        connected = true;
    }

    /** The connection ended: every book is unsynced, fresh assets get {@code onStale(DISCONNECTED)}. */
    void disconnected() {
        connected = false;
        for (AssetTable.Asset a : assets.all()) {
            OrderBook b = a.book;
            b.beginChange();
            b.synced(false);
            b.endChange();
            refreshState(a);
        }
    }

    /**
     * One text frame.
     *
     * @param text the frame's text
     * @param receiveEpochNanos when it was received, wall clock, ns since the epoch
     */
    void onText(String text, long receiveEpochNanos) {
        if (text.length() == 4 && text.equals("PONG")) {
            stats.increment(PolymarketStats.PONGS);
            return;
        }
        try (JsonParser p = json.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                stats.increment(PolymarketStats.ARRAY_FRAMES);
                int index = 0;
                while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                    objectIndex = index++;
                    decodeAndApply(p, text, receiveEpochNanos);
                }
                if (t != JsonToken.END_ARRAY) {
                    throw new IOException("expected an event object in the array, got " + t);
                }
            } else if (t == JsonToken.START_OBJECT) {
                objectIndex = -1;
                decodeAndApply(p, text, receiveEpochNanos);
            } else {
                throw new IOException("expected a JSON object or array, got " + t);
            }
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
        } catch (IOException | RuntimeException e) {
            stats.increment(PolymarketStats.MALFORMED);
            if (!malformedLogged) {
                malformedLogged = true;
                log.warn("Polymarket sent a frame that is not a valid market-channel JSON message (counted as"
                        + " malformed; this is logged once, later frames are processed as usual): {}; frame: {}",
                        e.getMessage(), abbreviate(text));
            }
        } finally {
            stats.increment(PolymarketStats.FRAMES); // after processing: a reader that sees it sees the effects
        }
    }

    private void decodeAndApply(JsonParser p, String text, long receiveEpochNanos) throws IOException {
        d.decode(p, assets);
        switch (d.type) {
            case PolymarketStats.BOOK -> onBookSnapshot(receiveEpochNanos);
            case PolymarketStats.PRICE_CHANGE -> onPriceChange(receiveEpochNanos);
            case PolymarketStats.LAST_TRADE_PRICE -> onTrade(receiveEpochNanos);
            case PolymarketStats.TICK_SIZE_CHANGE -> onTickSizeChange();
            case PolymarketStats.BEST_BID_ASK -> onBestBidAsk();
            case PolymarketStats.NEW_MARKET, PolymarketStats.MARKET_RESOLVED -> onMarketEvent(text);
            default -> onUnknownType();
        }
    }

    // ------------------------------------------------------------------------------------------- apply

    private boolean rejectInvalid(String what) {
        if (!d.invalid) {
            return false;
        }
        stats.increment(PolymarketStats.INVALID_VALUES);
        if (!invalidLogged) {
            invalidLogged = true;
            log.warn("Polymarket {} message with an invalid '{}' value (not a plain decimal with at most 6 places)"
                    + " dropped; counted, logged once", what, d.invalidField);
        }
        return true;
    }

    private boolean knownAsset() {
        if (d.asset != null) {
            return true;
        }
        if (d.assetPresent) {
            stats.increment(PolymarketStats.UNSUBSCRIBED_ASSET);
        } else {
            d.markInvalid("asset_id");
            rejectInvalid("event without asset_id:");
        }
        return false;
    }

    private void onBookSnapshot(long receiveEpochNanos) {
        stats.increment(PolymarketStats.BOOK);
        if (!knownAsset() || rejectInvalid(BOOK)) {
            return;
        }
        OrderBook b = d.asset.book;
        if (b.synced() && d.timestamp != 0 && d.timestamp < b.exchangeTimestampMillis()) {
            stats.increment(PolymarketStats.STALE_SNAPSHOTS);
            return;
        }
        b.beginChange();
        try {
            b.clearLevels();
            for (int i = 0; i < d.bidCount; i++) {
                b.set(true, d.bidPrices[i], d.bidSizes[i]);
            }
            for (int i = 0; i < d.askCount; i++) {
                b.set(false, d.askPrices[i], d.askSizes[i]);
            }
            b.tag(BOOK, d.market, d.timestamp, receiveEpochNanos);
            b.hash(d.hash, 0, d.hashLength);
            b.tickSize(d.tickSize);
            b.synced(connected);
        } finally {
            b.endChange(); // always: a reader of latest() must never wait for a change that will not end
        }
        published(d.asset);
    }

    private void onPriceChange(long receiveEpochNanos) {
        stats.increment(PolymarketStats.PRICE_CHANGE);
        if (rejectInvalid(PRICE_CHANGE)) {
            return;
        }
        int nTouched = 0;
        try {
            for (int i = 0; i < d.changeCount; i++) {
                AssetTable.Asset a = d.changeAsset[i];
                if (a == null) {
                    stats.increment(PolymarketStats.UNSUBSCRIBED_ASSET);
                    continue;
                }
                OrderBook b = a.book;
                if (!b.synced()) {
                    stats.increment(PolymarketStats.CHANGES_WHILE_UNSYNCED);
                    continue;
                }
                int k = 0;
                while (k < nTouched && touched[k] != a) {
                    k++;
                }
                if (k == nTouched) {
                    if (nTouched == touched.length) {
                        finishChanges(nTouched, receiveEpochNanos); // more than 64 assets in one message: flush
                        nTouched = 0;
                    }
                    touched[nTouched++] = a;
                    b.beginChange();
                }
                b.set(d.changeBid[i], d.changePrice[i], d.changeSize[i]);
            }
        } finally {
            finishChanges(nTouched, receiveEpochNanos); // ends every change begun, whatever happened
        }
    }

    private void finishChanges(int nTouched, long receiveEpochNanos) {
        for (int k = 0; k < nTouched; k++) {
            AssetTable.Asset a = touched[k];
            touched[k] = null;
            OrderBook b = a.book;
            int last = -1;
            for (int i = d.changeCount - 1; i >= 0; i--) {
                if (d.changeAsset[i] == a) {
                    last = i;
                    break;
                }
            }
            b.tag(PRICE_CHANGE, d.market, d.timestamp, receiveEpochNanos);
            b.hash(d.changeHash[last], 0, d.changeHashLength[last]);
            b.endChange();
            if ((d.changeBestBid[last] != BookView.NO_PRICE && d.changeBestBid[last] != b.bestBid())
                    || (d.changeBestAsk[last] != BookView.NO_PRICE && d.changeBestAsk[last] != b.bestAsk())) {
                stats.increment(PolymarketStats.BEST_MISMATCHES);
            }
            published(a);
        }
    }

    /** After a change of {@code a}'s book: crossed accounting, stale/fresh, then onBook. */
    private void published(AssetTable.Asset a) {
        OrderBook b = a.book;
        boolean crossed = b.crossed();
        if (crossed && !a.wasCrossed) {
            stats.increment(PolymarketStats.CROSSED_BOOKS);
        }
        a.wasCrossed = crossed;
        refreshState(a);
        try {
            listener.onBook(a.id, b);
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void refreshState(AssetTable.Asset a) {
        OrderBook b = a.book;
        boolean fresh = connected && b.synced() && !b.crossed();
        if (fresh == a.fresh) {
            return;
        }
        a.fresh = fresh;
        try {
            if (fresh) {
                listener.onFresh(a.id);
            } else {
                listener.onStale(a.id, connected && b.synced() ? StaleReason.CROSSED : StaleReason.DISCONNECTED);
            }
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void onTrade(long receiveEpochNanos) {
        stats.increment(PolymarketStats.LAST_TRADE_PRICE);
        if (!knownAsset()) {
            return;
        }
        if (d.price == Decimals.INVALID || d.size == Decimals.INVALID) {
            d.markInvalid(d.price == Decimals.INVALID ? "price" : "size");
        }
        if (rejectInvalid("last_trade_price")) {
            return;
        }
        Trade t = trade;
        t.assetId = d.asset.id;
        t.market = d.market;
        t.price = d.price;
        t.size = d.size;
        t.side = d.side;
        t.feeRateBps = d.feeRateBps;
        t.exchangeTimestampMillis = d.timestamp;
        t.transactionHash = d.transactionHash;
        t.receiveEpochNanos = receiveEpochNanos;
        try {
            listener.onTrade(t);
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void onTickSizeChange() {
        stats.increment(PolymarketStats.TICK_SIZE_CHANGE);
        if (!knownAsset() || rejectInvalid("tick_size_change")) {
            return;
        }
        OrderBook b = d.asset.book;
        b.beginChange();
        b.tickSize(d.newTickSize);
        b.endChange();
        try {
            listener.onTickSizeChange(d.asset.id, d.oldTickSize, d.newTickSize, d.timestamp);
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void onBestBidAsk() {
        stats.increment(PolymarketStats.BEST_BID_ASK);
        if (!knownAsset() || rejectInvalid("best_bid_ask")) {
            return;
        }
        try {
            listener.onBestBidAsk(d.asset.id, d.bestBid, d.bestAsk, d.spread, d.timestamp);
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void onMarketEvent(String text) {
        stats.increment(d.type);
        String eventType = d.type == PolymarketStats.NEW_MARKET ? "new_market" : "market_resolved";
        try {
            listener.onMarketEvent(eventType, objectIndex < 0 ? text : objectText(text, objectIndex));
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    /** The exact text of the index-th object of an array frame (re-parsed: rare events only). */
    private String objectText(String text, int index) {
        try (JsonParser p = json.createParser(text)) {
            p.nextToken();
            for (int i = 0; p.nextToken() == JsonToken.START_OBJECT; i++) {
                long start = p.currentTokenLocation().getCharOffset();
                p.skipChildren();
                if (i == index) {
                    return text.substring((int) start, (int) p.currentTokenLocation().getCharOffset() + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the whole frame
        }
        return text;
    }

    private void onUnknownType() {
        stats.increment(PolymarketStats.UNKNOWN_TYPE);
        String name = d.unknownTypeName == null ? "(no event_type)" : d.unknownTypeName;
        if (unknownTypesLogged.size() < 32 && unknownTypesLogged.add(name)) {
            log.info("Polymarket sent an event of unknown type '{}': counted and ignored (logged once per type)", name);
        }
    }

    private void listenerError(RuntimeException e) {
        stats.increment(PolymarketStats.LISTENER_ERRORS);
        if (!listenerErrorLogged) {
            listenerErrorLogged = true;
            log.error("The Polymarket listener threw (counted; logged once; processing goes on)", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
    }
}
