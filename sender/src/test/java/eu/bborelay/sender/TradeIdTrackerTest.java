package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TradeIdTracker}: duplicates, exchange gaps per symbol and kind, and holes of aggTrades handed on. */
class TradeIdTrackerTest {
    @Test
    void consecutiveIdsAreNoGapAndRepeatedOnesAreDuplicates() {
        TradeIdTracker ids = new TradeIdTracker(List.of("BTCUSDT"), null);
        assertTrue(ids.take(0, false, 100), "the first trade reveals nothing");
        assertTrue(ids.take(0, false, 101));
        assertFalse(ids.take(0, false, 101), "duplicate");
        assertFalse(ids.take(0, false, 50), "older: a duplicate of the other connection");
        assertEquals(101, ids.lastTradeId(0));
        assertEquals(0, ids.tradeIdGaps());
        assertEquals(0, ids.holes());
    }

    @Test
    void aJumpCountsTheMissingIdsPerKindAndSymbol() {
        TradeIdTracker ids = new TradeIdTracker(List.of("BTCUSDT", "ETHUSDT"), null);
        ids.take(0, false, 10);
        ids.take(0, false, 13); // 11, 12 missing
        ids.take(1, false, 500);
        ids.take(1, false, 501);
        ids.take(0, true, 7);
        ids.take(0, true, 9); // 8 missing
        ids.take(1, true, 1_000); // first aggTrade of ETHUSDT: nothing to compare with
        assertEquals(2, ids.tradeIdGaps());
        assertEquals(1, ids.aggIdGaps());
        assertEquals(2, ids.holes());
        assertEquals(9, ids.lastAggId(0));
        assertEquals(TradeIdTracker.NONE, new TradeIdTracker(List.of("X"), null).lastAggId(0));
    }

    @Test
    void aHoleOfAggTradesGoesToTheBackfillAndOneOfTradesDoesNot() {
        AggTradeBackfill backfill = new AggTradeBackfill(URI.create("http://127.0.0.1:9/api/v3/aggTrades"), 600,
                t -> { }); // not started: holes only wait
        try {
            TradeIdTracker ids = new TradeIdTracker(List.of("BTCUSDT"), backfill);
            ids.take(0, true, 1);
            ids.take(0, true, 5); // 2..4
            ids.take(0, false, 1);
            ids.take(0, false, 3); // trade 2: counted, not fetched
            assertEquals(3, backfill.requested());
            assertEquals(1, ids.tradeIdGaps());
        } finally {
            backfill.close();
        }
        assertEquals(3, backfill.unfilled(), "holes still waiting at close are unfilled");
    }
}
