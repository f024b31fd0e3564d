package eu.bborelay.depthrecorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Partial book depth messages in Binance's two shapes (spot and futures), as the combined stream sends them. */
class PartialDepthParserTest {
    private final PartialDepthParser parser = new PartialDepthParser();

    @Test
    void spotPartialHasLastUpdateIdAndTheSymbolFromTheStreamName() {
        assertTrue(parser.parse("{\"stream\":\"btcusdt@depth5@100ms\",\"data\":{\"lastUpdateId\":160,"
                + "\"bids\":[[\"0.0024\",\"10\"],[\"0.0023\",\"0.5\"]],\"asks\":[[\"0.0026\",\"100\"]]}}"),
                parser.error);
        assertEquals("BTCUSDT", parser.symbol);
        assertEquals(160, parser.lastUpdateId);
        assertEquals(PartialDepthParser.ABSENT, parser.eventTimeMs);
        assertEquals(PartialDepthParser.ABSENT, parser.firstUpdateId);
        assertEquals(2, parser.bidCount);
        assertEquals(0.0023, parser.bidPrices[1]);
        assertEquals(0.5, parser.bidSizes[1]);
        assertEquals(1, parser.askCount);
        assertEquals(100.0, parser.askSizes[0]);
    }

    @Test
    void futuresPartialHasTimesAndUpdateIds() {
        StringBuilder bids = new StringBuilder();
        for (int i = 0; i < 40; i++) { // more than the initial capacity
            bids.append(i == 0 ? "" : ",").append("[\"").append(60000 - i).append(".10\",\"0.00").append(i + 1)
                    .append("\"]");
        }
        assertTrue(parser.parse("{\"stream\":\"ethusdt@depth20@100ms\",\"data\":{\"e\":\"depthUpdate\","
                + "\"E\":1571889248277,\"T\":1571889248276,\"s\":\"ETHUSDT\",\"U\":390497796,\"u\":390497878,"
                + "\"pu\":390497794,\"b\":[" + bids + "],\"a\":[[\"7403.89\",\"0.002\"]]}}"), parser.error);
        assertEquals("ETHUSDT", parser.symbol);
        assertEquals(1571889248277L, parser.eventTimeMs);
        assertEquals(1571889248276L, parser.transactionTimeMs);
        assertEquals(390497796L, parser.firstUpdateId);
        assertEquals(390497878L, parser.lastUpdateId);
        assertEquals(390497794L, parser.prevFinalUpdateId);
        assertEquals(40, parser.bidCount);
        assertEquals(59961.10, parser.bidPrices[39]);
        assertEquals(0.0040, parser.bidSizes[39]); // "0.0040"
    }

    @Test
    void aMessageWithoutUpdateIdOrSidesIsRefusedWithAReason() {
        assertFalse(parser.parse("{\"stream\":\"btcusdt@depth5\",\"data\":{\"bids\":[],\"asks\":[]}}"));
        assertTrue(parser.error.contains("lastUpdateId"), parser.error);
        assertFalse(parser.parse("[1,2]"));
        assertFalse(parser.parse("{\"stream\":\"btcusdt@depth5\",\"data\":{\"lastUpdateId\":1,\"bids\":[[\"x\",\"1\"]],"
                + "\"asks\":[]}}"));
    }
}
