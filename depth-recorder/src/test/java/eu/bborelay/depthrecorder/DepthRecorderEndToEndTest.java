package eu.bborelay.depthrecorder;

import eu.bborelay.recording.testing.S3ProxyExtension;
import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.depth.DepthBucketSnapshot;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.replay.Withhold;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The daemon's whole path on real recordings: the replay server (depth stream and REST depth, diff #2500
 * withheld), the recorder, s3proxy, and DuckDB reading what landed in S3. REST snapshots pass through a gate that
 * answers 503 for the first seconds, so the books stay unsynced for a while and the buckets must wait for the sync.
 */
class DepthRecorderEndToEndTest {
    private static final long WITHHELD = 2500;
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir
    Path dir;

    @BeforeAll
    static void createBucket() {
        S3.client().createBucket(b -> b.bucket("depth"));
    }

    /** A bucket sink as the Bigtable one plugs in: keeps copies. */
    static final class RecordingSink implements DepthBucketSink {
        final List<DepthBucketSnapshot> rows = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public void accept(String symbol, DepthBucketSnapshot snapshot, long collectedEpochMillis) {
            assertEquals(symbol, snapshot.symbol());
            rows.add(snapshot.copy());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @ParameterizedTest(name = "{1} {0}")
    @CsvSource({
            "spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz, spot, depth@100ms",
            "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240808T2354Z.ndjson.gz, usdm, depth@0ms"})
    @Timeout(120)
    void recordsEveryDiffOnceInOrderResyncsAfterTheWithheldDiffAndBucketsOnlySyncedBooks(String file, String market,
            String diffStream) throws Exception {
        Path recording = SharedData.binance(file);
        List<long[]> expected = depthEvents(recording);
        expected.remove((int) WITHHELD - 1);
        Path data = dir.resolve("data");
        String prefix = "e2e-" + market;
        RecordingSink sink = new RecordingSink();
        long gateOpenedAtMs;
        DepthStats stats;
        DepthRecorder closed;
        try (BinanceReplayServer replay = BinanceReplayServer.builder().recording(recording).speed(30)
                .withhold(Withhold.depthDiff("BTCUSDT", WITHHELD)).build();
             GatedRest gate = new GatedRest()) {
            replay.start();
            gate.target = replay.restBaseUri();
            Map<String, String> env = new HashMap<>();
            env.put("SYMBOLS", "btcusdt");
            env.put("MARKET", market);
            env.put("BINANCE_WS_URL", replay.baseUri().toString());
            env.put("BINANCE_REST_URL", gate.uri().toString());
            env.put("DIFF_STREAM", diffStream);
            env.put("DATA_DIR", data.toString());
            env.put("S3_BUCKET", "depth");
            env.put("S3_PREFIX", prefix);
            env.put("S3_REGION", "us-east-1");
            env.put("S3_ENDPOINT", S3.server().endpoint().toString());
            env.put("HTTP_PORT", "0");
            DepthRecorderConfig config = DepthRecorderConfig.parse(Settings.of(env))
                    .withMinSnapshotBackoff(Duration.ofMillis(50));
            gate.open = true; // exchangeInfo at start
            try (DepthRecorder recorder = DepthRecorder.start(config, List.of(sink))) {
                gate.open = false;
                Thread.sleep(1000);
                assertEquals(0, recorder.stats().bucketRows(), "no bucket before the first sync");
                gateOpenedAtMs = System.currentTimeMillis();
                gate.open = true;
                assertTrue(replay.awaitFinished(Duration.ofSeconds(60)), "replay finished");
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (recorder.stats().diffRows() < expected.size() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(1500); // a bucket row after the last event
                closed = recorder;
            }
            stats = closed.stats(); // published by the book thread when it stopped
        }
        DepthStats.SymbolStats btc = stats.symbols().get(0);
        assertEquals(expected.size(), stats.diffRows(), "every received diff recorded");
        assertEquals(1, btc.breaks(), "the withheld diff is one break: " + stats);
        assertEquals(2, btc.snapshotsApplied(), "synced, then resynced from REST after the break");
        assertTrue(btc.synced(), "synced at the end");
        assertEquals(0, stats.malformed());
        assertTrue(sink.closed, "extra sinks closed with the recorder");

        Path downloaded = download(prefix, dir.resolve("s3"));
        try (Duck duck = new Duck()) {
            String diffs = Duck.hive(downloaded.resolve("binance/" + market + "/diff_orderbooks"));
            List<List<Object>> rows = duck.rows("SELECT first_update_id, final_update_id FROM " + diffs
                    + " ORDER BY recv_ts, final_update_id");
            assertEquals(expected.size(), rows.size(), "diff rows = depth events of the recording");
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(expected.get(i)[0], ((Number) rows.get(i).get(0)).longValue(), "U of row " + i);
                assertEquals(expected.get(i)[1], ((Number) rows.get(i).get(1)).longValue(), "u of row " + i);
            }
            assertEquals(rows.size(), duck.count("SELECT count(DISTINCT final_update_id) FROM " + diffs),
                    "no duplicate");
            assertEquals(0, duck.count("SELECT count(*) FROM (SELECT final_update_id, lag(final_update_id) OVER"
                    + " (ORDER BY recv_ts, final_update_id) AS prev FROM " + diffs + ") WHERE prev >= final_update_id"),
                    "update-id order");
            assertEquals(1, duck.count("SELECT count(DISTINCT symbol) FROM " + diffs + " WHERE symbol = 'BTCUSDT'"));
            assertEquals(market.equals("spot") ? rows.size() : 0, duck.count("SELECT count(*) FROM " + diffs
                    + " WHERE prev_final_update_id IS NULL"), "pu on futures only");
            assertEquals(0, duck.count("SELECT count(*) FROM " + diffs + " WHERE len(bid_prices) <> len(bid_sizes)"
                    + " OR len(ask_prices) <> len(ask_sizes) OR received_time <> recv_ts // 1000"));

            String snapshots = Duck.hive(downloaded.resolve("binance/" + market + "/orderbooks"));
            assertTrue(duck.count("SELECT count(*) FROM " + snapshots) >= 2, "the sync and resync snapshots");
            assertEquals(0, duck.count("SELECT count(*) FROM " + snapshots + " WHERE request_time > received_time"
                    + " OR len(bid_prices) = 0 OR \"limit\" <> 1000"));

            String buckets = Duck.hive(downloaded.resolve("binance/" + market + "/depth_buckets"));
            long bucketRows = duck.count("SELECT count(*) FROM " + buckets);
            assertTrue(bucketRows >= 3, "bucket rows while synced: " + bucketRows);
            assertEquals(sink.rows.size(), bucketRows, "the extra sink got every bucket row");
            assertEquals(stats.bucketRows(), bucketRows);
            assertTrue(duck.count("SELECT min(epoch) FROM " + buckets) * 1000 >= gateOpenedAtMs - 1000,
                    "no bucket row before the first snapshot could arrive");
            assertEquals(0, duck.count("SELECT count(*) FROM " + buckets + " WHERE best_bid >= best_ask"
                    + " OR num_steps <> 40 OR len(bid_buckets) <> 40 OR step_pct <> 0.002"
                    + " OR list_sum(bid_buckets) <= 0 OR list_sum(ask_buckets) <= 0"));
            for (DepthBucketSnapshot s : sink.rows) {
                assertTrue(s.bestBid() < s.bestAsk(), s.toString());
            }
        }
    }

    /** (U, u) of every diff depth message of the recording, in order. */
    static List<long[]> depthEvents(Path recording) throws Exception {
        List<long[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(recording)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int space = line.indexOf(' ');
                JsonNode n = JSON.readTree(line.substring(space + 1));
                String stream = n.path("stream").asText();
                if (stream.matches("[a-z0-9]+@depth(@\\d+ms)?")) {
                    out.add(new long[] {n.path("data").path("U").asLong(), n.path("data").path("u").asLong()});
                }
            }
        }
        return out;
    }

    private Path download(String prefix, Path into) throws Exception {
        int files = 0;
        for (S3Object o : S3.client().listObjectsV2Paginator(b -> b.bucket("depth").prefix(prefix + "/")).contents()) {
            Path target = into.resolve(o.key().substring(prefix.length() + 1));
            Files.createDirectories(target.getParent());
            S3.client().getObject(b -> b.bucket("depth").key(o.key()), ResponseTransformer.toFile(target));
            files++;
        }
        assertTrue(files >= 3, "files uploaded: " + files);
        return into;
    }

    /** A real HTTP server in front of the replay's REST side that answers 503 while closed. */
    static final class GatedRest implements AutoCloseable {
        final HttpServer server;
        final HttpClient http = HttpClient.newHttpClient();
        volatile URI target;
        volatile boolean open;

        GatedRest() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body;
                int status;
                if (!open) {
                    status = 503;
                    body = "{\"code\":-1001,\"msg\":\"gate closed\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    try {
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
                                target.resolve(exchange.getRequestURI().toString())).GET().build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        status = r.statusCode();
                        body = r.body();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        status = 500;
                        body = new byte[0];
                    }
                }
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
