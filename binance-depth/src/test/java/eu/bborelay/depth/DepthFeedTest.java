package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DepthFeedTest {

    @Test
    void rawTextOfARecordingSyncsTheBook() {
        RecordingDepthBookListener rec = new RecordingDepthBookListener();
        DepthFeed feed = new DepthFeed(new DepthParser())
                .add(new DepthBook(DepthBook.Market.USDM, "BTCUSDT", 8, 8, rec, rec));
        RecordedBinance.forEachMessage(json -> {
            if (RecordedBinance.isSnapshot(json)) {
                assertTrue(feed.onSnapshot("BTCUSDT", json));
            } else {
                feed.onMessage(json);
            }
        }, RecordedBinance.USDM_20240718, RecordedBinance.USDM_20240719);
        DepthBook book = feed.book("BTCUSDT");
        assertTrue(book.isSynced());
        assertEquals(0, book.breaks());
        assertEquals(3326 + 5696, feed.depthEvents());
        assertEquals(7113 + 974 + 45147 + 9727, feed.otherMessages());
        assertEquals(0, feed.malformedMessages());
        assertEquals(1, rec.requests);
    }

    @Test
    void malformedAndForeignMessagesDisturbNothingElse() {
        RecordingDepthBookListener rec = new RecordingDepthBookListener();
        DepthFeed feed = new DepthFeed(new DepthParser())
                .add(new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", 8, 8, rec, rec));
        assertTrue(feed.onSnapshot("BTCUSDT", "{\"lastUpdateId\":10,\"bids\":[[\"1.0\",\"1\"]],\"asks\":[[\"2.0\",\"1\"]]}"));
        assertEquals(DepthParser.Result.DEPTH_UPDATE, feed.onMessage(
                "{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"U\":11,\"u\":11,\"b\":[[\"1.0\",\"2\"]],\"a\":[]}"));
        assertEquals(DepthParser.Result.MALFORMED, feed.onMessage("{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"U\":12,"
                + "\"u\":12,\"b\":[[\"1.0\",\"x\"]],\"a\":[]}"));
        assertEquals(DepthParser.Result.DEPTH_UPDATE, feed.onMessage(
                "{\"e\":\"depthUpdate\",\"s\":\"ETHUSDT\",\"U\":1,\"u\":1,\"b\":[],\"a\":[]}"));
        assertEquals(DepthParser.Result.PARTIAL_DEPTH, feed.onMessage("{\"stream\":\"btcusdt@depth20@100ms\",\"data\":"
                + "{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"U\":5,\"u\":99,\"pu\":4,\"b\":[],\"a\":[]}}"));
        assertEquals(1, feed.partialDepthMessages());
        assertEquals(11, feed.book("BTCUSDT").updateId());
        assertEquals(1, feed.malformedMessages());
        assertEquals(1, feed.unknownSymbolEvents());
        DepthBook book = feed.book("BTCUSDT");
        assertTrue(book.isSynced()); // the malformed message is only noticed at the next event, as a gap
        feed.onMessage("{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"U\":13,\"u\":13,\"b\":[],\"a\":[]}");
        assertFalse(book.isSynced());
        assertEquals(1, book.breaks(BreakReason.GAP));
        assertFalse(feed.onSnapshot("BTCUSDT", "{\"code\":-1003,\"msg\":\"Too many requests\"}"));
        assertEquals(1, feed.badSnapshots());
        assertEquals(1, book.snapshotFailures());
        assertThrows(IllegalArgumentException.class, () -> feed.onSnapshot("XRPUSDT", "{}"));
        assertThrows(IllegalArgumentException.class,
                () -> feed.add(new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", 8, 8, rec, rec)));
        assertThrows(IllegalArgumentException.class,
                () -> feed.add(new DepthBook(DepthBook.Market.SPOT, "ETHUSDT", 2, 8, rec, rec)));
    }
}
