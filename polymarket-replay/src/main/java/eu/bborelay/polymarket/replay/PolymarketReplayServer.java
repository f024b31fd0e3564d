package eu.bborelay.polymarket.replay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local WebSocket server speaking Polymarket's CLOB market channel ({@code /ws/market}) that replays recorded
 * messages (the {@code shared/data/polymarket} files) and scripted ones, with faults on command. For tests and the
 * demo.
 *
 * <pre>{@code
 * try (PolymarketReplayServer server = PolymarketReplayServer.builder()
 *         .recording(Recording.read(file, true))
 *         .build()) {
 *     server.start();
 *     ... point a PolymarketClient at server.uri(), then server.awaitFinished(Duration.ofSeconds(30)) ...
 * }
 * }</pre>
 *
 * <p><b>Protocol</b>, as the real channel: the client's first message must be a subscription
 * {@code {"assets_ids":[...],"type":"market"}} (any case of {@code market}; {@code custom_feature_enabled} is
 * accepted); anything else, including a {@code PING} before it, gets close 1008 {@code invalid subscription payload}.
 * After it, the text {@code PING} is answered {@code PONG}, and {@code {"assets_ids":[...],"operation":
 * "subscribe"|"unsubscribe"}} changes the connection's assets. On every subscription the server sends, in one
 * JSON-array frame, a {@code book} snapshot of each newly subscribed asset it has a book of (its book is kept from the
 * timeline: the recorded text when unchanged, else rebuilt, without {@code hash}); disable with
 * {@link Builder#snapshotOnSubscribe(boolean)}. Other paths are refused at the handshake.
 *
 * <p><b>Timeline.</b> One replay thread sends the recording's messages in order, each to every connection subscribed
 * to one of its assets at that moment, paced by the recorded {@code timestamp}s divided by the
 * {@link Builder#speed speed} (0: as fast as possible) or at a fixed {@link Builder#rate rate};
 * {@link Builder#loop(boolean) loop} repeats it with the timestamps moved on each round. It starts at the first
 * subscription, or at {@link #play()} when {@link Builder#autoPlay(boolean) autoPlay} is off. While the server is
 * {@link #stall(boolean) stalled}, every send waits (the calling thread blocks), as a link that stopped moving.
 *
 * <p><b>Faults</b>: {@link #dropConnections()}, {@link #stall(boolean)}, {@link #sendMalformed()},
 * {@link #sendUnsubscribedPriceChange()}, and {@link #broadcast(String)} of any scripted text.
 *
 * <p><b>Threads.</b> All public methods are thread-safe. Java-WebSocket's selector and worker threads and one replay
 * thread, all daemon threads, stopped by {@link #close()}.
 *
 * <p>Size: about 640 lines: the WebSocket server, the subscription protocol and the fault commands of a test
 * server; the recording, the server's own book and the client requests are their own classes.
 */
public final class PolymarketReplayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolymarketReplayServer.class);
    /** The close reason Polymarket gives for a PING or a message before a valid subscription. */
    public static final String INVALID_SUBSCRIPTION = "invalid subscription payload";
    /** A price_change whose asset no test subscribes to. */
    public static final String UNSUBSCRIBED_ASSET_ID = "1111111111111111111111111111111111111111111111111111111111";

    private final Recording recording;
    private final String host;
    private final int requestedPort;
    private final double speed;
    private final boolean autoPlay;
    private final boolean snapshotOnSubscribe;
    private final double rate;
    private final boolean loop;

    /** Guards the books, the sessions' assets and the order of sends. */
    private final Object lock = new Object();
    private final Map<String, ServerBook> books = new HashMap<>();
    private final CopyOnWriteArrayList<Session> sessions = new CopyOnWriteArrayList<>();
    private final CountDownLatch bound = new CountDownLatch(1);
    private final CountDownLatch playSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong pongs = new AtomicLong();
    private final AtomicLong invalidSubscriptionCloses = new AtomicLong();
    private final AtomicLong messagesSent = new AtomicLong();
    private volatile boolean stalled;
    private volatile Exception bindError;
    private volatile Endpoint endpoint;
    private volatile Thread replayThread;
    private volatile int position;

    private PolymarketReplayServer(Builder b) {
        this.recording = b.recording;
        this.host = b.host;
        this.requestedPort = b.port;
        this.speed = b.speed;
        this.autoPlay = b.autoPlay;
        this.snapshotOnSubscribe = b.snapshotOnSubscribe;
        this.rate = b.rate;
        this.loop = b.loop;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts the server; returns once it accepts connections. Call once.
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public void start() throws IOException {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("start() already called or server closed");
        }
        endpoint = new Endpoint(new InetSocketAddress(host, requestedPort));
        endpoint.setReuseAddr(true);
        endpoint.setTcpNoDelay(true);
        endpoint.setConnectionLostTimeout(0);
        endpoint.setDaemon(true);
        endpoint.start();
        try {
            if (!bound.await(10, TimeUnit.SECONDS)) {
                close();
                throw new IllegalStateException("server did not start listening within 10 s");
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
        replayThread = new Thread(this::replay, "polymarket-replay");
        replayThread.setDaemon(true);
        replayThread.start();
    }

    /** The bound port. */
    public int port() {
        return endpoint.getPort();
    }

    /** {@code ws://host:port/ws/market}. */
    public URI uri() {
        return URI.create("ws://" + host + ":" + port() + "/ws/market");
    }

    /** Starts the timeline now (needed when autoPlay is off; harmless otherwise). */
    public void play() {
        playSignal.countDown();
    }

    /** Waits until the timeline has sent its last message; true if it did within {@code timeout}. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Timeline messages sent so far (the index of the next one). */
    public int position() {
        return position;
    }

    // ------------------------------------------------------------------------------------------- faults

    /** Drops every connection abruptly: no close frame, the client sees 1006. */
    public void dropConnections() {
        for (Session s : sessions) {
            log.info("Dropping connection {} (injected)", s);
            s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "connection dropped (injected)");
        }
    }

    /**
     * Stalls (true) or resumes (false) the server: while stalled nothing is sent (the timeline waits) and PINGs are
     * not answered, as a link that went dead without closing.
     */
    public void stall(boolean stall) {
        stalled = stall;
        log.info(stall ? "Stalled (injected): sending nothing, not answering PING" : "Resumed");
    }

    /** Sends a frame that is not valid JSON (a truncated price_change) to every subscribed connection. */
    public void sendMalformed() {
        broadcast("{\"market\":\"0x00\",\"price_changes\":[{\"asset_id\":\"1\",\"price\":\"0.5\"");
    }

    /** Sends every subscribed connection a price_change for {@link #UNSUBSCRIBED_ASSET_ID}, which none subscribed. */
    public void sendUnsubscribedPriceChange() {
        broadcast("{\"market\":\"0x00\",\"price_changes\":[{\"asset_id\":\"" + UNSUBSCRIBED_ASSET_ID
                + "\",\"price\":\"0.5\",\"size\":\"10\",\"side\":\"BUY\",\"hash\":\"00\",\"best_bid\":\"0.5\","
                + "\"best_ask\":\"0.6\"}],\"timestamp\":\"1790658674035\",\"event_type\":\"price_change\"}");
    }

    /**
     * Sends a text as it is to every connection that has subscribed (whatever its assets); a {@code book} or
     * {@code price_change} in it also updates the server's books.
     */
    public void broadcast(String text) {
        synchronized (lock) {
            applyToBooks(text);
            for (Session s : sessions) {
                if (s.subscribed) {
                    send(s, text);
                }
            }
        }
    }

    /** Sends each subscribed connection a snapshot of each of its assets the server has a book of. */
    public void sendSnapshots() {
        synchronized (lock) {
            for (Session s : sessions) {
                if (s.subscribed) {
                    sendSnapshots(s, s.assets);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- counters

    /** WebSocket connections opened. */
    public long connectionsOpened() { return connectionsOpened.get(); }
    /** Valid initial subscriptions received. */
    public long subscriptions() { return subscriptions.get(); }
    /** Run-time subscribe/unsubscribe operations received. */
    public long operations() { return operations.get(); }
    /** PONGs sent. */
    public long pongs() { return pongs.get(); }
    /** Connections closed with 1008 for a PING or a message before a valid subscription. */
    public long invalidSubscriptionCloses() { return invalidSubscriptionCloses.get(); }
    /** Frames sent (timeline, snapshots, broadcasts). */
    public long messagesSent() { return messagesSent.get(); }

    /** The assets each open connection is subscribed to. */
    public List<Set<String>> subscribedAssets() {
        List<Set<String>> out = new ArrayList<>();
        synchronized (lock) {
            for (Session s : sessions) {
                out.add(Set.copyOf(s.assets));
            }
        }
        return out;
    }

    /** The server's current book of an asset as a {@code book} message, or null when it has none. */
    public String snapshotOf(String assetId) {
        synchronized (lock) {
            ServerBook b = books.get(assetId);
            return b == null || b.empty() ? null : b.snapshotJson();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        playSignal.countDown();
        Thread t = replayThread;
        if (t != null) {
            t.interrupt();
        }
        Endpoint e = endpoint;
        if (e != null) {
            try {
                e.stop(1000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------- internals

    private void replay() {
        try {
            playSignal.await();
            long periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
            long next = System.nanoTime();
            int rounds = 0;
            long firstTs = Long.MAX_VALUE;
            long lastTs = 0;
            for (Recording.Message m : recording.messages()) {
                if (m.timestampMillis() > 0) {
                    firstTs = Math.min(firstTs, m.timestampMillis());
                    lastTs = Math.max(lastTs, m.timestampMillis());
                }
            }
            // each repetition moves the timestamps on by the recording's span + 1 s, so they keep increasing
            long shiftPerRound = lastTs >= firstTs ? lastTs - firstTs + 1000 : 0;
            do {
                long shift = rounds * shiftPerRound;
                long prevTs = 0;
                for (Recording.Message m : recording.messages()) {
                    if (closed.get()) {
                        return;
                    }
                    if (periodNanos > 0) {
                        next += periodNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    } else if (speed > 0 && prevTs > 0 && m.timestampMillis() > prevTs) {
                        long nanos = (long) ((m.timestampMillis() - prevTs) * 1_000_000L / speed);
                        TimeUnit.NANOSECONDS.sleep(Math.min(nanos, TimeUnit.SECONDS.toNanos(60)));
                    }
                    if (m.timestampMillis() > 0) {
                        prevTs = m.timestampMillis();
                    }
                    while (stalled && !closed.get()) {
                        Thread.sleep(5);
                    }
                    String text = shift == 0 ? m.text() : shiftTimestamps(m.text(), shift);
                    synchronized (lock) {
                        applyToBooks(text);
                        for (Session s : sessions) {
                            if (s.subscribed && concerns(s, m)) {
                                send(s, text);
                            }
                        }
                        position++;
                    }
                }
                rounds++;
            } while (loop && !closed.get() && !recording.messages().isEmpty());
            log.info("Replay finished: {} messages", recording.messages().size() * rounds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private static final java.util.regex.Pattern TIMESTAMP =
            java.util.regex.Pattern.compile("\"timestamp\":\"(\\d+)\"");

    /** The text with every {@code "timestamp":"<ms>"} moved on by {@code shiftMillis}. */
    static String shiftTimestamps(String text, long shiftMillis) {
        return TIMESTAMP.matcher(text).replaceAll(r -> "\"timestamp\":\""
                + (Long.parseLong(r.group(1)) + shiftMillis) + "\"");
    }

    private static boolean concerns(Session s, Recording.Message m) {
        for (String a : m.assetIds()) {
            if (s.assets.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Under {@link #lock}. */
    private void applyToBooks(String text) {
        List<ServerBook.Event> events;
        try {
            events = ServerBook.events(text);
        } catch (IOException | RuntimeException e) {
            return; // malformed on purpose: nothing to apply
        }
        for (ServerBook.Event e : events) {
            if (e.type().equals("book") && e.assetId() != null) {
                books.computeIfAbsent(e.assetId(), ServerBook::new).apply(e, text);
            } else if (e.type().equals("price_change")) {
                for (ServerBook.Change c : e.changes()) {
                    ServerBook b = books.get(c.assetId());
                    if (b != null) {
                        b.apply(new ServerBook.Event("price_change", null, e.market(), e.timestampMillis(),
                                List.of(), List.of(), List.of(c)), text);
                    }
                }
            }
        }
    }

    /** Under {@link #lock}. */
    private void sendSnapshots(Session s, Set<String> assets) {
        StringBuilder frame = new StringBuilder("[");
        int n = 0;
        for (String a : assets) {
            ServerBook b = books.get(a);
            if (b != null && !b.empty()) {
                frame.append(n++ == 0 ? "" : ",").append(b.snapshotJson());
            }
        }
        if (n > 0) {
            send(s, frame.append(']').toString());
        }
    }

    private void send(Session s, String text) {
        while (stalled && !closed.get()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            s.conn.send(text);
            messagesSent.incrementAndGet();
        } catch (WebsocketNotConnectedException e) {
            // closed meanwhile
        }
    }

    private void onText(Session s, String text) {
        if (text.equals("PING")) {
            if (!s.subscribed) {
                refuse(s, "PING before subscribing");
            } else if (!stalled) {
                s.conn.send("PONG");
                pongs.incrementAndGet();
            }
            return;
        }
        ClientRequest request;
        try {
            request = ClientRequest.parse(text);
        } catch (IOException e) {
            refuse(s, "unparseable message: " + e.getMessage());
            return;
        }
        List<String> ids = request.assetIds();
        String operation = request.operation();
        synchronized (lock) {
            if (operation != null && s.subscribed) {
                operations.incrementAndGet();
                if (operation.equalsIgnoreCase("subscribe")) {
                    Set<String> added = new LinkedHashSet<>(ids);
                    added.removeAll(s.assets);
                    s.assets.addAll(added);
                    if (snapshotOnSubscribe) {
                        sendSnapshots(s, added);
                    }
                } else if (operation.equalsIgnoreCase("unsubscribe")) {
                    ids.forEach(s.assets::remove);
                } else {
                    refuse(s, "unknown operation " + operation);
                }
                log.info("Client {} {}d {}", s, operation.toLowerCase(java.util.Locale.ROOT), ids);
                return;
            }
            if (!request.isMarketSubscription() || s.subscribed) {
                refuse(s, "not a market subscription: " + text);
                return;
            }
            s.assets.addAll(ids);
            s.subscribed = true;
            subscriptions.incrementAndGet();
            log.info("Client {} subscribed to {}", s, ids);
            if (snapshotOnSubscribe) {
                sendSnapshots(s, s.assets);
            }
        }
        if (autoPlay) {
            playSignal.countDown();
        }
    }

    private void refuse(Session s, String why) {
        invalidSubscriptionCloses.incrementAndGet();
        log.info("Closing {} with 1008: {}", s, why);
        s.conn.close(CloseFrame.POLICY_VALIDATION, INVALID_SUBSCRIPTION);
    }

    private static final class Session {
        final WebSocket conn;
        final String label;
        /** Guarded by the server's lock. */
        final Set<String> assets = new LinkedHashSet<>();
        volatile boolean subscribed;

        Session(WebSocket conn, String label) {
            this.conn = conn;
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final class Endpoint extends WebSocketServer {
        Endpoint(InetSocketAddress address) {
            super(address);
        }

        @Override
        public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
                ClientHandshake request) throws InvalidDataException {
            String path = request.getResourceDescriptor();
            int q = path.indexOf('?');
            if (!(q < 0 ? path : path.substring(0, q)).equals("/ws/market")) {
                throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "unknown path " + path);
            }
            return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
        }

        @Override
        public void onStart() {
            bound.countDown();
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            Session s = new Session(conn, "#" + connectionsOpened.incrementAndGet() + " "
                    + conn.getRemoteSocketAddress());
            conn.setAttachment(s);
            sessions.add(s);
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
            Session s = conn.getAttachment();
            if (s != null) {
                sessions.remove(s);
                log.info("Client {} disconnected (code {} {})", s, code, reason);
            }
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            Session s = conn.getAttachment();
            if (s != null) {
                onText(s, message);
            }
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
            if (conn == null) {
                bindError = ex;
                bound.countDown();
            } else {
                Session s = conn.getAttachment();
                log.debug("WebSocket error on {}", s, ex);
            }
        }
    }

    /** Settings; defaults on the setters. */
    public static final class Builder {
        private Recording recording;
        private String host = "127.0.0.1";
        private int port;
        private double speed;
        private boolean autoPlay = true;
        private boolean snapshotOnSubscribe = true;
        private double rate;
        private boolean loop;

        private Builder() {
            try {
                recording = Recording.of(List.of());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The timeline (default empty: scripted messages only, through {@link #broadcast}). */
        public Builder recording(Recording r) {
            this.recording = r;
            return this;
        }

        /** Bind address; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Port; default 0 (any free port, see {@link #port()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Replay speed relative to the recorded timestamps; 0 (default) is as fast as possible. */
        public Builder speed(double speed) {
            if (speed < 0 || Double.isNaN(speed)) {
                throw new IllegalArgumentException("speed must be >= 0, got " + speed);
            }
            this.speed = speed;
            return this;
        }

        /**
         * Send the timeline at a fixed rate, messages per second, ignoring the recorded timestamps; 0 (default):
         * paced by {@link #speed}.
         */
        public Builder rate(double messagesPerSecond) {
            if (messagesPerSecond < 0 || Double.isNaN(messagesPerSecond)) {
                throw new IllegalArgumentException("rate must be >= 0, got " + messagesPerSecond);
            }
            this.rate = messagesPerSecond;
            return this;
        }

        /** Repeat the timeline until closed (for load and CPU measurements); default false. */
        public Builder loop(boolean loop) {
            this.loop = loop;
            return this;
        }

        /** Start the timeline at the first subscription (default true); otherwise at {@link #play()}. */
        public Builder autoPlay(boolean autoPlay) {
            this.autoPlay = autoPlay;
            return this;
        }

        /** Send book snapshots on every subscription (default true, as Polymarket does). */
        public Builder snapshotOnSubscribe(boolean on) {
            this.snapshotOnSubscribe = on;
            return this;
        }

        public PolymarketReplayServer build() {
            return new PolymarketReplayServer(this);
        }
    }
}
