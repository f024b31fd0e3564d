package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyExtension;
import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.ops.Health;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance run in one JVM, every part real: binance-replay (the spot capture across midnight, two files) →
 * sender (TLS) → collector (receiver library + Recorder + S3Uploader) → s3proxy; then the bucket is downloaded and
 * read with DuckDB: 73,174 bbo rows and 19,904 trade rows (the sender with trades, INCLUDE_TRADES=true), every
 * bookTicker update id and every trade id exactly once, gaps 0. And an S3 outage: files wait,
 * health and metrics say so, everything arrives when S3 is back.
 */
class CollectorEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void everyBookTickerOfTheMidnightCaptureLandsInS3ExactlyOnce() throws Exception {
        S3.client().createBucket(b -> b.bucket("acceptance"));
        Path data = dir.resolve("data");
        Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                CollectorFixture.uploader(data, S3.server(), "acceptance"), Duration.ofSeconds(30));
        SenderStats sent;
        try (BinanceReplayServer replay = CollectorFixture.replay(CollectorFixture.SPEED);
             Sender sender = Sender.start(CollectorFixture.sender(replay, collector.receiver().port()).build())) {
            Await.until("73,174 bbo and 19,904 trade rows recorded", WAIT, () -> allRecorded(collector),
                    () -> sender.stats() + " / " + collector.recorder().stats());
            sent = sender.stats();
            Health h = CollectorOps.health(collector, 10, 3600);
            assertTrue(h.healthy(), h.reason());
            assertTrue(h.reason().contains("binance/bbo 73174") && h.reason().contains("binance/trades 19904")
                    && h.reason().contains("; gaps 0; upload backlog 0 file(s)"), h.reason()); // tables in any order
        } finally {
            collector.close();
        }
        assertEquals(CollectorFixture.SPOT_UPDATES, sent.taken());
        assertEquals(CollectorFixture.SPOT_TRADES, sent.trades().trades());
        assertEquals(0, sent.dropped() + sent.conflated(), sent.toString());
        assertEquals(0, collector.gaps());
        assertEquals(0, collector.uploader().pendingFiles(), "uploaded at shutdown");

        Path bucket = dir.resolve("bucket");
        List<String> keys = CollectorFixture.download(S3.client(), "acceptance", bucket);
        assertFalse(keys.isEmpty());
        for (String k : keys) {
            assertTrue(k.matches("collector/binance/(bbo|trades)/symbol=BTCUSDT/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/"
                    + "data_\\d{3}\\.parquet"), k);
        }
        try (Duck duck = new Duck()) {
            String t = Duck.hive(bucket.resolve("collector/binance/bbo"));
            assertEquals(List.of(List.of(73_174L, 73_174L, 73_174L, 0L)), duck.rows("SELECT count(*),"
                    + " count(DISTINCT update_id), count(DISTINCT seq), count(exch_ts) FROM " + t));
            long[] ids = duck.rows("SELECT update_id FROM " + t + " ORDER BY seq").stream()
                    .mapToLong(r -> ((Number) r.get(0)).longValue()).toArray();
            assertArrayEquals(CollectorFixture.recordedUpdateIds(), ids, "every update id once, in order");
            assertEquals(0, duck.count("SELECT count(*) FROM " + t + " WHERE NOT (bid > 0 AND ask >= bid"
                    + " AND bid_qty >= 0 AND ask_qty >= 0 AND recv_ts > send_ts - 1000000000 AND symbol = 'BTCUSDT')"));
            assertEquals(0, duck.count("SELECT count(*) FROM " + t + " WHERE CAST(date AS VARCHAR) <> strftime("
                    + "make_timestamp(recv_ts // 1000), '%Y-%m-%d') OR CAST(hour AS INTEGER) <> hour(make_timestamp("
                    + "recv_ts // 1000))"), "each row in the partition of its receive time");
            String tr = Duck.hive(bucket.resolve("collector/binance/trades"));
            assertEquals(List.of(List.of(19_904L, 19_904L, 19_904L, 19_904L)), duck.rows("SELECT count(*),"
                    + " count(DISTINCT trade_id), count(DISTINCT seq), count(event_ts) FROM " + tr));
            long[] tradeIds = duck.rows("SELECT trade_id FROM " + tr + " ORDER BY seq").stream()
                    .mapToLong(r -> ((Number) r.get(0)).longValue()).toArray();
            assertArrayEquals(CollectorFixture.recordedTradeIds(), tradeIds, "every trade id once, in order");
            assertEquals(List.of(List.of(1L, (long) CollectorFixture.SPOT_UPDATES, (long) CollectorFixture.SPOT_UPDATES)),
                    duck.rows("SELECT min(seq), max(seq), count(DISTINCT seq) FROM (SELECT seq FROM " + t
                            + " UNION ALL SELECT seq FROM " + tr + ")"), "one seq space, gapless");
            assertEquals(List.of(List.of("buy"), List.of("sell")), duck.rows("SELECT DISTINCT side FROM " + tr
                    + " ORDER BY 1"));
            assertEquals(0, duck.count("SELECT count(*) FROM " + tr + " WHERE NOT (price > 0 AND qty > 0"
                    + " AND exch_ts <= event_ts AND symbol = 'BTCUSDT')"));
            String file = bucket.resolve(keys.get(0)).toAbsolutePath().toString();
            assertEquals(List.of(List.of("ZSTD")), duck.rows("SELECT DISTINCT compression FROM parquet_metadata('"
                    + file + "')"));
        }
    }

    @Test
    @Timeout(120)
    void filesWaitWhileS3IsDownAndAllArriveWhenItIsBack() throws Exception {
        S3.client().createBucket(b -> b.bucket("outage"));
        Path data = dir.resolve("data");
        MutableClock clock = new MutableClock(Instant.now());
        S3.server().stop();
        Collector collector = Collector.start(CollectorFixture.receiverConfig(),
                CollectorFixture.recorder(data).withClock(clock), CollectorFixture.uploader(data, S3.server(), "outage"),
                Duration.ofSeconds(30));
        try (BinanceReplayServer replay = CollectorFixture.replay(CollectorFixture.SPEED);
             Sender sender = Sender.start(CollectorFixture.sender(replay, collector.receiver().port()).build())) {
            Await.until("every row recorded", WAIT, () -> allRecorded(collector),
                    () -> sender.stats() + " / " + collector.recorder().stats());
            // the hour ends (plus the grace): its file is closed and handed to the uploader, which cannot reach S3
            clock.set(clock.instant().plus(Duration.ofMinutes(61)));
            collector.recorder().maintain();
            Await.until("a failed upload", WAIT, () -> collector.uploader().failures() >= 2,
                    () -> collector.uploader().lastError());
            assertTrue(collector.uploader().pendingFiles() >= 1);
            assertTrue(collector.uploader().pendingBytes() > 500_000, "about 14 B per row");
            Health h = CollectorOps.health(collector, 10, 3600);
            assertTrue(h.reason().contains("upload backlog " + collector.uploader().pendingFiles() + " file(s), "
                    + collector.uploader().pendingBytes() + " bytes, oldest "), h.reason());
            Health late = CollectorOps.health(collector, 10, 0);
            assertFalse(late.healthy());
            assertTrue(late.reason().startsWith("upload to S3 failing: a file has waited"), late.reason());

            S3.server().start();
            Await.until("the backlog uploaded", WAIT, () -> collector.uploader().pendingFiles() == 0,
                    () -> collector.uploader().lastError());
        } finally {
            collector.close();
        }
        assertEquals(0, collector.gaps());
        Path bucket = dir.resolve("bucket");
        CollectorFixture.download(S3.client(), "outage", bucket);
        try (Duck duck = new Duck()) {
            assertEquals(List.of(List.of(73_174L, 73_174L)), duck.rows("SELECT count(*), count(DISTINCT update_id)"
                    + " FROM " + Duck.hive(bucket.resolve("collector/binance/bbo"))));
            assertEquals(List.of(List.of(19_904L, 19_904L)), duck.rows("SELECT count(*), count(DISTINCT trade_id)"
                    + " FROM " + Duck.hive(bucket.resolve("collector/binance/trades"))));
        }
    }

    static boolean allRecorded(Collector c) {
        return c.recorder().stats().table("binance/bbo").rowsWritten() == CollectorFixture.SPOT_BOOK_TICKERS
                && c.recorder().stats().table("binance/trades").rowsWritten() == CollectorFixture.SPOT_TRADES;
    }
}
