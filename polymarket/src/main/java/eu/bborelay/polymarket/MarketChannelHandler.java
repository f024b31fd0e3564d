package eu.bborelay.polymarket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the text frames of the market channel (jackson-core streaming, no data binding) and applies them to the
 * books of the subscribed assets, calling the {@link MarketListener}. Network-free: the client feeds it, the JMH
 * benchmark and tests may too.
 *
 * <p>A frame is one event object or a JSON array of them. Each object is decoded into reusable scratch fields
 * (Polymarket's field order varies: {@code event_type} may come last), then applied. Per level nothing is allocated:
 * asset ids are looked up by their characters, decimals parsed from the parser's character buffer, hashes copied
 * into the book's own buffer. Per frame jackson allocates its parser.
 *
 * <p>Not thread-safe: one thread (the client's read thread, one connection at a time) calls {@link #onText} and the
 * connection methods.
 */
final class MarketChannelHandler {
    private static final Logger log = LoggerFactory.getLogger(MarketChannelHandler.class);
    private static final int T_NONE = -1;
    private static final int T_UNKNOWN = -2;
    private static final String BOOK = "book";
    private static final String PRICE_CHANGE = "price_change";

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

    // ---- scratch of the event being decoded
    private int type;
    private String unknownTypeName;
    private boolean assetPresent;
    private AssetTable.Asset asset;
    private String market;
    private long timestamp;
    private final char[] hash = new char[128];
    private int hashLength;
    private boolean invalid;
    private String invalidField;
    private long[] bidPrices = new long[64];
    private long[] bidSizes = new long[64];
    private int bidCount;
    private long[] askPrices = new long[64];
    private long[] askSizes = new long[64];
    private int askCount;
    private long tickSize;
    // price_changes entries
    private int changeCount;
    private AssetTable.Asset[] changeAsset = new AssetTable.Asset[8];
    private long[] changePrice = new long[8];
    private long[] changeSize = new long[8];
    private boolean[] changeBid = new boolean[8];
    private long[] changeBestBid = new long[8];
    private long[] changeBestAsk = new long[8];
    private char[][] changeHash = new char[8][64];
    private int[] changeHashLength = new int[8];
    private boolean[] changeUnknownAsset = new boolean[8];
    // single-value fields (last_trade_price, tick_size_change, best_bid_ask)
    private long price;
    private long size;
    private Side side;
    private long feeRateBps;
    private String transactionHash;
    private long oldTickSize;
    private long newTickSize;
    private long bestBid;
    private long bestAsk;
    private long spread;
    private long objectStart;
    private final AssetTable.Asset[] touched = new AssetTable.Asset[16];
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
                while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                    decodeAndApply(p, text, receiveEpochNanos);
                }
                if (t != JsonToken.END_ARRAY) {
                    throw new IOException("expected an event object in the array, got " + t);
                }
            } else if (t == JsonToken.START_OBJECT) {
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
        reset();
        objectStart = p.currentTokenLocation().getCharOffset();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            switch (name) {
                case "event_type" -> type = eventType(p);
                case "asset_id" -> {
                    assetPresent = true;
                    asset = t == JsonToken.VALUE_STRING
                            ? assets.find(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()) : null;
                }
                case "market" -> market = t == JsonToken.VALUE_STRING ? internMarket(p) : null;
                case "timestamp" -> timestamp = decimalInteger(p, "timestamp");
                case "hash" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        hashLength = Math.min(p.getTextLength(), hash.length);
                        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), hash, 0, hashLength);
                    }
                }
                case "bids" -> levels(p, true);
                case "asks" -> levels(p, false);
                case "price_changes" -> changes(p);
                case "tick_size" -> tickSize = decimal(p, "tick_size");
                case "price" -> price = decimal(p, "price");
                case "size" -> size = decimal(p, "size");
                case "side" -> side = side(p);
                case "fee_rate_bps" -> feeRateBps = decimalInteger(p, "fee_rate_bps");
                case "transaction_hash" -> transactionHash = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "old_tick_size" -> oldTickSize = decimal(p, "old_tick_size");
                case "new_tick_size" -> newTickSize = decimal(p, "new_tick_size");
                case "best_bid" -> bestBid = decimal(p, "best_bid");
                case "best_ask" -> bestAsk = decimal(p, "best_ask");
                case "spread" -> spread = decimal(p, "spread");
                default -> p.skipChildren(); // last_trade_price, min_order_size, neg_risk, ...: not used
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("unexpected " + t + " in an event object");
        }
        long objectEnd = type == PolymarketStats.NEW_MARKET || type == PolymarketStats.MARKET_RESOLVED
                ? p.currentTokenLocation().getCharOffset() + 1 : -1;
        switch (type) {
            case PolymarketStats.BOOK -> onBookSnapshot(receiveEpochNanos);
            case PolymarketStats.PRICE_CHANGE -> onPriceChange(receiveEpochNanos);
            case PolymarketStats.LAST_TRADE_PRICE -> onTrade(receiveEpochNanos);
            case PolymarketStats.TICK_SIZE_CHANGE -> onTickSizeChange();
            case PolymarketStats.BEST_BID_ASK -> onBestBidAsk();
            case PolymarketStats.NEW_MARKET, PolymarketStats.MARKET_RESOLVED -> onMarketEvent(text, objectEnd);
            default -> onUnknownType();
        }
    }

    private void reset() {
        type = T_NONE;
        unknownTypeName = null;
        assetPresent = false;
        asset = null;
        market = null;
        timestamp = 0;
        hashLength = -1;
        invalid = false;
        invalidField = null;
        bidCount = 0;
        askCount = 0;
        tickSize = 0;
        changeCount = 0;
        price = Decimals.INVALID;
        size = Decimals.INVALID;
        side = null;
        feeRateBps = -1;
        transactionHash = null;
        oldTickSize = 0;
        newTickSize = 0;
        bestBid = BookView.NO_PRICE;
        bestAsk = BookView.NO_PRICE;
        spread = BookView.NO_PRICE;
    }

    private int eventType(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return T_UNKNOWN;
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        if (is(BOOK, c, o, n)) {
            return PolymarketStats.BOOK;
        } else if (is(PRICE_CHANGE, c, o, n)) {
            return PolymarketStats.PRICE_CHANGE;
        } else if (is("last_trade_price", c, o, n)) {
            return PolymarketStats.LAST_TRADE_PRICE;
        } else if (is("tick_size_change", c, o, n)) {
            return PolymarketStats.TICK_SIZE_CHANGE;
        } else if (is("best_bid_ask", c, o, n)) {
            return PolymarketStats.BEST_BID_ASK;
        } else if (is("new_market", c, o, n)) {
            return PolymarketStats.NEW_MARKET;
        } else if (is("market_resolved", c, o, n)) {
            return PolymarketStats.MARKET_RESOLVED;
        }
        unknownTypeName = new String(c, o, Math.min(n, 64));
        return T_UNKNOWN;
    }

    private static boolean is(String s, char[] c, int o, int n) {
        if (s.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) != c[o + i]) {
                return false;
            }
        }
        return true;
    }

    /** The market id as a String, reusing the previous one when the characters are equal (they usually are). */
    private String lastMarket;

    private String internMarket(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        String m = lastMarket;
        if (m != null && is(m, c, o, n)) {
            return m;
        }
        m = new String(c, o, n);
        lastMarket = m;
        return m;
    }

    private long decimal(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Decimals.INVALID;
        }
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            p.skipChildren();
            markInvalid(field);
            return Decimals.INVALID;
        }
        long v = Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (v == Decimals.INVALID) {
            markInvalid(field);
        }
        return v;
    }

    /** A non-negative integer such as a ms timestamp, as a plain long. */
    private long decimalInteger(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            if (t != JsonToken.VALUE_NULL) {
                markInvalid(field);
            }
            return 0;
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        long v = 0;
        for (int i = 0; i < n; i++) {
            char ch = c[o + i];
            if (ch < '0' || ch > '9' || v > (Long.MAX_VALUE - 9) / 10) {
                markInvalid(field);
                return 0;
            }
            v = v * 10 + (ch - '0');
        }
        if (n == 0) {
            markInvalid(field);
        }
        return v;
    }

    private Side side(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            p.skipChildren();
            markInvalid("side");
            return null;
        }
        char[] c = p.getTextCharacters();
        int o = p.getTextOffset();
        int n = p.getTextLength();
        if (is("BUY", c, o, n)) {
            return Side.BUY;
        } else if (is("SELL", c, o, n)) {
            return Side.SELL;
        }
        markInvalid("side");
        return null;
    }

    private void markInvalid(String field) {
        if (!invalid) {
            invalid = true;
            invalidField = field;
        }
    }

    private void levels(JsonParser p, boolean bids) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            markInvalid(bids ? "bids" : "asks");
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            long px = Decimals.INVALID;
            long sz = Decimals.INVALID;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "price" -> px = decimal(p, "price");
                    case "size" -> sz = decimal(p, "size");
                    default -> p.skipChildren();
                }
            }
            if (px == Decimals.INVALID || sz == Decimals.INVALID) {
                markInvalid(bids ? "bids" : "asks");
                continue;
            }
            if (bids) {
                if (bidCount == bidPrices.length) {
                    bidPrices = Arrays.copyOf(bidPrices, bidCount * 2);
                    bidSizes = Arrays.copyOf(bidSizes, bidCount * 2);
                }
                bidPrices[bidCount] = px;
                bidSizes[bidCount++] = sz;
            } else {
                if (askCount == askPrices.length) {
                    askPrices = Arrays.copyOf(askPrices, askCount * 2);
                    askSizes = Arrays.copyOf(askSizes, askCount * 2);
                }
                askPrices[askCount] = px;
                askSizes[askCount++] = sz;
            }
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IOException("unexpected " + t + " in " + (bids ? "bids" : "asks"));
        }
    }

    private void changes(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            markInvalid("price_changes");
            return;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            if (changeCount == changePrice.length) {
                growChanges();
            }
            int i = changeCount;
            changeAsset[i] = null;
            changeUnknownAsset[i] = true;
            changePrice[i] = Decimals.INVALID;
            changeSize[i] = Decimals.INVALID;
            changeBestBid[i] = BookView.NO_PRICE;
            changeBestAsk[i] = BookView.NO_PRICE;
            changeHashLength[i] = -1;
            Side s = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "asset_id" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            changeAsset[i] = assets.find(p.getTextCharacters(), p.getTextOffset(),
                                    p.getTextLength());
                            changeUnknownAsset[i] = changeAsset[i] == null;
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "price" -> changePrice[i] = decimal(p, "price");
                    case "size" -> changeSize[i] = decimal(p, "size");
                    case "side" -> s = side(p);
                    case "best_bid" -> changeBestBid[i] = decimal(p, "best_bid");
                    case "best_ask" -> changeBestAsk[i] = decimal(p, "best_ask");
                    case "hash" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            int n = Math.min(p.getTextLength(), 128);
                            if (changeHash[i].length < n) {
                                changeHash[i] = new char[128];
                            }
                            System.arraycopy(p.getTextCharacters(), p.getTextOffset(), changeHash[i], 0, n);
                            changeHashLength[i] = n;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (s == null || changePrice[i] == Decimals.INVALID || changeSize[i] == Decimals.INVALID) {
                markInvalid("price_changes");
            }
            changeBid[i] = s == Side.BUY;
            changeCount++;
        }
        if (t != JsonToken.END_ARRAY) {
            throw new IOException("unexpected " + t + " in price_changes");
        }
    }

    private void growChanges() {
        int n = changePrice.length * 2;
        changeAsset = Arrays.copyOf(changeAsset, n);
        changePrice = Arrays.copyOf(changePrice, n);
        changeSize = Arrays.copyOf(changeSize, n);
        changeBid = Arrays.copyOf(changeBid, n);
        changeBestBid = Arrays.copyOf(changeBestBid, n);
        changeBestAsk = Arrays.copyOf(changeBestAsk, n);
        changeHashLength = Arrays.copyOf(changeHashLength, n);
        changeUnknownAsset = Arrays.copyOf(changeUnknownAsset, n);
        char[][] h = Arrays.copyOf(changeHash, n);
        for (int i = changeHash.length; i < n; i++) {
            h[i] = new char[64];
        }
        changeHash = h;
    }

    // ------------------------------------------------------------------------------------------- apply

    private boolean rejectInvalid(String what) {
        if (!invalid) {
            return false;
        }
        stats.increment(PolymarketStats.INVALID_VALUES);
        if (!invalidLogged) {
            invalidLogged = true;
            log.warn("Polymarket {} message with an invalid '{}' value (not a plain decimal with at most 6 places)"
                    + " dropped; counted, logged once", what, invalidField);
        }
        return true;
    }

    private boolean knownAsset() {
        if (asset != null) {
            return true;
        }
        if (assetPresent) {
            stats.increment(PolymarketStats.UNSUBSCRIBED_ASSET);
        } else {
            markInvalid("asset_id");
            rejectInvalid("event without asset_id:");
        }
        return false;
    }

    private void onBookSnapshot(long receiveEpochNanos) {
        stats.increment(PolymarketStats.BOOK);
        if (!knownAsset() || rejectInvalid(BOOK)) {
            return;
        }
        OrderBook b = asset.book;
        if (b.synced() && timestamp != 0 && timestamp < b.exchangeTimestampMillis()) {
            stats.increment(PolymarketStats.STALE_SNAPSHOTS);
            return;
        }
        b.beginChange();
        b.clearLevels();
        for (int i = 0; i < bidCount; i++) {
            b.set(true, bidPrices[i], bidSizes[i]);
        }
        for (int i = 0; i < askCount; i++) {
            b.set(false, askPrices[i], askSizes[i]);
        }
        b.tag(BOOK, market, timestamp, receiveEpochNanos);
        b.hash(hash, 0, hashLength);
        b.tickSize(tickSize);
        b.synced(connected);
        b.endChange();
        published(asset);
    }

    private void onPriceChange(long receiveEpochNanos) {
        stats.increment(PolymarketStats.PRICE_CHANGE);
        if (rejectInvalid(PRICE_CHANGE)) {
            return;
        }
        int nTouched = 0;
        for (int i = 0; i < changeCount; i++) {
            AssetTable.Asset a = changeAsset[i];
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
                    finishChanges(nTouched, receiveEpochNanos); // more than 16 assets in one message: flush
                    nTouched = 0;
                    k = 0;
                }
                touched[nTouched++] = a;
                b.beginChange();
            }
            b.set(changeBid[i], changePrice[i], changeSize[i]);
        }
        finishChanges(nTouched, receiveEpochNanos);
    }

    private void finishChanges(int nTouched, long receiveEpochNanos) {
        for (int k = 0; k < nTouched; k++) {
            AssetTable.Asset a = touched[k];
            touched[k] = null;
            OrderBook b = a.book;
            int last = -1;
            for (int i = changeCount - 1; i >= 0; i--) {
                if (changeAsset[i] == a) {
                    last = i;
                    break;
                }
            }
            b.tag(PRICE_CHANGE, market, timestamp, receiveEpochNanos);
            b.hash(changeHash[last], 0, changeHashLength[last]);
            b.endChange();
            if ((changeBestBid[last] != BookView.NO_PRICE && changeBestBid[last] != b.bestBid())
                    || (changeBestAsk[last] != BookView.NO_PRICE && changeBestAsk[last] != b.bestAsk())) {
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
        if (price == Decimals.INVALID || size == Decimals.INVALID) {
            markInvalid(price == Decimals.INVALID ? "price" : "size");
        }
        if (rejectInvalid("last_trade_price")) {
            return;
        }
        Trade t = trade;
        t.assetId = asset.id;
        t.market = market;
        t.price = price;
        t.size = size;
        t.side = side;
        t.feeRateBps = feeRateBps;
        t.exchangeTimestampMillis = timestamp;
        t.transactionHash = transactionHash;
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
        OrderBook b = asset.book;
        b.beginChange();
        b.tickSize(newTickSize);
        b.endChange();
        try {
            listener.onTickSizeChange(asset.id, oldTickSize, newTickSize, timestamp);
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
            listener.onBestBidAsk(asset.id, bestBid, bestAsk, spread, timestamp);
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void onMarketEvent(String text, long objectEnd) {
        stats.increment(type);
        String eventType = type == PolymarketStats.NEW_MARKET ? "new_market" : "market_resolved";
        String body = objectStart >= 0 && objectEnd > objectStart && objectEnd <= text.length()
                ? text.substring((int) objectStart, (int) objectEnd) : text;
        try {
            listener.onMarketEvent(eventType, body);
        } catch (RuntimeException e) {
            listenerError(e);
        }
    }

    private void onUnknownType() {
        stats.increment(PolymarketStats.UNKNOWN_TYPE);
        String name = unknownTypeName == null ? "(no event_type)" : unknownTypeName;
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
