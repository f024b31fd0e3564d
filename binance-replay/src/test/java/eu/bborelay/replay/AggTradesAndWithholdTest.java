package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /fapi/v1/aggTrades}, {@code /api/v3/aggTrades} answered from the recording, and messages withheld from
 * the WebSocket streams ({@link Withhold}) while REST still has them: the backfill of issue 10 part 5.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AggTradesAndWithholdTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The REST fields of an aggTrade data object, as the recorder wrote them (USD-M: no "M"). */
    private static final Pattern AGG_TRADE = Pattern.compile("\"a\":(\\d+),\"s\":\"[A-Z]+\",\"p\":(\"[0-9.]+\"),"
            + "\"q\":(\"[0-9.]+\"),\"f\":(\\d+),\"l\":(\\d+),\"T\":(\\d+),\"m\":(true|false)}");
    private static final Pattern TRADE_ID = Pattern.compile("\"t\":(\\d+),");
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private BinanceReplayServer start(BinanceReplayServer.Builder builder) throws Exception {
        BinanceReplayServer server = builder.build();
        resources.add(server);
        server.start();
        return server;
    }

    private TestClient connect(BinanceReplayServer server, String pathAndQuery) throws Exception {
        TestClient c = TestClient.connect(URI.create(server.baseUri() + pathAndQuery));
        resources.add(() -> {
            if (!c.isClosedNow()) {
                c.closeAndAwait();
            }
        });
        return c;
    }

    /** The recorded aggTrades of {@code stream}, each as the REST object Binance's USD-M endpoint writes. */
    private static List<String> recordedUsdmAggTrades(String stream) throws Exception {
        List<String> out = new ArrayList<>();
        for (String json : Recordings.combined(Recordings.readShared(SharedData.binance(
                SharedData.USDM_4SYMBOLS_20210722)), List.of(stream))) {
            Matcher m = AGG_TRADE.matcher(json);
            assertTrue(m.find(), json);
            out.add("{\"a\":" + m.group(1) + ",\"p\":" + m.group(2) + ",\"q\":" + m.group(3) + ",\"f\":" + m.group(4)
                    + ",\"l\":" + m.group(5) + ",\"T\":" + m.group(6) + ",\"m\":" + m.group(7) + "}");
        }
        return out;
    }

    private static long id(String aggTrade) {
        Matcher m = Pattern.compile("\"a\":(\\d+)").matcher(aggTrade);
        assertTrue(m.find(), aggTrade);
        return Long.parseLong(m.group(1));
    }

    @Test
    void aWithheldAggTradeLeavesAnIdGapOnTheStreamThatRestBackfills() throws Exception {
        List<String> recorded = recordedUsdmAggTrades("ctkusdt@aggTrade");
        assertEquals(38, recorded.size());
        long withheldId = id(recorded.get(10));
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722))
                .speed(0)
                .withhold(Withhold.aggTrade("CTKUSDT", withheldId)));
        URI rest = server.restBaseUri();
        // before the timeline starts nothing has traded yet
        assertEquals("[]", Rest.get(rest, "/fapi/v1/aggTrades?symbol=CTKUSDT").body());

        TestClient client = connect(server, "/stream?streams=ctkusdt@aggTrade");
        assertTrue(server.awaitFinished(WAIT));
        Await.until("37 aggTrades", WAIT, () -> client.messageCount() == 37, client::messageCount);
        assertEquals(1, server.messagesWithheld());
        List<Long> received = client.messages().stream().map(AggTradesAndWithholdTest::id).toList();
        long first = id(recorded.get(0));
        int gaps = 0;
        for (int i = 1; i < received.size(); i++) {
            if (received.get(i) != received.get(i - 1) + 1) {
                gaps++;
                assertEquals(withheldId - 1, received.get(i - 1));
                assertEquals(withheldId + 1, received.get(i));
            }
        }
        assertEquals(1, gaps, "one exchange gap");
        assertEquals(first, received.get(0));

        // the client backfills from the first missing id
        HttpResponse<String> backfill = Rest.get(rest, "/fapi/v1/aggTrades?symbol=CTKUSDT&fromId=" + withheldId
                + "&limit=2");
        assertEquals(200, backfill.statusCode(), backfill.body());
        assertEquals("[" + recorded.get(10) + "," + recorded.get(11) + "]", backfill.body());
        assertTrue(backfill.headers().firstValue("X-MBX-USED-WEIGHT-1M").isPresent());

        // fromId without limit: everything from there (default limit 500)
        HttpResponse<String> rest10 = Rest.get(rest, "/fapi/v1/aggTrades?symbol=CTKUSDT&fromId="
                + id(recorded.get(28)));
        assertEquals("[" + String.join(",", recorded.subList(28, 38)) + "]", rest10.body());
        // no fromId: the most recent
        assertEquals("[" + String.join(",", recorded.subList(35, 38)) + "]",
                Rest.get(rest, "/fapi/v1/aggTrades?symbol=CTKUSDT&limit=3").body());
        // by time: startTime..endTime inclusive
        long t5 = Long.parseLong(recorded.get(5).replaceAll(".*\"T\":(\\d+),.*", "$1"));
        long t7 = Long.parseLong(recorded.get(7).replaceAll(".*\"T\":(\\d+),.*", "$1"));
        List<String> inWindow = new ArrayList<>();
        for (String r : recorded) {
            long t = Long.parseLong(r.replaceAll(".*\"T\":(\\d+),.*", "$1"));
            if (t >= t5 && t <= t7) {
                inWindow.add(r);
            }
        }
        assertEquals("[" + String.join(",", inWindow) + "]", Rest.get(rest, "/fapi/v1/aggTrades?symbol=CTKUSDT"
                + "&startTime=" + t5 + "&endTime=" + t7).body());
        // a futures symbol on the spot path, a bad fromId
        HttpResponse<String> spotPath = Rest.get(rest, "/api/v3/aggTrades?symbol=CTKUSDT");
        assertEquals(400, spotPath.statusCode());
        assertEquals("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", spotPath.body());
        HttpResponse<String> badFromId = Rest.get(rest, "/fapi/v1/aggTrades?symbol=CTKUSDT&fromId=x");
        assertEquals(400, badFromId.statusCode());
        assertEquals("{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'fromId'; legal range is"
                + " '^[0-9]{1,20}$'.\"}", badFromId.body());
    }

    @Test
    void spotAggTradesCarryM() throws Exception {
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012)).speed(0)
                .startOnFirstConnection(false));
        assertTrue(server.awaitFinished(WAIT));
        assertEquals("[{\"a\":15683430,\"p\":\"0.35280000\",\"q\":\"58.00000000\",\"f\":19862790,\"l\":19862790,"
                + "\"T\":1633998523963,\"m\":false,\"M\":true}]",
                Rest.get(server.restBaseUri(), "/api/v3/aggTrades?symbol=NKNUSDT&fromId=15683430").body());
    }

    @Test
    void aWithheldTradeIsMissingFromEveryConnection() throws Exception {
        List<String> trades = Recordings.combined(Recordings.readShared(SharedData.binance(
                SharedData.SPOT_BTCUSDT_20240808)), List.of("btcusdt@trade"));
        Matcher m = TRADE_ID.matcher(trades.get(100));
        assertTrue(m.find());
        long tradeId = Long.parseLong(m.group(1));
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808)).speed(0)
                .withhold(Withhold.trade("btcusdt", tradeId))
                .withhold(Withhold.depthDiff("BTCUSDT", 7))
                .startAfterConnections(2));
        TestClient combined = connect(server, "/stream?streams=btcusdt@trade");
        TestClient raw = connect(server, "/ws/btcusdt@trade/btcusdt@depth@100ms");
        assertTrue(server.awaitFinished(WAIT));
        Await.until("every trade", WAIT, () -> combined.messageCount() == trades.size() - 1,
                combined::messageCount);
        assertEquals(2, server.messagesWithheld(), "one trade and one diff, each counted once");
        List<String> expected = new ArrayList<>(trades);
        expected.remove(100);
        Recordings.assertSameMessages(expected, combined.messages());
        Await.until("every trade and diff", WAIT, () -> raw.messageCount() == trades.size() - 1 + 3451 - 1,
                raw::messageCount);
        assertTrue(raw.messages().stream().noneMatch(s -> s.contains("\"t\":" + tradeId + ",")));
    }

    @Test
    void withholdTextFormAndErrors() {
        assertEquals(Withhold.depthDiff("btcusdt", 1500), Withhold.parse("depth:BTCUSDT:1500"));
        assertEquals(Withhold.trade("BTCUSDT", 3751312009L), Withhold.parse("trade:btcusdt:3751312009"));
        assertEquals(Withhold.aggTrade("CTKUSDT", 16599293), Withhold.parse("AGGTRADE:CTKUSDT:16599293"));
        assertEquals("aggTrade:CTKUSDT:16599293", Withhold.aggTrade("ctkusdt", 16599293).toString());
        assertEquals(Withhold.Kind.DEPTH_DIFF, Withhold.parse("depth:BTCUSDT:1").kind());
        for (String bad : new String[] {"depth:BTCUSDT", "depth:BTCUSDT:x", "book:BTCUSDT:1", "depth::1",
                "depth:BTCUSDT:0", "trade:BTCUSDT:-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Withhold.parse(bad), bad);
            assertTrue(e.getMessage().contains("'") || e.getMessage().contains("from 1")
                    || e.getMessage().contains("negative"), e.getMessage());
        }
    }
}
