package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.binance.StreamKind;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.ops.settings.SettingException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code INCLUDE_DEPTH} and {@code DEPTH_*} through the sender's settings parser. */
class DepthSettingsTest {
    @Test
    void offByDefaultWithTheOriginalCollectorsBuckets() {
        DepthSettings d = SenderConfig.fromEnvironment(SenderConfigTest.tlsEnv()).depth();
        assertEquals(DepthSettings.OFF, d);
        assertTrue(!d.enabled());
        assertEquals(20, d.levels());
        assertEquals(0.00002, d.step());
        assertEquals(40, d.steps());
        assertEquals(1, d.intervalSeconds());
        assertEquals(StreamKind.DEPTH_100MS, d.stream());
        assertEquals(1000, d.snapshotLimit());
        assertEquals(0.002, d.stepPercent(), "exactly 0.002, not 0.0020000000000000005");
    }

    @Test
    void onWithValuesAndTheRestApiOfTheReplayOrBinance() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("INCLUDE_DEPTH", "true");
        SenderConfig spot = SenderConfig.fromEnvironment(env);
        assertEquals(DepthSettings.DEFAULTS, spot.depth());
        assertEquals(URI.create("https://api.binance.com/api/v3"), spot.binanceRestApiUri());
        assertEquals(DepthBook.Market.SPOT, DepthRelay.market(spot.binanceRestApiUri()));
        env.put("BINANCE_WS_URL", "wss://fstream.binance.com");
        env.put("DEPTH_STREAM", "depth@0ms");
        env.put("DEPTH_LEVELS", "5");
        env.put("DEPTH_STEP", "0.0001");
        env.put("DEPTH_STEPS", "10");
        env.put("DEPTH_INTERVAL_SECONDS", "5");
        env.put("DEPTH_SNAPSHOT_LIMIT", "500");
        SenderConfig usdm = SenderConfig.fromEnvironment(env);
        assertEquals(new DepthSettings(true, 5, 0.0001, 10, 5, StreamKind.DEPTH_0MS, 500), usdm.depth());
        assertEquals(URI.create("https://fapi.binance.com/fapi/v1"), usdm.binanceRestApiUri());
        assertEquals(DepthBook.Market.USDM, DepthRelay.market(usdm.binanceRestApiUri()));
        assertEquals(DepthBook.Market.COINM, DepthRelay.market(URI.create("https://dapi.binance.com/dapi/v1")));
    }

    @Test
    void aReplayServerNeedsItsRestUrl() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("INCLUDE_DEPTH", "true");
        env.put("BINANCE_WS_URL", "ws://127.0.0.1:9999");
        SettingException e = assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env));
        assertTrue(e.getMessage().startsWith("INCLUDE_DEPTH=true needs Binance's REST API for the book snapshots: set"
                + " BINANCE_REST_URL"), e.getMessage());
        env.put("BINANCE_REST_URL", "http://127.0.0.1:8888");
        assertEquals(URI.create("http://127.0.0.1:8888/api/v3"), SenderConfig.fromEnvironment(env).binanceRestApiUri());
        env.remove("INCLUDE_DEPTH");
        env.remove("BINANCE_REST_URL");
        assertTrue(!SenderConfig.fromEnvironment(env).depth().enabled(), "off: no REST URL needed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INCLUDE_DEPTH|yes|INCLUDE_DEPTH must be true or false, got 'yes'",
        "DEPTH_LEVELS|0|DEPTH_LEVELS must be a number of levels from 1 to 1000, got '0'",
        "DEPTH_STEP|0|DEPTH_STEP must be a number above 0 and at most 0.1, got '0'",
        "DEPTH_STEP|2e-5x|DEPTH_STEP must be a decimal number such as 0.00002, got '2e-5x'",
        "DEPTH_STEPS|1001|DEPTH_STEPS must be a number of buckets from 1 to 1000, got '1001'",
        "DEPTH_INTERVAL_SECONDS|0|DEPTH_INTERVAL_SECONDS must be a number of seconds from 1 to 3600, got '0'",
        "DEPTH_STREAM|depth20@100ms|DEPTH_STREAM must be a diff depth stream",
        "DEPTH_STREAM|bookTicker|DEPTH_STREAM must be a diff depth stream",
        "DEPTH_STREAM|depth@5ms|DEPTH_STREAM must be depth@100ms, depth, depth@500ms or depth@0ms, got 'depth@5ms'",
        "DEPTH_STREAM|depth@500ms|DEPTH_STREAM=depth@500ms is a futures stream; spot serves depth@100ms and depth",
        "DEPTH_SNAPSHOT_LIMIT|300|DEPTH_SNAPSHOT_LIMIT must be one of 5, 10, 20, 50, 100, 500, 1000, 5000, got 300",
        "DEPTH_SNAPSHOT_LIMIT|10|DEPTH_SNAPSHOT_LIMIT (10) must be at least DEPTH_LEVELS (20)",
    })
    void badValuesNameTheVariable(String variable, String value, String message) {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("INCLUDE_DEPTH", "true");
        env.put(variable, value);
        SettingException e = assertThrows(SettingException.class, () -> SenderConfig.fromEnvironment(env));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
