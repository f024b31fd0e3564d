package eu.bborelay.sender;

/**
 * The depth relay's counters ({@code INCLUDE_DEPTH}), a snapshot read from other threads (each figure exact, the set
 * a few updates apart). Immutable.
 *
 * @param published depth frames published into the slots (part of {@code taken})
 * @param unsyncedIntervals symbol-intervals without a frame because the book was not synced (starting, resyncing)
 * @param breaks book breaks of all symbols (a gap in the diffs, a stream reset, a crossed book, a coverage resync)
 * @param coverageResyncs resyncs because a book's buckets reached beyond the levels of the snapshot it synced from
 * @param synced books synced now
 * @param symbols books (one per symbol)
 */
public record DepthRelayStats(long published, long unsyncedIntervals, long breaks, long coverageResyncs, int synced,
                              int symbols) {
    /** Depth off. */
    public static final DepthRelayStats NONE = new DepthRelayStats(0, 0, 0, 0, 0, 0);
}
