package eu.bborelay.recording;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The recorded order-book tables of one Binance market (issue 11, seeds 004 and 002), partitioned by {@code symbol}
 * under {@code binance/<market>/...} ({@code market} = {@code spot}, {@code usdm} or {@code coinm}).
 *
 * <p>Times: {@code recv_ts} is the recorder's wall clock when the message (or REST answer) arrived, ns since the
 * epoch, UTC (it selects date and hour, as in every table); {@code received_time} is the same instant in µs and
 * {@code request_time} the instant the REST request was sent, µs (004's names and units); {@code event_time} and
 * {@code transaction_time} are Binance's {@code E} and {@code T} in ms. Prices and sizes are doubles converted from
 * Binance's exact decimal text (at most 8 fraction digits, so the double is the nearest to the decimal), best level
 * first as Binance sends them, {@code bid_prices[i]} paired with {@code bid_sizes[i]}; a size of 0 in a diff removes
 * the level.
 *
 * <pre>
 * diff_orderbooks:    recv_ts, received_time, event_time, transaction_time?, first_update_id, final_update_id,
 *                     prev_final_update_id?, bid_prices, bid_sizes, ask_prices, ask_sizes, symbol
 * partial_orderbooks: recv_ts, received_time, event_time?, transaction_time?, first_update_id?, last_update_id,
 *                     prev_final_update_id?, bid_prices, bid_sizes, ask_prices, ask_sizes, symbol
 * orderbooks:         recv_ts, received_time, request_time, event_time?, transaction_time?, last_update_id, limit,
 *                     bid_prices, bid_sizes, ask_prices, ask_sizes, symbol
 * depth_buckets:      recv_ts, epoch, best_bid, best_ask, mid, bid_buckets, ask_buckets, step_pct, num_steps, symbol
 * </pre>
 * ({@code ?} = nullable.) Diff rows are Binance's {@code depthUpdate} ({@code U}, {@code u}, and {@code pu} on
 * futures, null on spot); partial rows the {@code <symbol>@depthN} stream (spot: {@code lastUpdateId} only; futures:
 * {@code E, T, U, u, pu}, {@code last_update_id} = {@code u}); orderbooks rows the REST snapshots
 * ({@code lastUpdateId}, the requested {@code limit}; {@code E}, {@code T} on futures). Bucket rows: {@code epoch} is
 * the aligned second (Unix s), {@code recv_ts} when the row was computed (ns), {@code mid = (best_bid + best_ask)/2},
 * {@code bid_buckets[k]} / {@code ask_buckets[k]} the quote notional at log distance {@code [k·step, (k+1)·step)} from
 * the mid ({@code eu.bborelay.depth.DepthBuckets}), {@code step_pct} the step in percent ({@code 0.002}).
 *
 * <p>Immutable and thread-safe.
 */
public final class DepthTables {
    private static final Pattern MARKET = Pattern.compile("[a-z0-9]+");

    private final String market;
    private final TableSchema diffs;
    private final TableSchema partials;
    private final TableSchema snapshots;
    private final TableSchema buckets;

    private DepthTables(String market) {
        this.market = market;
        String base = "binance/" + market + "/";
        diffs = TableSchema.builder(base + "diff_orderbooks", "symbol")
                .int64("recv_ts").int64("received_time").int64("event_time").nullableInt64("transaction_time")
                .int64("first_update_id").int64("final_update_id").nullableInt64("prev_final_update_id")
                .finiteFloat64List("bid_prices").finiteFloat64List("bid_sizes")
                .finiteFloat64List("ask_prices").finiteFloat64List("ask_sizes")
                .string("symbol")
                .build();
        partials = TableSchema.builder(base + "partial_orderbooks", "symbol")
                .int64("recv_ts").int64("received_time").nullableInt64("event_time").nullableInt64("transaction_time")
                .nullableInt64("first_update_id").int64("last_update_id").nullableInt64("prev_final_update_id")
                .finiteFloat64List("bid_prices").finiteFloat64List("bid_sizes")
                .finiteFloat64List("ask_prices").finiteFloat64List("ask_sizes")
                .string("symbol")
                .build();
        snapshots = TableSchema.builder(base + "orderbooks", "symbol")
                .int64("recv_ts").int64("received_time").int64("request_time")
                .nullableInt64("event_time").nullableInt64("transaction_time")
                .int64("last_update_id").int64("limit")
                .finiteFloat64List("bid_prices").finiteFloat64List("bid_sizes")
                .finiteFloat64List("ask_prices").finiteFloat64List("ask_sizes")
                .string("symbol")
                .build();
        buckets = TableSchema.builder(base + "depth_buckets", "symbol")
                .int64("recv_ts").int64("epoch")
                .finiteFloat64("best_bid").finiteFloat64("best_ask").finiteFloat64("mid")
                .finiteFloat64List("bid_buckets").finiteFloat64List("ask_buckets")
                .finiteFloat64("step_pct").int64("num_steps")
                .string("symbol")
                .build();
    }

    /**
     * The tables of {@code market}.
     *
     * @param market {@code spot}, {@code usdm} or {@code coinm} (any lower-case word is accepted: it is the folder)
     * @throws IllegalArgumentException if {@code market} is not a lower-case word
     */
    public static DepthTables of(String market) {
        Objects.requireNonNull(market, "market");
        if (!MARKET.matcher(market).matches() || !market.equals(market.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("market must be a lower-case word such as spot, usdm or coinm: "
                    + market);
        }
        return new DepthTables(market);
    }

    /** The market folder, e.g. {@code spot}. */
    public String market() {
        return market;
    }

    /** {@code binance/<market>/diff_orderbooks}: every diff depth event. */
    public TableSchema diffs() {
        return diffs;
    }

    /** {@code binance/<market>/partial_orderbooks}: every partial book depth message. */
    public TableSchema partials() {
        return partials;
    }

    /** {@code binance/<market>/orderbooks}: every REST depth snapshot. */
    public TableSchema snapshots() {
        return snapshots;
    }

    /** {@code binance/<market>/depth_buckets}: log-delta buckets of the synced books. */
    public TableSchema buckets() {
        return buckets;
    }

    /** The four tables, for {@link Recorder#open}. */
    public List<TableSchema> all() {
        return List.of(diffs, partials, snapshots, buckets);
    }
}
