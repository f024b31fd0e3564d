package eu.bborelay.receiver.daemon;

import eu.bborelay.common.FrameFormatException;
import eu.bborelay.ops.Health;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.StatsMetrics;
import eu.bborelay.ops.StatsMetrics.LabelPair;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ArbitrationStats;
import eu.bborelay.receiver.ReceiverStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The receiver daemon's {@code GET /health} and {@code GET /metrics}, both read from {@link Receiver#stats()} when
 * asked (nothing on the quote path). Health: at least one sender connected and the freshest quote of any symbol
 * younger than {@code HEALTH_MAX_AGE_SECONDS}.
 *
 * <p>Latency: the receiver's snapshot holds one-way percentiles since start (HdrHistogram), so they are exported as
 * gauges {@code bbo_relay_receiver_one_way_latency_seconds{quantile="0.5"}} (and per symbol), not as a Prometheus
 * summary: a summary promises a sum and a client-side sliding window that we do not have. The per-interval
 * percentiles stay in the stats log lines.
 *
 * <p>Public so that a daemon embedding the receiver (the collector) serves the same health rule and metrics.
 */
public final class ReceiverOps {
    static final String PREFIX = "bbo_relay_receiver_";
    private static final double NANOS_PER_SECOND = 1e9;

    private ReceiverOps() {
    }

    /** Starts the endpoint on {@code port} (all addresses); null when {@code port} is 0 (none). */
    static OpsServer start(Receiver receiver, int port, long healthMaxAgeSeconds) {
        if (port == 0) {
            return null;
        }
        LongSupplier nowEpochNanos = ReceiverOps::nowEpochNanos;
        return OpsServer.start("0.0.0.0", port,
                () -> health(receiver.stats(), TimeUnit.SECONDS.toNanos(healthMaxAgeSeconds), nowEpochNanos),
                metrics(receiver).registry());
    }

    /** Healthy when a sender is connected and the freshest quote is younger than {@code maxAgeNanos}. */
    public static Health health(ReceiverStats s, long maxAgeNanos, LongSupplier nowEpochNanos) {
        if (s.connectionsOpen() == 0) {
            return Health.unhealthy("no sender connected (" + s.connectionsAccepted() + " connections since start,"
                    + " " + s.handshakeFailures() + " TLS handshake failures, " + s.refusedForCapacity()
                    + " refused for capacity)");
        }
        ReceiverStats.SymbolStats freshest = null;
        for (ReceiverStats.SymbolStats sym : s.symbols()) {
            if (sym.lastReceiveEpochNanos() == 0) {
                continue; // seen by its trades only: no quote to be fresh
            }
            if (freshest == null || sym.lastReceiveEpochNanos() > freshest.lastReceiveEpochNanos()) {
                freshest = sym;
            }
        }
        String senders = s.connectionsOpen() + (s.connectionsOpen() == 1 ? " sender" : " senders") + " connected";
        if (freshest == null) {
            return Health.unhealthy(senders + ", no quote received yet");
        }
        long ageNanos = nowEpochNanos.getAsLong() - freshest.lastReceiveEpochNanos();
        String age = String.format(Locale.ROOT, "freshest quote %s %.3f s old", freshest.symbol(),
                ageNanos / NANOS_PER_SECOND);
        if (ageNanos > maxAgeNanos) {
            return Health.unhealthy(senders + ", " + age + " (limit " + maxAgeNanos / 1_000_000_000L + " s)");
        }
        return Health.healthy(senders + ", " + age + ", gaps " + s.gaps());
    }

    /** Every metric of the receiver daemon; one line each. */
    public static StatsMetrics<ReceiverStats> metrics(Receiver receiver) {
        return metrics(receiver::stats);
    }

    /** The metrics of the snapshots {@code stats} supplies (one per scrape). */
    static StatsMetrics<ReceiverStats> metrics(java.util.function.Supplier<ReceiverStats> stats) {
        return new StatsMetrics<>(PREFIX, stats)
                .counter("quotes", "Quotes delivered (updates received and passed on), all symbols",
                        ReceiverStats::quotesDelivered)
                .counter("symbol_quotes", "Quotes delivered, per symbol", "symbol", ReceiverOps::quotesBySymbol)
                .counter("trades", "Trades delivered, by type (trade, agg_trade)", "type",
                        s -> Map.of("trade", s.tradesDelivered(), "agg_trade", s.aggTradesDelivered()))
                .counter("depth", "Depth frames delivered (INCLUDE_DEPTH on the sender)", ReceiverStats::depthDelivered)
                .counter("exchange_gap_ids", "Trade ids that never arrived and no relay gap accounts for (exchange"
                        + " gaps), by type (trade, agg_trade)", "type",
                        s -> Map.of("trade", s.tradeIdGaps(), "agg_trade", s.aggIdGaps()))
                .counter("exchange_gaps_backfilled", "Aggregate trades delivered with backfilled=true (fetched by the"
                        + " sender from Binance REST to fill an exchange gap)", s -> s.exchangeGapsBackfilled())
                .counter("symbol_trades", "Trades (type trade) delivered, per symbol", "symbol",
                        s -> bySymbol(s, ReceiverStats.SymbolStats::trades))
                .counter("symbol_agg_trades", "Aggregate trades (type agg_trade) delivered, per symbol", "symbol",
                        s -> bySymbol(s, ReceiverStats.SymbolStats::aggTrades))
                .counter("gaps", "Updates lost between sender and receiver (missing seq; the sender counts them as"
                        + " dropped or conflated)", ReceiverStats::gaps)
                .counter("duplicates", "Quotes dropped because their seq was delivered already",
                        ReceiverStats::duplicates)
                .counter("out_of_order", "Quotes that arrived after a higher seq", ReceiverStats::outOfOrder)
                .counter("replays_ignored", "Quotes a reconnecting sender replayed that were delivered already",
                        ReceiverStats::replaysIgnored)
                .counter("malformed_frames", "Frames that broke the wire contract, by reason", "reason",
                        ReceiverOps::malformedByReason)
                .counter("unknown_frames", "Well-formed frames of a type this version ignores",
                        ReceiverStats::unknownFrames)
                .counter("listener_errors", "Exceptions thrown by the listener", ReceiverStats::listenerErrors)
                .counter("latency_clamped", "Latencies outside 0..10 s (clock skew) recorded at the bound",
                        ReceiverStats::latencyClamped)
                .counter("connections_accepted", "Sender connections whose TLS handshake completed",
                        ReceiverStats::connectionsAccepted)
                .counter("handshake_failures", "TLS handshakes that failed (no or a foreign client certificate,"
                        + " plaintext, lost, total deadline); never a refusal for capacity",
                        ReceiverStats::handshakeFailures)
                .counter("handshake_timeouts", "Of handshake_failures: handshakes closed at their total deadline"
                        + " (HANDSHAKE_TIMEOUT_MS), however slowly the client sent", ReceiverStats::handshakeTimeouts)
                .gauge("handshakes_pending", "Connections in their TLS handshake now (at most"
                        + " MAX_PENDING_HANDSHAKES)", ReceiverStats::handshakesPending)
                .counter("refused_capacity", "Connections refused or closed for capacity, by reason: per_address"
                        + " (MAX_PENDING_HANDSHAKES_PER_ADDRESS), pending_full (MAX_PENDING_HANDSHAKES), evicted (a"
                        + " pending handshake closed for a newcomer), connection_limit (MAX_CONNECTIONS senders open)",
                        "reason", ReceiverOps::refusedByReason)
                .gauge("connections_open", "Sender connections open now", ReceiverStats::connectionsOpen)
                .gauge("sessions", "Sender sessions known (one per sender process)", ReceiverStats::sessions)
                .gauge("last_update_age_seconds", "Seconds since the latest quote of each symbol was received",
                        "symbol", ReceiverOps::ageBySymbol)
                .gauge("one_way_latency_seconds", "One-way latency since start, by quantile, corrected for the"
                        + " sender's clock offset once pings have measured it", "quantile",
                        ReceiverOps::latencyQuantiles)
                .gauge("one_way_latency_uncorrected_seconds", "One-way latency since start (receiver clock -"
                        + " sender ts, no offset correction), by quantile", "quantile",
                        ReceiverOps::uncorrectedQuantiles)
                .gauge("clock_offset_known", "1 when a sender answered pings and its clock offset is known",
                        s -> s.clockOffsetKnown() ? 1 : 0)
                .gauge("clock_offset_seconds", "Sender clock minus receiver clock (lowest-RTT ping sample); 0 while"
                        + " unknown", s -> s.clockOffsetNanos() / NANOS_PER_SECOND)
                .gauge("rtt_seconds", "Round-trip time of the receiver's pings, median since start",
                        s -> s.p50RttNanos() / NANOS_PER_SECOND)
                .counter("silence_timeouts", "Sender connections closed after the silence timeout (dead or"
                        + " half-open)", ReceiverStats::silenceTimeouts)
                .counter("stale_events", "Times a symbol's latest quote became older than staleAfter",
                        ReceiverStats::staleEvents)
                .counter("feed_outages", "Feed outages reported by senders: spans with no Binance connection for a"
                        + " symbol (sender restart, Binance reconnect), one per symbol and span", ReceiverStats::feedOutages)
                .counter("feed_outage_ms", "Summed length of the feed outages, ms (sender wall clock)",
                        ReceiverStats::feedOutageMillis)
                .gauge("symbol_one_way_latency_seconds", "One-way latency since start per symbol, by quantile",
                        "symbol", "quantile", ReceiverOps::symbolLatencyQuantiles)
                .counter("merged_gaps", "A/B arbitration (ARBITRATION=true): updates no sender delivered, by type:"
                        + " bbo (ranges of update ids in which every path had a hole), trade and agg_trade (ids)",
                        "type", ReceiverOps::mergedGaps)
                .counter("path_won", "A/B arbitration: updates of this path delivered (the first copy), per path"
                        + " (sender host#session)", "path", s -> byPath(s, ArbitrationStats.PathStats::won))
                .counter("path_duplicates", "A/B arbitration: updates of this path dropped, another path delivered"
                        + " them first, per path", "path", s -> byPath(s, ArbitrationStats.PathStats::duplicates))
                .counter("path_gaps", "A/B arbitration: seqs of this path that never arrived (its own relay gaps),"
                        + " per path", "path", s -> byPath(s, ArbitrationStats.PathStats::gaps))
                .counter("path_holes", "A/B arbitration: seq jumps of this path (each one or more of its gaps), per"
                        + " path", "path", s -> byPath(s, ArbitrationStats.PathStats::holes))
                .gauge("path_connected", "A/B arbitration: 1 while a connection of this path is open, per path (at"
                        + " most 8 paths are kept; an idle one is forgotten for a new session)", "path",
                        s -> byPath(s, p -> p.connected() ? 1 : 0))
                .gauge("path_one_way_latency_seconds", "A/B arbitration: one-way latency since start of every"
                        + " quote copy of this path, by quantile", "path", "quantile",
                        ReceiverOps::pathLatencyQuantiles);
    }

    private static Map<String, Long> mergedGaps(ReceiverStats s) {
        ArbitrationStats a = s.arbitration();
        if (!a.enabled()) {
            return Map.of();
        }
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("bbo", a.mergedQuoteGaps());
        m.put("trade", a.mergedTradeIdGaps());
        m.put("agg_trade", a.mergedAggIdGaps());
        return m;
    }

    private static Map<String, Long> byPath(ReceiverStats s,
                                            java.util.function.ToLongFunction<ArbitrationStats.PathStats> value) {
        Map<String, Long> m = new LinkedHashMap<>();
        s.arbitration().paths().forEach(p -> m.put(p.name(), value.applyAsLong(p)));
        return m;
    }

    private static Map<LabelPair, Double> pathLatencyQuantiles(ReceiverStats s) {
        Map<LabelPair, Double> m = new LinkedHashMap<>();
        for (ArbitrationStats.PathStats p : s.arbitration().paths()) {
            m.put(new LabelPair(p.name(), "0.5"), p.p50OneWayNanos() / NANOS_PER_SECOND);
            m.put(new LabelPair(p.name(), "0.99"), p.p99OneWayNanos() / NANOS_PER_SECOND);
            m.put(new LabelPair(p.name(), "1"), p.maxOneWayNanos() / NANOS_PER_SECOND);
        }
        return m;
    }

    private static Map<String, Long> refusedByReason(ReceiverStats s) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("per_address", s.refusedPerAddress());
        m.put("pending_full", s.refusedPendingFull());
        m.put("evicted", s.handshakesEvicted());
        m.put("connection_limit", s.refusedAtConnectionLimit());
        return m;
    }

    private static Map<String, Long> quotesBySymbol(ReceiverStats s) {
        Map<String, Long> m = new LinkedHashMap<>();
        s.symbols().forEach(sym -> m.put(sym.symbol(), sym.quotes()));
        return m;
    }

    private static Map<String, Long> bySymbol(ReceiverStats s,
                                              java.util.function.ToLongFunction<ReceiverStats.SymbolStats> count) {
        Map<String, Long> m = new LinkedHashMap<>();
        s.symbols().forEach(sym -> m.put(sym.symbol(), count.applyAsLong(sym)));
        return m;
    }

    private static Map<String, Long> malformedByReason(ReceiverStats s) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<FrameFormatException.Reason, Long> e : s.malformedFrames().entrySet()) {
            m.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
        }
        return m;
    }

    private static Map<String, Double> ageBySymbol(ReceiverStats s) {
        long now = nowEpochNanos();
        Map<String, Double> m = new LinkedHashMap<>();
        s.symbols().stream().filter(sym -> sym.lastReceiveEpochNanos() != 0) // a symbol seen by its trades only
                .forEach(sym -> m.put(sym.symbol(), (now - sym.lastReceiveEpochNanos()) / NANOS_PER_SECOND));
        return m;
    }

    private static Map<String, Double> latencyQuantiles(ReceiverStats s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("0.5", s.p50OneWayNanos() / NANOS_PER_SECOND);
        m.put("0.95", s.p95OneWayNanos() / NANOS_PER_SECOND);
        m.put("0.99", s.p99OneWayNanos() / NANOS_PER_SECOND);
        m.put("1", s.maxOneWayNanos() / NANOS_PER_SECOND);
        return m;
    }

    private static Map<String, Double> uncorrectedQuantiles(ReceiverStats s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("0.5", s.p50OneWayUncorrectedNanos() / NANOS_PER_SECOND);
        m.put("0.95", s.p95OneWayUncorrectedNanos() / NANOS_PER_SECOND);
        m.put("0.99", s.p99OneWayUncorrectedNanos() / NANOS_PER_SECOND);
        return m;
    }

    private static Map<LabelPair, Double> symbolLatencyQuantiles(ReceiverStats s) {
        Map<LabelPair, Double> m = new LinkedHashMap<>();
        for (ReceiverStats.SymbolStats sym : s.symbols()) {
            m.put(new LabelPair(sym.symbol(), "0.5"), sym.p50OneWayNanos() / NANOS_PER_SECOND);
            m.put(new LabelPair(sym.symbol(), "0.95"), sym.p95OneWayNanos() / NANOS_PER_SECOND);
            m.put(new LabelPair(sym.symbol(), "0.99"), sym.p99OneWayNanos() / NANOS_PER_SECOND);
        }
        return m;
    }

    private static long nowEpochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
