package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link ExchangeGapTracker}: id holes, relay gaps taken out of them, fills and repeats. */
class ExchangeGapTrackerTest {
    @Test
    void aHoleWithoutRelayGapsIsAllExchangeGaps() {
        ExchangeGapTracker ids = new ExchangeGapTracker();
        assertEquals(0, ids.onTrade(true, 100, 0), "the first id reveals nothing");
        assertEquals(0, ids.onTrade(true, 101, 0));
        assertEquals(2, ids.onTrade(true, 104, 0), "102 and 103 never arrived");
        assertEquals(104, ids.highestAggId());
    }

    @Test
    void backfilledLateAndRepeatedIdsMoveNothing() {
        ExchangeGapTracker ids = new ExchangeGapTracker();
        ids.onTrade(true, 10, 0);
        assertEquals(1, ids.onTrade(true, 12, 0));
        assertEquals(0, ids.onTrade(true, 11, 0), "the backfilled 11 fills the hole");
        assertEquals(0, ids.onTrade(true, 12, 0));
        assertEquals(0, ids.onTrade(true, 13, 0), "12 is still the highest: 13 follows it");
        assertEquals(13, ids.highestAggId());
    }

    @Test
    void relayGapsSinceThePreviousTradeAreTakenOutOfTheHole() {
        ExchangeGapTracker ids = new ExchangeGapTracker();
        ids.onTrade(false, 1, 5);
        assertEquals(1, ids.onTrade(false, 5, 7), "3 ids missing, 2 seqs missing since: at least 1 exchange gap");
        assertEquals(0, ids.onTrade(false, 7, 20), "1 id missing, 13 seqs missing: the relay's");
        assertEquals(2, ids.onTrade(false, 10, 20), "no relay gap since the previous trade");
    }

    @Test
    void tradesAndAggTradesHaveTheirOwnIds() {
        ExchangeGapTracker ids = new ExchangeGapTracker();
        ids.onTrade(false, 1_000, 0);
        ids.onTrade(true, 5, 0);
        assertEquals(0, ids.onTrade(false, 1_001, 0));
        assertEquals(0, ids.onTrade(true, 6, 0));
        assertEquals(1_001, ids.highestTradeId());
        assertEquals(Long.MIN_VALUE, new ExchangeGapTracker().highestTradeId());
    }
}
