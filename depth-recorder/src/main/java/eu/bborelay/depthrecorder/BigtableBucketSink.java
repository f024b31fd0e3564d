package eu.bborelay.depthrecorder;

import eu.bborelay.depth.DepthBucketSnapshot;
import eu.bborelay.depth.bigtable.BigtableDepthSink;
import java.util.Objects;

/**
 * The Bigtable sink of module {@code depth-bigtable} as a {@link DepthBucketSink}: the original collector's table
 * {@code binance_btc_depth} (docs/BIGTABLE.md). {@link #accept} only copies the snapshot into the sink's bounded
 * queue (its writer thread {@code bigtable-depth-writer} does the I/O), so it never blocks the book thread; a full
 * queue drops the oldest row and counts it. Thread-safety and counters are those of {@link BigtableDepthSink}.
 */
final class BigtableBucketSink implements DepthBucketSink {
    private final BigtableDepthSink sink;

    BigtableBucketSink(BigtableDepthSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The wrapped sink (its stats for /health and /metrics). */
    BigtableDepthSink sink() {
        return sink;
    }

    @Override
    public void accept(String symbol, DepthBucketSnapshot snapshot, long collectedEpochMillis) {
        sink.accept(symbol, snapshot, collectedEpochMillis);
    }

    @Override
    public void close() {
        sink.close();
    }
}
