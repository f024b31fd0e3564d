package eu.bborelay.polymarket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/** Test oracle: a recorded {@code book} message's levels, via BigDecimal (independent of {@link Decimals}). */
final class ExpectedBooks {
    private ExpectedBooks() {
    }

    static BookSnapshot fromBookMessage(String json) throws IOException {
        TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
        TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        String asset = null;
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "asset_id" -> asset = p.getText();
                    case "bids", "asks" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            BigDecimal price = null;
                            BigDecimal size = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                p.nextToken();
                                if (f.equals("price")) {
                                    price = new BigDecimal(p.getText());
                                } else if (f.equals("size")) {
                                    size = new BigDecimal(p.getText());
                                }
                            }
                            (name.equals("bids") ? bids : asks).put(price, size);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        return of(asset, bids, asks);
    }

    /** The binary market's other token: bid p becomes ask 1 - p with the same size. */
    static BookSnapshot mirrored(BookSnapshot b, String otherAsset) {
        TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
        TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        for (int i = 0; i < b.askCount(); i++) {
            bids.put(BigDecimal.ONE.subtract(Decimals.toBigDecimal(b.askPrice(i))), Decimals.toBigDecimal(b.askSize(i)));
        }
        for (int i = 0; i < b.bidCount(); i++) {
            asks.put(BigDecimal.ONE.subtract(Decimals.toBigDecimal(b.bidPrice(i))), Decimals.toBigDecimal(b.bidSize(i)));
        }
        return of(otherAsset, bids, asks);
    }

    private static BookSnapshot of(String asset, TreeMap<BigDecimal, BigDecimal> bids,
                                   TreeMap<BigDecimal, BigDecimal> asks) {
        long[] bp = new long[bids.size()];
        long[] bs = new long[bids.size()];
        int i = 0;
        for (Map.Entry<BigDecimal, BigDecimal> e : bids.descendingMap().entrySet()) {
            bp[i] = millionths(e.getKey());
            bs[i++] = millionths(e.getValue());
        }
        long[] ap = new long[asks.size()];
        long[] as = new long[asks.size()];
        i = 0;
        for (Map.Entry<BigDecimal, BigDecimal> e : asks.entrySet()) {
            ap[i] = millionths(e.getKey());
            as[i++] = millionths(e.getValue());
        }
        return new BookSnapshot(asset, null, bp, bs, ap, as, true, false, 0, 0, "book", null, 0, 0);
    }

    static long millionths(BigDecimal d) {
        return d.movePointRight(Decimals.SCALE_DIGITS).longValueExact();
    }
}
