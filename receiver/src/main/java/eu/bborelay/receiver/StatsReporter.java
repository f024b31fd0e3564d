package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Pulls the latency recorders into their interval and since-start accumulations and turns them into the periodic
 * log lines ({@link #report}, on the stats thread {@code relay-receiver-stats}) and {@link ReceiverStats}
 * snapshots ({@link #snapshot}, any thread). Both pull under this object's lock, so nothing recorded is lost
 * between a periodic line and a snapshot. Never on a reader thread.
 */
final class StatsReporter {
    private final ReceiverContext ctx;
    private long lastReportNanos;

    StatsReporter(ReceiverContext ctx) {
        this.ctx = ctx;
        this.lastReportNanos = ctx.startNanos;
    }

    /**
     * Ends a stats interval: logs one line per symbol seen so far and the summary line when {@code lines}, then
     * starts the next interval and logs what the rate limits held back.
     */
    synchronized void report(boolean lines) {
        report(lines, false);
    }

    /** {@code skipQuietSymbols}: no line for a symbol without quotes in the interval (the last one, at close). */
    private void report(boolean lines, boolean skipQuietSymbols) {
        long now = System.nanoTime();
        pull();
        TreeMap<String, SymbolState> symbols = new TreeMap<>(ctx.symbols);
        if (lines) {
            double seconds = Math.max(1e-9, (now - lastReportNanos) / 1e9);
            long gaps = ctx.counters.gaps.sum();
            for (SymbolState s : symbols.values()) {
                var latest = s.latest();
                if (latest == null) {
                    continue;
                }
                Histogram h = s.latency.interval();
                long quotes = s.quotes.sum();
                if (skipQuietSymbols && quotes == s.quotesAtLastReport) {
                    continue;
                }
                LOG.info(StatsFormat.symbolLine(s.symbol, latest.mid(), h.getTotalCount(),
                        percentile(h, 50), percentile(h, 95), percentile(h, 99),
                        (quotes - s.quotesAtLastReport) / seconds, quotes, gaps)
                        + StatsFormat.tradesSuffix(s.trades.sum(), s.aggTrades.sum()));
            }
            Counters c = ctx.counters;
            LOG.info(StatsFormat.summaryLine(c.connectionsOpen.get(), ctx.sessions.size(), c.quotesDelivered.sum(),
                    gaps, c.duplicates.sum(), c.outOfOrder.sum(), c.malformedTotal(), c.listenerErrors.sum(),
                    c.latencyClamped.sum(), c.replaysIgnored.sum(), c.handshakeFailures.sum(),
                    c.unknownFrames.sum()) + StatsFormat.tradesSuffix(c.tradesDelivered.sum(),
                    c.aggTradesDelivered.sum()) + StatsFormat.exchangeGapsSuffix(c.tradeIdGaps.sum(),
                    c.aggIdGaps.sum(), c.exchangeGapsBackfilled.sum()) + StatsFormat.capacitySuffix(c.refusedForCapacity(),
                    ctx.handshakes.size()) + clockSuffix(ctx.rtt.interval().getTotalCount() > 0
                    ? ctx.rtt.interval() : ctx.rtt.total()));
        }
        if (lines && ctx.arbiter != null) {
            ArbitrationStats a = arbitration();
            for (ArbitrationStats.PathStats p : a.paths()) {
                LOG.info(StatsFormat.pathLine(p, a.mergedGaps()));
            }
        }
        for (SymbolState s : symbols.values()) {
            s.latency.resetInterval();
            s.quotesAtLastReport = s.quotes.sum();
        }
        ctx.latency.resetInterval();
        ctx.rawLatency.resetInterval();
        ctx.rtt.resetInterval();
        lastReportNanos = now;
        rollLimits();
    }

    /**
     * At close: the last interval's lines (only for symbols quoted in it), then one line per symbol over the whole
     * run (same shape, marked {@code (since start)}), then the totals line.
     */
    synchronized void finalReport() {
        report(true, true);
        long uptimeNanos = System.nanoTime() - ctx.startNanos;
        double seconds = Math.max(1e-9, uptimeNanos / 1e9);
        long gaps = ctx.counters.gaps.sum();
        for (SymbolState s : new TreeMap<>(ctx.symbols).values()) {
            var latest = s.latest();
            if (latest == null) {
                continue;
            }
            Histogram total = s.latency.total();
            long quotes = s.quotes.sum();
            LOG.info(StatsFormat.symbolLine(s.symbol, latest.mid(), total.getTotalCount(), percentile(total, 50),
                    percentile(total, 95), percentile(total, 99), quotes / seconds, quotes, gaps) + " (since start)");
        }
        Histogram h = ctx.latency.total();
        Counters c = ctx.counters;
        LOG.info(StatsFormat.totalsLine(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - ctx.startNanos),
                c.connectionsAccepted.sum(), c.quotesDelivered.sum(), c.gaps.sum(), percentile(h, 50),
                percentile(h, 95), percentile(h, 99), percentile(h, 100), h.getTotalCount())
                + StatsFormat.tradesSuffix(c.tradesDelivered.sum(), c.aggTradesDelivered.sum())
                + StatsFormat.exchangeGapsSuffix(c.tradeIdGaps.sum(), c.aggIdGaps.sum(),
                c.exchangeGapsBackfilled.sum())
                + StatsFormat.uncorrectedSuffix(ctx.rawLatency.total().getTotalCount(),
                percentile(ctx.rawLatency.total(), 50), percentile(ctx.rawLatency.total(), 95),
                percentile(ctx.rawLatency.total(), 99)) + clockSuffix(ctx.rtt.total()));
    }

    /** Counters and latency since start. */
    synchronized ReceiverStats snapshot() {
        pull();
        List<ReceiverStats.SymbolStats> perSymbol = new ArrayList<>();
        for (SymbolState s : new TreeMap<>(ctx.symbols).values()) {
            var latest = s.latest();
            long trades = s.trades.sum();
            long aggTrades = s.aggTrades.sum();
            if (latest == null && trades == 0 && aggTrades == 0) {
                continue;
            }
            Histogram h = s.latency.total();
            perSymbol.add(new ReceiverStats.SymbolStats(s.symbol, s.quotes.sum(), latest == null ? 0 : latest.seq(),
                    latest == null ? Double.NaN : latest.mid(), latest == null ? 0 : latest.receiveEpochNanos(),
                    percentile(h, 50), percentile(h, 95), percentile(h, 99), trades, aggTrades));
        }
        Counters c = ctx.counters;
        Histogram all = ctx.latency.total();
        Histogram raw = ctx.rawLatency.total();
        Histogram rtt = ctx.rtt.total();
        ReceiverContext.ClockEstimate clock = ctx.clockEstimate;
        return ReceiverStats.builder()
                .connectionsOpen(c.connectionsOpen.get())
                .connectionsAccepted(c.connectionsAccepted.sum())
                .handshakeFailures(c.handshakeFailures.sum())
                .sessions(ctx.sessions.size())
                .quotesDelivered(c.quotesDelivered.sum())
                .gaps(c.gaps.sum())
                .duplicates(c.duplicates.sum())
                .outOfOrder(c.outOfOrder.sum())
                .replaysIgnored(c.replaysIgnored.sum())
                .malformedFrames(c.malformedByReason())
                .unknownFrames(c.unknownFrames.sum())
                .listenerErrors(c.listenerErrors.sum())
                .latencyClamped(c.latencyClamped.sum())
                .p50OneWayNanos(percentile(all, 50))
                .p95OneWayNanos(percentile(all, 95))
                .p99OneWayNanos(percentile(all, 99))
                .maxOneWayNanos(percentile(all, 100))
                .symbols(perSymbol)
                .latencyUncorrected(c.latencyUncorrected.sum())
                .p50OneWayUncorrectedNanos(percentile(raw, 50))
                .p95OneWayUncorrectedNanos(percentile(raw, 95))
                .p99OneWayUncorrectedNanos(percentile(raw, 99))
                .clockOffsetKnown(clock != null)
                .clockOffsetNanos(clock == null ? 0 : clock.offsetNanos())
                .rttSamples(rtt.getTotalCount())
                .p50RttNanos(percentile(rtt, 50))
                .silenceTimeouts(c.silenceTimeouts.sum())
                .sendersNotAnswering(c.sendersNotAnswering.sum())
                .staleEvents(c.staleEvents.sum())
                .feedOutages(c.feedOutages.sum())
                .feedOutageMillis(c.feedOutageMillis.sum())
                .handshakeTimeouts(c.handshakeTimeouts.sum())
                .handshakesPending(ctx.handshakes.size())
                .refusedPerAddress(c.refusedPerAddress.sum())
                .refusedPendingFull(c.refusedPendingFull.sum())
                .handshakesEvicted(c.handshakesEvicted.sum())
                .refusedAtConnectionLimit(c.refusedAtConnectionLimit.sum())
                .tradesDelivered(c.tradesDelivered.sum())
                .aggTradesDelivered(c.aggTradesDelivered.sum())
                .depthDelivered(c.depthDelivered.sum())
                .tradeIdGaps(c.tradeIdGaps.sum())
                .aggIdGaps(c.aggIdGaps.sum())
                .exchangeGapsBackfilled(c.exchangeGapsBackfilled.sum())
                .arbitration(arbitration())
                .build();
    }

    /** The A/B arbitration figures; pulls the paths' latency (only here: no stats line shows it per interval). */
    private ArbitrationStats arbitration() {
        Arbiter a = ctx.arbiter;
        if (a == null) {
            return ArbitrationStats.OFF;
        }
        List<ArbitrationStats.PathStats> paths = new ArrayList<>();
        for (ArbiterPath p : a.paths()) {
            p.latency.pull();
            Histogram h = p.latency.total();
            paths.add(new ArbitrationStats.PathStats(p.name, p.connectedNow(), p.won.sum(), p.duplicates.sum(),
                    p.stale.sum(), p.gaps.sum(), p.holes.sum(), h.getTotalCount(), percentile(h, 50),
                    percentile(h, 99), percentile(h, 100)));
        }
        return new ArbitrationStats(true, a.quoteGaps.sum(), a.tradeIdGaps.sum(), a.aggIdGaps.sum(),
                a.unarbitratedSessions.sum(), paths);
    }

    /** A percentile of {@code h}, ns; never above the clamp bound (a bucket's upper edge can be). */
    private static long percentile(Histogram h, double percentile) {
        return Math.min(h.getValueAtPercentile(percentile), LatencyHistograms.HIGHEST_TRACKABLE_NANOS);
    }

    private void pull() {
        for (SymbolState s : ctx.symbols.values()) {
            s.latency.pull();
        }
        ctx.latency.pull();
        ctx.rawLatency.pull();
        ctx.rtt.pull();
    }

    private String clockSuffix(Histogram rtt) {
        ReceiverContext.ClockEstimate clock = ctx.clockEstimate;
        return StatsFormat.clockSuffix(ctx.counters.latencyUncorrected.sum(), clock != null,
                clock == null ? 0 : clock.offsetNanos(), rtt.getTotalCount(), percentile(rtt, 50));
    }

    private void rollLimits() {
        long gaps = ctx.gapLines.roll();
        if (gaps > 0) {
            LOG.warn("Sequence gap: {} more gap(s) in this interval not logged (at most {} lines per interval);"
                    + " gaps={} since start", gaps, ReceiverContext.GAP_LINES_PER_INTERVAL, ctx.counters.gaps.sum());
        }
        long handshakes = ctx.handshakeLines.roll();
        if (handshakes > 0) {
            LOG.warn("{} more failed TLS handshake(s) in this interval not logged; handshake_failures={} since start",
                    handshakes, ctx.counters.handshakeFailures.sum());
        }
        long refused = ctx.refusedLines.roll();
        if (refused > 0) {
            Counters c = ctx.counters;
            LOG.warn("{} more connection(s) refused or closed for capacity in this interval not logged (capacity, not"
                    + " certificates); since start: refused_per_address={} refused_pending_full={} evicted={}"
                    + " refused_at_connection_limit={}", refused, c.refusedPerAddress.sum(),
                    c.refusedPendingFull.sum(), c.handshakesEvicted.sum(), c.refusedAtConnectionLimit.sum());
        }
        long malformed = ctx.malformedLines.roll();
        if (malformed > 0) {
            LOG.warn("{} more malformed frame(s) skipped in this interval; malformed={} since start", malformed,
                    ctx.counters.malformedTotal());
        }
        if (ctx.config.errorHandler() instanceof LoggingErrorHandler handler) {
            handler.flush();
        }
    }
}
