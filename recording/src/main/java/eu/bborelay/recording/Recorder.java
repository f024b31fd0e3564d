package eu.bborelay.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records rows of any number of {@link TableSchema tables} to hourly Parquet files, crash-safe through a journal. The
 * one storage path of every recorded table.
 *
 * <p><b>Per row</b> ({@link #append(Row)}): the row is validated (bad input is counted per table and reason, logged
 * once, and refused), encoded once, appended to the journal segment of its Parquet file with one {@code write(2)},
 * then written to that Parquet file. Its file is chosen by the table, the partition value and the UTC hour of its
 * {@code recv_ts}: {@code <dataDir>/<table>/<column>=<value>/date=YYYY-MM-DD/hour=HH/data_NNN.parquet}.
 *
 * <p><b>Files</b>: written as {@code data_NNN.parquet.tmp} next to their journal {@code data_NNN.journal}; closed when
 * the clock passes the end of their hour plus the grace period, when more than {@code maxOpenFiles} are open (the
 * least recently written), and on {@link #close()}. Closing writes the footer, forces the file, renames it to
 * {@code data_NNN.parquet} atomically (the commit point), forces the folder, deletes the journal segment and tells the
 * {@link ClosedFileListener}. {@code NNN} is always one more than any {@code data_NNN.*} (including the uploader's
 * {@code .uploaded} markers) in the folder, so nothing is ever overwritten.
 *
 * <p><b>Recovery</b> ({@link #open}): every journal segment left in the data folder is resolved before anything is
 * written: if its {@code data_NNN.parquet} (or {@code .uploaded} marker) exists, the crash came after the commit and the
 * segment is deleted; otherwise any {@code .tmp} is deleted and the file is rebuilt from the segment's intact records
 * and committed. Each row is thus in exactly one closed file. The same procedure runs after a storage failure.
 *
 * <p><b>Storage failure</b> (disk full, I/O error): logged once with the folder to free, {@link RecorderStats#failure()}
 * set (health fails), the open files abandoned (their journals stay and are rebuilt), every further row refused and
 * counted as {@link RejectReason#STORAGE_FAILED}; every 5 s the recorder retries the rebuild and resumes writing once
 * it succeeds. A file is never renamed to its final name unless complete.
 *
 * <p><b>Threads</b>: {@link #append} may be called from any thread (one lock; uncontended in the collector, where one
 * receiver thread records). The recorder's own thread, {@code recorder-maintenance}, closes finished hours and forces
 * the journal at least every {@link RecorderConfig#journalSync()}.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    private static final Pattern FILE = Pattern.compile("data_(\\d+)\\.(parquet|parquet\\.tmp|journal|parquet\\.uploaded)");
    private static final long FAILURE_RETRY_NANOS = 5_000_000_000L;

    private final RecorderConfig config;
    private final ClosedFileListener listener;
    private final Map<TableSchema, TableState> tables = new IdentityHashMap<>();
    private final List<OpenFile> openFiles = new ArrayList<>();
    private final ByteBuffer scratch;
    private final Thread maintenance;
    private long filesClosed;
    private long bytesClosed;
    private long filesRebuilt;
    private long appendCounter;
    private String failure;
    private long failedAtNanos;
    private volatile boolean closed;

    private Recorder(RecorderConfig config, List<TableSchema> schemas, ClosedFileListener listener) {
        this.config = config;
        this.listener = listener;
        for (TableSchema s : schemas) {
            for (TableState t : tables.values()) {
                if (t.schema.path().equals(s.path())) {
                    throw new IllegalArgumentException("two tables at " + s.path());
                }
            }
            tables.put(s, new TableState(s));
        }
        this.scratch = ByteBuffer.allocateDirect(config.maxRowBytes() + JournalSegment.HEADER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        this.maintenance = new Thread(this::runMaintenance, "recorder-maintenance");
        this.maintenance.setDaemon(true);
    }

    /**
     * Opens a recorder over {@code config.dataDir()} (created if absent) for {@code tables}: first rebuilds, from the
     * journal, every file a previous run left unclosed, then starts the maintenance thread.
     *
     * @throws IOException when the data folder cannot be created or a left-over file cannot be rebuilt
     */
    public static Recorder open(RecorderConfig config, List<TableSchema> tables, ClosedFileListener listener)
            throws IOException {
        return open(config, tables, listener, RecoveredRowListener.NONE);
    }

    /**
     * {@link #open(RecorderConfig, List, ClosedFileListener)}, telling {@code recovered} of every row it rebuilds from
     * a journal before returning.
     *
     * @throws IOException when the data folder cannot be created or a left-over file cannot be rebuilt
     */
    public static Recorder open(RecorderConfig config, List<TableSchema> tables, ClosedFileListener listener,
                                RecoveredRowListener recovered) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(recovered, "recovered");
        Recorder r = new Recorder(config, tables, listener);
        Files.createDirectories(config.dataDir());
        synchronized (r) {
            r.recoverJournals(recovered);
        }
        try (Stream<Path> s = Files.walk(config.dataDir())) {
            s.filter(p -> p.getFileName().toString().endsWith(".journal")).forEach(p -> LOG.warn(
                    "Journal segment {} belongs to no table of this recorder: left as it is; open a recorder with"
                            + " its table to rebuild it", p));
        }
        r.maintenance.start();
        return r;
    }

    /**
     * Journals and writes one row; returns true when accepted, false when refused (bad input, storage failed,
     * closed: counted in {@link #stats()}, the first of each kind per table logged). The row is copied: the caller may
     * reuse it at once. Never throws for bad input or an I/O error; throws {@link IllegalArgumentException} for a row
     * of a table this recorder was not opened with.
     */
    public synchronized boolean append(Row row) {
        TableState table = tables.get(row.schema());
        if (table == null) {
            throw new IllegalArgumentException("table not recorded here: " + row.schema().path());
        }
        if (closed) {
            return table.reject(RejectReason.CLOSED);
        }
        if (failure != null) {
            return table.reject(RejectReason.STORAGE_FAILED);
        }
        RejectReason bad = row.validate();
        if (bad != null) {
            return table.reject(bad);
        }
        ByteBuffer buf = scratch;
        buf.clear().position(JournalSegment.HEADER_BYTES);
        if (!row.encode(buf)) {
            return table.reject(RejectReason.ROW_TOO_LARGE);
        }
        buf.flip();
        OpenFile file = null;
        try {
            file = fileFor(table, row.partitionValue(), Partitions.hourIndex(row.recvTsNanos()));
            file.journal.append(buf);
        } catch (IOException e) {
            fail(e, file == null ? "opening a file in " + config.dataDir() : "writing " + file.journal.path());
            return table.reject(RejectReason.STORAGE_FAILED);
        }
        // the row is journaled: from here on it is recorded, whatever happens to the Parquet writer
        table.rowsWritten++;
        file.rows++;
        file.lastAppend = ++appendCounter;
        buf.position(JournalSegment.HEADER_BYTES);
        try {
            file.parquet.write(buf);
        } catch (IOException | RuntimeException e) {
            fail(e, "writing " + file.parquet.finalPath() + ".tmp");
        }
        return true;
    }

    /** A snapshot of the counters; safe from any thread. */
    public synchronized RecorderStats stats() {
        List<RecorderStats.TableStats> list = new ArrayList<>();
        long journalBytes = 0;
        for (OpenFile f : openFiles) {
            journalBytes += f.journal.size();
        }
        for (TableState t : tables.values()) {
            Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
            for (RejectReason reason : RejectReason.values()) {
                if (t.rejected[reason.ordinal()] > 0) {
                    rejected.put(reason, t.rejected[reason.ordinal()]);
                }
            }
            list.add(new RecorderStats.TableStats(t.schema.path(), t.rowsWritten, Map.copyOf(rejected)));
        }
        return new RecorderStats(List.copyOf(list), filesClosed, bytesClosed, filesRebuilt, openFiles.size(),
                journalBytes, failure);
    }

    /**
     * Closes every file whose hour (plus the grace period) is over by the clock, forces the journal, and after a
     * storage failure retries the rebuild. The maintenance thread calls it at least every
     * {@link RecorderConfig#journalSync()}; tests call it after moving their clock.
     */
    public void maintain() {
        List<JournalSegment> toSync = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            long now = nowNanos();
            if (failure != null) {
                if (System.nanoTime() - failedAtNanos >= FAILURE_RETRY_NANOS) {
                    retryAfterFailure();
                }
                return;
            }
            long graceNanos = config.grace().toNanos();
            for (int i = openFiles.size() - 1; i >= 0 && failure == null; i--) {
                OpenFile f = openFiles.get(i);
                if (now >= (f.hourIndex + 1) * Partitions.NANOS_PER_HOUR + graceNanos) {
                    commit(f);
                }
            }
            for (OpenFile f : openFiles) {
                toSync.add(f.journal);
            }
        }
        for (JournalSegment j : toSync) {
            try {
                j.sync();
            } catch (java.nio.channels.ClosedChannelException e) {
                // committed meanwhile: its rows are in a durable Parquet file
            } catch (IOException e) {
                synchronized (this) {
                    fail(e, "forcing " + j.path());
                }
            }
        }
    }

    /** Closes (commits) every open file and stops the maintenance thread. Rows appended later are refused. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            while (!openFiles.isEmpty() && failure == null) {
                commit(openFiles.get(openFiles.size() - 1));
            }
            closed = true;
            for (OpenFile f : openFiles) {
                f.abandon();
            }
            openFiles.clear();
        }
        maintenance.interrupt();
        try {
            maintenance.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runMaintenance() {
        long sleepMs = Math.max(1, Math.min(1000, config.journalSync().toMillis()));
        while (!closed) {
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                return;
            }
            try {
                maintain();
            } catch (RuntimeException e) {
                LOG.error("Recorder maintenance failed; retrying in {} ms", sleepMs, e);
            }
        }
    }

    private long nowNanos() {
        Instant now = config.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private OpenFile fileFor(TableState table, String key, long hourIndex) throws IOException {
        List<OpenFile> files = table.openByKey.get(key);
        if (files != null) {
            for (int i = 0, n = files.size(); i < n; i++) {
                OpenFile f = files.get(i);
                if (f.hourIndex == hourIndex) {
                    return f;
                }
            }
        }
        if (openFiles.size() >= config.maxOpenFiles()) {
            OpenFile lru = openFiles.get(0);
            for (OpenFile f : openFiles) {
                if (f.lastAppend < lru.lastAppend) {
                    lru = f;
                }
            }
            commit(lru);
            if (failure != null) {
                throw new IOException("storage failed: " + failure);
            }
        }
        Path folder = Partitions.folder(config.dataDir(), table.schema, key, hourIndex);
        createDurably(folder);
        int nnn = nextFileNumber(folder);
        String base = String.format("data_%03d", nnn);
        Path finalPath = folder.resolve(base + ".parquet");
        JournalSegment journal = JournalSegment.create(folder.resolve(base + ".journal"));
        ParquetFileWriter parquet;
        try {
            ParquetFileWriter.forceDirectory(folder);
            parquet = new ParquetFileWriter(table.schema, finalPath, config);
        } catch (IOException | RuntimeException e) {
            journal.close();
            Files.deleteIfExists(journal.path());
            throw e instanceof IOException io ? io : new IOException(e);
        }
        OpenFile f = new OpenFile(table, key, hourIndex, journal, parquet);
        table.openByKey.computeIfAbsent(key, k -> new ArrayList<>(2)).add(f);
        openFiles.add(f);
        return f;
    }

    /** Creates the folder and its missing parents, and forces each new entry into its parent folder. */
    private void createDurably(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Path first = folder;
        while (first.getParent() != null && !Files.isDirectory(first.getParent())) {
            first = first.getParent();
        }
        Files.createDirectories(folder);
        for (Path d = folder; d != null; d = d.getParent()) {
            ParquetFileWriter.forceDirectory(d.getParent());
            if (d.equals(first)) {
                break;
            }
        }
    }

    static int nextFileNumber(Path folder) throws IOException {
        int next = 0;
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
                }
            }
        }
        return next;
    }

    /** Commits one open file; on an I/O error, fails the recorder (the journal stays and is rebuilt later). */
    private void commit(OpenFile f) {
        remove(f);
        long bytes;
        try {
            bytes = f.parquet.commit();
        } catch (IOException | RuntimeException e) {
            f.abandon();
            fail(e, "closing " + f.parquet.finalPath());
            return;
        }
        try {
            f.journal.close();
            Files.delete(f.journal.path());
            ParquetFileWriter.forceDirectory(f.journal.path().getParent());
        } catch (IOException e) {
            // the next recovery deletes a segment whose Parquet file exists
            LOG.warn("Could not delete journal segment {} ({}); it is removed at the next start", f.journal.path(),
                    e.toString());
        }
        filesClosed++;
        bytesClosed += bytes;
        listener.onFileClosed(f.parquet.finalPath(), bytes);
    }

    private void remove(OpenFile f) {
        openFiles.remove(f);
        List<OpenFile> list = f.table.openByKey.get(f.key);
        if (list != null) {
            list.remove(f);
            if (list.isEmpty()) {
                f.table.openByKey.remove(f.key);
            }
        }
    }

    private void fail(Throwable e, String what) {
        if (failure == null) {
            failure = "storage failed " + what + ": " + e + " (disk full? free space in " + config.dataDir()
                    + "; rows are refused until writing works again, retried every 5 s)";
            LOG.error("Recording stopped: {}", failure, e);
        }
        failedAtNanos = System.nanoTime();
        for (OpenFile f : new ArrayList<>(openFiles)) {
            remove(f);
            f.abandon();
        }
    }

    private void retryAfterFailure() {
        String previous = failure;
        failure = null;
        try {
            recoverJournals(RecoveredRowListener.NONE);
            LOG.info("Recording resumed: the journal was rebuilt into Parquet files after: {}", previous);
        } catch (IOException | RuntimeException e) {
            failure = previous;
            failedAtNanos = System.nanoTime();
            LOG.debug("Recording still failed: {}", e.toString());
        }
    }

    /** Resolves every journal segment under the tables' folders (see the class comment). */
    private void recoverJournals(RecoveredRowListener recovered) throws IOException {
        for (TableState t : tables.values()) {
            Path root = config.dataDir().resolve(t.schema.path());
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<Path> journals;
            try (Stream<Path> s = Files.walk(root)) {
                journals = s.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
            }
            for (Path j : journals) {
                recoverJournal(t, j, recovered);
            }
        }
    }

    private void recoverJournal(TableState t, Path journal, RecoveredRowListener recovered) throws IOException {
        String name = journal.getFileName().toString();
        Path finalPath = journal.resolveSibling(name.substring(0, name.length() - ".journal".length()) + ".parquet");
        Path tmp = ParquetFileWriter.tmpOf(finalPath);
        Path marker = finalPath.resolveSibling(finalPath.getFileName() + ".uploaded");
        if (Files.exists(finalPath) || Files.exists(marker)) {
            Files.deleteIfExists(tmp);
            Files.delete(journal);
            return;
        }
        Files.deleteIfExists(tmp);
        ParquetFileWriter[] writer = new ParquetFileWriter[1];
        try {
            JournalSegment.read(journal, config.maxRowBytes(), body -> {
                try {
                    if (writer[0] == null) {
                        writer[0] = new ParquetFileWriter(t.schema, finalPath, config);
                    }
                    recovered.onRecoveredRow(t.schema, body.asReadOnlyBuffer());
                    writer[0].write(body);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            if (writer[0] != null) {
                writer[0].abandon();
            }
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            if (writer[0] != null) {
                writer[0].abandon();
            }
            throw e;
        }
        if (writer[0] != null) {
            long rows = writer[0].rows();
            long bytes;
            try {
                bytes = writer[0].commit();
            } catch (IOException | RuntimeException e) {
                writer[0].abandon();
                throw e;
            }
            filesRebuilt++;
            filesClosed++;
            bytesClosed += bytes;
            LOG.info("Rebuilt {} ({} rows) from its journal", finalPath, rows);
            listener.onFileClosed(finalPath, bytes);
        }
        Files.delete(journal);
        ParquetFileWriter.forceDirectory(journal.getParent());
    }

    private static final class TableState {
        final TableSchema schema;
        final Map<String, List<OpenFile>> openByKey = new HashMap<>();
        final long[] rejected = new long[RejectReason.values().length];
        long rowsWritten;

        TableState(TableSchema schema) {
            this.schema = schema;
        }

        boolean reject(RejectReason reason) {
            if (rejected[reason.ordinal()]++ == 0) {
                LOG.warn("Refused a row of {}: {} ({}). Further rows refused for this reason are only counted"
                        + " (rows_rejected{table=\"{}\",reason=\"{}\"}).", schema.path(), reason, explain(reason),
                        schema.path(), reason);
            }
            return false;
        }

        private static String explain(RejectReason reason) {
            return switch (reason) {
                case MISSING_VALUE -> "a non-nullable column was not set";
                case NOT_FINITE -> "a column declared finite held NaN or an infinity";
                case BAD_PARTITION_VALUE -> "the partition value is empty or not [A-Za-z0-9._-]";
                case ROW_TOO_LARGE -> "the row exceeds maxRowBytes";
                case STORAGE_FAILED -> "storage failed, see the error logged above";
                case CLOSED -> "the recorder is closed";
            };
        }
    }

    private static final class OpenFile {
        final TableState table;
        final String key;
        final long hourIndex;
        final JournalSegment journal;
        final ParquetFileWriter parquet;
        long rows;
        long lastAppend;

        OpenFile(TableState table, String key, long hourIndex, JournalSegment journal, ParquetFileWriter parquet) {
            this.table = table;
            this.key = key;
            this.hourIndex = hourIndex;
            this.journal = journal;
            this.parquet = parquet;
        }

        void abandon() {
            parquet.abandon();
            try {
                journal.close();
            } catch (IOException ignored) {
                // the segment's records up to the last complete one are read at recovery
            }
        }
    }
}
