package eu.bborelay.receiver;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One-way latency of one symbol (or of all): a multi-writer {@link Recorder} the reader threads record into,
 * and two accumulations the stats side pulls it into: the current stats interval and since start.
 *
 * <p>{@link #record} is wait-free and allocation-free (any thread). Everything else is called with the
 * {@link StatsReporter}'s lock held.
 */
final class LatencyStats {
    private final int digits;
    private final Recorder recorder;
    private Histogram recycled;
    private Histogram interval;
    private Histogram total;

    /** @param digits significant digits: {@link LatencyHistograms#SIGNIFICANT_DIGITS} or its per-symbol value */
    LatencyStats(int digits) {
        this.digits = digits;
        this.recorder = LatencyHistograms.newRecorder(digits);
    }

    /** @param latencyNanos already clamped to the histogram's range */
    void record(long latencyNanos) {
        recorder.recordValue(latencyNanos);
    }

    /** Moves everything recorded since the last pull into the interval and since-start accumulations. */
    void pull() {
        recycled = recorder.getIntervalHistogram(recycled);
        if (interval == null) {
            interval = LatencyHistograms.newAccumulator(digits);
            total = LatencyHistograms.newAccumulator(digits);
        }
        interval.add(recycled);
        total.add(recycled);
    }

    /** Since the last {@link #resetInterval()}, as of the last {@link #pull()}. */
    Histogram interval() {
        return interval != null ? interval : EMPTY;
    }

    /** Since start, as of the last {@link #pull()}. */
    Histogram total() {
        return total != null ? total : EMPTY;
    }

    void resetInterval() {
        if (interval != null) {
            interval.reset();
        }
    }

    /** Read-only stand-in before the first pull: a tiny histogram with no counts. */
    private static final Histogram EMPTY = new Histogram(1, 2, 0);
}
