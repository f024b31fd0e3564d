package eu.bborelay.binance;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a Binance market-stream endpoint ({@code /stream?streams=...} or {@code /ws/...}): a thin
 * Java-WebSocket client that keeps what every user of Binance streams needs (the relay sender, and later the
 * order-book recorders) and nothing of theirs: when the connection opened, the time of its last frame of any kind
 * (data, ping, pong: transport liveness), its read thread (to know when it has ended), a refused upgrade's status and
 * {@code Retry-After} ({@link UpgradeRefusal}), the last error, and a latch released after {@code onClose}. What to do
 * with the messages is the subclass's: {@link #onText}, {@link #onOpened}, {@link #onClosed}.
 *
 * <p>One instance per connection attempt (Java-WebSocket clients are not reusable). Binance: a connection lives at
 * most 24 h; the server pings every 3 minutes (20 s on USD-M) and Java-WebSocket answers; this client also pings
 * after {@value #CONNECTION_LOST_TIMEOUT_SECONDS} s of silence and drops a connection that stays silent.
 *
 * <p><b>Threads.</b> Every callback runs on the connection's read thread ({@code WebSocketConnectReadThread-N}),
 * except {@code onClose}, which Java-WebSocket may also call from its connection-lost checker. The getters may be
 * called from any thread.
 */
public abstract class BinanceStreamClient extends WebSocketClient {
    private static final Logger log = LoggerFactory.getLogger(BinanceStreamClient.class);
    /** Java-WebSocket pings when the link was silent this long and drops it after 1.5 times that without a pong. */
    public static final int CONNECTION_LOST_TIMEOUT_SECONDS = 60;
    /** Limit of the TCP connect. */
    public static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Largest WebSocket frame accepted; a bookTicker message is about 200 bytes. */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final AtomicLong lastFrameNanos = new AtomicLong(System.nanoTime());
    private final UpgradeRefusal refusal;
    private volatile boolean opened;
    private volatile long openedAtNanos;
    private volatile Thread readThread;
    private volatile Exception error;

    protected BinanceStreamClient(URI uri) {
        this(uri, new UpgradeRefusal());
    }

    private BinanceStreamClient(URI uri, UpgradeRefusal refusal) {
        super(uri, refusal.draft(MAX_FRAME_BYTES), null, CONNECT_TIMEOUT_MILLIS);
        this.refusal = refusal;
        setConnectionLostTimeout(CONNECTION_LOST_TIMEOUT_SECONDS);
        setTcpNoDelay(true);
        setDaemon(true); // a stray attempt never keeps the JVM alive
    }

    /** The WebSocket handshake completed; the fields of {@link #opened()} are set. Read thread. */
    protected abstract void onOpened(ServerHandshake handshake);

    /**
     * A text message (one Binance event, or a subscription answer). Read thread; must not block.
     *
     * @param receivedNanos {@link System#nanoTime()} at arrival, also stored as the last frame time
     */
    protected abstract void onText(String message, long receivedNanos);

    /** A binary message (Binance sends none on market streams). Read thread. */
    protected void onBinary() {
    }

    /** The connection closed or never opened; {@link #awaitClosed} returns true after this returns. */
    protected abstract void onClosed(int code, String reason, boolean remote);

    /** Whether the WebSocket handshake completed (stays true after the close). */
    public boolean opened() {
        return opened;
    }

    /** {@link System#nanoTime()} when the handshake completed; 0 before. */
    public long openedAtNanos() {
        return openedAtNanos;
    }

    /** {@link System#nanoTime()} of the last frame of any kind, or of the open (or construction). */
    public long lastFrameNanos() {
        return lastFrameNanos.get();
    }

    /** The refused upgrade of this attempt, if any. */
    public UpgradeRefusal refusal() {
        return refusal;
    }

    /** The last error Java-WebSocket reported (reported with the close that follows), or null. */
    public Exception error() {
        return error;
    }

    /** Whether {@link #onClosed} has run. */
    public boolean closeReported() {
        return closedLatch.getCount() == 0;
    }

    /** Waits until {@link #onClosed} has run; false after {@code timeout}. */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closedLatch.await(timeout, unit);
    }

    /**
     * Whether the read thread may still call back: its thread is alive, or (never opened) {@code onClose}, its last
     * callback, has not run.
     */
    public boolean readThreadAlive() {
        Thread t = readThread;
        return t == null ? closedLatch.getCount() > 0 && opened : t.isAlive();
    }

    /** Closes the TCP socket: the read thread fails and Java-WebSocket reports onClose. Any thread. */
    public void abort() {
        Socket s = getSocket();
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public final void onOpen(ServerHandshake handshake) {
        readThread = Thread.currentThread();
        openedAtNanos = System.nanoTime();
        lastFrameNanos.set(openedAtNanos);
        opened = true;
        onOpened(handshake);
    }

    @Override
    public final void onMessage(String message) {
        long now = System.nanoTime();
        lastFrameNanos.lazySet(now);
        onText(message, now);
    }

    @Override
    public final void onMessage(ByteBuffer bytes) {
        lastFrameNanos.lazySet(System.nanoTime());
        onBinary();
    }

    @Override
    public void onWebsocketPing(WebSocket conn, Framedata f) {
        lastFrameNanos.lazySet(System.nanoTime());
        super.onWebsocketPing(conn, f);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
        lastFrameNanos.lazySet(System.nanoTime());
        super.onWebsocketPong(conn, f);
    }

    @Override
    public final void onClose(int code, String reason, boolean remote) {
        try {
            onClosed(code, reason, remote);
        } finally {
            closedLatch.countDown();
        }
    }

    @Override
    public void onError(Exception ex) {
        error = ex; // reported with the close that follows
        log.debug("Binance WebSocket error", ex);
    }
}
