package eu.bborelay.recording;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Recorder}. Immutable; start from {@link #defaults(Path)} and change with the {@code with...}
 * methods.
 *
 * @param dataDir          the local data folder: Parquet files, their temporary files and journal segments, in the
 *                         same layout as in S3 (the collector's {@code DATA_DIR})
 * @param grace            how long after the end of an hour (by {@code clock}) its files stay open for late rows
 *                         (default 10 s; the collector's {@code CLOSE_GRACE_SECONDS})
 * @param journalSync      the longest time between two {@code fdatasync}s of the journal (default 1 s): what a power
 *                         cut can lose
 * @param maxOpenFiles     the most Parquet files open at once (default 32); opening one more closes the one written
 *                         least recently (its hour continues in the next {@code data_NNN} file)
 * @param rowGroupBytes    Parquet row-group size (default 512 KiB): bounds the heap each open file buffers
 * @param pageBytes        Parquet page and dictionary-page size (default 32 KiB)
 * @param zstdLevel        ZSTD level (default 3; issue 11's order books ask for 9)
 * @param maxRowBytes      the largest encoded row accepted (default 1 MiB; a 5,000-level book side is 80 KB)
 * @param parquetV2        Parquet writer version 2 (default true): data pages v2, {@code DELTA_BINARY_PACKED} for
 *                         int64 (timestamps, ids, {@code seq} cost a fraction of their plain size) and
 *                         {@code RLE_DICTIONARY}; read by DuckDB (tested), Spark from 3.3, Trino, pyarrow. false =
 *                         version 1 pages for older readers, about 18 % larger bbo files
 * @param clock            wall clock (UTC) deciding when an hour is over; tests inject their own
 */
public record RecorderConfig(Path dataDir, Duration grace, Duration journalSync, int maxOpenFiles, int rowGroupBytes,
                             int pageBytes, int zstdLevel, int maxRowBytes, boolean parquetV2, Clock clock) {

    /** Validates; throws {@link IllegalArgumentException} or {@link NullPointerException}. */
    public RecorderConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(journalSync, "journalSync");
        Objects.requireNonNull(clock, "clock");
        if (grace.isNegative() || grace.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("grace must be 0..30 min: " + grace);
        }
        if (journalSync.toMillis() < 1 || journalSync.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("journalSync must be 1 ms..1 s: " + journalSync);
        }
        if (maxOpenFiles < 1 || rowGroupBytes < 64 * 1024 || pageBytes < 1024 || zstdLevel < 1 || zstdLevel > 22
                || maxRowBytes < 1024) {
            throw new IllegalArgumentException("invalid sizes: maxOpenFiles=" + maxOpenFiles + " rowGroupBytes="
                    + rowGroupBytes + " pageBytes=" + pageBytes + " zstdLevel=" + zstdLevel + " maxRowBytes="
                    + maxRowBytes);
        }
    }

    /** The defaults, writing under {@code dataDir}, with the system UTC clock. */
    public static RecorderConfig defaults(Path dataDir) {
        return new RecorderConfig(dataDir, Duration.ofSeconds(10), Duration.ofSeconds(1), 32, 512 << 10, 32 << 10, 3,
                1 << 20, true, Clock.systemUTC());
    }

    public RecorderConfig withGrace(Duration value) {
        return new RecorderConfig(dataDir, value, journalSync, maxOpenFiles, rowGroupBytes, pageBytes, zstdLevel,
                maxRowBytes, parquetV2, clock);
    }

    public RecorderConfig withJournalSync(Duration value) {
        return new RecorderConfig(dataDir, grace, value, maxOpenFiles, rowGroupBytes, pageBytes, zstdLevel,
                maxRowBytes, parquetV2, clock);
    }

    public RecorderConfig withMaxOpenFiles(int value) {
        return new RecorderConfig(dataDir, grace, journalSync, value, rowGroupBytes, pageBytes, zstdLevel,
                maxRowBytes, parquetV2, clock);
    }

    public RecorderConfig withRowGroupBytes(int value) {
        return new RecorderConfig(dataDir, grace, journalSync, maxOpenFiles, value, pageBytes, zstdLevel,
                maxRowBytes, parquetV2, clock);
    }

    public RecorderConfig withPageBytes(int value) {
        return new RecorderConfig(dataDir, grace, journalSync, maxOpenFiles, rowGroupBytes, value, zstdLevel,
                maxRowBytes, parquetV2, clock);
    }

    public RecorderConfig withZstdLevel(int value) {
        return new RecorderConfig(dataDir, grace, journalSync, maxOpenFiles, rowGroupBytes, pageBytes, value,
                maxRowBytes, parquetV2, clock);
    }

    public RecorderConfig withParquetV2(boolean value) {
        return new RecorderConfig(dataDir, grace, journalSync, maxOpenFiles, rowGroupBytes, pageBytes, zstdLevel,
                maxRowBytes, value, clock);
    }

    public RecorderConfig withClock(Clock value) {
        return new RecorderConfig(dataDir, grace, journalSync, maxOpenFiles, rowGroupBytes, pageBytes, zstdLevel,
                maxRowBytes, parquetV2, value);
    }
}
