package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyServer;
import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code kill -9} of the collector (a child JVM) in the middle of the replay, then a restart on the same
 * {@code DATA_DIR} and port: once it has caught up and stopped, S3 holds every update the sender took exactly once,
 * except those counted as gaps: rows in S3 + gaps reported = updates taken, and no {@code seq} twice.
 */
class CollectorCrashTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern LISTENING = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)");
    static final Pattern QUOTES = Pattern.compile("relay: connections=\\d+ sessions=\\d+ quotes=(\\d+)");
    static final Pattern FINAL = Pattern.compile("Recorded since start: .*; gaps (\\d+) \\(receiver");
    static S3ProxyServer s3;
    static S3Client client;

    @TempDir
    Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new S3ProxyServer();
        client = s3.client();
    }

    @AfterAll
    static void stopS3() {
        client.close();
        s3.close();
    }

    @Test
    @Timeout(180)
    void killNineInTheMiddleLosesNothingUncountedAndDuplicatesNothing() throws Exception {
        client.createBucket(b -> b.bucket("crash"));
        Path data = dir.resolve("data");
        ChildCollector first = new ChildCollector(data, 0, s3, "crash");
        ChildCollector second = null;
        try (first) {
            String port = first.await(LISTENING, WAIT);
            assertNotNull(port, first.output());
            try (BinanceReplayServer replay = CollectorFixture.replay(CollectorFixture.SPEED);
                 Sender sender = Sender.start(CollectorFixture.sender(replay, Integer.parseInt(port)).build())) {
                Await.until("30,000 updates sent", WAIT, () -> sender.stats().sent() >= 30_000, sender::stats);
                // read before the kill: once the socket dies the sender counts what it could not deliver as dropped
                SenderStats beforeKill = sender.stats();
                first.kill();
                assertEquals(0, beforeKill.dropped() + beforeKill.conflated(), "nothing lost before the kill: "
                        + beforeKill);

                second = new ChildCollector(data, Integer.parseInt(port), s3, "crash");
                assertNotNull(second.await(LISTENING, WAIT), second.output());
                Await.until("the replay taken and settled by the sender", Duration.ofSeconds(90),
                        () -> replay.isFinished() && settled(sender.stats()), sender::stats);
                ChildCollector c = second;
                String[] previous = {null};
                Await.until("the collector caught up (its quote count steady)", WAIT, () -> {
                    String now = c.last(QUOTES);
                    boolean steady = now != null && now.equals(previous[0]);
                    previous[0] = now;
                    if (!steady) {
                        sleep(1_500);
                    }
                    return steady;
                }, c::output);
                SenderStats taken = sender.stats();
                assertEquals(CollectorFixture.SPOT_UPDATES, taken.taken());

                assertEquals(0, second.stop(WAIT), second.output());
                long gaps = Long.parseLong(second.last(FINAL));

                Path bucket = dir.resolve("bucket");
                List<String> keys = CollectorFixture.download(client, "crash", bucket);
                assertTrue(keys.stream().anyMatch(k -> k.endsWith("data_000.parquet"))
                        && keys.stream().anyMatch(k -> k.endsWith("data_001.parquet")), "rebuilt + new file: " + keys);
                try (Duck duck = new Duck()) {
                    String bbo = Duck.hive(bucket.resolve("collector/binance/bbo"));
                    String trades = Duck.hive(bucket.resolve("collector/binance/trades"));
                    List<Object> r = duck.rows("SELECT count(*), count(DISTINCT seq) FROM (SELECT seq FROM " + bbo
                            + " UNION ALL SELECT seq FROM " + trades + ")").get(0);
                    long rows = ((Number) r.get(0)).longValue();
                    assertEquals(rows, ((Number) r.get(1)).longValue(), "no seq twice");
                    assertEquals(duck.count("SELECT count(*) FROM " + bbo), duck.count("SELECT count(DISTINCT update_id)"
                            + " FROM " + bbo), "no update id twice");
                    assertEquals(duck.count("SELECT count(*) FROM " + trades), duck.count("SELECT count(DISTINCT"
                            + " trade_id) FROM " + trades), "no trade id twice");
                    assertTrue(rows > 30_000, "rows " + rows);
                    assertEquals(taken.taken(), rows + gaps, "rows in S3 " + rows + " + gaps " + gaps + " = taken "
                            + taken + "\n" + second.output());
                }
            }
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    private static boolean settled(SenderStats s) {
        return s.taken() == CollectorFixture.SPOT_UPDATES && s.sent() + s.dropped() + s.conflated() == s.taken();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
