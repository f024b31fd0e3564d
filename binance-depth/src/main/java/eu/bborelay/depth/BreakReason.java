package eu.bborelay.depth;

/**
 * Why a {@link DepthBook} stopped being synced. Every break clears the book at once and asks for a new snapshot.
 */
public enum BreakReason {
    /**
     * Spot: an event's first update id {@code U} is above the book's update id + 1: events were missed
     * ("How to manage a local order book correctly", spot {@code web-socket-streams.md}: "you have missed some
     * events. Discard your local order book and restart the process from the beginning").
     */
    GAP,
    /**
     * USD-M / COIN-M: an event's {@code pu} is not the previous event's {@code u} ("each new event's pu should be
     * equal to the previous event's u, otherwise initialize the process from step 3").
     */
    PREVIOUS_ID_MISMATCH,
    /**
     * The first event after the snapshot does not overlap it: spot {@code U > lastUpdateId + 1}, futures
     * {@code U > lastUpdateId} (futures: "The first processed event should have U <= lastUpdateId AND
     * u >= lastUpdateId"). The snapshot is older than the buffered stream; a newer one is needed.
     */
    SNAPSHOT_TOO_OLD,
    /** After an event, the best bid is at or above the best ask: the book cannot be right. */
    CROSSED,
    /** A futures event without {@code pu}, so the chain cannot be checked. */
    MISSING_PREVIOUS_ID,
    /** The owner reported that the connection feeding this book was lost or replaced without an overlap. */
    STREAM_RESET,
    /**
     * The owner asked for a fresh snapshot ({@link DepthBook#resync}): the book is right, but what it knows no longer
     * covers what the owner needs (levels deeper than the last snapshot that no event has touched are unknown).
     */
    RESYNC_REQUESTED
}
