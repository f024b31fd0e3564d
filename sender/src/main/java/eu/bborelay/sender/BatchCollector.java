package eu.bborelay.sender;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Collects the receiver link's next batch from {@link QuoteSlots}: reads {@code hi = lastPublishedSeq()}, takes every
 * slot, keeps the quotes with {@code seq <= hi} sorted by seq in {@link #batch()} and holds the others for the next
 * batch (so that seq strictly increases on the wire). For the opening batch of a connection it keeps only the newest
 * quote per symbol (the rest become gaps, counted as dropped) and adds the last written quote of every symbol
 * without a pending one (replays, see {@link ReceiverLink}).
 *
 * <p><b>Threads.</b> Owned by the holder of the link's baton (the {@code relay-sender-link} writer thread, or a
 * Binance WebSocket thread during a direct write); not thread-safe. No allocation in steady state (the arrays grow
 * to the largest batch seen).
 */
final class BatchCollector {
    private static final Comparator<QuoteSlots.Entry> BY_SEQ = Comparator.comparingLong(e -> e.quote.seq());

    private final QuoteSlots slots;
    private final LinkAccounting accounting;
    private final boolean[] seenSymbol;
    private QuoteSlots.Entry[] batch = new QuoteSlots.Entry[64];
    private int batchSize;
    private QuoteSlots.Entry[] held = new QuoteSlots.Entry[16];
    private int heldSize;

    BatchCollector(QuoteSlots slots, LinkAccounting accounting) {
        this.slots = slots;
        this.accounting = accounting;
        this.seenSymbol = new boolean[slots.symbols()];
    }

    /** The batch: valid in {@code [0, n)} for the {@code n} the last collect returned, until {@link #clear}. */
    QuoteSlots.Entry[] batch() {
        return batch;
    }

    /**
     * Takes every slot; keeps in the batch the quotes with {@code seq <= hi}, sorted by seq, and holds the others
     * for a later batch. With {@code latestOnly} (opening batch), keeps only the newest quote per symbol: the older
     * ones become gaps (reported to {@link LinkAccounting#discarded}).
     *
     * @return the batch's size
     */
    int collect(boolean latestOnly) {
        long hi = slots.lastPublishedSeq();
        batchSize = 0;
        int kept = 0;
        for (int k = 0; k < heldSize; k++) {
            QuoteSlots.Entry e = held[k];
            held[k] = null;
            if (e.quote.seq() <= hi) {
                add(e);
            } else {
                held[kept++] = e;
            }
        }
        heldSize = kept;
        for (int i = 0; i < slots.symbols(); i++) {
            for (QuoteSlots.Entry e = slots.take(i); e != null; e = e.next) {
                if (e.quote.seq() <= hi) {
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

    /**
     * Adds the last written quote of every symbol without a pending one in {@code batch[0, n)} (replays, with their
     * original seq), re-sorted by seq.
     *
     * @return the batch's new size
     */
    int addReplays(int n) {
        Arrays.fill(seenSymbol, false);
        for (int k = 0; k < n; k++) {
            seenSymbol[batch[k].symbolIndex] = true;
        }
        for (int i = 0; i < seenSymbol.length; i++) {
            if (!seenSymbol[i] && accounting.lastWritten(i) != null) {
                add(new QuoteSlots.Entry(accounting.lastWritten(i), i, null, 0));
            }
        }
        if (batchSize > 1) {
            Arrays.sort(batch, 0, batchSize, BY_SEQ);
        }
        return batchSize;
    }

    /** Forgets {@code batch[0, n)} once it is written and accounted. */
    void clear(int n) {
        Arrays.fill(batch, 0, n, null);
        batchSize = 0;
    }

    /**
     * On stop: empties the slots and the held quotes.
     *
     * @return how many quotes were still waiting (taken from nowhere yet, so not gaps)
     */
    long drainAtStop() {
        long waiting = heldSize;
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
