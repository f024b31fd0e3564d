package eu.bborelay.sender;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;

/**
 * The make-before-break rollover state machine of one {@link BinanceLeg}: whether a rollover is in progress, which
 * connection is its new one, why it was started, how many completed, and when the old connection has caught up with
 * the new one so that closing the old one loses nothing.
 *
 * <pre>
 *   idle --begin(n, reason)--&gt; in progress (n pending) --complete(n)--&gt; idle   (n took over; completed + 1)
 *                                                     \--fail(n)------&gt; idle   (n failed; the current one stays)
 * </pre>
 * The leg decides when to begin (connection age, {@code serverShutdown}, a stale symbol, a silent transport), opens
 * and closes the connections and schedules the polls; this class holds the state and the overlap rule
 * ({@link #oldCaughtUp}), so both can be tested without sockets ({@code RolloverTest}).
 *
 * <p><b>Threads.</b> Owned by the sender's scheduler thread ({@code relay-sender-scheduler}), which makes every
 * transition. The WebSocket read threads only read {@link #isPending(Object)} (a volatile read: a read thread
 * learns whether its connection is the new one of a rollover), and any thread may read {@link #completed()}.
 *
 * @param <C> the connection type, compared by identity
 */
final class Rollover<C> {
    /** A new connection with this many buffered messages takes over without waiting for every stream. */
    static final int MAX_BUFFERED = 100_000;
    /** How often the leg looks again whether the old connection has caught up with the new one. */
    static final long OVERLAP_POLL_MILLIS = 5;
    /** See {@link #oldCaughtUp}. */
    static final long OLD_STREAM_QUIET_MILLIS = 1_000;
    /** See {@link #oldCaughtUp}; also how long a leg without bookTicker waits before it checks the overlap. */
    static final long IN_FLIGHT_GRACE_MILLIS = 200;

    /** The new connection of the rollover in progress, null when idle. Written by the scheduler thread. */
    private volatile C pending;
    /** Why the rollover in progress was started (written before {@link #pending}). */
    private volatile String reason = "";
    private volatile long completed;

    /** Whether a rollover is in progress. Scheduler thread. */
    boolean inProgress() {
        return pending != null;
    }

    /** Whether {@code c} is the new connection of the rollover in progress. Any thread; false for null. */
    boolean isPending(C c) {
        return c != null && c == pending;
    }

    /** The new connection of the rollover in progress, or null when idle. Any thread. */
    C pending() {
        return pending;
    }

    /** Rollovers completed (the new connection took over from the old one). Any thread. */
    long completed() {
        return completed;
    }

    /**
     * Starts a rollover to {@code next}, the second connection the leg has just created. Scheduler thread.
     *
     * @param reason for the log lines, e.g. {@code serverShutdown announced}; not null
     * @throws IllegalStateException when a rollover is already in progress (the leg checks {@link #inProgress()})
     */
    void begin(C next, String reason) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(reason, "reason");
        if (pending != null) {
            throw new IllegalStateException("a rollover is already in progress (" + this.reason + ")");
        }
        this.reason = reason;
        pending = next;
    }

    /**
     * The new connection {@code next} takes over: back to idle, one more completed. Scheduler thread.
     *
     * @return why the rollover was started, or null (and nothing changes) when {@code next} is not the pending
     *     connection: the rollover already completed or failed
     */
    String complete(C next) {
        if (!isPending(next)) {
            return null;
        }
        pending = null;
        completed++; // single writer: the scheduler thread
        return reason;
    }

    /**
     * The new connection {@code next} failed before it took over: back to idle; the current connection stays and the
     * leg tries again later. Scheduler thread.
     *
     * @return why the rollover was started (to start the next try for the same reason), or null (nothing changes)
     *     when {@code next} is not the pending connection
     */
    String fail(C next) {
        if (!isPending(next)) {
            return null;
        }
        pending = null;
        return reason;
    }

    /**
     * Whether the old connection has caught up with the new one on every stream the new one has covered, so that
     * closing it now loses nothing. Closing it any earlier would: Java-WebSocket drops every frame that arrives after
     * {@code close()}, and the old connection may still have updates in flight that the new one never got.
     *
     * <p>Per stream, caught up means the old connection has forwarded the update the new one started with, or a
     * later one ({@code forwardedUpdateId >= firstUpdateId}). A stream the old connection has not updated for
     * {@value #OLD_STREAM_QUIET_MILLIS} ms stops counting once the new one has had every stream for
     * {@value #IN_FLIGHT_GRACE_MILLIS} ms (longer than any update takes in flight): the old connection is stale on it
     * (often the reason for the rollover), and waiting would keep the symbol stale. The trades' overlap is checked
     * apart ({@link TradeOverlap}, never waived).
     *
     * @param firstUpdateId per symbol index of the ingest, the Binance update id {@code u} of the first update the
     *                      new connection received; its keys are the streams it has covered
     * @param forwardedUpdateId per symbol index, the last update id the ingest forwarded (from the old connection)
     * @param lastQuoteNanos per symbol index, {@link System#nanoTime()} of the ingest's last quote of the symbol
     * @param nowNanos {@link System#nanoTime()} now
     * @param coveredAtNanos {@link System#nanoTime()} when the new connection had covered every stream
     */
    static boolean oldCaughtUp(Map<Integer, Long> firstUpdateId, IntToLongFunction forwardedUpdateId,
                               IntToLongFunction lastQuoteNanos, long nowNanos, long coveredAtNanos) {
        boolean graceOver = nowNanos - coveredAtNanos > TimeUnit.MILLISECONDS.toNanos(IN_FLIGHT_GRACE_MILLIS);
        for (Map.Entry<Integer, Long> e : firstUpdateId.entrySet()) {
            int i = e.getKey();
            boolean oldQuiet = nowNanos - lastQuoteNanos.applyAsLong(i) > TimeUnit.MILLISECONDS.toNanos(
                    OLD_STREAM_QUIET_MILLIS);
            if (forwardedUpdateId.applyAsLong(i) < e.getValue() && !(graceOver && oldQuiet)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        C p = pending;
        return p == null ? "Rollover[idle, " + completed + " completed]"
                : "Rollover[in progress (" + reason + "), " + completed + " completed]";
    }
}
