package eu.bborelay.receiver;

import eu.bborelay.common.FrameFormatException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The receiver's counters since start. Incremented by the reader threads without locks; read by anyone. */
final class Counters {
    final AtomicInteger connectionsOpen = new AtomicInteger();
    final LongAdder connectionsAccepted = new LongAdder();
    /**
     * TLS handshakes that failed: certificate refused, not TLS, lost, or not complete by the total deadline (see
     * {@link #handshakeTimeouts}). Never a refusal for capacity.
     */
    final LongAdder handshakeFailures = new LongAdder();
    /** Of {@link #handshakeFailures}: handshakes closed at the total deadline ({@code handshakeTimeout}). */
    final LongAdder handshakeTimeouts = new LongAdder();
    /** Connections closed at accept: their address already had {@code maxPendingHandshakesPerAddress} pending. */
    final LongAdder refusedPerAddress = new LongAdder();
    /**
     * Connections closed at accept: every pending place was taken and no address held more than theirs (see
     * {@link PendingHandshakes}).
     */
    final LongAdder refusedPendingFull = new LongAdder();
    /** Pending handshakes closed to make room for a newer connection ({@code maxPendingHandshakes} all taken). */
    final LongAdder handshakesEvicted = new LongAdder();
    /** Senders closed right after a successful handshake: {@code maxConnections} authenticated ones already. */
    final LongAdder refusedAtConnectionLimit = new LongAdder();
    final LongAdder quotesDelivered = new LongAdder();
    /** Trades ({@code type} "trade") passed to onTrade. */
    final LongAdder tradesDelivered = new LongAdder();
    /** Aggregate trades ({@code type} "agg_trade") passed to onTrade. */
    final LongAdder aggTradesDelivered = new LongAdder();
    /** Depth frames ({@code type} "depth") passed to onDepth. */
    final LongAdder depthDelivered = new LongAdder();
    /** Exchange gaps: trade ids that never arrived ({@link ExchangeGapTracker}). */
    final LongAdder tradeIdGaps = new LongAdder();
    /** Exchange gaps: aggregate trade ids that never arrived ({@link ExchangeGapTracker}). */
    final LongAdder aggIdGaps = new LongAdder();
    /** Trades delivered with {@code backfilled: true} (fetched by the sender from REST to fill an exchange gap). */
    final LongAdder exchangeGapsBackfilled = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    final LongAdder replaysIgnored = new LongAdder();
    final LongAdder unknownFrames = new LongAdder();
    final LongAdder listenerErrors = new LongAdder();
    final LongAdder latencyClamped = new LongAdder();
    /** Quotes whose latency was recorded without clock-offset correction (the sender does not answer pings). */
    final LongAdder latencyUncorrected = new LongAdder();
    /** Connections closed because nothing arrived for the silence timeout. */
    final LongAdder silenceTimeouts = new LongAdder();
    /** Ack frames written to protocol-2 senders. */
    final LongAdder acksSent = new LongAdder();
    /** Connections whose sender answered none of the first pings. */
    final LongAdder sendersNotAnswering = new LongAdder();
    /** Pongs with impossible timestamps, ignored. */
    final LongAdder badPongs = new LongAdder();
    /** onStale calls. */
    final LongAdder staleEvents = new LongAdder();
    /** Feed-outage frames received (one per symbol and span). */
    final LongAdder feedOutages = new LongAdder();
    /** Their summed length, ms. */
    final LongAdder feedOutageMillis = new LongAdder();
    private final LongAdder[] malformed = new LongAdder[FrameFormatException.Reason.values().length];

    Counters() {
        for (int i = 0; i < malformed.length; i++) {
            malformed[i] = new LongAdder();
        }
    }

    void malformed(FrameFormatException.Reason reason) {
        malformed[reason.ordinal()].increment();
    }

    /** Connections refused or closed for capacity: per address, all places taken, evicted, or over the limit. */
    long refusedForCapacity() {
        return refusedPerAddress.sum() + refusedPendingFull.sum() + handshakesEvicted.sum()
                + refusedAtConnectionLimit.sum();
    }

    long malformedTotal() {
        long sum = 0;
        for (LongAdder a : malformed) {
            sum += a.sum();
        }
        return sum;
    }

    Map<FrameFormatException.Reason, Long> malformedByReason() {
        Map<FrameFormatException.Reason, Long> m = new EnumMap<>(FrameFormatException.Reason.class);
        for (FrameFormatException.Reason r : FrameFormatException.Reason.values()) {
            m.put(r, malformed[r.ordinal()].sum());
        }
        return m;
    }
}
