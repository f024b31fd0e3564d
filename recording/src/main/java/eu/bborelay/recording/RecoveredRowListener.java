package eu.bborelay.recording;

import java.nio.ByteBuffer;

/**
 * Told of every row the {@link Recorder} rebuilds from a journal a previous run left (at {@link Recorder#open}), so
 * that a caller who keeps its own position next to the journal (the collector's session mark) can find out which of
 * its last writes reached the journal before a crash. Called on the opening thread, before {@code open} returns.
 */
@FunctionalInterface
public interface RecoveredRowListener {
    /** Nothing to be told. */
    RecoveredRowListener NONE = (table, body) -> { };

    /**
     * One rebuilt row of {@code table}: {@code body} holds its binary form from its position (see {@link Row}); read
     * it with {@link Row#readLong}; it is valid only during the call.
     */
    void onRecoveredRow(TableSchema table, ByteBuffer body);
}
