package eu.bborelay.collector;

import eu.bborelay.ops.Health;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.StatsMetrics;
import eu.bborelay.polymarket.PolymarketStats;
import eu.bborelay.receiver.daemon.ReceiverOps;
import eu.bborelay.recording.RecorderStats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The collector's {@code GET /health} and {@code GET /metrics}: the receiver daemon's (same rule, same
 * {@code bbo_relay_receiver_*} metrics) plus the recording's, all read from stats snapshots when asked.
 *
 * <p>Health fails, saying why, on: a storage failure (disk full, I/O error: {@link RecorderStats#failure()}); a
 * closed file waiting for its upload longer than {@code UPLOAD_MAX_AGE_SECONDS} (with the uploader's last error);
 * when Polymarket is recorded ({@code POLYMARKET_TOKENS}), its market channel not connected (the client reconnects
 * with backoff; a docker health check needs three failures in a row); otherwise the receiver's rule (a sender
 * connected, the freshest quote younger than {@code HEALTH_MAX_AGE_SECONDS}). The reason always ends with the rows
 * written, the gaps, the upload backlog and, when on, the Polymarket state (connected, books synced, reconnects).
 */
final class CollectorOps {
    static final String PREFIX = "bbo_relay_collector_";

    private CollectorOps() {
    }

    /** Starts the endpoint on {@code port} (all addresses); null when {@code port} is 0. */
    static OpsServer start(Collector c, int port, long healthMaxAgeSeconds, long uploadMaxAgeSeconds) {
        if (port == 0) {
            return null;
        }
        PrometheusRegistry registry = ReceiverOps.metrics(c.receiver()).registry();
        metrics(c, registry);
        return OpsServer.start("0.0.0.0", port, () -> health(c, healthMaxAgeSeconds, uploadMaxAgeSeconds), registry);
    }

    /** The health rule above. */
    static Health health(Collector c, long healthMaxAgeSeconds, long uploadMaxAgeSeconds) {
        RecorderStats r = c.recorder().stats();
        long pendingFiles = c.uploader().pendingFiles();
        long oldestMs = c.uploader().oldestPendingAgeMs();
        StringBuilder tail = new StringBuilder();
        for (RecorderStats.TableStats t : r.tables()) {
            if (t.rowsWritten() > 0 || t.rowsRejectedTotal() > 0) {
                tail.append(tail.length() == 0 ? "rows " : ", ").append(t.path()).append(' ').append(t.rowsWritten());
                if (t.rowsRejectedTotal() > 0) {
                    tail.append(" (").append(t.rowsRejectedTotal()).append(" refused)");
                }
            }
        }
        if (tail.length() == 0) {
            tail.append("no rows yet");
        }
        tail.append("; gaps ").append(c.gaps()).append("; upload backlog ").append(pendingFiles).append(" file(s), ")
                .append(c.uploader().pendingBytes()).append(" bytes");
        if (pendingFiles > 0) {
            tail.append(", oldest ").append(oldestMs / 1000).append(" s");
        }
        PolymarketSource polymarket = c.polymarket();
        if (polymarket != null) {
            tail.append("; ").append(polymarket.summary());
        }
        if (!r.healthy()) {
            return Health.unhealthy("storage failed, recording stopped: " + r.failure() + "; " + tail);
        }
        if (pendingFiles > 0 && oldestMs > TimeUnit.SECONDS.toMillis(uploadMaxAgeSeconds)) {
            return Health.unhealthy("upload to S3 failing: a file has waited " + oldestMs / 1000 + " s (limit "
                    + uploadMaxAgeSeconds + " s), last error: " + c.uploader().lastError() + "; " + tail);
        }
        if (polymarket != null && !polymarket.connected()) {
            return Health.unhealthy("Polymarket market channel " + polymarket.client().uri()
                    + " not connected (reconnecting); " + tail);
        }
        Health receiver = ReceiverOps.health(c.receiver().stats(), TimeUnit.SECONDS.toNanos(healthMaxAgeSeconds),
                CollectorOps::nowEpochNanos);
        return receiver.healthy() ? Health.healthy(receiver.reason() + "; " + tail)
                : Health.unhealthy(receiver.reason() + "; " + tail);
    }

    /** The recording's metrics, registered into {@code registry}. */
    static void metrics(Collector c, PrometheusRegistry registry) {
        new StatsMetrics<>(PREFIX, () -> new Snapshot(c), registry)
                .counter("rows_written", "Rows accepted (journaled and written to Parquet), per table", "table",
                        s -> perTable(s.recorder, false))
                .counter("rows_refused", "Rows refused (bad input, storage failure), per table; the log names"
                        + " the reason", "table", s -> perTable(s.recorder, true))
                .counter("files_closed", "Parquet files committed since start", s -> s.recorder.filesClosed())
                .counter("bytes_closed", "Bytes of the Parquet files committed since start",
                        s -> s.recorder.bytesClosed())
                .counter("files_rebuilt", "Files rebuilt from the journal (after a crash or storage failure)",
                        s -> s.recorder.filesRebuilt())
                .gauge("open_files", "Parquet files open now", s -> s.recorder.openFiles())
                .gauge("journal_bytes", "Bytes in the open journal segments", s -> s.recorder.journalBytes())
                .gauge("storage_failed", "1 while recording is stopped by a storage failure (disk full)",
                        s -> s.recorder.healthy() ? 0 : 1)
                .gauge("upload_pending_files", "Closed files waiting for their upload", s -> s.pendingFiles)
                .gauge("upload_pending_bytes", "Bytes of the closed files waiting for their upload",
                        s -> s.pendingBytes)
                .gauge("upload_oldest_pending_age_seconds", "How long the oldest waiting file has waited (0 if none)",
                        s -> s.oldestPendingMs / 1000.0)
                .counter("uploaded_files", "Files confirmed in S3 since start", s -> s.uploadedFiles)
                .counter("uploaded_bytes", "Bytes confirmed in S3 since start", s -> s.uploadedBytes)
                .counter("upload_failures", "Failed upload attempts since start (each retried)", s -> s.uploadFailures)
                .counter("restart_gaps", "Updates the sender wrote before this process started that no run recorded"
                        + " (lost in a crash); the receiver's gaps_total does not include them", s -> s.restartGaps)
                .counter("gaps", "All updates lost between the sender and the recording (receiver gaps plus"
                        + " restart gaps)", s -> s.gaps)
                .counter("already_recorded", "Updates skipped after a restart because a previous run had recorded"
                        + " them", s -> s.alreadyRecorded);
        if (c.polymarket() != null) {
            polymarketMetrics(c.polymarket(), registry);
        }
    }

    /** {@code bbo_relay_collector_polymarket_*}: the market channel's state and the client's counters. */
    static void polymarketMetrics(PolymarketSource p, PrometheusRegistry registry) {
        new StatsMetrics<>(PREFIX + "polymarket_", () -> new PolymarketSnapshot(p), registry)
                .gauge("connected", "1 while the market channel is open and subscribed", s -> s.connected ? 1 : 0)
                .gauge("tokens", "Tokens subscribed (POLYMARKET_TOKENS)", s -> s.tokens)
                .gauge("books_synced", "Tokens whose book is synced (snapshot received on this connection)",
                        s -> s.synced)
                .counter("l2_rows", "Book changes recorded to polymarket/l2", s -> s.listener.l2Rows())
                .counter("trade_rows", "Trades recorded to polymarket/trades", s -> s.listener.tradeRows())
                .counter("rows_refused", "Polymarket rows the recorder refused (see rows_refused_total{table})",
                        s -> s.listener.refusedRows())
                .counter("l2_unchanged_top_skipped", "Book changes below the recorded POLYMARKET_L2_LEVELS, not"
                        + " written", s -> s.listener.unchangedTopSkipped())
                .counter("messages", "Market-channel messages received, per event type", "type", s -> s.messages)
                .counter("malformed", "Frames that were not valid JSON (skipped, logged once)",
                        s -> s.p.client().stats().malformed())
                .counter("unknown_types", "Messages of an unknown event_type (ignored)",
                        s -> s.p.client().stats().unknownTypes())
                .counter("changes_while_unsynced", "price_change entries dropped because the book awaited its"
                        + " snapshot (after a reconnect)", s -> s.p.client().stats().changesWhileUnsynced())
                .counter("crossed_books", "Book changes that left a book crossed (recorded as they are)",
                        s -> s.p.client().stats().crossedBooks())
                .counter("reconnects", "Market-channel reconnections", s -> s.p.client().stats().reconnects())
                .counter("silence_drops", "Connections dropped for silence (no message, no PONG)",
                        s -> s.p.client().stats().silenceDrops());
    }

    /** One scrape's view of the Polymarket source. */
    private static final class PolymarketSnapshot {
        final PolymarketSource p;
        final PolymarketRecordingListener listener;
        final boolean connected;
        final int tokens;
        final int synced;
        final Map<String, Long> messages = new LinkedHashMap<>();

        PolymarketSnapshot(PolymarketSource p) {
            this.p = p;
            listener = p.listener();
            connected = p.connected();
            tokens = p.client().assets().size();
            synced = p.syncedBooks();
            PolymarketStats s = p.client().stats();
            messages.put("book", s.books());
            messages.put("price_change", s.priceChanges());
            messages.put("last_trade_price", s.trades());
            messages.put("tick_size_change", s.tickSizeChanges());
            messages.put("best_bid_ask", s.bestBidAsks());
        }
    }

    /** One scrape's view of the recorder and the uploader. */
    private static final class Snapshot {
        final RecorderStats recorder;
        final long pendingFiles;
        final long pendingBytes;
        final long oldestPendingMs;
        final long uploadedFiles;
        final long uploadedBytes;
        final long uploadFailures;
        final long restartGaps;
        final long gaps;
        final long alreadyRecorded;

        Snapshot(Collector c) {
            recorder = c.recorder().stats();
            pendingFiles = c.uploader().pendingFiles();
            pendingBytes = c.uploader().pendingBytes();
            oldestPendingMs = pendingFiles == 0 ? 0 : c.uploader().oldestPendingAgeMs();
            uploadedFiles = c.uploader().filesUploaded();
            uploadedBytes = c.uploader().bytesUploaded();
            uploadFailures = c.uploader().failures();
            restartGaps = c.restartGaps();
            gaps = c.gaps();
            alreadyRecorded = c.alreadyRecorded();
        }
    }

    private static Map<String, Long> perTable(RecorderStats r, boolean refused) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (RecorderStats.TableStats t : r.tables()) {
            m.put(t.path(), refused ? t.rowsRejectedTotal() : t.rowsWritten());
        }
        return m;
    }

    private static long nowEpochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
