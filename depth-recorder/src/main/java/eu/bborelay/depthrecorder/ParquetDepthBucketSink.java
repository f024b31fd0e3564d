package eu.bborelay.depthrecorder;

import eu.bborelay.depth.Decimals;
import eu.bborelay.depth.DepthBucketSnapshot;
import eu.bborelay.recording.DepthTables;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.Row;
import eu.bborelay.recording.TableSchema;

/**
 * The buckets as rows of {@code binance/<market>/depth_buckets} ({@link DepthTables#buckets()}), appended to the
 * {@link Recorder} (journaled before {@code accept} returns). {@code recv_ts} = the collection time in ns,
 * {@code epoch} the aligned second, prices as doubles of the exact book prices, {@code mid} their mean.
 *
 * <p>Called on the book thread only (one {@link Row}, reused; nothing allocated per row but the recorder's copy).
 * Closing does nothing: the recorder, owned by {@link DepthRecorder}, commits the files.
 */
public final class ParquetDepthBucketSink implements DepthBucketSink {
    private final Recorder recorder;
    private final Row row;
    private final int recvTs;
    private final int epoch;
    private final int bestBid;
    private final int bestAsk;
    private final int mid;
    private final int bidBuckets;
    private final int askBuckets;
    private final int stepPct;
    private final int numSteps;
    private final int symbolColumn;
    private double[] bids = new double[0];
    private double[] asks = new double[0];
    private long rowsWritten;
    private long rowsRefused;

    /** @param recorder opened with {@code tables.all()} */
    public ParquetDepthBucketSink(Recorder recorder, DepthTables tables) {
        this.recorder = recorder;
        TableSchema t = tables.buckets();
        this.row = new Row(t);
        recvTs = t.index("recv_ts");
        epoch = t.index("epoch");
        bestBid = t.index("best_bid");
        bestAsk = t.index("best_ask");
        mid = t.index("mid");
        bidBuckets = t.index("bid_buckets");
        askBuckets = t.index("ask_buckets");
        stepPct = t.index("step_pct");
        numSteps = t.index("num_steps");
        symbolColumn = t.index("symbol");
    }

    @Override
    public void accept(String symbol, DepthBucketSnapshot s, long collectedEpochMillis) {
        int n = s.steps();
        if (bids.length != n) {
            bids = new double[n];
            asks = new double[n];
        }
        for (int k = 0; k < n; k++) {
            bids[k] = s.bidBucket(k);
            asks[k] = s.askBucket(k);
        }
        double bid = Decimals.toDouble(s.bestBid(), s.priceScale());
        double ask = Decimals.toDouble(s.bestAsk(), s.priceScale());
        row.clear()
                .setLong(recvTs, collectedEpochMillis * 1_000_000L)
                .setLong(epoch, s.epochSecond())
                .setDouble(bestBid, bid)
                .setDouble(bestAsk, ask)
                .setDouble(mid, Decimals.toDouble(s.bestBid() + s.bestAsk(), s.priceScale()) / 2)
                .setDoubles(bidBuckets, bids, n)
                .setDoubles(askBuckets, asks, n)
                .setDouble(stepPct, s.stepPercent().doubleValue())
                .setLong(numSteps, n)
                .setString(symbolColumn, symbol);
        if (recorder.append(row)) {
            rowsWritten++;
        } else {
            rowsRefused++;
        }
    }

    /** Rows accepted by the recorder (book thread's count; read it there or after close). */
    long rowsWritten() {
        return rowsWritten;
    }

    /** Rows the recorder refused. */
    long rowsRefused() {
        return rowsRefused;
    }

    @Override
    public void close() {
        // the recorder is closed by its owner
    }
}
