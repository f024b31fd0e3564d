package eu.bborelay.polymarket.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replay server's own book of one asset, kept with {@link BigDecimal} prices and the size texts as sent, so
 * that a (re)subscribing client gets the current state as a {@code book} snapshot. An implementation independent of
 * the client's, so tests can compare the two. Not thread-safe (the server guards it).
 */
final class ServerBook {
    private static final JsonFactory JSON = new JsonFactory();

    /** A decoded event: only what the server needs. */
    record Event(String type, String assetId, String market, long timestampMillis, List<String[]> bids,
                 List<String[]> asks, List<Change> changes) {
    }

    /** One {@code price_changes} entry. */
    record Change(String assetId, String price, String size, String side) {
    }

    private final String assetId;
    private String market;
    private long timestampMillis;
    /** price -> size text; bids and asks. */
    private final TreeMap<BigDecimal, String> bids = new TreeMap<>();
    private final TreeMap<BigDecimal, String> asks = new TreeMap<>();
    /** The recorded text of the last {@code book} when nothing changed since; null otherwise. */
    private String recordedText;

    ServerBook(String assetId) {
        this.assetId = assetId;
    }

    String assetId() {
        return assetId;
    }

    boolean empty() {
        return market == null;
    }

    /** Applies this asset's part of an event; {@code text} is the message's text (kept for a verbatim snapshot). */
    void apply(Event e, String text) {
        if (e.type().equals("book") && assetId.equals(e.assetId())) {
            bids.clear();
            asks.clear();
            for (String[] l : e.bids()) {
                put(bids, l[0], l[1]);
            }
            for (String[] l : e.asks()) {
                put(asks, l[0], l[1]);
            }
            market = e.market();
            timestampMillis = e.timestampMillis();
            recordedText = text.startsWith("{") ? text : null;
        } else if (e.type().equals("price_change")) {
            for (Change c : e.changes()) {
                if (assetId.equals(c.assetId())) {
                    put("BUY".equals(c.side()) ? bids : asks, c.price(), c.size());
                    market = e.market();
                    timestampMillis = e.timestampMillis();
                    recordedText = null;
                }
            }
        }
    }

    private static void put(TreeMap<BigDecimal, String> side, String price, String size) {
        BigDecimal p = new BigDecimal(price);
        if (new BigDecimal(size).signum() == 0) {
            side.remove(p);
        } else {
            side.put(p, size);
        }
    }

    /** This book of a binary market's other token: bid p becomes ask 1 - p, same sizes. */
    ServerBook mirrored(String otherAssetId) {
        ServerBook m = new ServerBook(otherAssetId);
        m.market = market;
        m.timestampMillis = timestampMillis;
        for (Map.Entry<BigDecimal, String> e : bids.entrySet()) {
            m.asks.put(BigDecimal.ONE.subtract(e.getKey()).stripTrailingZeros(), e.getValue());
        }
        for (Map.Entry<BigDecimal, String> e : asks.entrySet()) {
            m.bids.put(BigDecimal.ONE.subtract(e.getKey()).stripTrailingZeros(), e.getValue());
        }
        return m;
    }

    /** Bids best first as {price, size} texts. */
    List<String[]> bidLevels() {
        List<String[]> out = new ArrayList<>();
        bids.descendingMap().forEach((p, s) -> out.add(new String[] {p.toPlainString(), s}));
        return out;
    }

    /** Asks best first as {price, size} texts. */
    List<String[]> askLevels() {
        List<String[]> out = new ArrayList<>();
        asks.forEach((p, s) -> out.add(new String[] {p.toPlainString(), s}));
        return out;
    }

    /**
     * The current state as a {@code book} message: the recorded text when unchanged since it, otherwise built in
     * Polymarket's shape (bids ascending, asks descending, numbers as strings) without a {@code hash}.
     */
    String snapshotJson() {
        if (recordedText != null) {
            return recordedText;
        }
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("market", market);
            g.writeStringField("asset_id", assetId);
            g.writeStringField("timestamp", Long.toString(timestampMillis));
            g.writeArrayFieldStart("bids");
            for (Map.Entry<BigDecimal, String> e : bids.entrySet()) {
                level(g, e);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("asks");
            for (Map.Entry<BigDecimal, String> e : asks.descendingMap().entrySet()) {
                level(g, e);
            }
            g.writeEndArray();
            g.writeStringField("event_type", "book");
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    private static void level(JsonGenerator g, Map.Entry<BigDecimal, String> e) throws IOException {
        g.writeStartObject();
        g.writeStringField("price", e.getKey().toPlainString());
        g.writeStringField("size", e.getValue());
        g.writeEndObject();
    }

    /** The events of one message text (an object or an array of objects). */
    static List<Event> events(String text) throws IOException {
        List<Event> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                    out.add(event(p));
                }
            } else if (t == JsonToken.START_OBJECT) {
                out.add(event(p));
            } else {
                throw new IOException("not a JSON object or array");
            }
        }
        return out;
    }

    private static Event event(JsonParser p) throws IOException {
        String type = null;
        String asset = null;
        String market = null;
        long ts = 0;
        List<String[]> bids = new ArrayList<>();
        List<String[]> asks = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "event_type" -> type = p.getText();
                case "asset_id" -> asset = p.getText();
                case "market" -> market = p.getText();
                case "timestamp" -> ts = v == JsonToken.VALUE_NULL ? 0 : Long.parseLong(p.getText());
                case "bids", "buys" -> levels(p, bids);
                case "asks", "sells" -> levels(p, asks);
                case "price_changes" -> {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String a = null;
                        String price = null;
                        String size = null;
                        String side = null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            switch (f) {
                                case "asset_id" -> a = p.getText();
                                case "price" -> price = p.getText();
                                case "size" -> size = p.getText();
                                case "side" -> side = p.getText();
                                default -> p.skipChildren();
                            }
                        }
                        changes.add(new Change(a, price, size, side));
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            type = changes.isEmpty() ? (bids.isEmpty() && asks.isEmpty() ? "" : "book") : "price_change";
        }
        return new Event(type, asset, market, ts, bids, asks, changes);
    }

    private static void levels(JsonParser p, List<String[]> out) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String price = null;
            String size = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "price" -> price = p.getText();
                    case "size" -> size = p.getText();
                    default -> p.skipChildren();
                }
            }
            out.add(new String[] {price, size});
        }
    }
}
