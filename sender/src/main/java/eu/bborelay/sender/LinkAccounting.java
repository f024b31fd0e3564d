package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;

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
 * <p><b>Trades</b> are accounted in the same seq order, merged with the quotes. A trade is never conflated: the trades
 * the {@link TradeQueue} dropped when it overflowed are gaps counted as <em>dropped</em>, exactly. Every frame knows
 * how many trades were published before it (a trade: its queue position; a quote:
 * {@link QuoteSlots.Entry#tradesBefore}, stamped at publish), so the number of trades inside a gap is that count of
 * the frame after the gap minus the trades published up to the frame before it; the rest of the gap are quotes,
 * labelled as above.
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
    private volatile long tradesSent;
    /** Trades published with a seq at or below {@link #accountedSeq}. */
    private long tradesThroughAccounted;
    /** Gap seqs that were trades (dropped by the trade queue), counted as dropped. */
    private volatile long tradeDropsAccounted;

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
        account(batch, n, null, null, 0, written, opening);
    }

    /**
     * Accounts the quotes {@code batch[0, n)} and the trades {@code trades[0, m)}, each sorted by seq, merged in seq
     * order.
     *
     * @param tradePositions each trade's {@link TradeQueue} position ({@link TradeQueue#lastPolledPosition()})
     * @param written whether the batch was written and flushed (false: the write failed, all of it is dropped)
     * @param opening whether this is the opening batch of a connection (its gaps are dropped, not conflated)
     */
    void account(QuoteSlots.Entry[] batch, int n, Trade[] trades, long[] tradePositions, int m, boolean written,
                 boolean opening) {
        long h = accountedSeq;
        long tradesThrough = tradesThroughAccounted;
        int k = 0;
        int j = 0;
        while (k < n || j < m) {
            boolean trade = j < m && (k >= n || trades[j].seq() < batch[k].seq());
            QuoteSlots.Entry e = null;
            long s;
            long tradesBefore;
            if (trade) {
                s = trades[j].seq();
                tradesBefore = tradePositions[j++];
            } else {
                e = batch[k++];
                s = e.seq();
                tradesBefore = e.tradesBefore;
            }
            if (s <= h) {
                continue; // a replay of a quote already accounted
            }
            long gap = s - h - 1;
            if (gap > 0) {
                lostInGaps += gap;
                long tradeDrops = tradesBefore - tradesThrough; // the trades published inside the gap: all dropped
                tradeDropsAccounted += tradeDrops;
                if (opening || !written) {
                    dropped += gap;
                } else {
                    dropped += tradeDrops;
                    conflated += gap - tradeDrops;
                }
            }
            if (written) {
                sent++;
                highestWrittenSeq = s;
                if (trade) {
                    tradesSent++;
                } else {
                    lastWritten[e.symbolIndex] = e.quote; // null for a depth slot: depth is never replayed
                }
            } else {
                dropped++;
            }
            h = s;
            tradesThrough = trade ? tradesBefore + 1 : tradesBefore;
        }
        accountedSeq = h;
        tradesThroughAccounted = tradesThrough;
    }

    /**
     * After a reconnect (protocol 2, {@link Resender}): frames counted as sent that the receiver does not have and
     * that are not resent move to conflated (older quotes of a symbol whose latest is resent) or dropped (fell out of
     * the resend buffer). Keeps {@code sent + dropped + conflated == taken}.
     */
    void retract(long toConflated, long toDropped) {
        if (toConflated == 0 && toDropped == 0) {
            return;
        }
        sent -= toConflated + toDropped;
        conflated += toConflated;
        dropped += toDropped;
    }

    /**
     * Before the writer starts, for a session continued from a journal: the earlier lives took seqs up to
     * {@code takenSeq} (none of them is this life's to account: the receiver counts those it never got as gaps) and
     * wrote up to {@code writtenSeq} (the next hello's {@code last_seq}).
     */
    void continueSession(long takenSeq, long writtenSeq) {
        accountedSeq = takenSeq;
        highestWrittenSeq = writtenSeq;
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
        unwrittenAtStop(lastPublishedSeq, waiting, 0);
    }

    /**
     * As above with trades: {@code waiting} counts the trades still queued too, and {@code tradesDropped} is the
     * trade queue's final drop count (the drops not accounted yet are among the remaining seqs).
     */
    void unwrittenAtStop(long lastPublishedSeq, long waiting, long tradesDropped) {
        long remaining = lastPublishedSeq - accountedSeq;
        if (remaining <= 0) {
            return;
        }
        lostInGaps += remaining - waiting;
        dropped += remaining;
        accountedSeq = lastPublishedSeq;
        tradeDropsAccounted = tradesDropped;
    }

    /** The last quote written of symbol {@code symbolIndex}, or null; resent with its seq after a reconnect. */
    BookTicker lastWritten(int symbolIndex) {
        return lastWritten[symbolIndex];
    }

    int symbols() {
        return lastWritten.length;
    }

    /** Frames written to the receiver, quotes and trades, first writes only (replays not counted). */
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
        return unaccountedDisplaced(displacedInSlots, 0);
    }

    /**
     * Quotes replaced before being written that are not accounted yet, when the trade queue has dropped
     * {@code tradesDropped} trades (those unaccounted are {@link #unaccountedTradeDrops}); racy, never negative.
     */
    long unaccountedDisplaced(long displacedInSlots, long tradesDropped) {
        long accounted = lostInGaps; // read first: it only ever trails the others
        long trades = unaccountedTradeDrops(tradesDropped);
        return Math.max(0, displacedInSlots + discardedByWriter + tradesDropped - accounted - trades);
    }

    /**
     * Trades dropped by the queue ({@code tradesDropped}, its total) that no counter holds yet; they will be
     * {@code dropped} once the writer handles a seq above them. A racy estimate, never negative.
     */
    long unaccountedTradeDrops(long tradesDropped) {
        return Math.max(0, tradesDropped - tradeDropsAccounted);
    }

    /** Trades written to the receiver (part of {@link #sent()}). */
    long tradesSent() {
        return tradesSent;
    }

    /** Quotes counted as gaps so far (dropped or conflated without ever being taken individually). */
    long lostInGaps() {
        return lostInGaps;
    }

    long discardedByWriter() {
        return discardedByWriter;
    }
}
