package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A plain Java-WebSocket client that records what the replay server sends: market messages (with their arrival
 * time), request replies, pings and the close.
 */
class TestClient extends WebSocketClient {
    private final List<String> messages = new ArrayList<>();
    private final List<Long> messageNanos = new ArrayList<>();
    private final List<String> replies = new ArrayList<>();
    private final List<Long> pingNanos = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    volatile boolean answerPings = true;
    volatile boolean opened;
    volatile long openedNanos;
    volatile int closeCode = -1;
    volatile boolean closedByServer;
    volatile long closedNanos;
    volatile int messagesAtClose = -1;

    TestClient(URI uri) {
        super(uri);
        setConnectionLostTimeout(0);
        setTcpNoDelay(true);
    }

    /** Connects to {@code uri} and fails the test when the handshake does not succeed within 5 s. */
    static TestClient connect(URI uri) throws InterruptedException {
        TestClient c = new TestClient(uri);
        c.awaitHandshake();
        return c;
    }

    /** As {@link #connect(URI)} for a client that never answers the server's pings. */
    static TestClient connectSilent(URI uri) throws InterruptedException {
        TestClient c = new TestClient(uri);
        c.answerPings = false;
        c.awaitHandshake();
        return c;
    }

    /**
     * Connects and asserts that the opening handshake succeeded. Not {@code connectBlocking}'s result: that is
     * also false when the handshake succeeded but the server has already closed again, which a replay at speed 0
     * with close-when-done does within milliseconds.
     */
    private void awaitHandshake() throws InterruptedException {
        connectBlocking(5, TimeUnit.SECONDS);
        assertTrue(opened, "could not connect to " + getURI());
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
        openedNanos = System.nanoTime();
        opened = true;
    }

    @Override
    public void onMessage(String message) {
        long now = System.nanoTime();
        synchronized (this) {
            if (message.startsWith("{\"result\"") || message.startsWith("{\"error\"")) {
                replies.add(message);
            } else {
                messages.add(message);
                messageNanos.add(now);
            }
        }
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
        synchronized (this) {
            pingNanos.add(System.nanoTime());
        }
        if (answerPings) {
            super.onWebsocketPing(conn, f);
        }
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        synchronized (this) {
            messagesAtClose = messages.size();
        }
        closeCode = code;
        closedByServer = remote;
        closedNanos = System.nanoTime();
        closed.countDown();
    }

    @Override
    public void onError(Exception ex) {
        // surfaces as a close; tests assert on what was received
    }

    synchronized int messageCount() {
        return messages.size();
    }

    synchronized List<String> messages() {
        return new ArrayList<>(messages);
    }

    synchronized List<Long> messageNanos() {
        return new ArrayList<>(messageNanos);
    }

    synchronized int replyCount() {
        return replies.size();
    }

    synchronized List<String> replies() {
        return new ArrayList<>(replies);
    }

    synchronized List<Long> pingNanos() {
        return new ArrayList<>(pingNanos);
    }

    synchronized int pingCount() {
        return pingNanos.size();
    }

    boolean isClosedNow() {
        return closed.getCount() == 0;
    }

    /** Sends a request and returns the reply that follows it (replies come back in request order). */
    String request(String json) {
        int before = replyCount();
        send(json);
        Await.until("a reply to " + json, Duration.ofSeconds(5), () -> replyCount() > before);
        return replies().get(before);
    }

    /**
     * Closes the connection (normal closure) and waits for the close handshake, at most 5 s; after that the TCP
     * connection is dropped (the server drops such connections itself after its own 5 s grace). Used by the
     * tests' @AfterEach, whose job is to free resources: a test that is about closing asserts it itself.
     * Under heavy load the close handshake occasionally stalls inside Java-WebSocket; that is reported on stderr.
     */
    void closeAndAwait() throws InterruptedException {
        close();
        if (!closed.await(5, TimeUnit.SECONDS)) {
            String state = "readyState=" + getReadyState() + " closing=" + isClosing() + " flushAndClose="
                    + isFlushAndClose() + " hasBufferedData=" + hasBufferedData() + " messages=" + messageCount();
            closeConnection(1006, "test cleanup");
            System.err.println("cleanup: client " + getURI() + " did not complete its close handshake in 5 s ("
                    + state + "); dropped the TCP connection");
        }
    }

    void awaitClosed(Duration timeout) throws InterruptedException {
        assertTrue(closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS), "connection not closed within " + timeout);
    }
}
