package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.Trade;
import java.io.IOException;

/**
 * Parses one Binance trade or aggregate-trade message with Jackson's streaming parser and fills a {@link Trade}; the
 * same allocation-free technique as {@link BookTickerParser} (shared through {@link JsonText}).
 *
 * <p>Accepted forms: the combined stream {@code {"stream":"btcusdt@trade","data":{...}}} and the raw payload, for
 * every market (field letters per Binance's "Trade Streams" and "Aggregate Trade Streams" sections; USD-M and
 * COIN-M use the same letters):
 * <ul>
 *   <li>{@code @trade}: {@code {"e":"trade","E":ms,"s":"BTCUSDT","t":id,"p":"..","q":"..","T":ms,"m":bool,"M":bool}}
 *       (spot; until 2023 spot also sent the order ids {@code "b"} and {@code "a"}, ignored here); USD-M and
 *       COIN-M ({@code BTCUSD_PERP}) add {@code "X":"MARKET"} (or {@code "INSURANCE_FUND"}, {@code "ADL"}: every
 *       kind is relayed, as every one takes a trade id) and drop {@code M}.</li>
 *   <li>{@code @aggTrade}: {@code {"e":"aggTrade","E":ms,"s":..,"a":id,"p":..,"q":..,"f":first,"l":last,"T":ms,
 *       "m":bool}}; spot adds {@code M}, USD-M may add {@code "nq"} and {@code "st"} (ignored).</li>
 * </ul>
 * The kind is the event type {@code e}, or, when it is absent, the combined stream's suffix. Unknown fields are
 * ignored; {@code null} counts as absent.
 *
 * <p>Outcomes:
 * <ul>
 *   <li>{@link Result#TRADE}: {@code into} holds the trade ({@code seq} and {@code sendEpochNanos} untouched). The
 *       taker side is {@link Trade.Side#SELL} when {@code m} is true (the buyer was the maker).</li>
 *   <li>{@link Result#NOT_DATA}: well-formed JSON that is not a trade: other streams and event types, subscription
 *       results, errors, {@code serverShutdown}.</li>
 *   <li>{@link Result#INVALID}: meant as a trade but unusable; {@link #invalidReason()} says why:
 *       {@link InvalidReason#MISSING_FIELD} (a required field absent or of the wrong JSON type: {@code s, t, p, q,
 *       T, m} for a trade, {@code s, a, f, l, p, q, T, m} for an aggregate trade),
 *       {@link InvalidReason#BAD_PRICE} (price not a finite number above 0, quantity not a finite number at
 *       least 0), {@link InvalidReason#MALFORMED_JSON}.</li>
 * </ul>
 *
 * <p><b>Allocation.</b> Besides Jackson's parser object (one per message), nothing in steady state.
 *
 * <p>Not thread-safe: one instance per Binance connection, like its {@link BookTickerParser}. {@code into} may be
 * partly written when the result is not TRADE.
 */
final class TradeParser {
    /** What a message was. */
    enum Result {
        TRADE,
        NOT_DATA,
        INVALID
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final String TRADE = "trade";
    private static final String AGG_TRADE = "aggTrade";
    static final String TRADE_STREAM_SUFFIX = "@trade";
    static final String AGG_TRADE_STREAM_SUFFIX = "@aggTrade";
    private static final String COMBINED_PREFIX = "{\"stream\":\"";

    private static final int F_S = 1;
    private static final int F_T_ID = 1 << 1;
    private static final int F_PRICE = 1 << 2;
    private static final int F_QTY = 1 << 3;
    private static final int F_TIME = 1 << 4;
    private static final int F_M = 1 << 5;
    private static final int F_A = 1 << 6;
    private static final int F_FIRST = 1 << 7;
    private static final int F_LAST = 1 << 8;
    private static final int TRADE_REQUIRED = F_S | F_T_ID | F_PRICE | F_QTY | F_TIME | F_M;
    private static final int AGG_REQUIRED = F_S | F_A | F_FIRST | F_LAST | F_PRICE | F_QTY | F_TIME | F_M;

    private static final int KIND_NONE = 0;
    private static final int KIND_TRADE = 1;
    private static final int KIND_AGG = 2;
    private static final int KIND_OTHER = 3;

    private final Fields top = new Fields();
    private final Fields data = new Fields();
    private final JsonText json = new JsonText();
    private InvalidReason invalidReason;

    /**
     * Whether a combined-stream message is of a {@code @trade} or {@code @aggTrade} stream, judged from its first
     * bytes ({@code {"stream":"<name>",...}}, the order in which Binance writes them) without parsing or allocating.
     * False for anything else, raw payloads included: a caller that dispatches on this sends those to the
     * bookTicker parser first.
     */
    static boolean isTradeStream(String text) {
        if (!text.startsWith(COMBINED_PREFIX)) {
            return false;
        }
        int end = text.indexOf('"', COMBINED_PREFIX.length());
        return end > 0 && (text.startsWith(TRADE_STREAM_SUFFIX, end - TRADE_STREAM_SUFFIX.length())
                || text.startsWith(AGG_TRADE_STREAM_SUFFIX, end - AGG_TRADE_STREAM_SUFFIX.length()));
    }

    /**
     * Parses {@code text}.
     *
     * @param text one WebSocket text message, as received
     * @param into filled when the result is {@link Result#TRADE}
     * @return what the message was; for {@link Result#INVALID} see {@link #invalidReason()}
     */
    Result parse(String text, Trade into) {
        invalidReason = null;
        top.clear();
        data.clear();
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                p.skipChildren();
                return p.nextToken() == null ? Result.NOT_DATA : invalid(InvalidReason.MALFORMED_JSON);
            }
            if (first != JsonToken.START_OBJECT) {
                return invalid(InvalidReason.MALFORMED_JSON);
            }
            readObject(p, top, true);
            if (p.nextToken() != null) {
                return invalid(InvalidReason.MALFORMED_JSON);
            }
        } catch (IOException e) { // JsonProcessingException; a String source cannot fail to read otherwise
            return invalid(InvalidReason.MALFORMED_JSON);
        }
        return decide(into);
    }

    /** Reason of the last {@link Result#INVALID}; null after any other result. */
    InvalidReason invalidReason() {
        return invalidReason;
    }

    private Result decide(Trade into) {
        if (top.dataIsNotObject) {
            return Result.NOT_DATA;
        }
        if (top.hasStream && top.streamKind == KIND_OTHER) {
            return Result.NOT_DATA;
        }
        if (top.hasStream && !top.hasDataObject) {
            return invalid(InvalidReason.MISSING_FIELD); // a trade stream message without its payload
        }
        Fields f = top.hasDataObject ? data : top;
        int kind = f.eventKind != KIND_NONE ? f.eventKind : top.streamKind;
        if (f.eventTypeWrongType) {
            return invalid(InvalidReason.MISSING_FIELD);
        }
        if (kind == KIND_NONE || kind == KIND_OTHER) {
            return Result.NOT_DATA; // {"result":null,"id":1}, bookTicker, depth, serverShutdown...
        }
        int required = kind == KIND_TRADE ? TRADE_REQUIRED : AGG_REQUIRED;
        if ((f.present & required) != required || (f.wrongType & required) != 0 || f.symbol.isEmpty()) {
            return invalid(InvalidReason.MISSING_FIELD);
        }
        double price = f.price;
        double qty = f.qty;
        // !(x > 0) is also true for NaN (an unparsable number)
        if (!(price > 0) || price == Double.POSITIVE_INFINITY || !(qty >= 0) || qty == Double.POSITIVE_INFINITY) {
            return invalid(InvalidReason.BAD_PRICE);
        }
        Trade.Side side = Trade.Side.fromBuyerIsMaker(f.buyerIsMaker);
        if (kind == KIND_TRADE) {
            into.setTrade(f.symbol, price, qty, side, f.tradeId, f.tradeTimeMs, f.eventTimeMs);
        } else {
            into.setAggTrade(f.symbol, price, qty, side, f.aggId, f.firstId, f.lastId, f.tradeTimeMs, f.eventTimeMs);
        }
        return Result.TRADE;
    }

    private Result invalid(InvalidReason reason) {
        invalidReason = reason;
        return Result.INVALID;
    }

    /** Reads the fields of the object whose START_OBJECT was just returned, up to its END_OBJECT. */
    private void readObject(JsonParser p, Fields f, boolean outer) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName(); // Jackson interns field names: no allocation
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "stream" -> {
                    if (outer && v == JsonToken.VALUE_STRING) {
                        f.hasStream = true;
                        f.streamKind = JsonText.textEndsWith(p, TRADE_STREAM_SUFFIX) ? KIND_TRADE
                                : JsonText.textEndsWith(p, AGG_TRADE_STREAM_SUFFIX) ? KIND_AGG : KIND_OTHER;
                    } else {
                        p.skipChildren();
                    }
                }
                case "data" -> {
                    if (outer && v == JsonToken.START_OBJECT) {
                        f.hasDataObject = true;
                        f.dataIsNotObject = false;
                        readObject(p, data, false);
                    } else {
                        if (outer) {
                            f.dataIsNotObject = !f.hasDataObject;
                        }
                        p.skipChildren();
                    }
                }
                case "e" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        f.eventKind = JsonText.textEquals(p, TRADE) ? KIND_TRADE
                                : JsonText.textEquals(p, AGG_TRADE) ? KIND_AGG : KIND_OTHER;
                    } else {
                        f.eventTypeWrongType = true;
                        p.skipChildren();
                    }
                }
                case "E" -> f.eventTimeMs = integer(p, v, f, 0);
                case "T" -> f.tradeTimeMs = integer(p, v, f, F_TIME);
                case "t" -> f.tradeId = integer(p, v, f, F_T_ID);
                case "a" -> f.aggId = integer(p, v, f, F_A);
                case "f" -> f.firstId = integer(p, v, f, F_FIRST);
                case "l" -> f.lastId = integer(p, v, f, F_LAST);
                case "s" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        f.symbol = json.symbol(p);
                        f.present |= F_S;
                    } else {
                        f.wrongType |= F_S;
                        p.skipChildren();
                    }
                }
                case "p" -> f.price = number(p, v, f, F_PRICE);
                case "q" -> f.qty = number(p, v, f, F_QTY);
                case "m" -> {
                    if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                        f.buyerIsMaker = v == JsonToken.VALUE_TRUE;
                        f.present |= F_M;
                    } else {
                        f.wrongType |= F_M;
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            // cannot happen with a conforming parser: an object holds field names until its end
            throw new JsonProcessingException("expected a field name or the end of the object", p.currentLocation()) {
                private static final long serialVersionUID = 1L;
            };
        }
    }

    /**
     * An id or a time: a JSON integer. Anything else marks the field as of the wrong type, which makes the message
     * invalid only if the field is required for its kind ({@code E} never is; {@code a} is not for a trade, whose
     * old spot form carries a seller order id there).
     */
    private static long integer(JsonParser p, JsonToken v, Fields f, int bit) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            try {
                long value = p.getLongValue();
                f.present |= bit;
                f.wrongType &= ~bit;
                return value;
            } catch (IOException e) { // beyond a long (InputCoercionException)
                f.wrongType |= bit;
                return 0;
            }
        }
        f.wrongType |= bit;
        p.skipChildren();
        return 0;
    }

    /** A price or quantity: Binance sends strings; a JSON number is accepted too. NaN when no number. */
    private double number(JsonParser p, JsonToken v, Fields f, int bit) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            f.present |= bit;
            f.wrongType &= ~bit;
            return json.number(p);
        }
        f.wrongType |= bit;
        p.skipChildren();
        return Double.NaN;
    }

    /** The fields of one JSON object level; reused. */
    private static final class Fields {
        boolean hasStream;
        int streamKind;
        boolean hasDataObject;
        boolean dataIsNotObject;
        int eventKind;
        boolean eventTypeWrongType;
        long eventTimeMs;
        long tradeTimeMs;
        long tradeId;
        long aggId;
        long firstId;
        long lastId;
        String symbol;
        double price;
        double qty;
        boolean buyerIsMaker;
        int present;
        /** F_ bits of fields that held the wrong JSON type (last value wins). */
        int wrongType;

        void clear() {
            hasStream = false;
            streamKind = KIND_NONE;
            hasDataObject = false;
            dataIsNotObject = false;
            eventKind = KIND_NONE;
            eventTypeWrongType = false;
            eventTimeMs = 0;
            tradeTimeMs = 0;
            tradeId = 0;
            aggId = 0;
            firstId = 0;
            lastId = 0;
            symbol = "";
            price = Double.NaN;
            qty = Double.NaN;
            buyerIsMaker = false;
            present = 0;
            wrongType = 0;
        }
    }
}
