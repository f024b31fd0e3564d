package eu.bborelay.sender;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the sender's counters, from {@link Sender#stats()}. The counters are read one by one while the
 * sender runs, so two of them may be a few updates apart; after {@link Sender#close()} they are exact and
 * {@code sent + dropped + conflated == taken}.
 *
 * @param received WebSocket messages received from Binance, of any kind
 * @param taken valid updates taken by this process, quotes and trades; each got a {@code seq} (equals {@code lastSeq},
 *              less the seqs of earlier lives of a session continued from {@code JOURNAL_DIR})
 * @param sent updates written to the receiver (the first write of each seq; replays after a reconnect not counted)
 * @param dropped updates never written because the receiver was unreachable (or a write failed), including quotes
 *                waiting while it is down, and trades the full trade queue dropped
 * @param conflated quotes replaced by a newer one of their symbol before they could be written, while the receiver
 *                  was connected (never a trade)
 * @param notData well-formed messages that are not bookTicker updates (subscription results, other events)
 * @param invalid rejected bookTicker messages by reason; every reason is present
 * @param binanceReconnects Binance connections opened after the first one
 * @param receiverReconnects receiver connections established after the first one
 * @param lastSeq the last seq assigned, 0 before the first update (a session continued from {@code JOURNAL_DIR}
 *                starts after the previous life's last one)
 * @param binanceConnected whether the Binance WebSocket is open
 * @param receiverConnected whether the receiver link is up
 * @param sessionId this process's random 128-bit session id, 32 hex digits
 * @param trades the trade counters ({@link Trades#NONE} when the sender relays no trades)
 */
public record SenderStats(long received, long taken, long sent, long dropped, long conflated, long notData,
                          Map<InvalidReason, Long> invalid, long binanceReconnects, long receiverReconnects,
                          long lastSeq, boolean binanceConnected, boolean receiverConnected, String sessionId,
                          Trades trades, Acks acks) {
    /**
     * The trade counters, part of the totals above.
     *
     * @param enabled whether the sender relays trades ({@code INCLUDE_TRADES} or {@code INCLUDE_AGG_TRADES})
     * @param trades {@code @trade} messages taken (each got a seq)
     * @param aggTrades {@code @aggTrade} messages taken (each got a seq)
     * @param sent trades of either kind written to the receiver
     * @param queueDropped trades the full trade queue dropped, oldest first (counted in {@code dropped})
     * @param waiting trades in the queue now
     * @param duplicates trades received twice by overlapping Binance connections and taken once
     * @param tradeIdGaps exchange gaps of {@code @trade}: trade ids {@code t} that never arrived on the stream (a
     *                    jump in a symbol's ids); counted only (single trades cannot be fetched without an API key)
     * @param aggIdGaps exchange gaps of {@code @aggTrade}: aggregate trade ids {@code a} that never arrived on the
     *                  stream
     * @param backfilled aggregate trades fetched from REST to fill those gaps and taken (each got a seq; not in
     *                   {@code aggTrades}); sent with {@code backfilled: true}
     * @param backfillUnfilled aggregate trade ids of those gaps given up (not on REST, the backfill off or
     *                         overloaded, errors after every retry); {@code aggIdGaps = backfilled +
     *                         backfillUnfilled + ids still being fetched}
     * @param backfillRequests REST aggTrades requests made (weight 4 each on spot, 20 on futures)
     * @param backfillRateLimited HTTP 429/418 answers to them (each pauses the backfill for its Retry-After)
     */
    public record Trades(boolean enabled, long trades, long aggTrades, long sent, long queueDropped, long waiting,
                         long duplicates, long tradeIdGaps, long aggIdGaps, long backfilled, long backfillUnfilled,
                         long backfillRequests, long backfillRateLimited) {
        /** A sender without trades. */
        public static final Trades NONE = new Trades(false, 0, 0, 0, 0, 0, 0);

        /** Counters without exchange gaps. */
        public Trades(boolean enabled, long trades, long aggTrades, long sent, long queueDropped, long waiting,
                      long duplicates) {
            this(enabled, trades, aggTrades, sent, queueDropped, waiting, duplicates, 0, 0, 0, 0, 0, 0);
        }
    }

    /**
     * Acknowledged delivery (protocol 2; docs/PROTOCOL.md, "Acknowledgements and resend").
     *
     * @param enabled whether the sender keeps frames for resending ({@code RESEND_BUFFER_BYTES} above 0)
     * @param ackedSeq the highest seq the receiver acknowledged (delivered, or made durable by its host)
     * @param acksReceived ack frames read since start
     * @param bufferFrames frames written and not acknowledged yet (the resend buffer's depth)
     * @param bufferBytes their bytes
     * @param evicted frames that fell out of the buffer before they were acknowledged, since start
     * @param resends reconnects on which the receiver answered resume
     * @param resent frames written again after a reconnect (not part of {@code sent})
     * @param resentTrades of {@code resent}, trades
     * @param resendConflated quotes not resent because a newer one of their symbol was (part of {@code conflated})
     * @param resendDropped frames the receiver lacked that had fallen out of the buffer (part of {@code dropped})
     * @param lastResendNanos how long writing the last resend took (into the buffered stream, before the flush), ns
     */
    public record Acks(boolean enabled, long ackedSeq, long acksReceived, long bufferFrames, long bufferBytes,
                       long evicted, long resends, long resent, long resentTrades, long resendConflated,
                       long resendDropped, long lastResendNanos) {
        /** A sender that does not resend. */
        public static final Acks NONE = new Acks(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** A snapshot without the acknowledgement figures. */
    public SenderStats(long received, long taken, long sent, long dropped, long conflated, long notData,
                       Map<InvalidReason, Long> invalid, long binanceReconnects, long receiverReconnects,
                       long lastSeq, boolean binanceConnected, boolean receiverConnected, String sessionId,
                       Trades trades) {
        this(received, taken, sent, dropped, conflated, notData, invalid, binanceReconnects, receiverReconnects,
                lastSeq, binanceConnected, receiverConnected, sessionId, trades, Acks.NONE);
    }

    /** A snapshot of a sender that relays no trades. */
    public SenderStats(long received, long taken, long sent, long dropped, long conflated, long notData,
                       Map<InvalidReason, Long> invalid, long binanceReconnects, long receiverReconnects,
                       long lastSeq, boolean binanceConnected, boolean receiverConnected, String sessionId) {
        this(received, taken, sent, dropped, conflated, notData, invalid, binanceReconnects, receiverReconnects,
                lastSeq, binanceConnected, receiverConnected, sessionId, Trades.NONE);
    }

    public SenderStats {
        Objects.requireNonNull(trades, "trades");
        Objects.requireNonNull(acks, "acks");
        EnumMap<InvalidReason, Long> copy = new EnumMap<>(InvalidReason.class);
        for (InvalidReason r : InvalidReason.values()) {
            copy.put(r, invalid.getOrDefault(r, 0L));
        }
        invalid = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /** Invalid messages of every reason. */
    public long invalidTotal() {
        long n = 0;
        for (long v : invalid.values()) {
            n += v;
        }
        return n;
    }

    /** The periodic log line, {@code Stats: received=... receiver=connected}. */
    public String logLine() {
        StringBuilder sb = new StringBuilder(256).append("Stats: received=").append(received)
                .append(" taken=").append(taken).append(" sent=").append(sent).append(" invalid{");
        boolean first = true;
        for (Map.Entry<InvalidReason, Long> e : invalid.entrySet()) {
            sb.append(first ? "" : " ").append(e.getKey().label()).append('=').append(e.getValue());
            first = false;
        }
        sb.append("} not_data=").append(notData).append(" dropped=").append(dropped)
                .append(" conflated=").append(conflated);
        if (trades.enabled()) {
            sb.append(" trades{taken=").append(trades.trades()).append(" agg_taken=").append(trades.aggTrades())
                    .append(" sent=").append(trades.sent()).append(" queue_dropped=").append(trades.queueDropped())
                    .append(" waiting=").append(trades.waiting()).append(" duplicates=").append(trades.duplicates())
                    .append('}');
            if (trades.tradeIdGaps() + trades.aggIdGaps() + trades.backfillRequests() > 0) {
                sb.append(" exchange_gaps{trade_ids=").append(trades.tradeIdGaps()).append(" agg_ids=")
                        .append(trades.aggIdGaps()).append(" backfilled=").append(trades.backfilled())
                        .append(" unfilled=").append(trades.backfillUnfilled()).append(" rest_requests=")
                        .append(trades.backfillRequests()).append(" rate_limited=")
                        .append(trades.backfillRateLimited()).append('}');
            }
        }
        if (acks.enabled() && acks.acksReceived() + acks.resends() > 0) {
            sb.append(" acks{acked=").append(acks.ackedSeq()).append(" unacked=").append(acks.bufferFrames())
                    .append(" resent=").append(acks.resent()).append(" resend_conflated=")
                    .append(acks.resendConflated()).append(" resend_dropped=").append(acks.resendDropped()).append('}');
        }
        return sb.append(" reconnects{binance=").append(binanceReconnects)
                .append(" receiver=").append(receiverReconnects).append("} seq=").append(lastSeq)
                .append(" binance=").append(binanceConnected ? "connected" : "disconnected")
                .append(" receiver=").append(receiverConnected ? "connected" : "disconnected").toString();
    }
}
