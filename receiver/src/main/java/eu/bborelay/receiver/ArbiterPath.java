package eu.bborelay.receiver;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One path of A/B arbitration ({@link ReceiverConfig#arbitration()}): one sender session (one sender process, one
 * Binance connection, one {@code seq} space), across its reconnects. Holds the path's counters and one-way latency.
 *
 * <p>Written by the reader thread that owns the path's session (one at a time, see {@link Session}); the counters
 * and the latency recorder are read by the stats thread; {@link #alive()} by other reader threads, under an
 * {@link ArbiterSymbol}'s monitor.
 */
final class ArbiterPath {
    /**
     * How long a path without a connection still counts as one that may deliver what it lags behind: 10 s, how long
     * a reconnecting sender waits for the resume before it resends (protocol 2, docs/PROTOCOL.md).
     */
    static final long RECONNECT_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /** Metrics label and log name: the sender's host and the first 8 hex digits of its session id. */
    final String name;
    /** This path's index in every {@link ArbiterSymbol}'s per-path arrays, {@code 0 .. Arbiter.MAX_PATHS - 1}. */
    final int slot;
    /** Updates of this path that were the first copy: delivered to the listener. */
    final LongAdder won = new LongAdder();
    /** Updates of this path another path had delivered already (or an older quote than the one delivered): dropped. */
    final LongAdder duplicates = new LongAdder();
    /** Trades of this path older than the trade id window ({@link IdWindow#SIZE} ids): dropped, not checked. */
    final LongAdder stale = new LongAdder();
    /** This path's relay gaps: seqs of its session that never arrived (its own {@link SequenceTracker}'s view). */
    final LongAdder gaps = new LongAdder();
    /** Holes of this path: seq jumps ({@link SequenceTracker.Verdict#GAP}), each one or more missing seqs. */
    final LongAdder holes = new LongAdder();
    /** One-way latency of this path's quotes (winners and duplicates: every copy that arrived), ns. */
    final LatencyStats latency = new LatencyStats(LatencyHistograms.PER_SYMBOL_SIGNIFICANT_DIGITS);
    /** Connections of this path open now (its sender said hello on them); see {@link #alive()}. */
    private final AtomicInteger connections = new AtomicInteger();
    /**
     * Counts this path's holes; an {@link ArbiterSymbol} compares it with the value at the symbol's previous update
     * on this path to know whether the path was continuous in between.
     */
    private volatile long gapEpoch;
    /** Set when {@link Arbiter} gave this path's slot to another session: its session then asks for a new path. */
    volatile boolean forgotten;
    /** System.nanoTime of the last connect or disconnect; for choosing which idle path to forget. */
    volatile long lastChangeNanos = System.nanoTime();

    private final long graceNanos;

    ArbiterPath(String name, int slot) {
        this(name, slot, RECONNECT_GRACE_NANOS);
    }

    /** @param graceNanos see {@link #RECONNECT_GRACE_NANOS} (tests: 0) */
    ArbiterPath(String name, int slot, long graceNanos) {
        this.name = name;
        this.slot = slot;
        this.graceNanos = graceNanos;
    }

    /** A seq jump of {@code missing} seqs on this path, before the update that revealed it is offered. */
    void onHole(long missing) {
        gaps.add(missing);
        holes.increment();
        gapEpoch = gapEpoch + 1; // one writer: the session owner's reader thread
    }

    /** A seq counted missing earlier arrived late ({@link SequenceTracker.Verdict#LATE}). */
    void onLate() {
        gaps.decrement();
    }

    long gapEpoch() {
        return gapEpoch;
    }

    void connected() {
        connections.incrementAndGet();
        lastChangeNanos = System.nanoTime();
    }

    void disconnected() {
        connections.decrementAndGet();
        lastChangeNanos = System.nanoTime();
    }

    /** True while a connection of this path is open: then it may still deliver what it lags behind. */
    boolean connectedNow() {
        return connections.get() > 0;
    }

    /**
     * True while a connection of this path is open, or it closed less than the reconnect grace ago (its sender may
     * reconnect and resend what it lags behind): a merged gap waits for such a path.
     */
    boolean alive() {
        return connections.get() > 0 || System.nanoTime() - lastChangeNanos < graceNanos;
    }
}
