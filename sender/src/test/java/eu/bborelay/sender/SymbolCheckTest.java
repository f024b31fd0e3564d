package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestPorts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.replay.BinanceReplayServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The start-up symbol check against the replay server's exchangeInfo, and the daemon's exit codes. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(60)
class SymbolCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private BinanceReplayServer replay;
    private final StringWriter err = new StringWriter();

    @AfterEach
    void closeAll() {
        if (replay != null) {
            replay.close();
        }
    }

    private BinanceReplayServer startReplay() throws IOException {
        replay = BinanceReplayServer.builder().recording(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012))
                .build();
        replay.start();
        return replay;
    }

    @Test
    void recordedSymbolsAreTradingAndOthersAreNamed() throws Exception {
        startReplay();
        for (String path : List.of(SymbolCheck.SPOT_PATH, SymbolCheck.USDM_PATH)) {
            URI uri = URI.create(replay.restBaseUri() + path);
            assertEquals(List.of(), SymbolCheck.problems(uri, List.of("NKNUSDT", "BLZETH", "LRCBTC", "RUNEEUR"),
                    TIMEOUT));
            assertEquals(List.of("FOOUSDT (unknown)"), SymbolCheck.problems(uri, List.of("NKNUSDT", "FOOUSDT"),
                    TIMEOUT));
        }
        replay.symbolStatus("LRCBTC", "BREAK");
        assertEquals(List.of("LRCBTC (status BREAK)"), SymbolCheck.problems(
                URI.create(replay.restBaseUri() + SymbolCheck.SPOT_PATH), List.of("LRCBTC", "RUNEEUR"), TIMEOUT));
    }

    @Test
    void daemonExitsWithTwoNamingUnknownSymbols() throws Exception {
        startReplay();
        Map<String, String> env = env("nknusdt,foousdt,barusdt");
        assertEquals(SenderMain.EXIT_CONFIG, run(env));
        assertTrue(err.toString().contains("SYMBOLS: not trading on Binance (" + replay.restBaseUri()
                + "/api/v3/exchangeInfo): FOOUSDT (unknown), BARUSDT (unknown)"), err.toString());
        assertEquals(1, replay.restRequests());
        assertEquals(0, replay.connectionsOpened(), "no WebSocket opened");
    }

    @Test
    void unreachableRestStopsTheDaemonUnlessSkipped() throws Exception {
        startReplay();
        Map<String, String> env = env("nknusdt");
        try (TestPorts.Reservation rest = TestPorts.refusing()) { // nothing listens there
            env.put("BINANCE_REST_URL", "http://127.0.0.1:" + rest.port());
            assertEquals(SenderMain.EXIT_FAILURE, run(env));
            assertTrue(err.toString().contains("set SKIP_SYMBOL_CHECK=true to start without the check"),
                    err.toString());

            env.put("SKIP_SYMBOL_CHECK", "true");
            CountDownLatch stop = new CountDownLatch(1);
            Thread stopper = new Thread(() -> {
                Await.until("the sender connects to Binance", Duration.ofSeconds(30),
                        () -> replay.connectionsOpened() == 1);
                stop.countDown();
            }, "test-stopper");
            stopper.start();
            assertEquals(SenderMain.EXIT_OK, run(env, stop), err.toString());
            stopper.join();
            assertEquals(1, replay.connectionsOpened(), "the sender started without the check");

            env.put("SKIP_SYMBOL_CHECK", "maybe");
            assertEquals(SenderMain.EXIT_CONFIG, run(env));
            assertTrue(err.toString().contains("SKIP_SYMBOL_CHECK must be true or false, got 'maybe'"), err.toString());
        }
    }

    @Test
    void exchangeInfoUriFollowsTheStreamHost() {
        Map<String, String> none = Map.of();
        assertEquals(URI.create("https://api.binance.com/api/v3/exchangeInfo"),
                SymbolCheck.exchangeInfoUri(none, URI.create("wss://stream.binance.com:9443")));
        assertEquals(URI.create("https://api.binance.com/api/v3/exchangeInfo"),
                SymbolCheck.exchangeInfoUri(none, URI.create("wss://data-stream.binance.vision")));
        assertEquals(URI.create("https://fapi.binance.com/fapi/v1/exchangeInfo"),
                SymbolCheck.exchangeInfoUri(none, URI.create("wss://fstream.binance.com")));
        assertEquals(URI.create("https://dapi.binance.com/dapi/v1/exchangeInfo"),
                SymbolCheck.exchangeInfoUri(none, URI.create("wss://dstream.binance.com")), "COIN-M");
        assertEquals(URI.create("https://dapi.binance.com/dapi/v1/exchangeInfo"), SymbolCheck.exchangeInfoUri(
                Map.of("BINANCE_REST_URL", "https://dapi.binance.com"), URI.create("ws://x")));
        assertNull(SymbolCheck.exchangeInfoUri(none, URI.create("ws://127.0.0.1:4567")), "a replay: no check");
        assertEquals(URI.create("http://127.0.0.1:81/fapi/v1/exchangeInfo"), SymbolCheck.exchangeInfoUri(
                Map.of("BINANCE_REST_URL", "http://127.0.0.1:81/fapi/v1/exchangeInfo"), URI.create("ws://x")));
        assertThrows(SettingException.class, () -> SymbolCheck.exchangeInfoUri(
                Map.of("BINANCE_REST_URL", "ftp://example.com"), URI.create("ws://x")));
    }

    private Map<String, String> env(String symbols) {
        Map<String, String> env = new HashMap<>(SenderConfigTest.tlsEnv());
        env.put("BINANCE_WS_URL", replay.baseUri().toString());
        env.put("BINANCE_REST_URL", replay.restBaseUri().toString());
        env.put("SYMBOLS", symbols);
        env.put("AMS_PORT", "1"); // no receiver: the sender counts drops, which these tests do not look at
        env.put("HTTP_PORT", "0"); // any free port: the default 8080 may be taken by another process on the machine
        return env;
    }

    private int run(Map<String, String> env) {
        return run(env, new CountDownLatch(0));
    }

    private int run(Map<String, String> env, CountDownLatch stop) {
        return SenderMain.run(new String[0], env, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), stop);
    }

    @Test
    void coinMExchangeInfoNamesTheStatusContractStatus() throws Exception {
        String json = "{\"timezone\":\"UTC\",\"symbols\":[{\"symbol\":\"BTCUSD_PERP\",\"pair\":\"BTCUSD\","
                + "\"contractStatus\":\"TRADING\"},{\"symbol\":\"ETHUSD_240927\",\"contractStatus\":\"SETTLING\"}]}";
        Map<String, String> status = SymbolCheck.statusBySymbol(new java.io.ByteArrayInputStream(
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(Map.of("BTCUSD_PERP", "TRADING", "ETHUSD_240927", "SETTLING"), status);
    }
}
