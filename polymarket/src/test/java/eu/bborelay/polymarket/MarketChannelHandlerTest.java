package eu.bborelay.polymarket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decoder and the book rules on edge cases, without a network (the handler is what the read thread runs). */
class MarketChannelHandlerTest {
    private static final String A = "11";
    private static final String B = "22";
    private final PolymarketStats stats = new PolymarketStats();
    private final RecordingListener listener = new RecordingListener();
    private MarketChannelHandler handler;
    private AssetTable.Asset a;

    @BeforeEach
    void setUp() {
        handler = new MarketChannelHandler(listener, stats);
        a = new AssetTable.Asset(A);
        handler.assets(new AssetTable(List.of(a, new AssetTable.Asset(B))));
        handler.connected();
    }

    private static String book(String asset, long ts, String bids, String asks) {
        return "{\"event_type\":\"book\",\"asset_id\":\"" + asset + "\",\"market\":\"0xm\",\"timestamp\":\"" + ts
                + "\",\"bids\":[" + bids + "],\"asks\":[" + asks + "]}";
    }

    @Test
    void deepBooksAndLongPriceChangesGrowTheScratchArrays() {
        StringBuilder bids = new StringBuilder();
        StringBuilder asks = new StringBuilder();
        for (int i = 1; i <= 300; i++) { // more than the initial 64 levels per side
            bids.append(i == 1 ? "" : ",").append("{\"price\":\"0.").append(String.format("%04d", i))
                    .append("\",\"size\":\"").append(i).append("\"}");
            asks.append(i == 1 ? "" : ",").append("{\"price\":\"0.").append(5000 + i).append("\",\"size\":\"1\"}");
        }
        handler.onText(book(A, 1, bids.toString(), asks.toString()), 5);
        BookSnapshot s = a.book.snapshot();
        assertEquals(300, s.bidCount());
        assertEquals(300, s.askCount());
        assertEquals(30_000, s.bestBid()); // 0.0300
        assertEquals(300_000_000L, s.bidSize(0));
        assertEquals(500_100, s.bestAsk());

        StringBuilder changes = new StringBuilder();
        for (int i = 1; i <= 20; i++) { // more than the initial 8 entries: remove the 20 best bids
            changes.append(i == 1 ? "" : ",").append("{\"asset_id\":\"").append(A).append("\",\"price\":\"0.")
                    .append(String.format("%04d", 301 - i)).append("\",\"size\":\"0\",\"side\":\"BUY\",\"hash\":\"h")
                    .append(i).append("\"}");
        }
        handler.onText("{\"market\":\"0xm\",\"price_changes\":[" + changes + "],\"timestamp\":\"2\","
                + "\"event_type\":\"price_change\"}", 6);
        s = a.book.snapshot();
        assertEquals(280, s.bidCount());
        assertEquals(28_000, s.bestBid());
        assertEquals("h20", s.hash(), "the hash of the asset's last entry");
        assertEquals(2, listener.bookEvents(A), "one onBook per message and asset");
        assertEquals(0, stats.malformed() + stats.invalidValues());
    }

    @Test
    void numbersMayBeJsonNumbersButMustBeExact() {
        handler.onText("{\"event_type\":\"book\",\"asset_id\":\"11\",\"timestamp\":1,\"bids\":[{\"price\":0.25,"
                + "\"size\":10}],\"asks\":[]}", 1);
        assertEquals(250_000, a.book.snapshot().bestBid());
        handler.onText("{\"event_type\":\"price_change\",\"timestamp\":\"2\",\"price_changes\":[{\"asset_id\":\"11\","
                + "\"price\":\"0.2500001\",\"size\":\"1\",\"side\":\"BUY\"}]}", 2);
        assertEquals(1, stats.invalidValues(), "7 decimal places are not exact in millionths: event dropped");
        handler.onText("{\"event_type\":\"price_change\",\"timestamp\":\"2\",\"price_changes\":[{\"asset_id\":\"11\","
                + "\"price\":\"0.3\",\"size\":\"1\",\"side\":\"HOLD\"}]}", 2);
        assertEquals(2, stats.invalidValues(), "an unknown side drops the event");
        handler.onText("{\"event_type\":\"book\",\"bids\":[],\"asks\":[]}", 3);
        assertEquals(3, stats.invalidValues(), "a book without asset_id");
        assertEquals(250_000, a.book.snapshot().bestBid(), "nothing invalid was applied");
        assertEquals(10_000_000, a.book.snapshot().bidSize(0));
    }

    @Test
    void anOlderSnapshotDoesNotReplaceASyncedBook() {
        handler.onText(book(A, 100, "{\"price\":\"0.4\",\"size\":\"5\"}", ""), 1);
        handler.onText(book(A, 99, "{\"price\":\"0.3\",\"size\":\"5\"}", ""), 2);
        assertEquals(1, stats.staleSnapshots());
        assertEquals(400_000, a.book.snapshot().bestBid());
        handler.disconnected();
        handler.connected();
        handler.onText(book(A, 98, "{\"price\":\"0.2\",\"size\":\"5\"}", ""), 3);
        assertEquals(200_000, a.book.snapshot().bestBid(), "after a reconnect any snapshot syncs");
        assertTrue(a.book.snapshot().synced());
    }

    @Test
    void aChangeOfOneAssetLeavesTheOtherUntouchedAndUnsyncedAssetsDropTheirEntries() {
        handler.onText(book(A, 1, "{\"price\":\"0.4\",\"size\":\"5\"}", "{\"price\":\"0.6\",\"size\":\"5\"}"), 1);
        handler.onText("{\"event_type\":\"price_change\",\"market\":\"0xm\",\"timestamp\":\"2\",\"price_changes\":["
                + "{\"asset_id\":\"22\",\"price\":\"0.4\",\"size\":\"7\",\"side\":\"SELL\"},"
                + "{\"asset_id\":\"11\",\"price\":\"0.6\",\"size\":\"0\",\"side\":\"SELL\","
                + "\"best_bid\":\"0.4\",\"best_ask\":\"0.7\"}]}", 2);
        assertEquals(1, stats.changesWhileUnsynced(), "B has no snapshot yet");
        BookSnapshot s = a.book.snapshot();
        assertEquals(0, s.askCount());
        assertEquals(1, stats.bestMismatches(), "Polymarket said best ask 0.7, the local book has none");
        assertEquals("price_change", s.eventType());
        assertEquals(2, s.exchangeTimestampMillis());
        assertEquals(2, s.receiveEpochNanos());
        assertNull(s.hash());
        assertFalse(s.crossed());
    }
}
