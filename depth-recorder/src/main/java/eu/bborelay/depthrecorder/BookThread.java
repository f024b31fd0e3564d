package eu.bborelay.depthrecorder;

import eu.bborelay.binance.StreamConnections;
import eu.bborelay.depth.BreakReason;
import eu.bborelay.depth.Decimals;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.DepthBookListener;
import eu.bborelay.depth.DepthBucketSnapshot;
import eu.bborelay.depth.DepthBuckets;
import eu.bborelay.depth.DepthEvent;
import eu.bborelay.depth.DepthParser;
import eu.bborelay.depth.DepthSnapshot;
import eu.bborelay.depth.Levels;
import eu.bborelay.depth.SnapshotFetcher;
import eu.bborelay.recording.DepthTables;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.Row;
import eu.bborelay.recording.TableSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ({@code depth-books}) that owns every book, the parsers and the rows: it takes, in arrival order,
 * the WebSocket messages of every connection, the REST answers and the connections' resets from one bounded queue,
 * and at every aligned bucket second it computes the buckets of the synced books.
 *
 * <p>Per message: a diff depth event is parsed ({@link DepthParser}) and recorded ({@code diff_orderbooks}, every
 * event, synced or not: the table is the stream), then applied to its book ({@link DepthBook}: buffering, sync,
 * breaks); a partial depth message is recorded ({@code partial_orderbooks}). A REST answer is recorded
 * ({@code orderbooks}) and offered to an unsynced book. Buckets of second {@code S} are computed before the first
 * message received at or after {@code S} is applied (or when the queue is idle at {@code S}): the book exactly as it
 * stood at {@code S}.
 *
 * <p>Producers ({@link #offerMessage}, {@link #offerSnapshot}, {@link #offerReset}) may call from any thread; when the
 * queue is full they wait (back-pressure on the WebSocket read thread: TCP then slows Binance down, nothing is
 * dropped). Counters are written by this thread and read by others as plain volatile snapshots
 * ({@link #stats()}).
 */
final class BookThread implements AutoCloseable, StreamConnections.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(BookThread.class);
    static final int QUEUE_CAPACITY = 65_536;
    /**
     * Events an unsynced book keeps while it waits for its snapshot (oldest dropped first; the book then needs a
     * newer snapshot). 1,024 is 100 s of spot {@code @depth@100ms} and about 50 s of a busy futures {@code @depth@0ms}
     * stream; it bounds the heap of 50 books that all wait at once (a USD-M BTCUSDT diff has about 70 levels: 1,024
     * of them retain about 2.3 MB per book, 4,096 would retain 9 MB, 450 MB for 50 books).
     */
    static final int MAX_BUFFERED_EVENTS = 1024;

    private record Message(String text, long recvEpochNanos) {
    }

    private record Reset(List<String> symbols, String why) {
    }

    /** One symbol's counters, published by the book thread. */
    record SymbolStats(String symbol, boolean synced, long diffEvents, long breaks, long snapshotsApplied,
                       long bucketRows, long unsyncedSinceEpochMs, long lastMessageEpochMs) {
    }

    /** Everything, as of the last publication (at most one bucket interval old). */
    record Stats(List<SymbolStats> symbols, long messages, long malformed, long otherMessages, long partialRows,
                 long diffRows, long snapshotRows, long rowsRefused, long bucketRows, long missedBucketIntervals,
                 long sinkFailures, long queueFullWaits) {
    }

    private final class PerSymbol implements DepthBookListener {
        final String symbol;
        DepthBook book;
        long diffEvents;
        long bucketRows;
        long unsyncedSinceEpochMs = System.currentTimeMillis();
        long lastMessageEpochMs;

        PerSymbol(String symbol) {
            this.symbol = symbol;
        }

        @Override
        public void onSynced(DepthBook b) {
            unsyncedSinceEpochMs = 0;
        }

        @Override
        public void onBreak(DepthBook b, BreakReason reason, String detail) {
            unsyncedSinceEpochMs = System.currentTimeMillis();
        }
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Recorder recorder;
    private final DepthParser parser = new DepthParser();
    private final DepthEvent event = new DepthEvent();
    private final DepthSnapshot snapshot = new DepthSnapshot();
    private final PartialDepthParser partial = new PartialDepthParser();
    private final DepthBuckets buckets;
    private final DepthBucketSnapshot bucketOut;
    private final int intervalSeconds;
    private final int snapshotLimit;
    private final List<DepthBucketSink> sinks;
    private final long[] sinkFailures;
    private final boolean[] sinkFailing;
    private final Map<String, PerSymbol> bySymbol = new LinkedHashMap<>();
    private final Thread thread;

    private final Row diffRow;
    private final Row partialRow;
    private final Row snapshotRow;
    private final Cols diffCols;
    private final Cols partialCols;
    private final Cols snapshotCols;
    private final int snapshotRequestTime;
    private final int snapshotLimitCol;
    private double[] bidPrices = new double[64];
    private double[] bidSizes = new double[64];
    private double[] askPrices = new double[64];
    private double[] askSizes = new double[64];

    private long messages;
    private long malformed;
    private long otherMessages;
    private long partialRows;
    private long diffRows;
    private long snapshotRows;
    private long rowsRefused;
    private long bucketRows;
    private long missedBucketIntervals;
    private volatile long queueFullWaits;
    private boolean lastWasMalformed;
    private long nextBucketMs;
    private volatile Stats stats;
    private volatile boolean running = true;

    /** Column indexes shared by the three level tables. */
    private record Cols(int recvTs, int receivedTime, int eventTime, int transactionTime, int firstUpdateId,
                        int lastUpdateId, int prevFinalUpdateId, int bidPrices, int bidSizes, int askPrices,
                        int askSizes, int symbol) {
        static Cols of(TableSchema t, String firstUpdateName, String lastUpdateName) {
            return new Cols(t.index("recv_ts"), t.index("received_time"), t.index("event_time"),
                    t.index("transaction_time"), firstUpdateName == null ? -1 : t.index(firstUpdateName),
                    t.index(lastUpdateName), firstUpdateName == null ? -1 : t.index("prev_final_update_id"),
                    t.index("bid_prices"), t.index("bid_sizes"), t.index("ask_prices"), t.index("ask_sizes"),
                    t.index("symbol"));
        }
    }

    /**
     * @param requester called on this thread when a book needs a snapshot (symbol, attempt)
     * @param sinks     the bucket sinks, the Parquet one first
     */
    BookThread(DepthRecorderConfig.Market market, List<String> symbols, Recorder recorder, DepthTables tables,
               double step, int steps, int intervalSeconds, int snapshotLimit, SyncRequester requester,
               List<DepthBucketSink> sinks) {
        this.recorder = recorder;
        this.buckets = new DepthBuckets(step, steps);
        this.bucketOut = new DepthBucketSnapshot(steps);
        this.intervalSeconds = intervalSeconds;
        this.snapshotLimit = snapshotLimit;
        this.sinks = List.copyOf(sinks);
        this.sinkFailures = new long[sinks.size()];
        this.sinkFailing = new boolean[sinks.size()];
        for (String s : symbols) {
            PerSymbol p = new PerSymbol(s);
            p.book = new DepthBook(market.bookMarket(), s, parser.priceScale(), parser.quantityScale(),
                    b -> requester.requestSync(b.symbol(), b.snapshotAttempt()), p, MAX_BUFFERED_EVENTS,
                    Math.max(100, snapshotLimit));
            bySymbol.put(s, p);
        }
        diffRow = new Row(tables.diffs());
        partialRow = new Row(tables.partials());
        snapshotRow = new Row(tables.snapshots());
        diffCols = Cols.of(tables.diffs(), "first_update_id", "final_update_id");
        partialCols = Cols.of(tables.partials(), "first_update_id", "last_update_id");
        snapshotCols = Cols.of(tables.snapshots(), null, "last_update_id");
        snapshotRequestTime = tables.snapshots().index("request_time");
        snapshotLimitCol = tables.snapshots().index("limit");
        publish();
        thread = new Thread(this::run, "depth-books");
        thread.setDaemon(true);
    }

    /** Asks the REST side for a snapshot; called on the book thread. */
    @FunctionalInterface
    interface SyncRequester {
        void requestSync(String symbol, int attempt);
    }

    void start() {
        thread.start();
    }

    /** A WebSocket text message as received, with this host's wall clock at arrival (ns since the epoch). */
    @Override
    public void offerMessage(String text, long recvEpochNanos) {
        put(new Message(text, recvEpochNanos));
    }

    /** A REST answer. */
    void offerSnapshot(SnapshotFetcher.Result result) {
        put(result);
    }

    /** The connection carrying {@code symbols} was lost or replaced: their books break ({@code STREAM_RESET}). */
    @Override
    public void offerReset(List<String> symbols, String why) {
        put(new Reset(List.copyOf(symbols), why));
    }

    private void put(Object o) {
        if (queue.offer(o)) {
            return;
        }
        queueFullWaits++;
        try {
            while (running && !queue.offer(o, 100, TimeUnit.MILLISECONDS)) {
                // wait for the book thread
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The counters as of the last publication (each bucket interval and at the end). */
    Stats stats() {
        return stats;
    }

    private void run() {
        nextBucketMs = DepthBuckets.nextBoundaryMillis(System.currentTimeMillis(), intervalSeconds);
        try {
            while (running || !queue.isEmpty()) {
                long waitMs = nextBucketMs - System.currentTimeMillis();
                Object item = waitMs > 0 ? queue.poll(waitMs, TimeUnit.MILLISECONDS) : queue.poll();
                if (item instanceof Message m) {
                    if (m.recvEpochNanos / 1_000_000 >= nextBucketMs) {
                        bucketsDue(m.recvEpochNanos / 1_000_000);
                    }
                } else if (System.currentTimeMillis() >= nextBucketMs) {
                    bucketsDue(System.currentTimeMillis());
                }
                if (item == null) {
                    continue;
                }
                try {
                    if (item instanceof Message m) {
                        onMessage(m);
                    } else if (item instanceof SnapshotFetcher.Result r) {
                        onSnapshot(r);
                    } else if (item instanceof Reset r) {
                        for (String s : r.symbols) {
                            PerSymbol p = bySymbol.get(s);
                            if (p != null) {
                                p.book.onStreamReset();
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.error("Unexpected failure handling {}; continuing", item.getClass().getSimpleName(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            publish();
        }
    }

    private void bucketsDue(long nowMs) {
        long epochSecond = nextBucketMs / 1000;
        long collected = System.currentTimeMillis();
        for (PerSymbol p : bySymbol.values()) {
            if (!buckets.compute(p.book, epochSecond, bucketOut)) {
                continue; // never from an unsynced book
            }
            p.bucketRows++;
            bucketRows++;
            for (int i = 0; i < sinks.size(); i++) {
                try {
                    sinks.get(i).accept(p.symbol, bucketOut, collected);
                    sinkFailing[i] = false;
                } catch (RuntimeException e) {
                    sinkFailures[i]++;
                    if (!sinkFailing[i]) {
                        LOG.warn("Depth bucket sink {} failed ({} failures so far; logged once per run): {}",
                                sinks.get(i).getClass().getSimpleName(), sinkFailures[i], e.toString());
                    }
                    sinkFailing[i] = true;
                }
            }
        }
        long next = DepthBuckets.nextBoundaryMillis(Math.max(nowMs, nextBucketMs), intervalSeconds);
        missedBucketIntervals += Math.max(0, (next - nextBucketMs) / (intervalSeconds * 1000L) - 1);
        nextBucketMs = next;
        publish();
    }

    private void onMessage(Message m) {
        messages++;
        DepthParser.Result r = parser.parseEvent(m.text, event);
        switch (r) {
            case DEPTH_UPDATE -> {
                lastWasMalformed = false;
                PerSymbol p = bySymbol.get(event.symbol());
                if (p == null) {
                    otherMessages++;
                    return;
                }
                p.diffEvents++;
                p.lastMessageEpochMs = m.recvEpochNanos / 1_000_000;
                recordDiff(m.recvEpochNanos);
                p.book.onEvent(event);
            }
            case PARTIAL_DEPTH -> {
                if (partial.parse(m.text) && bySymbol.containsKey(partial.symbol)) {
                    lastWasMalformed = false;
                    bySymbol.get(partial.symbol).lastMessageEpochMs = m.recvEpochNanos / 1_000_000;
                    recordPartial(m.recvEpochNanos);
                } else {
                    malformed(partial.error.isEmpty() ? "partial depth of an unknown symbol " + partial.symbol
                            : partial.error);
                }
            }
            case NOT_DEPTH -> otherMessages++;
            case MALFORMED -> malformed(parser.error());
        }
    }

    private void malformed(String why) {
        malformed++;
        if (!lastWasMalformed) {
            LOG.warn("Malformed depth message ({} so far; logged once per run): {}", malformed, why);
        }
        lastWasMalformed = true;
    }

    private void recordDiff(long recvEpochNanos) {
        Cols c = diffCols;
        Row row = diffRow.clear()
                .setLong(c.recvTs, recvEpochNanos)
                .setLong(c.receivedTime, recvEpochNanos / 1000)
                .setLong(c.eventTime, event.eventTimeMs())
                .setLong(c.firstUpdateId, event.firstUpdateId())
                .setLong(c.lastUpdateId, event.finalUpdateId())
                .setString(c.symbol, event.symbol());
        if (event.transactionTimeMs() != DepthEvent.ABSENT) {
            row.setLong(c.transactionTime, event.transactionTimeMs());
        }
        if (event.prevFinalUpdateId() != DepthEvent.ABSENT) {
            row.setLong(c.prevFinalUpdateId, event.prevFinalUpdateId());
        }
        setLevels(row, c, event.bids(), event.asks());
        if (recorder.append(row)) {
            diffRows++;
        } else {
            rowsRefused++;
        }
    }

    private void recordPartial(long recvEpochNanos) {
        Cols c = partialCols;
        PartialDepthParser q = partial;
        Row row = partialRow.clear()
                .setLong(c.recvTs, recvEpochNanos)
                .setLong(c.receivedTime, recvEpochNanos / 1000)
                .setLong(c.lastUpdateId, q.lastUpdateId)
                .setString(c.symbol, q.symbol)
                .setDoubles(c.bidPrices, q.bidPrices, q.bidCount)
                .setDoubles(c.bidSizes, q.bidSizes, q.bidCount)
                .setDoubles(c.askPrices, q.askPrices, q.askCount)
                .setDoubles(c.askSizes, q.askSizes, q.askCount);
        setIfPresent(row, c.eventTime, q.eventTimeMs);
        setIfPresent(row, c.transactionTime, q.transactionTimeMs);
        setIfPresent(row, c.firstUpdateId, q.firstUpdateId);
        setIfPresent(row, c.prevFinalUpdateId, q.prevFinalUpdateId);
        if (recorder.append(row)) {
            partialRows++;
        } else {
            rowsRefused++;
        }
    }

    private static void setIfPresent(Row row, int column, long value) {
        if (value != PartialDepthParser.ABSENT) {
            row.setLong(column, value);
        }
    }

    private void onSnapshot(SnapshotFetcher.Result r) {
        PerSymbol p = bySymbol.get(r.symbol());
        if (p == null) {
            return;
        }
        if (r.body() == null) {
            if (r.sync()) {
                p.book.onSnapshotFailed(r.error());
            } else {
                LOG.warn("{} regular snapshot failed: {}", r.symbol(), r.error());
            }
            return;
        }
        if (!parser.parseSnapshot(r.body(), snapshot)) {
            if (r.sync()) {
                p.book.onSnapshotFailed("not a depth snapshot: " + parser.error());
            } else {
                LOG.warn("{} regular snapshot unusable: {}", r.symbol(), parser.error());
            }
            return;
        }
        Cols c = snapshotCols;
        Row row = snapshotRow.clear()
                .setLong(c.recvTs, r.receivedEpochNanos())
                .setLong(c.receivedTime, r.receivedEpochNanos() / 1000)
                .setLong(snapshotRequestTime, r.requestEpochMicros())
                .setLong(c.lastUpdateId, snapshot.lastUpdateId())
                .setLong(snapshotLimitCol, snapshotLimit)
                .setString(c.symbol, r.symbol());
        if (snapshot.eventTimeMs() != DepthEvent.ABSENT) {
            row.setLong(c.eventTime, snapshot.eventTimeMs());
        }
        if (snapshot.transactionTimeMs() != DepthEvent.ABSENT) {
            row.setLong(c.transactionTime, snapshot.transactionTimeMs());
        }
        setLevels(row, c, snapshot.bids(), snapshot.asks());
        if (recorder.append(row)) {
            snapshotRows++;
        } else {
            rowsRefused++;
        }
        if (!p.book.isSynced()) {
            p.book.onSnapshot(snapshot);
        }
    }

    private void setLevels(Row row, Cols c, Levels bids, Levels asks) {
        int nb = bids.count();
        int na = asks.count();
        int need = Math.max(nb, na);
        if (need > bidPrices.length) {
            int n = Math.max(need, bidPrices.length * 2);
            bidPrices = new double[n];
            bidSizes = new double[n];
            askPrices = new double[n];
            askSizes = new double[n];
        }
        int ps = parser.priceScale();
        int qs = parser.quantityScale();
        for (int i = 0; i < nb; i++) {
            bidPrices[i] = Decimals.toDouble(bids.price(i), ps);
            bidSizes[i] = Decimals.toDouble(bids.quantity(i), qs);
        }
        for (int i = 0; i < na; i++) {
            askPrices[i] = Decimals.toDouble(asks.price(i), ps);
            askSizes[i] = Decimals.toDouble(asks.quantity(i), qs);
        }
        row.setDoubles(c.bidPrices, bidPrices, nb).setDoubles(c.bidSizes, bidSizes, nb)
                .setDoubles(c.askPrices, askPrices, na).setDoubles(c.askSizes, askSizes, na);
    }

    private void publish() {
        List<SymbolStats> list = new ArrayList<>(bySymbol.size());
        for (PerSymbol p : bySymbol.values()) {
            list.add(new SymbolStats(p.symbol, p.book.isSynced(), p.diffEvents, p.book.breaks(),
                    p.book.snapshotsApplied(), p.bucketRows, p.book.isSynced() ? 0 : p.unsyncedSinceEpochMs,
                    p.lastMessageEpochMs));
        }
        long failures = 0;
        for (long f : sinkFailures) {
            failures += f;
        }
        stats = new Stats(List.copyOf(list), messages, malformed, otherMessages, partialRows, diffRows, snapshotRows,
                rowsRefused, bucketRows, missedBucketIntervals, failures, queueFullWaits);
    }

    /** Stops after the queued input is handled (up to 5 s), then closes the sinks. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        for (DepthBucketSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing depth bucket sink {}: {}", s.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
