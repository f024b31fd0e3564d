package eu.bborelay.sender;

import eu.bborelay.binance.StreamKind;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.math.BigDecimal;
import java.util.Set;

/**
 * What the sender relays of the order book ({@code INCLUDE_DEPTH} and the {@code DEPTH_*} settings): per symbol, a
 * local book synced from {@code <symbol>@<stream>} and REST snapshots of {@code snapshotLimit} levels, relayed every
 * {@code intervalSeconds} as a depth frame with the top {@code levels} levels per side and {@code steps} log-delta
 * buckets of {@code step} each. Immutable.
 *
 * @param enabled whether depth is relayed at all
 * @param levels levels per side in a frame, 1 to 1000
 * @param step log distance per bucket, in (0, 0.1]
 * @param steps buckets per side, 1 to 1000
 * @param intervalSeconds seconds between two frames of a symbol, aligned to the epoch, 1 to 3600
 * @param stream the diff depth stream ({@link StreamKind#diffDepth()})
 * @param snapshotLimit levels per side of a REST snapshot, at least {@code levels}
 */
public record DepthSettings(boolean enabled, int levels, double step, int steps, int intervalSeconds,
                            StreamKind stream, int snapshotLimit) {
    /** Binance's snapshot limits (declared first: the constants below are checked against it). */
    private static final Set<Integer> SNAPSHOT_LIMITS = Set.of(5, 10, 20, 50, 100, 500, 1000, 5000);

    /** Depth off (the default). */
    public static final DepthSettings OFF = new DepthSettings(false, 20, 0.00002, 40, 1, StreamKind.DEPTH_100MS, 1000);
    /** Depth on with every default: 20 levels, 40 buckets of 0.00002, every second, depth@100ms, snapshots of 1000. */
    public static final DepthSettings DEFAULTS = new DepthSettings(true, 20, 0.00002, 40, 1, StreamKind.DEPTH_100MS,
            1000);

    /** @throws SettingException naming the field and what it expects */
    public DepthSettings {
        if (levels < 1 || levels > 1000) {
            throw new SettingException(SenderSetting.DEPTH_LEVELS + " must be 1 to 1000, got " + levels);
        }
        if (!(step > 0) || step > 0.1) {
            throw new SettingException(SenderSetting.DEPTH_STEP + " must be above 0 and at most 0.1, got " + step);
        }
        if (steps < 1 || steps > 1000) {
            throw new SettingException(SenderSetting.DEPTH_STEPS + " must be 1 to 1000, got " + steps);
        }
        if (intervalSeconds < 1 || intervalSeconds > 3600) {
            throw new SettingException(SenderSetting.DEPTH_INTERVAL_SECONDS + " must be 1 to 3600, got "
                    + intervalSeconds);
        }
        if (stream == null || !stream.diffDepth()) {
            throw new SettingException(SenderSetting.DEPTH_STREAM + " must be a diff depth stream (depth@100ms, depth,"
                    + " depth@500ms, depth@0ms), got " + (stream == null ? "none" : stream.suffix()));
        }
        if (!SNAPSHOT_LIMITS.contains(snapshotLimit)) {
            throw new SettingException(SenderSetting.DEPTH_SNAPSHOT_LIMIT + " must be one of 5, 10, 20, 50, 100, 500,"
                    + " 1000, 5000, got " + snapshotLimit);
        }
        if (snapshotLimit < levels) {
            throw new SettingException(SenderSetting.DEPTH_SNAPSHOT_LIMIT + " (" + snapshotLimit + ") must be at least"
                    + " " + SenderSetting.DEPTH_LEVELS + " (" + levels + "): a book synced from fewer levels cannot"
                    + " show that many");
        }
    }

    /** The settings as parsed from {@code INCLUDE_DEPTH} and {@code DEPTH_*}; {@link #OFF} when depth is off. */
    static DepthSettings from(Settings settings) {
        boolean on = settings.bool(SenderSetting.INCLUDE_DEPTH);
        int levels = settings.integer(SenderSetting.DEPTH_LEVELS, 1, 1000, "a number of levels");
        String stepText = settings.text(SenderSetting.DEPTH_STEP);
        double step;
        try {
            step = Double.parseDouble(stepText);
        } catch (NumberFormatException e) {
            throw SettingException.mustBe(SenderSetting.DEPTH_STEP, stepText, "a decimal number such as 0.00002");
        }
        if (!(step > 0) || step > 0.1) {
            throw SettingException.mustBe(SenderSetting.DEPTH_STEP, stepText, "a number above 0 and at most 0.1");
        }
        int steps = settings.integer(SenderSetting.DEPTH_STEPS, 1, 1000, "a number of buckets");
        int interval = settings.integer(SenderSetting.DEPTH_INTERVAL_SECONDS, 1, 3600, "a number of seconds");
        String streamText = settings.text(SenderSetting.DEPTH_STREAM);
        StreamKind stream;
        try {
            stream = StreamKind.ofSuffix(streamText);
        } catch (IllegalArgumentException e) {
            throw SettingException.mustBe(SenderSetting.DEPTH_STREAM, streamText, "depth@100ms, depth, depth@500ms or"
                    + " depth@0ms");
        }
        if (!stream.diffDepth()) {
            throw SettingException.mustBe(SenderSetting.DEPTH_STREAM, streamText, "a diff depth stream (depth@100ms,"
                    + " depth, depth@500ms or depth@0ms), not a partial one");
        }
        int limit = settings.integer(SenderSetting.DEPTH_SNAPSHOT_LIMIT, 5, 5000, "a snapshot limit");
        return new DepthSettings(on, levels, step, steps, interval, stream, limit);
    }

    /** The step in percent, exactly as a decimal and then the nearest double (0.00002 gives 0.002). */
    public double stepPercent() {
        return new BigDecimal(Double.toString(step)).movePointRight(2).doubleValue();
    }
}
