package eu.bborelay.replay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.java_websocket.framing.CloseFrame;
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
 * {@value Timeline#MAX_BACKLOG_FRAMES} frames queued, in any mode, so memory stays bounded; a client that stops reading is
 * eventually dropped by the pong timeout). After the last line connections stay open and pinged, or are closed with
 * 1000 when {@link Builder#closeWhenDone(boolean) closeWhenDone}.
 *
 * <p><b>Time shift.</b> By default every message is sent byte for byte as recorded. With
 * {@link Builder#shiftTimes(boolean) shiftTimes} every exchange timestamp ({@code E}, {@code T}, a kline's
 * {@code t}/{@code T}, ...; see {@link TimeShift}) moves by one constant so that the first message carrying one
 * gets the current wall-clock time: a sender then measures latency against Binance time as if live (at speed 1).
 *
 * <p><b>Threads.</b> All public methods are thread-safe. Besides the caller's thread the server runs Java-WebSocket's
 * selector and worker threads (connections, requests), one replay thread {@code binance-replay} ({@link Timeline}),
 * one heartbeat thread {@code binance-replay-heartbeat} ({@link Heartbeat}) and the REST dispatcher thread
 * ({@link RestEndpoints}), all daemon threads, all stopped by {@link #close()}. Fault injection ({@link FaultInjector})
 * runs on the caller's thread.
 *
 * <p>Size: about 630 lines, mostly the public builder and API that tests and the CLI use, each documented; the
 * WebSocket side, the timeline, the heartbeat, the REST endpoints and the fault injector are their own classes.
 */
public final class BinanceReplayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinanceReplayServer.class);
    /** Outbound frames a connection may have queued before the replay thread waits for it to drain. */
    static final int MAX_BACKLOG_FRAMES = Timeline.MAX_BACKLOG_FRAMES;

    private final List<Path> recordings;
    private final String host;
    private final int requestedPort;
    private final int requestedRestPort;
    private final double speed;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final boolean startOnFirstConnection;
    private final boolean closeWhenDone;

    private final CopyOnWriteArrayList<Session> sessions = new CopyOnWriteArrayList<>();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicBoolean startCalled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Timeline timeline;
    private final FaultInjector faults;
    private final Withholder withholder;
    private volatile int boundPort = -1;
    private volatile StreamEndpoint endpoint;
    private volatile Thread replayThread;
    private volatile Heartbeat heartbeat;
    private volatile RestEndpoints rest;

    private BinanceReplayServer(Builder b) {
        this.recordings = List.copyOf(b.recordings);
        this.host = b.host;
        this.requestedPort = b.port;
        this.requestedRestPort = b.restPort;
        this.speed = b.speed;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.startOnFirstConnection = b.startOnFirstConnection;
        this.closeWhenDone = b.closeWhenDone;
        this.faults = new FaultInjector(sessions);
        this.withholder = new Withholder(b.withheld);
        this.timeline = new Timeline(recordings, speed, sessions, b.startAfterConnections,
                b.shiftTimes ? new TimeShift(System::currentTimeMillis) : null, () -> {
                    if (closeWhenDone) {
                        closeAllConnections(CloseFrame.NORMAL, "replay finished");
                    }
                }, withholder);
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
        endpoint = new StreamEndpoint(new InetSocketAddress(host, requestedPort), sessions, timeline, faults,
                connectionsOpened, closeWhenDone);
        endpoint.start();
        try {
            if (!endpoint.awaitBound(10, TimeUnit.SECONDS)) {
                close();
                throw new IllegalStateException("WebSocket server did not start listening on " + host + ":"
                        + requestedPort + " within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting", e);
        }
        Exception bindError = endpoint.bindError();
        if (bindError != null) {
            close();
            throw new IOException("cannot listen on " + host + ":" + requestedPort + ": " + bindError, bindError);
        }
        boundPort = endpoint.getPort();
        heartbeat = new Heartbeat(sessions, faults, pingInterval, pongTimeout);
        try {
            rest = new RestEndpoints(host, requestedRestPort, recordings, timeline::position);
        } catch (IOException e) {
            close();
            throw new IOException("cannot listen for REST on " + host + ":" + requestedRestPort + ": " + e, e);
        }

        replayThread = new Thread(timeline, "binance-replay");
        replayThread.setDaemon(true);
        replayThread.start();
        long awaited = timeline.awaitedConnections();
        if (!startOnFirstConnection) {
            timeline.startNow();
        }
        log.info("Binance replay listening on {}, REST on {} ({} recording file(s), speed {}, ping every {} ms, pong"
                        + " timeout {} ms, timeline starts {})", baseUri(), restBaseUri(), recordings.size(),
                Timeline.speedText(speed),
                pingInterval.toMillis(), pongTimeout.toMillis(), !startOnFirstConnection ? "now" : awaited == 1
                        ? "at the first connection" : "when " + awaited + " connections are open");
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
        return URI.create("ws://" + hostInUri() + ":" + port());
    }

    private String hostInUri() {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /**
     * Waits until the replay thread has sent the whole recording (the last line passed to every subscribed
     * connection's outbound queue), at most {@code timeout}.
     *
     * @return {@code true} once the recording is finished; {@code false} on timeout, interruption or close before the end
     */
    public boolean awaitFinished(Duration timeout) {
        try {
            return timeline.awaitFinished(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the whole recording has been sent. */
    public boolean isFinished() {
        return timeline.isFinished();
    }

    /**
     * Recorded market-data messages sent, summed over connections (a message sent to three connections counts three).
     * Replies to requests are not counted.
     */
    public long messagesSent() {
        return timeline.messagesSent();
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
        return timeline.malformedLines();
    }

    /**
     * With {@link Builder#shiftTimes(boolean) shiftTimes}: the amount added to every exchange timestamp, ms (current
     * wall clock at the first timestamped message minus its recorded time); 0 before that message, or without the
     * shift.
     */
    public long timeShiftMillis() {
        return timeline.timeShiftMillis();
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
        timeline.stop();
        if (endpoint != null) {
            endpoint.stopping();
        }
        Thread t = replayThread;
        if (t != null) {
            t.interrupt();
            LockSupport.unpark(t);
        }
        if (heartbeat != null) {
            heartbeat.stop();
        }
        if (rest != null) {
            rest.stop();
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
                    connectionsOpened.get(), timeline.messagesSent());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // REST: exchangeInfo, depth, aggTrades (RestEndpoints)

    /**
     * {@code http://<host>:<port>} of the REST side, which answers, in Binance's shapes, for spot ({@code /api/v3/}),
     * USD-M ({@code /fapi/v1/}) and COIN-M ({@code /dapi/v1/}):
     * <ul>
     *   <li>{@code GET exchangeInfo}: every symbol of the recordings, {@code TRADING} unless
     *       {@link #symbolStatus(String, String) set otherwise};</li>
     *   <li>{@code GET depth?symbol=X&limit=N}: the order book as the recording stands now: the recorded REST snapshot
     *       until the timeline passes it, then the book built from it and the diffs replayed so far (withheld ones
     *       included), {@code lastUpdateId} the last diff's {@code u};</li>
     *   <li>{@code GET aggTrades?symbol=X&fromId=N&limit=M} (or {@code startTime}/{@code endTime}): the recorded
     *       aggTrades replayed so far, withheld ones included.</li>
     * </ul>
     * Binance's errors for a bad symbol or parameter; details in {@code docs/DEVELOPING.md}. Only after
     * {@link #start()}.
     */
    public URI restBaseUri() {
        RestEndpoints r = rest;
        if (r == null) {
            throw new IllegalStateException("server not started");
        }
        return URI.create("http://" + hostInUri() + ":" + r.port());
    }

    /** The status exchangeInfo reports for {@code symbol} (upper case), e.g. {@code BREAK}; adds it if absent. */
    public void symbolStatus(String symbol, String status) {
        RestEndpoints r = rest;
        if (r == null) {
            throw new IllegalStateException("server not started");
        }
        r.symbolStatus(symbol, status);
    }

    /** REST requests answered (exchangeInfo, depth, aggTrades, errors included). */
    public long restRequests() {
        RestEndpoints r = rest;
        return r == null ? 0 : r.requests();
    }

    /**
     * Recorded messages withheld from every connection by {@link Builder#withhold(Withhold)} so far (each counted
     * once, however many connections were subscribed).
     */
    public long messagesWithheld() {
        return withholder.withheld();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fault injection (tests; FaultInjector). Each acts on the connections open at the call; later connections are
    // unaffected.

    /**
     * Cuts the TCP connection of every open client without a close frame (the client sees 1006), as a crashed
     * server or a broken network path does.
     *
     * @return how many connections were cut
     */
    public int injectAbruptClose() {
        return faults.abruptClose();
    }

    /**
     * Sends Binance's {@code serverShutdown} event to every open client, as {@code {"stream":"!serverShutdown",
     * "data":{"e":"serverShutdown","E":ms}}} ({@code combinedShape}) or {@code {"e":"serverShutdown","E":ms}}. The
     * connections stay open (Binance closes them some time later).
     *
     * @return how many connections were told
     */
    public int injectServerShutdown(boolean combinedShape) {
        return faults.serverShutdown(combinedShape);
    }

    /**
     * Sends {@code text} as one text frame to every open client, byte for byte (malformed JSON, unknown event
     * types or fields, anything).
     *
     * @return how many connections got it
     */
    public int injectRaw(String text) {
        return faults.raw(text);
    }

    /**
     * Stalls every open connection for {@code duration}: the socket stays open and answers pings, but gets no data
     * and no pings (the messages of that time are lost to it, as on a live exchange).
     *
     * @return how many connections stall
     */
    public int stall(Duration duration) {
        return faults.stall(duration);
    }

    /** The heartbeat stops sending pings (and so never drops a client for a missing pong) until the server closes. */
    public void stopPings() {
        faults.stopPings();
    }

    /**
     * Refuses the next {@code count} WebSocket upgrades with HTTP {@code status} (429 or 418 as Binance) and a
     * {@code Retry-After} header of {@code retryAfter} rounded to seconds (none when null).
     */
    public void refuseUpgrades(int status, Duration retryAfter, int count) {
        faults.refuseUpgrades(status, retryAfter, count);
    }

    /** WebSocket upgrade requests received (accepted, refused or failed) since start. */
    public long upgradeRequests() {
        return faults.upgradeRequests();
    }

    /** Upgrades refused by {@link #refuseUpgrades}. */
    public long upgradesRefused() {
        return faults.upgradesRefused();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Used by BinanceReplayMain (--exit-when-done) and tests

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
        return timeline.backlogWaits();
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

    private static boolean awaitCondition(Duration timeout, BooleanSupplier condition) {
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

    /**
     * Configures a {@link BinanceReplayServer}. Not thread-safe; use from one thread, then {@link #build()}.
     */
    public static final class Builder {
        private final List<Path> recordings = new ArrayList<>();
        private String host = "127.0.0.1";
        private int port;
        private int restPort;
        private double speed = 1.0;
        private Duration pingInterval = Duration.ofSeconds(20);
        private Duration pongTimeout = Duration.ofSeconds(60);
        private boolean startOnFirstConnection = true;
        private int startAfterConnections = 1;
        private boolean closeWhenDone;
        private boolean shiftTimes;
        private final List<Withhold> withheld = new ArrayList<>();

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

        /** TCP port of the REST side ({@link BinanceReplayServer#restBaseUri()}); default 0, an ephemeral port. */
        public Builder restPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("restPort must be 0..65535, got " + port);
            }
            this.restPort = port;
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
         * {@code true}: every exchange timestamp ({@code E}, {@code T}, a kline's {@code t}/{@code T}, a
         * 24hrTicker's {@code O}/{@code C}, a forceOrder's {@code o.T}) moves by one constant so that the first
         * message carrying one gets the current wall-clock time, ms (see {@link BinanceReplayServer#timeShiftMillis()}); the intervals
         * between timestamps stay as recorded, so at speed 1 they track the wall clock. {@code false} (default): the
         * recorded bytes, unchanged.
         */
        public Builder shiftTimes(boolean shiftTimes) {
            this.shiftTimes = shiftTimes;
            return this;
        }

        /**
         * Withholds one recorded message from every WebSocket connection (an exchange-side loss: a depth diff, a
         * trade or an aggTrade that never arrives) while the REST endpoints still answer with the whole recording,
         * so that a client must detect the break or id gap and repair it from REST. Repeatable; see
         * {@link Withhold}. Counted by {@link BinanceReplayServer#messagesWithheld()}; one that matches nothing is
         * logged when the recording ends.
         */
        public Builder withhold(Withhold message) {
            withheld.add(Objects.requireNonNull(message, "message"));
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
