package eu.bborelay.polymarket;

/** Why a book is not fit to quote on; see {@link MarketListener#onStale}. */
public enum StaleReason {
    /**
     * The connection is down (closed, failed, or dropped by the silence watchdog). The market channel has no
     * sequence numbers, so the book stays unsynced ({@link BookView#synced()} false) after the reconnect until the
     * {@code book} snapshot that the new subscription brings.
     */
    DISCONNECTED,
    /** The local book's best bid is at or above its best ask. Reported as it is, not repaired. */
    CROSSED
}
