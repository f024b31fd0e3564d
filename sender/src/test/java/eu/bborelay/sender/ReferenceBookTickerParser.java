package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.BookTicker;
import java.io.IOException;

/**
 * TEST ORACLE: the parser as it was before it stopped allocating per message (Strings through
 * {@link Double#parseDouble}), kept verbatim so that {@code BookTickerParserEquivalenceTest} can check that the
 * current one gives the same result for every recorded message and every fuzz seed.
 *
 * <p>Parses one Binance market-stream text message with Jackson's streaming parser and, for a bookTicker update, fills
 * a {@link BookTicker}.
 *
 * <p>Accepted forms: the combined stream {@code {"stream":"btcusdt@bookTicker","data":{...}}} and the raw payload.
 * Spot bookTicker is {@code {"u":..,"s":..,"b":"..","B":"..","a":"..","A":".."}}; USD-M adds
 * {@code "e":"bookTicker","E":ms,"T":ms}. Unknown fields are ignored. Prices and quantities go straight from their
 * text to {@code double} ({@link Double#parseDouble}), never through BigDecimal.
 *
 * <p>Outcomes:
 * <ul>
 *   <li>{@link BookTickerParser.Result#QUOTE}: {@code into} holds bid=b, bidQty=B, ask=a, askQty=A, updateId=u and
 *       binanceEventTimeMs=E (0 when absent). {@code seq} and {@code sendEpochNanos} are left alone.</li>
 *   <li>{@link BookTickerParser.Result#NOT_DATA}: well-formed JSON that is not a bookTicker update: subscription results
 *       ({@code {"result":null,"id":1}}), errors, other streams or event types ({@code trade}, {@code depthUpdate}...),
 *       depth snapshots.</li>
 *   <li>{@link BookTickerParser.Result#SERVER_SHUTDOWN}: the {@code serverShutdown} event, in either shape.</li>
 *   <li>{@link BookTickerParser.Result#INVALID}: meant as a bookTicker (event type {@code bookTicker}, or no event type and at least
 *       one bookTicker field) but unusable; {@link #invalidReason()} says why.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per producing thread (the sender's ingest, under its lock). {@code into} may be
 * partly written when the result is not QUOTE.
 */
final class ReferenceBookTickerParser {

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

    private final Fields top = new Fields();
    private final Fields data = new Fields();
    private InvalidReason invalidReason;

    /**
     * Parses {@code text}.
     *
     * @param text one WebSocket text message, as received
     * @param into filled when the result is {@link BookTickerParser.Result#QUOTE}
     * @return what the message was; for {@link BookTickerParser.Result#INVALID} see {@link #invalidReason()}
     */
    BookTickerParser.Result parse(String text, BookTicker into) {
        invalidReason = null;
        top.clear();
        data.clear();
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                // e.g. an all-market ticker array: well-formed, but not ours
                p.skipChildren();
                return p.nextToken() == null ? BookTickerParser.Result.NOT_DATA : invalid(InvalidReason.MALFORMED_JSON);
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

    /** Reason of the last {@link BookTickerParser.Result#INVALID}; null after any other result. */
    InvalidReason invalidReason() {
        return invalidReason;
    }

    private BookTickerParser.Result decide(BookTicker into) {
        if (SERVER_SHUTDOWN_STREAM.equals(top.stream)
                || SERVER_SHUTDOWN.equals((top.hasDataObject ? data : top).eventType)) {
            return BookTickerParser.Result.SERVER_SHUTDOWN;
        }
        if (top.dataIsNotObject) {
            return BookTickerParser.Result.NOT_DATA;
        }
        if (top.stream != null && !top.stream.endsWith(BOOK_TICKER_STREAM_SUFFIX)) {
            return BookTickerParser.Result.NOT_DATA;
        }
        if (top.stream != null && !top.hasDataObject) {
            return invalid(InvalidReason.MISSING_FIELD); // a bookTicker stream message without its payload
        }
        Fields f = top.hasDataObject ? data : top;
        if (f.eventType != null && !f.eventType.equals(BOOK_TICKER)) {
            return BookTickerParser.Result.NOT_DATA;
        }
        if (f.eventType == null && !f.eventTypeWrongType && f.present == 0 && !f.wrongType) {
            return BookTickerParser.Result.NOT_DATA; // {"result":null,"id":1}, {"lastUpdateId":...}, {"error":...}
        }
        if ((f.present & REQUIRED) != REQUIRED || f.wrongType || f.eventTypeWrongType || f.symbol.isEmpty()) {
            return invalid(InvalidReason.MISSING_FIELD);
        }
        double bid;
        double bidQty;
        double ask;
        double askQty;
        try {
            bid = Double.parseDouble(f.bid);
            bidQty = Double.parseDouble(f.bidQty);
            ask = Double.parseDouble(f.ask);
            askQty = Double.parseDouble(f.askQty);
        } catch (NumberFormatException e) {
            return invalid(InvalidReason.BAD_PRICE);
        }
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
        return BookTickerParser.Result.QUOTE;
    }

    private BookTickerParser.Result invalid(InvalidReason reason) {
        invalidReason = reason;
        return BookTickerParser.Result.INVALID;
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
                        f.stream = p.getText();
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
                        f.eventType = p.getText();
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
                        f.symbol = p.getText();
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

    /** Text of a price or quantity: Binance sends strings; a JSON number is accepted too. */
    private static String number(JsonParser p, JsonToken v, Fields f, int bit) throws IOException {
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            f.present |= bit;
            return p.getText();
        }
        f.wrongType = true;
        p.skipChildren();
        return null;
    }

    /** The fields of one JSON object level; reused. */
    private static final class Fields {
        String stream;
        boolean hasDataObject;
        boolean dataIsNotObject;
        String eventType;
        boolean eventTypeWrongType;
        long eventTimeMs;
        long updateId;
        String symbol;
        String bid;
        String bidQty;
        String ask;
        String askQty;
        int present;
        boolean wrongType;

        void clear() {
            stream = null;
            hasDataObject = false;
            dataIsNotObject = false;
            eventType = null;
            eventTypeWrongType = false;
            eventTimeMs = 0;
            updateId = 0;
            symbol = null;
            bid = null;
            bidQty = null;
            ask = null;
            askQty = null;
            present = 0;
            wrongType = false;
        }
    }
}
