package eu.bborelay.polymarket;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes one event object of the market channel into reusable scratch fields, which {@link MarketChannelHandler}
 * then applies. Polymarket's field order varies ({@code event_type} often comes last), so the whole object is read
 * first. Per level nothing is allocated: asset ids are looked up by their characters ({@link AssetTable}), decimals
 * parsed from the parser's character buffer ({@link Decimals}), hashes copied into char arrays. Unknown fields are
 * skipped. Not thread-safe: the handler's thread only.
 */
final class EventDecoder {
    static final int T_NONE = -1;
    static final int T_UNKNOWN = -2;
    static final String BOOK = "book";
    static final String PRICE_CHANGE = "price_change";

    /** The subscribed assets of the event being decoded. */
    private AssetTable assets = AssetTable.EMPTY;

    // ---- the event being decoded: read by the handler after decode()
    int type;
    String unknownTypeName;
    boolean assetPresent;
    AssetTable.Asset asset;
    String market;
    long timestamp;
    final char[] hash = new char[128];
    int hashLength;
    boolean invalid;
    String invalidField;
    long[] bidPrices = new long[64];
    long[] bidSizes = new long[64];
    int bidCount;
    long[] askPrices = new long[64];
    long[] askSizes = new long[64];
    int askCount;
    long tickSize;
    // price_changes entries
    int changeCount;
    AssetTable.Asset[] changeAsset = new AssetTable.Asset[8];
    long[] changePrice = new long[8];
    long[] changeSize = new long[8];
    boolean[] changeBid = new boolean[8];
    long[] changeBestBid = new long[8];
    long[] changeBestAsk = new long[8];
    char[][] changeHash = new char[8][64];
    int[] changeHashLength = new int[8];
    // single-value fields (last_trade_price, tick_size_change, best_bid_ask)
    long price;
    long size;
    Side side;
    long feeRateBps;
    String transactionHash;
    long oldTickSize;
    long newTickSize;
    long bestBid;
    long bestAsk;
    long spread;

    /**
     * Reads the fields of one event object; the parser is just past its {@code START_OBJECT} and is left on its
     * {@code END_OBJECT}. Invalid values mark the event {@link #invalid} (the first field is named).
     *
     * @throws IOException when the JSON is malformed or not shaped as a market-channel event
     */
    void decode(JsonParser p, AssetTable assets) throws IOException {
        this.assets = assets;
        reset();
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

    void markInvalid(String field) {
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
        char[][] h = Arrays.copyOf(changeHash, n);
        for (int i = changeHash.length; i < n; i++) {
            h[i] = new char[64];
        }
        changeHash = h;
    }

}
