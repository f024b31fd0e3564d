package eu.bborelay.recording;

import eu.bborelay.recording.testing.S3ProxyServer;
import eu.bborelay.recording.testing.Duck;
import static eu.bborelay.recording.BinanceTables.BBO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3UploaderTest {
    static final Duration WAIT = Duration.ofSeconds(60);
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
    static void stopS3() throws Exception {
        client.close();
        s3.close();
    }

    static String bucket(String name) {
        client.createBucket(b -> b.bucket(name));
        return name;
    }

    static List<String> keys(String bucket) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted()
                .toList();
    }

    @Test
    void recordsUploadsWithTheDefaultCredentialChainAndDuckDbReadsTheBucket() throws Exception {
        String bucket = bucket("rec1");
        Path data = dir.resolve("data");
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
        S3UploaderConfig cfg = S3UploaderConfig.defaults(data, bucket).withPrefix("/recordings/")
                .withRegion("eu-central-1").withEndpoint(s3.endpoint());
        try (S3Uploader uploader = S3Uploader.start(cfg)) {
            MutableClock clock = new MutableClock(Instant.parse("2024-08-08T23:10:00Z"));
            try (Recorder r = Recorder.open(RecorderConfig.defaults(data).withClock(clock), List.of(BBO), uploader)) {
                Row row = new Row(BBO);
                long t = RecorderTest.nanos(Instant.parse("2024-08-08T23:10:00Z"));
                for (int i = 0; i < 3000; i++) {
                    r.append(RecorderTest.bbo(row, i % 3 == 0 ? "BTCUSDT" : "ETHUSDT", t + i * 1_000_000L, i));
                }
            }
            Await.until("uploaded", WAIT, () -> uploader.pendingFiles() == 0 && uploader.filesUploaded() == 2,
                    () -> uploader.pendingFiles() + " pending, " + uploader.lastError());
            assertEquals(0, uploader.pendingBytes());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertEquals(List.of("recordings/binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet",
                "recordings/binance/bbo/symbol=ETHUSDT/date=2024-08-08/hour=23/data_000.parquet"), keys(bucket));
        assertEquals(List.of(), CrashRecoveryTest.find(data, ".parquet"), "deleted locally once confirmed");
        assertEquals(2, CrashRecoveryTest.find(data, ".parquet.uploaded").size());
        Path downloaded = download(bucket, dir.resolve("bucket"));
        try (Duck duck = new Duck()) {
            assertEquals(List.of(List.of("BTCUSDT", 1000L), List.of("ETHUSDT", 2000L)), duck.rows(
                    "SELECT symbol, count(*) FROM " + Duck.hive(downloaded) + " GROUP BY ALL ORDER BY 1"));
        }
    }

    @Test
    void filesLeftBeforeAStartAreUploadedAndLargeOnesGoMultipart() throws Exception {
        String bucket = bucket("rec2");
        Path data = dir.resolve("data");
        Path big = data.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet");
        Path small = data.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=22/data_003.parquet");
        Path done = data.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=21/data_000.parquet");
        Files.createDirectories(big.getParent());
        Files.createDirectories(small.getParent());
        Files.createDirectories(done.getParent());
        byte[] bigBytes = new byte[11 * 1024 * 1024 + 123];
        new Random(7).nextBytes(bigBytes);
        Files.write(big, bigBytes);
        Files.write(small, new byte[] {1, 2, 3});
        Files.write(done, new byte[] {4});
        Files.createFile(S3Uploader.marker(done)); // uploaded before the restart, kept locally: not again
        S3UploaderConfig cfg = S3UploaderConfig.defaults(data, bucket).withMultipart(6L << 20, 5L << 20);
        try (S3Uploader uploader = S3Uploader.start(cfg, client)) {
            assertEquals(2, uploader.pendingFiles());
            assertEquals(bigBytes.length + 3, uploader.pendingBytes());
            Await.until("uploaded", WAIT, () -> uploader.pendingFiles() == 0, uploader::lastError);
        }
        assertEquals(List.of("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=22/data_003.parquet",
                "binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet"), keys(bucket));
        ResponseBytes<GetObjectResponse> got = client.getObjectAsBytes(b -> b.bucket(bucket)
                .key("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet"));
        assertArrayEquals(bigBytes, got.asByteArray());
        assertTrue(got.response().eTag().endsWith("-3\""), "a 3-part multipart upload: " + got.response().eTag());
        assertFalse(Files.exists(big));
        // never uploaded again (not in the keys above); with KEEP_LOCAL_HOURS=0 housekeeping deletes it, and its
        // marker too, the hour being older than 48 h
        assertFalse(Files.exists(done));
        assertFalse(Files.exists(S3Uploader.marker(done)));
    }

    @Test
    void s3DownForAWhileThenUpEverythingArrivesAndThePendingGaugesSaySoMeanwhile() throws Exception {
        String bucket = bucket("rec3");
        Path data = dir.resolve("data");
        S3UploaderConfig cfg = S3UploaderConfig.defaults(data, bucket)
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(300));
        MutableClock clock = new MutableClock(Instant.parse("2024-08-08T23:10:00Z"));
        try (S3Uploader uploader = S3Uploader.start(cfg, client);
             Recorder r = Recorder.open(RecorderConfig.defaults(data).withClock(clock), List.of(BBO), uploader)) {
            s3.stop();
            try {
                Row row = new Row(BBO);
                long t = RecorderTest.nanos(Instant.parse("2024-08-08T23:10:00Z"));
                for (int hour = 0; hour < 3; hour++) {
                    for (int i = 0; i < 500; i++) {
                        long ts = t + hour * Partitions.NANOS_PER_HOUR + i * 1_000_000L;
                        r.append(RecorderTest.bbo(row, "BTCUSDT", ts, hour * 1000L + i));
                    }
                    clock.set(Instant.parse("2024-08-08T23:10:00Z").plusSeconds(3600L * (hour + 1)));
                    r.maintain();
                }
                assertEquals(3, r.stats().filesClosed());
                Await.until("three upload failures", WAIT, () -> uploader.failures() >= 3);
                assertEquals(3, uploader.pendingFiles());
                assertEquals(r.stats().bytesClosed(), uploader.pendingBytes());
                Await.until("the oldest file has waited", WAIT, () -> uploader.oldestPendingAgeMs() > 0);
                assertTrue(uploader.lastError() != null);
            } finally {
                s3.start();
            }
            Await.until("uploaded after the outage", WAIT, () -> uploader.pendingFiles() == 0, uploader::lastError);
            assertEquals(0, uploader.pendingBytes());
            assertEquals(null, uploader.lastError());
            assertEquals(0, uploader.oldestPendingAgeMs());
        }
        assertEquals(3, keys(bucket).size());
        try (Duck duck = new Duck()) {
            assertEquals(1500, duck.count("SELECT count(DISTINCT seq) FROM "
                    + Duck.hive(download(bucket, dir.resolve("bucket")))));
        }
    }

    @Test
    void keepLocalHoursKeepsTheUploadedFileUntilItsHourIsThatOld() throws Exception {
        String bucket = bucket("rec4");
        Path data = dir.resolve("data");
        Path file = data.resolve("binance/bbo/symbol=BTCUSDT/date=2024-08-08/hour=23/data_000.parquet");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        MutableClock clock = new MutableClock(Instant.parse("2024-08-09T00:30:00Z"));
        S3UploaderConfig cfg = S3UploaderConfig.defaults(data, bucket).withKeepLocal(Duration.ofHours(2))
                .withClock(clock);
        try (S3Uploader uploader = S3Uploader.start(cfg, client)) {
            Await.until("uploaded", WAIT, () -> uploader.pendingFiles() == 0, uploader::lastError);
            uploader.housekeepingNow();
            assertTrue(Files.exists(file));
            clock.set(Instant.parse("2024-08-09T02:00:00Z"));
            uploader.housekeepingNow();
            assertFalse(Files.exists(file));
            assertTrue(Files.exists(S3Uploader.marker(file)), "the marker outlives the file (48 h)");
            clock.set(Instant.parse("2024-08-11T02:00:00Z"));
            uploader.housekeepingNow();
            assertFalse(Files.exists(S3Uploader.marker(file)));
            assertFalse(Files.exists(data.resolve("binance")), "empty folders of old hours are removed");
        }
        assertEquals(1, keys(bucket).size());
    }

    static Path download(String bucket, Path to) throws Exception {
        for (String key : keys(bucket)) {
            Path p = to.resolve(key);
            Files.createDirectories(p.getParent());
            Files.write(p, client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        }
        try (Stream<Path> s = Files.walk(to)) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".parquet")));
        }
        return to;
    }
}
