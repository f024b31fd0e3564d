package eu.bborelay.replay;

import static eu.bborelay.replay.Recordings.assertSameMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Delivery, filtering and the request protocol, over real loopback WebSockets. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BinanceReplayServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<AutoCloseable> resources = new ArrayList<>();

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

    private TestClient connect(BinanceReplayServer server, String pathAndQuery) throws Exception {
        TestClient c = TestClient.connect(URI.create(server.baseUri() + pathAndQuery));
        resources.add(c::closeAndAwait);
        return c;
    }

    @Test
    void shouldReplayEveryBookTickerInOrderByteForByte() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_BTCUSDT_20240808);
        List<String> expected = Recordings.combined(Recordings.readShared(recording), Set.of("btcusdt@bookTicker"));
        assertEquals(28_040, expected.size(), "bookTicker lines in the recording");

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        TestClient client = connect(server, "/stream?streams=btcusdt@bookTicker");

        assertTrue(server.awaitFinished(WAIT), "replay finished");
        Await.until("28,040 bookTickers received", WAIT, () -> client.messageCount() >= 28_040,
                client::messageCount);
        assertSameMessages(expected, client.messages());
        assertEquals(28_040, server.messagesSent());
        assertEquals(1, server.connectionsOpened());
        assertEquals(1, server.openConnections());
        assertTrue(client.isOpen(), "connections stay open after the end by default");
    }

    @Test
    void shouldDeliverOnlyTheRequestedSymbolsWhenSeveralAreRecorded() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        List<Recordings.Line> lines = Recordings.readShared(recording);
        List<String> expected = Recordings.combined(lines, Set.of("nknusdt@bookTicker", "lrcbtc@bookTicker"));
        assertEquals(74 + 9, expected.size());

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        TestClient client = connect(server, "/stream?streams=nknusdt@bookTicker/lrcbtc@bookTicker");
        assertTrue(server.awaitFinished(WAIT));
        Await.until("83 messages", WAIT, () -> client.messageCount() >= expected.size(), client::messageCount);
        assertSameMessages(expected, client.messages());
    }

    @Test
    void shouldLowercaseTheSymbolOfARequestedStream() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        List<String> expected = Recordings.combined(Recordings.readShared(recording), Set.of("nknusdt@bookTicker"));

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        TestClient client = connect(server, "/stream?streams=NKNUSDT@bookTicker");
        assertTrue(server.awaitFinished(WAIT));
        Await.until("74 messages", WAIT, () -> client.messageCount() >= expected.size(), client::messageCount);
        assertSameMessages(expected, client.messages());
        assertEquals("{\"result\":[\"nknusdt@bookTicker\"],\"id\":1}",
                client.request("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":1}"));
    }

    @Test
    void shouldSendOnlyTheDataObjectOnRawStreamPaths() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        List<String> combined = Recordings.combined(Recordings.readShared(recording),
                Set.of("nknusdt@bookTicker", "lrcbtc@bookTicker"));
        List<String> expected = combined.stream().map(Recordings::data).toList();
        assertTrue(expected.get(0).startsWith("{\"u\":"), expected.get(0));

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        TestClient client = connect(server, "/ws/nknusdt@bookTicker/lrcbtc@bookTicker");
        assertTrue(server.awaitFinished(WAIT));
        Await.until("83 messages", WAIT, () -> client.messageCount() >= expected.size(), client::messageCount);
        assertSameMessages(expected, client.messages());
    }

    @Test
    void shouldAnswerSubscribeListAndUnsubscribeRequests() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(1.0));
        TestClient client = connect(server, "/ws");

        assertEquals("{\"result\":null,\"id\":1}", client.request(
                "{\"method\":\"SUBSCRIBE\",\"params\":[\"nknusdt@bookTicker\",\"LRCBTC@bookTicker\"],\"id\":1}"));
        assertEquals("{\"result\":[\"nknusdt@bookTicker\",\"lrcbtc@bookTicker\"],\"id\":3}",
                client.request("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":3}"));
        assertEquals("{\"result\":null,\"id\":312}", client.request(
                "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"nknusdt@bookTicker\"],\"id\":312}"));
        assertEquals("{\"result\":[\"lrcbtc@bookTicker\"],\"id\":4}",
                client.request("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":4}"));
        assertEquals("{\"result\":null,\"id\":\"abc\"}", client.request(
                "{\"method\":\"UNSUBSCRIBE\",\"params\":[\"lrcbtc@bookTicker\"],\"id\":\"abc\"}"));
        assertEquals("{\"result\":[],\"id\":null}", client.request("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":null}"));

        assertEquals("{\"result\":false,\"id\":2}",
                client.request("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":2}"));
        assertEquals("{\"result\":null,\"id\":5}",
                client.request("{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",true],\"id\":5}"));
        assertEquals("{\"result\":true,\"id\":6}",
                client.request("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":6}"));
    }

    @Test
    void shouldAnswerMalformedRequestsWithBinanceErrors() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(1.0));
        TestClient client = connect(server, "/ws");

        String truncated = client.request("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"]");
        assertTrue(truncated.startsWith("{\"error\":{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column "),
                truncated);
        assertTrue(truncated.endsWith("},\"id\":null}"), truncated);
        assertTrue(client.request("hello").startsWith("{\"error\":{\"code\":3,\"msg\":\"Invalid JSON: "));

        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: unknown variant `FOO`, expected one of"
                        + " `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1"
                        + " column 15\"},\"id\":7}",
                client.request("{\"method\":\"FOO\",\"params\":[],\"id\":7}"));
        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: missing field `method` at line 1 column 35\"},"
                        + "\"id\":8}",
                client.request("{\"params\":[\"btcusdt@trade\"],\"id\":8}"));
        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: request ID must be an unsigned integer\"},"
                        + "\"id\":null}",
                client.request("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":1.5}"));
        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: request ID must be an unsigned integer\"},"
                        + "\"id\":null}",
                client.request("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"]}"));
        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: invalid stream\"},\"id\":9}",
                client.request("{\"method\":\"SUBSCRIBE\",\"params\":[42],\"id\":9}"));
        assertEquals("{\"error\":{\"code\":0,\"msg\":\"Unknown property\"},\"id\":10}",
                client.request("{\"method\":\"SET_PROPERTY\",\"params\":[\"foo\",true],\"id\":10}"));
        assertEquals("{\"error\":{\"code\":1,\"msg\":\"Invalid value type: expected Boolean\"},\"id\":11}",
                client.request("{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",\"yes\"],\"id\":11}"));
        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: property name must be a string\"},\"id\":12}",
                client.request("{\"method\":\"GET_PROPERTY\",\"params\":[1],\"id\":12}"));
        assertEquals("{\"error\":{\"code\":2,\"msg\":\"Invalid request: too many parameters\"},\"id\":13}",
                client.request("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\",true],\"id\":13}"));

        assertTrue(client.isOpen(), "errors do not close the connection");
        assertEquals("{\"result\":[],\"id\":14}", client.request("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":14}"));
    }

    @Test
    void shouldStartDeliveringAStreamSubscribedMidReplay() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_BTCUSDT_20240808);
        List<String> expected = Recordings.combined(Recordings.readShared(recording), Set.of("btcusdt@bookTicker"))
                .stream().map(Recordings::data).toList();

        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(2.0));
        TestClient trades = connect(server, "/stream?streams=btcusdt@trade");
        TestClient late = connect(server, "/ws");
        Await.until("the replay is under way", WAIT, () -> trades.messageCount() >= 20, trades::messageCount);
        assertEquals(0, late.messageCount(), "nothing before subscribing");

        assertEquals("{\"result\":null,\"id\":1}",
                late.request("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],\"id\":1}"));
        Await.until("bookTickers after subscribing", WAIT, () -> late.messageCount() >= 50, late::messageCount);

        List<String> got = late.messages();
        int first = expected.indexOf(got.get(0));
        assertTrue(first > 0, "the late subscriber starts mid-recording, not at the first bookTicker: " + first);
        assertSameMessages(expected.subList(first, first + got.size()), got);
        assertFalse(server.isFinished());
    }

    @Test
    void shouldCloseWithNormalClosureAfterTheLastMessageWhenCloseWhenDone() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        List<String> expected = Recordings.combined(Recordings.readShared(recording), Set.of("nknusdt@bookTicker"));
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0)
                .closeWhenDone(true));
        TestClient client = connect(server, "/stream?streams=nknusdt@bookTicker");

        client.awaitClosed(WAIT);
        assertEquals(1000, client.closeCode);
        assertTrue(client.closedByServer);
        assertEquals(expected.size(), client.messagesAtClose, "every message arrives before the close frame");
        assertSameMessages(expected, client.messages());
        assertTrue(server.awaitFinished(WAIT));
        Await.until("no open connection", WAIT, () -> server.openConnections() == 0);
    }

    @Test
    void shouldStartTheTimelineAtStartWhenNotWaitingForAConnection() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0)
                .startOnFirstConnection(false));
        assertTrue(server.awaitFinished(WAIT), "finished without any connection");
        assertEquals(0, server.messagesSent());
        assertEquals(0, server.connectionsOpened());
    }

    @Test
    void shouldWaitForTheFirstConnectionBeforeStartingTheTimeline() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        assertFalse(server.awaitFinished(Duration.ofMillis(300)), "no timeline before the first connection");
        TestClient client = connect(server, "/stream?streams=nknusdt@bookTicker");
        assertTrue(server.awaitFinished(WAIT));
        Await.until("74 messages", WAIT, () -> client.messageCount() >= 74, client::messageCount);
        assertEquals(74, server.messagesSent());
    }

    @Test
    void shouldHoldTheReplayWhileAStalledClientHasALargeBacklog() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_BTCUSDT_20240808);
        List<String> expected = Recordings.webSocketLines(Recordings.readShared(recording)).stream()
                .map(Recordings.Line::json).toList();
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        CountDownLatch release = new CountDownLatch(1);
        StallingClient client = new StallingClient(URI.create(server.baseUri()
                + "/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@depth@100ms"), release);
        resources.add(client::closeAndAwait);
        resources.add(release::countDown);
        assertTrue(client.connectBlocking(5, TimeUnit.SECONDS));

        // 11 MB of messages do not fit in the socket buffers: the replay must wait instead of queueing them all
        Await.until("the replay waits for the stalled client", WAIT, () -> server.backlogWaits() > 0);
        assertFalse(server.isFinished());
        assertTrue(server.largestBacklogFrames() <= BinanceReplayServer.MAX_BACKLOG_FRAMES + 1,
                "outbound queue bounded: " + server.largestBacklogFrames() + " frames");
        assertTrue(server.messagesSent() < expected.size());

        release.countDown();
        assertTrue(server.awaitFinished(WAIT));
        Await.until("every message", WAIT, () -> client.messageCount() >= expected.size(), client::messageCount);
        assertSameMessages(expected, client.messages());
    }

    /** A client whose reading thread blocks in its first onMessage until released: it stops reading the socket. */
    private static final class StallingClient extends TestClient {
        private final CountDownLatch release;

        StallingClient(URI uri, CountDownLatch release) {
            super(uri);
            this.release = release;
        }

        @Override
        public void onMessage(String message) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.onMessage(message);
        }
    }

    @Test
    void shouldRefuseUnknownPaths() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012);
        BinanceReplayServer server = start(BinanceReplayServer.builder().recording(recording).speed(0));
        TestClient client = new TestClient(URI.create(server.baseUri() + "/api/v3/depth"));
        resources.add(client::closeAndAwait);
        assertFalse(client.connectBlocking(5, TimeUnit.SECONDS), "upgrade on an unknown path is refused");
        assertEquals(0, server.connectionsOpened());
    }
}
