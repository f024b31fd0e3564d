package eu.bborelay.receiver;

import java.util.Locale;

/**
 * Formats the stats log lines. Pure functions of their arguments. The per-symbol line keeps the original Python
 * receiver's shape, so existing log tailing keeps working:
 *
 * <pre>
 * BTCUSDT mid=61,837.64 | p50=0.042ms p95=0.081ms p99=0.120ms | 72.1 msg/s | total=123456 gaps=0
 * </pre>
 */
final class StatsFormat {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private StatsFormat() {
    }

    /**
     * One symbol's line for one interval.
     *
     * @param mid mid price of the symbol's latest quote
     * @param intervalQuotes quotes with a latency measurement in the interval; 0 prints {@code p50=- p95=- p99=-}
     * @param p50Nanos median one-way latency over the interval, ns (likewise p95, p99)
     * @param messagesPerSecond delivered quotes of the symbol per second over the interval
     * @param total delivered quotes of the symbol since start
     * @param gaps all gaps of all sessions since start
     */
    static String symbolLine(String symbol, double mid, long intervalQuotes, long p50Nanos, long p95Nanos,
                             long p99Nanos, double messagesPerSecond, long total, long gaps) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(symbol).append(" mid=").append(String.format(Locale.ROOT, "%,.2f", mid)).append(" | ");
        if (intervalQuotes == 0) {
            sb.append("p50=- p95=- p99=-");
        } else {
            sb.append("p50=").append(millis(p50Nanos))
                    .append(" p95=").append(millis(p95Nanos))
                    .append(" p99=").append(millis(p99Nanos));
        }
        return sb.append(" | ").append(String.format(Locale.ROOT, "%.1f", messagesPerSecond)).append(" msg/s")
                .append(" | total=").append(total).append(" gaps=").append(gaps).toString();
    }

    /** The summary line logged after the symbol lines of every interval; counts since start. */
    static String summaryLine(int connections, int sessions, long quotes, long gaps, long duplicates,
                              long outOfOrder, long malformed, long listenerErrors, long clamped,
                              long replaysIgnored, long handshakeFailures, long unknownFrames) {
        return "relay: connections=" + connections + " sessions=" + sessions + " quotes=" + quotes
                + " gaps=" + gaps + " duplicates=" + duplicates + " out_of_order=" + outOfOrder
                + " malformed=" + malformed + " listener_errors=" + listenerErrors + " clamped=" + clamped
                + " replays_ignored=" + replaysIgnored + " handshake_failures=" + handshakeFailures
                + " unknown_frames=" + unknownFrames;
    }

    /**
     * Appended to the summary line after {@code unknown_frames}: connections refused or closed for capacity since
     * start (per address, all handshake places taken, evicted, over maxConnections), and TLS handshakes pending now.
     */
    static String capacitySuffix(long refusedForCapacity, int handshakesPending) {
        return " refused_capacity=" + refusedForCapacity + " handshakes_pending=" + handshakesPending;
    }

    /**
     * Appended to the summary line: quotes whose latency could not be corrected, the current clock offset
     * (sender - receiver) and the median ping round trip; {@code offset=uncorrected rtt=-} until a sender answers
     * a ping.
     */
    static String clockSuffix(long latencyUncorrected, boolean offsetKnown, long offsetNanos, long rttSamples,
                              long rttP50Nanos) {
        return " latency_uncorrected=" + latencyUncorrected
                + (offsetKnown ? " offset=" + signedMillis(offsetNanos) : " offset=uncorrected")
                + " rtt=" + (rttSamples == 0 ? "-" : millis(rttP50Nanos));
    }

    /** Appended to the totals line: the uncorrected one-way latency (receive wall clock - ts), for comparison. */
    static String uncorrectedSuffix(long measured, long p50Nanos, long p95Nanos, long p99Nanos) {
        return " | uncorrected " + (measured == 0 ? "p50=- p95=- p99=-" : "p50=" + millis(p50Nanos) + " p95="
                + millis(p95Nanos) + " p99=" + millis(p99Nanos));
    }

    /**
     * Appended to the symbol, summary and totals lines when trades were delivered: {@code " trades=N agg_trades=M"};
     * empty otherwise, so a relay without trades logs exactly as before.
     */
    static String tradesSuffix(long trades, long aggTrades) {
        return trades == 0 && aggTrades == 0 ? "" : " trades=" + trades + " agg_trades=" + aggTrades;
    }

    /** {@code exchange_gaps{trade_ids=.. agg_ids=.. backfilled=..}} when any is non-zero, else empty. */
    static String exchangeGapsSuffix(long tradeIdGaps, long aggIdGaps, long backfilled) {
        return tradeIdGaps == 0 && aggIdGaps == 0 && backfilled == 0 ? "" : " exchange_gaps{trade_ids=" + tradeIdGaps
                + " agg_ids=" + aggIdGaps + " backfilled=" + backfilled + "}";
    }

    /** Signed milliseconds: {@code +0.123ms}, {@code -200.0ms}. */
    static String signedMillis(long nanos) {
        return (nanos < 0 ? "-" : "+") + millis(nanos == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(nanos));
    }

    /** The line logged at close, after the last interval's lines: totals and latency since start. */
    static String totalsLine(long uptimeSeconds, long connectionsAccepted, long quotes, long gaps,
                             long p50Nanos, long p95Nanos, long p99Nanos, long maxNanos, long measured) {
        String latency = measured == 0 ? "p50=- p95=- p99=- max=-"
                : "p50=" + millis(p50Nanos) + " p95=" + millis(p95Nanos) + " p99=" + millis(p99Nanos)
                + " max=" + millis(maxNanos);
        return "relay: totals since start " + uptimeSeconds + "s: connections_accepted=" + connectionsAccepted
                + " quotes=" + quotes + " gaps=" + gaps + " | one-way " + latency;
    }

    /**
     * A/B arbitration, one line per path at each stats interval (figures since start), e.g.
     * {@code relay: A/B path 10.0.0.7#3f2a9c1b up | won=900 duplicates=100 stale=0 gaps=40 holes=2 | one-way p50=3.5ms
     * p99=5.0ms | merged_gaps=0}.
     */
    static String pathLine(ArbitrationStats.PathStats p, long mergedGaps) {
        String latency = p.latencySamples() == 0 ? "p50=- p99=-"
                : "p50=" + millis(p.p50OneWayNanos()) + " p99=" + millis(p.p99OneWayNanos());
        return "relay: A/B path " + p.name() + (p.connected() ? " up" : " down") + " | won=" + p.won()
                + " duplicates=" + p.duplicates() + " stale=" + p.stale() + " gaps=" + p.gaps() + " holes="
                + p.holes() + " | one-way " + latency + " | merged_gaps=" + mergedGaps;
    }

    /** Nanoseconds as milliseconds: {@code 0.042ms} below 1 ms, {@code 3.5ms} from 1 ms up. */
    static String millis(long nanos) {
        double ms = (double) nanos / NANOS_PER_MILLI;
        return String.format(Locale.ROOT, ms >= 1.0 ? "%.1fms" : "%.3fms", ms);
    }
}
