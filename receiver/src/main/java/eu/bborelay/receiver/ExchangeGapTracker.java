package eu.bborelay.receiver;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One symbol's <b>exchange gaps</b>: trade ids ({@code t}) and aggregate trade ids ({@code a}) that never arrived,
 * on any connection, as opposed to relay gaps (a missing {@code seq}). Binance numbers both ids consecutively per
 * symbol, so a delivered trade whose id is above the symbol's highest delivered id plus one reveals the ids between
 * as missing. Some of them may be trades the relay lost (the sender dropped them, or they were written into a link
 * that died): those are relay gaps already. So a hole of {@code n} ids after {@code g} relay gaps (missing seqs of
 * any kind, counted since the previous trade of the same symbol and kind) counts {@code max(0, n - g)} exchange gaps:
 * exact when the relay lost nothing meanwhile, a lower bound otherwise. A trade with an id at or below the highest
 * (a backfilled aggregate trade filling a hole, a late or repeated one) moves nothing.
 *
 * <p>The first trade of a symbol and kind after start has nothing to compare with. A sender restart (a new session)
 * does not reset the ids: trades that happened while no sender was connected never arrived and are exchange gaps.
 *
 * <p><b>Threads.</b> Shared by every connection that delivers the symbol; {@link #onTrade} is lock-free and
 * allocation-free (a compare-and-set on the highest id). When two connections deliver the same symbol at once, the
 * relay-gap attribution may use the other one's mark: an approximation only then.
 */
final class ExchangeGapTracker {
    private static final long NONE = Long.MIN_VALUE;

    /** One kind's ids: the highest delivered, and the receiver's relay gap count when it was delivered. */
    private static final class Ids {
        final AtomicLong highest = new AtomicLong(NONE);
        volatile long relayGapsAtHighest;
    }

    private final Ids trades = new Ids();
    private final Ids aggTrades = new Ids();

    /**
     * A delivered trade.
     *
     * @param agg whether {@code id} is an aggregate trade id {@code a} (else a trade id {@code t})
     * @param id its Binance id
     * @param relayGaps the receiver's relay gaps since start, this trade's own gap (if any) included
     * @return ids newly counted as exchange gaps (0 nearly always)
     */
    long onTrade(boolean agg, long id, long relayGaps) {
        Ids ids = agg ? aggTrades : trades;
        long previous;
        do {
            previous = ids.highest.get();
            if (id <= previous) {
                return 0;
            }
        } while (!ids.highest.compareAndSet(previous, id));
        long mark = ids.relayGapsAtHighest;
        ids.relayGapsAtHighest = relayGaps;
        if (previous == NONE || id == previous + 1) {
            return 0;
        }
        long missing = id - previous - 1;
        long relay = Math.max(0, relayGaps - mark);
        return missing - Math.min(missing, relay);
    }

    /** The highest trade id ({@code t}) delivered, or {@link Long#MIN_VALUE} before the first. */
    long highestTradeId() {
        return trades.highest.get();
    }

    /** The highest aggregate trade id ({@code a}) delivered, or {@link Long#MIN_VALUE} before the first. */
    long highestAggId() {
        return aggTrades.highest.get();
    }
}
