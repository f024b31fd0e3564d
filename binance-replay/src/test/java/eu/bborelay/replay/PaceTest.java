package eu.bborelay.replay;

import static eu.bborelay.replay.Recordings.assertSameMessages;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sanity of the recorded pace: a slice of a recording replayed at 50x takes about its recorded span / 50. Loose
 * bounds: this checks pacing happens and uses the right time unit, it is no latency benchmark.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PaceTest {
    private static final double SPEED = 50;
    private static final long SLICE_SECONDS = 50;
    private final List<AutoCloseable> resources = new ArrayList<>();
    @TempDir
    Path tmp;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void shouldFollowTheRecordedPaceScaledBySpeed() throws Exception {
        // nanosecond receive times, written as plain text
        assertPace(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808), 1_000_000_000L, false, "slice.ndjson",
                "/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@depth@100ms");
    }

    @Test
    void shouldReadMicrosecondReceiveTimesOfLocalusFiles() throws Exception {
        // microsecond receive times (a _localus file), gzip-compressed under a name that does not say so
        Path localus = SharedData.dataDir().resolve("binance")
                .resolve("spot_btcusdt_bookTicker-trade-depth100ms_20230405T0000Z_localus.ndjson.gz");
        assertPace(localus, 1_000_000L, true, "slice_localus.txt",
                "/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@depth@100ms");
    }

    private void assertPace(Path source, long unitsPerSecond, boolean gzip, String sliceName, String path)
            throws Exception {
        assertTrue(source.toFile().isFile(), "missing recording " + source);
        List<Recordings.Line> all = Recordings.readShared(source);
        long t0 = all.get(0).time();
        List<Recordings.Line> slice = all.stream().filter(l -> l.time() - t0 <= SLICE_SECONDS * unitsPerSecond)
                .toList();
        Path file = Recordings.write(tmp.resolve(sliceName), Recordings.texts(slice), gzip);
        List<Recordings.Line> ws = Recordings.webSocketLines(slice);
        double spanSeconds = (ws.get(ws.size() - 1).time() - ws.get(0).time()) / (double) unitsPerSecond;
        double expectedSeconds = spanSeconds / SPEED;

        BinanceReplayServer server = BinanceReplayServer.builder().recording(file).speed(SPEED).build();
        resources.add(server);
        server.start();
        TestClient client = TestClient.connect(URI.create(server.baseUri() + path));
        resources.add(client::closeAndAwait);

        assertTrue(server.awaitFinished(Duration.ofSeconds(20)));
        Await.until("every message of the slice", Duration.ofSeconds(10), () -> client.messageCount() >= ws.size(),
                client::messageCount);
        assertSameMessages(ws.stream().map(Recordings.Line::json).toList(), client.messages());
        List<Long> arrivals = client.messageNanos();
        double elapsedSeconds = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e9;
        assertTrue(elapsedSeconds >= 0.8 * expectedSeconds, String.format(
                "replayed %.1f s of recording at %.0fx in %.3f s, expected about %.3f s", spanSeconds, SPEED,
                elapsedSeconds, expectedSeconds));
        assertTrue(elapsedSeconds <= 3 * expectedSeconds + 2, String.format(
                "replayed %.1f s of recording at %.0fx in %.3f s, expected about %.3f s", spanSeconds, SPEED,
                elapsedSeconds, expectedSeconds));
    }
}
