package eu.bborelay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.recording.testing.Duck;
import eu.bborelay.recording.testing.S3ProxyExtension;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A feed outage lands in Parquet: a sender with {@code JOURNAL_DIR} relays part of the spot capture to the collector,
 * stops, and starts again 1.5 s later with the same journal (the same session); it reports the time it had no
 * Binance connection as a {@code sender_restart} outage of BTCUSDT, which the collector records as one row of
 * {@code binance/feed_outages} in S3 (s3proxy), read back with DuckDB.
 */
class CollectorFeedOutageTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aSenderRestartIsRecordedAsOneFeedOutageRow() throws Exception {
        S3.client().createBucket(b -> b.bucket("outages"));
        Path data = dir.resolve("data");
        Path journal = dir.resolve("journal");
        Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                CollectorFixture.uploader(data, S3.server(), "outages"), Duration.ofSeconds(30));
        String session;
        long stoppedAtMs;
        long restartedAtMs;
        try (BinanceReplayServer replay = CollectorFixture.replay(CollectorFixture.SPEED)) {
            try (Sender first = Sender.start(CollectorFixture.sender(replay, collector.receiver().port())
                    .journalDir(journal).build())) {
                session = first.sessionId();
                Await.until("1,000 bbo rows recorded", WAIT,
                        () -> collector.recorder().stats().table("binance/bbo").rowsWritten() >= 1_000,
                        () -> first.stats().toString());
            }
            stoppedAtMs = System.currentTimeMillis();
            Thread.sleep(1_500);
            restartedAtMs = System.currentTimeMillis();
            try (Sender second = Sender.start(CollectorFixture.sender(replay, collector.receiver().port())
                    .journalDir(journal).build())) {
                assertEquals(session, second.sessionId(), "the journal continues the session");
                Await.until("the outage recorded", WAIT,
                        () -> collector.recorder().stats().table("binance/feed_outages").rowsWritten() == 1,
                        () -> second.stats() + " / " + collector.recorder().stats());
            }
        } finally {
            collector.close();
        }
        assertEquals(0, collector.uploader().pendingFiles(), "uploaded at shutdown");

        Path bucket = dir.resolve("bucket");
        List<String> keys = CollectorFixture.download(S3.client(), "outages", bucket);
        assertTrue(keys.stream().anyMatch(k -> k.matches("collector/binance/feed_outages/symbol=BTCUSDT/"
                + "date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/data_000\\.parquet")), keys.toString());
        try (Duck duck = new Duck()) {
            String t = Duck.hive(bucket.resolve("collector/binance/feed_outages"));
            List<List<Object>> rows = duck.rows("SELECT symbol, reason, session, from_ms, to_ms, recv_ts FROM " + t);
            assertEquals(1, rows.size(), rows.toString());
            List<Object> r = rows.get(0);
            assertEquals(List.of("BTCUSDT", "sender_restart", session), r.subList(0, 3));
            long from = ((Number) r.get(3)).longValue();
            long to = ((Number) r.get(4)).longValue();
            long recvTs = ((Number) r.get(5)).longValue();
            assertTrue(from <= stoppedAtMs && to >= restartedAtMs, "the span covers the time without a sender: "
                    + from + ".." + to + " vs " + stoppedAtMs + ".." + restartedAtMs);
            assertTrue(recvTs / 1_000_000 >= to, "received after it ended");
        }
    }
}
