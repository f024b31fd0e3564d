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
 * <p><b>Sample selection.</b> A sample's offset is wrong by half the asymmetry of its round trip, and every stamp
 * errs in the direction that lengthens the round trip ({@code t1} and {@code t3} are taken before the bytes are
 * encrypted and written, {@code t2} and {@code t4} after they were read and decrypted), so queueing, a descheduled
 * thread or a frame waiting behind others only ever adds to the RTT. Of the last {@link #WINDOW} samples (about
 * half a minute at the default 1 s ping interval) the one with the lowest RTT is used, preferring samples taken
 * while neither side was busy:
 * <ul>
 *   <li>the receiver was busy when the pong was read right after another frame ({@code receiverBusy}: it may have
 *       waited in the socket behind it, so {@code t4} is late) or its ping write took long (the caller says so);
 *   <li>the sender was busy when it held the ping for more than {@link #SENDER_BUSY_NANOS} before answering
 *       ({@code t3 - t2}: its writer was writing a batch, or the machine was short of CPU, which also delays the
 *       reading of the ping, {@code t2}).
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

    /** Samples after which a window of busy samples is used anyway. */
    static final int TRUSTED_AFTER_SAMPLES = 3;

    private final long[] rtts = new long[WINDOW];
    private final long[] offsets = new long[WINDOW];
    private final boolean[] busy = new boolean[WINDOW];
    private int samples;
    private int next;
    private long offsetNanos;
    private long rttNanos;
    private long busySamples;
    private boolean chosenBusy;
    private int chosen = -1;
    private long chosenOffset;
    /** Lower bound on the offset proven by quotes since the chosen sample changed; MIN_VALUE: none. */
    private long floorNanos = Long.MIN_VALUE;

    /** Adds a sample taken while the receiver was idle; see {@link #onPong(long, long, long, long, boolean)}. */
    boolean onPong(long t1, long t2, long t3, long t4) {
        return onPong(t1, t2, t3, t4, false);
    }

    /**
     * Adds one sample and chooses the estimate again.
     *
     * @param receiverBusy whether the receiver was busy around this sample (see the class comment)
     * @return false (sample ignored) when its timestamps are impossible: a negative round trip
     */
    boolean onPong(long t1, long t2, long t3, long t4, boolean receiverBusy) {
        long rtt = (t4 - t1) - (t3 - t2);
        if (rtt < 0 || t3 < t2) {
            return false;
        }
        boolean wasBusy = receiverBusy || t3 - t2 > SENDER_BUSY_NANOS;
        if (wasBusy) {
            busySamples++;
        }
        rtts[next] = rtt;
        offsets[next] = Math.floorDiv((t2 - t1) + (t3 - t4), 2);
        busy[next] = wasBusy;
        next = (next + 1) % WINDOW;
        samples = Math.min(samples + 1, WINDOW);
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
        return true;
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
