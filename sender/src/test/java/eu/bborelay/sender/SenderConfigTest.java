package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SenderConfigTest {

    @Test
    void combinedStreamUrlFromATrimmedCaseInsensitiveList() {
        SenderConfig c = SenderConfig.builder().symbols(" BTCUSDT, ethusdt ").build();
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), c.symbols());
        assertEquals(URI.create("wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker"),
                c.binanceStreamUri());
    }

    @Test
    void baseUrlMayBeFuturesVisionOrLocalAndLosesTrailingSlashes() {
        assertEquals("wss://fstream.binance.com/public/stream?streams=btcusdt@bookTicker",
                SenderConfig.builder().binanceWsUrl("wss://fstream.binance.com/").build().binanceStreamUri()
                        .toString());
        assertEquals("wss://fstream.binance.com/market/stream?streams=btcusdt@bookTicker",
                SenderConfig.builder().binanceWsUrl("wss://fstream.binance.com/market").build().binanceStreamUri()
                        .toString(), "an explicit path is kept");
        assertEquals("wss://data-stream.binance.vision/stream?streams=btcusdt@bookTicker",
                SenderConfig.builder().binanceWsUrl("wss://data-stream.binance.vision").build().binanceStreamUri()
                        .toString());
        assertEquals("ws://127.0.0.1:4567/stream?streams=solusdt@bookTicker",
                SenderConfig.builder().binanceWsUrl("ws://127.0.0.1:4567").symbols("SolUsdt").build()
                        .binanceStreamUri().toString());
    }

    @Test
    void symbolsBeyondOneConnectionsLimitAreShardedEvenly() {
        List<String> usdm = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            usdm.add("S" + i + "USDT");
        }
        SenderConfig futures = SenderConfig.builder().binanceWsUrl("wss://fstream.binance.com").symbols(usdm).build();
        assertEquals(200, futures.binanceStreamsPerConnection(), "USD-M: 200 streams per connection");
        List<List<String>> shards = futures.binanceShards();
        assertEquals(List.of(125, 125), shards.stream().map(List::size).toList());
        assertEquals(usdm, shards.stream().flatMap(List::stream).toList(), "every symbol once, in order");
        String second = futures.binanceStreamUri(shards.get(1)).toString();
        assertTrue(second.startsWith("wss://fstream.binance.com/public/stream?streams=s125usdt@bookTicker/"), second);
        assertEquals(125, (second.length() - second.replace("@bookTicker", "").length()) / "@bookTicker".length());

        SenderConfig spot = SenderConfig.builder().symbols(usdm).build();
        assertEquals(1024, spot.binanceStreamsPerConnection());
        assertEquals(1, spot.binanceShards().size(), "spot: 1024 streams fit one connection");
        assertEquals(spot.binanceStreamUri(), spot.binanceStreamUri(spot.binanceShards().get(0)));

        SenderConfig small = SenderConfig.builder().symbols("a1,b2,c3,d4,e5").streamsPerConnection(2).build();
        assertEquals(List.of(List.of("A1", "B2"), List.of("C3", "D4"), List.of("E5")), small.binanceShards());
    }

    @Test
    void streamsPerConnectionFromTheEnvironmentWithinBinancesLimit() {
        Map<String, String> env = tlsEnv();
        env.put("BINANCE_STREAMS_PER_CONNECTION", "Auto");
        assertEquals(1024, SenderConfig.fromEnvironment(env).binanceStreamsPerConnection());
        env.put("BINANCE_STREAMS_PER_CONNECTION", "50");
        assertEquals(50, SenderConfig.fromEnvironment(env).binanceStreamsPerConnection());
        env.put("BINANCE_WS_URL", "wss://fstream.binance.com");
        env.put("BINANCE_STREAMS_PER_CONNECTION", "201");
        SettingException e = assertThrows(SettingException.class,
                () -> SenderConfig.fromEnvironment(env));
        assertEquals("BINANCE_STREAMS_PER_CONNECTION must be auto or a number of streams from 1 to 200, got '201'",
                e.getMessage());
        e = assertThrows(SettingException.class, () -> SenderConfig.builder()
                .binanceWsUrl("wss://fstream.binance.com").streamsPerConnection(300).build());
        assertEquals("streamsPerConnection 300 is above Binance's limit of 200 streams per connection for"
                + " fstream.binance.com", e.getMessage());
    }

    @Test
    void directWritesFromTheEnvironment() {
        Map<String, String> env = tlsEnv();
        assertTrue(!SenderConfig.fromEnvironment(env).directWrites(), "off by default");
        env.put("DIRECT_WRITES", " TRUE ");
        assertTrue(SenderConfig.fromEnvironment(env).directWrites());
        env.put("DIRECT_WRITES", "yes");
        SettingException e = assertThrows(SettingException.class,
                () -> SenderConfig.fromEnvironment(env));
        assertEquals("DIRECT_WRITES must be true or false, got 'yes'", e.getMessage());
    }

    @Test
    void theAggTradesBackfillAsksRestNextToExchangeInfoWithinItsBudget() {
        Map<String, String> env = tlsEnv();
        assertNull(SenderConfig.fromEnvironment(env).binanceAggTradesUri(), "no aggTrades relayed: nothing to fetch");
        env.put("INCLUDE_AGG_TRADES", "true");
        SenderConfig spot = SenderConfig.fromEnvironment(env);
        assertEquals(URI.create("https://api.binance.com/api/v3/aggTrades"), spot.binanceAggTradesUri());
        assertEquals(600, spot.backfillWeightPerMinute());
        env.put("BINANCE_WS_URL", "wss://fstream.binance.com");
        assertEquals(URI.create("https://fapi.binance.com/fapi/v1/aggTrades"),
                SenderConfig.fromEnvironment(env).binanceAggTradesUri());
        env.put("BINANCE_WS_URL", "ws://127.0.0.1:9999");
        assertNull(SenderConfig.fromEnvironment(env).binanceAggTradesUri(), "a replay server without a REST URL");
        env.put("BINANCE_REST_URL", "http://127.0.0.1:8888/fapi/v1/exchangeInfo");
        assertEquals(URI.create("http://127.0.0.1:8888/fapi/v1/aggTrades"),
                SenderConfig.fromEnvironment(env).binanceAggTradesUri());
        env.put("BACKFILL_WEIGHT_PER_MINUTE", "0");
        assertNull(SenderConfig.fromEnvironment(env).binanceAggTradesUri(), "0: count only");
        env.put("BACKFILL_WEIGHT_PER_MINUTE", "10");
        SettingException e = assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env));
        assertTrue(e.getMessage().startsWith("BACKFILL_WEIGHT_PER_MINUTE must be 0 or at least one aggTrades"
                + " request's weight (20"), e.getMessage());
        assertEquals(URI.create("http://127.0.0.1:7/api/v3/aggTrades"), SenderConfig.builder()
                .binanceWsUrl("ws://127.0.0.1:9999").streams(eu.bborelay.binance.StreamSelection.of(
                        eu.bborelay.binance.StreamKind.BOOK_TICKER, eu.bborelay.binance.StreamKind.AGG_TRADE))
                .binanceRestUrl("http://127.0.0.1:7").build().binanceAggTradesUri());
    }

    @Test
    void atMost400Symbols() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= SenderConfig.MAX_SYMBOLS; i++) {
            many.append(i == 0 ? "" : ",").append("S").append(i).append("USDT");
        }
        SettingException e = assertThrows(SettingException.class,
                () -> SenderConfig.builder().symbols(many.toString()));
        assertEquals("symbols lists 401 symbols; one sender relays at most 400 (the receiver keeps about 150 KB per"
                + " symbol; 400 fit its 96 MiB heap)", e.getMessage());
    }

    @Test
    void environmentDefaults() {
        Map<String, String> env = tlsEnv();
        SenderConfig c = SenderConfig.fromEnvironment(env);
        assertEquals(List.of("BTCUSDT"), c.symbols());
        assertEquals(URI.create("wss://stream.binance.com:9443"), c.binanceBaseUri());
        assertEquals("127.0.0.1", c.receiverHost());
        assertEquals(9001, c.receiverPort());
        assertEquals(Duration.ofSeconds(60), c.statsInterval());
        assertEquals(Duration.ofMillis(100), c.receiverReconnectMin());
        assertEquals(Duration.ofMillis(5_000), c.receiverReconnectMax());
        assertEquals(Duration.ofMillis(1_000), c.binanceReconnectMin());
        assertEquals(Duration.ofMillis(60_000), c.binanceReconnectMax());
        assertEquals(Duration.ZERO, c.runDuration());
        assertEquals(65_536, c.maxBacklogPerSymbol(), "one symbol gets the whole backlog budget");
        assertEquals(Duration.ofSeconds(1), c.maxBacklogAge());
        List<String> many = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "S" + i).toList();
        assertEquals(327, SenderConfig.builder().symbols(many).build().maxBacklogPerSymbol(), "65,536 / 200");
    }

    @Test
    void environmentValues() {
        Map<String, String> env = tlsEnv();
        env.put("BINANCE_WS_URL", "ws://127.0.0.1:8080");
        env.put("SYMBOLS", "ethusdt, BNBUSDT");
        env.put("AMS_HOST", "receiver.example.net");
        env.put("AMS_PORT", "9443");
        env.put("STATS_INTERVAL_SECONDS", "5");
        env.put("RECEIVER_RECONNECT_MAX_MS", "2000");
        env.put("BINANCE_RECONNECT_MAX_MS", "30000");
        env.put("RUN_SECONDS", "7");
        SenderConfig c = SenderConfig.fromEnvironment(env);
        assertEquals("ws://127.0.0.1:8080/stream?streams=ethusdt@bookTicker/bnbusdt@bookTicker",
                c.binanceStreamUri().toString());
        assertEquals("receiver.example.net", c.receiverHost());
        assertEquals(9443, c.receiverPort());
        assertEquals(Duration.ofSeconds(5), c.statsInterval());
        assertEquals(Duration.ofMillis(2_000), c.receiverReconnectMax());
        assertEquals(Duration.ofMillis(30_000), c.binanceReconnectMax());
        assertEquals(Duration.ofSeconds(7), c.runDuration());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "AMS_PORT|abc|AMS_PORT must be a TCP port number from 1 to 65535, got 'abc'",
        "AMS_PORT|0|AMS_PORT must be a TCP port number",
        "AMS_PORT|65536|AMS_PORT must be a TCP port number",
        "AMS_HOST|a host|AMS_HOST must be the receiver's IP address or DNS name",
        "SYMBOLS|btc-usdt|SYMBOLS symbols are letters, digits and _ only, like btcusdt or btcusd_perp; 'btc-usdt' has '-'",
        "SYMBOLS|btcusdt,,ethusdt|SYMBOLS has an empty symbol at position 2",
        "SYMBOLS|btcusdt,|SYMBOLS has an empty symbol at position 2",
        "SYMBOLS|btcusdt,BTCUSDT|SYMBOLS lists BTCUSDT twice",
        "BINANCE_WS_URL|https://stream.binance.com|BINANCE_WS_URL must be a ws:// or wss:// URL",
        "BINANCE_WS_URL|stream.binance.com:9443|BINANCE_WS_URL must be a ws:// or wss:// URL",
        "BINANCE_WS_URL|wss://stream.binance.com:9443/stream?streams=x|BINANCE_WS_URL must be a base URL",
        "STATS_INTERVAL_SECONDS|0|STATS_INTERVAL_SECONDS must be a number of seconds from 1",
        "RECEIVER_RECONNECT_MAX_MS|50|RECEIVER_RECONNECT_MAX_MS must be milliseconds from 100",
        "BINANCE_RECONNECT_MAX_MS|1.5|BINANCE_RECONNECT_MAX_MS must be milliseconds from 1000",
        "RUN_SECONDS|-1|RUN_SECONDS must be a number of seconds (0 = until stopped)",
        "CA_CERT|/nonexistent/ca.crt|CA_CERT=/nonexistent/ca.crt is not a readable file",
        "KEY|/tmp|KEY=/tmp is not a readable file",
    })
    void badEnvironmentValueNamesTheVariable(String variable, String value, String message) {
        Map<String, String> env = tlsEnv();
        env.put(variable, value);
        SettingException e = assertThrows(SettingException.class,
                () -> SenderConfig.fromEnvironment(env));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void certAndKeyNoneMeansNoClientCertificate() {
        Map<String, String> env = tlsEnv();
        env.put("CERT", "none");
        env.put("KEY", "NONE");
        SenderConfig c = SenderConfig.fromEnvironment(env);
        assertEquals(null, c.cert());
        assertEquals(null, c.key());
        env.put("KEY", tlsEnv().get("KEY"));
        SettingException e = assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env));
        assertTrue(e.getMessage().startsWith("CERT and KEY go together"), e.getMessage());
        assertThrows(SettingException.class, () -> SenderConfig.builder().tls(Path.of("ca"), null, Path.of("k")));
    }

    @Test
    void coinMSymbolsAndHostsAreRecognised() {
        Map<String, String> env = tlsEnv();
        env.put("BINANCE_WS_URL", "wss://dstream.binance.com");
        env.put("SYMBOLS", "btcusd_perp,ETHUSD_PERP");
        SenderConfig c = SenderConfig.fromEnvironment(env);
        assertEquals(List.of("BTCUSD_PERP", "ETHUSD_PERP"), c.symbols());
        assertEquals(200, c.binanceStreamsPerConnection(), "COIN-M: 200 streams per connection like USD-M");
        assertEquals("wss://dstream.binance.com/stream?streams=btcusd_perp@bookTicker/ethusd_perp@bookTicker",
                c.binanceStreamUri().toString());
        env.put("BINANCE_STREAMS_PER_CONNECTION", "201");
        assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env));
    }

    @Test
    void streamSelectionIsData() {
        SenderConfig trades = SenderConfig.builder().symbols("btcusdt,ethusdt")
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.TRADE)).build();
        assertEquals(StreamSelection.BOOK_TICKER, SenderConfig.builder().build().streams(), "bookTicker by default");
        assertEquals("wss://stream.binance.com:9443/stream?streams=btcusdt@bookTicker/btcusdt@trade/ethusdt@bookTicker"
                + "/ethusdt@trade", trades.binanceStreamUri().toString());
        assertEquals("wss://fstream.binance.com/public/stream?streams=btcusdt@bookTicker/btcusdt@trade",
                SenderConfig.builder().binanceWsUrl("wss://fstream.binance.com").symbols("btcusdt")
                        .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.TRADE)).build()
                        .binanceStreamUri().toString());
        assertEquals("wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade",
                SenderConfig.builder().binanceWsUrl("wss://fstream.binance.com").symbols("btcusdt")
                        .streams(StreamSelection.of(StreamKind.AGG_TRADE)).build().binanceStreamUri().toString());
        SenderConfig usdmAgg = SenderConfig.builder().binanceWsUrl("wss://fstream.binance.com").symbols("btcusdt")
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.AGG_TRADE)).build();
        assertEquals(List.of("wss://fstream.binance.com/public/stream?streams=btcusdt@bookTicker",
                "wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade"),
                usdmAgg.binanceConnections().stream().map(c -> c.uri().toString()).toList(),
                "USD-M routes aggTrade under /market: a connection of its own");
        assertTrue(assertThrows(IllegalStateException.class, usdmAgg::binanceStreamUri).getMessage()
                .contains("need separate connections"));
        SenderConfig sharded = SenderConfig.builder().symbols("a1,b2,c3").streamsPerConnection(4)
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.DEPTH_100MS)).build();
        assertEquals(List.of(List.of("A1", "B2"), List.of("C3")), sharded.binanceShards(),
                "two streams per symbol: two symbols per connection of 4 streams");
        assertThrows(IllegalArgumentException.class, () -> StreamSelection.of());
        assertThrows(IllegalArgumentException.class, () -> StreamSelection.of(StreamKind.TRADE, StreamKind.TRADE));
    }

    @Test
    void blankVariableMeansTheDefault() {
        Map<String, String> env = tlsEnv();
        env.put("AMS_HOST", "");
        env.put("SYMBOLS", "  ");
        env.put("DIRECT_WRITES", " ");
        SenderConfig c = SenderConfig.fromEnvironment(env);
        assertEquals("127.0.0.1", c.receiverHost());
        assertEquals(List.of("BTCUSDT"), c.symbols());
        assertTrue(!c.directWrites());
        SettingException e = assertThrows(SettingException.class, () -> SenderConfig.builder().symbols("  "));
        assertTrue(e.getMessage().startsWith("symbols must list at least one symbol"), e.getMessage());
    }

    @Test
    void builderNamesTheBadField() {
        assertThrows(SettingException.class, () -> SenderConfig.builder().receiver("h", 0).build());
        SettingException e = assertThrows(SettingException.class,
                () -> SenderConfig.builder().receiverReconnect(500, 100, TimeUnit.MILLISECONDS).build());
        assertTrue(e.getMessage().startsWith("receiverReconnect max"), e.getMessage());
        e = assertThrows(SettingException.class, () -> SenderConfig.builder().symbols("a b"));
        assertTrue(e.getMessage().startsWith("symbols "), e.getMessage());
        e = assertThrows(SettingException.class, () -> SenderConfig.builder()
                .backlog(0, 1, TimeUnit.SECONDS));
        assertTrue(e.getMessage().startsWith("backlog quotes"), e.getMessage());
        e = assertThrows(SettingException.class, () -> SenderConfig.builder()
                .backlog(10, 0, TimeUnit.SECONDS).build());
        assertTrue(e.getMessage().startsWith("backlog maxAge"), e.getMessage());
    }

    @Test
    void tableListsEveryVariableWithItsDefault() {
        String table = SenderSetting.table();
        for (SenderSetting v : SenderSetting.values()) {
            assertTrue(table.contains(v.name()), v.name());
            assertTrue(table.contains(v.defaultValue()), v.defaultValue());
        }
        assertEquals("--receiver-reconnect-max-ms", SenderSetting.RECEIVER_RECONNECT_MAX_MS.optionName());
    }

    /** Defaults, except the TLS files, which must exist. */
    static Map<String, String> tlsEnv() {
        TestCerts certs = TestCerts.project();
        Map<String, String> env = new HashMap<>();
        env.put("CA_CERT", certs.caCert().toString());
        env.put("CERT", certs.senderCert().toString());
        env.put("KEY", certs.senderKey().toString());
        return env;
    }
}
