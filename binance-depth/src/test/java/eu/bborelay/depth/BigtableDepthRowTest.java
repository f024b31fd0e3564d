package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BigtableDepthRowTest {
    @Test
    void rowKeyIsTheOriginalsInvertedEpoch() {
        assertEquals("8231946041#BTCUSDT", BigtableDepthRow.rowKey(1_768_053_959L, "BTCUSDT")); // 002's example
        assertEquals(1_768_053_959L, BigtableDepthRow.epochSecondOf("8231946041#BTCUSDT"));
        // newer rows sort first
        String older = BigtableDepthRow.rowKey(1_768_053_959L, "BTCUSDT");
        String newer = BigtableDepthRow.rowKey(1_768_053_960L, "BTCUSDT");
        assertEquals(-1, Integer.signum(newer.compareTo(older)));
        assertThrows(IllegalArgumentException.class, () -> BigtableDepthRow.rowKey(0, "BTCUSDT"));
        assertThrows(IllegalArgumentException.class, () -> BigtableDepthRow.rowKey(10_000_000_000L, "BTCUSDT"));
        assertThrows(IllegalArgumentException.class, () -> BigtableDepthRow.rowKey(1, "A#B"));
    }

    @Test
    void cellsOfOneSnapshot() {
        OrderBook b = new OrderBook(8, 8, 4);
        b.bids().set(Decimals.parse("90538.46", 8), Decimals.parse("1.5", 8));
        b.asks().set(Decimals.parse("90538.47", 8), Decimals.parse("2", 8));
        DepthBucketSnapshot s = new DepthBucketSnapshot(2);
        new DepthBuckets(0.00002, 2).compute(b, "BTCUSDT", 1_768_054_365L, s);
        BigtableDepthRow row = BigtableDepthRow.of(s, 1_768_054_365_250L);
        assertEquals("8231945635#BTCUSDT", row.rowKey());
        assertEquals("90538.465", row.price());
        assertEquals("1768054365.25", row.timestamp());
        assertEquals(s.toJson(), row.orderbook());
        assertEquals("{\"epoch\":1768054365,\"best_bid\":90538.46,\"best_ask\":90538.47,\"bid_buckets\":[135807.69,0.0],"
                + "\"ask_buckets\":[181076.94,0.0],\"step_pct\":0.002,\"num_steps\":2}", row.orderbook());
        Map<String, byte[]> cells = row.cells();
        assertEquals(List.of("price", "orderbook", "timestamp"), List.copyOf(cells.keySet()));
        assertEquals("90538.465", new String(cells.get("price"), StandardCharsets.UTF_8));
        assertEquals("binance_btc_depth", BigtableDepthRow.TABLE);
        assertEquals("data", BigtableDepthRow.FAMILY);
        assertEquals("1768054365", BigtableDepthRow.of(s, 1_768_054_365_000L).timestamp());
        // notionals above 1e7 stay in plain notation
        b.bids().set(Decimals.parse("90538.46", 8), Decimals.parse("150", 8));
        new DepthBuckets(0.00002, 2).compute(b, "BTCUSDT", 1_768_054_365L, s);
        String json = s.toJson();
        assertTrue(json.contains("\"bid_buckets\":[" + java.math.BigDecimal.valueOf(90538.46 * 150).toPlainString()
                + ",0.0]") && json.contains("[13580769.") && !json.contains("E"), json);
    }
}
