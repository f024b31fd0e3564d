package eu.bborelay.sender;

import eu.bborelay.common.Trade;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Collects the receiver link's next batch from {@link QuoteSlots}: reads {@code hi = lastPublishedSeq()}, takes every
 * slot, keeps the quotes with {@code seq <= hi} sorted by seq in {@link #batch()} and holds the others for the next
 * batch (so that seq strictly increases on the wire). For the opening batch of a connection it keeps only the newest
 * quote per symbol (the rest become gaps, counted as dropped) and adds the last written quote of every symbol
 * without a pending one (replays, see {@link ReceiverLink}).
 *
 * <p><b>Trades</b> (when the slots have a {@link TradeQueue}): taken first, every trade with {@code seq <= hi}, in
 * seq order, copied into {@link #trades()} (instances the collector owns and reuses); at most
 * {@value #MAX_TRADES_PER_BATCH} per batch, and when that cap stops it short {@code hi} becomes the last trade's seq
 * (quotes above it wait in the held list), so that trades and quotes still leave in strictly increasing seq. Never
 * thinned, not even in an opening batch: trades are never conflated. Each trade's queue position is kept in
 * {@link #tradePositions()} for the accounting.
 *
 * <p><b>Threads.</b> Owned by the holder of the link's baton (the {@code relay-sender-link} writer thread, or a
 * Binance WebSocket thread during a direct write); not thread-safe. No allocation in steady state (the arrays grow
 * to the largest batch seen).
 */
final class BatchCollector {
    private static final Comparator<QuoteSlots.Entry> BY_SEQ = Comparator.comparingLong(QuoteSlots.Entry::seq);

    /** Most trades in one batch: bounds the batch after a long outage (the rest follow in the next batches). */
    static final int MAX_TRADES_PER_BATCH = 1024;

    private final QuoteSlots slots;
    private final TradeQueue tradeQueue;
    private final LinkAccounting accounting;
    private Trade[] trades = new Trade[0];
    private long[] tradePositions = new long[0];
    private int tradeCount;
    private final boolean[] seenSymbol;
    private QuoteSlots.Entry[] batch = new QuoteSlots.Entry[64];
    private int batchSize;
    private QuoteSlots.Entry[] held = new QuoteSlots.Entry[16];
    private int heldSize;

    BatchCollector(QuoteSlots slots, LinkAccounting accounting) {
        this.slots = slots;
        this.tradeQueue = slots.trades();
        this.accounting = accounting;
        this.seenSymbol = new boolean[slots.symbols()];
    }

    /** The batch's quotes: valid in {@code [0, n)} for the {@code n} the last collect returned, until {@link #clear}. */
    QuoteSlots.Entry[] batch() {
        return batch;
    }

    /** The batch's trades, in seq order: valid in {@code [0, tradeCount())} until the next collect. */
    Trade[] trades() {
        return trades;
    }

    /** The queue position of each of {@link #trades()}. */
    long[] tradePositions() {
        return tradePositions;
    }

    /** Trades in the batch of the last collect (0 when trades are not relayed). */
    int tradeCount() {
        return tradeCount;
    }

    /**
     * Takes every slot; keeps in the batch the quotes with {@code seq <= hi}, sorted by seq, and holds the others
     * for a later batch. With {@code latestOnly} (opening batch), keeps only the newest quote per symbol: the older
     * ones become gaps (reported to {@link LinkAccounting#discarded}).
     *
     * @return the number of quotes in the batch; the trades are counted by {@link #tradeCount()}
     */
    int collect(boolean latestOnly) {
        long hi = slots.lastPublishedSeq();
        if (tradeQueue != null) {
            hi = collectTrades(hi);
        }
        batchSize = 0;
        int kept = 0;
        for (int k = 0; k < heldSize; k++) {
            QuoteSlots.Entry e = held[k];
            held[k] = null;
            if (e.seq() <= hi) {
                add(e);
            } else {
                held[kept++] = e;
            }
        }
        heldSize = kept;
        for (int i = 0; i < slots.symbols(); i++) {
            for (QuoteSlots.Entry e = slots.take(i); e != null; e = e.next) {
                if (e.seq() <= hi) {
                    add(e);
                } else {
                    if (heldSize == held.length) {
                        held = Arrays.copyOf(held, held.length * 2);
                    }
                    held[heldSize++] = e;
                }
            }
        }
        if (batchSize > 1) {
            Arrays.sort(batch, 0, batchSize, BY_SEQ);
        }
        if (latestOnly && batchSize > 1) {
            Arrays.fill(seenSymbol, false);
            int out = batchSize;
            long discarded = 0;
            for (int k = batchSize - 1; k >= 0; k--) { // newest first: keep the first of each symbol
                QuoteSlots.Entry e = batch[k];
                if (seenSymbol[e.symbolIndex]) {
                    discarded++;
                } else {
                    seenSymbol[e.symbolIndex] = true;
                    batch[--out] = e;
                }
            }
            int n = batchSize - out;
            System.arraycopy(batch, out, batch, 0, n);
            Arrays.fill(batch, n, batchSize, null);
            batchSize = n;
            accounting.discarded(discarded);
        }
        return batchSize;
    }

    /** Takes the trades with {@code seq <= hi}; returns the highest seq the batch may hold. */
    private long collectTrades(long hi) {
        tradeCount = 0;
        while (true) {
            if (tradeCount == MAX_TRADES_PER_BATCH) {
                hi = trades[tradeCount - 1].seq(); // the rest of the trades, and quotes above, in the next batch
                break;
            }
            if (tradeCount == trades.length) {
                int size = Math.min(MAX_TRADES_PER_BATCH, Math.max(16, trades.length * 2));
                trades = Arrays.copyOf(trades, size);
                tradePositions = Arrays.copyOf(tradePositions, size);
                for (int i = tradeCount; i < size; i++) {
                    trades[i] = new Trade();
                }
            }
            if (!tradeQueue.poll(hi, trades[tradeCount])) {
                break;
            }
            tradePositions[tradeCount++] = tradeQueue.lastPolledPosition();
        }
        return hi;
    }

    /**
     * Adds the last written quote of every symbol without a pending one in {@code batch[0, n)} (replays, with their
     * original seq), re-sorted by seq.
     *
     * @param maxSeq only quotes with a seq at or below this are replayed (after a resume: what the receiver has;
     *               the latest quotes above it were resent)
     * @return the batch's new size
     */
    int addReplays(int n, long maxSeq) {
        Arrays.fill(seenSymbol, false);
        for (int k = 0; k < n; k++) {
            seenSymbol[batch[k].symbolIndex] = true;
        }
        for (int i = 0; i < seenSymbol.length; i++) {
            if (!seenSymbol[i] && accounting.lastWritten(i) != null && accounting.lastWritten(i).seq() <= maxSeq) {
                add(new QuoteSlots.Entry(accounting.lastWritten(i), i, null, 0));
            }
        }
        if (batchSize > 1) {
            Arrays.sort(batch, 0, batchSize, BY_SEQ);
        }
        return batchSize;
    }

    /** Forgets {@code batch[0, n)} and the trades once they are written and accounted. */
    void clear(int n) {
        Arrays.fill(batch, 0, n, null);
        batchSize = 0;
        tradeCount = 0;
    }

    /**
     * On stop: empties the slots and the held quotes.
     *
     * @return how many quotes and trades were still waiting (taken from nowhere yet, so not gaps)
     */
    long drainAtStop() {
        long waiting = heldSize;
        if (tradeQueue != null) {
            Trade scratch = new Trade();
            while (tradeQueue.poll(Long.MAX_VALUE, scratch)) {
                waiting++;
            }
        }
        for (int i = 0; i < slots.symbols(); i++) {
            QuoteSlots.Entry e = slots.take(i);
            if (e != null) {
                waiting += e.depth;
            }
        }
        Arrays.fill(held, 0, heldSize, null);
        heldSize = 0;
        return waiting;
    }

    private void add(QuoteSlots.Entry e) {
        if (batchSize == batch.length) {
            batch = Arrays.copyOf(batch, batch.length * 2);
        }
        batch[batchSize++] = e;
    }
}
