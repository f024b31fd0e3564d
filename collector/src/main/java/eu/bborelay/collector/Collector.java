package eu.bborelay.collector;

import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.recording.BinanceTables;
import eu.bborelay.recording.PolymarketTables;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.RecorderConfig;
import eu.bborelay.recording.RecorderStats;
import eu.bborelay.recording.Row;
import eu.bborelay.recording.S3Uploader;
import eu.bborelay.recording.S3UploaderConfig;
import eu.bborelay.recording.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running collector: {@link S3Uploader} (started first: it queues the files a previous run left), the
 * {@link SessionMark}, the {@link Recorder} (rebuilds unclosed files from their journals, hands them to the uploader,
 * and shows the mark each rebuilt row so it can tell whether the row in flight at a crash was journaled), a
 * {@link Receiver} whose listener records every update and, when {@code POLYMARKET_TOKENS} is
 * set, a {@link PolymarketSource} recording Polymarket's market channel through the same recorder. The recorder is
 * always opened with the Binance and the Polymarket tables, so journals of either are rebuilt at start whatever is
 * configured now. {@link #close()} stops in the reverse order: no more input, every open file committed, then up to
 * {@code drain} for their uploads.
 *
 * <p>Thread-safe accessors; {@link #close()} once, from one thread.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final S3Uploader uploader;
    private final Recorder recorder;
    private final SessionMark mark;
    private final RecordingListener listener;
    private final Receiver receiver;
    private final PolymarketSource polymarket;
    private final ScheduledExecutorService markSync;
    private final Duration drain;

    /** Every table the collector records. */
    static final List<TableSchema> TABLES;

    static {
        List<TableSchema> all = new ArrayList<>(BinanceTables.ALL);
        all.addAll(PolymarketTables.ALL);
        TABLES = List.copyOf(all);
    }

    private Collector(S3Uploader uploader, Recorder recorder, SessionMark mark, RecordingListener listener,
                      Receiver receiver, PolymarketSource polymarket, Duration drain) {
        this.uploader = uploader;
        this.recorder = recorder;
        this.mark = mark;
        this.listener = listener;
        this.receiver = receiver;
        this.polymarket = polymarket;
        this.drain = drain;
        this.markSync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "collector-mark-sync");
            t.setDaemon(true);
            return t;
        });
        markSync.scheduleWithFixedDelay(mark::force, 1, 1, TimeUnit.SECONDS);
    }

    /** Starts a collector with the daemon's settings. */
    public static Collector start(CollectorConfig config) {
        return start(config.receiver().toReceiverConfig(), config.recorderConfig(), config.uploaderConfig(),
                config.polymarket(), Duration.ofSeconds(config.uploadDrainSeconds()));
    }

    /**
     * {@link #start(ReceiverConfig, RecorderConfig, S3UploaderConfig, PolymarketSource.Config, Duration)} without
     * Polymarket.
     */
    public static Collector start(ReceiverConfig receiverConfig, RecorderConfig recorderConfig,
                                  S3UploaderConfig uploaderConfig, Duration drain) {
        return start(receiverConfig, recorderConfig, uploaderConfig, null, drain);
    }

    /**
     * Starts a collector from the three parts' configurations (tests inject clocks and backoffs this way).
     *
     * @param polymarket what to record of Polymarket's market channel; null = nothing
     * @param drain how long {@link #close()} waits for the files it closed to be uploaded
     * @throws UncheckedIOException if {@code DATA_DIR} cannot be used; the receiver's exceptions for a bad port or
     *                              TLS files
     */
    static Collector start(ReceiverConfig receiverConfig, RecorderConfig recorderConfig,
                           S3UploaderConfig uploaderConfig, PolymarketSource.Config polymarket, Duration drain) {
        Path dataDir = recorderConfig.dataDir();
        S3Uploader uploader = null;
        Recorder recorder = null;
        SessionMark mark = null;
        PolymarketSource source;
        try {
            Files.createDirectories(dataDir);
            uploader = S3Uploader.start(uploaderConfig);
            mark = SessionMark.open(dataDir);
            SessionMark m = mark;
            recorder = Recorder.open(recorderConfig, TABLES, uploader,
                    (table, body) -> resolvePending(m, table, body));
            RecordingListener listener = new RecordingListener(recorder, mark);
            Receiver receiver = Receiver.start(receiverConfig, listener);
            try {
                source = polymarket == null ? null : PolymarketSource.start(polymarket, recorder);
            } catch (RuntimeException e) {
                receiver.close();
                throw e;
            }
            LOG.info("Recording to {} ({} file(s) waiting for upload to s3://{}/{})", dataDir,
                    uploader.pendingFiles(), uploaderConfig.bucket(), uploaderConfig.prefix());
            return new Collector(uploader, recorder, mark, listener, receiver, source, drain);
        } catch (IOException e) {
            closeQuietly(mark, recorder, uploader);
            throw new UncheckedIOException("DATA_DIR " + dataDir + " cannot be used: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(mark, recorder, uploader);
            throw e;
        }
    }

    /** A Binance row rebuilt from the journal: was it the one in flight when the previous run died? */
    static void resolvePending(SessionMark mark, TableSchema table, ByteBuffer body) {
        int seq;
        int recvTs;
        if (table == BinanceTables.BBO) {
            seq = BinanceTables.Bbo.SEQ;
            recvTs = BinanceTables.Bbo.RECV_TS;
        } else if (table == BinanceTables.TRADES) {
            seq = BinanceTables.Trades.SEQ;
            recvTs = BinanceTables.Trades.RECV_TS;
        } else if (table == BinanceTables.AGG_TRADES) {
            seq = BinanceTables.AggTrades.SEQ;
            recvTs = BinanceTables.AggTrades.RECV_TS;
        } else {
            return;
        }
        mark.resolvePending(Row.readLong(table, body, seq, -1), Row.readLong(table, body, recvTs, -1));
    }

    private static void closeQuietly(AutoCloseable... things) {
        for (AutoCloseable c : things) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("Closing {} after a failed start: {}", c.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }

    /** The embedded receiver (port, stats, latest quotes). */
    public Receiver receiver() {
        return receiver;
    }

    /** The Polymarket source, or null when {@code POLYMARKET_TOKENS} is not set. */
    PolymarketSource polymarket() {
        return polymarket;
    }

    /** The recorder (rows written and refused per table, files, storage failure). */
    public Recorder recorder() {
        return recorder;
    }

    /** The uploader (backlog, uploads, errors). */
    public S3Uploader uploader() {
        return uploader;
    }

    /** Updates skipped at a restart because a previous run had recorded them. */
    public long alreadyRecorded() {
        return listener.alreadyRecorded();
    }

    /** Updates lost in a restart (written by the sender into the dead process, never recorded): gaps. */
    public long restartGaps() {
        return listener.restartGaps();
    }

    /** All updates lost between the sender and the recording: the receiver's gaps plus {@link #restartGaps()}. */
    public long gaps() {
        return receiver.stats().gaps() + listener.restartGaps();
    }

    @Override
    public void close() {
        if (polymarket != null) {
            polymarket.close();
        }
        receiver.close();
        recorder.close();
        long deadline = System.nanoTime() + drain.toNanos();
        while (uploader.pendingFiles() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (uploader.pendingFiles() > 0) {
            LOG.warn("{} file(s), {} bytes not uploaded yet; they are uploaded at the next start (last error: {})",
                    uploader.pendingFiles(), uploader.pendingBytes(), uploader.lastError());
        }
        uploader.close();
        markSync.shutdownNow();
        mark.close();
        LOG.info("Recorded since start: {}; gaps {} (receiver {}, restart {}); already recorded {}; uploaded {}"
                + " file(s), {} bytes; waiting for upload {} file(s)", rowsSummary(), gaps(),
                receiver.stats().gaps(), restartGaps(), alreadyRecorded(), uploader.filesUploaded(),
                uploader.bytesUploaded(), uploader.pendingFiles());
    }

    private String rowsSummary() {
        StringBuilder sb = new StringBuilder();
        for (RecorderStats.TableStats t : recorder.stats().tables()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.path()).append(' ').append(t.rowsWritten())
                    .append(" rows (").append(t.rowsRejectedTotal()).append(" refused)");
        }
        return sb.toString();
    }
}
