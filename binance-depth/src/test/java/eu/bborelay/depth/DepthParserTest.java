package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DepthParserTest {
    private final DepthParser parser = new DepthParser();
    private final DepthEvent event = new DepthEvent();
    private final DepthSnapshot snapshot = new DepthSnapshot();

    @Test
    void spotCombinedStreamEvent() {
        String json = "{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":1723161255208,"
                + "\"s\":\"BTCUSDT\",\"U\":50093239189,\"u\":50093239202,\"b\":[[\"61737.63000000\",\"0.00000000\"],"
                + "[\"56854.58000000\",\"0.00000000\"]],\"a\":[[\"61837.64000000\",\"1.54698000\"]]}}";
        assertEquals(DepthParser.Result.DEPTH_UPDATE, parser.parseEvent(json, event));
        assertEquals("BTCUSDT", event.symbol());
        assertEquals(1723161255208L, event.eventTimeMs());
        assertEquals(DepthEvent.ABSENT, event.transactionTimeMs());
        assertEquals(50093239189L, event.firstUpdateId());
        assertEquals(50093239202L, event.finalUpdateId());
        assertEquals(DepthEvent.ABSENT, event.prevFinalUpdateId());
        assertEquals(2, event.bids().count());
        assertEquals(6_173_763_000_000L, event.bids().price(0));
        assertEquals(0, event.bids().quantity(0));
        assertEquals(1, event.asks().count());
        assertEquals(154_698_000L, event.asks().quantity(0));
    }

    @Test
    void futuresRawEventWithPreviousIdAndCoinMFields() {
        String json = "{\"e\":\"depthUpdate\",\"E\":1723161256299,\"T\":1723161256298,\"s\":\"BTCUSD_PERP\","
                + "\"ps\":\"BTCUSD\",\"U\":5123107832006,\"u\":5123107837557,\"pu\":5123107831937,"
                + "\"b\":[[\"58710.20\",\"0.014\"]],\"a\":[]}";
        assertEquals(DepthParser.Result.DEPTH_UPDATE, parser.parseEvent(json, event));
        assertEquals("BTCUSD_PERP", event.symbol());
        assertEquals(1723161256298L, event.transactionTimeMs());
        assertEquals(5123107831937L, event.prevFinalUpdateId());
        assertEquals(5_871_020_000_000L, event.bids().price(0));
        assertEquals(1_400_000L, event.bids().quantity(0));
        assertEquals(0, event.asks().count());
    }

    @Test
    void otherStreamsAreNotDepth() {
        assertEquals(DepthParser.Result.NOT_DEPTH, parser.parseEvent("{\"stream\":\"btcusdt@bookTicker\",\"data\":"
                + "{\"u\":50093239212,\"s\":\"BTCUSDT\",\"b\":\"61837.63000000\",\"B\":\"3.78826000\","
                + "\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}", event));
        assertEquals(DepthParser.Result.NOT_DEPTH, parser.parseEvent("{\"stream\":\"btcusdt@bookTicker\",\"data\":"
                + "{\"e\":\"bookTicker\",\"u\":5123107839020,\"s\":\"BTCUSDT\",\"b\":\"61800.20\",\"B\":\"2.507\","
                + "\"a\":\"61800.30\",\"A\":\"2.510\",\"T\":1723161256313,\"E\":1723161256313}}", event));
        assertEquals(DepthParser.Result.NOT_DEPTH, parser.parseEvent("{\"stream\":\"btcusdt@trade\",\"data\":"
                + "{\"e\":\"trade\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"t\":5,\"p\":\"61800.30\",\"q\":\"0.006\","
                + "\"m\":false}}", event));
        assertEquals(DepthParser.Result.NOT_DEPTH, parser.parseEvent("{\"result\":null,\"id\":1}", event));
    }

    @Test
    void partialDepthStreamsAreNeverDiffs() {
        // futures partial depth looks like a diff (e, U, u, pu, b, a): only the stream name tells them apart
        assertEquals(DepthParser.Result.PARTIAL_DEPTH, parser.parseEvent("{\"stream\":\"btcusdt@depth20@100ms\","
                + "\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"U\":10,\"u\":20,\"pu\":9,"
                + "\"b\":[[\"1.0\",\"1\"]],\"a\":[[\"2.0\",\"1\"]]}}", event));
        assertEquals(DepthParser.Result.PARTIAL_DEPTH, parser.parseEvent("{\"stream\":\"btcusdt@depth5\",\"data\":"
                + "{\"lastUpdateId\":160,\"bids\":[[\"0.0024\",\"10\"]],\"asks\":[[\"0.0026\",\"100\"]]}}", event));
        assertEquals(DepthParser.Result.DEPTH_UPDATE, parser.parseEvent("{\"stream\":\"btcusdt@depth@500ms\","
                + "\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"U\":10,\"u\":20,\"b\":[],\"a\":[]}}",
                event));
        assertEquals(DepthParser.Result.DEPTH_UPDATE, parser.parseEvent("{\"stream\":\"btcusdt@depth\","
                + "\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"BTCUSDT\",\"U\":10,\"u\":20,\"b\":[],\"a\":[]}}",
                event));
    }

    @Test
    void malformedEventsSayWhy() {
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"X\",\"U\":1,"
                + "\"u\":2,\"b\":[[\"1.000000001\",\"1\"]],\"a\":[]}", event));
        assertTrue(parser.error().contains("not a plain decimal"), parser.error());
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"X\",\"U\":1,"
                + "\"b\":[],\"a\":[]}", event));
        assertTrue(parser.error().contains("u"), parser.error());
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"X\",\"U\":3,"
                + "\"u\":2,\"b\":[],\"a\":[]}", event));
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"X\",\"U\":1,"
                + "\"u\":2,\"b\":[[\"1.0\",\"1\"]", event));
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"X\",\"U\":\"1\","
                + "\"u\":2,\"b\":[],\"a\":[]}", event)); // U not a number
        assertEquals("depthUpdate without U", parser.error());
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("[1,2]", event));
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("", event));
        assertEquals(DepthParser.Result.MALFORMED, parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"X\",\"U\":1,"
                + "\"u\":2,\"b\":[[\"-1.0\",\"1\"]],\"a\":[]}", event));
    }

    @Test
    void symbolStringIsReusedWhileItRepeats() {
        String json = "{\"e\":\"depthUpdate\",\"E\":1,\"s\":\"ETHUSDT\",\"U\":1,\"u\":2,\"b\":[],\"a\":[]}";
        parser.parseEvent(json, event);
        String first = event.symbol();
        parser.parseEvent(json, event);
        assertSame(first, event.symbol());
    }

    @Test
    void spotSnapshot() {
        assertTrue(parser.parseSnapshot("{\"lastUpdateId\":50093239218,\"bids\":[[\"61837.63000000\",\"3.78826000\"],"
                + "[\"61837.62000000\",\"0.61700000\"]],\"asks\":[[\"61837.64000000\",\"1.54698000\"]]}", snapshot),
                parser.error());
        assertEquals(50093239218L, snapshot.lastUpdateId());
        assertEquals(DepthEvent.ABSENT, snapshot.eventTimeMs());
        assertEquals(2, snapshot.bids().count());
        assertEquals(378_826_000L, snapshot.bids().quantity(0));
        assertEquals(1, snapshot.asks().count());
    }

    @Test
    void futuresSnapshotWithTimesAndPythonSpacing() {
        assertTrue(parser.parseSnapshot("{\"lastUpdateId\": 2710246765483, \"E\": 1680652700590, \"T\": 1680652700580,"
                + " \"bids\": [[\"28145.10\", \"3.818\"]], \"asks\": [[\"28145.20\", \"1.5\"]]}", snapshot));
        assertEquals(2710246765483L, snapshot.lastUpdateId());
        assertEquals(1680652700590L, snapshot.eventTimeMs());
        assertEquals(1680652700580L, snapshot.transactionTimeMs());
    }

    @Test
    void snapshotErrorsAreRefused() {
        assertFalse(parser.parseSnapshot("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", snapshot));
        assertEquals("Binance error -1121: Invalid symbol.", parser.error());
        assertFalse(parser.parseSnapshot("{\"lastUpdateId\":1,\"bids\":[]}", snapshot));
        assertEquals("snapshot without asks", parser.error());
        assertFalse(parser.parseSnapshot("<html>", snapshot));
        assertFalse(parser.parseSnapshot("{\"lastUpdateId\":1,\"bids\":[[\"x\",\"1\"]],\"asks\":[]}", snapshot));
    }

    @Test
    void parsesEveryRecordedDepthMessageAndSnapshot() {
        int[] counts = new int[3];
        RecordedBinance.forEachMessage(json -> {
            if (RecordedBinance.isSnapshot(json)) {
                assertTrue(parser.parseSnapshot(json, snapshot), parser.error());
                counts[0]++;
            } else if (RecordedBinance.isDepth(json)) {
                assertEquals(DepthParser.Result.DEPTH_UPDATE, parser.parseEvent(json, event), parser.error());
                counts[1]++;
            } else {
                assertEquals(DepthParser.Result.NOT_DEPTH, parser.parseEvent(json, event), json);
                counts[2]++;
            }
        }, RecordedBinance.SPOT_20240808, RecordedBinance.USDM_20230404,
                "cryptofeed_usdm_4symbols_bookTicker-aggTrade-depth100ms-kline_20210722.ndjson.gz",
                "cryptofeed_spot_4symbols_bookTicker-aggTrade-depth100ms-kline_20211012.ndjson.gz");
        assertEquals(2, counts[0]);
        assertEquals(3451 + 4322 + 764 + 177, counts[1]);
        assertTrue(counts[2] > 30_000);
    }
}
