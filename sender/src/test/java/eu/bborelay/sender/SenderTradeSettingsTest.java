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
    void usdmRefusesAggTradesOnTheBookTickerConnectionAndTakesTradesUnderPublic() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("BINANCE_WS_URL", "wss://fstream.binance.com");
        env.put("INCLUDE_TRADES", "true");
        assertEquals("wss://fstream.binance.com/public/stream?streams=btcusdt@bookTicker/btcusdt@trade",
                SenderConfig.fromEnvironment(env).binanceStreamUri().toString());
        env.put("INCLUDE_AGG_TRADES", "true");
        SettingException e = assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains("AGG_TRADE") && e.getMessage().contains("/market"), e.getMessage());
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
