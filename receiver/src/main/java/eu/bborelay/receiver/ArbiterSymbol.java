package eu.bborelay.receiver;

import java.util.concurrent.atomic.LongAdder;

/**
 * A/B arbitration of one symbol and one kind of update (quotes, trades or aggregate trades): decides which copy is
 * delivered, and finds the updates no path delivered (merged gaps). See docs/PROTOCOL.md, "A/B senders".
 *
 * <p><b>Which copy wins.</b> Quotes: a quote whose update id {@code u} is above the highest delivered one; an equal
 * or lower {@code u} is a duplicate (or older than what the listener has) and dropped. Trades and aggregate trades:
 * an id not delivered before ({@link IdWindow}); late ones are delivered too, as the single-sender receiver does.
 *
 * <p><b>Merged gaps.</b> Per path this keeps a <i>run</i>: the ids {@code [runStart, lastId]} of this symbol that the
 * path received with no hole (no seq jump of the path) in between, so it received every update of the symbol in that
 * range. A hole of the path ends its run: the next update of the symbol on that path starts a new one (for trade ids,
 * which are consecutive, not when the next id is the last + 1: nothing of this symbol was in the hole). The
 * <i>covered</i> mark is the id up to which some path's run proves that every update of the symbol arrived; it moves
 * up through every run that starts at or below it ({@code covered + 1} for trade ids). When some path is beyond
 * {@code covered} but its run starts above it, the updates in between may still come from a path that is behind:
 * one that is connected (or disconnected less than {@link ArbiterPath#RECONNECT_GRACE_NANOS} ago: its sender may
 * reconnect and resend) and whose run reaches up to {@code covered}, at or below it. When there is no such path any
 * more, the range is a merged gap: no path can prove it received those updates. For quotes ({@code u} jumps) the
 * number of updates lost is unknown and one merged gap is counted per range; for trade ids, the ids in the range.
 *
 * <p>Not thread-safe: every method is called with this object's monitor held, by the reader threads of the
 * paths (the listener call for a winner is made under it too, so the listener sees each symbol's updates in order).
 * Allocation-free.
 */
final class ArbiterSymbol {
    /** What is arbitrated: the three kinds of update, each with its own id. */
    enum Kind {
        /** bookTicker, by update id {@code u} (not consecutive). */
        QUOTE("bbo", false),
        /** trade, by trade id {@code t} (consecutive per symbol). */
        TRADE("trade", true),
        /** aggTrade, by aggregate trade id {@code a} (consecutive per symbol). */
        AGG_TRADE("agg_trade", true);

        final String wireName;
        final boolean consecutive;

        Kind(String wireName, boolean consecutive) {
            this.wireName = wireName;
            this.consecutive = consecutive;
        }
    }

    /** What {@link #offer} decided. */
    enum Verdict {
        /** The first copy: deliver. */
        WIN,
        /** Delivered before (or, for quotes, older than the quote delivered): drop. */
        DUPLICATE,
        /** A trade id below the id window: dropped, counted as the path's stale. */
        STALE
    }

    final String symbol;
    final Kind kind;
    private final LongAdder mergedGapSink;

    private boolean anchored;
    /** Quotes: the highest {@code u} delivered, once {@link #deliveredAny}. */
    private long highestDelivered;
    private boolean deliveredAny;
    /** Trades: the ids delivered recently; null for quotes. */
    private final IdWindow delivered;
    private long covered;
    private final ArbiterPath[] paths = new ArbiterPath[Arbiter.MAX_PATHS];
    private final long[] runStart = new long[Arbiter.MAX_PATHS];
    private final long[] lastId = new long[Arbiter.MAX_PATHS];
    private final long[] epochAt = new long[Arbiter.MAX_PATHS];

    /** Merged gaps found by the last {@link #offer}: count, and the last range (after, before), exclusive. */
    private long newGaps;
    private long gapAfter;
    private long gapBefore;

    ArbiterSymbol(String symbol, Kind kind, LongAdder mergedGapSink) {
        this.symbol = symbol;
        this.kind = kind;
        this.mergedGapSink = mergedGapSink;
        this.delivered = kind.consecutive ? new IdWindow() : null;
    }

    /**
     * A copy of the update with exchange id {@code id} arrived on {@code path} (after the path's holes, if any, were
     * reported with {@link ArbiterPath#onHole}). Updates the runs, the covered mark and the merged gaps (see
     * {@link #newGaps()}), and says whether this copy is the one to deliver.
     */
    Verdict offer(ArbiterPath path, long id) {
        newGaps = 0;
        int i = path.slot;
        long epoch = path.gapEpoch();
        if (paths[i] != path) { // first update of this symbol on this path (or a forgotten path's slot reused)
            paths[i] = path;
            runStart[i] = id;
            lastId[i] = id;
            epochAt[i] = epoch;
        } else if (id > lastId[i]) {
            if (epoch != epochAt[i] && !(kind.consecutive && id == lastId[i] + 1)) {
                runStart[i] = id; // a hole of the path since its previous update of this symbol: a new run
            }
            lastId[i] = id;
            epochAt[i] = epoch;
        } // else: at or below the path's last id (a late copy): its run is unchanged
        if (!anchored) {
            anchored = true;
            covered = id;
        }
        Verdict verdict = decide(id);
        advance();
        return verdict;
    }

    private Verdict decide(long id) {
        if (delivered == null) {
            if (!deliveredAny || id > highestDelivered) {
                highestDelivered = id;
                deliveredAny = true;
                return Verdict.WIN;
            }
            return Verdict.DUPLICATE;
        }
        return switch (delivered.offer(id)) {
            case NEW -> Verdict.WIN;
            case SEEN -> Verdict.DUPLICATE;
            case TOO_OLD -> Verdict.STALE;
        };
    }

    /** Moves the covered mark through the runs, and past the ranges no path can fill any more (merged gaps). */
    private void advance() {
        for (;;) {
            extend();
            long next = Long.MAX_VALUE;
            for (int i = 0; i < paths.length; i++) {
                if (paths[i] != null && lastId[i] > covered) {
                    next = Math.min(next, runStart[i]); // above covered + 1 (or covered), else extend took it
                }
            }
            if (next == Long.MAX_VALUE || anyPathBehind()) {
                return;
            }
            long missing = kind.consecutive ? next - covered - 1 : 1;
            newGaps += missing;
            mergedGapSink.add(missing);
            gapAfter = covered;
            gapBefore = next;
            covered = next;
        }
    }

    /** Through every run that starts at or below the covered mark (or right after it, for consecutive ids). */
    private void extend() {
        boolean moved = true;
        while (moved) {
            moved = false;
            long reach = kind.consecutive ? covered + 1 : covered;
            for (int i = 0; i < paths.length; i++) {
                if (paths[i] != null && runStart[i] <= reach && lastId[i] > covered) {
                    covered = lastId[i];
                    moved = true;
                }
            }
        }
    }

    /**
     * A path connected (or in its reconnect grace) whose run reaches the covered mark from below: it may still deliver
     * what is missing.
     */
    private boolean anyPathBehind() {
        long reach = kind.consecutive ? covered + 1 : covered;
        for (int i = 0; i < paths.length; i++) {
            ArbiterPath p = paths[i];
            if (p != null && p.alive() && runStart[i] <= reach && lastId[i] <= covered) {
                return true;
            }
        }
        return false;
    }

    /** Forgets {@code path} (its slot goes to another path). */
    void forget(ArbiterPath path) {
        int i = path.slot;
        if (paths[i] == path) {
            paths[i] = null;
        }
    }

    /** Merged gaps the last {@link #offer} found (quotes: ranges; trades: ids); 0 mostly. */
    long newGaps() {
        return newGaps;
    }

    /** After {@link #newGaps()} &gt; 0: the last id known received before the (last) merged gap. */
    long gapAfter() {
        return gapAfter;
    }

    /** After {@link #newGaps()} &gt; 0: the first id received after it. */
    long gapBefore() {
        return gapBefore;
    }

    /** Every update up to this id arrived on some path or was counted as a merged gap. */
    long covered() {
        return covered;
    }
}
