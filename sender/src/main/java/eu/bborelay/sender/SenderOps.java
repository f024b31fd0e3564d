package eu.bborelay.sender;

import eu.bborelay.ops.Health;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.StatsMetrics;
import eu.bborelay.ops.settings.SettingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sender daemon's {@code GET /health} and {@code GET /metrics}, read from {@link Sender#stats()} when asked
 * (nothing on the update path but one volatile write of the receive time). Health: Binance connected, receiver
 * connected, and the latest Binance update younger than {@code HEALTH_MAX_AGE_SECONDS}. Settings: {@code HTTP_PORT},
 * {@code HEALTH_MAX_AGE_SECONDS}, {@code LOG_FORMAT} of {@link SenderSetting}, validated here at start.
 */
final class SenderOps {
    static final String PREFIX = "bbo_relay_sender_";
    private static final double NANOS_PER_SECOND = 1e9;

    /** The validated operations settings. */
    record Settings(int httpPort, long healthMaxAgeSeconds, String logFormat) {
        /** @throws SettingException naming the variable with a bad value */
        static Settings fromEnvironment(Map<String, String> env) {
            return from(eu.bborelay.ops.settings.Settings.of(env));
        }

        /** From the daemon's parsed settings. */
        static Settings from(eu.bborelay.ops.settings.Settings settings) {
            int port = settings.integer(SenderSetting.HTTP_PORT, 0, 65_535, "a whole number");
            int maxAge = settings.integer(SenderSetting.HEALTH_MAX_AGE_SECONDS, 1, 86_400, "a whole number");
            String format = settings.oneOf(SenderSetting.LOG_FORMAT, "text", "json");
            return new Settings(port, maxAge, format);
        }
    }

    private SenderOps() {
    }

    /** Starts the endpoint on all addresses; null when {@code settings.httpPort()} is 0 (none). */
    static OpsServer start(Sender sender, Settings settings) {
        if (settings.httpPort() == 0) {
            return null;
        }
        long maxAgeNanos = TimeUnit.SECONDS.toNanos(settings.healthMaxAgeSeconds());
        return OpsServer.start("0.0.0.0", settings.httpPort(),
                () -> health(sender.stats(), sender.nanosSinceLastUpdate(), maxAgeNanos), metrics(sender).registry());
    }

    /**
     * Healthy when both legs are up and the latest Binance update is younger than {@code maxAgeNanos}.
     *
     * @param sinceLastUpdateNanos from {@link Sender#nanosSinceLastUpdate()}, -1 before the first
     */
    static Health health(SenderStats s, long sinceLastUpdateNanos, long maxAgeNanos) {
        StringBuilder why = new StringBuilder();
        if (!s.binanceConnected()) {
            why.append("Binance not connected");
        }
        if (!s.receiverConnected()) {
            why.append(why.length() > 0 ? ", " : "").append("receiver not connected");
        }
        String age = sinceLastUpdateNanos < 0 ? "no Binance update yet"
                : String.format(Locale.ROOT, "latest Binance update %.3f s old", sinceLastUpdateNanos / NANOS_PER_SECOND);
        if (sinceLastUpdateNanos < 0 || sinceLastUpdateNanos > maxAgeNanos) {
            why.append(why.length() > 0 ? ", " : "").append(age);
            if (sinceLastUpdateNanos >= 0) {
                why.append(" (limit ").append(maxAgeNanos / 1_000_000_000L).append(" s)");
            }
        }
        if (why.length() > 0) {
            return Health.unhealthy(why.toString());
        }
        return Health.healthy("Binance and receiver connected, " + age + ", dropped " + s.dropped() + ", conflated "
                + s.conflated());
    }

    /** Every metric of the sender; one line each. */
    static StatsMetrics<Snapshot> metrics(Sender sender) {
        return new StatsMetrics<>(PREFIX, () -> new Snapshot(sender.stats(), sender.nanosSinceLastUpdate(),
                        sender.depthStats(), sender.feedOutages(), sender.feedOutageMillis(), sender.inheritedSeq()))
                .counter("received", "WebSocket messages received from Binance, of any kind", x -> x.s.received())
                .counter("taken", "Valid updates taken: quotes, trades and depth frames (each got a seq)", x -> x.s.taken())
                .counter("sent", "Updates written to the receiver", x -> x.s.sent())
                .counter("dropped", "Updates never written: receiver unreachable or a write failed",
                        x -> x.s.dropped())
                .counter("conflated", "Updates replaced by a newer one of their symbol while the receiver was behind",
                        x -> x.s.conflated())
                .counter("not_data", "Binance messages that are not bookTicker updates", x -> x.s.notData())
                .counter("invalid", "Rejected bookTicker messages, by reason", "reason", SenderOps::invalidByReason)
                .counter("reconnects", "Connections opened after the first one, by leg", "leg",
                        x -> Map.of("binance", x.s.binanceReconnects(), "receiver", x.s.receiverReconnects()))
                .gauge("connected", "1 while the leg is connected, else 0", "leg",
                        x -> Map.of("binance", x.s.binanceConnected() ? 1 : 0,
                                "receiver", x.s.receiverConnected() ? 1 : 0))
                .counter("trades_taken", "Trades taken (each got a seq), by Binance stream", "stream",
                        x -> Map.of("trade", x.s.trades().trades(), "aggTrade", x.s.trades().aggTrades()))
                .counter("trades_sent", "Trades written to the receiver (part of sent)", x -> x.s.trades().sent())
                .counter("trades_queue_dropped", "Trades the full trade queue dropped, oldest first (part of dropped)",
                        x -> x.s.trades().queueDropped())
                .gauge("trades_waiting", "Trades waiting in the trade queue", x -> x.s.trades().waiting())
                .counter("exchange_gap_ids", "Trade ids that never arrived on the Binance stream (exchange gaps), by"
                        + " stream", "stream", x -> Map.of("trade", x.s.trades().tradeIdGaps(),
                                "aggTrade", x.s.trades().aggIdGaps()))
                .counter("agg_trades_backfilled", "Aggregate trades of exchange gaps fetched from REST and taken",
                        x -> x.s.trades().backfilled())
                .counter("agg_trades_backfill_unfilled", "Aggregate trade ids of exchange gaps given up (not fetched)",
                        x -> x.s.trades().backfillUnfilled())
                .counter("backfill_requests", "REST aggTrades requests of the backfill", x -> x.s.trades()
                        .backfillRequests())
                .counter("backfill_rate_limited", "HTTP 429/418 answers to backfill requests",
                        x -> x.s.trades().backfillRateLimited())
                .counter("depth_published", "Depth frames published (INCLUDE_DEPTH; part of taken)",
                        x -> x.depth.published())
                .counter("depth_unsynced_intervals", "Depth intervals a symbol had no frame: its book was not synced",
                        x -> x.depth.unsyncedIntervals())
                .counter("depth_book_breaks", "Depth book breaks (a diff gap, a stream reset, a crossed book, a"
                        + " coverage resync)", x -> x.depth.breaks())
                .counter("depth_coverage_resyncs", "Depth books resynced because their buckets reached beyond the"
                        + " levels of the snapshot they synced from", x -> x.depth.coverageResyncs())
                .gauge("depth_books_synced", "Depth books synced now", x -> x.depth.synced())
                .gauge("last_seq", "The last seq assigned", x -> x.s.lastSeq())
                .gauge("acked_seq", "The highest seq the receiver acknowledged (protocol 2)", x -> x.s.acks().ackedSeq())
                .gauge("resend_buffer_frames", "Frames written and not acknowledged yet (the resend buffer's depth)",
                        x -> x.s.acks().bufferFrames())
                .gauge("resend_buffer_bytes", "Bytes of the frames not acknowledged yet", x -> x.s.acks().bufferBytes())
                .counter("resent", "Frames written again after a reconnect (not part of sent)",
                        x -> x.s.acks().resent())
                .counter("resend_conflated", "Quotes not resent because a newer one of their symbol was (part of"
                        + " conflated)", x -> x.s.acks().resendConflated())
                .counter("resend_dropped", "Frames the receiver lacked that had fallen out of the resend buffer (part"
                        + " of dropped)", x -> x.s.acks().resendDropped())
                .gauge("last_update_age_seconds", "Seconds since the latest valid Binance update; -1 before the first",
                        x -> x.sinceLastUpdateNanos < 0 ? -1 : x.sinceLastUpdateNanos / NANOS_PER_SECOND)
                .counter("feed_outages", "Feed outages reported: spans without a Binance connection for a symbol"
                        + " (sender restart with JOURNAL_DIR, Binance reconnect), one per symbol and span",
                        x -> x.feedOutages)
                .counter("feed_outage_ms", "Summed length of the feed outages, ms", x -> x.feedOutageMillis)
                .gauge("inherited_seq", "The last seq taken by earlier lives of this session (JOURNAL_DIR); 0 for a"
                        + " new session (last_seq - inherited_seq = taken)", x -> x.inheritedSeq);
    }

    /** What one scrape reads. */
    record Snapshot(SenderStats s, long sinceLastUpdateNanos, DepthRelayStats depth, long feedOutages,
                    long feedOutageMillis, long inheritedSeq) {
    }


    private static Map<String, Long> invalidByReason(Snapshot x) {
        Map<String, Long> m = new LinkedHashMap<>();
        x.s.invalid().forEach((reason, n) -> m.put(reason.label(), n));
        return m;
    }
}
