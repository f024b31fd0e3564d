package eu.bborelay.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every exchange timestamp of the recorded messages by one constant, so that a replay carries today's times
 * instead of the recording's: the first message that carries a timestamp gets the current wall-clock time (ms since
 * the epoch), every later timestamp moves by the same amount. Intervals between timestamps, and between a message's
 * fields, stay exactly as recorded.
 *
 * <p><b>Fields shifted</b> (Binance spot, USD-M and COIN-M market streams; in the {@code data} object, or in each
 * element when {@code data} is an array such as {@code !bookTicker} or {@code !markPrice@arr}):
 * <ul>
 *   <li>{@code E} event time and {@code T} transaction / trade / next-funding time, in every event type
 *       (bookTicker, trade, aggTrade, depthUpdate, markPriceUpdate, kline, ...);</li>
 *   <li>{@code k.t} and {@code k.T}, a kline's start and close time;</li>
 *   <li>{@code O} and {@code C}, the statistics open and close time of {@code 24hrTicker};</li>
 *   <li>{@code o.T}, the trade time of a {@code forceOrder}.</li>
 * </ul>
 * Ids ({@code u}, {@code U}, {@code t} of a trade, ...) and prices are never touched. Only the digits of a shifted
 * number change; every other byte of the message stays as recorded. Spot bookTicker carries no timestamp and passes
 * unchanged. REST depth snapshot lines of a recording (which carry {@code E}/{@code T} on USD-M) are not sent by the
 * replay server at all, so there is nothing to shift there.
 *
 * <p>Not thread-safe: used by the replay thread only; {@link #shiftMillis()} may be read from any thread.
 */
final class TimeShift {
    private static final Logger log = LoggerFactory.getLogger(TimeShift.class);
    private static final JsonFactory JSON = new JsonFactory();
    /** Below this a number is not an epoch-millisecond time (2001-09-09): left alone. */
    private static final long MIN_EPOCH_MILLIS = 1_000_000_000_000L;

    private final LongSupplier clockMillis;
    private volatile long shiftMillis;
    private boolean fixed;
    // spans of the numbers to replace in the text being rewritten: start, end (exclusive), value
    private long[] spans = new long[3 * 8];
    private int spanCount;

    /** @param clockMillis wall clock, ms since the epoch ({@code System::currentTimeMillis} in production) */
    TimeShift(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** The shift, ms (new time - recorded time); 0 until the first timestamp was seen. */
    long shiftMillis() {
        return shiftMillis;
    }

    /** {@code m} with its exchange timestamps shifted, or {@code m} itself when it carries none. */
    RecordedMessage apply(RecordedMessage m) {
        spanCount = 0;
        try (JsonParser p = JSON.createParser(m.json)) {
            p.nextToken(); // {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("data".equals(name)) {
                    if (t == JsonToken.START_OBJECT) {
                        event(p);
                    } else if (t == JsonToken.START_ARRAY) {
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                            if (t == JsonToken.START_OBJECT) {
                                event(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return m; // the reader checked the JSON already; leave anything odd as recorded
        }
        if (spanCount == 0) {
            return m;
        }
        if (!fixed) {
            long first = spans[2];
            shiftMillis = clockMillis.getAsLong() - first;
            fixed = true;
            log.info("Exchange timestamps shifted by {} ms (first recorded {} becomes the current time)", shiftMillis,
                    first);
        }
        StringBuilder sb = new StringBuilder(m.json.length() + 8);
        int from = 0;
        for (int i = 0; i < spanCount; i++) {
            int start = (int) spans[3 * i];
            int end = (int) spans[3 * i + 1];
            sb.append(m.json, from, start).append(spans[3 * i + 2] + shiftMillis);
            from = end;
        }
        sb.append(m.json, from, m.json.length());
        int delta = sb.length() - m.json.length();
        return new RecordedMessage(m.receiveNanos, m.stream, sb.toString(), m.dataStart(), m.dataEnd() + delta);
    }

    /** Reads one event object (the parser is on its START_OBJECT) and records the spans of its timestamps. */
    private void event(JsonParser p) throws IOException {
        String eventType = null;
        int firstOfEvent = spanCount; // O and C count only in a 24hrTicker, known once 'e' is read (it may come last)
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "e" -> eventType = t == JsonToken.VALUE_STRING ? p.getText() : null;
                case "E", "T" -> number(p, t, false);
                case "O", "C" -> number(p, t, true);
                case "k" -> nested(p, t, "t", "T");
                case "o" -> nested(p, t, "T", null);
                default -> p.skipChildren();
            }
        }
        settleMarked(firstOfEvent, "24hrTicker".equals(eventType));
    }

    private void nested(JsonParser p, JsonToken t, String a, String b) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals(a) || name.equals(b)) {
                number(p, v, false);
            } else {
                p.skipChildren();
            }
        }
    }

    /** Records the span of an integer time value; {@code marked} spans are dropped unless the event keeps them. */
    private void number(JsonParser p, JsonToken t, boolean marked) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            return;
        }
        long value = p.getLongValue();
        if (value < MIN_EPOCH_MILLIS) {
            return;
        }
        int start = (int) p.currentTokenLocation().getCharOffset();
        int end = start + p.getTextLength();
        if (3 * (spanCount + 1) > spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[3 * spanCount] = marked ? -start - 1 : start;
        spans[3 * spanCount + 1] = end;
        spans[3 * spanCount + 2] = value;
        spanCount++;
    }

    /** From span {@code from} on: unmarks the marked spans when {@code keep}, else drops them. */
    private void settleMarked(int from, boolean keep) {
        int w = from;
        for (int r = from; r < spanCount; r++) {
            long start = spans[3 * r];
            if (start < 0 && !keep) {
                continue;
            }
            spans[3 * w] = start < 0 ? -start - 1 : start;
            spans[3 * w + 1] = spans[3 * r + 1];
            spans[3 * w + 2] = spans[3 * r + 2];
            w++;
        }
        spanCount = w;
    }
}
