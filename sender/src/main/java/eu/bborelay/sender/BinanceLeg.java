package eu.bborelay.sender;

import eu.bborelay.binance.Backoff;
import eu.bborelay.binance.ConnectionBudget;
import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import eu.bborelay.binance.BinanceStreamClient;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Binance leg: the combined bookTicker stream over WebSocket, reconnected with backoff independently of the
 * receiver leg, and <b>rolled over make-before-break</b>: before Binance's 24 h limit, on a {@code serverShutdown}
 * event, when a symbol went stale or when the transport went silent, a second connection is opened; the old one is
 * closed once the new one has delivered an update of every stream and the old one has caught up with it (or after
 * a timeout). {@link QuoteIngest} drops
 * the updates both connections carried by Binance's update id, so a rollover costs no update and repeats none.
 *
 * <p><b>Threads and the single producer.</b> Java-WebSocket calls {@link StreamClient} on each connection's own
 * read thread. Exactly one connection is the <em>owner</em>: its read thread calls {@link QuoteIngest} directly,
 * with no lock (a volatile read of its {@code owner} flag is all it adds). Any other open connection (the new one
 * of a rollover, or a reconnect while the previous read thread is still ending) appends its messages to its own
 * buffer under its monitor. The scheduler makes it the owner only after the previous owner's read thread has
 * terminated ({@link Thread#isAlive()} false: a happens-before edge): under the new connection's monitor it feeds
 * the buffer through the ingest (duplicates dropped by update id), then sets {@code owner}. From then on the new
 * read thread calls the ingest without a lock. Java-WebSocket forbids {@code reconnect()} from its own threads, so
 * every attempt, the watchdogs and the hand-over run on the sender's single-thread scheduler; each attempt uses a
 * new client. Attempts go through a {@link ConnectionBudget}.
 *
 * <p><b>Shards.</b> Binance caps the streams of one connection; a sender with more symbols runs one leg per shard
 * of its symbols, each with its own connections, rollovers and watchdog, sharing the scheduler thread and the
 * attempt budget (Binance counts attempts per IP). Each leg is the single producer for its own symbols.
 *
 * <p>The rollover's state (which connection is the new one, why, how many completed) and its overlap rule are
 * {@link Rollover}; the WebSocket client, Retry-After and the trades' overlap bookkeeping are their own classes
 * ({@code eu.bborelay.binance.BinanceStreamClient}, {@code UpgradeRefusal}, {@link TradeOverlap}). This class keeps
 * the reconnects, the scheduling of the rollover's steps and the owner hand-over between two connections, and
 * reports when its symbols had no connection ({@link FeedOutages}). About 610 lines, 40 % javadoc and comments on
 * the threading; the next seam, if it grows: the owner hand-over (buffer, drain, flag) into a class of its own.
 */
final class BinanceLeg implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinanceLeg.class);
    /** An attempt that has not completed the WebSocket handshake after this long is abandoned. */
    static final long OPEN_TIMEOUT_MILLIS = 20_000;
    /** How often the hand-over looks again whether the old read thread has ended. */
    private static final long HANDOVER_POLL_MILLIS = 20;

    private final String name;
    private final URI uri;
    private final QuoteIngest ingest;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final BinanceLegSettings settings;
    private final ConnectionBudget budget;
    private final List<String> streamSymbols;
    /** Where spans without a connection for this leg's symbols are noted; set before {@link #start()}. */
    private FeedOutages outages = new FeedOutages();
    /** Whether this leg's streams include trades or aggregate trades. */
    private final boolean trades;
    /** Whether this leg's streams include bookTicker (all but USD-M's aggTrade-only connection). */
    private final boolean bookTickers;
    /** The ingest's index of each of {@link #streamSymbols}. */
    private final int[] symbolIndexes;
    /** The connection that is (or is about to become) the owner; gets reconnect handling. */
    private volatile StreamClient current;
    /** The rollover in progress, if any, and the rollovers completed; scheduler thread writes. */
    private final Rollover<StreamClient> rollover = new Rollover<>();
    private volatile boolean closed;
    private volatile long reconnects;
    private volatile long attempts;
    private boolean everConnected; // under this monitor: set in onOpen, on the opening connection's read thread
    private int consecutiveFailures; // scheduler thread
    private String lastFailure = "";
    private long retryNotBeforeNanos; // scheduler thread: Retry-After of a 429/418
    private boolean budgetWarned; // scheduler thread

    /**
     * @param name what the log lines call this leg: {@code Binance}, or {@code Binance shard 2/3}
     * @param uri the combined-stream URI of exactly {@code symbols}
     * @param budget connection attempts, shared by every leg of the sender
     * @param symbols upper-case symbols of the streams, each known to the ingest (for stale-stream checks and to
     *                know when a new connection has delivered every stream)
     * @param streams the kinds the URI subscribes: with trade or aggTrade streams each connection parses them and a
     *                rollover also waits for their overlap ({@link TradeOverlap}); without bookTicker (USD-M's
     *                aggTrade connection) a rollover does not wait for an update of every stream, and symbols are
     *                not checked for staleness (their quotes come on another connection)
     */
    BinanceLeg(String name, URI uri, QuoteIngest ingest, ScheduledExecutorService scheduler, Backoff backoff,
               BinanceLegSettings settings, ConnectionBudget budget, List<String> symbols, StreamSelection streams) {
        this.trades = streams.kinds().contains(StreamKind.TRADE) || streams.kinds().contains(StreamKind.AGG_TRADE);
        this.bookTickers = streams.kinds().contains(StreamKind.BOOK_TICKER);
        this.name = name;
        this.uri = uri;
        this.ingest = ingest;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.settings = settings;
        this.budget = budget;
        this.streamSymbols = List.copyOf(symbols);
        this.symbolIndexes = new int[streamSymbols.size()];
        for (int i = 0; i < symbolIndexes.length; i++) {
            symbolIndexes[i] = ingest.symbolIndex(streamSymbols.get(i));
            if (symbolIndexes[i] < 0) {
                throw new IllegalArgumentException(streamSymbols.get(i) + " is not a symbol of the ingest");
            }
        }
    }

    /** Before {@link #start()}: the sender's feed outages (one for all legs). */
    void outages(FeedOutages outages) {
        this.outages = outages;
    }

    /** Schedules the first connection attempt now and the watchdog. */
    void start() {
        scheduler.execute(() -> attempt(null));
        long tick = Math.max(50, Math.min(1_000, Math.min(settings.staleAfter().toMillis(),
                settings.silenceTimeout().toMillis()) / 4));
        scheduler.scheduleWithFixedDelay(this::watchdog, tick, tick, TimeUnit.MILLISECONDS);
    }

    boolean connected() {
        StreamClient c = current;
        return c != null && c.isOpen();
    }

    long reconnects() {
        return reconnects;
    }

    /** Rollovers completed (the new connection took over from the old one). */
    long rollovers() {
        return rollover.completed();
    }

    /** Connection attempts started (reconnects and rollovers), including the first. */
    long attempts() {
        return attempts;
    }

    /**
     * Closes the connections and stops reconnecting; waits up to a few seconds for each close. Call after the
     * scheduler has stopped running tasks, so no new attempt can start.
     */
    @Override
    public void close() {
        closed = true;
        closeAndWait(rollover.pending());
        closeAndWait(current);
    }

    private static void closeAndWait(StreamClient c) {
        if (c == null) {
            return;
        }
        c.close(); // WebSocket close handshake when open
        try {
            if (!c.awaitClosed(3, TimeUnit.SECONDS)) {
                c.abort(); // still connecting, or the server does not answer: cut the socket
                c.awaitClosed(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Scheduler thread

    /** One connection attempt with a new client; {@code previous} is the connection it replaces (or null). */
    private void attempt(StreamClient previous) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long wait = Math.max(retryNotBeforeNanos - now, budget.nanosUntilAvailable(now));
        if (wait > 0) {
            if (!budgetWarned) {
                budgetWarned = true;
                log.warn("{} connection attempts limited: next attempt in {} ms", name, TimeUnit.NANOSECONDS.toMillis(
                        wait));
            }
            scheduler.schedule(() -> attempt(previous), wait, TimeUnit.NANOSECONDS);
            return;
        }
        budgetWarned = false;
        budget.tryAcquire(now);
        attempts++;
        StreamClient c = new StreamClient(uri, this, previous == null);
        current = c;
        if (consecutiveFailures == 0) {
            log.info("Connecting to {} {}", name, uri);
        }
        c.connect();
        if (previous != null) {
            handOver(previous, c);
        }
        scheduler.schedule(() -> checkOpened(c), OPEN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Abandons an attempt stuck before the WebSocket handshake completed. */
    private void checkOpened(StreamClient c) {
        if (closed || (c != current && !rollover.isPending(c)) || c.opened() || c.closeReported()) {
            return;
        }
        log.warn("{} {} did not complete the WebSocket handshake within {} ms; abandoning the attempt", name, uri,
                OPEN_TIMEOUT_MILLIS);
        c.abort();
        // if even that does not produce onClose (the socket was not created yet), look again later
        scheduler.schedule(() -> checkOpened(c), OPEN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a make-before-break rollover of {@code c} unless one is running, {@code c} is no longer current, or
     * the budget is spent (then it tries again when an attempt is available).
     */
    private void startRollover(StreamClient c, String reason) {
        if (closed || c != current || rollover.inProgress() || !c.opened() || c.retiring) {
            return;
        }
        long now = System.nanoTime();
        long wait = Math.max(retryNotBeforeNanos - now, budget.nanosUntilAvailable(now));
        if (wait > 0) {
            log.warn("{} rollover ({}) postponed {} ms: connection attempts limited", name, reason,
                    TimeUnit.NANOSECONDS.toMillis(wait));
            scheduler.schedule(() -> startRollover(c, reason), wait, TimeUnit.NANOSECONDS);
            return;
        }
        budget.tryAcquire(now);
        attempts++;
        StreamClient n = new StreamClient(uri, this, false);
        rollover.begin(n, reason);
        log.info("{} rollover ({}): opening a second connection before closing the current one", name, reason);
        n.connect();
        scheduler.schedule(() -> checkOpened(n), OPEN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        // the overlap timeout starts when n opens (onOpen)
    }

    private void overlapTimedOut(StreamClient n) {
        if (!rollover.isPending(n) || closed) {
            return;
        }
        if (n.opened()) {
            completeRollover(n, "after " + settings.overlapTimeout().toMillis() + " ms without an update of every"
                    + " stream");
        }
        // not open: checkOpened abandons it, and its onClose retries
    }

    /**
     * The new connection has an update of every stream; it takes over once the old one has caught up with it
     * ({@link Rollover#oldCaughtUp}) and the trades overlap ({@link TradeOverlap}). Checked again every
     * {@value Rollover#OVERLAP_POLL_MILLIS} ms; the overlap timeout still bounds the wait.
     */
    private void completeWhenOverlapping(StreamClient n, long coveredAtNanos) {
        if (!rollover.isPending(n) || closed) {
            return;
        }
        synchronized (n) {
            if (!Rollover.oldCaughtUp(n.firstUpdateId, ingest::forwardedUpdateId, ingest::lastQuoteNanos,
                    System.nanoTime(), coveredAtNanos)
                    || (n.tradeOverlap != null && !n.tradeOverlap.overlaps(ingest))) { // trades: never waived
                scheduler.schedule(() -> completeWhenOverlapping(n, coveredAtNanos), Rollover.OVERLAP_POLL_MILLIS,
                        TimeUnit.MILLISECONDS);
                return;
            }
        }
        completeRollover(n, bookTickers ? "after an update of every stream on the new connection, overlapping the old"
                + " one" : "once the old connection forwarded every trade before the new one's first");
    }

    /** The new connection takes over: the old one is closed, and the hand-over waits for its read thread. */
    private void completeRollover(StreamClient n, String how) {
        if (closed) {
            return;
        }
        String reason = rollover.complete(n);
        if (reason == null) {
            return; // completed or failed already
        }
        StreamClient old = current;
        current = n;
        old.retiring = true;
        log.info("{} rollover ({}) complete {}: closing the old connection", name, reason, how);
        old.close();
        scheduler.schedule(() -> {
            if (!old.closeReported()) {
                old.abort(); // the server did not answer the close frame (or the socket is stalled)
            }
        }, 1, TimeUnit.SECONDS);
        handOver(old, n);
        if (n.opened()) {
            scheduleAgeRollover(n);
        }
    }

    /**
     * Makes {@code n} the owner once {@code old}'s read thread has terminated: drains what {@code n} buffered
     * meanwhile through the ingest (duplicates dropped) and sets its owner flag, under its monitor.
     */
    private void handOver(StreamClient old, StreamClient n) {
        if (old.readThreadAlive()) {
            if (closed) {
                return; // close() ends both connections; the ingest is closed after that
            }
            scheduler.schedule(() -> handOver(old, n), HANDOVER_POLL_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        synchronized (n) {
            long now = System.nanoTime();
            boolean shutdown = false;
            for (String text : n.buffer) {
                shutdown |= ingest.onMessage(text, now, n.parser, n.tradeParser, n.tradeScratch, false)
                        == BookTickerParser.Result.SERVER_SHUTDOWN;
            }
            n.buffer = null;
            n.owner = true;
            if (shutdown) {
                requestRollover(n, "serverShutdown announced");
            }
        }
    }

    private void scheduleAgeRollover(StreamClient c) {
        long age = System.nanoTime() - c.openedAtNanos();
        long delay = Math.max(0, settings.rolloverAfter().toNanos() - age);
        scheduler.schedule(() -> startRollover(c, "connection age " + settings.rolloverAfter().toMillis() + " ms"),
                delay, TimeUnit.NANOSECONDS);
    }

    /** Liveness: a silent transport or a stale stream on the current connection triggers a rollover. */
    private void watchdog() {
        try {
            StreamClient c = current;
            if (closed || c == null || !c.opened() || c.retiring || rollover.inProgress() || !c.isOpen()) {
                return;
            }
            long now = System.nanoTime();
            long silent = now - c.lastFrameNanos();
            if (silent > settings.silenceTimeout().toNanos()) {
                startRollover(c, "no frame for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms");
                return;
            }
            long stale = settings.staleAfter().toNanos();
            for (int i = 0; bookTickers && i < streamSymbols.size(); i++) {
                long last = ingest.lastQuoteNanos(symbolIndexes[i]); // 0: none yet; nanoTime may be negative
                long since = now - (last != 0 && last - c.openedAtNanos() > 0 ? last : c.openedAtNanos());
                if (since > stale) {
                    startRollover(c, "no update of " + streamSymbols.get(i) + " for "
                            + TimeUnit.NANOSECONDS.toMillis(since) + " ms");
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.error("{} watchdog failed", name, e);
        }
    }

    private void onOpenOnScheduler(StreamClient c) {
        if (closed) {
            return;
        }
        if (c == current && !c.retiring) {
            scheduleAgeRollover(c);
        } else if (rollover.isPending(c) && !bookTickers) { // no bookTicker to wait for: only the trades' overlap
            long openedAt = System.nanoTime();
            scheduler.schedule(() -> completeWhenOverlapping(c, openedAt), Rollover.IN_FLIGHT_GRACE_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void scheduleReconnect(StreamClient c, boolean wasOpen, long upForNanos, long closedAtMs, int code,
                                   String reason, boolean remote) {
        if (closed) {
            return;
        }
        String rolloverReason = rollover.fail(c);
        if (rolloverReason != null) {
            // the new connection of a rollover failed; the current one goes on, try again later
            long delay = Math.max(backoff.nextDelayMillis(), honourRefusal(c));
            log.warn("{} rollover connection failed ({}); the current connection stays, retrying in {} ms", name,
                    why(c, code, reason, remote), delay);
            StreamClient cur = current;
            scheduler.schedule(() -> startRollover(cur, rolloverReason), delay, TimeUnit.MILLISECONDS);
            return;
        }
        if (c != current) {
            return; // a retired connection
        }
        StreamClient p = rollover.pending();
        if (p != null) {
            // the old connection died during a rollover: the new one takes over now
            completeRollover(p, "early, the old connection closed (" + why(c, code, reason, remote) + ")");
            return;
        }
        if (wasOpen && upForNanos >= Backoff.STABLE_AFTER.toNanos()) {
            backoff.reset();
        }
        if (wasOpen) { // no connection for these symbols from now until the reconnect opens: a feed outage
            outages.down(streamSymbols, closedAtMs, eu.bborelay.common.FrameDescriptor.REASON_BINANCE_RECONNECT);
        }
        long delay = Math.max(backoff.nextDelayMillis(), honourRefusal(c));
        String why = why(c, code, reason, remote);
        if (wasOpen) {
            consecutiveFailures = 0;
            lastFailure = "";
            log.info("{} disconnected after {} ms ({}); reconnecting in {} ms", name,
                    TimeUnit.NANOSECONDS.toMillis(upForNanos), why, delay);
        } else {
            consecutiveFailures++;
            if (consecutiveFailures <= 3 || consecutiveFailures % 10 == 0 || !why.equals(lastFailure)) {
                log.warn("{} connection attempt {} failed ({}); retrying in {} ms{}", name, consecutiveFailures, why,
                        delay, consecutiveFailures == 3 ? " (repeats of this failure are logged every 10th attempt)"
                                : "");
            }
            lastFailure = why;
        }
        scheduler.schedule(() -> attempt(c), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * For an upgrade refused with 429 or 418: no attempt before its Retry-After (or, without one, the backoff
     * ceiling); returns that wait in ms, else 0.
     */
    private long honourRefusal(StreamClient c) {
        if (!c.refusal().rateLimited()) {
            return 0;
        }
        long retryAfterMillis = c.refusal().retryAfterMillis(backoff.ceilingMillis(Integer.MAX_VALUE));
        retryNotBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryAfterMillis);
        return retryAfterMillis;
    }

    private static String why(StreamClient c, int code, String reason, boolean remote) {
        String cause = c.refusal().status() > 0 ? c.refusal().describe()
                : c.error() == null ? "" : ", " + ReceiverLink.describe(c.error());
        return "code " + code + (reason == null || reason.isEmpty() ? "" : " '" + reason + "'")
                + (remote ? " from the server" : "") + cause;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // WebSocket threads

    /** Any thread: asks the scheduler to roll {@code c} over. */
    private void requestRollover(StreamClient c, String reason) {
        execute(() -> startRollover(c, reason));
    }

    private void execute(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            // the sender is stopping
        }
    }

    private void onOpen(StreamClient c, ServerHandshake handshake) {
        if (rollover.isPending(c)) {
            log.info("{} rollover connection open (HTTP {} {})", name, handshake.getHttpStatus(),
                    handshake.getHttpStatusMessage());
            try {
                scheduler.schedule(() -> overlapTimedOut(c), settings.overlapTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the sender is stopping
            }
            return;
        }
        if (c != current) {
            return;
        }
        synchronized (this) {
            if (everConnected) {
                reconnects++;
            }
            everConnected = true;
        }
        outages.up(streamSymbols, System.currentTimeMillis());
        log.info("Connected to {} {} (HTTP {} {})", name, uri, handshake.getHttpStatus(),
                handshake.getHttpStatusMessage());
        execute(() -> onOpenOnScheduler(c));
    }

    /** The read thread of a connection that is not (yet) the owner: buffer, and note which streams it covered. */
    private void buffered(StreamClient c, String text) {
        // c's monitor is held
        c.buffer.add(text);
        if (!rollover.isPending(c)) {
            return;
        }
        if (c.tradeOverlap != null && c.tradeOverlap.note(text, ingest)) {
            return;
        }
        int n = streamSymbols.size();
        if (c.firstUpdateId.size() < n) {
            if (c.parser.parse(text, c.scratch) == BookTickerParser.Result.QUOTE) {
                int i = ingest.symbolIndex(c.scratch.symbol());
                if (i >= 0) {
                    c.firstUpdateId.putIfAbsent(i, c.scratch.updateId());
                }
            }
            if (c.firstUpdateId.size() == n) {
                long coveredAt = System.nanoTime();
                execute(() -> completeWhenOverlapping(c, coveredAt));
            }
        } else if (c.buffer.size() == Rollover.MAX_BUFFERED) {
            execute(() -> completeRollover(c, "with " + Rollover.MAX_BUFFERED + " messages buffered"));
        }
    }

    private void onClose(StreamClient c, int code, String reason, boolean remote) {
        long closedAtMs = System.currentTimeMillis();
        boolean wasOpen = c.opened();
        long upForNanos = wasOpen ? System.nanoTime() - c.openedAtNanos() : 0;
        if (closed) {
            if (c == current) {
                log.info("{} connection closed", name);
            }
            return;
        }
        if (c.retiring) {
            log.info("{} old connection closed after {} ms (code {})", name,
                    TimeUnit.NANOSECONDS.toMillis(upForNanos), code);
            return;
        }
        execute(() -> scheduleReconnect(c, wasOpen, upForNanos, closedAtMs, code, reason, remote));
    }

    /**
     * The leg's connection: a {@link BinanceStreamClient} plus the leg's ownership and rollover state. While it is
     * the owner its read thread parses and hands over in {@link QuoteIngest}; before, it buffers. One instance per
     * connection attempt.
     */
    private static final class StreamClient extends BinanceStreamClient {
        private final BinanceLeg leg;
        /** True once this connection's read thread may call the ingest directly. */
        volatile boolean owner;
        /** Messages received before becoming the owner; guarded by this; null once owner. */
        List<String> buffer = new ArrayList<>();
        /**
         * Parses this connection's messages: for the ingest on its read thread while it is the owner; before that,
         * under this client's monitor, on its read thread (which streams it has covered) or on the scheduler (the
         * hand-over's drain). Never two threads at once.
         */
        final BookTickerParser parser = new BookTickerParser();
        /**
         * Per symbol index: the update id of the first update this connection received, while not the owner; its
         * keys are the streams it has covered. Guarded by this.
         */
        final java.util.Map<Integer, Long> firstUpdateId = new java.util.HashMap<>();
        final BookTicker scratch = new BookTicker();
        /** Parses this connection's trades (same threads as {@link #parser}); null when the leg has no trades. */
        final TradeParser tradeParser;
        /** The trade parser's reused instance (the ingest copies a trade into the trade queue). */
        final Trade tradeScratch = new Trade();
        /** The first trades received while not the owner; guarded by this; null when the leg has no trades. */
        final TradeOverlap tradeOverlap;
        volatile boolean retiring;

        StreamClient(URI uri, BinanceLeg leg, boolean owner) {
            super(uri);
            this.leg = leg;
            this.owner = owner;
            this.tradeParser = leg.trades ? new TradeParser() : null;
            this.tradeOverlap = leg.trades && !owner ? new TradeOverlap() : null;
            if (owner) {
                buffer = null;
            }
        }

        @Override
        protected void onOpened(ServerHandshake handshake) {
            leg.onOpen(this, handshake);
        }

        @Override
        protected void onText(String message, long now) {
            if (!owner) {
                synchronized (this) {
                    if (!owner) {
                        leg.buffered(this, message);
                        return;
                    }
                }
            }
            if (leg.ingest.onMessage(message, now, parser, tradeParser, tradeScratch, true)
                    == BookTickerParser.Result.SERVER_SHUTDOWN) {
                leg.requestRollover(this, "serverShutdown announced");
            }
        }

        @Override
        protected void onBinary() {
            if (owner) {
                leg.ingest.onBinaryMessage();
            }
        }

        @Override
        protected void onClosed(int code, String reason, boolean remote) {
            leg.onClose(this, code, reason, remote);
        }
    }
}
