package eu.bborelay.receiver;

/**
 * Estimates a sender's clock offset and the round-trip time from ping/pong timestamps (NTP's four: {@code t1}
 * receiver writes the ping, {@code t2} sender reads it, {@code t3} sender writes the pong, {@code t4} receiver
 * reads it; t1 and t4 on the receiver's wall clock, t2 and t3 on the sender's, all ns since the epoch):
 *
 * <pre>
 *   rtt    = (t4 - t1) - (t3 - t2)
 *   offset = ((t2 - t1) + (t3 - t4)) / 2      = sender clock - receiver clock
 * </pre>
 *
 * <p><b>Where the stamps are taken.</b> A sample's offset is wrong by half the asymmetry of its round trip. Both legs
 * are measured the same way, from when the write that carried the bytes returned to when the reader had them read
 * and decrypted: {@code t2} and {@code t4} are stamped after the read; {@code t1} and {@code t3} are stamped before
 * the frame is encoded, encrypted and written, and are moved to the write's return once it is known: {@code t1} by
 * the pinger's own measure of its write, {@code t3} by the sender's, which arrives in the next pong
 * ({@link #pongWrittenLate}; NTP's interleaved mode). The moves change a sample's offset, not the RTT it is chosen
 * by: a write that was descheduled after its bytes left would move the stamp too far, and choosing by the moved RTT
 * would favour exactly those samples. Without that, a ping written once a
 * second on a cold path and a pong written by the sender's hot writer made the ping leg look tens of µs longer and
 * the offset that much too high on one host (docs/BENCHMARKS.md). What the stamps cannot see (a reader woken from a
 * deeper sleep on one side) still errs in the direction that lengthens the round trip, as do queueing, a descheduled
 * thread or a frame waiting behind others.
 *
 * <p><b>Sample selection.</b> Of the last {@link #WINDOW} samples (about half a minute at the default 1 s ping
 * interval) the one with the lowest RTT is used, preferring samples taken while neither side was busy:
 * <ul>
 *   <li>the receiver was busy when the pong was read right after another frame ({@code receiverBusy}: it may have
 *       waited in the socket behind it, so {@code t4} is late) or its ping write took longer than
 *       {@link #WRITE_BUSY_NANOS};
 *   <li>the sender was busy when it held the ping for more than {@link #SENDER_BUSY_NANOS} before answering
 *       ({@code t3 - t2}: its writer was writing a batch, or the machine was short of CPU, which also delays the
 *       reading of the ping, {@code t2}), or its pong write took longer than {@link #WRITE_BUSY_NANOS}
 *       ({@link #pongWrittenLate}).
 * </ul>
 * Busy samples are used only while the window holds no other. The window keeps one estimate per sender session
 * (a {@link Session} holds it), so a reconnect starts from the previous connection's samples instead of from the
 * first pong of the new one, which is usually taken while the receiver reads the opening batch.
 *
 * <p>Quotes bound the estimate from below ({@link #atLeast}): a quote cannot arrive before it was written.
 *
 * <p>Asymmetry of the path itself (a slower direction) cannot be seen from the four stamps: the corrected one-way
 * latency is then half the RTT. On one host, or on a symmetric route, it is the true one.
 *
 * <p>Owned by the reader thread of the connection that owns the session (one thread at a time, the take-over
 * joins the previous one); not thread-safe.
 */
final class ClockSync {
    /** Samples the minimum-RTT filter looks at. */
    static final int WINDOW = 32;
    /** A sender that held a ping longer than this before answering was busy: 1 ms. */
    static final long SENDER_BUSY_NANOS = 1_000_000;

    /**
     * A ping or pong whose write returned this long after its stamp was busy: 100 µs. Its correction is still applied,
     * but a write that long was likely descheduled after the bytes left, and the correction would then overshoot.
     */
    static final long WRITE_BUSY_NANOS = 100_000;

    /** Samples after which a window of busy samples is used anyway. */
    static final int TRUSTED_AFTER_SAMPLES = 3;

    private final long[] ids = new long[WINDOW];
    private final long[] rtts = new long[WINDOW];
    private final long[] offsets = new long[WINDOW];
    private final boolean[] busy = new boolean[WINDOW];
    private int samples;
    private int next;
    /** Window index of the last sample added; -1 before the first. */
    private int last = -1;
    private long offsetNanos;
    private long rttNanos;
    private long busySamples;
    private boolean chosenBusy;
    private int chosen = -1;
    private long chosenOffset;
    /** Lower bound on the offset proven by quotes since the chosen sample changed; MIN_VALUE: none. */
    private long floorNanos = Long.MIN_VALUE;

    /** Adds a sample taken while the receiver was idle; see {@link #onPong(long, long, long, long, long, long, boolean)}. */
    boolean onPong(long t1, long t2, long t3, long t4) {
        return onPong(0, t1, 0, t2, t3, t4, false);
    }

    /** {@link #onPong(long, long, long, long, long, long, boolean)} without a ping id or write time. */
    boolean onPong(long t1, long t2, long t3, long t4, boolean receiverBusy) {
        return onPong(0, t1, 0, t2, t3, t4, receiverBusy);
    }

    /**
     * Adds one sample and chooses the estimate again.
     *
     * @param pingId the ping's id, for {@link #pongWrittenLate}; 0: none
     * @param t1 receiver clock when the ping was stamped (before its encode and write), ns since the epoch
     * @param pingWriteNanos how long after {@code t1} the ping's write returned, ns ({@code >= 0}; 0: not known)
     * @param t2 sender clock when it read the ping, ns since the epoch
     * @param t3 sender clock when it stamped the pong, ns since the epoch
     * @param t4 receiver clock when the pong was read, ns since the epoch
     * @param receiverBusy whether the receiver was busy around this sample (see the class comment)
     * @return false (sample ignored) when its timestamps are impossible: a negative round trip
     */
    boolean onPong(long pingId, long t1, long pingWriteNanos, long t2, long t3, long t4, boolean receiverBusy) {
        long rtt = (t4 - t1) - (t3 - t2);
        if (rtt < 0 || t3 < t2 || pingWriteNanos < 0 || pingWriteNanos > rtt) {
            return false;
        }
        boolean wasBusy = receiverBusy || t3 - t2 > SENDER_BUSY_NANOS || pingWriteNanos > WRITE_BUSY_NANOS;
        if (wasBusy) {
            busySamples++;
        }
        ids[next] = pingId;
        rtts[next] = rtt;
        // the offset as if the ping left when its write returned; the RTT (the choice) as stamped: see the class comment
        offsets[next] = Math.floorDiv((t2 - (t1 + pingWriteNanos)) + (t3 - t4), 2);
        busy[next] = wasBusy;
        last = next;
        next = (next + 1) % WINDOW;
        samples = Math.min(samples + 1, WINDOW);
        choose();
        return true;
    }

    /**
     * The sender says its pong of ping {@code pingId} left {@code writeNanos} after its {@code t3}: when that pong is
     * the last sample added, its offset grows by half of it (as if {@code t3} were when the write returned), a write
     * longer than {@link #WRITE_BUSY_NANOS} marks the sample busy, and the estimate is chosen again. The RTT, by
     * which samples are chosen, stays as stamped. Ignored for any other sample (a pong that was not accepted, or one
     * replaced since) and when the write took longer than the round trip.
     *
     * @param pingId the {@code prev_id} of a pong
     * @param writeNanos its {@code prev_write_ns}, ns
     * @return whether a sample moved
     */
    boolean pongWrittenLate(long pingId, long writeNanos) {
        if (last < 0 || pingId <= 0 || ids[last] != pingId || writeNanos < 0 || writeNanos > rtts[last]) {
            return false;
        }
        ids[last] = 0; // once
        offsets[last] += writeNanos / 2;
        if (writeNanos > WRITE_BUSY_NANOS && !busy[last]) {
            busy[last] = true;
            busySamples++;
        }
        choose();
        return true;
    }

    /** Picks the sample of the estimate: the lowest RTT, idle samples first (see the class comment). */
    private void choose() {
        int best = -1;
        int bestBusy = -1;
        for (int i = 0; i < samples; i++) {
            if (busy[i]) {
                if (bestBusy < 0 || rtts[i] < rtts[bestBusy]) {
                    bestBusy = i;
                }
            } else if (best < 0 || rtts[i] < rtts[best]) {
                best = i;
            }
        }
        if (best < 0) {
            best = bestBusy;
        }
        if (best != chosen || offsets[best] != chosenOffset) {
            floorNanos = Long.MIN_VALUE; // a new sample: earlier quotes bounded the old one
        }
        chosen = best;
        chosenOffset = offsets[best];
        offsetNanos = Math.max(offsets[best], floorNanos);
        rttNanos = rtts[best];
        chosenBusy = busy[best];
    }

    /**
     * A quote proves {@code offset >= ts - receive} (it cannot arrive before it was written): called with that
     * bound when the estimate would make the quote's corrected latency negative, it raises the estimate to it, so
     * no corrected latency is ever negative, and the estimate's error stays below the lowest one-way latency seen.
     * The bound holds until a new sample is chosen.
     *
     * @param minOffsetNanos {@code ts - receive} of a quote (sender clock minus receiver clock), ns
     * @return the offset now
     */
    long atLeast(long minOffsetNanos) {
        if (minOffsetNanos > floorNanos) {
            floorNanos = minOffsetNanos;
            offsetNanos = Math.max(offsetNanos, floorNanos);
        }
        return offsetNanos;
    }

    /** True once a sample was accepted. */
    boolean known() {
        return samples > 0;
    }

    /** Sender clock minus receiver clock, ns, from the chosen sample of the window. */
    long offsetNanos() {
        return offsetNanos;
    }

    /** RTT of the sample {@link #offsetNanos()} comes from, ns. */
    long rttNanos() {
        return rttNanos;
    }

    /**
     * Whether the estimate can be trusted to start correcting latencies: it comes from a sample taken while neither
     * side was busy, or the window holds {@link #TRUSTED_AFTER_SAMPLES} samples (on a sender that is never idle).
     */
    boolean trusted() {
        return samples > 0 && (!chosenBusy || samples >= TRUSTED_AFTER_SAMPLES);
    }

    /** Samples flagged busy so far (either side), accepted or not chosen. */
    long busySamples() {
        return busySamples;
    }
}
