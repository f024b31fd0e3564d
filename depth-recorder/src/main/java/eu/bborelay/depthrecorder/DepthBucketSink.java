package eu.bborelay.depthrecorder;

import eu.bborelay.depth.DepthBucketSnapshot;

/**
 * Where the log-delta depth buckets of the synced books go: the Parquet table {@code binance/<market>/depth_buckets}
 * ({@link ParquetDepthBucketSink}, always on) and any sink passed to {@link DepthRecorder#start} (the Bigtable sink
 * of module {@code depth-bigtable}, when configured).
 *
 * <p><b>Calls.</b> {@link #accept} is called on the recorder's book thread ({@code depth-books}), once per synced
 * book per bucket interval, right after the aligned second ({@code snapshot.epochSecond()}) was reached, never for an
 * unsynced book. It must return quickly and must not block: a sink that does network I/O hands the row to its own
 * thread (queue it, bounded; count what it has to drop). The snapshot is reused for the next symbol: it is valid only
 * during the call, {@link DepthBucketSnapshot#copy()} keeps it. An exception thrown by {@code accept} is caught,
 * counted per sink and logged once per run of failures; it never stops the recorder or the other sinks.
 * {@link #close()} is called once, after the last {@code accept}, when the recorder stops.
 */
public interface DepthBucketSink extends AutoCloseable {
    /**
     * One bucket row.
     *
     * @param symbol               the symbol as Binance spells it ({@code BTCUSDT}), the same as {@code snapshot.symbol()}
     * @param snapshot             the buckets of that second; valid only during the call
     * @param collectedEpochMillis this host's wall clock when the row was computed, ms since the epoch (UTC)
     */
    void accept(String symbol, DepthBucketSnapshot snapshot, long collectedEpochMillis);

    /** Flushes and releases the sink; no exception (a sink logs its own failure). */
    @Override
    void close();
}
