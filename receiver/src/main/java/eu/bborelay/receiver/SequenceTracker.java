package eu.bborelay.receiver;

import java.util.Arrays;

/**
 * Tracks the sequence numbers of one sender session and decides, per quote, whether to deliver it and what it
 * says about losses. Pure state machine: no clock, no I/O, no allocation on the common paths.
 *
 * <p>State: {@code last}, the highest sequence number seen (or the baseline), and a 64-wide window below it of
 * two bitmaps, bit {@code k} standing for {@code last - k}: seen (delivered) and counted-as-gap. Every sequence
 * number in {@code (baseline, last]} is exactly one of the two while inside the window. Invariant: for any order
 * of arrival, {@code delivered + gaps == last - baseline} counting only deliveries above the baseline, and nothing
 * is delivered twice.
 *
 * <p>Owned by one connection's reader thread at a time (the session's owner); not thread-safe.
 */
final class SequenceTracker {
    /** Width of the window of recent sequence numbers, in sequence numbers. */
    static final int WINDOW = 64;
    /** Bound on remembered replays below the baseline (one per symbol in practice). */
    static final int MAX_REPLAYED_BELOW_BASELINE = 4096;

    /** What to do with a quote, and why. */
    enum Verdict {
        /** The next sequence number: deliver. */
        IN_ORDER(true),
        /** Skipped ahead: deliver; {@link #gapExpectedSeq()} .. {@link #gapReceivedSeq()} - 1 are missing. */
        GAP(true),
        /** Arrived after a higher one and fills a gap counted earlier: deliver (gaps - 1, outOfOrder + 1). */
        LATE(true),
        /**
         * At or below the baseline of a session new to this receiver: the sender's replay of its latest quote of a
         * symbol after it reconnected, seen here for the first time: deliver.
         */
        REPLAYED_LATEST(true),
        /** Legacy session only: seq 1 after a higher one, the sender restarted: deliver, start over, no gap. */
        RESTART(true),
        /** Delivered before and not a reconnect replay: drop, count a duplicate. */
        DUPLICATE(false),
        /** Delivered before, at or below the last hello's {@code lastSeq}: a reconnect replay, drop quietly. */
        REPLAY(false),
        /** Older than the window and not a replay: drop, count out-of-order. */
        STALE(false);

        final boolean deliver;

        Verdict(boolean deliver) {
            this.deliver = deliver;
        }
    }

    private final boolean legacy;
    private boolean anchored;
    private long baseline;
    private long last;
    private long seenBits;
    private long gapBits;
    private long replayHigh;
    private int hellos;
    private long gapExpectedSeq;
    private long gapReceivedSeq;
    private long[] replayedBelowBaseline = new long[0]; // sorted
    private int replayedCount;

    private long delivered;
    private long gaps;
    private long duplicates;
    private long outOfOrder;
    private long replaysIgnored;

    private SequenceTracker(boolean legacy, boolean anchored, long baseline) {
        this.legacy = legacy;
        this.anchored = anchored;
        this.baseline = baseline;
        this.last = baseline;
        this.replayHigh = baseline;
    }

    /**
     * A session announced by a hello that this receiver has not seen: updates up to {@code lastSeq} were written
     * before this receiver saw the session, so counting starts there (updates the sender dropped while no receiver
     * was connected become gaps).
     */
    static SequenceTracker fromHello(long lastSeq) {
        if (lastSeq < 0) {
            throw new IllegalArgumentException("lastSeq must be >= 0, was " + lastSeq);
        }
        return new SequenceTracker(false, true, lastSeq);
    }

    /**
     * The session shared by senders that send no hello (the original Python sender): the first quote anchors the
     * count (no gap for what came before this receiver started), and seq 1 after a higher one is a restart.
     */
    static SequenceTracker legacy() {
        return new SequenceTracker(true, false, 0);
    }

    /**
     * A hello of this session arrived (on a new connection). Keeps this receiver's own state, which is stricter
     * than the sender's {@code lastSeq}: frames lost in a dead socket still show as gaps on the next quote.
     *
     * @return true for the session's first hello
     */
    boolean onHello(long lastSeq) {
        replayHigh = lastSeq;
        return ++hellos == 1;
    }

    /** Classifies the quote with sequence number {@code seq} (at least 1) and updates the counts. */
    Verdict onQuote(long seq) {
        if (!anchored) {
            anchored = true;
            baseline = seq - 1;
            last = baseline;
            replayHigh = baseline;
        }
        if (seq > last) {
            return advance(seq);
        }
        if (legacy && seq == 1 && last > 1) {
            baseline = 0;
            last = 1;
            seenBits = 1L;
            gapBits = 0;
            replayHigh = 0;
            replayedCount = 0;
            delivered++;
            return Verdict.RESTART;
        }
        if (seq <= baseline) {
            return belowBaseline(seq);
        }
        long age = last - seq;
        if (age < WINDOW) {
            long bit = 1L << age;
            if ((seenBits & bit) != 0) {
                return seenBefore(seq);
            }
            // Not seen, so counted as a gap: (baseline, last] is one or the other while in the window.
            seenBits |= bit;
            gapBits &= ~bit;
            gaps--;
            outOfOrder++;
            delivered++;
            return Verdict.LATE;
        }
        if (seq <= replayHigh) {
            replaysIgnored++;
            return Verdict.REPLAY;
        }
        outOfOrder++;
        return Verdict.STALE;
    }

    private Verdict advance(long seq) {
        long step = seq - last;
        if (step >= WINDOW) {
            seenBits = 1L;
            gapBits = -2L; // bits 1..63: all missing
        } else {
            seenBits = (seenBits << step) | 1L;
            gapBits = (gapBits << step) | (((1L << step) - 1) & ~1L);
        }
        long expected = last + 1;
        last = seq;
        delivered++;
        if (step == 1) {
            return Verdict.IN_ORDER;
        }
        gaps += step - 1;
        gapExpectedSeq = expected;
        gapReceivedSeq = seq;
        return Verdict.GAP;
    }

    private Verdict belowBaseline(long seq) {
        if (legacy) {
            outOfOrder++;
            return Verdict.STALE;
        }
        int i = Arrays.binarySearch(replayedBelowBaseline, 0, replayedCount, seq);
        if (i >= 0) {
            return seenBefore(seq);
        }
        if (replayedCount < MAX_REPLAYED_BELOW_BASELINE) {
            int at = -i - 1;
            if (replayedCount == replayedBelowBaseline.length) {
                replayedBelowBaseline = Arrays.copyOf(replayedBelowBaseline, Math.max(8, replayedCount * 2));
            }
            System.arraycopy(replayedBelowBaseline, at, replayedBelowBaseline, at + 1, replayedCount - at);
            replayedBelowBaseline[at] = seq;
            replayedCount++;
        }
        delivered++;
        return Verdict.REPLAYED_LATEST;
    }

    private Verdict seenBefore(long seq) {
        if (seq <= replayHigh) {
            replaysIgnored++;
            return Verdict.REPLAY;
        }
        duplicates++;
        return Verdict.DUPLICATE;
    }

    /** After {@link Verdict#GAP}: the sequence number that should have come next. */
    long gapExpectedSeq() {
        return gapExpectedSeq;
    }

    /** After {@link Verdict#GAP}: the sequence number that came instead. */
    long gapReceivedSeq() {
        return gapReceivedSeq;
    }

    /** Highest sequence number seen, or the baseline before the first quote. */
    long lastSeq() {
        return last;
    }

    /** Sequence numbers at or below this are not counted as delivered or missing (see class javadoc). */
    long baseline() {
        return baseline;
    }

    long delivered() {
        return delivered;
    }

    long gaps() {
        return gaps;
    }

    long duplicates() {
        return duplicates;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    long replaysIgnored() {
        return replaysIgnored;
    }

    boolean isLegacy() {
        return legacy;
    }
}
