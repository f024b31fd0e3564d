package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.BookTicker;
import java.io.IOException;

/**
 * Parses one Binance market-stream text message with Jackson's streaming parser and, for a bookTicker update, fills
 * a {@link BookTicker}.
 *
 * <p>Accepted forms: the combined stream {@code {"stream":"btcusdt@bookTicker","data":{...}}} and the raw payload.
 * Spot bookTicker is {@code {"u":..,"s":..,"b":"..","B":"..","a":"..","A":".."}}; USD-M adds
 * {@code "e":"bookTicker","E":ms,"T":ms}. Unknown fields are ignored. Prices and quantities go straight from their
 * text to the nearest {@code double}, never through BigDecimal: {@link DecimalText} for plain decimals of up to 15
 * significant digits (every Binance price and quantity), {@link Double#parseDouble} for anything else.
 *
 * <p><b>Allocation.</b> Besides Jackson's parser object (one per message, with its context), nothing per message in
 * steady state: numbers are parsed from Jackson's character buffer, the symbol is looked up in a table of the
 * symbols seen before (the same {@code String} instance every time), and the stream name and event type are compared
 * in place.
 *
 * <p>Outcomes:
 * <ul>
 *   <li>{@link Result#QUOTE}: {@code into} holds bid=b, bidQty=B, ask=a, askQty=A, updateId=u and
 *       binanceEventTimeMs=E (0 when absent). {@code seq} and {@code sendEpochNanos} are left alone.</li>
 *   <li>{@link Result#NOT_DATA}: well-formed JSON that is not a bookTicker update: subscription results
 *       ({@code {"result":null,"id":1}}), errors, other streams or event types ({@code trade}, {@code depthUpdate}...),
 *       depth snapshots.</li>
 *   <li>{@link Result#SERVER_SHUTDOWN}: the {@code serverShutdown} event, in either shape.</li>
 *   <li>{@link Result#INVALID}: meant as a bookTicker (event type {@code bookTicker}, or no event type and at least
 *       one bookTicker field) but unusable; {@link #invalidReason()} says why.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per Binance connection (its read thread, or the scheduler under the
 * connection's monitor while it drains the hand-over buffer). {@code into} may be partly written when the result is
 * not QUOTE.
 */
final class BookTickerParser {
    /** What a message was. */
    enum Result {
        QUOTE,
        NOT_DATA,
        INVALID,
        /**
         * Binance announces that this connection's server is going away: {@code {"e":"serverShutdown","E":..}} on a
         * raw stream, {@code {"stream":"!serverShutdown","data":{..}}} on a combined one. Not data.
         */
        SERVER_SHUTDOWN
    }

    /** One factory for the process: parsers created from it share Jackson's recycled buffers. */
    private static final JsonFactory JSON = new JsonFactory();
    private static final String BOOK_TICKER = "bookTicker";
    private static final String BOOK_TICKER_STREAM_SUFFIX = "@bookTicker";
    private static final String SERVER_SHUTDOWN = "serverShutdown";
    private static final String SERVER_SHUTDOWN_STREAM = "!serverShutdown";

    private static final int F_U = 1;
    private static final int F_S = 1 << 1;
    private static final int F_BID = 1 << 2;
    private static final int F_BID_QTY = 1 << 3;
    private static final int F_ASK = 1 << 4;
    private static final int F_ASK_QTY = 1 << 5;
    private static final int REQUIRED = F_U | F_S | F_BID | F_BID_QTY | F_ASK | F_ASK_QTY;

    /** Event type {@code e}: absent, or which one. */
    private static final int EVENT_NONE = 0;
    private static final int EVENT_BOOK_TICKER = 1;
    private static final int EVENT_SERVER_SHUTDOWN = 2;
    private static final int EVENT_OTHER = 3;

    /** Most distinct symbols interned; more are still parsed, as a new String each time. */
    static final int MAX_INTERNED_SYMBOLS = JsonText.MAX_INTERNED_SYMBOLS;

    private final Fields top = new Fields();
    private final Fields data = new Fields();
    private final JsonText json = new JsonText();
    private InvalidReason invalidReason;

    /**
     * Parses {@code text}.
     *
     * @param text one WebSocket text message, as received
     * @param into filled when the result is {@link Result#QUOTE}
     * @return what the message was; for {@link Result#INVALID} see {@link #invalidReason()}
     */
    Result parse(String text, BookTicker into) {
        invalidReason = null;
        top.clear();
        data.clear();
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                // e.g. an all-market ticker array: well-formed, but not ours
                p.skipChildren();
                return p.nextToken() == null ? Result.NOT_DATA : invalid(InvalidReason.MALFORMED_JSON);
            }
            if (first != JsonToken.START_OBJECT) {
                return invalid(InvalidReason.MALFORMED_JSON);
            }
            readObject(p, top, true);
            if (p.nextToken() != null) {
                return invalid(InvalidReason.MALFORMED_JSON); // trailing content after the object
            }
        } catch (JsonProcessingException e) {
            return invalid(InvalidReason.MALFORMED_JSON);
        } catch (IOException e) {
            // a String source cannot fail to read; treat anything else as unreadable JSON
            return invalid(InvalidReason.MALFORMED_JSON);
        }
        return decide(into);
    }

    /** Reason of the last {@link Result#INVALID}; null after any other result. */
    InvalidReason invalidReason() {
        return invalidReason;
    }

    private Result decide(BookTicker into) {
        if (top.streamIsServerShutdown
                || (top.hasDataObject ? data : top).eventType == EVENT_SERVER_SHUTDOWN) {
            return Result.SERVER_SHUTDOWN;
        }
        if (top.dataIsNotObject) {
            return Result.NOT_DATA;
        }
        if (top.hasStream && !top.streamIsBookTicker) {
            return Result.NOT_DATA;
        }
        if (top.hasStream && !top.hasDataObject) {
            return invalid(InvalidReason.MISSING_FIELD); // a bookTicker stream message without its payload
        }
        Fields f = top.hasDataObject ? data : top;
        if (f.eventType != EVENT_NONE && f.eventType != EVENT_BOOK_TICKER) {
            return Result.NOT_DATA;
        }
        if (f.eventType == EVENT_NONE && !f.eventTypeWrongType && f.present == 0 && !f.wrongType) {
            return Result.NOT_DATA; // {"result":null,"id":1}, {"lastUpdateId":...}, {"error":...}
        }
        if ((f.present & REQUIRED) != REQUIRED || f.wrongType || f.eventTypeWrongType || f.symbol.isEmpty()) {
            return invalid(InvalidReason.MISSING_FIELD);
        }
        if (f.unparsable != 0) {
            return invalid(InvalidReason.BAD_PRICE);
        }
        double bid = f.bid;
        double bidQty = f.bidQty;
        double ask = f.ask;
        double askQty = f.askQty;
        // !(x > 0) is also true for NaN
        if (!(bid > 0) || !(ask > 0) || bid == Double.POSITIVE_INFINITY || ask == Double.POSITIVE_INFINITY) {
            return invalid(InvalidReason.BAD_PRICE);
        }
        if (!(bidQty >= 0) || !(askQty >= 0) || bidQty == Double.POSITIVE_INFINITY
                || askQty == Double.POSITIVE_INFINITY) {
            return invalid(InvalidReason.BAD_PRICE);
        }
        if (bid >= ask) {
            return invalid(InvalidReason.CROSSED_BOOK);
        }
        into.set(f.symbol, bid, bidQty, ask, askQty, f.updateId, f.eventTimeMs);
        return Result.QUOTE;
    }

    private Result invalid(InvalidReason reason) {
        invalidReason = reason;
        return Result.INVALID;
    }

    /** Reads the fields of the object whose START_OBJECT was just returned, up to its END_OBJECT. */
    private void readObject(JsonParser p, Fields f, boolean outer) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue; // null counts as absent
            }
            switch (name) {
                case "stream" -> {
                    if (outer && v == JsonToken.VALUE_STRING) {
                        f.hasStream = true;
                        f.streamIsBookTicker = JsonText.textEndsWith(p, BOOK_TICKER_STREAM_SUFFIX);
                        f.streamIsServerShutdown = JsonText.textEquals(p, SERVER_SHUTDOWN_STREAM);
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
                        f.eventType = JsonText.textEquals(p, BOOK_TICKER) ? EVENT_BOOK_TICKER
                                : JsonText.textEquals(p, SERVER_SHUTDOWN) ? EVENT_SERVER_SHUTDOWN : EVENT_OTHER;
                    } else {
                        f.eventTypeWrongType = true;
                        p.skipChildren();
                    }
                }
                case "E" -> {
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        f.eventTimeMs = p.getLongValue();
                    } else {
                        f.wrongType = true;
                        p.skipChildren();
                    }
                }
                case "u" -> {
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        f.updateId = p.getLongValue();
                        f.present |= F_U;
                    } else {
                        f.wrongType = true;
                        p.skipChildren();
                    }
                }
                case "s" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        f.symbol = json.symbol(p);
                        f.present |= F_S;
                    } else {
                        f.wrongType = true;
                        p.skipChildren();
                    }
                }
                case "b" -> f.bid = number(p, v, f, F_BID);
                case "B" -> f.bidQty = number(p, v, f, F_BID_QTY);
                case "a" -> f.ask = number(p, v, f, F_ASK);
                case "A" -> f.askQty = number(p, v, f, F_ASK_QTY);
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
     * A price or quantity: Binance sends strings; a JSON number is accepted too. Text that is no number marks the
     * field unparsable (a later duplicate of the field may clear it, as the last value wins).
     */
    private double number(JsonParser p, JsonToken v, Fields f, int bit) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            f.present |= bit;
            double value = json.number(p);
            if (Double.isNaN(value)) { // no number, or "NaN": a bad price either way
                f.unparsable |= bit;
            } else {
                f.unparsable &= ~bit;
            }
            return value;
        }
        f.wrongType = true;
        p.skipChildren();
        return Double.NaN;
    }

    /** The fields of one JSON object level; reused. */
    private static final class Fields {
        boolean hasStream;
        boolean streamIsBookTicker;
        boolean streamIsServerShutdown;
        boolean hasDataObject;
        boolean dataIsNotObject;
        int eventType;
        boolean eventTypeWrongType;
        long eventTimeMs;
        long updateId;
        String symbol;
        double bid;
        double bidQty;
        double ask;
        double askQty;
        int present;
        /** F_ bits of number fields whose text is no number. */
        int unparsable;
        boolean wrongType;

        void clear() {
            hasStream = false;
            streamIsBookTicker = false;
            streamIsServerShutdown = false;
            hasDataObject = false;
            dataIsNotObject = false;
            eventType = EVENT_NONE;
            eventTypeWrongType = false;
            eventTimeMs = 0;
            updateId = 0;
            symbol = null;
            bid = Double.NaN;
            bidQty = Double.NaN;
            ask = Double.NaN;
            askQty = Double.NaN;
            present = 0;
            unparsable = 0;
            wrongType = false;
        }
    }
}
