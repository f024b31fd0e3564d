package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.sender.binance.StreamKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** INCLUDE_TRADES, INCLUDE_AGG_TRADES and TRADE_QUEUE_CAPACITY through the one settings parser. */
class SenderTradeSettingsTest {
    @Test
    void tradesAreOffByDefault() {
        SenderConfig c = SenderConfig.fromEnvironment(SenderConfigTest.tlsEnv());
        assertEquals(List.of(StreamKind.BOOK_TICKER), c.streams().kinds());
        assertFalse(c.relaysTrades());
        assertEquals(65_536, c.tradeQueueCapacity());
    }

    @Test
    void includeTradesAndAggTradesSubscribeTheirStreamsNextToBookTicker() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("SYMBOLS", "btcusdt,ethusdt");
        env.put("INCLUDE_TRADES", "true");
        SenderConfig trades = SenderConfig.fromEnvironment(env);
        assertEquals(List.of(StreamKind.BOOK_TICKER, StreamKind.TRADE), trades.streams().kinds());
        assertTrue(trades.relaysTrades());
        assertEquals("wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/btcusdt@trade/"
                + "ethusdt@bookTicker/ethusdt@trade", trades.binanceStreamUri().toString());
        env.put("INCLUDE_AGG_TRADES", "true");
        env.put("TRADE_QUEUE_CAPACITY", "1000");
        SenderConfig both = SenderConfig.fromEnvironment(env);
        assertEquals(List.of(StreamKind.BOOK_TICKER, StreamKind.TRADE, StreamKind.AGG_TRADE), both.streams().kinds());
        assertEquals(1000, both.tradeQueueCapacity());
        assertEquals(1, both.binanceShards().size());
    }

    @Test
    void coinmTradesOnOneConnectionWithAnUnderscoreSymbol() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("BINANCE_WS_URL", "wss://dstream.binance.com");
        env.put("SYMBOLS", "btcusd_perp");
        env.put("INCLUDE_AGG_TRADES", "true");
        env.put("SKIP_SYMBOL_CHECK", "true");
        assertEquals("wss://dstream.binance.com/stream?streams=btcusd_perp@bookTicker/btcusd_perp@aggTrade",
                SenderConfig.fromEnvironment(env).binanceStreamUri().toString());
    }

    @Test
    void usdmTakesTradesUnderPublicAndAggTradesOnConnectionsOfTheirOwnUnderMarket() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("BINANCE_WS_URL", "wss://fstream.binance.com");
        env.put("SKIP_SYMBOL_CHECK", "true");
        env.put("INCLUDE_TRADES", "true");
        assertEquals("wss://fstream.binance.com/public/stream?streams=btcusdt@bookTicker/btcusdt@trade",
                SenderConfig.fromEnvironment(env).binanceStreamUri().toString());
        env.put("INCLUDE_AGG_TRADES", "true");
        List<String> symbols = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            symbols.add("s" + i + "usdt");
        }
        env.put("SYMBOLS", String.join(",", symbols));
        List<SenderConfig.BinanceConnection> connections = SenderConfig.fromEnvironment(env).binanceConnections();
        assertEquals(List.of(List.of(StreamKind.BOOK_TICKER, StreamKind.TRADE),
                List.of(StreamKind.BOOK_TICKER, StreamKind.TRADE), List.of(StreamKind.AGG_TRADE)),
                connections.stream().map(c -> c.streams().kinds()).toList(),
                "150 symbols x 2 /public streams: 2 connections of 200; 150 aggTrade streams: 1");
        assertEquals(List.of(75, 75, 150), connections.stream().map(c -> c.symbols().size()).toList());
        assertTrue(connections.get(2).uri().toString().startsWith(
                "wss://fstream.binance.com/market/stream?streams=s0usdt@aggTrade/s1usdt@aggTrade/"));
        assertTrue(connections.get(0).uri().toString().startsWith("wss://fstream.binance.com/public/stream?"));
    }

    @Test
    void badValuesNameTheVariable() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("INCLUDE_TRADES", "yes");
        assertTrue(assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env)).getMessage()
                .startsWith("INCLUDE_TRADES must be"));
        env.remove("INCLUDE_TRADES");
        env.put("TRADE_QUEUE_CAPACITY", "0");
        assertTrue(assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env)).getMessage()
                .startsWith("TRADE_QUEUE_CAPACITY must be"));
    }
}
