package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Depth;
import eu.bborelay.common.Trade;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The hand-over between the Binance WebSocket thread (producer) and the receiver link's writer thread: one slot per
 * symbol, lock-free, so the WebSocket thread never waits for the receiver.
 *
 * <p>Producer ({@link #publish}): assigns the next {@code seq}, links the quote in front of its symbol's slot with
 * a compare-and-set, then publishes {@link #lastPublishedSeq()} (volatile). A slot is a short chain of quotes the
 * writer has not taken yet, newest first:
 * <ul>
 *   <li>while the receiver link is up ({@link #backlog(boolean) backlog on}), up to {@code maxBacklog} quotes
 *       per symbol wait, as long as the oldest is younger than {@code maxBacklogAge}: a burst of updates, or a
 *       writer briefly short of CPU, costs no update;</li>
 *   <li>when the chain is full or too old, or whenever the link is down, the new quote replaces the whole chain:
 *       latest wins (conflation), so a slow receiver gets fresh prices rather than an ever older queue. The
 *       replaced quotes are added to {@link #displaced()}.</li>
 * </ul>
 *
 * <p>Writer ({@link #take}): swaps a slot to null and gets its whole chain. To keep {@code seq} strictly increasing
 * on the wire, it reads {@code hi = lastPublishedSeq()} first and writes only quotes with {@code seq <= hi}; it keeps
 * the rest for its next batch. Every quote with {@code seq <= hi} is in a slot (or was displaced) by the time
 * {@code hi} is visible, because the producer publishes {@code hi} after the compare-and-set.
 *
 * <p>Each {@code seq} ends either taken by the writer or displaced, exactly once.
 *
 * <p><b>Producers.</b> With one Binance connection there is one producer at a time ({@link BinanceLeg} hands the
 * ingest from one read thread to the next), and {@link #publish} takes no lock. When the symbols are sharded across
 * several Binance connections, their read threads publish concurrently: then (constructed with
 * {@code producers > 1}) {@link #publish} runs under this object's monitor, a critical section of one
 * compare-and-set and two volatile writes, so that {@code seq} is assigned and published in the same order.
 *
 * <p><b>Trades</b> share the seq space: {@link #publishTrade} assigns the next seq to a trade and appends it to the
 * {@link TradeQueue} (never conflated) under the same rules, then publishes {@link #lastPublishedSeq()}; the writer
 * takes trades with {@code seq <= hi} from that queue and merges them with the quotes by seq.
 *
 * <p><b>Depth</b> ({@code INCLUDE_DEPTH}) shares the seq space and the slot rule: symbol {@code i}'s depth frames
 * have a slot of their own, {@code symbols + i} ({@link #depthSlot}), where {@link #publishDepth} links them exactly as
 * quotes are linked, so a newer book of a symbol may replace an unsent one and is then counted conflated (or dropped
 * while the link is down) by the same accounting, slot by slot. Constructed without depth slots, nothing changes for
 * quotes.
 */
final class QuoteSlots {
    /** One quote (or depth frame) waiting in a slot; immutable once published. */
    static final class Entry {
        /** The quote; null for a depth frame. */
        final BookTicker quote;
        /** The depth frame; null for a quote. */
        final Depth depthFrame;
        /** The slot: the symbol's index for a quote, {@link #depthSlot} for a depth frame. */
        final int symbolIndex;
        final Entry next;
        final int depth;
        /** {@link System#nanoTime()} when the oldest quote of this chain was published. */
        final long oldestNanos;
        /** Trades published before this quote (the trade queue's {@link TradeQueue#offered()} then); 0 without. */
        final long tradesBefore;

        Entry(BookTicker quote, int symbolIndex, Entry next, long nowNanos) {
            this(quote, symbolIndex, next, nowNanos, 0);
        }

        Entry(BookTicker quote, int symbolIndex, Entry next, long nowNanos, long tradesBefore) {
            this(quote, null, symbolIndex, next, nowNanos, tradesBefore);
        }

        /**
         * The depth reference fits in the padding of a quote's entry (48 bytes with compressed references either way):
         * quotes allocate no more than before depth existed.
         */
        Entry(BookTicker quote, Depth depth, int symbolIndex, Entry next, long nowNanos, long tradesBefore) {
            this.quote = quote;
            this.depthFrame = depth;
            this.symbolIndex = symbolIndex;
            this.tradesBefore = tradesBefore;
            this.next = next;
            this.depth = next == null ? 1 : next.depth + 1;
            this.oldestNanos = next == null ? nowNanos : next.oldestNanos;
        }

        /** The seq assigned at publish: the quote's, or the depth frame's. */
        long seq() {
            return quote != null ? quote.seq() : depthFrame.seq();
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int maxBacklog;
    private final long maxBacklogAgeNanos;
    private final LongSupplier nanoTime;
    private volatile long lastPublishedSeq;
    private volatile long displaced;
    private volatile boolean backlog;
    private final boolean multiProducer;
    /** Where the last seq taken is kept across restarts ({@code JOURNAL_DIR}); null without one. Set before start. */
    private SenderJournal journal;
    /** Where trades wait; null when the sender relays no trades. */
    private final TradeQueue trades;
    /** Symbols (quote slots); the depth slots, if any, follow them. */
    private final int symbols;

    /**
     * @param symbols number of symbols (slots)
     * @param maxBacklog most quotes one symbol may have waiting while the link is up, at least 1
     * @param maxBacklogAgeNanos a chain whose oldest quote is this old (ns) is replaced by the next quote
     */
    QuoteSlots(int symbols, int maxBacklog, long maxBacklogAgeNanos) {
        this(symbols, maxBacklog, maxBacklogAgeNanos, 1, null, System::nanoTime);
    }

    /**
     * As above, for {@code producers} threads that may publish at the same time (one per Binance connection of a
     * sharded sender).
     */
    QuoteSlots(int symbols, int maxBacklog, long maxBacklogAgeNanos, int producers) {
        this(symbols, maxBacklog, maxBacklogAgeNanos, producers, null, System::nanoTime);
    }

    /**
     * As above, with the queue where trades wait for the writer ({@link #publishTrade}); null when the sender relays
     * no trades.
     */
    QuoteSlots(int symbols, int maxBacklog, long maxBacklogAgeNanos, int producers, TradeQueue trades) {
        this(symbols, maxBacklog, maxBacklogAgeNanos, producers, trades, System::nanoTime);
    }

    /** As above, with a monotonic nanosecond clock for tests. */
    QuoteSlots(int symbols, int maxBacklog, long maxBacklogAgeNanos, LongSupplier nanoTime) {
        this(symbols, maxBacklog, maxBacklogAgeNanos, 1, null, nanoTime);
    }

    /** As above, with a trade queue, for tests. */
    QuoteSlots(int symbols, int maxBacklog, long maxBacklogAgeNanos, TradeQueue trades, LongSupplier nanoTime) {
        this(symbols, maxBacklog, maxBacklogAgeNanos, 1, trades, nanoTime);
    }

    private QuoteSlots(int symbols, int maxBacklog, long maxBacklogAgeNanos, int producers, TradeQueue trades,
                       LongSupplier nanoTime) {
        this(symbols, false, maxBacklog, maxBacklogAgeNanos, producers, trades, nanoTime);
    }

    /**
     * The full form: with {@code depth}, a second slot per symbol for its depth frames ({@link #publishDepth}); the
     * depth relay's thread then counts among the {@code producers}.
     */
    QuoteSlots(int symbols, boolean depth, int maxBacklog, long maxBacklogAgeNanos, int producers, TradeQueue trades,
               LongSupplier nanoTime) {
        if (symbols < 1 || maxBacklog < 1 || maxBacklogAgeNanos < 1) {
            throw new IllegalArgumentException("need at least one symbol and a positive backlog");
        }
        this.symbols = symbols;
        this.slots = new AtomicReferenceArray<>(depth ? 2 * symbols : symbols);
        this.maxBacklog = maxBacklog;
        this.maxBacklogAgeNanos = maxBacklogAgeNanos;
        this.nanoTime = nanoTime;
        this.multiProducer = producers > 1;
        this.trades = trades;
    }

    /**
     * Producer side: gives {@code quote} the next seq and puts it in its symbol's slot.
     *
     * @param symbolIndex index of the quote's symbol
     * @param quote a new instance, not touched by the caller afterwards
     * @return the seq assigned
     */
    long publish(int symbolIndex, BookTicker quote) {
        if (multiProducer) {
            synchronized (this) {
                return publishAsOnlyProducer(symbolIndex, quote);
            }
        }
        return publishAsOnlyProducer(symbolIndex, quote);
    }

    /**
     * Producer side: gives {@code depth} the next seq and puts it in its symbol's depth slot, under the quotes' rule
     * (chained while the link is up and the chain is short and young, else it replaces the chain: conflation).
     *
     * @param symbolIndex index of the symbol (not of the slot)
     * @param depth a new instance, not touched by the caller afterwards
     * @return the seq assigned
     * @throws IllegalStateException when these slots have no depth slots
     */
    long publishDepth(int symbolIndex, Depth depth) {
        if (slots.length() == symbols) {
            throw new IllegalStateException("no depth slots: depth is not relayed");
        }
        if (multiProducer) {
            synchronized (this) {
                return publishAsOnlyProducer(depthSlot(symbolIndex), null, depth);
            }
        }
        return publishAsOnlyProducer(depthSlot(symbolIndex), null, depth);
    }

    /** The slot of symbol {@code symbolIndex}'s depth frames. */
    int depthSlot(int symbolIndex) {
        return symbols + symbolIndex;
    }

    private long publishAsOnlyProducer(int symbolIndex, BookTicker quote) {
        return publishAsOnlyProducer(symbolIndex, quote, null);
    }

    private long publishAsOnlyProducer(int symbolIndex, BookTicker quote, Depth depth) {
        long seq = lastPublishedSeq + 1; // one producer at a time: the caller's hand-over, or this monitor
        if (depth == null) {
            quote.seq(seq);
        } else {
            depth.seq(seq);
        }
        boolean keep = backlog;
        long now = nanoTime.getAsLong();
        long tradesBefore = trades == null ? 0 : trades.offered();
        while (true) {
            Entry head = slots.get(symbolIndex);
            boolean chain = head != null && keep && head.depth < maxBacklog
                    && now - head.oldestNanos < maxBacklogAgeNanos;
            Entry entry = new Entry(quote, depth, symbolIndex, chain ? head : null, now, tradesBefore);
            if (slots.compareAndSet(symbolIndex, head, entry)) {
                if (head != null && !chain) {
                    displaced += head.depth;
                }
                break;
            }
            // the writer took the chain meanwhile: retry against the empty slot
        }
        lastPublishedSeq = seq;
        if (journal != null) {
            journal.taken(seq, System.currentTimeMillis());
        }
        return seq;
    }

    /**
     * Producer side: gives {@code trade} the next seq and appends a copy of it to the trade queue (which drops its
     * oldest trade when full, counted there). Serialised with {@link #publish} as that is.
     *
     * @param trade the caller's instance, reusable once this returns (the queue keeps a copy)
     * @return the seq assigned
     * @throws IllegalStateException when this sender relays no trades (no queue)
     */
    long publishTrade(Trade trade) {
        if (trades == null) {
            throw new IllegalStateException("no trade queue: trades are not relayed");
        }
        if (multiProducer) {
            synchronized (this) {
                return publishTradeAsOnlyProducer(trade);
            }
        }
        return publishTradeAsOnlyProducer(trade);
    }

    private long publishTradeAsOnlyProducer(Trade trade) {
        long seq = lastPublishedSeq + 1;
        trade.seq(seq);
        trades.offer(trade);
        lastPublishedSeq = seq; // after the queue's release of the trade: the writer's hi rule holds for trades
        if (journal != null) {
            journal.taken(seq, System.currentTimeMillis());
        }
        return seq;
    }

    /** The queue where trades wait for the writer, or null when trades are not relayed. */
    TradeQueue trades() {
        return trades;
    }

    /**
     * Writer side: the whole chain of {@code symbolIndex}, newest first, or null; empties the slot. An empty slot
     * costs a plain volatile read, not an atomic swap (the writer looks at every symbol's slot per batch).
     */
    Entry take(int symbolIndex) {
        return slots.get(symbolIndex) == null ? null : slots.getAndSet(symbolIndex, null);
    }

    /**
     * Before any producer starts: continue a session whose earlier lives took seqs up to {@code lastSeq}, and note
     * every seq taken from now on in {@code journal} (two stores into its mapped header per update).
     */
    void continueSession(long lastSeq, SenderJournal journal) {
        this.lastPublishedSeq = lastSeq;
        this.journal = journal;
    }

    /** The highest seq whose quote is in a slot (or was taken, or displaced); 0 before the first. */
    long lastPublishedSeq() {
        return lastPublishedSeq;
    }

    /** Quotes replaced in a slot before the writer took them, since start. */
    long displaced() {
        return displaced;
    }

    /** Lets chains grow (link up) or makes every new quote replace its slot (link down). */
    void backlog(boolean enabled) {
        backlog = enabled;
    }

    /** Quotes currently waiting in the slots; a racy snapshot for statistics. */
    long waiting() {
        long n = 0;
        for (int i = 0; i < slots.length(); i++) {
            Entry e = slots.get(i);
            if (e != null) {
                n += e.depth;
            }
        }
        return n;
    }

    /** The number of slots: the symbols', then (with depth) as many depth slots. */
    int symbols() {
        return slots.length();
    }
}
