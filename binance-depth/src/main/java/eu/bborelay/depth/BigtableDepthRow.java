package eu.bborelay.depth;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The original depth collector's Bigtable row ({@code 002}, "Bigtable Configuration"): table
 * {@value #TABLE}, row key {@code {10,000,000,000 − epoch seconds}#{symbol}} (e.g. {@code 8231946041#BTCUSDT} for
 * epoch 1768053959, so newer rows sort first), column family {@value #FAMILY} with columns {@value #COLUMN_PRICE}
 * (mid price), {@value #COLUMN_ORDERBOOK} (the buckets' JSON, {@link DepthBucketSnapshot#toJson()}) and
 * {@value #COLUMN_TIMESTAMP} (collection time, Unix seconds with a fraction). Cell values are UTF-8 text, as the
 * Python collector wrote them. A pure function of its inputs; module depth-bigtable ({@code BigtableDepthSink})
 * writes it.
 *
 * @param rowKey the row key
 * @param price the mid price as a plain decimal ({@code "61837.635"})
 * @param orderbook the buckets' JSON
 * @param timestamp collection time, Unix seconds as a plain decimal ({@code "1768054365.25"})
 */
public record BigtableDepthRow(String rowKey, String price, String orderbook, String timestamp) {
    /** 002's table. */
    public static final String TABLE = "binance_btc_depth";
    /** 002's column family. */
    public static final String FAMILY = "data";
    public static final String COLUMN_PRICE = "price";
    public static final String COLUMN_ORDERBOOK = "orderbook";
    public static final String COLUMN_TIMESTAMP = "timestamp";
    /** Row keys invert the epoch second against this. */
    public static final long INVERSION_BASE = 10_000_000_000L;

    /** {@code (10,000,000,000 − epochSecond) + "#" + symbol}; the epoch must be in (0, 10^10). */
    public static String rowKey(long epochSecond, String symbol) {
        if (epochSecond <= 0 || epochSecond >= INVERSION_BASE) {
            throw new IllegalArgumentException("epoch second out of range (0, 10^10): " + epochSecond);
        }
        if (symbol.isEmpty() || symbol.indexOf('#') >= 0) {
            throw new IllegalArgumentException("symbol must be non-empty without '#': " + symbol);
        }
        return (INVERSION_BASE - epochSecond) + "#" + symbol;
    }

    /** The epoch second of a row key made by {@link #rowKey}. */
    public static long epochSecondOf(String rowKey) {
        int hash = rowKey.indexOf('#');
        if (hash <= 0) {
            throw new IllegalArgumentException("not a depth row key: " + rowKey);
        }
        return INVERSION_BASE - Long.parseLong(rowKey.substring(0, hash));
    }

    /**
     * The row for one bucket snapshot.
     *
     * @param collectedEpochMillis wall-clock time the snapshot was taken, ms since the epoch
     */
    public static BigtableDepthRow of(DepthBucketSnapshot s, long collectedEpochMillis) {
        String ts = BigDecimal.valueOf(collectedEpochMillis, 3).stripTrailingZeros().toPlainString();
        return new BigtableDepthRow(rowKey(s.epochSecond(), s.symbol()), s.mid().toPlainString(), s.toJson(), ts);
    }

    /** The cells of family {@value #FAMILY}, column qualifier to UTF-8 value, in 002's column order. */
    public Map<String, byte[]> cells() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(COLUMN_PRICE, price.getBytes(StandardCharsets.UTF_8));
        m.put(COLUMN_ORDERBOOK, orderbook.getBytes(StandardCharsets.UTF_8));
        m.put(COLUMN_TIMESTAMP, timestamp.getBytes(StandardCharsets.UTF_8));
        return m;
    }
}
