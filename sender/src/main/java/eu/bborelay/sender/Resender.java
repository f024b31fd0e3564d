package eu.bborelay.sender;

import eu.bborelay.common.EpochNanoClock;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * After a reconnect to a receiver that answered the hello with {@code resume} (protocol 2): writes again, in seq
 * order and before any new frame, what the receiver does not have from the {@link UnackedFrames}. Trades and agg
 * trades are resent in full; of the quotes only the latest per symbol (a quote is worth only its newest copy): the
 * older ones are counted as conflated, and so are gaps at the receiver, as for any conflation. Frames that fell out
 * of the buffer before they could be resent are counted as dropped. Both corrections move frames out of
 * {@code sent} (they were counted sent when first written), so {@code sent + dropped + conflated == taken} holds.
 *
 * <p><b>Threads.</b> Called only by the {@code relay-sender-link} writer thread, with the baton, between the hello
 * and the opening batch. Allocation: one array of symbols, at construction.
 */
final class Resender {
    private final UnackedFrames unacked;
    private final AckTracker acks;
    private final LinkAccounting accounting;
    private final EpochNanoClock clock;
    /** Per symbol: the latest quote's seq among the frames to resend. */
    private final long[] latestQuoteSeq;
    /**
     * Entries below this index were looked at by an earlier resend: a quote skipped then was counted conflated then
     * (it stays skipped: newer quotes of its symbol only get added), so it is not counted again when a resend fails
     * and the next connection resends.
     */
    private long countedBelowEntry;

    private volatile long resent;
    /** Of {@link #resent}, frames an earlier life of the session took (recovered from the journal). */
    private volatile long resentInherited;
    private volatile long conflatedInherited;
    /** The last seq of the session's earlier lives (the journal's); 0 without a journal. */
    private final long inheritedSeq;
    /** A copy of the frame being resent (the stored one keeps its bytes: a journal record's CRC covers them). */
    private byte[] frame = new byte[512];
    private volatile long resentTrades;
    private volatile long conflated;
    private volatile long dropped;
    private volatile long resends;
    private volatile long lastResendNanos;
    private volatile long lastResendFrames;

    Resender(UnackedFrames unacked, AckTracker acks, LinkAccounting accounting, EpochNanoClock clock, int symbols) {
        this(unacked, acks, accounting, clock, symbols, 0);
    }

    /**
     * @param inheritedSeq the last seq taken by earlier lives of the session ({@code JOURNAL_DIR}); quotes up to it
     *                     that are not resent are counted in {@link #conflatedInherited()}, not in this life's
     *                     conflated (they were never in its sent)
     */
    Resender(UnackedFrames unacked, AckTracker acks, LinkAccounting accounting, EpochNanoClock clock, int symbols,
             long inheritedSeq) {
        this.inheritedSeq = inheritedSeq;
        this.unacked = unacked;
        this.acks = acks;
        this.accounting = accounting;
        this.clock = clock;
        this.latestQuoteSeq = new long[symbols];
    }

    /**
     * Writes what the receiver lacks above {@code resumeSeq} to {@code out} (buffered; the caller flushes with its
     * opening batch) and accounts what is not resent.
     *
     * @return the number of frames written
     * @throws IOException when a write fails (the frames stay in the buffer for the next connection)
     */
    int resend(long resumeSeq, OutputStream out) throws IOException {
        long start = System.nanoTime();
        unacked.release(resumeSeq);
        long lost = acks.lostAbove(resumeSeq);
        long first = unacked.first();
        long end = unacked.end();
        Arrays.fill(latestQuoteSeq, 0);
        for (long e = first; e < end; e++) {
            int symbol = unacked.symbolIndex(e);
            if (symbol != UnackedFrames.TRADE) {
                latestQuoteSeq[symbol] = unacked.seq(e); // increasing: the last one wins
            }
        }
        int written = 0;
        int trades = 0;
        long skipped = 0;
        long skippedInherited = 0;
        for (long e = first; e < end; e++) {
            int symbol = unacked.symbolIndex(e);
            if (symbol != UnackedFrames.TRADE && latestQuoteSeq[symbol] != unacked.seq(e)) {
                if (e >= countedBelowEntry) {
                    if (unacked.seq(e) <= inheritedSeq) {
                        skippedInherited++; // taken by an earlier life: in none of this life's counters
                    } else {
                        skipped++;
                    }
                }
                continue;
            }
            int length = unacked.length(e);
            if (frame.length < length) {
                frame = new byte[Math.max(length, frame.length * 2)];
            }
            unacked.copyFrame(e, frame);
            UnackedFrames.restamp(frame, clock.epochNanos());
            out.write(frame, 0, length);
            if (unacked.seq(e) <= inheritedSeq) {
                resentInherited++;
            }
            written++;
            if (symbol == UnackedFrames.TRADE) {
                trades++;
            }
        }
        countedBelowEntry = end;
        accounting.retract(skipped, lost);
        resent += written;
        resentTrades += trades;
        conflated += skipped;
        conflatedInherited += skippedInherited;
        dropped += lost;
        resends++;
        lastResendFrames = written;
        lastResendNanos = System.nanoTime() - start;
        return written;
    }

    /**
     * After a connection whose receiver did not answer the hello (it no longer acknowledges: protocol 1, or the original
     * Python receiver): nothing can be resent. The frames not acknowledged stay counted as sent, as protocol 1 counts
     * every frame written (such a receiver starts a session new to it at the hello's {@code last_seq}, so it counts no
     * gap for them either).
     */
    void abandon() {
        unacked.clear();
        acks.lostAbove(Long.MAX_VALUE);
    }

    /** Frames written again after reconnects (not in {@code sent}). */
    long resent() {
        return resent;
    }

    /** Of {@link #resent()}, trades. */
    long resentTrades() {
        return resentTrades;
    }

    /** Of {@link #resent()}, frames taken by an earlier life of the session (recovered from the journal). */
    long resentInherited() {
        return resentInherited;
    }

    /** Quotes of an earlier life (journal) not resent because a newer one of their symbol was. */
    long conflatedInherited() {
        return conflatedInherited;
    }

    /** Quotes not resent because a newer one of their symbol was (moved from sent to conflated). */
    long conflated() {
        return conflated;
    }

    /** Frames that fell out of the buffer and never arrived (moved from sent to dropped). */
    long dropped() {
        return dropped;
    }

    /** Resends done (one per reconnect to a receiver that answered with resume). */
    long resends() {
        return resends;
    }

    /** How long the last resend took to write (before the flush), ns. */
    long lastResendNanos() {
        return lastResendNanos;
    }

    long lastResendFrames() {
        return lastResendFrames;
    }
}
