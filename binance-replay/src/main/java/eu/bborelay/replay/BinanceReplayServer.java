package eu.bborelay.replay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.PingFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local WebSocket server that speaks Binance's spot / USD-M market-stream protocol and replays real recorded
 * messages (the {@code shared/data/binance/*.ndjson.gz} recordings) instead of live data.
 *
 * <p><b>Who uses it.</b> Tests of the other modules (and the demo, through {@link BinanceReplayMain}) start one,
 * point a Binance client at {@link #baseUri()} and receive the recording:
 * <pre>{@code
 * try (BinanceReplayServer server = BinanceReplayServer.builder()
 *         .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808))
 *         .speed(0)                     // as fast as possible
 *         .build()) {
 *     server.start();
 *     URI uri = server.baseUri().resolve("/stream?streams=btcusdt@bookTicker");
 *     ... connect, then server.awaitFinished(Duration.ofSeconds(30)) ...
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> {@code /stream?streams=a/b} sends each recorded line's JSON {@code {"stream":..,"data":..}}
 * byte for byte; {@code /ws/a/b} (or {@code /ws} followed by {@code SUBSCRIBE}) sends only the exact text of the
 * {@code data} value. Stream names match case-sensitively, after lowercasing the requested symbol part. Live
 * {@code SUBSCRIBE}, {@code UNSUBSCRIBE}, {@code LIST_SUBSCRIPTIONS}, {@code SET_PROPERTY}/{@code GET_PROPERTY}
 * ("combined") requests are answered as Binance does (see {@link ControlRequests}); other paths are refused with HTTP
 * 404. The server sends a ping frame every {@link Builder#pingInterval(Duration) ping interval} (20 s) and drops a
 * connection (no close frame, the client sees 1006) that has not echoed a ping within the
 * {@link Builder#pongTimeout(Duration) pong timeout} (60 s). A connection whose close handshake has not completed
 * 5 s after it started (e.g. a client that stopped reading) is dropped too.
 *
 * <p><b>Timeline.</b> One replay thread walks the recording like a live exchange: each message goes to every
 * connection subscribed to its stream at that moment; a client that connects late misses what came before. The
 * timeline starts when the first connection opens (default) or at {@link #start()}. It is paced against
 * {@link System#nanoTime()} deadlines from the recorded receive times divided by the speed; at speed 0 it runs as fast
 * as the slowest subscribed connection drains its outbound queue (the replay waits while a connection has more than
 * {@value #MAX_BACKLOG_FRAMES} frames queued, in any mode, so memory stays bounded; a client that stops reading is
 * eventually dropped by the pong timeout). After the last line connections stay open and pinged, or are closed with
 * 1000 when {@link Builder#closeWhenDone(boolean) closeWhenDone}.
 *
 * <p><b>Threads.</b> All public methods are thread-safe. Besides the caller's thread the server runs Java-WebSocket's
 * selector and worker threads, one replay thread and one heartbeat thread, all daemon threads, all stopped by
 * {@link #close()}.
 */
public final class BinanceReplayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinanceReplayServer.class);
    /** Outbound frames a connection may have queued before the replay thread waits for it to drain. */
    static final int MAX_BACKLOG_FRAMES = 2048;
    private static final long BACKLOG_PARK_NANOS = 50_000;
    /** A connection still closing (close handshake not completed) after this long is dropped. */
    private static final long CLOSING_GRACE_NANOS = 5_000_000_000L;

    private final List<Path> recordings;
    private final String host;
    private final int requestedPort;
    private final double speed;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final boolean startOnFirstConnection;
    private final boolean closeWhenDone;

    private final CopyOnWriteArrayList<Session> sessions = new CopyOnWriteArrayList<>();
    private final AtomicLong messagesSent = new AtomicLong();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicLong backlogWaits = new AtomicLong();
    private final AtomicBoolean startCalled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down by each opened connection; the timeline starts at zero. */
    private final CountDownLatch timelineStart;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile boolean finished;
    private volatile boolean running = true;
    private volatile Exception bindError;
    private volatile int boundPort = -1;
    private volatile RecordingReader reader;
    private volatile boolean pingsStopped;
    private volatile com.sun.net.httpserver.HttpServer rest;
    private volatile java.util.Map<String, String> restSymbols; // symbol -> status, built at the first request
    private final java.util.concurrent.ConcurrentHashMap<String, String> statusOverrides =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong restRequests = new AtomicLong();
    private final AtomicLong upgradeRequests = new AtomicLong();
    private final AtomicLong upgradesRefused = new AtomicLong();
    /** {status, retryAfterSeconds (-1: no header), remaining count}; guarded by itself. */
    private final int[] refusal = new int[3];

    private volatile Endpoint endpoint;
    private volatile Thread replayThread;
    private volatile ScheduledExecutorService heartbeat;

    private BinanceReplayServer(Builder b) {
        this.recordings = List.copyOf(b.recordings);
        this.host = b.host;
        this.requestedPort = b.port;
        this.speed = b.speed;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.startOnFirstConnection = b.startOnFirstConnection;
        this.closeWhenDone = b.closeWhenDone;
        this.timelineStart = new CountDownLatch(b.startAfterConnections);
    }

    /** A builder with the defaults listed on its setters; {@link Builder#recording(Path, Path...)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the recordings, binds the listening socket and starts the heartbeat (and, unless the timeline waits for
     * the first connection, the replay). Returns once the server accepts connections. Call once.
     *
     * @throws java.nio.file.NoSuchFileException when a recording does not exist
     * @throws IOException when a recording is unreadable or the address cannot be bound
     * @throws IllegalStateException when called twice, after {@link #close()}, or when binding takes over 10 s
     */
    public void start() throws IOException {
        if (closed.get()) {
            throw new IllegalStateException("server already closed");
        }
        if (!startCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("start() already called");
        }
        for (Path p : recordings) {
            RecordingReader.checkReadable(p);
        }
        endpoint = new Endpoint(new InetSocketAddress(host, requestedPort));
        endpoint.setReuseAddr(true);
        endpoint.setTcpNoDelay(true);
        endpoint.setConnectionLostTimeout(0); // heartbeat is ours, see heartbeat()
        endpoint.setDaemon(true);
        endpoint.start();
        try {
            if (!bound.await(10, TimeUnit.SECONDS)) {
                close();
                throw new IllegalStateException("WebSocket server did not start listening on " + host + ":"
                        + requestedPort + " within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting", e);
        }
        if (bindError != null) {
            close();
            throw new IOException("cannot listen on " + host + ":" + requestedPort + ": " + bindError, bindError);
        }
        boundPort = endpoint.getPort();

        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "binance-replay-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long pingNanos = pingInterval.toNanos();
        heartbeat.scheduleAtFixedRate(this::sendPings, pingNanos, pingNanos, TimeUnit.NANOSECONDS);
        long checkNanos = Math.max(5_000_000L, Math.min(1_000_000_000L,
                Math.min(pingNanos, pongTimeout.toNanos()) / 4));
        heartbeat.scheduleAtFixedRate(this::dropSilentConnections, checkNanos, checkNanos, TimeUnit.NANOSECONDS);

        rest = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(host, 0), 16);
        rest.createContext("/api/v3/exchangeInfo", this::exchangeInfo);
        rest.createContext("/fapi/v1/exchangeInfo", this::exchangeInfo);
        rest.setExecutor(null); // its own dispatcher thread
        rest.start();

        replayThread = new Thread(this::replay, "binance-replay");
        replayThread.setDaemon(true);
        replayThread.start();
        if (!startOnFirstConnection) {
            startTimelineNow();
        }
        log.info("Binance replay listening on {} ({} recording file(s), speed {}, ping every {} ms, pong timeout {} ms,"
                        + " timeline starts {})", baseUri(), recordings.size(), speedText(), pingInterval.toMillis(),
                pongTimeout.toMillis(), !startOnFirstConnection ? "now" : timelineStart.getCount() == 1
                        ? "at the first connection" : "when " + timelineStart.getCount() + " connections are open");
    }

    private void startTimelineNow() {
        while (timelineStart.getCount() > 0) {
            timelineStart.countDown();
        }
    }

    /** The bound TCP port (the ephemeral one when the builder's port was 0). Only after {@link #start()}. */
    public int port() {
        int p = boundPort;
        if (p < 0) {
            throw new IllegalStateException("server not started");
        }
        return p;
    }

    /** {@code ws://<host>:<port>}, without a path; resolve {@code /stream?streams=...} or {@code /ws/...} on it. */
    public URI baseUri() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create("ws://" + h + ":" + port());
    }

    /**
     * Waits until the replay thread has sent the whole recording (the last line passed to every subscribed
     * connection's outbound queue), at most {@code timeout}.
     *
     * @return {@code true} once the recording is finished; {@code false} on timeout, interruption or close before the end
     */
    public boolean awaitFinished(Duration timeout) {
        try {
            return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && finished;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the whole recording has been sent. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Recorded market-data messages sent, summed over connections (a message sent to three connections counts three).
     * Replies to requests are not counted.
     */
    public long messagesSent() {
        return messagesSent.get();
    }

    /** Connections accepted (WebSocket handshake completed) since {@link #start()}. */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    /** Connections currently open. */
    public int openConnections() {
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                n++;
            }
        }
        return n;
    }

    /** Recording lines skipped because they are not {@code <number> <json object>} (each file logs its first one). */
    public long malformedLines() {
        RecordingReader r = reader;
        return r == null ? 0 : r.malformed();
    }

    /**
     * Stops the replay thread and the heartbeat, closes every connection (1001 going away) and the listening socket.
     * Idempotent; never throws a checked exception; waits at most about 2 s.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        ended.countDown();
        startTimelineNow();
        Thread t = replayThread;
        if (t != null) {
            t.interrupt();
            LockSupport.unpark(t);
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (rest != null) {
            rest.stop(0);
        }
        if (endpoint != null) {
            try {
                endpoint.stop(1000, "server closing");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("Error while stopping the WebSocket server: {}", e.toString());
            }
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (boundPort >= 0) {
            log.info("Binance replay on port {} closed: {} connection(s) served, {} messages sent", boundPort,
                    connectionsOpened.get(), messagesSent.get());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // REST exchangeInfo

    /**
     * {@code http://<host>:<port>} of the REST side, which answers {@code GET /api/v3/exchangeInfo} and
     * {@code /fapi/v1/exchangeInfo} in Binance's shape with every symbol of the recordings, {@code TRADING} unless
     * {@link #symbolStatus(String, String) set otherwise}. Only after {@link #start()}.
     */
    public URI restBaseUri() {
        com.sun.net.httpserver.HttpServer r = rest;
        if (r == null) {
            throw new IllegalStateException("server not started");
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + r.getAddress().getPort());
    }

    /** The status exchangeInfo reports for {@code symbol} (upper case), e.g. {@code BREAK}; adds it if absent. */
    public void symbolStatus(String symbol, String status) {
        statusOverrides.put(symbol.toUpperCase(java.util.Locale.ROOT), Objects.requireNonNull(status, "status"));
    }

    /** exchangeInfo requests answered. */
    public long restRequests() {
        return restRequests.get();
    }

    private void exchangeInfo(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        try (exchange) {
            restRequests.incrementAndGet();
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            java.util.Map<String, String> symbols = new java.util.TreeMap<>(recordedSymbols());
            symbols.putAll(statusOverrides);
            boolean usdm = exchange.getRequestURI().getPath().startsWith("/fapi/");
            StringBuilder sb = new StringBuilder("{\"timezone\":\"UTC\",\"serverTime\":")
                    .append(System.currentTimeMillis())
                    .append(usdm ? ",\"futuresType\":\"U_MARGINED\"" : "")
                    .append(",\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
                            + "\"intervalNum\":1,\"limit\":6000}],\"exchangeFilters\":[],")
                    .append(usdm ? "\"assets\":[]," : "").append("\"symbols\":[");
            boolean first = true;
            for (java.util.Map.Entry<String, String> e : symbols.entrySet()) {
                sb.append(first ? "" : ",").append("{\"symbol\":\"").append(e.getKey()).append("\",")
                        .append(usdm ? "\"pair\":\"" + e.getKey() + "\",\"contractType\":\"PERPETUAL\"," : "")
                        .append("\"status\":\"").append(e.getValue()).append("\",\"filters\":[{\"filterType\":"
                                + "\"PRICE_FILTER\",\"minPrice\":\"0.01\",\"maxPrice\":\"1000000.00\","
                                + "\"tickSize\":\"0.01\"}],\"permissions\":[]}");
                first = false;
            }
            byte[] body = sb.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** Upper-case symbols of every stream in the recordings, each TRADING; read once. */
    private java.util.Map<String, String> recordedSymbols() {
        java.util.Map<String, String> m = restSymbols;
        if (m == null) {
            java.util.Map<String, String> found = new java.util.TreeMap<>();
            try (RecordingReader r = new RecordingReader(recordings)) {
                RecordedMessage msg;
                while ((msg = r.next()) != null) {
                    int at = msg.stream.indexOf('@');
                    if (at > 0) {
                        found.put(msg.stream.substring(0, at).toUpperCase(java.util.Locale.ROOT), "TRADING");
                    }
                }
            }
            m = java.util.Collections.unmodifiableMap(found);
            restSymbols = m;
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fault injection (tests). Each acts on the connections open at the call; later connections are unaffected.

    /**
     * Cuts the TCP connection of every open client without a close frame (the client sees 1006), as a crashed
     * server or a broken network path does.
     *
     * @return how many connections were cut
     */
    public int injectAbruptClose() {
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "abrupt close injected");
                n++;
            }
        }
        log.info("Injected an abrupt close of {} connection(s)", n);
        return n;
    }

    /**
     * Sends Binance's {@code serverShutdown} event to every open client, as {@code {"stream":"!serverShutdown",
     * "data":{"e":"serverShutdown","E":ms}}} ({@code combinedShape}) or {@code {"e":"serverShutdown","E":ms}}. The
     * connections stay open (Binance closes them some time later).
     *
     * @return how many connections were told
     */
    public int injectServerShutdown(boolean combinedShape) {
        String event = "{\"e\":\"serverShutdown\",\"E\":" + System.currentTimeMillis() + "}";
        return injectRaw(combinedShape ? "{\"stream\":\"!serverShutdown\",\"data\":" + event + "}" : event);
    }

    /**
     * Sends {@code text} as one text frame to every open client, byte for byte (malformed JSON, unknown event
     * types or fields, anything).
     *
     * @return how many connections got it
     */
    public int injectRaw(String text) {
        Objects.requireNonNull(text, "text");
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                try {
                    s.conn.send(text);
                    n++;
                } catch (WebsocketNotConnectedException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    /**
     * Stalls every open connection for {@code duration}: the socket stays open and answers pings, but gets no data
     * and no pings (the messages of that time are lost to it, as on a live exchange).
     *
     * @return how many connections stall
     */
    public int stall(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                s.stallUntil(until);
                n++;
            }
        }
        log.info("Stalling {} connection(s) for {} ms", n, duration.toMillis());
        return n;
    }

    /** The heartbeat stops sending pings (and so never drops a client for a missing pong) until the server closes. */
    public void stopPings() {
        pingsStopped = true;
    }

    /**
     * Refuses the next {@code count} WebSocket upgrades with HTTP {@code status} (429 or 418 as Binance) and a
     * {@code Retry-After} header of {@code retryAfter} rounded to seconds (none when null).
     */
    public void refuseUpgrades(int status, Duration retryAfter, int count) {
        if (status < 400 || status > 599 || count < 0) {
            throw new IllegalArgumentException("need an HTTP error status and count >= 0");
        }
        synchronized (refusal) {
            refusal[0] = status;
            refusal[1] = retryAfter == null ? -1 : (int) retryAfter.toSeconds();
            refusal[2] = count;
        }
    }

    /** WebSocket upgrade requests received (accepted, refused or failed) since start. */
    public long upgradeRequests() {
        return upgradeRequests.get();
    }

    /** Upgrades refused by {@link #refuseUpgrades}. */
    public long upgradesRefused() {
        return upgradesRefused.get();
    }

    /** The refusal response for the next upgrade, or null to accept it. */
    private String nextRefusal() {
        synchronized (refusal) {
            if (refusal[2] <= 0) {
                return null;
            }
            refusal[2]--;
            return "HTTP/1.1 " + refusal[0] + (refusal[0] == 429 ? " Too Many Requests" : " Refused") + "\r\n"
                    + (refusal[1] >= 0 ? "Retry-After: " + refusal[1] + "\r\n" : "")
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Used by BinanceReplayMain (--exit-when-done)

    /** Waits until no open connection has outbound frames queued, at most {@code timeout}; returns whether it did. */
    boolean awaitOutboundFlushed(Duration timeout) {
        return awaitCondition(timeout, () -> {
            for (Session s : sessions) {
                if (s.conn.isOpen() && s.conn.hasBufferedData()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Starts the closing handshake of every open connection with {@code code}. */
    void closeAllConnections(int code, String reason) {
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                s.conn.close(code, reason);
            }
        }
    }

    /** How many times the replay thread waited for a connection's outbound queue to drain (tests). */
    long backlogWaits() {
        return backlogWaits.get();
    }

    /** The longest outbound queue, in frames, of the open connections right now (tests). */
    int largestBacklogFrames() {
        int max = 0;
        for (Session s : sessions) {
            max = Math.max(max, s.backlogFrames());
        }
        return max;
    }

    /** Connections not yet fully closed (open or closing), for tests. */
    int trackedConnections() {
        return sessions.size();
    }

    /** Waits until every connection is closed, at most {@code timeout}; returns whether they were. */
    boolean awaitAllClosed(Duration timeout) {
        return awaitCondition(timeout, sessions::isEmpty);
    }

    private static boolean awaitCondition(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(5_000_000L);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Replay thread

    private void replay() {
        try {
            timelineStart.await();
        } catch (InterruptedException e) {
            return;
        }
        if (!running) {
            return;
        }
        boolean asFastAsPossible = speed == 0 || Double.isInfinite(speed);
        log.info("Replay started: {} file(s) {} at speed {}", recordings.size(), recordings, speedText());
        long startedNanos = System.nanoTime();
        long firstReceiveNanos = Long.MIN_VALUE;
        RecordingReader r = new RecordingReader(recordings);
        reader = r;
        try (r) {
            RecordedMessage m;
            while (running && (m = r.next()) != null) {
                if (!asFastAsPossible) {
                    if (firstReceiveNanos == Long.MIN_VALUE) {
                        firstReceiveNanos = m.receiveNanos;
                    }
                    long offset = (long) ((m.receiveNanos - firstReceiveNanos) / speed);
                    parkUntil(startedNanos + offset);
                }
                deliver(m);
            }
        } catch (RuntimeException e) {
            log.error("Replay thread failed; the recording is not finished", e);
            ended.countDown();
            return;
        }
        if (!running) {
            return;
        }
        long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
        log.info("Replay finished in {} ms: {} messages from {} lines ({} REST snapshot lines not sent, {} malformed"
                        + " skipped), {} frames sent to {} connection(s)", elapsedMs, r.messages(), r.lines(),
                r.skippedNonStream(), r.malformed(), messagesSent.get(), connectionsOpened.get());
        finished = true;
        if (closeWhenDone) {
            closeAllConnections(CloseFrame.NORMAL, "replay finished");
        }
        ended.countDown();
    }

    private void parkUntil(long deadline) {
        long remaining;
        while (running && (remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, remaining);
        }
    }

    private void deliver(RecordedMessage m) {
        long now = System.nanoTime();
        for (Session s : sessions) {
            if (!s.isSubscribed(m.stream) || s.stalledAt(now)) {
                continue;
            }
            if (s.backlogFrames() > MAX_BACKLOG_FRAMES) {
                backlogWaits.incrementAndGet();
                while (running && s.backlogFrames() > MAX_BACKLOG_FRAMES && s.conn.isOpen()) {
                    LockSupport.parkNanos(this, BACKLOG_PARK_NANOS);
                }
            }
            if (!s.conn.isOpen()) {
                continue;
            }
            try {
                s.conn.send(s.combined ? m.json : m.data());
                s.sent.incrementAndGet();
                messagesSent.incrementAndGet();
            } catch (WebsocketNotConnectedException e) {
                // closed concurrently: like a live exchange, it simply misses the message
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Heartbeat thread

    private void sendPings() {
        if (pingsStopped) {
            return;
        }
        long now = System.nanoTime();
        for (Session s : sessions) {
            if (!s.conn.isOpen() || s.stalledAt(now)) {
                continue;
            }
            PingFrame ping = new PingFrame();
            ping.setPayload(s.nextPing(now));
            try {
                s.conn.sendFrame(ping);
            } catch (WebsocketNotConnectedException e) {
                // closing
            } catch (RuntimeException e) {
                log.warn("Cannot ping {}: {}", s, e.toString());
            }
        }
    }

    private void dropSilentConnections() {
        long now = System.nanoTime();
        long timeout = pongTimeout.toNanos();
        for (Session s : sessions) {
            if (!s.conn.isOpen()) {
                if (!s.conn.isClosed() && s.closingLongerThan(now, CLOSING_GRACE_NANOS)) {
                    log.info("Client {} did not complete its close handshake within {} s: disconnecting", s,
                            CLOSING_GRACE_NANOS / 1_000_000_000L);
                    try {
                        s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "close handshake not completed");
                    } catch (RuntimeException e) {
                        log.warn("Cannot drop {}: {}", s, e.toString());
                    }
                }
                continue;
            }
            if (s.pongOverdue(now, timeout)) {
                log.info("Client {} did not answer a ping within {} ms: disconnecting", s, pongTimeout.toMillis());
                try {
                    s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "no pong within " + pongTimeout.toMillis()
                            + " ms");
                } catch (RuntimeException e) {
                    log.warn("Cannot drop {}: {}", s, e.toString());
                }
            }
        }
    }

    private String speedText() {
        return speed == 0 || Double.isInfinite(speed) ? "max (as fast as possible)" : speed + "x";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Java-WebSocket callbacks (selector and worker threads)

    private final class Endpoint extends WebSocketServer {
        Endpoint(InetSocketAddress address) {
            super(address);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                ClientHandshake request) throws InvalidDataException {
            upgradeRequests.incrementAndGet();
            String refused = nextRefusal();
            if (refused != null && conn instanceof WebSocketImpl impl) {
                // Java-WebSocket can only answer 101 or 404: queue our own response first, then let it close
                upgradesRefused.incrementAndGet();
                impl.outQueue.add(ByteBuffer.wrap(refused.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                log.info("Refusing WebSocket upgrade (injected): {}", refused.lines().findFirst().orElse(""));
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "upgrade refused (injected)");
            }
            if (StreamNames.parseEndpoint(request.getResourceDescriptor()) == null) {
                log.info("Refusing WebSocket upgrade for unknown path {}", request.getResourceDescriptor());
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION,
                        "unknown path " + request.getResourceDescriptor());
            }
            return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        }

        @Override
        public void onStart() {
            bound.countDown();
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            StreamNames.Endpoint ep = StreamNames.parseEndpoint(handshake.getResourceDescriptor());
            if (ep == null) { // refused at the handshake already
                conn.close(CloseFrame.POLICY_VALIDATION, "unknown path");
                return;
            }
            long n = connectionsOpened.get() + 1; // for the log label only
            Session s = new Session(conn, "#" + n + " " + conn.getRemoteSocketAddress(), ep.combined(), ep.streams(),
                    System.nanoTime());
            conn.setAttachment(s);
            sessions.add(s);
            connectionsOpened.incrementAndGet(); // after sessions.add: a counted connection is registered
            log.info("Client {} connected to {} ({} payloads), streams {}", s, handshake.getResourceDescriptor(),
                    ep.combined() ? "combined" : "raw", ep.streams());
            if (finished && closeWhenDone) {
                conn.close(CloseFrame.NORMAL, "replay finished");
            }
            timelineStart.countDown();
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            Session s = conn.getAttachment();
            if (s == null) {
                return;
            }
            sessions.remove(s);
            log.info("Client {} disconnected (code {}{}, by {}), {} messages sent to it", s, code,
                    reason == null || reason.isEmpty() ? "" : " " + reason, remote ? "client" : "server", s.sent.get());
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            Session s = conn.getAttachment();
            if (s == null) {
                return;
            }
            String response = ControlRequests.handle(message, s);
            try {
                conn.send(response);
            } catch (WebsocketNotConnectedException e) {
                // closed meanwhile
            }
        }

        @Override
        public void onMessage(WebSocket conn, ByteBuffer message) {
            Session s = conn.getAttachment();
            log.debug("Ignoring a binary frame of {} bytes from {}", message.remaining(), s);
        }

        @Override
        public void onWebsocketPong(WebSocket conn, Framedata f) {
            Session s = conn.getAttachment();
            if (s != null) {
                s.onPong(f.getPayloadData());
            }
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                if (boundPort < 0) {
                    bindError = ex;
                    bound.countDown();
                } else if (!closed.get()) {
                    log.error("WebSocket server error", ex);
                }
                return;
            }
            Session s = conn.getAttachment();
            log.warn("WebSocket error on connection {}: {}", s == null ? conn.getRemoteSocketAddress() : s,
                    ex.toString());
        }
    }

    /**
     * Configures a {@link BinanceReplayServer}. Not thread-safe; use from one thread, then {@link #build()}.
     */
    public static final class Builder {
        private final List<Path> recordings = new ArrayList<>();
        private String host = "127.0.0.1";
        private int port;
        private double speed = 1.0;
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration pongTimeout = Duration.ofSeconds(60);
        private boolean startOnFirstConnection = true;
        private int startAfterConnections = 1;
        private boolean closeWhenDone;

        private Builder() {
        }

        /**
         * The recording files, replayed in this order as one timeline (e.g. a {@code ..._snapshot_<day>T23xxZ} file
         * followed by its {@code _<next day>T0000Z} continuation). Required; replaces earlier calls. Existence is
         * checked by {@link BinanceReplayServer#start()}.
         */
        public Builder recording(Path first, Path... more) {
            recordings.clear();
            recordings.add(Objects.requireNonNull(first, "recording"));
            for (Path p : more) {
                recordings.add(Objects.requireNonNull(p, "recording"));
            }
            return this;
        }

        /** Address to listen on; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** TCP port; default 0, an ephemeral port (read it with {@link BinanceReplayServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Replay speed factor: 1.0 (default) is the recorded pace, 10.0 ten times faster; 0 or
         * {@link Double#POSITIVE_INFINITY} as fast as possible.
         */
        public Builder speed(double speed) {
            if (Double.isNaN(speed) || speed < 0) {
                throw new IllegalArgumentException("speed must be >= 0 (0 = as fast as possible), got " + speed);
            }
            this.speed = speed;
            return this;
        }

        /** Interval between the server's ping frames; default 20 s, as Binance. */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = positive(interval, "pingInterval");
            return this;
        }

        /** A connection that has not echoed a ping for this long is dropped; default 60 s, as Binance. */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = positive(timeout, "pongTimeout");
            return this;
        }

        /** {@code true} (default): the timeline starts when the first connection opens; {@code false}: at start(). */
        public Builder startOnFirstConnection(boolean startOnFirstConnection) {
            this.startOnFirstConnection = startOnFirstConnection;
            return this;
        }

        /**
         * With {@link #startOnFirstConnection} true: the timeline starts when this many connections have opened
         * (default 1), e.g. a sender that shards its streams across that many connections, so that none of them
         * misses the start of the recording.
         */
        public Builder startAfterConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("startAfterConnections must be at least 1, got " + connections);
            }
            this.startAfterConnections = connections;
            return this;
        }

        /**
         * {@code true}: after the last message every connection gets a normal close frame (1000); {@code false}
         * (default): connections stay open, idle and pinged.
         */
        public Builder closeWhenDone(boolean closeWhenDone) {
            this.closeWhenDone = closeWhenDone;
            return this;
        }

        /**
         * @throws IllegalStateException when no recording was given
         */
        public BinanceReplayServer build() {
            if (recordings.isEmpty()) {
                throw new IllegalStateException("recording(...) is required");
            }
            return new BinanceReplayServer(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
