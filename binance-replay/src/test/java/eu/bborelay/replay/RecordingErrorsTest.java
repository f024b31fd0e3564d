package eu.bborelay.replay;

import static eu.bborelay.replay.Recordings.assertSameMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
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

/** Missing files, malformed lines, several files as one timeline, gzip told by content. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordingErrorsTest {
    private static final String ALL_SPOT_STREAMS = "/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@depth@100ms";
    private final List<AutoCloseable> resources = new ArrayList<>();
    @TempDir
    Path tmp;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private BinanceReplayServer start(BinanceReplayServer.Builder builder) throws Exception {
        BinanceReplayServer server = builder.build();
        resources.add(server);
        server.start();
        return server;
    }

    private TestClient connect(BinanceReplayServer server, String path) throws Exception {
        TestClient c = TestClient.connect(URI.create(server.baseUri() + path));
        resources.add(c::closeAndAwait);
        return c;
    }

    @Test
    void shouldFailToStartWhenARecordingDoesNotExist() {
        Path missing = tmp.resolve("no-such-recording.ndjson.gz");
        BinanceReplayServer server = BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012), missing).build();
        resources.add(server);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, server::start);
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> BinanceReplayServer.builder().build(),
                "a recording is required");
    }

    @Test
    void shouldFailToStartWhenThePortIsTaken() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        BinanceReplayServer first = start(BinanceReplayServer.builder().recording(recording));
        BinanceReplayServer second = BinanceReplayServer.builder().recording(recording).port(first.port()).build();
        resources.add(second);
        IOException e = assertThrows(IOException.class, second::start);
        assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
        second.close();
        assertThrows(IllegalStateException.class, second::start, "a closed server cannot be restarted");
    }

    @Test
    void shouldSkipAndCountMalformedLines() throws Exception {
        List<Recordings.Line> lines = Recordings.readShared(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012));
        List<String> text = new ArrayList<>(Recordings.texts(lines));
        text.add(10, "garbage");
        text.add(20, "1633998512063356900");
        text.add(30, "abc " + lines.get(30).json());
        text.add(40, lines.get(40).time() + " {\"stream\":\"nknusdt@bookTicker\",\"data\":{\"u\":1");
        text.add(50, lines.get(50).time() + " {\"lastUpdateId\":1,\"bids\":[],\"asks\":[]}"); // snapshot: not sent
        Path file = Recordings.write(tmp.resolve("with-bad-lines.ndjson"), text, false);
        List<String> expected = Recordings.webSocketLines(lines).stream().map(Recordings.Line::json).toList();

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(file).speed(0));
        TestClient client = connect(server, "/stream?streams=nknusdt@bookTicker/nknusdt@depth@100ms/"
                + "nknusdt@aggTrade/nknusdt@kline_1m/blzeth@bookTicker/blzeth@depth@100ms/lrcbtc@aggTrade/"
                + "lrcbtc@bookTicker/lrcbtc@depth@100ms/lrcbtc@kline_1m/runeeur@depth@100ms");
        assertTrue(server.awaitFinished(Duration.ofSeconds(20)));
        Await.until("every valid message", Duration.ofSeconds(10), () -> client.messageCount() >= expected.size(),
                client::messageCount);
        assertSameMessages(expected, client.messages());
        assertEquals(4, server.malformedLines());
    }

    @Test
    void shouldReplaySeveralFilesInOrderAsOneTimelineWhateverTheirCompression() throws Exception {
        List<Recordings.Line> day1 = Recordings.readShared(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808))
                .subList(0, 500);
        Path nextDay = SharedData.dataDir().resolve("binance")
                .resolve("spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz");
        List<Recordings.Line> day2 = Recordings.readShared(nextDay).subList(0, 500);
        // gzip content under a plain name, plain content under a .gz name: detection is by magic bytes
        Path first = Recordings.write(tmp.resolve("first.ndjson"), Recordings.texts(day1), true);
        Path second = Recordings.write(tmp.resolve("second.ndjson.gz"), Recordings.texts(day2), false);
        List<String> expected = new ArrayList<>();
        Recordings.webSocketLines(day1).forEach(l -> expected.add(l.json()));
        Recordings.webSocketLines(day2).forEach(l -> expected.add(l.json()));
        assertTrue(expected.size() < 1000, "the REST snapshot line of day 1 is not a WebSocket message");

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(first, second).speed(0));
        TestClient client = connect(server, ALL_SPOT_STREAMS);
        assertTrue(server.awaitFinished(Duration.ofSeconds(20)));
        Await.until("both files", Duration.ofSeconds(10), () -> client.messageCount() >= expected.size(),
                client::messageCount);
        assertSameMessages(expected, client.messages());
        assertEquals(0, server.malformedLines());
    }
}
