package eu.bborelay.recording;

import java.util.List;

/**
 * The recorded Binance tables of the collection pair (issue 9), partitioned by {@code symbol}. Times: {@code recv_ts}
 * is the collector's wall clock when the frame was received (ns since the epoch, UTC; it selects date and hour);
 * {@code send_ts} the sender's wall clock when it wrote the frame (the relay's {@code ts}, ns); {@code exch_ts} and
 * {@code event_ts} Binance's times in ms. Prices and quantities must be finite.
 *
 * <pre>
 * binance/bbo:        recv_ts, exch_ts?, symbol, bid, ask, bid_qty, ask_qty, update_id, seq, send_ts
 * binance/trades:     recv_ts, exch_ts, symbol, price, qty, side, trade_id, seq, send_ts, event_ts?
 * binance/agg_trades: recv_ts, exch_ts, symbol, price, qty, side, agg_id, first_id, last_id, seq, send_ts, event_ts?,
 *                     backfilled
 * binance/feed_outages: recv_ts, symbol, from_ms, to_ms, reason, session
 * </pre>
 * ({@code ?} = nullable.) {@code exch_ts} of bbo is the bookTicker's event time {@code E} (USD-M and COIN-M; spot
 * bookTicker has none: null); of trades the trade time {@code T}. {@code update_id} is the bookTicker's {@code u};
 * {@code side} the taker's side, {@code buy} or {@code sell} (Binance {@code m=true}: the buyer was the maker, so
 * {@code sell}); {@code trade_id} is {@code t}; {@code agg_id}, {@code first_id}, {@code last_id} are {@code a},
 * {@code f}, {@code l}; {@code event_ts} is {@code E}. {@code backfilled} is true for an aggTrade the sender fetched
 * from Binance's REST ({@code GET /api/v3/aggTrades?fromId=}, {@code /fapi/v1/...}, {@code /dapi/v1/...}) to fill an
 * exchange gap in the stream (its {@code event_ts} is then null: REST gives no event time), false for one from the
 * stream.
 *
 * <p>{@code binance/feed_outages}: one row per feed outage a sender reported (the relay's {@code outage} frame): a
 * wall-clock span {@code [from_ms, to_ms)} (the sender's clock, ms since the epoch) during which no sender was
 * connected to Binance for {@code symbol}, so Binance's updates of that span are absent from the other tables
 * although no {@code seq} is missing; {@code reason} is {@code sender_restart} or {@code binance_reconnect};
 * {@code session} the sender session that reported it. A backtest treats the span as "no data", not as "no change".
 */
public final class BinanceTables {
    /** Best bid/ask (bookTicker). */
    public static final TableSchema BBO = TableSchema.builder("binance/bbo", "symbol")
            .int64("recv_ts").nullableInt64("exch_ts").string("symbol")
            .finiteFloat64("bid").finiteFloat64("ask").finiteFloat64("bid_qty").finiteFloat64("ask_qty")
            .int64("update_id").int64("seq").int64("send_ts")
            .build();

    /** Trades ({@code <symbol>@trade}). */
    public static final TableSchema TRADES = TableSchema.builder("binance/trades", "symbol")
            .int64("recv_ts").int64("exch_ts").string("symbol")
            .finiteFloat64("price").finiteFloat64("qty").string("side").int64("trade_id")
            .int64("seq").int64("send_ts").nullableInt64("event_ts")
            .build();

    /** Aggregate trades ({@code <symbol>@aggTrade}). */
    public static final TableSchema AGG_TRADES = TableSchema.builder("binance/agg_trades", "symbol")
            .int64("recv_ts").int64("exch_ts").string("symbol")
            .finiteFloat64("price").finiteFloat64("qty").string("side")
            .int64("agg_id").int64("first_id").int64("last_id")
            .int64("seq").int64("send_ts").nullableInt64("event_ts").bool("backfilled")
            .build();

    /** Feed outages reported by the sender (no Binance connection for a symbol over a span). */
    public static final TableSchema FEED_OUTAGES = TableSchema.builder("binance/feed_outages", "symbol")
            .int64("recv_ts").string("symbol").int64("from_ms").int64("to_ms").string("reason").string("session")
            .build();

    /** The four tables. */
    public static final List<TableSchema> ALL = List.of(BBO, TRADES, AGG_TRADES, FEED_OUTAGES);

    /** Column indexes of {@link #BBO}, for {@link Row} setters. */
    public static final class Bbo {
        public static final int RECV_TS = BBO.index("recv_ts");
        public static final int EXCH_TS = BBO.index("exch_ts");
        public static final int SYMBOL = BBO.index("symbol");
        public static final int BID = BBO.index("bid");
        public static final int ASK = BBO.index("ask");
        public static final int BID_QTY = BBO.index("bid_qty");
        public static final int ASK_QTY = BBO.index("ask_qty");
        public static final int UPDATE_ID = BBO.index("update_id");
        public static final int SEQ = BBO.index("seq");
        public static final int SEND_TS = BBO.index("send_ts");

        private Bbo() {
        }
    }

    /** Column indexes of {@link #TRADES}. */
    public static final class Trades {
        public static final int RECV_TS = TRADES.index("recv_ts");
        public static final int EXCH_TS = TRADES.index("exch_ts");
        public static final int SYMBOL = TRADES.index("symbol");
        public static final int PRICE = TRADES.index("price");
        public static final int QTY = TRADES.index("qty");
        public static final int SIDE = TRADES.index("side");
        public static final int TRADE_ID = TRADES.index("trade_id");
        public static final int SEQ = TRADES.index("seq");
        public static final int SEND_TS = TRADES.index("send_ts");
        public static final int EVENT_TS = TRADES.index("event_ts");

        private Trades() {
        }
    }

    /** Column indexes of {@link #AGG_TRADES}. */
    public static final class AggTrades {
        public static final int RECV_TS = AGG_TRADES.index("recv_ts");
        public static final int EXCH_TS = AGG_TRADES.index("exch_ts");
        public static final int SYMBOL = AGG_TRADES.index("symbol");
        public static final int PRICE = AGG_TRADES.index("price");
        public static final int QTY = AGG_TRADES.index("qty");
        public static final int SIDE = AGG_TRADES.index("side");
        public static final int AGG_ID = AGG_TRADES.index("agg_id");
        public static final int FIRST_ID = AGG_TRADES.index("first_id");
        public static final int LAST_ID = AGG_TRADES.index("last_id");
        public static final int SEQ = AGG_TRADES.index("seq");
        public static final int SEND_TS = AGG_TRADES.index("send_ts");
        public static final int EVENT_TS = AGG_TRADES.index("event_ts");
        public static final int BACKFILLED = AGG_TRADES.index("backfilled");

        private AggTrades() {
        }
    }

    /** Column indexes of {@link #FEED_OUTAGES}. */
    public static final class FeedOutages {
        public static final int RECV_TS = FEED_OUTAGES.index("recv_ts");
        public static final int SYMBOL = FEED_OUTAGES.index("symbol");
        public static final int FROM_MS = FEED_OUTAGES.index("from_ms");
        public static final int TO_MS = FEED_OUTAGES.index("to_ms");
        public static final int REASON = FEED_OUTAGES.index("reason");
        public static final int SESSION = FEED_OUTAGES.index("session");

        private FeedOutages() {
        }
    }

    private BinanceTables() {
    }
}
