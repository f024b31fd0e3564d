package eu.bborelay.depth;

/**
 * Asked by a {@link DepthBook} for a REST snapshot of its symbol: at the first event of an unsynced book, after
 * every break, and when a snapshot proved too old. The book asks once and waits: it asks again only after
 * {@link DepthBook#onSnapshot} or {@link DepthBook#onSnapshotFailed} was called.
 *
 * <p>Called on the book's owning thread, inside {@code onEvent}/{@code onSnapshot}: an implementation schedules the
 * request (through {@link SnapshotRequestPolicy}, for backoff and the request-weight budget) and returns at once; it
 * never performs HTTP on the calling thread and never calls back into the book from inside this method.
 */
@FunctionalInterface
public interface SnapshotRequester {
    /** @param book the book that needs a snapshot; {@link DepthBook#snapshotAttempt()} counts consecutive tries */
    void requestSnapshot(DepthBook book);
}
