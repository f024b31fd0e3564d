package eu.bborelay.receiver;

import eu.bborelay.common.FrameFormatException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a {@link Receiver}'s counters since it started, from {@link Receiver#stats()}. Immutable; safe to
 * keep and share. Latencies are one-way: receiver wall clock at decode minus the sender's wall clock at write
 * ({@code ts}), <b>corrected</b> by the sender's clock offset measured with pings (NTP-style, min-RTT of the last 8
 * samples) when that sender answers them; a sender that answers none of the first 3 pings, or sends no hello (the
 * original Python one, which is never pinged), has its latencies recorded uncorrected, and counted in {@link #latencyUncorrected()}. While a new
 * connection's first ping is outstanding its latencies go to the uncorrected figures only. A percentile is 0
 * while nothing has been measured.
 *
 * @param connectionsOpen sender connections open now (TLS handshake completed)
 * @param connectionsAccepted sender connections whose TLS handshake completed, since start
 * @param handshakeFailures connection attempts refused or failed during the TLS handshake (no or a foreign client
 *                          certificate, plaintext, timeout), since start
 * @param sessions sender sessions known to this receiver (one per sender process lifetime, plus one shared by
 *                 senders that send no hello)
 * @param quotesDelivered quotes passed to {@link TickerListener#onBookTicker}
 * @param gaps updates lost: sequence numbers skipped by the sender's stream and never arrived (an update that
 *             arrives late is taken off again)
 * @param duplicates quotes dropped because their sequence number had been delivered already
 * @param outOfOrder quotes that arrived after a higher sequence number: delivered late when they filled a gap,
 *                   dropped when too old to tell (more than 64 behind)
 * @param replaysIgnored quotes a reconnecting sender replayed that this receiver had already delivered
 * @param malformedFrames frames that broke the wire contract, by reason; {@code BAD_LENGTH} closed its connection,
 *                        the others were skipped. Every reason is present
 * @param unknownFrames well-formed frames of a type this version ignores
 * @param listenerErrors exceptions thrown by the {@link TickerListener}
 * @param latencyClamped latencies outside 0..10 s (clock skew, or a stale quote) recorded as the nearest bound
 * @param p50OneWayNanos median one-way latency since start, ns
 * @param p95OneWayNanos 95th percentile one-way latency since start, ns
 * @param p99OneWayNanos 99th percentile one-way latency since start, ns
 * @param maxOneWayNanos largest one-way latency since start, ns (at most 10 s)
 * @param symbols one entry per symbol seen, sorted by symbol
 * @param latencyUncorrected quotes whose one-way latency above is the raw wall-clock difference, not corrected
 *                           (their sender does not answer pings, or pinging is off)
 * @param p50OneWayUncorrectedNanos median of receive wall clock - {@code ts} over every measured quote, ns,
 *                                  uncorrected: includes the clocks' offset (for comparison)
 * @param p95OneWayUncorrectedNanos likewise, 95th percentile
 * @param p99OneWayUncorrectedNanos likewise, 99th percentile
 * @param clockOffsetKnown true once a sender answered a ping
 * @param clockOffsetNanos the latest estimate of sender clock - receiver clock, ns (0 while unknown); with several
 *                         senders, the one that answered last
 * @param rttSamples ping round trips measured since start
 * @param p50RttNanos median ping round-trip time since start, ns (network plus both TLS stacks)
 * @param silenceTimeouts connections closed because nothing arrived for the silence timeout
 * @param sendersNotAnswering connections whose latency is uncorrected: the sender answered none of the first 3
 *                            pings, or sent no hello (the original sender, which is never pinged)
 * @param staleEvents {@link TickerListener#onStale} calls since start
 */
public record ReceiverStats(
        int connectionsOpen,
        long connectionsAccepted,
        long handshakeFailures,
        int sessions,
        long quotesDelivered,
        long gaps,
        long duplicates,
        long outOfOrder,
        long replaysIgnored,
        Map<FrameFormatException.Reason, Long> malformedFrames,
        long unknownFrames,
        long listenerErrors,
        long latencyClamped,
        long p50OneWayNanos,
        long p95OneWayNanos,
        long p99OneWayNanos,
        long maxOneWayNanos,
        List<SymbolStats> symbols,
        long latencyUncorrected,
        long p50OneWayUncorrectedNanos,
        long p95OneWayUncorrectedNanos,
        long p99OneWayUncorrectedNanos,
        boolean clockOffsetKnown,
        long clockOffsetNanos,
        long rttSamples,
        long p50RttNanos,
        long silenceTimeouts,
        long sendersNotAnswering,
        long staleEvents) {

    public ReceiverStats {
        EnumMap<FrameFormatException.Reason, Long> all = new EnumMap<>(FrameFormatException.Reason.class);
        for (FrameFormatException.Reason r : FrameFormatException.Reason.values()) {
            all.put(r, malformedFrames.getOrDefault(r, 0L));
        }
        malformedFrames = Collections.unmodifiableMap(all);
        symbols = List.copyOf(symbols);
    }

    /** Sum of {@link #malformedFrames()} over all reasons. */
    public long malformedFramesTotal() {
        long sum = 0;
        for (long n : malformedFrames.values()) {
            sum += n;
        }
        return sum;
    }

    /** The entry for {@code symbol}, or null when it has not been seen. */
    public SymbolStats symbol(String symbol) {
        for (SymbolStats s : symbols) {
            if (s.symbol().equals(symbol)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Counters of one symbol since start.
     *
     * @param symbol Binance symbol, e.g. {@code BTCUSDT}
     * @param quotes quotes of this symbol delivered to the listener, from all senders
     * @param lastSeq sequence number of the latest quote (in its sender's session)
     * @param lastMid mid price of the latest quote
     * @param lastReceiveEpochNanos receiver wall clock when the latest quote was decoded, ns since the epoch
     * @param p50OneWayNanos median one-way latency of this symbol since start, ns
     * @param p95OneWayNanos 95th percentile, ns
     * @param p99OneWayNanos 99th percentile, ns
     */
    public record SymbolStats(
            String symbol,
            long quotes,
            long lastSeq,
            double lastMid,
            long lastReceiveEpochNanos,
            long p50OneWayNanos,
            long p95OneWayNanos,
            long p99OneWayNanos) {
    }
}
