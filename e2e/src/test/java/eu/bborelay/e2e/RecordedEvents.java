package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The bookTicker, trade and aggTrade messages of a recording in recording order, read independently of the code
 * under test (Jackson, field by field): with those streams subscribed, the k-th of them must arrive with seq k.
 */
record RecordedEvents(List<Event> events) {
    /** One recorded message: a quote (from {@link Recording}) or a trade. */
    sealed interface Event permits QuoteEvent, TradeEvent {
    }

    record QuoteEvent(Recording.Quote quote) implements Event {
    }

    /** One recorded trade or aggTrade; numbers are the exact recorded strings. */
    record TradeEvent(boolean agg, String symbol, long id, long firstId, long lastId, String price, String qty,
                      boolean buyerIsMaker, long tradeTimeMs, long eventTimeMs) implements Event {
    }

    /**
     * Reads {@code file}.
     *
     * @param trades include {@code @trade} messages
     * @param aggTrades include {@code @aggTrade} messages
     */
    static RecordedEvents read(Path file, boolean trades, boolean aggTrades) throws IOException {
        return read(file, true, trades, aggTrades);
    }

    /** As above, without the bookTicker messages when {@code quotes} is false. */
    static RecordedEvents read(Path file, boolean quotes, boolean trades, boolean aggTrades) throws IOException {
        JsonFactory json = new JsonFactory();
        List<Event> events = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String text = line.substring(line.indexOf(' ') + 1);
                if (quotes && line.contains("@bookTicker\"")) {
                    try (JsonParser p = json.createParser(text)) {
                        events.add(new QuoteEvent(Recording.parse(p)));
                    }
                } else if ((trades && line.contains("@trade\"")) || (aggTrades && line.contains("@aggTrade\""))) {
                    try (JsonParser p = json.createParser(text)) {
                        events.add(trade(p));
                    }
                }
            }
        }
        return new RecordedEvents(List.copyOf(events));
    }

    private static TradeEvent trade(JsonParser p) throws IOException {
        String e = null;
        String s = null;
        String price = null;
        String qty = null;
        long t = -1;
        long a = -1;
        long f = -1;
        long l = -1;
        long tradeTime = 0;
        long eventTime = 0;
        boolean m = false;
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (!name.equals("data")) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                switch (k) {
                    case "e" -> e = p.getText();
                    case "s" -> s = p.getText();
                    case "p" -> price = p.getText();
                    case "q" -> qty = p.getText();
                    case "t" -> t = p.getLongValue();
                    case "a" -> a = p.getLongValue();
                    case "f" -> f = p.getLongValue();
                    case "l" -> l = p.getLongValue();
                    case "T" -> tradeTime = p.getLongValue();
                    case "E" -> eventTime = p.getLongValue();
                    case "m" -> m = p.getBooleanValue();
                    default -> p.skipChildren();
                }
            }
        }
        boolean agg = "aggTrade".equals(e);
        return agg ? new TradeEvent(true, s, a, f, l, price, qty, m, tradeTime, eventTime)
                : new TradeEvent(false, s, t, t, t, price, qty, m, tradeTime, eventTime);
    }

    List<TradeEvent> trades() {
        return events.stream().filter(TradeEvent.class::isInstance).map(TradeEvent.class::cast).toList();
    }

    List<Recording.Quote> quotes() {
        return events.stream().filter(QuoteEvent.class::isInstance).map(ev -> ((QuoteEvent) ev).quote()).toList();
    }

    /** Asserts that {@code got} carries exactly the recorded values of {@code want}. */
    static void assertSameAsRecorded(TradeEvent want, Trade got) {
        String where = "seq " + got.seq() + " " + want;
        assertEquals(want.agg() ? Trade.Type.AGG_TRADE : Trade.Type.TRADE, got.type(), where);
        assertEquals(want.symbol(), got.symbol(), where);
        if (want.agg()) {
            assertEquals(want.id(), got.aggId(), where);
            assertEquals(Trade.NO_ID, got.tradeId(), where);
        } else {
            assertEquals(want.id(), got.tradeId(), where);
            assertEquals(Trade.NO_ID, got.aggId(), where);
        }
        assertEquals(want.firstId(), got.firstTradeId(), where);
        assertEquals(want.lastId(), got.lastTradeId(), where);
        assertEquals(Double.parseDouble(want.price()), got.price(), where);
        assertEquals(Double.parseDouble(want.qty()), got.qty(), where);
        assertEquals(want.buyerIsMaker() ? Trade.Side.SELL : Trade.Side.BUY, got.takerSide(), where);
        assertEquals(want.tradeTimeMs(), got.tradeTimeMs(), where);
        assertEquals(want.eventTimeMs(), got.eventTimeMs(), where);
    }
}
