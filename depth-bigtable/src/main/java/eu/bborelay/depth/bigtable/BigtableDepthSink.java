package eu.bborelay.depth.bigtable;

import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.admin.v2.models.ColumnFamily;
import com.google.cloud.bigtable.admin.v2.models.CreateTableRequest;
import com.google.cloud.bigtable.admin.v2.models.GCRules;
import com.google.cloud.bigtable.admin.v2.models.ModifyColumnFamiliesRequest;
import com.google.cloud.bigtable.admin.v2.models.Table;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.BulkMutation;
import com.google.cloud.bigtable.data.v2.models.MutateRowsException;
import com.google.cloud.bigtable.data.v2.models.RowMutationEntry;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.cloud.bigtable.data.v2.stub.BigtableBatchingCallSettings;
import com.google.cloud.bigtable.data.v2.stub.metrics.NoopMetricsProvider;
import com.google.protobuf.ByteString;
import eu.bborelay.depth.BigtableDepthRow;
import eu.bborelay.depth.DepthBucketSnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each second's log-delta depth buckets to Cloud Bigtable in the original collector's shape
 * ({@link BigtableDepthRow}: table {@code binance_btc_depth}, row key {@code {10^10 − epoch second}#{symbol}}, family
 * {@code data}, columns {@code price}, {@code orderbook}, {@code timestamp}), off the caller's thread.
 *
 * <h2>Threads</h2>
 * The depth recorder's bucket timer calls {@link #accept} (any thread, thread-safe): it copies the snapshot into a
 * bounded queue ({@code BIGTABLE_QUEUE_ROWS}) and returns; it never blocks, never does I/O and never throws for
 * Bigtable's sake. One writer thread, {@value #THREAD_NAME}, owns the Bigtable client: it takes up to
 * {@link BigtableDepthConfig#batchRows()} rows at a time and writes them with one MutateRows call.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A write that fails (Bigtable unreachable, table missing, permission denied, timeout after
 *       {@link BigtableDepthConfig#callTimeout()}) is counted ({@code writeFailures}) and retried after a backoff
 *       that starts at {@link BigtableDepthConfig#firstRetryDelay()} and doubles up to {@code BIGTABLE_RETRY_SECONDS},
 *       for as long as it takes. The first failure of an outage is logged once, at WARN, with what to fix; the end of
 *       the outage is logged at INFO with its length and the rows dropped meanwhile.</li>
 *   <li>While Bigtable is down the queue fills; when it is full, {@link #accept} drops the <em>oldest</em> queued row
 *       and counts it ({@code rowsDropped}); the first drop of an outage is logged once. The batch being retried is
 *       kept, so at most {@code BIGTABLE_QUEUE_ROWS + batchRows} rows wait.</li>
 *   <li>Rows Bigtable refuses as invalid (INVALID_ARGUMENT), and snapshots that cannot make a row key (empty symbol,
 *       epoch out of range, symbol not matching the snapshot's), are counted ({@code rowsRejected}), logged once and
 *       not retried.</li>
 * </ul>
 * Retrying a row writes the same cells again with the same cell timestamp (the collection time), so a row written
 * twice (a write that succeeded but whose answer was lost) still holds one version of each cell.
 *
 * <h2>Lifecycle</h2>
 * {@link #start} creates the client (it opens no connection yet); {@link #close()} stops taking rows, keeps writing
 * what is queued for up to {@link BigtableDepthConfig#drainTimeout()}, counts the rest as dropped, and closes the
 * client. Counters: {@link #stats()}.
 *
 * <pre>{@code
 * Optional<BigtableDepthConfig> bigtable = BigtableDepthConfig.parse(settings); // empty: Bigtable is off
 * try (BigtableDepthSink sink = BigtableDepthSink.start(bigtable.orElseThrow())) {
 *     // on the bucket timer, once per symbol and aligned second, with a reused snapshot:
 *     if (buckets.compute(book, epochSecond, snapshot)) {
 *         sink.accept(book.symbol(), snapshot, System.currentTimeMillis());
 *     }
 * }
 * }</pre>
 */
public final class BigtableDepthSink implements AutoCloseable {
    /** The writer thread's name. */
    public static final String THREAD_NAME = "bigtable-depth-writer";

    private static final Logger LOG = LoggerFactory.getLogger(BigtableDepthSink.class);
    private static final long POLL_MS = 200;

    private final BigtableDepthConfig config;
    private final BigtableDataClient client;
    private final ArrayBlockingQueue<Pending> queue;
    private final Thread writer;
    private final Object sleeper = new Object();

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Rows accepted into the queue and not yet written, rejected or dropped (the writer's batch included). */
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean failing;
    private volatile long lastWriteEpochMillis;
    private volatile boolean closing;
    private volatile boolean dropLogged;
    private volatile boolean rejectLogged;
    private volatile long closeDeadlineNanos;

    // writer thread only
    private boolean tableReady;
    private long outageStartNanos;
    private long outageFailures;
    private long droppedAtOutageStart;
    private StatusCode.Code outageCode;

    /** A queued row: a copy of the snapshot and its collection time. */
    private record Pending(DepthBucketSnapshot snapshot, long collectedEpochMillis) {
    }

    private BigtableDepthSink(BigtableDepthConfig config, BigtableDataClient client) {
        this.config = config;
        this.client = client;
        this.queue = new ArrayBlockingQueue<>(config.queueRows());
        this.writer = new Thread(this::run, THREAD_NAME);
        writer.setDaemon(true);
    }

    /**
     * Creates the Bigtable client and starts the writer thread. Opens no connection: an unreachable Bigtable shows as
     * write failures, not here.
     *
     * @throws IOException when the client cannot be created, in practice no Google credentials (the message says
     *     what to set)
     */
    public static BigtableDepthSink start(BigtableDepthConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        BigtableDataClient client;
        try {
            client = BigtableDataClient.create(dataSettings(config));
        } catch (IOException e) {
            throw new IOException("cannot create the Bigtable client for " + config.target() + ": " + e.getMessage()
                    + " (set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file with the Bigtable User role,"
                    + " or run with a service account that has it; for the emulator set BIGTABLE_EMULATOR_HOST)", e);
        }
        BigtableDepthSink sink = new BigtableDepthSink(config, client);
        sink.writer.start();
        LOG.info("Bigtable sink writing depth buckets to {} (queue {} rows, retry up to every {} ms)", config.target(),
                config.queueRows(), config.maxRetryDelay().toMillis());
        return sink;
    }

    private static BigtableDataSettings dataSettings(BigtableDepthConfig c) {
        BigtableDataSettings.Builder b = c.usesEmulator()
                ? BigtableDataSettings.newBuilderForEmulator(c.emulatorHost(), c.emulatorPort())
                : BigtableDataSettings.newBuilder();
        b.setProjectId(c.projectId()).setInstanceId(c.instanceId());
        if (!c.appProfileId().isEmpty()) {
            b.setAppProfileId(c.appProfileId());
        }
        // The sink's own counters are its metrics: no export of client metrics to Cloud Monitoring (it needs its own
        // permission and threads).
        b.setMetricsProvider(NoopMetricsProvider.INSTANCE);
        b.disableInternalMetrics();
        // One MutateRows call, the client's own quick retries included, lasts at most callTimeout; after that the
        // sink's backoff takes over (the client's default would keep one call retrying for 10 minutes).
        BigtableBatchingCallSettings.Builder bulk = b.stubSettings().bulkMutateRowsSettings();
        bulk.setRetrySettings(bounded(bulk.getRetrySettings(), c.callTimeout()));
        return b.build();
    }

    private static RetrySettings bounded(RetrySettings r, Duration timeout) {
        return r.toBuilder().setTotalTimeoutDuration(timeout).setInitialRpcTimeoutDuration(timeout)
                .setMaxRpcTimeoutDuration(timeout).build();
    }

    /**
     * Queues the row of one bucket snapshot for writing; returns at once. Copies {@code snapshot}, which the caller
     * may reuse as soon as this returns. When the queue is full, the oldest queued row is dropped (counted). After
     * {@link #close()}, the row is dropped (counted). Thread-safe; never blocks; allocates one snapshot copy.
     *
     * @param symbol the book's symbol, e.g. {@code BTCUSDT}; must equal {@code snapshot.symbol()} (it makes the row
     *     key), else the row is rejected (counted, logged once)
     * @param snapshot the buckets of one aligned second ({@link DepthBucketSnapshot#epochSecond()})
     * @param collectedEpochMillis wall-clock time the snapshot was taken, ms since the epoch: the {@code timestamp}
     *     column and the cells' Bigtable timestamp
     */
    public void accept(String symbol, DepthBucketSnapshot snapshot, long collectedEpochMillis) {
        accepted.incrementAndGet();
        if (closing) {
            dropped.incrementAndGet();
            return;
        }
        if (!symbol.equals(snapshot.symbol())) {
            reject("symbol " + symbol + " does not match the snapshot's '" + snapshot.symbol()
                    + "' (a bug in the caller)");
            return;
        }
        Pending p = new Pending(snapshot.copy(), collectedEpochMillis);
        queued.incrementAndGet();
        while (!queue.offer(p)) {
            if (queue.poll() != null) {
                done(dropped, 1);
                if (!dropLogged) {
                    dropLogged = true;
                    LOG.warn("Bigtable queue full ({} rows, BIGTABLE_QUEUE_ROWS): dropping the oldest rows while"
                            + " {} does not take writes; counted in rowsDropped", config.queueRows(),
                            config.target());
                }
            }
        }
    }

    /** Rows leave the queue for good: counted in {@code counter} first, so that queuedRows 0 means final counts. */
    private void done(AtomicLong counter, long rows) {
        counter.addAndGet(rows);
        queued.addAndGet(-rows);
    }

    private void reject(String why) {
        rejected.incrementAndGet();
        if (!rejectLogged) {
            rejectLogged = true;
            LOG.error("Bigtable sink rejected a row: {}; such rows are counted in rowsRejected, this is logged once",
                    why);
        }
    }

    /** The counters now. Thread-safe. */
    public BigtableDepthStats stats() {
        return new BigtableDepthStats(accepted.get(), written.get(), dropped.get(), rejected.get(), failures.get(),
                (int) queued.get(), failing, lastWriteEpochMillis);
    }

    /** The configuration in use. */
    public BigtableDepthConfig config() {
        return config;
    }

    /**
     * Stops taking rows, writes what is queued for up to {@link BigtableDepthConfig#drainTimeout()}, counts the rest
     * in {@code rowsDropped}, stops the writer and closes the client. Idempotent; call from one thread, after the
     * callers of {@link #accept} have stopped (a row offered during close is dropped and counted).
     */
    @Override
    public void close() {
        if (!closing) {
            closeDeadlineNanos = System.nanoTime() + config.drainTimeout().toNanos();
            closing = true;
        }
        wake();
        try {
            writer.join(config.drainTimeout().plus(config.callTimeout()).toMillis() + 2_000);
            if (writer.isAlive()) {
                writer.interrupt();
                writer.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.isAlive()) { // a row that raced with close into the queue after the writer's last look
            int late = 0;
            while (queue.poll() != null) {
                late++;
            }
            done(dropped, late);
        }
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the Bigtable client: {}", e.toString());
        }
    }

    private void wake() {
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
    }

    private boolean drainOver() {
        return closing && System.nanoTime() - closeDeadlineNanos >= 0;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(config.batchRows());
        long delayMs = config.firstRetryDelay().toMillis();
        try {
            while (true) {
                if (batch.isEmpty()) {
                    if (closing && (queue.isEmpty() || drainOver())) {
                        break;
                    }
                    Pending first = closing ? queue.poll() : queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, config.batchRows() - 1);
                }
                if (drainOver()) {
                    break;
                }
                Failure f = writeOnce(batch);
                if (f == null) {
                    delayMs = config.firstRetryDelay().toMillis();
                    continue;
                }
                onFailure(f);
                sleep(delayMs);
                delayMs = Math.min(delayMs * 2, config.maxRetryDelay().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("Bigtable writer stopped by an unexpected error; rows are no longer written", e);
            throw e;
        } finally {
            int left = batch.size();
            for (Pending p; (p = queue.poll()) != null; ) {
                left++;
            }
            if (left > 0) {
                done(dropped, left);
                LOG.warn("Bigtable sink closed with {} rows not written to {} (counted in rowsDropped)", left,
                        config.target());
            }
        }
    }

    private void sleep(long ms) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (sleeper) {
            for (long left; (left = until - System.nanoTime()) > 0 && !drainOver(); ) {
                long wait = closing ? Math.min(left, Math.max(1, closeDeadlineNanos - System.nanoTime())) : left;
                TimeUnit.NANOSECONDS.timedWait(sleeper, Math.max(wait, 1));
            }
        }
    }

    /** Why a write attempt failed. */
    private record Failure(StatusCode.Code code, String message) {
    }

    /**
     * One attempt at the batch: rows written or rejected leave it, rows to retry stay.
     *
     * @return null when every row left the batch
     */
    private Failure writeOnce(List<Pending> batch) {
        if (!tableReady && config.createTable()) {
            Failure f = ensureTable();
            if (f != null) {
                return f;
            }
        }
        tableReady = true;
        BulkMutation bulk = BulkMutation.create(TableId.of(config.table()));
        List<Pending> sent = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            BigtableDepthRow row;
            try {
                row = BigtableDepthRow.of(p.snapshot(), p.collectedEpochMillis());
            } catch (IllegalArgumentException e) {
                queued.decrementAndGet();
                reject(e.getMessage());
                continue;
            }
            long micros = p.collectedEpochMillis() * 1000; // Bigtable's default granularity is ms: micros % 1000 == 0
            RowMutationEntry entry = RowMutationEntry.create(row.rowKey());
            for (Map.Entry<String, byte[]> cell : row.cells().entrySet()) {
                entry.setCell(BigtableDepthRow.FAMILY, ByteString.copyFromUtf8(cell.getKey()), micros,
                        ByteString.copyFrom(cell.getValue()));
            }
            bulk.add(entry);
            sent.add(p);
        }
        batch.clear();
        if (sent.isEmpty()) {
            return null;
        }
        try {
            client.bulkMutateRows(bulk);
            onWritten(sent.size());
            return null;
        } catch (MutateRowsException e) {
            List<MutateRowsException.FailedMutation> failed = e.getFailedMutations();
            if (failed.isEmpty()) {
                batch.addAll(sent);
                return new Failure(e.getStatusCode().getCode(), e.getMessage());
            }
            boolean[] retry = new boolean[sent.size()];
            int gone = 0;
            Failure first = null;
            for (MutateRowsException.FailedMutation m : failed) {
                int i = m.getIndex();
                if (i < 0 || i >= sent.size() || retry[i]) {
                    continue;
                }
                StatusCode.Code code = m.getError().getStatusCode().getCode();
                if (code == StatusCode.Code.INVALID_ARGUMENT) {
                    queued.decrementAndGet();
                    reject("Bigtable refused row " + BigtableDepthRow.rowKey(sent.get(i).snapshot().epochSecond(),
                            sent.get(i).snapshot().symbol()) + ": " + m.getError().getMessage());
                    gone++;
                    continue;
                }
                retry[i] = true;
                if (first == null) {
                    first = new Failure(code, m.getError().getMessage());
                }
            }
            int kept = 0;
            for (int i = 0; i < sent.size(); i++) {
                if (retry[i]) {
                    batch.add(sent.get(i));
                    kept++;
                }
            }
            int ok = sent.size() - kept - gone;
            if (first == null) {
                onWritten(ok);
                return null;
            }
            if (ok > 0) {
                lastWriteEpochMillis = System.currentTimeMillis();
                done(written, ok);
            }
            return first;
        } catch (ApiException e) {
            batch.addAll(sent);
            return new Failure(e.getStatusCode().getCode(), e.getMessage());
        } catch (RuntimeException e) {
            batch.addAll(sent);
            return new Failure(StatusCode.Code.UNKNOWN, e.toString());
        }
    }

    /** Creates the table and its family when missing (BIGTABLE_CREATE_TABLE=true). */
    private Failure ensureTable() {
        BigtableTableAdminSettings.Builder b = config.usesEmulator()
                ? BigtableTableAdminSettings.newBuilderForEmulator(config.emulatorHost(), config.emulatorPort())
                : BigtableTableAdminSettings.newBuilder();
        b.setProjectId(config.projectId()).setInstanceId(config.instanceId());
        long timeoutMs = config.callTimeout().toMillis();
        try (BigtableTableAdminClient admin = BigtableTableAdminClient.create(b.build())) {
            if (!admin.existsAsync(config.table()).get(timeoutMs, TimeUnit.MILLISECONDS)) {
                admin.createTableAsync(CreateTableRequest.of(config.table())
                        .addFamily(BigtableDepthRow.FAMILY, GCRules.GCRULES.maxVersions(1)))
                        .get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("created Bigtable table {} with family {} (BIGTABLE_CREATE_TABLE=true)", config.target(),
                        BigtableDepthRow.FAMILY);
                return null;
            }
            Table t = admin.getTableAsync(config.table()).get(timeoutMs, TimeUnit.MILLISECONDS);
            for (ColumnFamily f : t.getColumnFamilies()) {
                if (f.getId().equals(BigtableDepthRow.FAMILY)) {
                    return null;
                }
            }
            admin.modifyFamiliesAsync(ModifyColumnFamiliesRequest.of(config.table())
                    .addFamily(BigtableDepthRow.FAMILY, GCRules.GCRULES.maxVersions(1)))
                    .get(timeoutMs, TimeUnit.MILLISECONDS);
            LOG.info("added family {} to Bigtable table {} (BIGTABLE_CREATE_TABLE=true)", BigtableDepthRow.FAMILY,
                    config.target());
            return null;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApiException a) {
                return new Failure(a.getStatusCode().getCode(), "creating the table: " + a.getMessage());
            }
            return new Failure(StatusCode.Code.UNKNOWN, "creating the table: " + c);
        } catch (TimeoutException e) {
            return new Failure(StatusCode.Code.DEADLINE_EXCEEDED, "creating the table: no answer in " + timeoutMs
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure(StatusCode.Code.CANCELLED, "creating the table: interrupted");
        } catch (IOException | RuntimeException e) {
            return new Failure(StatusCode.Code.UNKNOWN, "creating the table: " + e);
        }
    }

    private void onWritten(int rows) {
        if (failing) {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStartNanos);
            LOG.info("Bigtable writes to {} resumed after {} s and {} failed attempts; {} rows dropped meanwhile",
                    config.target(), seconds, outageFailures, dropped.get() - droppedAtOutageStart);
            failing = false;
            outageCode = null;
            dropLogged = false;
        }
        if (rows > 0) { // after failing = false: a reader that sees the rows written sees the outage over
            lastWriteEpochMillis = System.currentTimeMillis();
            done(written, rows);
        }
    }

    private void onFailure(Failure f) {
        failures.incrementAndGet();
        if (f.code() == StatusCode.Code.NOT_FOUND) {
            tableReady = false; // BIGTABLE_CREATE_TABLE=true makes it again (e.g. an emulator restarted empty)
        }
        if (!failing) {
            failing = true;
            outageStartNanos = System.nanoTime();
            outageFailures = 0;
            droppedAtOutageStart = dropped.get();
        }
        outageFailures++;
        if (f.code() != outageCode) { // once per outage, and again only if the reason changes
            outageCode = f.code();
            LOG.warn("Bigtable write to {} failed ({}: {}): {}. Retrying with backoff up to every {} ms; up to {} rows"
                    + " wait, then the oldest are dropped (counted). Logged once per outage.", config.target(),
                    f.code(), f.message(), advice(f.code()), config.maxRetryDelay().toMillis(), config.queueRows());
        }
    }

    /** What to fix, by status code. */
    String advice(StatusCode.Code code) {
        String cbt = "cbt -project=" + config.projectId() + " -instance=" + config.instanceId();
        return switch (code) {
            case NOT_FOUND -> "the table or its family is missing: create them with '" + cbt + " createtable "
                    + config.table() + "' and '" + cbt + " createfamily " + config.table() + " "
                    + BigtableDepthRow.FAMILY + "', or set BIGTABLE_CREATE_TABLE=true; check BIGTABLE_PROJECT_ID,"
                    + " BIGTABLE_INSTANCE_ID and BIGTABLE_TABLE";
            case PERMISSION_DENIED -> "the credentials may not write: grant the service account the Bigtable User"
                    + " role (roles/bigtable.user) on the instance"
                    + (config.createTable() ? ", and Bigtable Administrator for BIGTABLE_CREATE_TABLE=true" : "");
            case UNAUTHENTICATED -> "the credentials are not accepted: check GOOGLE_APPLICATION_CREDENTIALS (a valid"
                    + " service-account key file) or the instance's service account and its scopes";
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, INTERNAL, UNKNOWN -> config.usesEmulator()
                    ? "the emulator at " + config.emulatorHost() + ":" + config.emulatorPort()
                            + " does not answer: start it, or fix BIGTABLE_EMULATOR_HOST"
                    : "Bigtable is unreachable or overloaded: check the network path to bigtable.googleapis.com:443"
                            + " and the instance's health in the Cloud console";
            case RESOURCE_EXHAUSTED -> "Bigtable is throttling: add nodes to the cluster or enable autoscaling";
            case FAILED_PRECONDITION -> "the instance or app profile refuses the write: check BIGTABLE_APP_PROFILE_ID"
                    + " and the instance's state";
            default -> "see the message; check BIGTABLE_PROJECT_ID, BIGTABLE_INSTANCE_ID and BIGTABLE_TABLE";
        };
    }
}
