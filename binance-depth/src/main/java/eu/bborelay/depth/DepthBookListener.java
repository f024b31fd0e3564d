package eu.bborelay.depth;

/**
 * Observes a {@link DepthBook}. Every method has a no-op default. Called on the book's owning thread, inside
 * {@code onEvent}/{@code onSnapshot}; the event and the book are valid only during the call. Must not throw (an
 * exception would propagate to the caller of {@code onEvent}) and must not call back into the book's mutators.
 */
public interface DepthBookListener {
    /** A listener that does nothing. */
    DepthBookListener NO_OP = new DepthBookListener() {
    };

    /** The book became synced from a snapshot ({@code lastUpdateId} applied; buffered events follow). */
    default void onSynced(DepthBook book) {
    }

    /** An event was applied to a synced book; {@code book} now reflects update id {@code event.finalUpdateId()}. */
    default void onApplied(DepthBook book, DepthEvent event) {
    }

    /**
     * The book broke and is now empty and unsynced.
     *
     * @param detail one sentence with the ids involved
     */
    default void onBreak(DepthBook book, BreakReason reason, String detail) {
    }
}
