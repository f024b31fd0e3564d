package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyServer;
import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.polymarket.replay.PolymarketReplayServer;
import eu.bborelay.polymarket.replay.Recording;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code kill -9} of a collector (a child JVM) recording Polymarket, then a restart on the same {@code DATA_DIR}: every
 * row the killed process had accepted is in S3 (rebuilt from its journal), no row is there twice, and each token's
 * first row after the restart is the {@code book} snapshot that resyncs it (what Polymarket sent while no collector
 * ran is not recoverable: the channel has no sequence numbers; it shows as the time between the two runs' rows).
 */
class PolymarketCrashTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern L2_ROWS = Pattern.compile("(?m)^bbo_relay_collector_polymarket_l2_rows_total (\\S+)$");
    static final Pattern MESSAGES =
            Pattern.compile("(?m)^bbo_relay_collector_polymarket_messages_total\\{[^}]*} (\\S+)$");
    static final Pattern FINAL_L2 = Pattern.compile("Recorded since start: .*polymarket/l2 (\\d+) rows");
    static S3ProxyServer s3;
    static S3Client client;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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
    void killNineWhileRecordingPolymarketLosesNoAcceptedRowAndDuplicatesNone() throws Exception {
        client.createBucket(b -> b.bucket("polycrash"));
        Path data = dir.resolve("data");
        // the burst over and over (timestamps moved on each round), 200 messages/s
        try (PolymarketReplayServer server = PolymarketReplayServer.builder()
                .recording(Recording.read(PolymarketRecordingTest.burst(), true)).loop(true).rate(200).build()) {
            server.start();
            int http1 = freePort();
            long killedAtNanos;
            long acceptedBeforeKill;
            try (ChildCollector first = new ChildCollector(data, 0, s3, "polycrash", env(server, http1))) {
                Await.until("300 L2 rows recorded", WAIT, () -> metric(http1, L2_ROWS) >= 300, first::output);
                // hold the feed so the count read below is all the killed process ever accepted
                server.stall(true);
                Thread.sleep(100); // a send under way completes
                // every frame sent processed (one message a frame: the server had no book to snapshot at the
                // subscription, its timeline starting with it)
                Await.until("every message sent processed", WAIT,
                        () -> metric(http1, MESSAGES) == server.messagesSent(), first::output);
                acceptedBeforeKill = metric(http1, L2_ROWS);
                first.kill();
                Instant t = Instant.now();
                killedAtNanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
            }
            server.stall(false);
            ChildCollector second = new ChildCollector(data, 0, s3, "polycrash", env(server, freePort()));
            long afterRestart;
            try (second) {
                Await.until("recording again", WAIT, () -> second.output().contains("open to ws://"), second::output);
                long start = server.position();
                Await.until("200 more messages sent", WAIT, () -> server.position() >= start + 200);
                server.stall(true);
                Thread.sleep(500);
                assertEquals(0, second.stop(WAIT), second.output());
                String n = second.last(FINAL_L2);
                assertNotNull(n, second.output());
                afterRestart = Long.parseLong(n);
                assertTrue(second.output().contains("rebuilt") || second.output().contains("Rebuilt"),
                        "the killed run's file rebuilt from its journal:\n" + second.output());
            }
            Path bucket = dir.resolve("bucket");
            List<String> keys = CollectorFixture.download(client, "polycrash", bucket);
            try (Duck duck = new Duck()) {
                String l2 = Duck.hive(bucket.resolve("collector/polymarket/l2"));
                List<Object> r = duck.rows("SELECT count(*), count(DISTINCT (token_id, recv_ts, event_type,"
                        + " exch_ts, hash, bids, asks)) FROM " + l2).get(0);
                assertEquals(((Number) r.get(0)).longValue(), ((Number) r.get(1)).longValue(), "no row twice");
                assertEquals(acceptedBeforeKill, duck.count("SELECT count(*) FROM " + l2 + " WHERE recv_ts < "
                        + killedAtNanos), "every row the killed process accepted is in S3; keys " + keys);
                assertEquals(acceptedBeforeKill + afterRestart, duck.count("SELECT count(*) FROM " + l2));
                assertEquals("[[book], [book]]", duck.rows("SELECT arg_min(event_type, recv_ts) FROM " + l2
                        + " WHERE recv_ts > " + killedAtNanos + " GROUP BY token_id").toString(),
                        "after the restart each token starts with its snapshot");
            }
        }
    }

    private static Map<String, String> env(PolymarketReplayServer server, int httpPort) {
        return Map.of("POLYMARKET_TOKENS", PolymarketRecordingTest.YES + "," + PolymarketRecordingTest.NO,
                "POLYMARKET_WS_URL", server.uri().toString(), "HTTP_PORT", String.valueOf(httpPort));
    }

    /** The sum of the values of {@code metric}'s lines in the child's /metrics; -1 when unreachable or absent. */
    private long metric(int port, Pattern metric) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = metric.matcher(r.body());
            long sum = -1;
            while (m.find()) {
                sum = Math.max(sum, 0) + (long) Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
