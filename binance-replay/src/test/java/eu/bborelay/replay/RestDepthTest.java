package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /api/v3/depth}, {@code /fapi/v1/depth} over real HTTP: the recorded snapshot before the timeline passes
 * it, then the book as the recording stands, checked against the tests' own {@link ReferenceBook} and against the
 * recorded bookTickers; Binance's errors.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RestDepthTest {
    private static final Pattern BOOK_TICKER = Pattern.compile(
            "\"u\":(\\d+),\"s\":\"[A-Z]+\",\"b\":\"([0-9.]+)\",\"B\":\"[0-9.]+\",\"a\":\"([0-9.]+)\"");
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

    private static String snapshotLine(List<Recordings.Line> lines) {
        for (Recordings.Line l : lines) {
            if (l.stream() == null) {
                return l.json();
            }
        }
        throw new AssertionError("the recording has no REST snapshot line");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            SharedData.SPOT_BTCUSDT_20240808 + ", /api/v3/depth, 1000",
            SharedData.USDM_BTCUSDT_20240808 + ", /fapi/v1/depth, 1000",
            "usdm_btcusdt_bookTicker-trade-depth0ms-markPrice-snapshot_20230404T2358Z_localus.ndjson.gz,"
                    + " /fapi/v1/depth, 1000"})
    void beforeTheTimelinePassesItTheRecordedSnapshotIsAnswered(String file, String path, int levels)
            throws Exception {
        List<Recordings.Line> lines = Recordings.readShared(SharedData.binance(file));
        String recorded = snapshotLine(lines);
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(SharedData.binance(file)));
        // nobody connected: the timeline has not started
        HttpResponse<String> all = Rest.get(server.restBaseUri(), path + "?symbol=BTCUSDT&limit=5000");
        assertEquals(200, all.statusCode(), all.body());
        ReferenceBook.Parsed expected = ReferenceBook.parse(recorded);
        ReferenceBook.Parsed got = ReferenceBook.parse(all.body());
        assertEquals(expected.lastUpdateId, got.lastUpdateId);
        assertEquals(levels, got.bids.size());
        Recordings.assertSameMessages(ReferenceBook.texts(expected.bids), ReferenceBook.texts(got.bids));
        Recordings.assertSameMessages(ReferenceBook.texts(expected.asks), ReferenceBook.texts(got.asks));
        if (path.startsWith("/fapi")) {
            assertEquals(List.of("E", "T", "asks", "bids", "lastUpdateId"), List.copyOf(got.fields.keySet()));
            assertEquals(expected.eventTime, got.eventTime);
            assertEquals(expected.transactionTime, got.transactionTime);
        } else {
            assertEquals(List.of("asks", "bids", "lastUpdateId"), List.copyOf(got.fields.keySet()));
        }
        if (!file.endsWith("_localus.ndjson.gz")) { // the 2023 capture re-serialised the body with spaces
            assertEquals(recorded, all.body(), "byte for byte the recorded body");
        }
        assertNotNull(all.headers().firstValue("X-MBX-USED-WEIGHT-1M").orElse(null));

        HttpResponse<String> top5 = Rest.get(server.restBaseUri(), path + "?symbol=BTCUSDT&limit=5");
        ReferenceBook.Parsed five = ReferenceBook.parse(top5.body());
        assertEquals(ReferenceBook.texts(expected.bids.subList(0, 5)), ReferenceBook.texts(five.bids));
        assertEquals(ReferenceBook.texts(expected.asks.subList(0, 5)), ReferenceBook.texts(five.asks));
        HttpResponse<String> byDefault = Rest.get(server.restBaseUri(), path + "?symbol=BTCUSDT");
        assertEquals(path.startsWith("/api") ? 100 : 500, ReferenceBook.parse(byDefault.body()).bids.size());
        long weight = Long.parseLong(byDefault.headers().firstValue("X-MBX-USED-WEIGHT-1M").orElseThrow());
        assertTrue(weight >= (path.startsWith("/api") ? 250 + 5 + 5 : 20 + 2 + 10), "weight " + weight);
    }

    /**
     * Requests during the replay: every answer equals the reference book at its {@code lastUpdateId} (top 1000
     * levels), and whenever a recorded bookTicker has that update id, its best bid and ask equal the answer's.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            SharedData.SPOT_BTCUSDT_20240808 + ", /api/v3/depth",
            SharedData.USDM_BTCUSDT_20240808 + ", /fapi/v1/depth"})
    void midReplayTheBookIsTheRecordingsBookAtItsUpdateId(String file, String path) throws Exception {
        List<Recordings.Line> lines = Recordings.readShared(SharedData.binance(file));
        Map<Long, String[]> bookTickers = new HashMap<>(); // u -> {b, a}
        for (Recordings.Line l : lines) {
            if (l.stream() != null && l.stream().endsWith("@bookTicker")) {
                Matcher m = BOOK_TICKER.matcher(l.json());
                assertTrue(m.find(), l.json());
                bookTickers.put(Long.parseLong(m.group(1)), new String[] {m.group(2), m.group(3)});
            }
        }
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(SharedData.binance(file))
                .speed(10).startOnFirstConnection(false));
        Map<Long, String> answers = new HashMap<>();
        int tickerMatches = 0;
        int requests = 0;
        while (!server.isFinished() && (tickerMatches < 3 || answers.size() < 20)) {
            HttpResponse<String> r = Rest.get(server.restBaseUri(), path + "?symbol=BTCUSDT&limit=1000");
            assertEquals(200, r.statusCode(), r.body());
            requests++;
            ReferenceBook.Parsed got = ReferenceBook.parse(r.body());
            answers.put(got.lastUpdateId, r.body());
            String[] ticker = bookTickers.get(got.lastUpdateId);
            if (ticker != null) {
                assertEquals(ticker[0], got.bids.get(0)[0], "best bid at " + got.lastUpdateId);
                assertEquals(ticker[1], got.asks.get(0)[0], "best ask at " + got.lastUpdateId);
                tickerMatches++;
            }
            Thread.sleep(20);
        }
        assertTrue(tickerMatches >= 3, tickerMatches + " answers had a bookTicker of their update id, of "
                + requests + " requests");

        // the reference: the recorded snapshot, then every diff after it
        ReferenceBook reference = ReferenceBook.of(ReferenceBook.parse(snapshotLine(lines)));
        int compared = 0;
        compared += compare(reference, answers);
        for (Recordings.Line l : lines) {
            if (l.stream() != null && l.stream().contains("@depth")) {
                ReferenceBook.Parsed diff = ReferenceBook.parse(l.data());
                if (diff.finalUpdateId > reference.lastUpdateId) {
                    reference.applyDiff(diff);
                    compared += compare(reference, answers);
                }
            }
        }
        assertEquals(answers.size(), compared, "every answer is the reference book at one of its update ids");
        assertTrue(answers.size() >= 20, answers.size() + " distinct books");
    }

    private static int compare(ReferenceBook reference, Map<Long, String> answers) {
        String body = answers.get(reference.lastUpdateId);
        if (body == null) {
            return 0;
        }
        ReferenceBook.Parsed got = ReferenceBook.parse(body);
        Recordings.assertSameMessages(ReferenceBook.top(reference.bids, 1000), ReferenceBook.texts(got.bids));
        Recordings.assertSameMessages(ReferenceBook.top(reference.asks, 1000), ReferenceBook.texts(got.asks));
        return 1;
    }

    /** Two files of one capture as one timeline: the book carries over midnight; at the end it is the last diff's. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            SharedData.SPOT_BTCUSDT_20240808 + ", spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz,"
                    + " /api/v3/depth",
            "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240718T2357Z.ndjson.gz,"
                    + " usdm_btcusdt_bookTicker-trade-depth0ms_20240719T0000Z.ndjson.gz, /fapi/v1/depth"})
    void afterTheReplayOfTwoFilesTheBookIsTheLastDiffs(String first, String second, String path) throws Exception {
        List<Recordings.Line> lines = new ArrayList<>(Recordings.readShared(SharedData.binance(first)));
        lines.addAll(Recordings.readShared(SharedData.binance(second)));
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(first), SharedData.binance(second))
                .speed(0).startOnFirstConnection(false));
        assertTrue(server.awaitFinished(java.time.Duration.ofSeconds(60)));
        HttpResponse<String> r = Rest.get(server.restBaseUri(), path + "?symbol=BTCUSDT&limit=5000");
        assertEquals(200, r.statusCode(), r.body());
        ReferenceBook reference = ReferenceBook.of(ReferenceBook.parse(snapshotLine(lines)));
        ReferenceBook.Parsed lastDiff = null;
        for (Recordings.Line l : lines) {
            if (l.stream() != null && l.stream().contains("@depth")) {
                ReferenceBook.Parsed diff = ReferenceBook.parse(l.data());
                if (diff.finalUpdateId > reference.lastUpdateId) {
                    reference.applyDiff(diff);
                    lastDiff = diff;
                }
            }
        }
        assertNotNull(lastDiff);
        ReferenceBook.Parsed got = ReferenceBook.parse(r.body());
        assertEquals(lastDiff.finalUpdateId, got.lastUpdateId);
        int levels = path.startsWith("/api") ? 5000 : 1000; // futures answer at most 1000
        Recordings.assertSameMessages(ReferenceBook.top(reference.bids, levels), ReferenceBook.texts(got.bids));
        Recordings.assertSameMessages(ReferenceBook.top(reference.asks, levels), ReferenceBook.texts(got.asks));
        if (path.startsWith("/fapi")) {
            assertEquals(lastDiff.eventTime, got.eventTime, "E of the last diff");
            assertEquals(lastDiff.transactionTime, got.transactionTime, "T of the last diff");
        }
    }

    @Test
    void badRequestsGetBinancesErrors() throws Exception {
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808)));
        URI rest = server.restBaseUri();
        assertError(rest, "/api/v3/depth?symbol=ETHUSDT", 400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
        assertError(rest, "/api/v3/depth", 400, "{\"code\":-1102,\"msg\":\"Mandatory parameter 'symbol' was not"
                + " sent, was empty/null, or malformed.\"}");
        assertError(rest, "/api/v3/depth?symbol=btcusdt", 400, "{\"code\":-1100,\"msg\":\"Illegal characters found"
                + " in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.\"}");
        assertError(rest, "/api/v3/depth?symbol=BTCUSDT&limit=ten", 400, "{\"code\":-1100,\"msg\":\"Illegal"
                + " characters found in parameter 'limit'; legal range is '1-5000'.\"}");
        assertError(rest, "/api/v3/depth?symbol=BTCUSDT&limit=0", 400, "{\"code\":-1100,\"msg\":\"Illegal"
                + " characters found in parameter 'limit'; legal range is '1-5000'.\"}");
        // recorded from spot: not a USD-M symbol
        assertError(rest, "/fapi/v1/depth?symbol=BTCUSDT", 400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
        // a symbol of the recording without an aggTrade stream
        HttpResponse<String> noAggTrades = Rest.get(rest, "/api/v3/aggTrades?symbol=BTCUSDT");
        assertEquals(404, noAggTrades.statusCode());
        assertTrue(noAggTrades.body().contains("no aggTrade stream of BTCUSDT"), noAggTrades.body());
    }

    @Test
    void aSymbolWithDiffsButNoSnapshotIsAnsweredClearly() throws Exception {
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012)));
        HttpResponse<String> r = Rest.get(server.restBaseUri(), "/api/v3/depth?symbol=NKNUSDT");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().startsWith("{\"code\":-1000,\"msg\":\"binance-replay: the recording has no REST depth"
                + " snapshot of NKNUSDT (only its diffs"), r.body());
    }

    private static void assertError(URI rest, String pathAndQuery, int status, String body) throws Exception {
        HttpResponse<String> r = Rest.get(rest, pathAndQuery);
        assertEquals(status, r.statusCode(), pathAndQuery + ": " + r.body());
        assertEquals(body, r.body(), pathAndQuery);
        assertTrue(r.headers().firstValue("X-MBX-USED-WEIGHT-1M").isPresent());
    }
}
