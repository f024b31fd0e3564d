package eu.bborelay.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tests' own order book, independent of binance-depth: {@link BigDecimal} levels in two {@link TreeMap}s, loaded
 * from a snapshot body and changed by depth diffs (absolute quantities, 0 removes). Also parses the REST answers
 * ({@link #parseSnapshot}) and the fields of diffs ({@link Diff#parse}).
 */
final class ReferenceBook {
    private static final JsonFactory JSON = new JsonFactory();

    final TreeMap<BigDecimal, String[]> bids = new TreeMap<>(Comparator.reverseOrder()); // price -> {price, qty} text
    final TreeMap<BigDecimal, String[]> asks = new TreeMap<>();
    long lastUpdateId;

    /** A parsed snapshot body or diff: ids and levels as text pairs. */
    static final class Parsed {
        long lastUpdateId = -1;
        long firstUpdateId = -1;
        long finalUpdateId = -1;
        long eventTime = -1;
        long transactionTime = -1;
        final Map<String, Boolean> fields = new TreeMap<>();
        final List<String[]> bids = new ArrayList<>();
        final List<String[]> asks = new ArrayList<>();
    }

    /** Parses a REST snapshot body, or the {@code data} object of a depth diff. */
    static Parsed parse(String json) {
        Parsed p = new Parsed();
        try (JsonParser jp = JSON.createParser(json)) {
            jp.nextToken();
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                String name = jp.currentName();
                jp.nextToken();
                p.fields.put(name, true);
                switch (name) {
                    case "lastUpdateId" -> p.lastUpdateId = jp.getLongValue();
                    case "U" -> p.firstUpdateId = jp.getLongValue();
                    case "u" -> p.finalUpdateId = jp.getLongValue();
                    case "E" -> p.eventTime = jp.getLongValue();
                    case "T" -> p.transactionTime = jp.getLongValue();
                    case "bids", "b" -> levels(jp, p.bids);
                    case "asks", "a" -> levels(jp, p.asks);
                    default -> jp.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static void levels(JsonParser jp, List<String[]> into) throws IOException {
        while (jp.nextToken() == JsonToken.START_ARRAY) {
            jp.nextToken();
            String price = jp.getText();
            jp.nextToken();
            String qty = jp.getText();
            jp.nextToken(); // END_ARRAY
            into.add(new String[] {price, qty});
        }
    }

    static ReferenceBook of(Parsed snapshot) {
        ReferenceBook b = new ReferenceBook();
        b.apply(snapshot.bids, snapshot.asks);
        b.lastUpdateId = snapshot.lastUpdateId;
        return b;
    }

    void applyDiff(Parsed diff) {
        apply(diff.bids, diff.asks);
        lastUpdateId = diff.finalUpdateId;
    }

    private void apply(List<String[]> bidLevels, List<String[]> askLevels) {
        for (String[] l : bidLevels) {
            set(bids, l);
        }
        for (String[] l : askLevels) {
            set(asks, l);
        }
    }

    private static void set(TreeMap<BigDecimal, String[]> side, String[] level) {
        BigDecimal price = new BigDecimal(level[0]);
        if (new BigDecimal(level[1]).signum() == 0) {
            side.remove(price);
        } else {
            side.put(price, level);
        }
    }

    /** The best {@code n} levels of a side as "price/qty" texts. */
    static List<String> top(TreeMap<BigDecimal, String[]> side, int n) {
        List<String> out = new ArrayList<>();
        for (String[] l : side.values()) {
            if (out.size() == n) {
                break;
            }
            out.add(l[0] + "/" + l[1]);
        }
        return out;
    }

    static List<String> texts(List<String[]> levels) {
        List<String> out = new ArrayList<>();
        for (String[] l : levels) {
            out.add(l[0] + "/" + l[1]);
        }
        return out;
    }
}
