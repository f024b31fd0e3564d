package eu.bborelay.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamKindTest {
    @Test
    void depthKindsByTheirSuffix() {
        assertEquals(StreamKind.DEPTH_100MS, StreamKind.ofSuffix("depth@100ms"));
        assertEquals(StreamKind.PARTIAL_DEPTH20_100MS, StreamKind.ofSuffix("depth20@100ms"));
        assertTrue(StreamKind.DEPTH.diffDepth());
        assertTrue(StreamKind.DEPTH_0MS.diffDepth());
        assertFalse(StreamKind.DEPTH_0MS.partialDepth());
        assertTrue(StreamKind.PARTIAL_DEPTH20.partialDepth());
        assertFalse(StreamKind.PARTIAL_DEPTH5_100MS.diffDepth());
        assertFalse(StreamKind.BOOK_TICKER.diffDepth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamKind.ofSuffix("depth7"));
        assertTrue(e.getMessage().contains("depth@100ms"), e.getMessage());
    }

    @Test
    void diffAndPartialShareTheUsdmPublicRoute() {
        URI uri = StreamSelection.of(StreamKind.DEPTH_100MS, StreamKind.PARTIAL_DEPTH20_100MS)
                .streamUri(URI.create("wss://fstream.binance.com"), List.of("btcusdt"));
        assertEquals("wss://fstream.binance.com/public/stream?streams=btcusdt@depth@100ms/btcusdt@depth20@100ms",
                uri.toString());
    }
}
