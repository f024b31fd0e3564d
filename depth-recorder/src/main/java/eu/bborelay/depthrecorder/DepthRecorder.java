package eu.bborelay.depthrecorder;

import eu.bborelay.binance.StreamConnections;
import eu.bborelay.depth.SnapshotFetcher;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.recording.DepthTables;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.RecorderStats;
import eu.bborelay.recording.S3Uploader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running depth recorder (issue 11 parts 2 and 3) for one Binance market: the diff and partial depth streams of
 * {@code SYMBOLS} over the shared Binance client ({@link StreamConnections}), a local book per symbol synced from
 * REST snapshots ({@link SnapshotFetcher}, within the request-weight budget), every diff, partial and snapshot
 * recorded to Parquet ({@link DepthTables}: {@code binance/<market>/diff_orderbooks}, {@code partial_orderbooks},
 * {@code orderbooks}), and every {@code BUCKET_INTERVAL_SECONDS} the log-delta buckets of each synced book to the
 * {@link DepthBucketSink}s ({@code depth_buckets} in Parquet, plus any extra sink such as Bigtable). The
 * {@link Recorder} journals every row and the {@link S3Uploader} uploads each hour's files once closed.
 *
 * <pre>{@code
 * try (DepthRecorder r = DepthRecorder.start(config, List.of(bigtableSink))) {
 *     ... r.stats() ...
 * }
 * }</pre>
 *
 * <p>Threads: {@code depth-books} owns the books ({@link BookThread}), {@code depth-rest} the REST requests,
 * {@code depth-ws-connect} and the WebSocket read threads the connections, plus the recorder's and uploader's.
 * Getters are thread-safe; {@link #close()} once, from one thread.
 */
public final class DepthRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DepthRecorder.class);

    private final DepthRecorderConfig config;
    private final S3Uploader uploader;
    private final Recorder recorder;
    private final BookThread books;
    private final SnapshotFetcher fetcher;
    private final StreamConnections connections;
    private final int weightLimit;

    private DepthRecorder(DepthRecorderConfig config, S3Uploader uploader, Recorder recorder, BookThread books,
                          SnapshotFetcher fetcher, StreamConnections connections, int weightLimit) {
        this.config = config;
        this.uploader = uploader;
        this.recorder = recorder;
        this.books = books;
        this.fetcher = fetcher;
        this.connections = connections;
        this.weightLimit = weightLimit;
    }

    /**
     * Starts the recorder: uploader (queues files a previous run left), recorder (rebuilds unclosed files from the
     * journal), exchangeInfo (the {@code REQUEST_WEIGHT} limit and the symbols), the snapshot budget check, the book
     * thread, the REST side and the connections.
     *
     * @param extraSinks bucket sinks besides Parquet (e.g. Bigtable); called on the book thread, closed by
     *                   {@link #close()}; may be empty
     * @throws SettingException         when a symbol is not a symbol of the market, or the regular snapshots alone
     *                                  would exceed the weight budget (the message says what fits)
     * @throws UncheckedIOException     when {@code DATA_DIR} cannot be used
     */
    public static DepthRecorder start(DepthRecorderConfig config, List<DepthBucketSink> extraSinks) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(extraSinks, "extraSinks");
        DepthRecorderConfig.Market market = config.market();
        int weight = market.depthWeight(config.snapshotLimit());
        HttpClient http = SnapshotFetcher.newHttpClient();
        SnapshotFetcher.ExchangeInfo info = SnapshotFetcher.exchangeInfo(http, config.restBase(), market.restPath(),
                market.defaultWeightLimit());
        int limit = market.defaultWeightLimit();
        if (info == null) {
            LOG.warn("exchangeInfo unreadable: assuming REQUEST_WEIGHT {} per minute and that every symbol exists",
                    limit);
        } else {
            limit = info.requestWeightPerMinute();
            checkSymbols(config, info.statusBySymbol());
        }
        var policy = SnapshotFetcher.policy(limit, config.snapshotWeightShare(), config.minSnapshotBackoff());
        if (weight > policy.budget()) {
            throw new SettingException("SNAPSHOT_LIMIT=" + config.snapshotLimit() + " weighs " + weight + ", more than"
                    + " the whole snapshot budget " + policy.budget() + "/min (SNAPSHOT_WEIGHT_SHARE="
                    + config.snapshotWeightShare() + " of " + limit + "); lower SNAPSHOT_LIMIT or raise the share");
        }
        if (config.snapshotIntervalSeconds() > 0) {
            try {
                policy.checkSustainable(config.symbols().size(), 60.0 / config.snapshotIntervalSeconds(), weight);
            } catch (IllegalArgumentException e) {
                throw new SettingException("SNAPSHOT_INTERVAL_SECONDS=" + config.snapshotIntervalSeconds()
                        + " with SNAPSHOT_LIMIT=" + config.snapshotLimit() + ": " + e.getMessage()
                        + " (raise SNAPSHOT_INTERVAL_SECONDS, lower SNAPSHOT_LIMIT or record fewer SYMBOLS)");
            }
        }
        S3Uploader uploader = null;
        Recorder recorder = null;
        BookThread books = null;
        SnapshotFetcher fetcher = null;
        try {
            Files.createDirectories(config.dataDir());
            uploader = S3Uploader.start(config.uploaderConfig());
            DepthTables tables = DepthTables.of(market.folder());
            recorder = Recorder.open(config.recorderConfig(), tables.all(), uploader);
            List<DepthBucketSink> sinks = new ArrayList<>();
            sinks.add(new ParquetDepthBucketSink(recorder, tables));
            sinks.addAll(extraSinks);
            BookThread[] ref = new BookThread[1];
            fetcher = new SnapshotFetcher(http, config.restBase(), market.restPath(), config.snapshotLimit(), weight,
                    policy, r -> ref[0].offerSnapshot(r));
            SnapshotFetcher f = fetcher;
            books = new BookThread(market, config.symbols(), recorder, tables, config.bucketStep(),
                    config.bucketSteps(), config.bucketIntervalSeconds(), config.snapshotLimit(), f::requestSync,
                    sinks);
            ref[0] = books;
            books.start();
            StreamConnections connections = new StreamConnections(config.wsBase(), config.symbols(),
                    config.streams(), books, "depth-ws-connect");
            fetcher.startRegular(config.symbols(), config.snapshotIntervalSeconds());
            connections.start();
            LOG.info("Recording {} depth of {} symbol(s) to {} ({} connection(s); snapshots limit {} weight {} of"
                            + " budget {}/min; {} file(s) waiting for upload)", market.folder(),
                    config.symbols().size(), config.dataDir(), connections.legs().size(), config.snapshotLimit(),
                    weight, policy.budget(), uploader.pendingFiles());
            return new DepthRecorder(config, uploader, recorder, books, fetcher, connections, limit);
        } catch (IOException e) {
            closeQuietly(fetcher, books, recorder, uploader);
            throw new UncheckedIOException("DATA_DIR " + config.dataDir() + " cannot be used: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(fetcher, books, recorder, uploader);
            throw e;
        }
    }

    private static void checkSymbols(DepthRecorderConfig config, Map<String, String> status) {
        for (String s : config.symbols()) {
            String st = status.get(s);
            if (st == null) {
                throw new SettingException("SYMBOLS: " + s + " is not a symbol of " + config.market().folder()
                        + " (exchangeInfo of " + config.restBase() + "); check MARKET and the spelling");
            }
            if (!"TRADING".equals(st)) {
                LOG.warn("{} has status {} on {}: its streams may stay silent", s, st, config.market().folder());
            }
        }
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

    /** The configuration it runs with. */
    public DepthRecorderConfig config() {
        return config;
    }

    /** The Parquet recorder (rows per table, files, storage failure). */
    public Recorder recorder() {
        return recorder;
    }

    /** The uploader (backlog, uploads, errors). */
    public S3Uploader uploader() {
        return uploader;
    }

    /** The books' counters: per symbol synced, diff events, breaks, snapshots applied, bucket rows. */
    public DepthStats stats() {
        BookThread.Stats s = books.stats();
        List<DepthStats.SymbolStats> symbols = new ArrayList<>();
        for (BookThread.SymbolStats p : s.symbols()) {
            symbols.add(new DepthStats.SymbolStats(p.symbol(), p.synced(), p.diffEvents(), p.breaks(),
                    p.snapshotsApplied(), p.bucketRows(), p.unsyncedSinceEpochMs()));
        }
        int open = 0;
        long downSince = 0;
        for (StreamConnections.Leg leg : connections.legs()) {
            if (leg.open()) {
                open++;
            } else if (downSince == 0 || leg.downSinceEpochMs() < downSince) {
                downSince = leg.downSinceEpochMs();
            }
        }
        return new DepthStats(List.copyOf(symbols), s.messages(), s.malformed(), s.diffRows(), s.partialRows(),
                s.snapshotRows(), s.bucketRows(), s.rowsRefused(), s.missedBucketIntervals(), s.sinkFailures(),
                fetcher.requestsSent(), fetcher.failures(), fetcher.delayedByBudget(), connections.legs().size(), open,
                downSince, weightLimit);
    }

    /** Recorder stats. */
    public RecorderStats recorderStats() {
        return recorder.stats();
    }

    @Override
    public void close() {
        connections.close();
        fetcher.close();
        books.close();
        recorder.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(config.uploadDrainSeconds()).toNanos();
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
        DepthStats s = stats();
        LOG.info("Recorded since start: {} diff, {} partial, {} snapshot, {} bucket rows ({} refused); breaks {};"
                        + " uploaded {} file(s)", s.diffRows(), s.partialRows(), s.snapshotRows(), s.bucketRows(),
                s.rowsRefused(), s.breaks(), uploader.filesUploaded());
    }
}
