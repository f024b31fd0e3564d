package eu.bborelay.depth.bigtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.RowCell;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.depth.BigtableDepthRow;
import eu.bborelay.depth.Decimals;
import eu.bborelay.depth.DepthBucketSnapshot;
import eu.bborelay.depth.DepthBuckets;
import eu.bborelay.depth.OrderBook;
import eu.bborelay.depth.TestBooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink against the real Bigtable emulator: row shape, read-back, outages, the bounded queue, close. */
@Timeout(120) // the first test loads the Google client and unpacks the emulator: ~25 s on a loaded 2-core box
@ExtendWith(UncaughtExceptionsExtension.class)
class BigtableDepthSinkTest {
    private static final String TABLE = BigtableDepthRow.TABLE;
    /** 002's example: row key 8231946041#BTCUSDT. */
    private static final long EPOCH = 1_768_053_959L;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private BigtableEmulator emulator;
    private final List<BigtableDepthSink> sinks = new ArrayList<>();
    private final DepthBuckets buckets = new DepthBuckets(0.001, 3);
    /** One snapshot reused for every accept, as the recorder does: the sink must copy it. */
    private final DepthBucketSnapshot snapshot = new DepthBucketSnapshot(3);

    @BeforeEach
    void startEmulator() throws Exception {
        emulator = BigtableEmulator.start();
    }

    @AfterEach
    void closeAll() {
        sinks.forEach(BigtableDepthSink::close);
        if (emulator != null) {
            emulator.close();
        }
    }

    /**
     * The hand-computed book of DepthBucketsTest, shifted by {@code shift} ticks of 0.01: mid 100 + shift/100, step
     * 0.001, 3 buckets.
     */
    private DepthBucketSnapshot fill(String symbol, long epochSecond, int shift) {
        String[][] bids = {{"99.99", "1"}, {"99.95", "2"}, {"99.85", "1"}, {"99.75", "4"}, {"99.65", "100"}};
        String[][] asks = {{"100.01", "1"}, {"100.12", "0.5"}, {"100.25", "2"}, {"100.35", "100"}};
        OrderBook b = TestBooks.book(bids, asks, shift * Decimals.parse("0.01", 8));
        buckets.compute(b, symbol, epochSecond, snapshot);
        return snapshot;
    }

    private BigtableDepthSink start(Map<String, String> env) throws Exception {
        BigtableDepthConfig c = BigtableDepthConfig.fromEnv(env).orElseThrow()
                .withRetryDelays(Duration.ofMillis(50), Duration.ofMillis(200))
                .withCallTimeout(Duration.ofSeconds(2)).withDrainTimeout(Duration.ofSeconds(10));
        return start(c);
    }

    private BigtableDepthSink start(BigtableDepthConfig c) throws Exception {
        BigtableDepthSink sink = BigtableDepthSink.start(c);
        sinks.add(sink);
        return sink;
    }

    private static void awaitWritten(BigtableDepthSink sink, long rows) {
        Await.until(rows + " rows written", WAIT, () -> sink.stats().rowsWritten() >= rows, sink::stats);
    }

    private static void assertAllAccountedFor(BigtableDepthStats s) {
        assertEquals(s.rowsAccepted(), s.rowsWritten() + s.rowsDropped() + s.rowsRejected() + s.queuedRows(),
                s.toString());
    }

    private static String text(Row row, String column) {
        List<RowCell> cells = row.getCells(BigtableDepthRow.FAMILY, column);
        assertEquals(1, cells.size(), "one version of " + column);
        return cells.get(0).getValue().toStringUtf8();
    }

    @Test
    void writesTheOriginalRowsAndReadsThemBack() throws Exception {
        emulator.createTable(TABLE); // as the original's cbt createtable + createfamily
        BigtableDepthSink sink = start(emulator.env());
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH, 0), EPOCH * 1000 + 250);
        String json = snapshot.toJson();
        sink.accept("ETHUSDT", fill("ETHUSDT", EPOCH, 1), EPOCH * 1000 + 251);
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH + 1, 2), EPOCH * 1000 + 1_007);
        awaitWritten(sink, 3);

        List<Row> rows = emulator.readAll(TABLE);
        List<String> keys = new ArrayList<>();
        rows.forEach(r -> keys.add(r.getKey().toStringUtf8()));
        // inverted seconds: the newest second sorts first
        assertEquals(List.of("8231946040#BTCUSDT", "8231946041#BTCUSDT", "8231946041#ETHUSDT"), keys);

        Row btc = rows.get(1);
        List<String> columns = new ArrayList<>();
        for (RowCell c : btc.getCells()) {
            assertEquals(BigtableDepthRow.FAMILY, c.getFamily());
            assertEquals((EPOCH * 1000 + 250) * 1000, c.getTimestamp(), "cell timestamp = collection time in µs");
            columns.add(c.getQualifier().toStringUtf8());
        }
        assertEquals(List.of("orderbook", "price", "timestamp"), columns); // Bigtable sorts qualifiers
        assertEquals("100", text(btc, "price"));
        assertEquals("1768053959.25", text(btc, "timestamp"));
        assertEquals(json, text(btc, "orderbook"));
        JsonNode ob = new ObjectMapper().readTree(text(btc, "orderbook"));
        assertEquals(EPOCH, ob.get("epoch").asLong());
        assertEquals("99.99", ob.get("best_bid").asText());
        assertEquals("100.01", ob.get("best_ask").asText());
        assertEquals(3, ob.get("num_steps").asInt());
        assertEquals(0.1, ob.get("step_pct").asDouble());
        assertEquals(99.99 + 199.9, ob.get("bid_buckets").get(0).asDouble(), 1e-9);
        assertEquals(399.0, ob.get("bid_buckets").get(2).asDouble(), 1e-9);
        assertEquals(200.5, ob.get("ask_buckets").get(2).asDouble(), 1e-9);

        Row eth = emulator.readRow(TABLE, "8231946041#ETHUSDT");
        assertEquals("100.01", text(eth, "price"));
        assertEquals("1768053959.251", text(eth, "timestamp"));
        Row newer = emulator.readRow(TABLE, BigtableDepthRow.rowKey(EPOCH + 1, "BTCUSDT"));
        assertEquals("100.02", text(newer, "price"));
        assertEquals(EPOCH + 1, new ObjectMapper().readTree(text(newer, "orderbook")).get("epoch").asLong());

        BigtableDepthStats s = sink.stats();
        assertEquals(3, s.rowsAccepted());
        assertEquals(0, s.rowsDropped() + s.rowsRejected() + s.writeFailures());
        assertFalse(s.failing());
        assertTrue(s.lastWriteEpochMillis() > 0);
        assertAllAccountedFor(s);
    }

    @Test
    void aMissingTableIsCountedAndRetriedUntilItExists() throws Exception {
        BigtableDepthSink sink = start(emulator.env());
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH, 0), EPOCH * 1000);
        Await.until("failed writes", WAIT, () -> sink.stats().writeFailures() >= 2, sink::stats);
        assertTrue(sink.stats().failing());
        assertEquals(0, sink.stats().rowsWritten());
        assertEquals(1, sink.stats().queuedRows(), "the row waits, it is not lost");
        assertTrue(sink.advice(com.google.api.gax.rpc.StatusCode.Code.NOT_FOUND)
                .contains("cbt -project=test-project -instance=test-instance createtable binance_btc_depth"));

        emulator.createTable(TABLE); // the operator follows the advice
        awaitWritten(sink, 1);
        assertFalse(sink.stats().failing());
        assertNotNull(emulator.readRow(TABLE, "8231946041#BTCUSDT"));
        assertAllAccountedFor(sink.stats());
    }

    @Test
    void createsTheTableAndFamilyWhenAsked() throws Exception {
        Map<String, String> env = emulator.env();
        env.put("BIGTABLE_CREATE_TABLE", "true");
        env.put("BIGTABLE_TABLE", "depth_test");
        BigtableDepthSink sink = start(env);
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH, 0), EPOCH * 1000);
        awaitWritten(sink, 1);
        assertEquals("100", text(emulator.readRow("depth_test", "8231946041#BTCUSDT"), "price"));
        assertEquals(0, sink.stats().writeFailures());
    }

    /**
     * Bigtable goes away with one row in the writer's hands: the writer retries that batch (counted failures) while
     * the recorder keeps calling accept without blocking; the queue of 5 keeps the newest rows and drops the oldest
     * (counted). When the emulator is back (empty: BIGTABLE_CREATE_TABLE makes the table again), the retried row and
     * the 5 newest are written.
     */
    @Test
    void anOutageIsCountedDropsTheOldestAndWritingResumes() throws Exception {
        Map<String, String> env = emulator.env();
        env.put("BIGTABLE_CREATE_TABLE", "true");
        env.put("BIGTABLE_QUEUE_ROWS", "5");
        BigtableDepthSink sink = start(env);
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH, 0), EPOCH * 1000);
        awaitWritten(sink, 1);

        emulator.stop();
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH + 1, 0), (EPOCH + 1) * 1000);
        Await.until("the writer fails on the row it holds", WAIT, () -> sink.stats().writeFailures() >= 2,
                sink::stats);
        assertTrue(sink.stats().failing());
        for (int i = 2; i <= 20; i++) {
            sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH + i, 0), (EPOCH + i) * 1000);
        }
        BigtableDepthStats during = sink.stats();
        assertEquals(14, during.rowsDropped(), "19 rows into a queue of 5: the 14 oldest dropped");
        assertEquals(6, during.queuedRows(), "5 queued + the batch being retried");
        assertEquals(1, during.rowsWritten());
        assertAllAccountedFor(during);

        emulator.restart();
        Await.until("writes resumed", WAIT, () -> sink.stats().queuedRows() == 0 && !sink.stats().failing(),
                sink::stats);
        BigtableDepthStats after = sink.stats();
        assertEquals(7, after.rowsWritten());
        assertEquals(14, after.rowsDropped());
        assertAllAccountedFor(after);
        List<String> keys = new ArrayList<>();
        emulator.readAll(TABLE).forEach(r -> keys.add(r.getKey().toStringUtf8()));
        List<String> expected = new ArrayList<>();
        for (int i = 20; i >= 16; i--) {
            expected.add(BigtableDepthRow.rowKey(EPOCH + i, "BTCUSDT"));
        }
        expected.add(BigtableDepthRow.rowKey(EPOCH + 1, "BTCUSDT")); // the batch held through the outage
        assertEquals(expected, keys, "the restarted emulator holds what was written after it came back");
    }

    @Test
    void closeWritesWhatIsQueuedThenDropsAndCountsLateRows() throws Exception {
        emulator.createTable(TABLE);
        BigtableDepthSink sink = start(emulator.env());
        for (int i = 0; i < 250; i++) {
            sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH + i, i % 7), (EPOCH + i) * 1000);
        }
        sink.close();
        BigtableDepthStats s = sink.stats();
        assertEquals(250, s.rowsWritten(), s.toString());
        assertEquals(0, s.queuedRows());
        assertEquals(250, emulator.readAll(TABLE).size());
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH + 999, 0), (EPOCH + 999) * 1000);
        assertEquals(1, sink.stats().rowsDropped(), "a row after close is counted, not lost silently");
        assertAllAccountedFor(sink.stats());
    }

    @Test
    void closeDuringAnOutageGivesUpAfterTheDrainTimeoutAndCountsTheRest() throws Exception {
        emulator.createTable(TABLE);
        BigtableDepthSink sink = start(BigtableDepthConfig.fromEnv(emulator.env()).orElseThrow()
                .withRetryDelays(Duration.ofMillis(50), Duration.ofMillis(200)).withCallTimeout(Duration.ofSeconds(1))
                .withDrainTimeout(Duration.ofMillis(300)));
        emulator.stop();
        for (int i = 0; i < 3; i++) {
            sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH + i, 0), (EPOCH + i) * 1000);
        }
        Await.until("a failed write", WAIT, () -> sink.stats().writeFailures() >= 1, sink::stats);
        sink.close();
        BigtableDepthStats s = sink.stats();
        assertEquals(0, s.rowsWritten());
        assertEquals(3, s.rowsDropped());
        assertEquals(0, s.queuedRows());
        assertAllAccountedFor(s);
    }

    @Test
    void rowsWithoutAUsableKeyAreRejectedAndCountedAndTheRestIsWritten() throws Exception {
        emulator.createTable(TABLE);
        BigtableDepthSink sink = start(emulator.env());
        sink.accept("ETHUSDT", fill("BTCUSDT", EPOCH, 0), EPOCH * 1000); // symbol does not match the snapshot
        sink.accept("BTC#USDT", fill("BTC#USDT", EPOCH, 0), EPOCH * 1000); // '#' cannot be in a row key
        sink.accept("BTCUSDT", fill("BTCUSDT", 0, 0), 1000); // epoch out of range
        sink.accept("BTCUSDT", fill("BTCUSDT", EPOCH, 0), EPOCH * 1000);
        awaitWritten(sink, 1);
        Await.until("3 rejected", WAIT, () -> sink.stats().rowsRejected() == 3, sink::stats);
        assertEquals(1, emulator.readAll(TABLE).size());
        assertNull(emulator.readRow(TABLE, "8231946041#ETHUSDT"));
        assertAllAccountedFor(sink.stats());
    }
}
