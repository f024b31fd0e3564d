package eu.bborelay.receiver;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The one histogram shape for one-way latency: 1 ns to 10 s with 3 significant digits, a fixed range so
 * recording never resizes (about 200 KB of counts per histogram). Values outside are clamped by
 * {@link #clamp(long)} before recording.
 */
final class LatencyHistograms {
    static final long LOWEST_DISCERNIBLE_NANOS = 1;
    static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final int SIGNIFICANT_DIGITS = 3;

    private LatencyHistograms() {
    }

    /** Multi-writer recorder: several connections may carry the same symbol. */
    static Recorder newRecorder() {
        return new Recorder(LOWEST_DISCERNIBLE_NANOS, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }

    /** An accumulator for interval histograms pulled from {@link #newRecorder()} recorders. */
    static Histogram newAccumulator() {
        return new Histogram(LOWEST_DISCERNIBLE_NANOS, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
    }

    /** {@code latencyNanos} clamped to 0..10 s; the caller counts it when it differs. */
    static long clamp(long latencyNanos) {
        if (latencyNanos < 0) {
            return 0;
        }
        return Math.min(latencyNanos, HIGHEST_TRACKABLE_NANOS);
    }
}
