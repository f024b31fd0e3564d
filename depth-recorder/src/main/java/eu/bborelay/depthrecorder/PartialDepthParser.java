package eu.bborelay.depthrecorder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Parses a partial book depth message of the combined stream ({@code <symbol>@depth5/10/20[@speed]}) for the
 * {@code partial_orderbooks} table. Spot ("Partial Book Depth Streams"): {@code {"lastUpdateId":..,"bids":[[p,q],..],
 * "asks":[..]}}, no symbol and no time in the payload, so the symbol comes from the stream name. USD-M and COIN-M:
 * {@code {"e":"depthUpdate","E":..,"T":..,"s":..,"U":..,"u":..,"pu":..,"b":[..],"a":[..]}}; {@code last_update_id}
 * is then {@code u}. Prices and sizes go to doubles ({@link Double#parseDouble}: the nearest double to Binance's
 * decimal text). Not thread-safe: one instance on the book thread, its arrays reused.
 */
final class PartialDepthParser {
    static final long ABSENT = Long.MIN_VALUE;
    private static final JsonFactory JSON = new JsonFactory();

    String symbol;
    long eventTimeMs;
    long transactionTimeMs;
    long firstUpdateId;
    long lastUpdateId;
    long prevFinalUpdateId;
    double[] bidPrices = new double[32];
    double[] bidSizes = new double[32];
    int bidCount;
    double[] askPrices = new double[32];
    double[] askSizes = new double[32];
    int askCount;
    String error = "";

    /** @return true when the message was a partial depth message with an update id and both sides */
    boolean parse(String json) {
        symbol = null;
        eventTimeMs = ABSENT;
        transactionTimeMs = ABSENT;
        firstUpdateId = ABSENT;
        lastUpdateId = ABSENT;
        prevFinalUpdateId = ABSENT;
        bidCount = -1;
        askCount = -1;
        error = "";
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fail("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("stream")) {
                    String stream = p.getText();
                    int at = stream.indexOf('@');
                    if (symbol == null && at > 0) {
                        symbol = stream.substring(0, at).toUpperCase(Locale.ROOT);
                    }
                } else if (name.equals("data") && p.currentToken() == JsonToken.START_OBJECT) {
                    readData(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return fail("not valid JSON: " + e.getMessage());
        }
        if (symbol == null) {
            return fail("no symbol (neither a stream name nor \"s\")");
        }
        if (lastUpdateId == ABSENT || bidCount < 0 || askCount < 0) {
            return fail("partial depth without lastUpdateId/u, bids or asks");
        }
        return true;
    }

    private void readData(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "lastUpdateId", "u" -> lastUpdateId = p.getLongValue();
                case "U" -> firstUpdateId = p.getLongValue();
                case "pu" -> prevFinalUpdateId = p.getLongValue();
                case "E" -> eventTimeMs = p.getLongValue();
                case "T" -> transactionTimeMs = p.getLongValue();
                case "s" -> symbol = p.getText().toUpperCase(Locale.ROOT);
                case "bids", "b" -> bidCount = levels(p, t, true);
                case "asks", "a" -> askCount = levels(p, t, false);
                default -> p.skipChildren();
            }
        }
    }

    private int levels(JsonParser p, JsonToken start, boolean bids) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw new IOException("levels are not an array");
        }
        int n = 0;
        while (p.nextToken() == JsonToken.START_ARRAY) {
            p.nextToken();
            double price = Double.parseDouble(p.getText());
            p.nextToken();
            double size = Double.parseDouble(p.getText());
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
            if (bids) {
                if (n == bidPrices.length) {
                    bidPrices = Arrays.copyOf(bidPrices, n * 2);
                    bidSizes = Arrays.copyOf(bidSizes, n * 2);
                }
                bidPrices[n] = price;
                bidSizes[n] = size;
            } else {
                if (n == askPrices.length) {
                    askPrices = Arrays.copyOf(askPrices, n * 2);
                    askSizes = Arrays.copyOf(askSizes, n * 2);
                }
                askPrices[n] = price;
                askSizes[n] = size;
            }
            n++;
        }
        return n;
    }

    private boolean fail(String why) {
        error = why;
        return false;
    }
}
