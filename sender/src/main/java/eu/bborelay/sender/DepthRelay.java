package eu.bborelay.sender;

import eu.bborelay.binance.StreamConnections;
import eu.bborelay.common.Depth;
import eu.bborelay.depth.Decimals;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.DepthBookListener;
import eu.bborelay.depth.DepthBucketSnapshot;
import eu.bborelay.depth.DepthBuckets;
import eu.bborelay.depth.DepthEvent;
import eu.bborelay.depth.DepthParser;
import eu.bborelay.depth.DepthSnapshot;
import eu.bborelay.depth.Levels;
import eu.bborelay.depth.OrderBook;
import eu.bborelay.depth.SnapshotFetcher;
import eu.bborelay.depth.SnapshotRequestPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Depth across the relay ({@code INCLUDE_DEPTH}): per symbol, a local order book kept in sync from
 * {@code <symbol>@<DEPTH_STREAM>} and REST snapshots exactly by Binance's documented procedure (binance-depth's
 * {@link DepthBook}; spot, USD-M or COIN-M by the REST path), and every {@code DEPTH_INTERVAL_SECONDS}, aligned to
 * the epoch, a {@link Depth} of each synced book (best bid/ask, top {@code DEPTH_LEVELS} levels, the log-delta buckets
 * of {@link DepthBuckets}) published into the symbol's depth slot of the {@link QuoteSlots}. There a newer depth of
 * the symbol may replace one the writer has not taken, counted as conflated (dropped while the link is down) by the
 * one accounting of quotes, so the receiver sees every missing depth frame as a gap.
 *
 * <p>A book that is not synced (starting, or resyncing after a break) yields no frame for that second: counted in
 * {@link #unsyncedIntervals()}, never a stale or half-built book. Nor does a book whose buckets reach beyond what
 * it knows: a snapshot has at most {@code DEPTH_SNAPSHOT_LIMIT} levels per side, and a level deeper than those that
 * no event has touched since is missing from the book; once the price has moved so far that the buckets reach past
 * the snapshot's deepest level, the book resyncs from a fresh snapshot ({@link DepthBook#resync},
 * {@link #coverageResyncs()}) and the next frames come from it.
 *
 * <p><b>Threads.</b> Its own Binance connections ({@link StreamConnections}, the shared client; scheduler
 * {@code relay-sender-depth-connect}) hand every message to one bounded queue; the REST snapshots come from
 * {@code relay-sender-depth-rest} ({@link SnapshotFetcher}, within half of Binance's request weight). One thread,
 * {@value #THREAD_NAME}, owns every book, takes the queue in order and, at each boundary, computes and publishes the
 * frames (before the first message received at or after the boundary is applied: the book as it stood then) and wakes
 * the receiver link's writer. The bookTicker WebSocket thread never touches any of it; with depth on it shares the
 * slots' publish monitor with this thread (one uncontended lock per quote). Counters: volatile, any thread.
 *
 * <p>Allocation: one {@link Depth} (about 1.4 KB with the defaults) per symbol per interval, handed to the writer,
 * and a small queue record per WebSocket message (whose text the client allocates anyway); the parser and the books
 * allocate nothing in steady state. Nothing of this runs on the bookTicker path.
 */
final class DepthRelay implements AutoCloseable, StreamConnections.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(DepthRelay.class);
    static final String THREAD_NAME = "relay-sender-depth";
    /** Messages waiting for the book thread; when full the WebSocket thread waits (TCP slows Binance down). */
    static final int QUEUE_CAPACITY = 16_384;
    /** Events an unsynced book keeps while it waits for its snapshot (100 s of depth@100ms). */
    static final int MAX_BUFFERED_EVENTS = 1024;

    private record Message(String text, long recvEpochNanos) {
    }

    private record Reset(List<String> symbols, String why) {
    }

    private final DepthSettings settings;
    private final List<String> symbols;
    private final QuoteSlots slots;
    private final Runnable wakeWriter;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final DepthParser parser = new DepthParser();
    private final DepthEvent event = new DepthEvent();
    private final DepthSnapshot snapshot = new DepthSnapshot();
    private final DepthBuckets buckets;
    private final DepthBucketSnapshot bucketOut;
    private final DepthBook[] books;
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final long[] topPrices;
    private final long[] topQuantities;
    private final double stepPct;
    /** {@code exp(steps × step)}: how far from the mid, as a price ratio, the last bucket reaches. */
    private final double bucketReach;
    /**
     * Per book, the deepest bid and ask of the snapshot it synced from when that snapshot was full (had its limit of
     * levels): beyond them, levels no event has touched are unknown. 0 when the snapshot held the whole side.
     */
    private final long[] knownBidFloor;
    private final long[] knownAskCeiling;
    /**
     * Per book: its snapshot did not cover the buckets even at sync (DEPTH_SNAPSHOT_LIMIT too small for this symbol's
     * book): logged once, frames published as they are, no resync loop.
     */
    private final boolean[] snapshotTooShallow;
    private final SnapshotFetcher fetcher;
    private final StreamConnections connections;
    private final Thread thread;
    private volatile boolean running = true;
    private long nextBoundaryMs;
    private boolean lastWasMalformed;

    private volatile long published;
    private volatile long unsyncedIntervals;
    private volatile long missedIntervals;
    private volatile long malformed;
    private volatile long coverageResyncs;
    private final java.util.concurrent.atomic.LongAdder queueFullWaits = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param restApi Binance's REST API base, e.g. {@code https://api.binance.com/api/v3} (its path decides the
     *                market: {@code /fapi/} USD-M, {@code /dapi/} COIN-M, else spot)
     * @param wakeWriter called after frames were published (the writer thread's wake-up, never a direct write)
     */
    DepthRelay(DepthSettings settings, URI wsBase, URI restApi, List<String> symbols, QuoteSlots slots,
               Runnable wakeWriter) {
        this.settings = settings;
        this.symbols = List.copyOf(symbols);
        this.slots = slots;
        this.wakeWriter = wakeWriter;
        this.buckets = new DepthBuckets(settings.step(), settings.steps());
        this.bucketOut = new DepthBucketSnapshot(settings.steps());
        this.topPrices = new long[settings.levels()];
        this.topQuantities = new long[settings.levels()];
        this.stepPct = settings.stepPercent();
        this.bucketReach = Math.exp(settings.steps() * settings.step());
        this.knownBidFloor = new long[symbols.size()];
        this.knownAskCeiling = new long[symbols.size()];
        this.snapshotTooShallow = new boolean[symbols.size()];
        DepthBook.Market market = market(restApi);
        boolean spot = market == DepthBook.Market.SPOT;
        int weight = spot ? SnapshotRequestPolicy.spotDepthWeight(settings.snapshotLimit())
                : SnapshotRequestPolicy.futuresDepthWeight(settings.snapshotLimit());
        SnapshotRequestPolicy policy = SnapshotFetcher.policy(spot ? SnapshotRequestPolicy.SPOT_WEIGHT_LIMIT_PER_MINUTE
                        : SnapshotRequestPolicy.FUTURES_WEIGHT_LIMIT_PER_MINUTE,
                SnapshotRequestPolicy.DEFAULT_BUDGET_SHARE, Duration.ofSeconds(1));
        this.fetcher = new SnapshotFetcher(SnapshotFetcher.newHttpClient(), restApi, "", settings.snapshotLimit(),
                weight, policy, this::offerSnapshot, THREAD_NAME + "-rest");
        this.books = new DepthBook[symbols.size()];
        for (int i = 0; i < books.length; i++) {
            String s = this.symbols.get(i);
            books[i] = new DepthBook(market, s, parser.priceScale(), parser.quantityScale(),
                    b -> fetcher.requestSync(b.symbol(), b.snapshotAttempt()), DepthBookListener.NO_OP,
                    MAX_BUFFERED_EVENTS, Math.max(100, settings.snapshotLimit()));
            indexOf.put(s, i);
        }
        this.connections = new StreamConnections(wsBase, this.symbols, List.of(settings.stream()), this,
                THREAD_NAME + "-connect");
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /** The book procedure of a REST API base: {@code /fapi/} USD-M, {@code /dapi/} COIN-M, else spot. */
    static DepthBook.Market market(URI restApi) {
        String path = restApi.getRawPath() == null ? "" : restApi.getRawPath();
        if (path.contains("/fapi/")) {
            return DepthBook.Market.USDM;
        }
        if (path.contains("/dapi/")) {
            return DepthBook.Market.COINM;
        }
        return DepthBook.Market.SPOT;
    }

    /** Starts the book thread and the Binance connections. */
    void start() {
        thread.start();
        connections.start();
        LOG.info("Relaying depth of {} symbol(s): {} every {} s, top {} levels, {} buckets of {} per side, snapshots"
                        + " of {} levels; {} connection(s)", symbols.size(), settings.stream().suffix(),
                settings.intervalSeconds(), settings.levels(), settings.steps(), settings.step(),
                settings.snapshotLimit(), connections.legs().size());
    }

    @Override
    public void offerMessage(String text, long recvEpochNanos) {
        put(new Message(text, recvEpochNanos));
    }

    @Override
    public void offerReset(List<String> resetSymbols, String why) {
        put(new Reset(List.copyOf(resetSymbols), why));
    }

    private void offerSnapshot(SnapshotFetcher.Result result) {
        put(result);
    }

    private void put(Object o) {
        if (queue.offer(o)) {
            return;
        }
        queueFullWaits.increment();
        try {
            while (running && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
                // wait for the book thread
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        nextBoundaryMs = DepthBuckets.nextBoundaryMillis(System.currentTimeMillis(), settings.intervalSeconds());
        try {
            while (running) {
                long waitMs = nextBoundaryMs - System.currentTimeMillis();
                Object item = waitMs > 0 ? queue.poll(waitMs, TimeUnit.MILLISECONDS) : queue.poll();
                if (item instanceof Message m) {
                    if (m.recvEpochNanos / 1_000_000 >= nextBoundaryMs) {
                        boundary(m.recvEpochNanos / 1_000_000);
                    }
                } else if (System.currentTimeMillis() >= nextBoundaryMs) {
                    boundary(System.currentTimeMillis());
                }
                if (item == null) {
                    continue;
                }
                try {
                    if (item instanceof Message m) {
                        onMessage(m.text);
                    } else if (item instanceof SnapshotFetcher.Result r) {
                        onSnapshot(r);
                    } else if (item instanceof Reset r) {
                        for (String s : r.symbols) {
                            Integer i = indexOf.get(s);
                            if (i != null) {
                                books[i].onStreamReset();
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.error("Unexpected failure handling {}; continuing", item.getClass().getSimpleName(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onMessage(String text) {
        switch (parser.parseEvent(text, event)) {
            case DEPTH_UPDATE -> {
                lastWasMalformed = false;
                Integer i = indexOf.get(event.symbol());
                if (i != null) {
                    books[i].onEvent(event);
                }
            }
            case MALFORMED -> {
                malformed++;
                if (!lastWasMalformed) {
                    LOG.warn("Malformed Binance depth message ({} so far; logged once per run): {}", malformed,
                            parser.error());
                }
                lastWasMalformed = true;
            }
            default -> {
                // subscription replies and the like
            }
        }
    }

    private void onSnapshot(SnapshotFetcher.Result r) {
        Integer i = indexOf.get(r.symbol());
        if (i == null || !r.sync()) {
            return;
        }
        DepthBook book = books[i];
        if (r.body() == null) {
            book.onSnapshotFailed(r.error());
        } else if (!parser.parseSnapshot(r.body(), snapshot)) {
            book.onSnapshotFailed("not a depth snapshot: " + parser.error());
        } else {
            long applied = book.snapshotsApplied();
            book.onSnapshot(snapshot);
            if (book.snapshotsApplied() > applied) {
                knownBidFloor[i] = deepest(snapshot.bids(), true);
                knownAskCeiling[i] = deepest(snapshot.asks(), false);
                boolean shallow = book.isSynced() && bucketsBeyondKnown(i, book.book());
                if (shallow && !snapshotTooShallow[i]) {
                    LOG.warn("{}: a snapshot of {} levels does not reach as far as the depth buckets ({} x {} from the"
                            + " mid); the far buckets miss levels. Raise DEPTH_SNAPSHOT_LIMIT or lower DEPTH_STEPS x"
                            + " DEPTH_STEP (logged once)", book.symbol(), settings.snapshotLimit(), settings.steps(),
                            settings.step());
                }
                snapshotTooShallow[i] = shallow;
            }
        }
    }

    /** The deepest price of a full snapshot side (its limit of levels), else 0: the whole side is known. */
    private long deepest(Levels side, boolean bids) {
        if (side.count() < settings.snapshotLimit()) {
            return 0;
        }
        long p = side.price(0);
        for (int k = 1; k < side.count(); k++) {
            p = bids ? Math.min(p, side.price(k)) : Math.max(p, side.price(k));
        }
        return p;
    }

    /**
     * Whether the buckets of a synced book reach beyond what it knows: below the deepest bid or above the deepest ask
     * of a full snapshot (levels there that no event has touched since are missing from the book).
     */
    private boolean bucketsBeyondKnown(int i, OrderBook ob) {
        double mid = ((double) ob.bids().bestPrice() + (double) ob.asks().bestPrice()) / 2;
        return knownBidFloor[i] > 0 && knownBidFloor[i] > mid / bucketReach
                || knownAskCeiling[i] > 0 && knownAskCeiling[i] < mid * bucketReach;
    }

    /** The boundary {@code nextBoundaryMs} has passed: a frame per synced book, then the next boundary. */
    private void boundary(long nowMs) {
        long epochSecond = nextBoundaryMs / 1000;
        boolean any = false;
        for (int i = 0; i < books.length; i++) {
            DepthBook b = books[i];
            if (b.isSynced() && !snapshotTooShallow[i] && bucketsBeyondKnown(i, b.book())) {
                coverageResyncs++; // the frame would miss levels: none this second, a fresh snapshot instead
                b.resync("the depth buckets reach beyond the deepest level of the snapshot it synced from (bids "
                        + Decimals.toString(knownBidFloor[i], b.book().priceScale()) + ", asks "
                        + Decimals.toString(knownAskCeiling[i], b.book().priceScale()) + ")");
            }
            if (!buckets.compute(b, epochSecond, bucketOut)) {
                unsyncedIntervals++;
                continue;
            }
            slots.publishDepth(i, depthOf(b, epochSecond));
            published++;
            any = true;
        }
        if (any) {
            wakeWriter.run();
        }
        int interval = settings.intervalSeconds();
        long next = DepthBuckets.nextBoundaryMillis(Math.max(nowMs, nextBoundaryMs), interval);
        missedIntervals += Math.max(0, (next - nextBoundaryMs) / (interval * 1000L) - 1);
        nextBoundaryMs = next;
    }

    /** A new depth of a synced book whose buckets are in {@link #bucketOut}. */
    private Depth depthOf(DepthBook b, long epochSecond) {
        OrderBook ob = b.book();
        int ps = ob.priceScale();
        int qs = ob.quantityScale();
        Depth d = new Depth(settings.levels(), settings.steps());
        d.set(b.symbol(), epochSecond, Math.max(0, b.lastEventTimeMs()), b.updateId(),
                Decimals.toDouble(ob.bids().bestPrice(), ps), Decimals.toDouble(ob.asks().bestPrice(), ps));
        int nb = ob.bids().top(settings.levels(), topPrices, topQuantities);
        d.levels(nb, 0);
        for (int k = 0; k < nb; k++) {
            d.bidPrices()[k] = Decimals.toDouble(topPrices[k], ps);
            d.bidSizes()[k] = Decimals.toDouble(topQuantities[k], qs);
        }
        int na = ob.asks().top(settings.levels(), topPrices, topQuantities);
        d.levels(nb, na);
        for (int k = 0; k < na; k++) {
            d.askPrices()[k] = Decimals.toDouble(topPrices[k], ps);
            d.askSizes()[k] = Decimals.toDouble(topQuantities[k], qs);
        }
        int steps = settings.steps();
        d.buckets(steps, stepPct);
        for (int k = 0; k < steps; k++) {
            d.bidBuckets()[k] = bucketOut.bidBucket(k);
            d.askBuckets()[k] = bucketOut.askBucket(k);
        }
        return d;
    }

    /** Depth frames published into the slots, since start. */
    long published() {
        return published;
    }

    /** Symbol-intervals without a frame because the book was not synced (starting or resyncing). */
    long unsyncedIntervals() {
        return unsyncedIntervals;
    }

    /** Boundaries skipped because the book thread was late by more than an interval. */
    long missedIntervals() {
        return missedIntervals;
    }

    /** Resyncs because the buckets reached beyond the levels the book's snapshot covered. */
    long coverageResyncs() {
        return coverageResyncs;
    }

    /** Depth messages that could not be parsed. */
    long malformed() {
        return malformed;
    }

    /** Times a WebSocket or REST thread waited for room in the queue. */
    long queueFullWaits() {
        return queueFullWaits.sum();
    }

    /** Book breaks (gaps, stream resets, crossed books...) of all symbols; racy read for the stats line. */
    long breaks() {
        long n = 0;
        for (DepthBook b : books) {
            n += b.breaks();
        }
        return n;
    }

    /** Books synced now; racy read for the stats line. */
    int synced() {
        int n = 0;
        for (DepthBook b : books) {
            n += b.isSynced() ? 1 : 0;
        }
        return n;
    }

    /** The counters, read now. */
    DepthRelayStats stats() {
        return new DepthRelayStats(published, unsyncedIntervals, breaks(), coverageResyncs, synced(), books.length);
    }

    /** The stats line's part: {@code depth{published=.. synced=n/m unsynced_intervals=.. breaks=..}}. */
    String statsLine() {
        return "depth{published=" + published + " synced=" + synced() + "/" + books.length + " unsynced_intervals="
                + unsyncedIntervals + " missed_intervals=" + missedIntervals + " breaks=" + breaks() + " coverage_resyncs=" + coverageResyncs + " malformed="
                + malformed + " snapshots=" + fetcher.requestsSent() + " snapshot_failures=" + fetcher.failures()
                + " queue_full_waits=" + queueFullWaits.sum() + "}";
    }

    /**
     * Stops the connections, the REST thread and the book thread (nothing more is published; what is in the slots is
     * the writer's). Call before the receiver link closes.
     */
    @Override
    public void close() {
        connections.close();
        fetcher.close();
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
