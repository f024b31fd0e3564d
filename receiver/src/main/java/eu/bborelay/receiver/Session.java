package eu.bborelay.receiver;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One sender session: a sender process lifetime, named by the id in its hello, or the shared legacy session of
 * senders that send none. Outlives connections, so a sender that reconnects continues its sequence tracking.
 *
 * <p>The tracker is owned by one connection at a time ({@link #owner}): a connection that announces the session
 * takes it over, and waits for the previous owner's reader thread to end first (see
 * {@link Connection#takeOver(Session)}), so the tracker is only ever touched by one thread at a time.
 */
final class Session {
    /** Shown for the session of senders that send no hello. */
    static final String LEGACY_ID = "(legacy, no hello)";

    final String id;
    final SequenceTracker tracker;
    final AtomicReference<Connection> owner = new AtomicReference<>();
    /**
     * The sender's clock offset estimate, kept across its reconnects; touched by the owner's reader thread only
     * (the take-over gives the happens-before edge, as for the tracker).
     */
    final ClockSync clockSync = new ClockSync();
    /**
     * A/B arbitration: this session's path (null when arbitration is off, or no path was free); set and read by the
     * owner's reader thread.
     */
    ArbiterPath arbiterPath;
    /** Creation order, for evicting the oldest idle sessions. */
    final long order;
    /**
     * Protocol 2: the highest seq delivered to the listener (its call returned), written by the owner's reader thread
     * after each delivery ({@link AckMode#DELIVERED}), read by the connection's control writer.
     */
    volatile long deliveredSeq;
    /** Protocol 2, {@link AckMode#HOST}: the highest seq the host acknowledged ({@link Receiver#acknowledge}). */
    final java.util.concurrent.atomic.AtomicLong hostAckedSeq = new java.util.concurrent.atomic.AtomicLong();
    /** The highest seq acknowledged to the sender (written in an ack or resume frame). */
    volatile long ackedSeq;

    Session(String id, SequenceTracker tracker, long order) {
        this.id = id;
        this.tracker = tracker;
        this.order = order;
    }
}
