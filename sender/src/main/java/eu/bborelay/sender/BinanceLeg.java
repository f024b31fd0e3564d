package eu.bborelay.sender;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Binance leg: one WebSocket connection to the combined bookTicker stream at a time, reconnected with backoff
 * independently of the receiver leg.
 *
 * <p>Threads: Java-WebSocket calls {@link StreamClient} on its own read thread ({@code WebSocketConnectReadThread-N});
 * the client only hands each message to {@link QuoteIngest} and reports open/close here. Java-WebSocket forbids
 * {@code reconnect()} from its own threads, so every connection attempt, the handshake watchdog and the backoff
 * run on the sender's single-thread scheduler, and each attempt uses a new client.
 */
final class BinanceLeg implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinanceLeg.class);
    /** Java-WebSocket pings when the link was silent this long and drops it after 1.5 times that without a pong. */
    static final int CONNECTION_LOST_TIMEOUT_SECONDS = 60;
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** An attempt that has not completed the WebSocket handshake after this long is abandoned. */
    static final long OPEN_TIMEOUT_MILLIS = 20_000;
    /** Largest WebSocket frame accepted; a bookTicker message is about 200 bytes. */
    static final int MAX_FRAME_BYTES = 1 << 20;

    private final URI uri;
    private final QuoteIngest ingest;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private volatile StreamClient current;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile long reconnects;
    private boolean everConnected; // scheduler thread and the current client's thread, one after the other
    private volatile long openedAtNanos;
    private int consecutiveFailures; // scheduler thread
    private String lastFailure = "";

    BinanceLeg(URI uri, QuoteIngest ingest, ScheduledExecutorService scheduler, Backoff backoff) {
        this.uri = uri;
        this.ingest = ingest;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    /** Schedules the first connection attempt now. */
    void start() {
        scheduler.execute(this::attempt);
    }

    boolean connected() {
        return connected;
    }

    long reconnects() {
        return reconnects;
    }

    /**
     * Closes the current connection and stops reconnecting; waits up to a few seconds for the close. Call after the
     * scheduler has stopped running tasks, so no new attempt can start.
     */
    @Override
    public void close() {
        closed = true;
        StreamClient c = current;
        if (c == null) {
            return;
        }
        c.close(); // WebSocket close handshake when open
        try {
            if (!c.closedLatch.await(3, TimeUnit.SECONDS)) {
                c.abort(); // still connecting, or the server does not answer: cut the socket
                c.closedLatch.await(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connected = false;
    }

    /** Scheduler thread: one connection attempt with a new client. */
    private void attempt() {
        if (closed) {
            return;
        }
        StreamClient c = new StreamClient(uri, this);
        current = c;
        if (consecutiveFailures == 0) {
            log.info("Connecting to Binance {}", uri);
        }
        c.connect();
        scheduler.schedule(() -> checkOpened(c), OPEN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Scheduler thread: abandons an attempt stuck before the WebSocket handshake completed. */
    private void checkOpened(StreamClient c) {
        if (closed || c != current || c.opened || c.closedLatch.getCount() == 0) {
            return;
        }
        log.warn("Binance {} did not complete the WebSocket handshake within {} ms; abandoning the attempt", uri,
                OPEN_TIMEOUT_MILLIS);
        c.abort();
        // if even that does not produce onClose (the socket was not created yet), look again later
        scheduler.schedule(() -> checkOpened(c), OPEN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** WebSocket thread. */
    private void onOpen(StreamClient c, ServerHandshake handshake) {
        if (c != current) {
            return;
        }
        c.opened = true;
        openedAtNanos = System.nanoTime();
        connected = true;
        if (everConnected) {
            reconnects++;
        }
        everConnected = true;
        log.info("Connected to Binance {} (HTTP {} {})", uri, handshake.getHttpStatus(),
                handshake.getHttpStatusMessage());
    }

    /** WebSocket thread (or Java-WebSocket's connection-lost checker): hands over to the scheduler. */
    private void onClose(StreamClient c, int code, String reason, boolean remote) {
        if (c != current) {
            return;
        }
        boolean wasOpen = c.opened;
        connected = false;
        long upForNanos = wasOpen ? System.nanoTime() - openedAtNanos : 0;
        if (closed) {
            log.info("Binance connection closed");
            return;
        }
        try {
            scheduler.execute(() -> scheduleReconnect(c, wasOpen, upForNanos, code, reason, remote));
        } catch (RejectedExecutionException e) {
            // the sender is stopping
        }
    }

    /** Scheduler thread. */
    private void scheduleReconnect(StreamClient c, boolean wasOpen, long upForNanos, int code, String reason,
                                   boolean remote) {
        if (closed || c != current) {
            return;
        }
        if (wasOpen && upForNanos >= Backoff.STABLE_AFTER.toNanos()) {
            backoff.reset();
        }
        long delay = backoff.nextDelayMillis();
        String cause = c.error == null ? "" : ", " + ReceiverLink.describe(c.error);
        String why = "code " + code + (reason == null || reason.isEmpty() ? "" : " '" + reason + "'")
                + (remote ? " from the server" : "") + cause;
        if (wasOpen) {
            consecutiveFailures = 0;
            lastFailure = "";
            log.info("Binance disconnected after {} ms ({}); reconnecting in {} ms",
                    TimeUnit.NANOSECONDS.toMillis(upForNanos), why, delay);
        } else {
            consecutiveFailures++;
            if (consecutiveFailures <= 3 || consecutiveFailures % 10 == 0 || !why.equals(lastFailure)) {
                log.warn("Binance connection attempt {} failed ({}); retrying in {} ms{}", consecutiveFailures, why,
                        delay, consecutiveFailures == 3 ? " (repeats of this failure are logged every 10th attempt)"
                                : "");
            }
            lastFailure = why;
        }
        scheduler.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Thin Java-WebSocket client: parse-and-hand-over happens in {@link QuoteIngest}; lifecycle goes back to the
     * leg. One instance per connection attempt (Java-WebSocket clients are not reusable).
     */
    private static final class StreamClient extends WebSocketClient {
        private final BinanceLeg leg;
        final CountDownLatch closedLatch = new CountDownLatch(1);
        volatile boolean opened;
        volatile Exception error;

        StreamClient(URI uri, BinanceLeg leg) {
            super(uri, new Draft_6455(List.of(), MAX_FRAME_BYTES), null, CONNECT_TIMEOUT_MILLIS);
            this.leg = leg;
            setConnectionLostTimeout(CONNECTION_LOST_TIMEOUT_SECONDS);
            setTcpNoDelay(true);
            setDaemon(true); // a stray attempt never keeps the JVM alive
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            leg.onOpen(this, handshake);
        }

        @Override
        public void onMessage(String message) {
            leg.ingest.onMessage(message);
        }

        @Override
        public void onMessage(ByteBuffer bytes) {
            leg.ingest.onBinaryMessage();
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            try {
                leg.onClose(this, code, reason, remote);
            } finally {
                closedLatch.countDown();
            }
        }

        @Override
        public void onError(Exception ex) {
            error = ex; // reported with the close that follows
            log.debug("Binance WebSocket error", ex);
        }

        /** Closes the TCP socket: the read thread fails and Java-WebSocket reports onClose. */
        void abort() {
            Socket s = getSocket();
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
