package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;

/**
 * The receiver link's loss accounting, the product's core promise: every {@code seq} the sender assigned ends
 * counted exactly once, as <em>sent</em> (written to the receiver), <em>dropped</em> (never written: the receiver
 * was unreachable or a write failed) or <em>conflated</em> (replaced by a newer quote of its symbol while the link was
 * up). Once the slots are drained (after {@link #unwrittenAtStop}), {@code sent + dropped + conflated == taken}.
 *
 * <p>The writer accounts batches in seq order ({@link #account}): each seq it has not written below the highest one it
 * has handled ({@link #accountedSeq()}) is a gap. Gaps found in the opening batch of a connection, and every quote of
 * a batch whose write failed (with the gaps inside it), count as dropped; other gaps are quotes replaced in their
 * slot while the link was up, conflated. A seq at or below {@link #accountedSeq()} is a replay (the latest quote of a
 * symbol resent after a reconnect) and counts in nothing.
 *
 * <p><b>Threads.</b> Written only by the holder of the link's baton: the {@code relay-sender-link} writer thread, or a
 * Binance WebSocket thread during a direct write (the baton's compare-and-set orders them). The counters are
 * volatile: any thread may read them (a snapshot a few updates apart while the sender runs).
 */
final class LinkAccounting {
    private final BookTicker[] lastWritten;
    private volatile long sent;
    private volatile long dropped;
    private volatile long conflated;
    private volatile long lostInGaps;
    private volatile long discardedByWriter;
    private volatile long accountedSeq;
    private volatile long highestWrittenSeq;

    /** @param symbols the number of symbols (indexes {@code 0..symbols-1}) */
    LinkAccounting(int symbols) {
        this.lastWritten = new BookTicker[symbols];
    }

    /**
     * Accounts {@code batch[0, n)}, sorted by seq, in seq order.
     *
     * @param written whether the batch was written and flushed (false: the write failed, all of it is dropped)
     * @param opening whether this is the opening batch of a connection (its gaps are dropped, not conflated)
     */
    void account(QuoteSlots.Entry[] batch, int n, boolean written, boolean opening) {
        long h = accountedSeq;
        for (int k = 0; k < n; k++) {
            QuoteSlots.Entry e = batch[k];
            long s = e.quote.seq();
            if (s <= h) {
                continue; // a replay of a quote already accounted
            }
            long gap = s - h - 1;
            if (gap > 0) {
                lostInGaps += gap;
                if (opening || !written) {
                    dropped += gap;
                } else {
                    conflated += gap;
                }
            }
            if (written) {
                sent++;
                highestWrittenSeq = s;
                lastWritten[e.symbolIndex] = e.quote;
            } else {
                dropped++;
            }
            h = s;
        }
        accountedSeq = h;
    }

    /** Quotes the writer discarded itself (older quotes of a symbol in an opening batch); they become gaps. */
    void discarded(long quotes) {
        discardedByWriter += quotes;
    }

    /**
     * On stop: every seq up to {@code lastPublishedSeq} not accounted yet is dropped.
     *
     * @param waiting quotes still taken from the slots but unaccounted (they are not gaps, the rest are)
     */
    void unwrittenAtStop(long lastPublishedSeq, long waiting) {
        long remaining = lastPublishedSeq - accountedSeq;
        if (remaining <= 0) {
            return;
        }
        lostInGaps += remaining - waiting;
        dropped += remaining;
        accountedSeq = lastPublishedSeq;
    }

    /** The last quote written of symbol {@code symbolIndex}, or null; resent with its seq after a reconnect. */
    BookTicker lastWritten(int symbolIndex) {
        return lastWritten[symbolIndex];
    }

    int symbols() {
        return lastWritten.length;
    }

    /** Quotes written to the receiver, first writes only (replays not counted). */
    long sent() {
        return sent;
    }

    long dropped() {
        return dropped;
    }

    long conflated() {
        return conflated;
    }

    /** The highest seq accounted: every seq at or below it is counted in exactly one of the three counters. */
    long accountedSeq() {
        return accountedSeq;
    }

    /** The highest seq written on any connection; the next hello's {@code lastSeq}. */
    long highestWrittenSeq() {
        return highestWrittenSeq;
    }

    /**
     * Quotes replaced before being written (displaced in a slot, or discarded by the writer) that are not accounted
     * yet (they will be at the next batch); a racy estimate, never negative.
     *
     * @param displacedInSlots {@link QuoteSlots#displaced()}
     */
    long unaccountedDisplaced(long displacedInSlots) {
        long accounted = lostInGaps; // read first: it only ever trails the other two
        return Math.max(0, displacedInSlots + discardedByWriter - accounted);
    }

    /** Quotes counted as gaps so far (dropped or conflated without ever being taken individually). */
    long lostInGaps() {
        return lostInGaps;
    }

    long discardedByWriter() {
        return discardedByWriter;
    }
}
