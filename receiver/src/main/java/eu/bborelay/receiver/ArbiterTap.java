package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;

/**
 * The listener side of A/B arbitration for one connection ({@link ReceiverConfig#arbitration()}): offers each update
 * that the session's {@link SequenceTracker} would deliver to the symbol's {@link ArbiterSymbol} and, for the first
 * copy only, does what {@link Connection} does without arbitration (latency, latest-quote slot, staleness, counters,
 * the listener call). A merged gap goes to {@link TickerListener#onMergedGap} first and is logged after.
 *
 * <p>Called on the connection's reader thread only. Each decision and its delivery are made under the symbol's
 * {@link ArbiterSymbol} monitor, so the listener sees each symbol's updates in order whichever path delivers them
 * (docs/CONCURRENCY.md, "A/B arbitration"); the path's counters and the log lines come after it is released.
 */
final class ArbiterTap {
    private final ReceiverContext ctx;
    private final Connection connection;
    private final TickerListener listener;
    private final Counters counters;

    ArbiterTap(ReceiverContext ctx, Connection connection) {
        this.ctx = ctx;
        this.connection = connection;
        this.listener = ctx.listener;
        this.counters = ctx.counters;
    }

    /**
     * A quote of path {@code p}: delivered (published to {@code slot}, counted, passed to the listener) only if it is
     * the first copy.
     *
     * @param latencyNanos its one-way latency, clamped; -1 when not measured
     */
    void quote(BookTicker q, ArbiterSymbol a, ArbiterPath p, SymbolState state, QuoteSlot slot, long latencyNanos) {
        ArbiterSymbol.Verdict v;
        long merged;
        long after;
        long before;
        synchronized (a) {
            v = a.offer(p, q.updateId());
            merged = a.newGaps();
            after = a.gapAfter();
            before = a.gapBefore();
            if (merged > 0) {
                mergedGap(a);
            }
            if (v == ArbiterSymbol.Verdict.WIN) {
                if (latencyNanos >= 0) {
                    state.latency.record(latencyNanos);
                    ctx.latency.record(latencyNanos);
                }
                slot.publish(q);
                state.touch(System.nanoTime(), listener, connection);
                state.quotes.increment();
                counters.quotesDelivered.increment();
                try {
                    listener.onBookTicker(q);
                } catch (Throwable t) {
                    connection.listenerFailedOnReader(t);
                }
            }
        }
        count(p, v);
        if (merged > 0) {
            logMergedGap(a, p, merged, after, before);
        }
    }

    /**
     * A trade or aggregate trade of path {@code p}: delivered only if its id was not delivered before; exchange gaps
     * are tracked on the merged stream.
     */
    void trade(Trade t, ArbiterPath p, SymbolState state, boolean agg) {
        ArbiterSymbol a = ctx.arbiter.trades(t.symbol(), agg);
        ArbiterSymbol.Verdict v;
        long merged;
        long after;
        long before;
        long exchangeGaps = 0;
        synchronized (a) {
            v = a.offer(p, agg ? t.aggId() : t.tradeId());
            merged = a.newGaps();
            after = a.gapAfter();
            before = a.gapBefore();
            if (merged > 0) {
                mergedGap(a);
            }
            if (v == ArbiterSymbol.Verdict.WIN) {
                if (agg) {
                    state.aggTrades.increment();
                    counters.aggTradesDelivered.increment();
                } else {
                    state.trades.increment();
                    counters.tradesDelivered.increment();
                }
                exchangeGaps = Connection.exchangeGaps(counters, state, t, agg);
                try {
                    listener.onTrade(t);
                } catch (Throwable e) {
                    connection.listenerFailedOnReader(e);
                }
            }
        }
        count(p, v);
        if (merged > 0) {
            logMergedGap(a, p, merged, after, before);
        }
        Connection.logExchangeGap(ctx, t, agg, exchangeGaps);
    }

    private static void count(ArbiterPath p, ArbiterSymbol.Verdict v) {
        switch (v) {
            case WIN -> p.won.increment();
            case DUPLICATE -> p.duplicates.increment();
            default -> p.stale.increment();
        }
    }

    /** Under {@code a}'s monitor: tells the listener about the merged gap {@code a.offer} found. */
    private void mergedGap(ArbiterSymbol a) {
        try {
            listener.onMergedGap(a.symbol, a.kind.wireName, a.gapAfter(), a.gapBefore());
        } catch (Throwable t) {
            connection.listenerFailedOnReader(t);
        }
    }

    private void logMergedGap(ArbiterSymbol a, ArbiterPath p, long merged, long after, long before) {
        if (!ctx.gapLines.tryAcquire()) {
            return;
        }
        if (a.kind.consecutive) {
            LOG.warn("Merged gap (A/B): {} {} id(s) of {} after {} and before {} reached no path (every path had a"
                    + " hole there); found on path {}", merged, a.kind.wireName, a.symbol, after, before, p.name);
        } else {
            LOG.warn("Merged gap (A/B): quotes of {} with update ids after {} and before {} may have reached no path"
                    + " (every path had a hole there; how many is unknown, u is not consecutive); found on path {}",
                    a.symbol, after, before, p.name);
        }
    }
}
