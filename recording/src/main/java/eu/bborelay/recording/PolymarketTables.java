package eu.bborelay.recording;

import java.util.List;

/**
 * The recorded Polymarket tables (issue 12): the CLOB market channel's L2 books and trades of each outcome token,
 * in the original design's layout {@code polymarket/l2/token=<asset_id>/date=YYYY-MM-DD/hour=HH/data_NNN.parquet}
 * and {@code polymarket/trades/token=<asset_id>/...}. The folder key is {@code token}, the column {@code token_id}:
 * so the column is stored in the file body too (see {@link TableSchema}), as the original's schema has it, and a
 * reader gets the 78-digit id as a string whatever it infers for the folder value.
 *
 * <pre>
 * polymarket/l2:     recv_ts, token_id, bids, asks, exch_ts?, market?, event_type, hash?
 * polymarket/trades: recv_ts, token_id, price, size, side?, exch_ts?, market?, fee_rate_bps?
 * </pre>
 * ({@code ?} = nullable.) {@code recv_ts}: the collector's wall clock when the WebSocket frame was received (ns since
 * the epoch, UTC; it selects date and hour). {@code exch_ts}: Polymarket's {@code timestamp} (ms since the epoch;
 * null when the message had none). {@code market}: the condition id ({@code 0x...}).
 *
 * <p><b>l2</b>: one row per book change of one token: after each {@code book} snapshot ({@code event_type = book})
 * and after each {@code price_change} message that changed the token's book ({@code event_type = price_change}; one
 * row per message and token, however many levels it changed). {@code bids} and {@code asks} are the whole local book
 * after the change (or its best N levels, the collector's {@code POLYMARKET_L2_LEVELS}) as
 * {@code list<struct<price: float64, size: float64>>}, best level first: bids from the highest price down, asks from
 * the lowest up. Prices in USDC per share (0..1), sizes in shares; the exact decimals have at most 6 places and the
 * float64 is the nearest double (compare with a tolerance of 1e-9, or round to 6 places). {@code hash}: Polymarket's
 * hash of the {@code book} message, or of the last {@code price_change} entry of the token, an opaque version tag
 * (not a checksum of the recorded book, see docs/POLYMARKET.md).
 *
 * <p><b>trades</b>: one row per {@code last_trade_price} message. {@code price} (USDC per share), {@code size}
 * (shares), {@code side} as Polymarket sends it ({@code BUY} or {@code SELL}), {@code fee_rate_bps} in basis points.
 *
 * <p>Source: docs.polymarket.com, "Market Channel" (WSS); the original design's data-collector section.
 */
public final class PolymarketTables {
    /** L2 book after each change. */
    public static final TableSchema L2 = TableSchema.builder("polymarket/l2", "token_id").partitionKey("token")
            .int64("recv_ts").string("token_id").priceSizeList("bids").priceSizeList("asks")
            .nullableInt64("exch_ts").nullableString("market").string("event_type").nullableString("hash")
            .build();

    /** Trades ({@code last_trade_price}). */
    public static final TableSchema TRADES = TableSchema.builder("polymarket/trades", "token_id").partitionKey("token")
            .int64("recv_ts").string("token_id").finiteFloat64("price").finiteFloat64("size").nullableString("side")
            .nullableInt64("exch_ts").nullableString("market").nullableInt64("fee_rate_bps")
            .build();

    /** The two tables. */
    public static final List<TableSchema> ALL = List.of(L2, TRADES);

    /** Column indexes of {@link #L2}, for {@link Row} setters. */
    public static final class L2Columns {
        public static final int RECV_TS = L2.index("recv_ts");
        public static final int TOKEN_ID = L2.index("token_id");
        public static final int BIDS = L2.index("bids");
        public static final int ASKS = L2.index("asks");
        public static final int EXCH_TS = L2.index("exch_ts");
        public static final int MARKET = L2.index("market");
        public static final int EVENT_TYPE = L2.index("event_type");
        public static final int HASH = L2.index("hash");

        private L2Columns() {
        }
    }

    /** Column indexes of {@link #TRADES}. */
    public static final class TradeColumns {
        public static final int RECV_TS = TRADES.index("recv_ts");
        public static final int TOKEN_ID = TRADES.index("token_id");
        public static final int PRICE = TRADES.index("price");
        public static final int SIZE = TRADES.index("size");
        public static final int SIDE = TRADES.index("side");
        public static final int EXCH_TS = TRADES.index("exch_ts");
        public static final int MARKET = TRADES.index("market");
        public static final int FEE_RATE_BPS = TRADES.index("fee_rate_bps");

        private TradeColumns() {
        }
    }

    private PolymarketTables() {
    }
}
