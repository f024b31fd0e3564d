package eu.bborelay.depthrecorder;

import eu.bborelay.depth.bigtable.BigtableDepthSink;
import eu.bborelay.depth.bigtable.BigtableDepthStats;
import eu.bborelay.ops.Health;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.StatsMetrics;
import eu.bborelay.recording.RecorderStats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The depth recorder's {@code GET /health} and {@code GET /metrics} ({@code bbo_relay_depth_*}), read from stats
 * snapshots when asked.
 *
 * <p>Health fails, saying why, on: a storage failure (disk full, I/O error); a closed file waiting for its upload
 * longer than {@code UPLOAD_MAX_AGE_SECONDS}; a connection down longer than {@code HEALTH_MAX_AGE_SECONDS}; a book
 * unsynced longer than {@code HEALTH_MAX_AGE_SECONDS} (REST failing, or breaking again and again). The reason ends
 * with the books synced, the rows and the upload backlog.
 */
final class DepthRecorderOps {
    static final String PREFIX = "bbo_relay_depth_";

    private DepthRecorderOps() {
    }

    /**
     * Starts the endpoint on {@code port} (all addresses); null when {@code port} is 0.
     *
     * @param bigtable the Bigtable sink, or null when it is off
     */
    static OpsServer start(DepthRecorder r, BigtableDepthSink bigtable, int port) {
        if (port == 0) {
            return null;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        metrics(r, registry);
        if (bigtable != null) {
            bigtableMetrics(bigtable, registry);
        }
        return OpsServer.start("0.0.0.0", port, () -> health(r, bigtable, System.currentTimeMillis()), registry);
    }

    /** The health rule above, at {@code nowEpochMs}; {@code bigtable} may be null (off). */
    static Health health(DepthRecorder r, BigtableDepthSink bigtable, long nowEpochMs) {
        Health h = health(r, nowEpochMs);
        if (!h.healthy() || bigtable == null) {
            return h;
        }
        BigtableDepthStats b = bigtable.stats();
        long sinceWriteMs = nowEpochMs - b.lastWriteEpochMillis();
        long maxAgeMs = TimeUnit.SECONDS.toMillis(r.config().healthMaxAgeSeconds());
        if (b.failing() && (b.lastWriteEpochMillis() == 0 || sinceWriteMs > maxAgeMs)) {
            return Health.unhealthy("Bigtable writes failing (" + b.writeFailures() + " failed attempts, "
                    + b.queuedRows() + " rows queued, " + b.rowsDropped() + " dropped; see the log for what to fix); "
                    + h.reason());
        }
        return h;
    }

    /** The health rule above without the Bigtable sink, at {@code nowEpochMs}. */
    static Health health(DepthRecorder r, long nowEpochMs) {
        DepthRecorderConfig c = r.config();
        RecorderStats rs = r.recorder().stats();
        DepthStats s = r.stats();
        long maxAgeMs = TimeUnit.SECONDS.toMillis(c.healthMaxAgeSeconds());
        long pendingFiles = r.uploader().pendingFiles();
        long oldestMs = r.uploader().oldestPendingAgeMs();
        String tail = s.booksSynced() + "/" + s.symbols().size() + " books synced; rows diff " + s.diffRows()
                + ", partial " + s.partialRows() + ", snapshot " + s.snapshotRows() + ", buckets " + s.bucketRows()
                + " (" + s.rowsRefused() + " refused); breaks " + s.breaks() + "; upload backlog " + pendingFiles
                + " file(s)";
        if (!rs.healthy()) {
            return Health.unhealthy("storage failed, recording stopped: " + rs.failure() + "; " + tail);
        }
        if (pendingFiles > 0 && oldestMs > TimeUnit.SECONDS.toMillis(c.uploadMaxAgeSeconds())) {
            return Health.unhealthy("upload to S3 failing: a file has waited " + oldestMs / 1000 + " s, last error: "
                    + r.uploader().lastError() + "; " + tail);
        }
        if (s.oldestDownSinceEpochMs() > 0 && nowEpochMs - s.oldestDownSinceEpochMs() > maxAgeMs) {
            return Health.unhealthy((s.connections() - s.connectionsOpen()) + " Binance connection(s) down for "
                    + (nowEpochMs - s.oldestDownSinceEpochMs()) / 1000 + " s; " + tail);
        }
        for (DepthStats.SymbolStats p : s.symbols()) {
            if (!p.synced() && nowEpochMs - p.unsyncedSinceEpochMs() > maxAgeMs) {
                return Health.unhealthy(p.symbol() + " book unsynced for " + (nowEpochMs - p.unsyncedSinceEpochMs())
                        / 1000 + " s (snapshot failures " + s.snapshotFailures() + "); " + tail);
            }
        }
        return Health.healthy(tail);
    }

    /** The metrics, registered into {@code registry}. */
    static void metrics(DepthRecorder r, PrometheusRegistry registry) {
        new StatsMetrics<>(PREFIX, () -> new Snapshot(r), registry)
                .counter("rows_written", "Rows accepted (journaled and written to Parquet), per table", "table",
                        s -> perTable(s.recorder, false))
                .counter("rows_refused", "Rows refused (bad input, storage failure), per table", "table",
                        s -> perTable(s.recorder, true))
                .gauge("book_synced", "1 while the symbol's book is synced", "symbol",
                        s -> perSymbol(s.depth, 0))
                .counter("book_breaks", "Book breaks (gap, pu mismatch, stream reset, crossed), each logged",
                        "symbol", s -> perSymbol(s.depth, 1))
                .counter("diff_events", "Diff depth events received", "symbol", s -> perSymbol(s.depth, 2))
                .counter("bucket_rows", "Bucket rows computed from the synced book", "symbol",
                        s -> perSymbol(s.depth, 3))
                .counter("malformed_messages", "Depth messages that could not be parsed (logged once per run)",
                        s -> s.depth.malformed())
                .counter("snapshot_requests", "REST depth snapshot requests sent", s -> s.depth.snapshotRequests())
                .counter("snapshot_failures", "REST depth snapshot requests that failed",
                        s -> s.depth.snapshotFailures())
                .counter("snapshot_budget_waits", "Snapshot requests delayed by the request-weight budget",
                        s -> s.depth.snapshotBudgetWaits())
                .counter("missed_bucket_intervals", "Bucket intervals skipped because the book thread was behind",
                        s -> s.depth.missedBucketIntervals())
                .counter("sink_failures", "Exceptions thrown by bucket sinks", s -> s.depth.sinkFailures())
                .gauge("connections_open", "Binance WebSocket connections open now", s -> s.depth.connectionsOpen())
                .gauge("storage_failed", "1 while recording is stopped by a storage failure",
                        s -> s.recorder.healthy() ? 0 : 1)
                .gauge("open_files", "Parquet files open now", s -> s.recorder.openFiles())
                .gauge("upload_pending_files", "Closed files waiting for their upload", s -> s.pendingFiles)
                .counter("uploaded_files", "Files confirmed in S3 since start", s -> s.uploadedFiles)
                .counter("upload_failures", "Failed upload attempts since start (each retried)",
                        s -> s.uploadFailures);
    }

    /** The Bigtable sink's counters ({@code bbo_relay_depth_bigtable_*}). */
    static void bigtableMetrics(BigtableDepthSink sink, PrometheusRegistry registry) {
        new StatsMetrics<>(PREFIX + "bigtable_", sink::stats, registry)
                .counter("rows_written", "Bucket rows confirmed written to Bigtable", BigtableDepthStats::rowsWritten)
                .counter("rows_dropped", "Bucket rows dropped (queue full during an outage, or left at close)",
                        BigtableDepthStats::rowsDropped)
                .counter("rows_rejected", "Bucket rows Bigtable refused as invalid (not retried)",
                        BigtableDepthStats::rowsRejected)
                .counter("write_failures", "Failed write attempts (each retried with backoff)",
                        BigtableDepthStats::writeFailures)
                .gauge("queued_rows", "Bucket rows waiting for the writer", BigtableDepthStats::queuedRows)
                .gauge("failing", "1 while the last write attempt failed", s -> s.failing() ? 1 : 0);
    }

    /** One scrape's view. */
    private static final class Snapshot {
        final RecorderStats recorder;
        final DepthStats depth;
        final long pendingFiles;
        final long uploadedFiles;
        final long uploadFailures;

        Snapshot(DepthRecorder r) {
            recorder = r.recorder().stats();
            depth = r.stats();
            pendingFiles = r.uploader().pendingFiles();
            uploadedFiles = r.uploader().filesUploaded();
            uploadFailures = r.uploader().failures();
        }
    }

    private static Map<String, Long> perTable(RecorderStats r, boolean refused) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (RecorderStats.TableStats t : r.tables()) {
            m.put(t.path(), refused ? t.rowsRejectedTotal() : t.rowsWritten());
        }
        return m;
    }

    private static Map<String, Long> perSymbol(DepthStats s, int what) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DepthStats.SymbolStats p : s.symbols()) {
            long v = switch (what) {
                case 0 -> p.synced() ? 1 : 0;
                case 1 -> p.breaks();
                case 2 -> p.diffEvents();
                default -> p.bucketRows();
            };
            m.put(p.symbol(), v);
        }
        return m;
    }
}
