package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class StatsFormatTest {
    /** What a tail of the original Python receiver's log would match. */
    private static final Pattern ORIGINAL_SHAPE = Pattern.compile(
            "(\\w+) mid=([\\d,]+\\.\\d\\d) \\| p50=([\\d.]+)ms p95=([\\d.]+)ms p99=([\\d.]+)ms \\| ([\\d.]+) msg/s"
                    + " \\| total=(\\d+) gaps=(\\d+)");

    @Test
    void symbolLineHasTheOriginalReceiversShape() {
        String line = StatsFormat.symbolLine("BTCUSDT", 61_837.64, 721, 42_000, 81_000, 120_000, 72.1, 123_456, 0);
        assertEquals("BTCUSDT mid=61,837.64 | p50=0.042ms p95=0.081ms p99=0.120ms | 72.1 msg/s | total=123456 gaps=0",
                line);
        assertTrue(ORIGINAL_SHAPE.matcher(line).matches());
    }

    @Test
    void pathLineSaysWhatEachPathWonAndLost() {
        assertEquals("relay: A/B path 10.0.0.7#3f2a9c1b up | won=900 duplicates=100 stale=0 gaps=40 holes=2 |"
                + " one-way p50=3.5ms p99=0.500ms | merged_gaps=1", StatsFormat.pathLine(new ArbitrationStats.PathStats(
                "10.0.0.7#3f2a9c1b", true, 900, 100, 0, 40, 2, 1000, 3_500_000, 500_000, 9_000_000), 1));
        assertEquals("relay: A/B path h#1 down | won=0 duplicates=0 stale=0 gaps=0 holes=0 | one-way p50=- p99=- |"
                + " merged_gaps=0", StatsFormat.pathLine(new ArbitrationStats.PathStats("h#1", false, 0, 0, 0, 0, 0,
                0, 0, 0, 0), 0));
    }

    @Test
    void latencyFromOneMillisecondHasOneDecimal() {
        String line = StatsFormat.symbolLine("ETHUSDT", 2_612.5, 10, 3_500_000, 12_340_000, 1_000_000_000, 0.25, 9,
                17);
        assertEquals("ETHUSDT mid=2,612.50 | p50=3.5ms p95=12.3ms p99=1000.0ms | 0.3 msg/s | total=9 gaps=17", line);
        assertTrue(ORIGINAL_SHAPE.matcher(line).matches());
    }

    @Test
    void millisecondsSwitchPrecisionAtOneMillisecond() {
        assertEquals("0.000ms", StatsFormat.millis(0));
        assertEquals("0.001ms", StatsFormat.millis(1_000));
        assertEquals("0.999ms", StatsFormat.millis(999_000));
        assertEquals("1.0ms", StatsFormat.millis(1_000_000));
        assertEquals("3.5ms", StatsFormat.millis(3_450_001));
        assertEquals("10000.0ms", StatsFormat.millis(10_000_000_000L));
    }

    @Test
    void symbolWithoutUpdatesInTheIntervalShowsDashes() {
        assertEquals("LRCBTC mid=0.00 | p50=- p95=- p99=- | 0.0 msg/s | total=4 gaps=0",
                StatsFormat.symbolLine("LRCBTC", 0.0000123, 0, 0, 0, 0, 0, 4, 0));
    }

    @Test
    void summaryLineNamesEveryCounter() {
        assertEquals("relay: connections=1 sessions=2 quotes=300 gaps=3 duplicates=4 out_of_order=5 malformed=6"
                        + " listener_errors=7 clamped=8 replays_ignored=9 handshake_failures=10 unknown_frames=11",
                StatsFormat.summaryLine(1, 2, 300, 3, 4, 5, 6, 7, 8, 9, 10, 11));
    }

    @Test
    void capacitySuffixIsNotAHandshakeFailure() {
        assertEquals(" refused_capacity=12 handshakes_pending=3", StatsFormat.capacitySuffix(12, 3));
    }

    @Test
    void totalsLineShowsLatencySinceStart() {
        assertEquals("relay: totals since start 3600s: connections_accepted=2 quotes=259200 gaps=1 | one-way"
                        + " p50=3.5ms p95=4.0ms p99=0.950ms max=12.0ms",
                StatsFormat.totalsLine(3600, 2, 259_200, 1, 3_500_000, 4_000_000, 950_000, 12_000_000, 259_200));
        assertEquals("relay: totals since start 0s: connections_accepted=0 quotes=0 gaps=0 | one-way"
                + " p50=- p95=- p99=- max=-", StatsFormat.totalsLine(0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void clockSuffixShowsSignedOffsetAndRttOrSaysUncorrected() {
        assertEquals(" latency_uncorrected=0 offset=+0.123ms rtt=0.456ms",
                StatsFormat.clockSuffix(0, true, 123_000, 5, 456_000));
        assertEquals(" latency_uncorrected=7 offset=-200.0ms rtt=7.0ms",
                StatsFormat.clockSuffix(7, true, -200_000_000, 5, 7_000_000));
        assertEquals(" latency_uncorrected=9 offset=uncorrected rtt=-", StatsFormat.clockSuffix(9, false, 0, 0, 0));
    }

    @Test
    void uncorrectedSuffixForTheTotalsLine() {
        assertEquals(" | uncorrected p50=50.0ms p95=51.0ms p99=52.0ms",
                StatsFormat.uncorrectedSuffix(3, 50_000_000, 51_000_000, 52_000_000));
        assertEquals(" | uncorrected p50=- p95=- p99=-", StatsFormat.uncorrectedSuffix(0, 0, 0, 0));
    }

    @Test
    void tradesSuffixOnlyWhenTradesWereDelivered() {
        assertEquals("", StatsFormat.tradesSuffix(0, 0), "a relay without trades logs exactly as before");
        assertEquals(" trades=9757 agg_trades=0", StatsFormat.tradesSuffix(9_757, 0));
        assertEquals(" trades=0 agg_trades=91", StatsFormat.tradesSuffix(0, 91));
    }
}
