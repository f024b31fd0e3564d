package eu.bborelay.depthrecorder;

import java.util.List;

/**
 * A snapshot of a {@link DepthRecorder}'s counters, all since start. The book counters are published by the book
 * thread at every bucket interval (so at most {@code BUCKET_INTERVAL_SECONDS} old) and when it stops. Immutable.
 *
 * @param symbols               per symbol, in {@code SYMBOLS} order
 * @param messages              WebSocket messages handled
 * @param malformed             messages meant as depth but unusable (logged once per run)
 * @param diffRows              diff events recorded ({@code diff_orderbooks})
 * @param partialRows           partial depth messages recorded ({@code partial_orderbooks})
 * @param snapshotRows          REST snapshots recorded ({@code orderbooks})
 * @param bucketRows            bucket rows computed (each handed to every sink)
 * @param rowsRefused           rows the recorder refused (storage failure, bad values)
 * @param missedBucketIntervals bucket intervals skipped because the book thread was behind
 * @param sinkFailures          exceptions thrown by bucket sinks
 * @param snapshotRequests      REST snapshot requests sent
 * @param snapshotFailures      REST snapshot requests that failed
 * @param snapshotBudgetWaits   times a snapshot request waited for the weight budget
 * @param connections           WebSocket connections
 * @param connectionsOpen       of which open now
 * @param oldestDownSinceEpochMs when the longest-down connection closed (ms since the epoch), 0 if all are open
 * @param requestWeightLimit    Binance's {@code REQUEST_WEIGHT} per minute used for the budget
 */
public record DepthStats(List<SymbolStats> symbols, long messages, long malformed, long diffRows, long partialRows,
                         long snapshotRows, long bucketRows, long rowsRefused, long missedBucketIntervals,
                         long sinkFailures, long snapshotRequests, long snapshotFailures, long snapshotBudgetWaits,
                         int connections, int connectionsOpen, long oldestDownSinceEpochMs, int requestWeightLimit) {

    /**
     * One symbol's book.
     *
     * @param synced               whether the book is synced now
     * @param diffEvents           diff events received
     * @param breaks               breaks (gaps, {@code pu} mismatches, stream resets, ...), each logged
     * @param snapshotsApplied     snapshots that synced the book
     * @param bucketRows           bucket rows computed
     * @param unsyncedSinceEpochMs when it became unsynced (ms since the epoch), 0 while synced
     */
    public record SymbolStats(String symbol, boolean synced, long diffEvents, long breaks, long snapshotsApplied,
                              long bucketRows, long unsyncedSinceEpochMs) {
    }

    /** Breaks of every book. */
    public long breaks() {
        long n = 0;
        for (SymbolStats s : symbols) {
            n += s.breaks();
        }
        return n;
    }

    /** Books synced now. */
    public int booksSynced() {
        int n = 0;
        for (SymbolStats s : symbols) {
            n += s.synced() ? 1 : 0;
        }
        return n;
    }
}
