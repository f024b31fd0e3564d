package eu.bborelay.depth;

import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local order book of one symbol, kept in sync from Binance's diff depth stream and REST snapshots exactly by
 * Binance's documented procedures, and never served stale or half-applied.
 *
 * <h2>Procedures</h2>
 * <b>Spot</b> (spot {@code web-socket-streams.md}, "How to manage a local order book correctly"):
 * <ol>
 *   <li>While unsynced, every event is buffered (up to {@code maxBufferedEvents}, oldest dropped first) and a
 *       snapshot is requested through the {@link SnapshotRequester}.</li>
 *   <li>A snapshot whose {@code lastUpdateId} is strictly less than the first buffered event's {@code U} is too old:
 *       another is requested ("go back to step 3"); the buffer is kept.</li>
 *   <li>Otherwise the book is loaded from the snapshot, its update id is {@code lastUpdateId}, and the buffered and
 *       later events are processed in order: an event with {@code u <= } the book's update id is ignored ("discard
 *       any event where u is <= lastUpdateId", and later "if u < the update ID of your local order book, ignore";
 *       an event with {@code u} equal to the book's id is the last applied event again, so ignoring it is the same
 *       as re-applying it); an event with {@code U >} the book's id + 1 means missed events: the book breaks
 *       ({@link BreakReason#GAP}, or {@link BreakReason#SNAPSHOT_TOO_OLD} for the first event after the snapshot);
 *       otherwise every level is applied and the book's id becomes {@code u}. So the first applied event has
 *       {@code U <= lastUpdateId + 1 <= u}, and each later one normally starts at {@code U = previous u + 1}; an
 *       event that starts lower but ends higher (an overlap, which Binance does not send on one connection) is
 *       applied as the documented rule says, which is correct because quantities are absolute, and counted in
 *       {@link #overlappingEvents()}.</li>
 * </ol>
 * <b>USD-M and COIN-M</b> (derivatives docs, "How to manage a local order book correctly"): buffering and snapshot
 * request as above; events with {@code u < lastUpdateId} are dropped; the first processed event must have
 * {@code U <= lastUpdateId AND u >= lastUpdateId} (a snapshot that no buffered event overlaps is too old and another
 * is requested; a first live event that does not overlap breaks with {@link BreakReason#SNAPSHOT_TOO_OLD}); then each
 * event's {@code pu} must equal the previous event's {@code u}, else {@link BreakReason#PREVIOUS_ID_MISMATCH}.
 *
 * <h2>Breaks</h2>
 * A break empties the book and marks it unsynced before anything else can read it, counts the reason, logs one line,
 * tells the {@link DepthBookListener}, buffers the event that revealed it (it is valid data after the gap) and asks
 * for a new snapshot. An event is validated completely before its first level is applied, and applying cannot fail,
 * so a book never holds half an event. After applying an event the book must not be crossed
 * ({@link BreakReason#CROSSED}).
 *
 * <h2>Threading</h2>
 * Not thread-safe. One owning thread calls {@link #onEvent}, {@link #onSnapshot}, {@link #onSnapshotFailed} and
 * {@link #onStreamReset}, and reads the book and the counters. The requester and listener are called on that thread.
 * Events are copied into the buffer; the argument is not kept.
 */
public final class DepthBook {
    /** Which Binance market the book follows; decides the sync procedure. */
    public enum Market {
        /** Spot ({@code api.binance.com}, {@code /api/v3/depth}). */
        SPOT,
        /** USD-M futures ({@code fapi.binance.com}, {@code /fapi/v1/depth}). */
        USDM,
        /** COIN-M futures ({@code dapi.binance.com}, {@code /dapi/v1/depth}). */
        COINM;

        /** True for the futures markets, whose events carry {@code pu}. */
        public boolean chainsByPreviousId() {
            return this != SPOT;
        }
    }

    /** Default number of events buffered while waiting for a snapshot. */
    public static final int DEFAULT_MAX_BUFFERED_EVENTS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(DepthBook.class);

    private static final int APPLIED = 0;
    private static final int IGNORED = 1;
    private static final int BROKE_KEEP_EVENT = 2;
    private static final int BROKE = 3;

    private final Market market;
    private final String symbol;
    private final OrderBook book;
    private final SnapshotRequester requester;
    private final DepthBookListener listener;

    private final DepthEvent[] buffer;
    private int bufferHead;
    private int bufferCount;

    private boolean synced;
    private boolean firstEventPending;
    private boolean snapshotRequested;
    private int snapshotAttempt;
    private long updateId = DepthEvent.ABSENT;
    private long lastEventTimeMs = DepthEvent.ABSENT;

    private long eventsApplied;
    private long staleEvents;
    private long overlappingEvents;
    private long otherSymbolEvents;
    private long bufferedEventsDropped;
    private long snapshotsApplied;
    private long snapshotsTooOld;
    private long snapshotsIgnored;
    private long snapshotFailures;
    private long breaks;
    private final long[] breaksByReason = new long[BreakReason.values().length];

    /**
     * A book with {@link #DEFAULT_MAX_BUFFERED_EVENTS}, sized for a spot snapshot of 5,000 levels per side.
     *
     * @param market the procedure to follow
     * @param symbol the symbol as Binance spells it in {@code s} ({@code BTCUSDT}); other symbols' events are ignored
     * @param priceScale scale of the prices the parser produces (the parser's {@link DepthParser#priceScale()})
     * @param quantityScale scale of the quantities
     */
    public DepthBook(Market market, String symbol, int priceScale, int quantityScale, SnapshotRequester requester,
            DepthBookListener listener) {
        this(market, symbol, priceScale, quantityScale, requester, listener, DEFAULT_MAX_BUFFERED_EVENTS, 5000);
    }

    /**
     * @param maxBufferedEvents events kept while unsynced, at least 1 (futures {@code @depth@0ms} BTCUSDT runs about
     *     20 events/s, so 4096 cover more than three minutes of waiting for a snapshot)
     * @param expectedLevelsPerSide sizing hint for the book
     */
    public DepthBook(Market market, String symbol, int priceScale, int quantityScale, SnapshotRequester requester,
            DepthBookListener listener, int maxBufferedEvents, int expectedLevelsPerSide) {
        if (symbol.isEmpty()) {
            throw new IllegalArgumentException("symbol is empty");
        }
        if (maxBufferedEvents < 1) {
            throw new IllegalArgumentException("maxBufferedEvents must be at least 1, got " + maxBufferedEvents);
        }
        this.market = market;
        this.symbol = symbol;
        this.book = new OrderBook(priceScale, quantityScale, expectedLevelsPerSide);
        this.requester = requester;
        this.listener = listener;
        this.buffer = new DepthEvent[maxBufferedEvents];
    }

    public Market market() {
        return market;
    }

    public String symbol() {
        return symbol;
    }

    /** True when the book reflects Binance's book as of {@link #updateId()}; an unsynced book is empty. */
    public boolean isSynced() {
        return synced;
    }

    /** The levels. Empty while unsynced; read on the owning thread only. */
    public OrderBook book() {
        return book;
    }

    /** The update id the book is current to ({@code lastUpdateId}, then each applied {@code u}); ABSENT unsynced. */
    public long updateId() {
        return updateId;
    }

    /** {@code E} of the last applied event (or the futures snapshot's {@code E}), Binance ms; ABSENT if none. */
    public long lastEventTimeMs() {
        return lastEventTimeMs;
    }

    /** Snapshot requests since the book was last synced (1 for the first request; for backoff). */
    public int snapshotAttempt() {
        return snapshotAttempt;
    }

    /** True while a requested snapshot has not yet arrived or failed. */
    public boolean snapshotRequested() {
        return snapshotRequested;
    }

    /**
     * Feeds one depth event (from {@link DepthParser#parseEvent}). Events of another symbol are ignored and
     * counted.
     */
    public void onEvent(DepthEvent event) {
        if (!symbol.equals(event.symbol)) {
            otherSymbolEvents++;
            return;
        }
        if (synced) {
            int r = process(event);
            if (r == BROKE_KEEP_EVENT) {
                bufferAdd(event);
            }
            if (r >= BROKE_KEEP_EVENT) {
                requestSnapshotIfIdle();
            }
            return;
        }
        bufferAdd(event);
        requestSnapshotIfIdle();
    }

    /**
     * Feeds a REST snapshot (from {@link DepthParser#parseSnapshot}). Ignored (and counted) while the book is
     * synced: a periodic snapshot taken for recording does not reset a healthy book.
     */
    public void onSnapshot(DepthSnapshot snapshot) {
        if (synced) {
            snapshotsIgnored++;
            return;
        }
        snapshotRequested = false;
        long last = snapshot.lastUpdateId;
        if (bufferCount > 0) {
            boolean tooOld;
            if (market == Market.SPOT) {
                tooOld = last < bufferAt(0).firstUpdateId;
            } else {
                int i = 0;
                while (i < bufferCount && bufferAt(i).finalUpdateId < last) {
                    i++;
                }
                tooOld = i < bufferCount && bufferAt(i).firstUpdateId > last;
            }
            if (tooOld) {
                snapshotsTooOld++;
                requestSnapshotIfIdle();
                return;
            }
        }
        book.load(snapshot);
        updateId = last;
        lastEventTimeMs = snapshot.eventTimeMs;
        synced = true;
        firstEventPending = true;
        snapshotsApplied++;
        snapshotAttempt = 0;
        LOG.info("{} {} book synced from snapshot lastUpdateId={} ({} bids, {} asks, {} buffered events)", market,
                symbol, last, book.bids().size(), book.asks().size(), bufferCount);
        listener.onSynced(this);
        drainBuffer();
    }

    /** The requested snapshot could not be fetched (HTTP error, timeout, Binance error body); asks again. */
    public void onSnapshotFailed(String why) {
        snapshotFailures++;
        snapshotRequested = false;
        LOG.warn("{} {} snapshot failed (attempt {}): {}", market, symbol, snapshotAttempt, why);
        if (!synced) {
            requestSnapshotIfIdle();
        }
    }

    /**
     * The stream feeding this book was lost or replaced without a verified overlap: a synced book breaks with
     * {@link BreakReason#STREAM_RESET} and the buffer is emptied (events of the old connection are not continued by
     * the new one). The snapshot is requested at the next event.
     */
    public void onStreamReset() {
        bufferHead = 0;
        bufferCount = 0;
        if (synced) {
            breakBook(BreakReason.STREAM_RESET, "stream reset at update id " + updateId);
        }
    }

    /**
     * Drops a synced book and asks for a new snapshot ({@link BreakReason#RESYNC_REQUESTED}), keeping the stream:
     * events from now on are buffered and the snapshot is matched to them as at the start. For an owner whose needs
     * have outgrown what the book knows: a snapshot has at most its limit of levels per side, and a level beyond them
     * that no event has touched since is unknown. Nothing happens to a book that is not synced.
     *
     * @param why for the log line, e.g. "buckets reach below the deepest snapshot bid"
     */
    public void resync(String why) {
        if (synced) {
            breakBook(BreakReason.RESYNC_REQUESTED, why);
            requestSnapshotIfIdle();
        }
    }

    private void drainBuffer() {
        while (bufferCount > 0 && synced) {
            DepthEvent e = buffer[bufferHead];
            bufferHead = (bufferHead + 1) % buffer.length;
            bufferCount--;
            int r = process(e);
            if (r == BROKE_KEEP_EVENT) { // put it back in front: it starts the new buffer
                bufferHead = (bufferHead - 1 + buffer.length) % buffer.length;
                bufferCount++;
            }
            if (r >= BROKE_KEEP_EVENT) {
                requestSnapshotIfIdle();
            }
        }
        if (synced) {
            bufferHead = 0;
        }
    }

    /** Validates then applies one event to the synced book. */
    private int process(DepthEvent e) {
        long first = e.firstUpdateId;
        long last = e.finalUpdateId;
        if (market == Market.SPOT) {
            if (last <= updateId) {
                staleEvents++;
                return IGNORED;
            }
            if (first > updateId + 1) {
                breakBook(firstEventPending ? BreakReason.SNAPSHOT_TOO_OLD : BreakReason.GAP,
                        "event U=" + first + " u=" + last + " after book update id " + updateId + " (expected U <= "
                                + (updateId + 1) + ")");
                return BROKE_KEEP_EVENT;
            }
            if (!firstEventPending && first < updateId + 1) {
                overlappingEvents++;
            }
        } else if (firstEventPending) {
            if (last < updateId) {
                staleEvents++;
                return IGNORED;
            }
            if (first > updateId) {
                breakBook(BreakReason.SNAPSHOT_TOO_OLD, "first event U=" + first + " u=" + last
                        + " does not cover snapshot lastUpdateId " + updateId);
                return BROKE_KEEP_EVENT;
            }
        } else if (e.prevFinalUpdateId == DepthEvent.ABSENT) {
            breakBook(BreakReason.MISSING_PREVIOUS_ID, "event U=" + first + " u=" + last + " has no pu");
            return BROKE_KEEP_EVENT;
        } else if (e.prevFinalUpdateId != updateId) {
            breakBook(BreakReason.PREVIOUS_ID_MISMATCH, "event pu=" + e.prevFinalUpdateId + " U=" + first + " u="
                    + last + " but previous u=" + updateId);
            return BROKE_KEEP_EVENT;
        }
        book.apply(e.bids, e.asks);
        updateId = last;
        if (e.eventTimeMs != DepthEvent.ABSENT) {
            lastEventTimeMs = e.eventTimeMs;
        }
        firstEventPending = false;
        eventsApplied++;
        if (book.isCrossed()) {
            breakBook(BreakReason.CROSSED, "best bid " + Decimals.toString(book.bids().bestPrice(), book.priceScale())
                    + " >= best ask " + Decimals.toString(book.asks().bestPrice(), book.priceScale())
                    + " after u=" + last);
            return BROKE;
        }
        listener.onApplied(this, e);
        return APPLIED;
    }

    private void breakBook(BreakReason reason, String detail) {
        synced = false;
        firstEventPending = false;
        book.clear();
        long wasAt = updateId;
        updateId = DepthEvent.ABSENT;
        breaks++;
        breaksByReason[reason.ordinal()]++;
        LOG.warn("{} {} book unsynced ({}): {}; was at update id {}; requesting a snapshot", market, symbol, reason,
                detail, wasAt);
        listener.onBreak(this, reason, detail);
    }

    private void requestSnapshotIfIdle() {
        if (!synced && !snapshotRequested) {
            snapshotRequested = true;
            snapshotAttempt++;
            requester.requestSnapshot(this);
        }
    }

    private DepthEvent bufferAt(int i) {
        return buffer[(bufferHead + i) % buffer.length];
    }

    private void bufferAdd(DepthEvent e) {
        if (bufferCount == buffer.length) {
            bufferHead = (bufferHead + 1) % buffer.length;
            bufferCount--;
            bufferedEventsDropped++;
        }
        int slot = (bufferHead + bufferCount) % buffer.length;
        DepthEvent copy = buffer[slot];
        if (copy == null) {
            copy = new DepthEvent(8); // grows to the events it holds: an idle buffer retains little
            buffer[slot] = copy;
        }
        copy.copyFrom(e);
        bufferCount++;
    }

    /** Events currently buffered (unsynced). */
    public int bufferedEvents() {
        return bufferCount;
    }

    /** Events applied to a synced book. */
    public long eventsApplied() {
        return eventsApplied;
    }

    /** Events ignored because the book was already past them ({@code u <= } spot, {@code u <} futures). */
    public long staleEvents() {
        return staleEvents;
    }

    /** Spot events applied although they started below the book's id + 1 (see the class comment). */
    public long overlappingEvents() {
        return overlappingEvents;
    }

    /** Events of another symbol passed to this book. */
    public long otherSymbolEvents() {
        return otherSymbolEvents;
    }

    /** Buffered events dropped because the buffer was full while waiting for a snapshot. */
    public long bufferedEventsDropped() {
        return bufferedEventsDropped;
    }

    /** Snapshots loaded into the book. */
    public long snapshotsApplied() {
        return snapshotsApplied;
    }

    /** Snapshots refused as older than the buffered events (spot step 3 retry, futures no overlap). */
    public long snapshotsTooOld() {
        return snapshotsTooOld;
    }

    /** Snapshots received while synced (not used). */
    public long snapshotsIgnored() {
        return snapshotsIgnored;
    }

    /** {@link #onSnapshotFailed} calls. */
    public long snapshotFailures() {
        return snapshotFailures;
    }

    /** All breaks. */
    public long breaks() {
        return breaks;
    }

    /** Breaks of one reason. */
    public long breaks(BreakReason reason) {
        return breaksByReason[reason.ordinal()];
    }

    /** Breaks by reason, only non-zero ones (allocates; for logs and metrics). */
    public Map<BreakReason, Long> breaksByReason() {
        Map<BreakReason, Long> m = new EnumMap<>(BreakReason.class);
        for (BreakReason r : BreakReason.values()) {
            if (breaksByReason[r.ordinal()] > 0) {
                m.put(r, breaksByReason[r.ordinal()]);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return market + " " + symbol + (synced ? " synced at " + updateId : " unsynced") + ", " + book.bids().size()
                + " bids, " + book.asks().size() + " asks";
    }
}
