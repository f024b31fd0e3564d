package eu.bborelay.sender;

import eu.bborelay.common.Trade;
import java.util.HashMap;
import java.util.Map;

/**
 * The trades a new Binance connection of a rollover received before it became the owner: per symbol, the first trade
 * id ({@code t}) and the first aggregate trade id ({@code a}). Binance numbers both consecutively per symbol, so the
 * old and the new connection overlap on a symbol's trades once the old one has forwarded the id just before the new
 * one's first ({@link #overlaps}); closing the old connection earlier could lose trades still in flight on it, lost
 * uncounted (Java-WebSocket drops frames that arrive after {@code close()}).
 *
 * <p>Not thread-safe: guarded by the monitor of the connection it belongs to ({@link BinanceLeg}'s read thread
 * notes trades under it, the scheduler checks under it).
 */
final class TradeOverlap {
    private final TradeParser parser = new TradeParser();
    private final Trade scratch = new Trade();
    private final Map<Integer, Long> firstTradeId = new HashMap<>();
    private final Map<Integer, Long> firstAggId = new HashMap<>();

    /**
     * Notes {@code text} if it is the first trade of its symbol on this connection.
     *
     * @return whether {@code text} is a message of a trade stream (which does not count towards the connection
     *         having "an update of every stream": a quiet symbol may have no trade for minutes)
     */
    boolean note(String text, QuoteIngest ingest) {
        if (!TradeParser.isTradeStream(text)) {
            return false;
        }
        if (parser.parse(text, scratch) == TradeParser.Result.TRADE) {
            int i = ingest.symbolIndex(scratch.symbol());
            if (i >= 0) {
                boolean agg = scratch.type() == Trade.Type.AGG_TRADE;
                (agg ? firstAggId : firstTradeId).putIfAbsent(i, agg ? scratch.aggId() : scratch.tradeId());
            }
        }
        return true;
    }

    /** Whether the old connection forwarded, per symbol, every trade before this connection's first one. */
    boolean overlaps(QuoteIngest ingest) {
        return overlaps(firstTradeId, ingest, false) && overlaps(firstAggId, ingest, true);
    }

    private static boolean overlaps(Map<Integer, Long> firstIds, QuoteIngest ingest, boolean agg) {
        for (Map.Entry<Integer, Long> e : firstIds.entrySet()) {
            long forwarded = agg ? ingest.forwardedAggId(e.getKey()) : ingest.forwardedTradeId(e.getKey());
            if (forwarded != Long.MIN_VALUE && forwarded < e.getValue() - 1) {
                return false;
            }
        }
        return true;
    }
}
