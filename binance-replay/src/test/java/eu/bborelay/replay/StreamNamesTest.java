package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Request-path and stream-name rules, without sockets. */
class StreamNamesTest {
    @Test
    void shouldLowercaseOnlyTheSymbolPart() {
        assertEquals("btcusdt@bookTicker", StreamNames.normalize("BTCUSDT@bookTicker"));
        assertEquals("btcusdt@depth@100ms", StreamNames.normalize("BtcUsdt@depth@100ms"));
        assertEquals("btcusdt@kline_1M", StreamNames.normalize("btcusdt@kline_1M"));
        assertEquals("!bookTicker", StreamNames.normalize("!bookTicker"));
        assertNull(StreamNames.normalize("btcusdt"));
        assertNull(StreamNames.normalize("@bookTicker"));
        assertNull(StreamNames.normalize("btcusdt@"));
        assertNull(StreamNames.normalize("btc usdt@trade"));
        assertNull(StreamNames.normalize(""));
    }

    @Test
    void shouldParseCombinedAndRawPaths() {
        assertEquals(new StreamNames.Endpoint(true, List.of("btcusdt@bookTicker", "ethusdt@bookTicker")),
                StreamNames.parseEndpoint("/stream?streams=btcusdt@bookTicker/ETHUSDT@bookTicker"));
        assertEquals(new StreamNames.Endpoint(true, List.of("btcusdt@trade")),
                StreamNames.parseEndpoint("/stream?timeUnit=MICROSECOND&streams=btcusdt%40trade"));
        assertEquals(new StreamNames.Endpoint(true, List.of()), StreamNames.parseEndpoint("/stream"));
        assertEquals(new StreamNames.Endpoint(false, List.of("btcusdt@bookTicker", "btcusdt@kline_1m@+08:00")),
                StreamNames.parseEndpoint("/ws/btcusdt@bookTicker/btcusdt@kline_1m@+08:00"));
        assertEquals(new StreamNames.Endpoint(false, List.of()), StreamNames.parseEndpoint("/ws"));
        assertEquals(new StreamNames.Endpoint(false, List.of()), StreamNames.parseEndpoint("/ws/"));
        assertNull(StreamNames.parseEndpoint("/"));
        assertNull(StreamNames.parseEndpoint("/api/v3/depth?symbol=BTCUSDT"));
    }
}
