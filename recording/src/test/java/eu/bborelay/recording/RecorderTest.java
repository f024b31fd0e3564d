package eu.bborelay.recording;

import eu.bborelay.recording.testing.Duck;
import static eu.bborelay.recording.BinanceTables.BBO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.recording.BinanceTables.Bbo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {
    static final String TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    static final Instant BEFORE_MIDNIGHT = Instant.parse("2024-08-08T23:59:50Z");

    @TempDir
    Path dir;

    final List<Path> closed = new CopyOnWriteArrayList<>();
    final MutableClock clock = new MutableClock(BEFORE_MIDNIGHT);

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Row bbo(Row row, String symbol, long recvTs, long seq) {
        return row.clear().setLong(Bbo.RECV_TS, recvTs).setString(Bbo.SYMBOL, symbol)
                .setDouble(Bbo.BID, 61837.63 + seq % 7).setDouble(Bbo.ASK, 61837.64 + seq % 7)
                .setDouble(Bbo.BID_QTY, 3.78826).setDouble(Bbo.ASK_QTY, 1.54698)
                .setLong(Bbo.UPDATE_ID, 50093239212L + seq).setLong(Bbo.SEQ, seq).setLong(Bbo.SEND_TS, recvTs - 3_500_000);
    }

    Recorder open(List<TableSchema> tables) throws Exception {
        return Recorder.open(RecorderConfig.defaults(dir).withClock(clock).withGrace(Duration.ofSeconds(10)), tables,
                (f, bytes) -> closed.add(f));
    }

    @Test
    void writesClosesAndDuckDbReadsSchemaCodecRowsAndPartitions() throws Exception {
        long t0 = nanos(Instant.parse("2024-08-08T23:10:00Z"));
        try (Recorder r = open(BinanceTables.ALL)) {
            Row row = new Row(BBO);
            for (int i = 0; i < 1000; i++) {
                assertTrue(r.append(bbo(row, i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", t0 + i * 1_000_000L, i)));
            }
            row.setLong(Bbo.EXCH_TS, 1723161255208L);
            assertTrue(r.append(row.setLong(Bbo.SEQ, 1000)));
            assertEquals(2, r.stats().openFiles());
        }
        assertEquals(2, closed.size());
        assertEquals(List.of(), files(".journal"));
        assertEquals(List.of(), files(".tmp"));
        try (Duck duck = new Duck()) {
            String t = Duck.hive(dir.resolve("binance/bbo"));
            assertEquals(1001, duck.count("SELECT count(*) FROM " + t));
            assertEquals(List.of(List.of("BTCUSDT", "2024-08-08", 23L, 500L), List.of("ETHUSDT", "2024-08-08", 23L, 501L)),
                    duck.rows("SELECT symbol, CAST(date AS VARCHAR), CAST(hour AS BIGINT), count(*) FROM " + t
                            + " GROUP BY ALL ORDER BY 1"));
            assertEquals(1, duck.count("SELECT count(exch_ts) FROM " + t));
            assertEquals(1000, duck.count("SELECT count(DISTINCT seq) FROM " + t + " WHERE exch_ts IS NULL"));
            Path file = dir.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet");
            assertTrue(Files.exists(file), file.toString());
            // the file body: every column but the partition column, in declaration order, with the declared types
            assertEquals(List.of(
                            List.of("recv_ts", "BIGINT"), List.of("exch_ts", "BIGINT"), List.of("bid", "DOUBLE"),
                            List.of("ask", "DOUBLE"), List.of("bid_qty", "DOUBLE"), List.of("ask_qty", "DOUBLE"),
                            List.of("update_id", "BIGINT"), List.of("seq", "BIGINT"), List.of("send_ts", "BIGINT")),
                    duck.rows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('" + file
                            + "', hive_partitioning=false))"));
            assertEquals(List.of(List.of("ZSTD")), duck.rows("SELECT DISTINCT compression FROM parquet_metadata('"
                    + file + "')"));
            assertEquals(List.of(List.of("REQUIRED", "recv_ts"), List.of("OPTIONAL", "exch_ts")),
                    duck.rows("SELECT repetition_type, name FROM parquet_schema('" + file
                            + "') WHERE name IN ('recv_ts','exch_ts') ORDER BY name DESC"));
        }
    }

    @Test
    void listColumnsOfTheBookTablesReadBackAsArraysOfStructs() throws Exception {
        TableSchema l2 = TableSchema.builder("polymarket/l2", "token_id")
                .int64("recv_ts").string("token_id").priceSizeList("bids").priceSizeList("asks")
                .finiteFloat64List("bid_buckets").nullableString("hash").bool("snapshot").build();
        try (Recorder r = open(List.of(l2))) {
            Row row = new Row(l2);
            double[] prices = {0.51, 0.5, 0.49};
            double[] sizes = {100, 250.5, 3};
            r.append(row.clear().setLong(0, nanos(BEFORE_MIDNIGHT)).setString(1, TOKEN)
                    .setLevels(l2.index("bids"), prices, sizes, 3).setLevels(l2.index("asks"), prices, sizes, 0)
                    .setDoubles(l2.index("bid_buckets"), new double[] {1.5, 2.5}, 2)
                    .setString(l2.index("hash"), "ab\u00e9").setBoolean(l2.index("snapshot"), true));
            // a row over maxRowBytes (1 MiB) is bad input, not a failure
            double[] huge = new double[200_000];
            assertFalse(r.append(row.setDoubles(l2.index("bid_buckets"), huge, huge.length)));
            huge[7] = Double.NaN;
            assertFalse(r.append(row.setDoubles(l2.index("bid_buckets"), huge, 10)));
            assertEquals(Map.of(RejectReason.ROW_TOO_LARGE, 1L, RejectReason.NOT_FINITE, 1L),
                    r.stats().table("polymarket/l2").rowsRejected());
            assertTrue(r.stats().healthy());
        }
        try (Duck duck = new Duck()) {
            List<List<Object>> rows = duck.rows("SELECT len(bids), bids[2].price, bids[2].size, len(asks),"
                    + " bid_buckets[2], hash, snapshot, typeof(bids) FROM " + Duck.hive(dir.resolve("polymarket/l2")));
            assertEquals("[[3, 0.5, 250.5, 0, 2.5, ab\u00e9, true, STRUCT(price DOUBLE, size DOUBLE)[]]]",
                    rows.toString());
            // a Polymarket token id is a 77-digit number: DuckDB's hive type inference must be told it is text
            String typed = "read_parquet('" + dir.resolve("polymarket/l2").toAbsolutePath() + "/**/*.parquet',"
                    + " hive_partitioning=true, hive_types={'token_id': VARCHAR})";
            assertEquals(List.of(List.of(TOKEN, "VARCHAR")), duck.rows("SELECT token_id, typeof(token_id) FROM "
                    + typed));
            System.out.println("inferred without hive_types: " + duck.rows("SELECT token_id::VARCHAR,"
                    + " typeof(token_id) FROM " + Duck.hive(dir.resolve("polymarket/l2"))));
        }
    }

    @Test
    void polymarketTablesUseTokenFoldersAndKeepTokenIdAsAStringColumnOfTheFile() throws Exception {
        assertEquals("token", PolymarketTables.L2.partitionKey());
        assertEquals("token_id", PolymarketTables.L2.partitionColumn());
        assertTrue(PolymarketTables.L2.bodyColumns().stream().anyMatch(c -> c.name().equals("token_id")));
        assertEquals(BBO.columns().size() - 1, BBO.bodyColumns().size(), "symbol= stays out of the Binance body");
        try (Recorder r = open(PolymarketTables.ALL)) {
            Row l2 = new Row(PolymarketTables.L2);
            double[] bidP = {0.29, 0.28};
            double[] bidS = {10, 20.5};
            double[] askP = {0.301};
            double[] askS = {45.83};
            assertTrue(r.append(l2.clear().setLong(PolymarketTables.L2Columns.RECV_TS, nanos(BEFORE_MIDNIGHT))
                    .setString(PolymarketTables.L2Columns.TOKEN_ID, TOKEN)
                    .setLevels(PolymarketTables.L2Columns.BIDS, bidP, bidS, 2)
                    .setLevels(PolymarketTables.L2Columns.ASKS, askP, askS, 1)
                    .setLong(PolymarketTables.L2Columns.EXCH_TS, 1790658827000L)
                    .setString(PolymarketTables.L2Columns.MARKET, "0x2857")
                    .setString(PolymarketTables.L2Columns.EVENT_TYPE, "book")));
            Row trade = new Row(PolymarketTables.TRADES);
            assertTrue(r.append(trade.clear().setLong(PolymarketTables.TradeColumns.RECV_TS, nanos(BEFORE_MIDNIGHT))
                    .setString(PolymarketTables.TradeColumns.TOKEN_ID, TOKEN)
                    .setDouble(PolymarketTables.TradeColumns.PRICE, 0.491)
                    .setDouble(PolymarketTables.TradeColumns.SIZE, 85.36)
                    .setString(PolymarketTables.TradeColumns.SIDE, "SELL")
                    .setLong(PolymarketTables.TradeColumns.FEE_RATE_BPS, 0)));
        }
        assertTrue(Files.isRegularFile(dir.resolve("polymarket/l2/token=" + TOKEN
                + "/date=2024-08-08/hour=23/data_000.parquet")));
        assertTrue(Files.isRegularFile(dir.resolve("polymarket/trades/token=" + TOKEN
                + "/date=2024-08-08/hour=23/data_000.parquet")));
        try (Duck duck = new Duck()) {
            assertEquals("[[" + TOKEN + ", VARCHAR, 2, 0.28, 20.5, 0.301, 1790658827000, 0x2857, book, null]]",
                    duck.rows("SELECT token_id, typeof(token_id), len(bids), bids[2].price, bids[2].size,"
                            + " asks[1].price, exch_ts, market, event_type, hash FROM "
                            + Duck.hive(dir.resolve("polymarket/l2"))).toString());
            assertEquals("[[" + TOKEN + ", 0.491, 85.36, SELL, null, null, 0]]", duck.rows("SELECT token_id, price,"
                    + " size, side, exch_ts, market, fee_rate_bps FROM " + Duck.hive(dir.resolve("polymarket/trades")))
                    .toString());
        }
    }

    @Test
    void hourBoundaryAndUtcMidnightGoToTheRightPartitionsAndCloseAfterTheGrace() throws Exception {
        try (Recorder r = open(List.of(BBO))) {
            Row row = new Row(BBO);
            long before = nanos(Instant.parse("2024-08-08T23:59:55Z"));
            long after = nanos(Instant.parse("2024-08-09T00:00:03Z"));
            r.append(bbo(row, "BTCUSDT", before, 1));
            clock.set(Instant.parse("2024-08-09T00:00:03Z"));
            r.append(bbo(row, "BTCUSDT", after, 2));
            r.append(bbo(row, "BTCUSDT", before + 1, 3)); // late row of the old hour, within the grace period
            r.maintain();
            assertEquals(List.of(), closed, "hour 23 stays open during the grace period");
            clock.set(Instant.parse("2024-08-09T00:00:10Z"));
            r.maintain();
            assertEquals(List.of(dir.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet")),
                    closed);
            r.append(bbo(row, "BTCUSDT", before + 2, 4)); // later than the grace: a new file of its hour
            clock.set(Instant.parse("2024-08-09T01:00:10Z"));
            r.maintain();
            assertEquals(3, closed.size());
            assertEquals(0, r.stats().openFiles());
        }
        try (Duck duck = new Duck()) {
            assertEquals(List.of(List.of("2024-08-08", 23L, 3L, "1,3,4"), List.of("2024-08-09", 0L, 1L, "2")),
                    duck.rows("SELECT CAST(date AS VARCHAR), CAST(hour AS BIGINT), count(*),"
                            + " string_agg(seq::VARCHAR, ',' ORDER BY seq) FROM " + Duck.hive(dir.resolve("binance/bbo"))
                            + " GROUP BY ALL ORDER BY 1, 2"));
        }
        assertTrue(Files.exists(dir.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_001.parquet")));
        assertTrue(Files.exists(dir.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-09/hour=00/data_000.parquet")));
    }

    @Test
    void aRestartNeverOverwritesNotEvenAnUploadedAndDeletedFile() throws Exception {
        Path folder = dir.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23");
        Row row = new Row(BBO);
        long t = nanos(BEFORE_MIDNIGHT);
        for (int run = 0; run < 3; run++) {
            try (Recorder r = open(List.of(BBO))) {
                r.append(bbo(row, "BTCUSDT", t + run, run));
            }
            if (run == 1) { // as the uploader leaves it with KEEP_LOCAL_HOURS=0
                Files.createFile(folder.resolve("data_001.parquet.uploaded"));
                Files.delete(folder.resolve("data_001.parquet"));
            }
        }
        try (Stream<Path> s = Files.list(folder)) {
            assertEquals(List.of("data_000.parquet", "data_001.parquet.uploaded", "data_002.parquet"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void badRowsAreCountedPerReasonAndNeverStopTheWriter() throws Exception {
        try (Recorder r = open(List.of(BBO))) {
            Row row = new Row(BBO);
            long t = nanos(BEFORE_MIDNIGHT);
            assertTrue(r.append(bbo(row, "BTCUSDT", t, 1)));
            assertFalse(r.append(bbo(row, "BTCUSDT", t, 2).setDouble(Bbo.BID, Double.NaN)));
            assertFalse(r.append(bbo(row, "BTCUSDT", t, 3).setDouble(Bbo.ASK, Double.POSITIVE_INFINITY)));
            assertFalse(r.append(bbo(row, "BTCUSDT", t, 4).setNull(Bbo.UPDATE_ID)));
            assertFalse(r.append(bbo(row, "BTC/USDT", t, 5)));
            assertFalse(r.append(bbo(row, "..", t, 6)));
            assertTrue(r.append(bbo(row, "BTCUSDT", t, 7)));
            RecorderStats.TableStats s = r.stats().table("binance/bbo");
            assertEquals(2, s.rowsWritten());
            assertEquals(Map.of(RejectReason.NOT_FINITE, 2L, RejectReason.MISSING_VALUE, 1L,
                    RejectReason.BAD_PARTITION_VALUE, 2L), s.rowsRejected());
            assertNull(r.stats().failure());
        }
        try (Duck duck = new Duck()) {
            assertEquals(List.of(List.of(1L), List.of(7L)),
                    duck.rows("SELECT seq FROM " + Duck.hive(dir.resolve("binance/bbo")) + " ORDER BY seq"));
        }
    }

    @Test
    void tooManyOpenFilesClosesTheLeastRecentlyWritten() throws Exception {
        try (Recorder r = Recorder.open(RecorderConfig.defaults(dir).withClock(clock).withMaxOpenFiles(2),
                List.of(BBO), (f, b) -> closed.add(f))) {
            Row row = new Row(BBO);
            long t = nanos(BEFORE_MIDNIGHT);
            r.append(bbo(row, "A", t, 1));
            r.append(bbo(row, "B", t, 2));
            r.append(bbo(row, "A", t, 3));
            r.append(bbo(row, "C", t, 4)); // closes B
            assertEquals(1, closed.size());
            assertTrue(closed.get(0).toString().contains("symbol=B/"));
            r.append(bbo(row, "B", t, 5)); // closes A, B continues in data_001
            assertEquals(2, r.stats().openFiles());
        }
        try (Duck duck = new Duck()) {
            assertEquals(5, duck.count("SELECT count(DISTINCT seq) FROM " + Duck.hive(dir.resolve("binance/bbo"))));
        }
    }

    List<Path> files(String suffix) throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> p.toString().endsWith(suffix)).forEach(out::add);
        }
        return out;
    }
}
