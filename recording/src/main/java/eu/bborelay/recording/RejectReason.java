package eu.bborelay.recording;

/** Why {@link Recorder#append(Row)} refused a row. Every refusal is counted per table and reason, and logged once. */
public enum RejectReason {
    /** A non-nullable column was not set. */
    MISSING_VALUE,
    /** A column declared finite held NaN or an infinity. */
    NOT_FINITE,
    /** The partition value is empty or has a character outside {@code [A-Za-z0-9._-]} (it becomes a folder name). */
    BAD_PARTITION_VALUE,
    /** The encoded row exceeds {@link RecorderConfig#maxRowBytes()}. */
    ROW_TOO_LARGE,
    /** The journal or a Parquet file could not be written (disk full, I/O error): the recorder is failed. */
    STORAGE_FAILED,
    /** The recorder is closed. */
    CLOSED
}
