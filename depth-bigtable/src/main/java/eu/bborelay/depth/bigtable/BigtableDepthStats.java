package eu.bborelay.depth.bigtable;

/**
 * The Bigtable sink's counters at one moment ({@link BigtableDepthSink#stats()}), for {@code /health} and
 * {@code /metrics}. Counts are totals since the sink started. Every row accepted ends in exactly one of
 * {@code rowsWritten}, {@code rowsDropped}, {@code rowsRejected}, or is still queued:
 * {@code rowsAccepted = rowsWritten + rowsDropped + rowsRejected + queuedRows} once the writer is idle.
 *
 * @param rowsAccepted rows handed to {@link BigtableDepthSink#accept}
 * @param rowsWritten rows Bigtable confirmed
 * @param rowsDropped rows lost without being written: the oldest queued row when the queue was full, rows still
 *     queued when {@link BigtableDepthSink#close()} gave up, and rows offered after close
 * @param rowsRejected rows Bigtable refused as invalid (INVALID_ARGUMENT), not retried
 * @param writeFailures failed write attempts (one MutateRows call, or a table check, that did not complete); each is
 *     followed by a backoff and a retry
 * @param queuedRows rows waiting, the batch being written included
 * @param failing whether the last write attempt failed (an outage is under way)
 * @param lastWriteEpochMillis wall-clock time of the last confirmed write, ms since the epoch; 0 before the first
 */
public record BigtableDepthStats(long rowsAccepted, long rowsWritten, long rowsDropped, long rowsRejected,
        long writeFailures, int queuedRows, boolean failing, long lastWriteEpochMillis) {
}
