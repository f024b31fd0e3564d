package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Server pings and the pong timeout, with short intervals. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeartbeatTest {
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

    private TestClient connect(BinanceReplayServer server, String path, boolean answerPings) throws Exception {
        URI uri = URI.create(server.baseUri() + path);
        TestClient c = answerPings ? TestClient.connect(uri) : TestClient.connectSilent(uri);
        resources.add(c::closeAndAwait);
        return c;
    }

    private static BinanceReplayServer.Builder fourSymbols() {
        return BinanceReplayServer.builder().recording(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012));
    }

    @Test
    void shouldSendPingsAtTheConfiguredInterval() throws Exception {
        BinanceReplayServer server = start(fourSymbols().speed(1.0).pingInterval(Duration.ofMillis(200)));
        TestClient client = connect(server, "/ws", true);

        Await.until("5 pings", Duration.ofSeconds(10), () -> client.pingCount() >= 5, client::pingCount);
        List<Long> pings = client.pingNanos();
        long firstAfterOpenMs = (pings.get(0) - client.openedNanos) / 1_000_000;
        assertTrue(firstAfterOpenMs <= 1000, "first ping " + firstAfterOpenMs + " ms after connecting");
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < 5; i++) {
            gapsMs.add((pings.get(i) - pings.get(i - 1)) / 1_000_000);
        }
        long total = (pings.get(4) - pings.get(0)) / 1_000_000;
        assertTrue(total >= 4 * 200 * 0.75 && total <= 4 * 200 * 3, "4 ping intervals took " + total + " ms: " + gapsMs);
        assertTrue(client.isOpen(), "a client that answers pings stays connected");
    }

    @Test
    void shouldDisconnectAClientThatNeverAnswersPings() throws Exception {
        Duration pongTimeout = Duration.ofMillis(500);
        BinanceReplayServer server = start(fourSymbols().speed(1.0).pingInterval(Duration.ofMillis(100))
                .pongTimeout(pongTimeout));
        TestClient polite = connect(server, "/ws", true);
        TestClient silent = connect(server, "/ws", false);

        silent.awaitClosed(Duration.ofSeconds(10));
        long afterMs = (silent.closedNanos - silent.openedNanos) / 1_000_000;
        assertTrue(afterMs >= pongTimeout.toMillis(), "dropped after " + afterMs + " ms, before the pong timeout");
        assertTrue(silent.pingCount() >= 1, "it was pinged");
        assertEquals(1006, silent.closeCode, "dropped without a close handshake");

        Await.until("the polite client sees 12 pings (over twice the pong timeout)", Duration.ofSeconds(10),
                () -> polite.pingCount() >= 12, polite::pingCount);
        assertTrue(polite.isOpen(), "a client that answers pings stays connected");
        Await.until("one open connection", Duration.ofSeconds(5), () -> server.openConnections() == 1,
                server::openConnections);
    }

    @Test
    void shouldDropAConnectionThatNeverCompletesItsCloseHandshake() throws Exception {
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808)).speed(0));
        CountDownLatch release = new CountDownLatch(1);
        TestClient stalled = new TestClient(URI.create(server.baseUri()
                + "/stream?streams=btcusdt@bookTicker/btcusdt@trade/btcusdt@depth@100ms")) {
            @Override
            public void onMessage(String message) {
                try {
                    release.await(30, TimeUnit.SECONDS); // stops reading the socket
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        resources.add(() -> stalled.closeConnection(1006, "test cleanup"));
        resources.add(release::countDown);
        assertTrue(stalled.connectBlocking(5, TimeUnit.SECONDS));
        Await.until("the replay waits for the stalled client", Duration.ofSeconds(10),
                () -> server.backlogWaits() > 0);

        long closingNanos = System.nanoTime();
        server.closeAllConnections(1000, "bye"); // the close frame queues behind megabytes the client never reads
        assertEquals(0, server.openConnections());
        Await.until("the closing connection is dropped", Duration.ofSeconds(15),
                () -> server.trackedConnections() == 0);
        // Usually the close frame is stuck behind the unread backlog and the 5 s grace ends it; when the kernel's
        // socket buffers happened to absorb the backlog, the close completes sooner. Either way it must not linger.
        long afterMs = (System.nanoTime() - closingNanos) / 1_000_000;
        assertTrue(afterMs <= 7_000, "dropped " + afterMs + " ms after closing, expected within the 5 s grace");
    }

    @Test
    void shouldKeepConnectionsOpenAndPingedAfterTheEndByDefault() throws Exception {
        BinanceReplayServer server = start(fourSymbols().speed(0).pingInterval(Duration.ofMillis(100)));
        TestClient client = connect(server, "/stream?streams=nknusdt@bookTicker", true);
        assertTrue(server.awaitFinished(Duration.ofSeconds(20)));
        Await.until("74 messages", Duration.ofSeconds(10), () -> client.messageCount() >= 74, client::messageCount);

        int pingsAtEnd = client.pingCount();
        Await.until("3 more pings after the end", Duration.ofSeconds(10), () -> client.pingCount() >= pingsAtEnd + 3,
                client::pingCount);
        assertTrue(client.isOpen());
        assertEquals(1, server.openConnections());
        assertEquals(74, client.messageCount());
    }
}
