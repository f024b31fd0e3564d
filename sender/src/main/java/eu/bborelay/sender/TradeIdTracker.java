package eu.bborelay.sender;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per symbol, the last trade id {@code t} and the last aggregate trade id {@code a} the sender took from Binance:
 * drops the duplicates of overlapping connections (an id not above the last) and finds <b>exchange gaps</b>, ids
 * that never arrived on the stream. Binance numbers both ids consecutively per symbol (spot "Trade Streams" /
 * "Aggregate Trade Streams"; USD-M and COIN-M likewise, insurance-fund and ADL trades included), so a trade whose id
 * is above the last plus one reveals {@code id - last - 1} missing ids, whatever the cause: a message Binance did
 * not send, one lost in a reconnect, the time the sender was not connected. A hole of aggregate trades is handed to
 * {@link AggTradeBackfill} (when there is one), which fetches it from REST; a hole of single trades cannot be fetched
 * (Binance's {@code historicalTrades} needs an API key) and is only counted.
 *
 * <p>The first trade of a symbol after start has nothing to compare with and reveals no gap.
 *
 * <p><b>Threads.</b> {@link #take} runs on the ingest's producer for the symbol (a shard's read thread, one at a time
 * per symbol, see {@link QuoteIngest}); it allocates nothing unless it finds a gap. The last ids are read by the
 * scheduler too (the rollover's overlap check); counters are {@link LongAdder}s, read by any thread.
 */
final class TradeIdTracker {
    /** Value of a last id before the first trade. */
    static final long NONE = Long.MIN_VALUE;

    private final List<String> symbols;
    private final AtomicLongArray lastTradeId;
    private final AtomicLongArray lastAggId;
    private final AggTradeBackfill backfill;
    private final LongAdder tradeIdGaps = new LongAdder();
    private final LongAdder aggIdGaps = new LongAdder();
    private final LongAdder holes = new LongAdder();

    /**
     * @param symbols upper-case symbols, in the ingest's slot order
     * @param backfill where holes of aggregate trade ids go; null to count them only
     */
    TradeIdTracker(List<String> symbols, AggTradeBackfill backfill) {
        this.symbols = List.copyOf(symbols);
        this.lastTradeId = new AtomicLongArray(symbols.size());
        this.lastAggId = new AtomicLongArray(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            lastTradeId.set(i, NONE);
            lastAggId.set(i, NONE);
        }
        this.backfill = backfill;
    }

    /**
     * A trade of symbol {@code index} arrived on the stream.
     *
     * @param agg whether it is an aggregate trade ({@code id} is {@code a}) or a single one ({@code id} is {@code t})
     * @return false for a duplicate (an id not above the symbol's last: the other connection of a rollover already
     *         delivered it), which the caller drops; true otherwise, the id becoming the symbol's last
     */
    boolean take(int index, boolean agg, long id) {
        AtomicLongArray last = agg ? lastAggId : lastTradeId;
        long previous = last.get(index);
        if (id <= previous) {
            return false;
        }
        last.lazySet(index, id);
        if (previous != NONE && id > previous + 1) {
            long missing = id - previous - 1;
            holes.increment();
            (agg ? aggIdGaps : tradeIdGaps).add(missing);
            if (agg && backfill != null) {
                backfill.request(symbols.get(index), previous + 1, id);
            }
        }
        return true;
    }

    /** The last trade id ({@code t}) taken for symbol {@code index}, {@link #NONE} before the first; any thread. */
    long lastTradeId(int index) {
        return lastTradeId.get(index);
    }

    /** The last aggregate trade id ({@code a}) taken for symbol {@code index}, {@link #NONE} before the first. */
    long lastAggId(int index) {
        return lastAggId.get(index);
    }

    /** Trade ids ({@code t}) that never arrived on the stream, over all symbols, since start. */
    long tradeIdGaps() {
        return tradeIdGaps.sum();
    }

    /** Aggregate trade ids ({@code a}) that never arrived on the stream, over all symbols, since start. */
    long aggIdGaps() {
        return aggIdGaps.sum();
    }

    /** Holes found (runs of consecutive missing ids, of either kind). */
    long holes() {
        return holes.sum();
    }
}
