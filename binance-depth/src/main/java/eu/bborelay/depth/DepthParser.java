package eu.bborelay.depth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Parses Binance depth messages with Jackson's streaming parser (no data binding) into reusable {@link DepthEvent}
 * and {@link DepthSnapshot} objects, prices and quantities straight from Jackson's character buffer to scaled longs
 * ({@link Decimals}), so nothing is allocated per level.
 *
 * <p>Accepted shapes:
 * <ul>
 *   <li>a depth event on the combined stream, {@code {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate",...}}},
 *       or raw, {@code {"e":"depthUpdate","E":..,"s":..,"U":..,"u":..,["T":..,"pu":..,]"b":[[p,q],..],"a":[..]}};
 *       unknown fields ({@code ps} of COIN-M) are ignored;</li>
 *   <li>a REST snapshot body, {@code {"lastUpdateId":..,["E":..,"T":..,]"bids":[[p,q],..],"asks":[..]}}.</li>
 * </ul>
 *
 * <p>Allocation per message: Jackson's parser object; the symbol's {@code String} only when it differs from the
 * previous message's. Error texts are built only for malformed input.
 *
 * <p>Not thread-safe: one instance per connection (its read thread).
 */
public final class DepthParser {
    /** What a message was. */
    public enum Result {
        /** A {@code depthUpdate}; the event is filled. */
        DEPTH_UPDATE,
        /** Well-formed JSON that is not a depth event (another stream on the same connection, a subscription reply). */
        NOT_DEPTH,
        /**
         * A message of a partial book depth stream ({@code <symbol>@depth5}, {@code @depth10}, {@code @depth20}, with
         * or without a speed suffix), recognised by its combined-stream name: the top levels, not a diff, so it must
         * never reach a {@link DepthBook} (on futures it looks like a diff: {@code "e":"depthUpdate"} with
         * {@code U, u, pu}). The event's content is unspecified. A raw (non-combined) connection carries no stream
         * name, so it must not mix partial and diff streams.
         */
        PARTIAL_DEPTH,
        /** Meant as a depth event but unusable; {@link #error()} says why. The event may be partly written. */
        MALFORMED
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final String DEPTH_UPDATE = "depthUpdate";

    private final int priceScale;
    private final int quantityScale;
    private String error = "";
    private boolean sawOtherEventType;
    private boolean partialStream;

    /** A parser at {@link Decimals#DEFAULT_SCALE} for prices and quantities. */
    public DepthParser() {
        this(Decimals.DEFAULT_SCALE, Decimals.DEFAULT_SCALE);
    }

    /**
     * @param priceScale fraction digits kept for prices (a non-zero digit beyond is malformed)
     * @param quantityScale fraction digits kept for quantities
     * @throws IllegalArgumentException if a scale is outside 0..18
     */
    public DepthParser(int priceScale, int quantityScale) {
        this.priceScale = Decimals.checkScale(priceScale);
        this.quantityScale = Decimals.checkScale(quantityScale);
    }

    public int priceScale() {
        return priceScale;
    }

    public int quantityScale() {
        return quantityScale;
    }

    /** Why the last message was {@link Result#MALFORMED} (or a snapshot was refused); empty otherwise. */
    public String error() {
        return error;
    }

    /**
     * Parses one WebSocket text message.
     *
     * @param json the message text exactly as received
     * @param into filled for {@link Result#DEPTH_UPDATE}
     */
    public Result parseEvent(String json, DepthEvent into) {
        error = "";
        sawOtherEventType = false;
        partialStream = false;
        into.reset();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return malformed("not a JSON object");
            }
            int fields = readEventFields(p, into, true);
            if (partialStream) {
                return Result.PARTIAL_DEPTH;
            }
            if (fields < 0) {
                return Result.MALFORMED;
            }
            if (sawOtherEventType) {
                return Result.NOT_DEPTH;
            }
            boolean depth = (fields & F_EVENT_DEPTH) != 0
                    || (fields & (F_U_FIRST | F_U_FINAL | F_BIDS | F_ASKS)) == (F_U_FIRST | F_U_FINAL | F_BIDS | F_ASKS);
            if (!depth) {
                return Result.NOT_DEPTH;
            }
            if ((fields & F_REQUIRED) != F_REQUIRED) {
                return malformed("depthUpdate without " + missing(fields));
            }
            if (into.firstUpdateId > into.finalUpdateId) {
                return malformed("depthUpdate with U " + into.firstUpdateId + " > u " + into.finalUpdateId);
            }
            return Result.DEPTH_UPDATE;
        } catch (IOException | RuntimeException e) {
            return malformed("not valid JSON: " + e.getMessage());
        }
    }

    /**
     * Parses a REST depth snapshot body.
     *
     * @return true when {@code into} holds a snapshot; false with {@link #error()} set otherwise (including Binance's
     *     error bodies {@code {"code":-1121,"msg":"Invalid symbol."}})
     */
    public boolean parseSnapshot(String json, DepthSnapshot into) {
        error = "";
        into.reset();
        boolean haveId = false;
        boolean haveBids = false;
        boolean haveAsks = false;
        long code = 0;
        String msg = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                error = "snapshot is not a JSON object";
                return false;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "lastUpdateId":
                        into.lastUpdateId = p.getLongValue();
                        haveId = true;
                        break;
                    case "E":
                        into.eventTimeMs = p.getLongValue();
                        break;
                    case "T":
                        into.transactionTimeMs = p.getLongValue();
                        break;
                    case "bids":
                        if (!readLevels(p, into.bids, "bids")) {
                            return false;
                        }
                        haveBids = true;
                        break;
                    case "asks":
                        if (!readLevels(p, into.asks, "asks")) {
                            return false;
                        }
                        haveAsks = true;
                        break;
                    case "code":
                        code = v.isNumeric() ? p.getLongValue() : 0;
                        break;
                    case "msg":
                        msg = p.getValueAsString();
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                error = "snapshot: unexpected " + t;
                return false;
            }
        } catch (IOException | RuntimeException e) {
            error = "snapshot is not valid JSON: " + e.getMessage();
            return false;
        }
        if (msg != null || code != 0) {
            error = "Binance error " + code + ": " + msg;
            return false;
        }
        if (!haveId || !haveBids || !haveAsks) {
            error = "snapshot without " + (!haveId ? "lastUpdateId" : !haveBids ? "bids" : "asks");
            return false;
        }
        return true;
    }

    private static final int F_EVENT_DEPTH = 1;
    private static final int F_SYMBOL = 1 << 1;
    private static final int F_U_FIRST = 1 << 2;
    private static final int F_U_FINAL = 1 << 3;
    private static final int F_BIDS = 1 << 4;
    private static final int F_ASKS = 1 << 5;
    private static final int F_REQUIRED = F_SYMBOL | F_U_FIRST | F_U_FINAL | F_BIDS | F_ASKS;

    /** Reads the fields of the current object; -1 when malformed (error set). */
    private int readEventFields(JsonParser p, DepthEvent into, boolean top) throws IOException {
        int fields = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "stream":
                    if (top && v == JsonToken.VALUE_STRING && isPartialDepthStream(p)) {
                        partialStream = true;
                    }
                    break;
                case "data":
                    if (top && v == JsonToken.START_OBJECT) {
                        int inner = readEventFields(p, into, false);
                        if (inner < 0) {
                            return -1;
                        }
                        fields |= inner;
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "e":
                    if (v == JsonToken.VALUE_STRING && textEquals(p, DEPTH_UPDATE)) {
                        fields |= F_EVENT_DEPTH;
                    } else {
                        sawOtherEventType = true;
                    }
                    break;
                case "E":
                    into.eventTimeMs = longValue(p, v);
                    break;
                case "T":
                    into.transactionTimeMs = longValue(p, v);
                    break;
                case "s":
                    if (v == JsonToken.VALUE_STRING) {
                        into.symbol = symbol(p);
                        fields |= F_SYMBOL;
                    }
                    break;
                case "U":
                    into.firstUpdateId = longValue(p, v);
                    if (into.firstUpdateId != DepthEvent.ABSENT) {
                        fields |= F_U_FIRST;
                    }
                    break;
                case "u":
                    into.finalUpdateId = longValue(p, v);
                    if (into.finalUpdateId != DepthEvent.ABSENT) {
                        fields |= F_U_FINAL;
                    }
                    break;
                case "pu":
                    into.prevFinalUpdateId = longValue(p, v);
                    break;
                case "b":
                    if (sawOtherEventType) {
                        p.skipChildren(); // a bookTicker's "b" is a price string, not levels
                    } else if (v == JsonToken.START_ARRAY) {
                        if (!readLevels(p, into.bids, "b")) {
                            return -1;
                        }
                        fields |= F_BIDS;
                    }
                    break;
                case "a":
                    if (sawOtherEventType) {
                        p.skipChildren();
                    } else if (v == JsonToken.START_ARRAY) {
                        if (!readLevels(p, into.asks, "a")) {
                            return -1;
                        }
                        fields |= F_ASKS;
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            malformed("unexpected " + t);
            return -1;
        }
        return fields;
    }

    private static long longValue(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : DepthEvent.ABSENT;
    }

    /** Reads {@code [[price, qty], ...]}; the parser is at the outer START_ARRAY. */
    private boolean readLevels(JsonParser p, Levels into, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            error = field + " is not an array";
            return false;
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
            p.nextToken();
            long price = decimal(p, priceScale);
            p.nextToken();
            long qty = decimal(p, quantityScale);
            if (price == Decimals.INVALID || qty == Decimals.INVALID) {
                error = field + ": level [" + p.getText() + "] is not a plain decimal at price scale " + priceScale
                        + " / quantity scale " + quantityScale;
                return false;
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    error = field + ": truncated";
                    return false;
                }
                p.skipChildren();
            }
            into.add(price, qty);
        }
        if (t != JsonToken.END_ARRAY) {
            error = field + ": expected [price, quantity] pairs, got " + t;
            return false;
        }
        return true;
    }

    private static long decimal(JsonParser p, int scale) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            return Decimals.INVALID;
        }
        return Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), scale);
    }

    private static boolean textEquals(JsonParser p, String expected) throws IOException {
        int len = p.getTextLength();
        if (len != expected.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        for (int i = 0; i < len; i++) {
            if (chars[off + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True for a stream name with {@code @depth} followed by a digit ({@code btcusdt@depth20@100ms}). */
    private static boolean isPartialDepthStream(JsonParser p) throws IOException {
        char[] c = p.getTextCharacters();
        int off = p.getTextOffset();
        int end = off + p.getTextLength();
        for (int i = off; i + 6 < end; i++) {
            if (c[i] == '@' && c[i + 1] == 'd' && c[i + 2] == 'e' && c[i + 3] == 'p' && c[i + 4] == 't'
                    && c[i + 5] == 'h') {
                char next = c[i + 6];
                return next >= '0' && next <= '9';
            }
        }
        return false;
    }

    private String lastSymbol = "";

    private String symbol(JsonParser p) throws IOException {
        if (!textEquals(p, lastSymbol)) {
            lastSymbol = p.getText();
        }
        return lastSymbol;
    }

    private Result malformed(String why) {
        if (error.isEmpty()) {
            error = why;
        }
        return Result.MALFORMED;
    }

    private static String missing(int fields) {
        StringBuilder sb = new StringBuilder();
        if ((fields & F_SYMBOL) == 0) {
            sb.append(" s");
        }
        if ((fields & F_U_FIRST) == 0) {
            sb.append(" U");
        }
        if ((fields & F_U_FINAL) == 0) {
            sb.append(" u");
        }
        if ((fields & F_BIDS) == 0) {
            sb.append(" b");
        }
        if ((fields & F_ASKS) == 0) {
            sb.append(" a");
        }
        return sb.toString().trim();
    }
}
