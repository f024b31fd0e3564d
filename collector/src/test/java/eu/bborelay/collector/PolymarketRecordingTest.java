package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyExtension;
import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.ops.Health;
import eu.bborelay.polymarket.replay.PolymarketReplayServer;
import eu.bborelay.polymarket.replay.Recording;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Polymarket recorded by the collector, every part real: the local Polymarket server (polymarket-replay) replaying the
 * recorded crossing burst ({@code shared/data/polymarket}: a {@code book}, 49 {@code price_change} frames covering
 * both tokens of the market, a closing {@code book}) → the collector's {@link PolymarketSource} → Recorder →
 * S3Uploader → s3proxy; the bucket downloaded and read with DuckDB. Row counts per token, the last L2 row equal to
 * the closing book (YES) and to its mirror (NO), the crossed moment recorded as it was, trades, top-N levels.
 */
class PolymarketRecordingTest {
    static final String CROSSING_BURST =
            "nautilus_polymarket_market-channel_book+price_change_crossing-burst_20260929.jsonl";
    static final String YES = "76670567130917723816490572615540605537878462672464291990940067659127658071111";
    static final String NO = "54179564009642723353355316176091991063553046330768303687769988635499280029688";
    static final String MARKET = "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01";
    static final Duration WAIT = Duration.ofSeconds(30);
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir
    Path dir;

    static Path burst() {
        Path p = SharedData.dataDir().resolve("polymarket").resolve(CROSSING_BURST);
        assertTrue(Files.isRegularFile(p), "recorded Polymarket file missing: " + p);
        return p;
    }

    /** A real trade message (the recorded last_trade_price), moved to the YES token of the burst's market. */
    static String trade(String price, String size, String side, long timestamp) {
        return "{\"asset_id\":\"" + YES + "\",\"event_type\":\"last_trade_price\",\"fee_rate_bps\":\"0\",\"market\":\""
                + MARKET + "\",\"price\":\"" + price + "\",\"side\":\"" + side + "\",\"size\":\"" + size
                + "\",\"timestamp\":\"" + timestamp + "\"}";
    }

    @Test
    @Timeout(120)
    void theCrossingBurstIsRecordedRowPerBookChangeAndTheLastRowIsTheClosingBook() throws Exception {
        S3.client().createBucket(b -> b.bucket("poly"));
        Path data = dir.resolve("data");
        Path down = dir.resolve("down");
        try (PolymarketReplayServer server = PolymarketReplayServer.builder()
                .recording(Recording.read(burst(), true)).build()) {
            server.start();
            Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                    CollectorFixture.uploader(data, S3.server(), "poly"),
                    new PolymarketSource.Config(List.of(YES, NO), server.uri(), 0), Duration.ofSeconds(30));
            try {
                PolymarketSource p = collector.polymarket();
                assertTrue(server.awaitFinished(WAIT), "replay did not finish");
                Await.until("101 book changes recorded", WAIT, () -> p.listener().l2Rows() == 101, p::summary);
                server.broadcast(trade("0.3", "12.5", "BUY", 1790658828000L));
                server.broadcast(trade("0.29", "85.36", "SELL", 1790658829000L));
                Await.until("2 trades recorded", WAIT, () -> p.listener().tradeRows() == 2, p::summary);
                Health h = CollectorOps.health(collector, 10, 3600);
                assertTrue(h.reason().contains("polymarket connected, 2/2 books synced, rows polymarket/l2 101,"
                        + " polymarket/trades 2, reconnects 0"), h.reason());
                assertTrue(h.reason().contains("polymarket/l2 101") && h.reason().contains("polymarket/trades 2"),
                        h.reason());
                assertEquals(0, p.listener().refusedRows());
                assertEquals(0, p.client().stats().changesWhileUnsynced());
            } finally {
                collector.close();
            }
            assertEquals(0, collector.uploader().pendingFiles(), "uploaded at shutdown");
        }
        List<String> keys = CollectorFixture.download(S3.client(), "poly", down);
        assertTrue(keys.stream().anyMatch(k -> k.matches("collector/polymarket/l2/token=" + YES
                + "/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/data_000\\.parquet")), keys.toString());
        assertTrue(keys.stream().anyMatch(k -> k.startsWith("collector/polymarket/trades/token=" + YES + "/")),
                keys.toString());

        List<String> lines = Files.readAllLines(burst(), StandardCharsets.UTF_8);
        Book closingYes = Book.of(lines.get(lines.size() - 1));
        Book closingNo = closingYes.mirrored();
        String l2 = Duck.hive(down.resolve("collector/polymarket/l2")).replace("hive_partitioning=true",
                "hive_partitioning=true, file_row_number=true");
        try (Duck duck = new Duck()) {
            assertEquals("[[" + NO + ", 1, 49, 50], [" + YES + ", 2, 49, 51]]", duck.rows("SELECT token_id,"
                    + " count(*) FILTER (event_type = 'book'), count(*) FILTER (event_type = 'price_change'),"
                    + " count(*) FROM " + l2 + " GROUP BY token_id ORDER BY token_id").toString());
            assertEquals("[[VARCHAR, STRUCT(price DOUBLE, size DOUBLE)[], BIGINT]]", duck.rows("SELECT"
                    + " typeof(token_id), typeof(bids), typeof(exch_ts) FROM " + l2 + " LIMIT 1").toString());
            String last = "(SELECT * FROM " + l2 + " WHERE token_id = '%s' ORDER BY recv_ts DESC, filename DESC,"
                    + " file_row_number DESC LIMIT 1)";
            assertEquals("[[book, 1790658827000, " + MARKET + ", 78b396c8a7f4989f638fe6cf9b2e8ced15680ba7]]",
                    duck.rows("SELECT event_type, exch_ts, market, hash FROM " + last.formatted(YES)).toString());
            assertEquals(closingYes.bids, levels(duck, last.formatted(YES), "bids"), "closing YES bids");
            assertEquals(closingYes.asks, levels(duck, last.formatted(YES), "asks"), "closing YES asks");
            assertEquals(23, closingYes.bids.size());
            // NO has no recorded book: its last row is the last price_change, which must rebuild the mirror exactly
            assertEquals(closingNo.bids, levels(duck, last.formatted(NO), "bids"), "NO bids = mirrored closing book");
            assertEquals(closingNo.asks, levels(duck, last.formatted(NO), "asks"), "NO asks = mirrored closing book");
            // the real crossed moment (2 frames x 2 tokens) is in the data as it was, not hidden
            assertEquals(4, duck.count("SELECT count(*) FROM " + l2 + " WHERE bids[1].price >= asks[1].price"));
            // bids best first (descending), asks best first (ascending), in every row
            assertEquals(0, duck.count("SELECT count(*) FROM " + l2 + " WHERE bids <> list_sort(bids, 'DESC')"
                    + " OR asks <> list_sort(asks, 'ASC')"));
            assertEquals("[[" + YES + ", 0.3, 12.5, BUY, 1790658828000, " + MARKET + ", 0], [" + YES
                    + ", 0.29, 85.36, SELL, 1790658829000, " + MARKET + ", 0]]", duck.rows("SELECT token_id, price,"
                    + " size, side, exch_ts, market, fee_rate_bps FROM "
                    + Duck.hive(down.resolve("collector/polymarket/trades")) + " ORDER BY exch_ts").toString());
            assertEquals(List.of(List.of("ZSTD")), duck.rows("SELECT DISTINCT compression FROM parquet_metadata('"
                    + down.resolve("collector/polymarket") + "/**/*.parquet')"));
        }
    }

    @Test
    @Timeout(120)
    void topFiveLevelsKeepTheBestFiveAndSkipChangesBelowThem() throws Exception {
        S3.client().createBucket(b -> b.bucket("top5"));
        Path data = dir.resolve("data");
        Path down = dir.resolve("down");
        long skipped;
        try (PolymarketReplayServer server = PolymarketReplayServer.builder()
                .recording(Recording.read(burst(), true)).build()) {
            server.start();
            Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                    CollectorFixture.uploader(data, S3.server(), "top5"),
                    new PolymarketSource.Config(List.of(YES, NO), server.uri(), 5), Duration.ofSeconds(30));
            try {
                PolymarketSource p = collector.polymarket();
                assertTrue(server.awaitFinished(WAIT), "replay did not finish");
                Await.until("every book change seen", WAIT,
                        () -> p.listener().l2Rows() + p.listener().unchangedTopSkipped() == 101, p::summary);
                skipped = p.listener().unchangedTopSkipped();
            } finally {
                collector.close();
            }
        }
        CollectorFixture.download(S3.client(), "top5", down);
        Book closingYes = Book.of(Files.readAllLines(burst(), StandardCharsets.UTF_8).get(50));
        String l2 = Duck.hive(down.resolve("collector/polymarket/l2")).replace("hive_partitioning=true",
                "hive_partitioning=true, file_row_number=true");
        try (Duck duck = new Duck()) {
            assertEquals(101 - skipped, duck.count("SELECT count(*) FROM " + l2));
            assertEquals(0, duck.count("SELECT count(*) FROM " + l2 + " WHERE len(bids) > 5 OR len(asks) > 5"));
            assertEquals(3, duck.count("SELECT count(*) FROM " + l2 + " WHERE event_type = 'book'"),
                    "snapshots are always recorded");
            String last = "(SELECT * FROM " + l2 + " WHERE token_id = '" + YES + "' ORDER BY recv_ts DESC,"
                    + " filename DESC, file_row_number DESC LIMIT 1)";
            assertEquals(closingYes.bids.subList(0, 5), levels(duck, last, "bids"));
            assertEquals(closingYes.asks.subList(0, 5), levels(duck, last, "asks"));
            // no two consecutive rows of a token have the same top 5
            assertEquals(0, duck.count("SELECT count(*) FROM (SELECT event_type, bids, asks, lag(bids) OVER w pb,"
                    + " lag(asks) OVER w pa FROM " + l2 + " WINDOW w AS (PARTITION BY token_id ORDER BY recv_ts,"
                    + " filename, file_row_number)) WHERE event_type = 'price_change' AND bids = pb AND asks = pa"));
        }
    }

    @Test
    @Timeout(60)
    void healthFailsWhileTheMarketChannelIsNotConnected() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        Path data = dir.resolve("data");
        Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                CollectorFixture.uploader(data, S3.server(), "absent"), new PolymarketSource.Config(List.of(YES),
                        java.net.URI.create("ws://127.0.0.1:" + closedPort + "/ws/market"), 0), Duration.ZERO);
        try {
            Health h = CollectorOps.health(collector, 10, 3600);
            assertFalse(h.healthy());
            assertTrue(h.reason().startsWith("Polymarket market channel ws://127.0.0.1:" + closedPort
                    + "/ws/market not connected (reconnecting)"), h.reason());
            assertTrue(h.reason().matches(".*; polymarket DISCONNECTED, 0/1 books synced, rows polymarket/l2 0,"
                    + " polymarket/trades 0, reconnects \\d+$"), h.reason());
        } finally {
            collector.close();
        }
    }

    /**
     * The size of the L2 table, measured on recorded data through the collector, whole book and top 5: every file's
     * bytes, data only (the column chunks, {@code parquet_metadata} total_compressed_size) and with the footer (the
     * file). Two runs each: the burst once (every price and size value new to the file, as in live data, where each
     * change brings new sizes: the realistic figure per row) and {@value #ROUNDS} times (timestamps moved on each
     * round; at the burst's own rate of 0.30 book changes/s per token that is about one hourly file per token as
     * production writes it, but repeated values make the dictionaries cheaper than live data's: a lower bound). The
     * cost per day = rows/day at the burst's rate x data bytes/row of the single pass + 24 footers. Prints the
     * figures (docs/COLLECTOR.md quotes them); asserts only what holds whatever the codec does.
     */
    @Test
    @Timeout(120)
    void bytesPerL2RowWholeBookAndTopFive() throws Exception {
        for (int levels : new int[] {0, 5}) {
            Size once = measure(levels, 1);
            Size hour = measure(levels, ROUNDS);
            // book changes per day at the burst's rate, times the share written (top N skips some)
            double rowsPerDay = BURST_ROWS_PER_TOKEN / BURST_SECONDS * 86_400 * once.rows / 101.0;
            double footer = (hour.fileBytes - hour.dataBytes) / (double) hour.files;
            double mbPerDay = (rowsPerDay * once.dataBytes / once.rows + 24 * footer) / 1e6;
            System.out.printf("MEASURE polymarket/l2 POLYMARKET_L2_LEVELS=%d: burst once: %d rows in %d files,"
                            + " %.1f B/row data, %.1f B/row with footer; %d rounds: %d rows in %d files,"
                            + " %.1f B/row data,"
                            + " %.1f B/row with footer, footer %.0f B/file; at the burst's rate (%.3f changes/s/token,"
                            + " %.0f rows/day) one token costs %.2f MB/day%n",
                    levels, once.rows, once.files, once.dataBytes / (double) once.rows,
                    once.fileBytes / (double) once.rows, ROUNDS, hour.rows, hour.files,
                    hour.dataBytes / (double) hour.rows, hour.fileBytes / (double) hour.rows, footer,
                    BURST_ROWS_PER_TOKEN / BURST_SECONDS, rowsPerDay, mbPerDay);
            assertTrue(hour.rows >= ROUNDS * 95L, hour.rows + " rows");
            assertTrue(once.dataBytes < once.fileBytes && hour.dataBytes < hour.fileBytes);
            assertTrue(hour.dataBytes / (double) hour.rows <= once.dataBytes / (double) once.rows,
                    "repeated values cannot cost more per row");
        }
    }

    static final int ROUNDS = 20;
    /** Book changes per token in the burst: (51 + 50) / 2, over its span of 165.766 s (first to last timestamp). */
    static final double BURST_ROWS_PER_TOKEN = 50.5;
    static final double BURST_SECONDS = 165.766;

    record Size(int levels, long rows, long files, long dataBytes, long fileBytes) {
    }

    private Size measure(int levels, int rounds) throws Exception {
        String bucket = "size" + levels + "x" + rounds;
        S3.client().createBucket(b -> b.bucket(bucket));
        Path data = dir.resolve("data" + bucket);
        Path down = dir.resolve("down" + bucket);
        try (PolymarketReplayServer server = PolymarketReplayServer.builder()
                .recording(Recording.read(burst(), true)).loop(rounds > 1).rate(2000).build()) {
            server.start();
            Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                    CollectorFixture.uploader(data, S3.server(), bucket),
                    new PolymarketSource.Config(List.of(YES, NO), server.uri(), levels), Duration.ofSeconds(30));
            try {
                Await.until(rounds + " rounds sent", WAIT, () -> server.position() >= 52 * rounds);
                server.stall(true);
                Thread.sleep(100); // a send under way completes
                PolymarketSource p = collector.polymarket();
                Await.until("every frame sent processed", WAIT,
                        () -> p.client().stats().frames() == server.messagesSent(), p::summary);
            } finally {
                collector.close();
            }
        }
        CollectorFixture.download(S3.client(), bucket, down);
        Path l2 = down.resolve("collector/polymarket/l2");
        long fileBytes;
        long files;
        try (java.util.stream.Stream<Path> s = Files.walk(l2)) {
            List<Path> parquet = s.filter(p -> p.toString().endsWith(".parquet")).toList();
            files = parquet.size();
            fileBytes = 0;
            for (Path p : parquet) {
                fileBytes += Files.size(p);
            }
        }
        try (Duck duck = new Duck()) {
            long rows = duck.count("SELECT count(*) FROM " + Duck.hive(l2));
            long dataBytes = duck.count("SELECT sum(total_compressed_size) FROM parquet_metadata('" + l2
                    + "/**/*.parquet')");
            return new Size(levels, rows, files, dataBytes, fileBytes);
        }
    }

    /** The levels of one side of the row selected by {@code rowQuery}, as "price x size" strings, best first. */
    static List<String> levels(Duck duck, String rowQuery, String side) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<Object> r : duck.rows("SELECT l.price, l.size FROM (SELECT unnest(" + side + ") l,"
                + " generate_subscripts(" + side + ", 1) i FROM " + rowQuery + ") ORDER BY i")) {
            out.add(r.get(0) + " x " + r.get(1));
        }
        return out;
    }

    /** Test oracle: a recorded {@code book} message's levels via BigDecimal, best first, as "price x size". */
    record Book(List<String> bids, List<String> asks, TreeMap<BigDecimal, BigDecimal> bidMap,
                TreeMap<BigDecimal, BigDecimal> askMap) {
        static Book of(String json) throws Exception {
            JsonNode n = new ObjectMapper().readTree(json);
            assertEquals("book", n.get("event_type").asText());
            TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
            TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
            n.get("bids").forEach(l -> bids.put(new BigDecimal(l.get("price").asText()),
                    new BigDecimal(l.get("size").asText())));
            n.get("asks").forEach(l -> asks.put(new BigDecimal(l.get("price").asText()),
                    new BigDecimal(l.get("size").asText())));
            return of(bids, asks);
        }

        static Book of(TreeMap<BigDecimal, BigDecimal> bids, TreeMap<BigDecimal, BigDecimal> asks) {
            List<String> b = new ArrayList<>();
            bids.descendingMap().forEach((p, s) -> b.add(p.doubleValue() + " x " + s.doubleValue()));
            List<String> a = new ArrayList<>();
            asks.forEach((p, s) -> a.add(p.doubleValue() + " x " + s.doubleValue()));
            return new Book(b, a, bids, asks);
        }

        /** The binary market's other token: bid p becomes ask 1 - p with the same size, and the reverse. */
        Book mirrored() {
            TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>();
            TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
            askMap.forEach((p, s) -> bids.put(BigDecimal.ONE.subtract(p), s));
            bidMap.forEach((p, s) -> asks.put(BigDecimal.ONE.subtract(p), s));
            return of(bids, asks);
        }
    }
}
