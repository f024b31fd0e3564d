package eu.bborelay.polymarket;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of Polymarket's CLOB market channel ({@code wss://ws-subscriptions-clob.polymarket.com/ws/market}): keeps a
 * local L2 book per subscribed asset and calls a {@link MarketListener}. Embeddable (the trading executor) and used
 * by the collector.
 *
 * <pre>{@code
 * PolymarketClient client = PolymarketClient.builder()
 *         .assets(List.of("7667...", "5417..."))      // token ids (POLYMARKET_TOKENS)
 *         .listener(myListener)
 *         .build();
 * client.start();
 * BookSnapshot book = client.latest("7667...");      // any thread
 * }</pre>
 *
 * <p><b>Protocol</b> (docs.polymarket.com, market channel): after connecting it sends
 * {@code {"assets_ids":[...],"type":"market","custom_feature_enabled":true}}, then the text {@code PING} every
 * {@link Builder#pingInterval ping interval} (10 s; the server answers {@code PONG}). {@link #subscribe} and
 * {@link #unsubscribe} at run time send {@code {"assets_ids":[...],"operation":"subscribe"|"unsubscribe"}}. A
 * connection that received nothing (not even a {@code PONG}) for the {@link Builder#silenceTimeout silence timeout}
 * is dropped. Every lost connection is reconnected after an exponential backoff with jitter and resubscribed with
 * every current asset; the books are unsynced from the loss until each asset's snapshot arrives on the new
 * connection (the channel has no sequence numbers to resume from).
 *
 * <p><b>Threads.</b> One connection at a time; its Java-WebSocket read thread (renamed {@code polymarket-ws-<n>})
 * decodes the frames, applies them and calls the listener. One scheduler thread {@code polymarket-scheduler} sends
 * the pings, runs the watchdog and the reconnects. All are daemon threads, stopped by {@link #close()}. All public
 * methods are thread-safe.
 */
public final class PolymarketClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PolymarketClient.class);
    /** The production endpoint. */
    public static final URI DEFAULT_URI = URI.create("wss://ws-subscriptions-clob.polymarket.com/ws/market");
    /** Environment variable: the token ids to subscribe, separated by commas or white space. */
    public static final String ENV_TOKENS = "POLYMARKET_TOKENS";
    /** Environment variable: the market-channel URL (default {@link #DEFAULT_URI}). */
    public static final String ENV_URL = "POLYMARKET_WS_URL";
    /** A connection that stayed open this long resets the reconnect backoff. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(10);
    private static final AtomicInteger CONNECTION_IDS = new AtomicInteger();
    /** TCP connect timeout of an attempt, ms. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** Largest WebSocket frame accepted; a full book of a deep market is tens of KB. */
    static final int MAX_FRAME_BYTES = 16 << 20;

    private final URI uri;
    private final boolean customFeatures;
    private final long pingIntervalNanos;
    private final long silenceTimeoutNanos;
    private final long openTimeoutNanos;
    private final long reconnectMinMillis;
    private final long reconnectMaxMillis;
    private final PolymarketStats stats = new PolymarketStats();
    private final MarketChannelHandler handler;
    private final Object subscriptionLock = new Object();
    private final ScheduledExecutorService scheduler;
    private volatile Connection current;
    private volatile boolean started;
    private volatile boolean closed;
    private int backoffAttempt; // scheduler thread

    private PolymarketClient(Builder b) {
        this.uri = b.uri;
        this.customFeatures = b.customFeatures;
        this.pingIntervalNanos = b.pingInterval.toNanos();
        this.silenceTimeoutNanos = b.silenceTimeout.toNanos();
        this.openTimeoutNanos = b.openTimeout.toNanos();
        this.reconnectMinMillis = b.reconnectMin.toMillis();
        this.reconnectMaxMillis = b.reconnectMax.toMillis();
        this.handler = new MarketChannelHandler(b.listener, stats);
        List<AssetTable.Asset> initial = new ArrayList<>();
        for (String id : b.assets.keySet()) {
            initial.add(new AssetTable.Asset(id));
        }
        handler.assets(new AssetTable(initial));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "polymarket-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder with the defaults listed on its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts connecting (returns at once; the connection and the snapshots follow on the client's threads).
     *
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public void start() {
        if (closed || started) {
            throw new IllegalStateException(closed ? "client closed" : "start() already called");
        }
        started = true;
        long checkNanos = Math.max(1_000_000L, Math.min(1_000_000_000L, silenceTimeoutNanos / 4));
        scheduler.scheduleAtFixedRate(this::watchdog, checkNanos, checkNanos, TimeUnit.NANOSECONDS);
        scheduler.scheduleAtFixedRate(this::ping, pingIntervalNanos, pingIntervalNanos, TimeUnit.NANOSECONDS);
        execute(this::connect);
    }

    /**
     * Adds assets at run time: sends {@code {"assets_ids":[...],"operation":"subscribe"}} on the open connection
     * (or includes them in the subscription of the next one). Each new asset's book is unsynced until its snapshot.
     * Ids already subscribed are ignored.
     *
     * @param assetIds token ids (decimal digits)
     * @throws IllegalArgumentException when an id is empty or not all decimal digits (a typo; nothing is changed)
     */
    public void subscribe(Collection<String> assetIds) {
        List<String> ids = validate(assetIds);
        synchronized (subscriptionLock) {
            AssetTable table = handler.assets();
            List<AssetTable.Asset> next = new ArrayList<>(table.all());
            List<String> added = new ArrayList<>();
            for (String id : ids) {
                if (table.find(id) == null && !added.contains(id)) {
                    next.add(new AssetTable.Asset(id));
                    added.add(id);
                }
            }
            if (added.isEmpty()) {
                return;
            }
            handler.assets(new AssetTable(next));
            sendOperation(added, "subscribe");
        }
    }

    /**
     * Removes assets at run time: sends {@code {"assets_ids":[...],"operation":"unsubscribe"}}; their books are
     * dropped ({@link #latest} returns null) and later events for them are counted as unsubscribed. Unknown ids are
     * ignored.
     */
    public void unsubscribe(Collection<String> assetIds) {
        List<String> ids = validate(assetIds);
        synchronized (subscriptionLock) {
            AssetTable table = handler.assets();
            List<AssetTable.Asset> next = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            for (AssetTable.Asset a : table.all()) {
                if (ids.contains(a.id)) {
                    removed.add(a.id);
                } else {
                    next.add(a);
                }
            }
            if (removed.isEmpty()) {
                return;
            }
            handler.assets(new AssetTable(next));
            sendOperation(removed, "unsubscribe");
        }
    }

    private void sendOperation(List<String> ids, String operation) {
        Connection c = current;
        if (c != null && c.subscribed && c.isOpen()) {
            try {
                c.send(assetsJson(ids) + ",\"operation\":\"" + operation + "\"}");
            } catch (RuntimeException e) { // closing under us: the next connection subscribes the whole table
                log.debug("Polymarket {} not sent: {}", operation, e.toString());
            }
        }
    }

    /**
     * The latest book of an asset, as an immutable copy; callable from any thread, never blocks the read thread.
     *
     * @return null when the asset is not subscribed; otherwise a snapshot whose {@link BookView#synced()} says
     *         whether it may be quoted on
     */
    public BookSnapshot latest(String assetId) {
        AssetTable.Asset a = handler.assets().find(assetId);
        return a == null ? null : a.book.snapshot();
    }

    /** The subscribed asset ids, in subscription order. */
    public List<String> assets() {
        return handler.assets().ids();
    }

    /** True while a connection is open and subscribed. */
    public boolean connected() {
        Connection c = current;
        return c != null && c.subscribed && c.isOpen();
    }

    /** The counters. */
    public PolymarketStats stats() {
        return stats;
    }

    /** The market-channel URI this client connects to. */
    public URI uri() {
        return uri;
    }

    /** Closes the connection and stops the client's threads; idempotent. Waits at most about 2 s. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        Connection c = current;
        if (c != null) {
            c.close();
            try {
                if (!c.closedLatch.await(2, TimeUnit.SECONDS)) {
                    c.abort();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.abort();
            }
        }
    }

    // ------------------------------------------------------------------------------------ scheduler thread

    private void execute(Runnable r) {
        try {
            scheduler.execute(r);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        Connection c = new Connection(uri, CONNECTION_IDS.incrementAndGet());
        current = c;
        c.connect();
    }

    private void watchdog() {
        Connection c = current;
        if (c == null || closed) {
            return;
        }
        long now = System.nanoTime();
        if (c.opened) {
            long silent = now - c.lastFrameNanos;
            if (silent > silenceTimeoutNanos && !c.dropped) {
                c.dropped = true;
                stats.incrementShared(PolymarketStats.SILENCE_DROPS);
                log.warn("Polymarket connection #{} silent for {} ms (no message, no PONG): dropping it and"
                        + " reconnecting", c.id, TimeUnit.NANOSECONDS.toMillis(silent));
                c.abort();
            }
        } else if (now - c.createdNanos > openTimeoutNanos && !c.dropped && c.closedLatch.getCount() > 0) {
            c.dropped = true;
            log.warn("Polymarket connection #{} not open after {} ms: abandoning the attempt", c.id,
                    TimeUnit.NANOSECONDS.toMillis(openTimeoutNanos));
            c.abort();
            c.close();
        }
    }

    private void ping() {
        Connection c = current;
        if (c != null && c.subscribed && c.isOpen()) {
            try {
                c.send("PING");
                stats.increment(PolymarketStats.PINGS_SENT);
            } catch (RuntimeException e) {
                // closing; the reconnect follows
            }
        }
    }

    private void scheduleReconnect(Connection c, int code, String reason, Exception error) {
        if (closed) {
            return;
        }
        if (c.opened && System.nanoTime() - c.openedNanos >= STABLE_AFTER.toNanos()) {
            backoffAttempt = 0;
        }
        long ceiling = reconnectMinMillis;
        for (int i = 0; i < backoffAttempt && ceiling < reconnectMaxMillis; i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, reconnectMaxMillis);
        if (backoffAttempt < 62) {
            backoffAttempt++;
        }
        // equal jitter: [ceiling/2, ceiling], so clients that lost the link together spread out but never spin
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        stats.incrementShared(PolymarketStats.RECONNECTS);
        String why = error != null ? error.toString() : "code " + code + (reason == null || reason.isEmpty()
                ? "" : " " + reason);
        if (backoffAttempt <= 3 || backoffAttempt % 10 == 0) {
            log.warn("Polymarket connection #{} {} ({}); reconnecting in {} ms (attempt {})", c.id,
                    c.opened ? "lost" : "failed", why, delay, backoffAttempt);
        }
        try {
            scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private String subscriptionMessage(List<String> ids) {
        return assetsJson(ids) + ",\"type\":\"market\"" + (customFeatures ? ",\"custom_feature_enabled\":true" : "")
                + "}";
    }

    private static String assetsJson(List<String> ids) {
        StringBuilder sb = new StringBuilder("{\"assets_ids\":[");
        for (int i = 0; i < ids.size(); i++) {
            sb.append(i == 0 ? "\"" : ",\"").append(ids.get(i)).append('"');
        }
        return sb.append(']').toString();
    }

    static List<String> validate(Collection<String> ids) {
        Objects.requireNonNull(ids, "assetIds");
        List<String> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            if (id == null || id.isEmpty() || !id.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new IllegalArgumentException("not a Polymarket token id (asset_id): '" + id
                        + "'; token ids are decimal digits, e.g. the clobTokenIds of a market in the Gamma API");
            }
            out.add(id);
        }
        return out;
    }

    private static long epochNanosNow() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** One WebSocket connection (Java-WebSocket clients cannot be reused). */
    private final class Connection extends WebSocketClient {
        final int id;
        final long createdNanos = System.nanoTime();
        final CountDownLatch closedLatch = new CountDownLatch(1);
        volatile long lastFrameNanos = createdNanos;
        volatile long openedNanos;
        volatile boolean opened;
        volatile boolean subscribed;
        volatile boolean dropped;
        volatile Exception error;

        Connection(URI uri, int id) {
            super(uri, new Draft_6455(List.of(), MAX_FRAME_BYTES), null, CONNECT_TIMEOUT_MILLIS);
            this.id = id;
            setConnectionLostTimeout(0); // the silence watchdog and PING/PONG are ours
            setTcpNoDelay(true);
            setDaemon(true);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
            Thread.currentThread().setName("polymarket-ws-" + id);
            long now = System.nanoTime();
            lastFrameNanos = now;
            openedNanos = now;
            opened = true;
            stats.incrementShared(PolymarketStats.CONNECTS);
            handler.connected();
            int n;
            synchronized (subscriptionLock) {
                List<String> ids = handler.assets().ids();
                n = ids.size();
                send(subscriptionMessage(ids));
                subscribed = true;
            }
            log.info("Polymarket connection #{} open to {}, subscribed to {} asset(s)", id, uri, n);
        }

        @Override
        public void onMessage(String message) {
            lastFrameNanos = System.nanoTime();
            handler.onText(message, epochNanosNow());
        }

        @Override
        public void onMessage(ByteBuffer bytes) {
            lastFrameNanos = System.nanoTime();
            handler.onText(java.nio.charset.StandardCharsets.UTF_8.decode(bytes).toString(), epochNanosNow());
        }

        @Override
        public void onWebsocketPing(WebSocket conn, Framedata f) {
            lastFrameNanos = System.nanoTime();
            super.onWebsocketPing(conn, f);
        }

        @Override
        public void onWebsocketPong(WebSocket conn, Framedata f) {
            lastFrameNanos = System.nanoTime();
            super.onWebsocketPong(conn, f);
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            try {
                subscribed = false;
                if (current == this) {
                    handler.disconnected();
                    Exception e = error;
                    execute(() -> scheduleReconnect(this, code, reason, e));
                }
            } finally {
                closedLatch.countDown();
            }
        }

        @Override
        public void onError(Exception ex) {
            error = ex; // reported with the close that follows
            log.debug("Polymarket WebSocket error on connection #{}", id, ex);
        }

        /** Closes the TCP socket: the read thread fails and reports onClose. */
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

    /** Settings of a {@link PolymarketClient}. */
    public static final class Builder {
        private URI uri = DEFAULT_URI;
        private final Map<String, Boolean> assets = new LinkedHashMap<>();
        private MarketListener listener = new MarketListener() {
        };
        private boolean customFeatures = true;
        private Duration pingInterval = Duration.ofSeconds(10);
        private Duration silenceTimeout = Duration.ofSeconds(30);
        private Duration openTimeout = Duration.ofSeconds(20);
        private Duration reconnectMin = Duration.ofMillis(250);
        private Duration reconnectMax = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The market-channel URI (default {@link #DEFAULT_URI}); {@code ws://} or {@code wss://}. */
        public Builder uri(URI uri) {
            String scheme = Objects.requireNonNull(uri, "uri").getScheme();
            if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
                throw new IllegalArgumentException("Polymarket URL must be ws:// or wss://, got " + uri);
            }
            this.uri = uri;
            return this;
        }

        /** Token ids to subscribe at start (more can follow at run time); decimal digits each. */
        public Builder assets(Collection<String> ids) {
            for (String id : validate(ids)) {
                assets.put(id, Boolean.TRUE);
            }
            return this;
        }

        /** The listener (default: none). */
        public Builder listener(MarketListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Send {@code "custom_feature_enabled": true} (best_bid_ask, new_market, market_resolved); default true. */
        public Builder customFeatures(boolean enabled) {
            this.customFeatures = enabled;
            return this;
        }

        /** Interval of the {@code PING} text after subscribing; default 10 s, as Polymarket requires. */
        public Builder pingInterval(Duration d) {
            this.pingInterval = positive(d, "pingInterval");
            return this;
        }

        /** A connection that received nothing (no message, no PONG) this long is dropped; default 30 s. */
        public Builder silenceTimeout(Duration d) {
            this.silenceTimeout = positive(d, "silenceTimeout");
            return this;
        }

        /** An attempt that has not completed the WebSocket handshake after this long is abandoned; default 20 s. */
        public Builder openTimeout(Duration d) {
            this.openTimeout = positive(d, "openTimeout");
            return this;
        }

        /**
         * Reconnect backoff: the n-th consecutive retry waits a random time in [c/2, c] with
         * c = min(max, min * 2^n); reset after a connection stayed open 10 s. Defaults 250 ms and 30 s.
         */
        public Builder reconnectBackoff(Duration min, Duration max) {
            positive(min, "reconnect min");
            if (max.compareTo(min) < 0 || min.toMillis() < 1) {
                throw new IllegalArgumentException("reconnect backoff needs 1 ms <= min <= max, got " + min + ", "
                        + max);
            }
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /**
         * Reads {@value #ENV_TOKENS} (token ids separated by commas or white space) and {@value #ENV_URL} (the
         * market-channel URL) from an environment map such as {@link System#getenv()}; absent keys leave the
         * current values.
         *
         * @throws IllegalArgumentException naming the variable when a value is invalid
         */
        public Builder fromEnvironment(Map<String, String> env) {
            String url = env.get(ENV_URL);
            if (url != null && !url.isBlank()) {
                try {
                    uri(URI.create(url.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(ENV_URL + ": " + e.getMessage(), e);
                }
            }
            String tokens = env.get(ENV_TOKENS);
            if (tokens != null && !tokens.isBlank()) {
                List<String> ids = new ArrayList<>();
                for (String t : tokens.trim().split("[,\\s]+")) {
                    if (!t.isEmpty()) {
                        ids.add(t);
                    }
                }
                try {
                    assets(ids);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(ENV_TOKENS + ": " + e.getMessage(), e);
                }
            }
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        public PolymarketClient build() {
            return new PolymarketClient(this);
        }
    }
}
