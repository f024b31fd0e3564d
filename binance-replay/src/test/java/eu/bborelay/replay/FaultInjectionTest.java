package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fault knobs of the replay server, observed by a plain WebSocket client (and a raw socket for the refusal). */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
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

    private BinanceReplayServer slowReplay() throws Exception {
        // 28,040 updates over 5 min 46 s: at the recorded pace the replay goes on through every test here
        return start(BinanceReplayServer.builder().recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808)));
    }

    /** Connects and waits until the server has registered the connection too (its onOpen runs on its own thread). */
    private TestClient connect(BinanceReplayServer server, String pathAndQuery) throws Exception {
        long opened = server.connectionsOpened();
        TestClient c = TestClient.connect(URI.create(server.baseUri() + pathAndQuery));
        Await.until("the server registers the connection", WAIT, () -> server.connectionsOpened() > opened);
        resources.add(() -> {
            if (!c.isClosedNow()) {
                c.closeAndAwait();
            }
        });
        return c;
    }

    @Test
    void abruptCloseCutsTheConnectionWithoutACloseFrame() throws Exception {
        BinanceReplayServer server = slowReplay();
        TestClient client = connect(server, "/stream?streams=btcusdt@bookTicker");
        Await.until("a message", WAIT, () -> client.messageCount() > 0);
        assertEquals(1, server.injectAbruptClose());
        client.awaitClosed(WAIT);
        assertEquals(1006, client.closeCode, "no close frame");
        TestClient again = connect(server, "/stream?streams=btcusdt@bookTicker");
        Await.until("a new connection gets data", WAIT, () -> again.messageCount() > 0);
    }

    @Test
    void serverShutdownComesInTheRequestedShape() throws Exception {
        BinanceReplayServer server = slowReplay();
        TestClient client = connect(server, "/stream?streams=btcusdt@bookTicker");
        assertEquals(1, server.injectServerShutdown(true));
        assertEquals(1, server.injectServerShutdown(false));
        Await.until("both events", WAIT, () -> client.messages().stream()
                .filter(m -> m.contains("serverShutdown")).count() == 2, client::messages);
        List<String> events = client.messages().stream().filter(m -> m.contains("serverShutdown")).toList();
        assertTrue(events.get(0).matches("\\{\"stream\":\"!serverShutdown\",\"data\":\\{\"e\":\"serverShutdown\","
                + "\"E\":\\d{13}}}"), events.get(0));
        assertTrue(events.get(1).matches("\\{\"e\":\"serverShutdown\",\"E\":\\d{13}}"), events.get(1));
        assertTrue(client.isOpen(), "the announcement does not close the connection");
    }

    @Test
    void injectRawSendsTextVerbatim() throws Exception {
        BinanceReplayServer server = slowReplay();
        TestClient client = connect(server, "/ws/btcusdt@bookTicker");
        String broken = "{\"u\":1,\"s\":\"BTCUSDT\",\"b\":";
        String unknown = "{\"e\":\"brandNewEvent\",\"E\":1,\"x\":[1,2]}";
        server.injectRaw(broken);
        server.injectRaw(unknown);
        Await.until("both texts", WAIT, () -> client.messages().contains(broken) && client.messages().contains(unknown),
                client::messages);
    }

    @Test
    void stalledConnectionGetsNothingWhileANewOneDoes() throws Exception {
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808))
                .pingInterval(Duration.ofMillis(100)));
        TestClient stalled = connect(server, "/stream?streams=btcusdt@bookTicker");
        Await.until("data and pings", WAIT, () -> stalled.messageCount() > 0 && stalled.pingCount() > 0);
        assertEquals(1, server.stall(Duration.ofSeconds(2)));
        Thread.sleep(200); // frames already queued drain
        int messages = stalled.messageCount();
        int pings = stalled.pingCount();
        TestClient fresh = connect(server, "/stream?streams=btcusdt@bookTicker");
        Await.until("the new connection gets data", WAIT, () -> fresh.messageCount() > 20);
        assertEquals(messages, stalled.messageCount(), "no data while stalled");
        assertEquals(pings, stalled.pingCount(), "no pings while stalled");
        assertTrue(stalled.isOpen());
        Await.until("the stall ends", WAIT, () -> stalled.messageCount() > messages);
    }

    @Test
    void stopPingsStopsTheHeartbeat() throws Exception {
        BinanceReplayServer server = start(BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808))
                .pingInterval(Duration.ofMillis(50)));
        TestClient client = connect(server, "/stream?streams=btcusdt@bookTicker");
        Await.until("pings", WAIT, () -> client.pingCount() >= 2);
        server.stopPings();
        Thread.sleep(100);
        int pings = client.pingCount();
        Thread.sleep(500); // ten intervals
        assertEquals(pings, client.pingCount());
        assertTrue(client.isOpen());
    }

    @Test
    void refusedUpgradesAnswer429WithRetryAfterThenAccept() throws Exception {
        BinanceReplayServer server = slowReplay();
        server.refuseUpgrades(429, Duration.ofSeconds(7), 2);
        for (int i = 0; i < 2; i++) {
            List<String> head = rawUpgrade(server.port());
            assertEquals("HTTP/1.1 429 Too Many Requests", head.get(0));
            assertTrue(head.contains("Retry-After: 7"), head.toString());
        }
        List<String> head = rawUpgrade(server.port());
        assertTrue(head.get(0).startsWith("HTTP/1.1 101 "), "the refusals are used up: " + head);
        Await.until("every request counted", WAIT, () -> server.upgradeRequests() == 3);
        assertEquals(2, server.upgradesRefused());
    }

    /** Sends a WebSocket upgrade request over a plain socket and returns the response head's lines. */
    private static List<String> rawUpgrade(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /stream?streams=btcusdt@bookTicker HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                lines.add(line);
            }
            return lines;
        }
    }
}
