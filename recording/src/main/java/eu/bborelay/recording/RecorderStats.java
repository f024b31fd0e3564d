package eu.bborelay.recording;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a {@link Recorder}'s counters (monotonic since start, except the gauges).
 *
 * @param tables        per table
 * @param filesClosed   Parquet files closed (committed under their final name) since start
 * @param bytesClosed   their total size
 * @param filesRebuilt  files rebuilt from the journal (at start after a crash, or after a storage failure)
 * @param openFiles     gauge: Parquet files open now
 * @param journalBytes  gauge: bytes in the open journal segments
 * @param failure       null when healthy; otherwise what failed and what to do (e.g. the disk is full)
 */
public record RecorderStats(List<TableStats> tables, long filesClosed, long bytesClosed, long filesRebuilt,
                           int openFiles, long journalBytes, String failure) {

    /** Whether the recorder is writing (no storage failure). */
    public boolean healthy() {
        return failure == null;
    }

    /** The stats of the table at {@code path}, or null. */
    public TableStats table(String path) {
        for (TableStats t : tables) {
            if (t.path().equals(path)) {
                return t;
            }
        }
        return null;
    }

    /**
     * @param path         the table path, e.g. {@code binance/bbo}
     * @param rowsWritten  rows accepted (in the journal and a Parquet file)
     * @param rowsRejected rows refused, per reason (reasons never seen are absent)
     */
    public record TableStats(String path, long rowsWritten, Map<RejectReason, Long> rowsRejected) {
        /** All rows refused, any reason. */
        public long rowsRejectedTotal() {
            long n = 0;
            for (long v : rowsRejected.values()) {
                n += v;
            }
            return n;
        }
    }
}
