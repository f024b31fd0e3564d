package eu.bborelay.receiver;

/**
 * Estimates a sender's clock offset and the round-trip time from ping/pong timestamps (NTP's four: {@code t1}
 * receiver writes the ping, {@code t2} sender reads it, {@code t3} sender writes the pong, {@code t4} receiver
 * reads it; t1 and t4 on the receiver's clock, t2 and t3 on the sender's):
 *
 * <pre>
 *   rtt    = (t4 - t1) - (t3 - t2)
 *   offset = ((t2 - t1) + (t3 - t4)) / 2      = sender clock - receiver clock
 * </pre>
 *
 * The offset of one sample is off by at most half the asymmetry of its round trip, so of the last
 * {@link #WINDOW} samples the one with the lowest RTT is used (queueing only ever adds delay). One-way latency
 * corrected for the offset is then {@code (receive - ts) + offset}.
 *
 * <p>Owned by one connection's reader thread; not thread-safe.
 */
final class ClockSync {
    /** Samples the minimum-RTT filter looks at. */
    static final int WINDOW = 8;

    private final long[] rtts = new long[WINDOW];
    private final long[] offsets = new long[WINDOW];
    private int samples;
    private int next;
    private long offsetNanos;
    private long rttNanos;

    /**
     * Adds one sample.
     *
     * @return false (sample ignored) when its timestamps are impossible: a negative round trip
     */
    boolean onPong(long t1, long t2, long t3, long t4) {
        long rtt = (t4 - t1) - (t3 - t2);
        if (rtt < 0 || t3 < t2) {
            return false;
        }
        long offset = ((t2 - t1) + (t3 - t4)) / 2;
        rtts[next] = rtt;
        offsets[next] = offset;
        next = (next + 1) % WINDOW;
        samples = Math.min(samples + 1, WINDOW);
        int best = 0;
        for (int i = 1; i < samples; i++) {
            if (rtts[i] < rtts[best]) {
                best = i;
            }
        }
        offsetNanos = offsets[best];
        rttNanos = rtts[best];
        return true;
    }

    /** True once a sample was accepted. */
    boolean known() {
        return samples > 0;
    }

    /** Sender clock minus receiver clock, ns, from the lowest-RTT sample of the window. */
    long offsetNanos() {
        return offsetNanos;
    }

    /** RTT of the sample {@link #offsetNanos()} comes from, ns. */
    long rttNanos() {
        return rttNanos;
    }
}
