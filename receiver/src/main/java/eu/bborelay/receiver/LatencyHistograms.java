package eu.bborelay.receiver;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The histogram shapes for one-way latency: 1 ns to 10 s, a fixed range so recording never resizes. Values outside
 * are clamped by {@link #clamp(long)} before recording.
 *
 * <ul>
 *   <li>The receiver's aggregates (all symbols, uncorrected, RTT): 3 significant digits (a value within 0.1 %),
 *       about 200 KB of counts per histogram.</li>
 *   <li>Per symbol: 2 significant digits (within 1 %), about 29 KB per histogram. A symbol keeps five (a
 *       {@link Recorder}'s two, the recycled interval, the interval and the since-start accumulations), about
 *       146 KB; at 3 digits it would be about 1 MB, and the 400 symbols one sender may announce would not fit the
 *       daemon's 96 MiB heap.</li>
 * </ul>
 */
final class LatencyHistograms {
    static final long LOWEST_DISCERNIBLE_NANOS = 1;
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Significant digits of the aggregate histograms. */
    static final int SIGNIFICANT_DIGITS = 3;
    /** Significant digits of each symbol's histograms. */
    static final int PER_SYMBOL_SIGNIFICANT_DIGITS = 2;

    private LatencyHistograms() {
    }

    /** Multi-writer recorder (several connections may carry the same symbol) with {@code digits} precision. */
    static Recorder newRecorder(int digits) {
        return new Recorder(LOWEST_DISCERNIBLE_NANOS, HIGHEST_TRACKABLE_NANOS, digits);
    }

    /** An accumulator for interval histograms pulled from {@link #newRecorder(int)} recorders of equal digits. */
    static Histogram newAccumulator(int digits) {
        return new Histogram(LOWEST_DISCERNIBLE_NANOS, HIGHEST_TRACKABLE_NANOS, digits);
    }

    /** {@code latencyNanos} clamped to 0..10 s; the caller counts it when it differs. */
    static long clamp(long latencyNanos) {
        if (latencyNanos < 0) {
            return 0;
        }
        return Math.min(latencyNanos, HIGHEST_TRACKABLE_NANOS);
    }
}
