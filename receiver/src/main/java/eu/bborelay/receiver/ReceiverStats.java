package eu.bborelay.receiver;

import eu.bborelay.common.FrameFormatException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link Receiver}'s counters since it started, from {@link Receiver#stats()}. Immutable; safe to
 * keep and share. A final class (it was a record with 29 components until 0.2): new counters are new accessors,
 * so code that reads it keeps compiling; only the receiver builds one ({@link Builder}, public for tests and
 * tools). Latencies are one-way: receiver wall clock at decode minus the sender's wall clock at write
 * ({@code ts}), <b>corrected</b> by the sender's clock offset measured with pings (NTP-style, min-RTT of the last 8
 * samples) when that sender answers them; a sender that answers none of the first 3 pings, or sends no hello (the
 * original Python one, which is never pinged), has its latencies recorded uncorrected, and counted in
 * {@link #latencyUncorrected()}. While a new connection's first ping is outstanding its latencies go to the
 * uncorrected figures only. A percentile is 0
 * while nothing has been measured.
 *
 * <p>Size: about 840 lines of accessors, their javadoc, the builder's setters, {@code equals}, {@code hashCode} and
 * {@code toString}: one line of logic per counter, the price of a shape that grows without breaking embedders.
 */
public final class ReceiverStats {
    private final int connectionsOpen;
    private final long connectionsAccepted;
    private final long handshakeFailures;
    private final int sessions;
    private final long quotesDelivered;
    private final long gaps;
    private final long duplicates;
    private final long outOfOrder;
    private final long replaysIgnored;
    private final Map<FrameFormatException.Reason, Long> malformedFrames;
    private final long unknownFrames;
    private final long listenerErrors;
    private final long latencyClamped;
    private final long p50OneWayNanos;
    private final long p95OneWayNanos;
    private final long p99OneWayNanos;
    private final long maxOneWayNanos;
    private final List<SymbolStats> symbols;
    private final long latencyUncorrected;
    private final long p50OneWayUncorrectedNanos;
    private final long p95OneWayUncorrectedNanos;
    private final long p99OneWayUncorrectedNanos;
    private final boolean clockOffsetKnown;
    private final long clockOffsetNanos;
    private final long rttSamples;
    private final long p50RttNanos;
    private final long silenceTimeouts;
    private final long sendersNotAnswering;
    private final long staleEvents;
    private final long feedOutages;
    private final long feedOutageMillis;
    private final long handshakeTimeouts;
    private final int handshakesPending;
    private final long refusedPerAddress;
    private final long refusedPendingFull;
    private final long handshakesEvicted;
    private final long refusedAtConnectionLimit;
    private final long tradesDelivered;
    private final long aggTradesDelivered;
    private final long depthDelivered;
    private final long tradeIdGaps;
    private final long aggIdGaps;
    private final long exchangeGapsBackfilled;
    private final ArbitrationStats arbitration;

    private ReceiverStats(Builder b) {
        this.connectionsOpen = b.connectionsOpen;
        this.connectionsAccepted = b.connectionsAccepted;
        this.handshakeFailures = b.handshakeFailures;
        this.sessions = b.sessions;
        this.quotesDelivered = b.quotesDelivered;
        this.gaps = b.gaps;
        this.duplicates = b.duplicates;
        this.outOfOrder = b.outOfOrder;
        this.replaysIgnored = b.replaysIgnored;
        EnumMap<FrameFormatException.Reason, Long> all = new EnumMap<>(FrameFormatException.Reason.class);
        for (FrameFormatException.Reason r : FrameFormatException.Reason.values()) {
            all.put(r, b.malformedFrames.getOrDefault(r, 0L));
        }
        this.malformedFrames = Collections.unmodifiableMap(all);
        this.unknownFrames = b.unknownFrames;
        this.listenerErrors = b.listenerErrors;
        this.latencyClamped = b.latencyClamped;
        this.p50OneWayNanos = b.p50OneWayNanos;
        this.p95OneWayNanos = b.p95OneWayNanos;
        this.p99OneWayNanos = b.p99OneWayNanos;
        this.maxOneWayNanos = b.maxOneWayNanos;
        this.symbols = List.copyOf(b.symbols);
        this.latencyUncorrected = b.latencyUncorrected;
        this.p50OneWayUncorrectedNanos = b.p50OneWayUncorrectedNanos;
        this.p95OneWayUncorrectedNanos = b.p95OneWayUncorrectedNanos;
        this.p99OneWayUncorrectedNanos = b.p99OneWayUncorrectedNanos;
        this.clockOffsetKnown = b.clockOffsetKnown;
        this.clockOffsetNanos = b.clockOffsetNanos;
        this.rttSamples = b.rttSamples;
        this.p50RttNanos = b.p50RttNanos;
        this.silenceTimeouts = b.silenceTimeouts;
        this.sendersNotAnswering = b.sendersNotAnswering;
        this.staleEvents = b.staleEvents;
        this.feedOutages = b.feedOutages;
        this.feedOutageMillis = b.feedOutageMillis;
        this.handshakeTimeouts = b.handshakeTimeouts;
        this.handshakesPending = b.handshakesPending;
        this.refusedPerAddress = b.refusedPerAddress;
        this.refusedPendingFull = b.refusedPendingFull;
        this.handshakesEvicted = b.handshakesEvicted;
        this.refusedAtConnectionLimit = b.refusedAtConnectionLimit;
        this.tradesDelivered = b.tradesDelivered;
        this.aggTradesDelivered = b.aggTradesDelivered;
        this.depthDelivered = b.depthDelivered;
        this.tradeIdGaps = b.tradeIdGaps;
        this.aggIdGaps = b.aggIdGaps;
        this.exchangeGapsBackfilled = b.exchangeGapsBackfilled;
        this.arbitration = b.arbitration;
    }

    /** A builder with every counter 0, no symbol and no malformed frame. */
    /**
     * A/B arbitration: merged gaps and per-path won, duplicates, gaps and latency ({@link ArbitrationStats#OFF} when
     * {@link ReceiverConfig#arbitration()} is off). With arbitration, {@link #gaps()} and {@link #duplicates()} sum
     * the paths' own seq gaps and duplicates; what the listener lost is {@link ArbitrationStats#mergedGaps()}.
     */
    public ArbitrationStats arbitration() {
        return arbitration;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sender connections open now (TLS handshake completed). */
    public int connectionsOpen() {
        return connectionsOpen;
    }

    /** Sender connections whose TLS handshake completed, since start. */
    public long connectionsAccepted() {
        return connectionsAccepted;
    }

    /**
     * TLS handshakes that failed, since start: no or a foreign client certificate, plaintext, connection lost, or no
     * complete handshake by the total deadline ({@link #handshakeTimeouts()}). Refusals for capacity are not
     * counted here (see {@link #refusedForCapacity()}).
     */
    public long handshakeFailures() {
        return handshakeFailures;
    }

    /**
     * Of {@link #handshakeFailures()}: handshakes closed at their total deadline
     * ({@link ReceiverConfig#handshakeTimeoutNanos()}), however slowly the client was sending, since start.
     */
    public long handshakeTimeouts() {
        return handshakeTimeouts;
    }

    /** Connections in their TLS handshake now (at most {@link ReceiverConfig#maxPendingHandshakes()}). */
    public int handshakesPending() {
        return handshakesPending;
    }

    /**
     * Connections closed at accept because their source address (IPv6: /64) already had
     * {@link ReceiverConfig#maxPendingHandshakesPerAddress()} handshakes pending, since start. Capacity.
     */
    public long refusedPerAddress() {
        return refusedPerAddress;
    }

    /**
     * Connections closed at accept because all {@link ReceiverConfig#maxPendingHandshakes()} places were taken and no
     * address held two more than theirs, since start. Capacity.
     */
    public long refusedPendingFull() {
        return refusedPendingFull;
    }

    /**
     * Pending handshakes closed to make room for a newer connection from an address holding fewer, since start.
     * Capacity.
     */
    public long handshakesEvicted() {
        return handshakesEvicted;
    }

    /**
     * Senders closed right after a successful handshake because {@link ReceiverConfig#maxConnections()} were open,
     * since start. Capacity.
     */
    public long refusedAtConnectionLimit() {
        return refusedAtConnectionLimit;
    }

    /**
     * Connections refused or closed for capacity, since start: the sum of {@link #refusedPerAddress()},
     * {@link #refusedPendingFull()}, {@link #handshakesEvicted()} and {@link #refusedAtConnectionLimit()}.
     */
    public long refusedForCapacity() {
        return refusedPerAddress + refusedPendingFull + handshakesEvicted + refusedAtConnectionLimit;
    }

    /**
     * Sender sessions known to this receiver (one per sender process lifetime, plus one shared by senders that send
     * no hello).
     */
    public int sessions() {
        return sessions;
    }

    /** Quotes passed to {@link TickerListener#onBookTicker}. */
    public long quotesDelivered() {
        return quotesDelivered;
    }

    /**
     * Updates lost: sequence numbers skipped by the sender's stream and never arrived (an update that arrives late
     * is taken off again).
     */
    public long gaps() {
        return gaps;
    }

    /** Quotes dropped because their sequence number had been delivered already. */
    public long duplicates() {
        return duplicates;
    }

    /**
     * Quotes that arrived after a higher sequence number: delivered late when they filled a gap, dropped when too
     * old to tell (more than 64 behind).
     */
    public long outOfOrder() {
        return outOfOrder;
    }

    /** Quotes a reconnecting sender replayed that this receiver had already delivered. */
    public long replaysIgnored() {
        return replaysIgnored;
    }

    /**
     * Frames that broke the wire contract, by reason; {@code BAD_LENGTH} closed its connection, the others were
     * skipped. Every reason is present.
     */
    public Map<FrameFormatException.Reason, Long> malformedFrames() {
        return malformedFrames;
    }

    /** Well-formed frames of a type this version ignores. */
    public long unknownFrames() {
        return unknownFrames;
    }

    /** Exceptions thrown by the {@link TickerListener}. */
    public long listenerErrors() {
        return listenerErrors;
    }

    /** Latencies outside 0..10 s (clock skew, or a stale quote) recorded as the nearest bound. */
    public long latencyClamped() {
        return latencyClamped;
    }

    /** Median one-way latency since start, ns. */
    public long p50OneWayNanos() {
        return p50OneWayNanos;
    }

    /** 95th percentile one-way latency since start, ns. */
    public long p95OneWayNanos() {
        return p95OneWayNanos;
    }

    /** 99th percentile one-way latency since start, ns. */
    public long p99OneWayNanos() {
        return p99OneWayNanos;
    }

    /** Largest one-way latency since start, ns (at most 10 s). */
    public long maxOneWayNanos() {
        return maxOneWayNanos;
    }

    /** One entry per symbol seen, sorted by symbol. */
    public List<SymbolStats> symbols() {
        return symbols;
    }

    /**
     * Quotes whose one-way latency above is the raw wall-clock difference, not corrected (their sender does not
     * answer pings, or pinging is off).
     */
    public long latencyUncorrected() {
        return latencyUncorrected;
    }

    /**
     * Median of receive wall clock - {@code ts} over every measured quote, ns, uncorrected: includes the clocks'
     * offset (for comparison).
     */
    public long p50OneWayUncorrectedNanos() {
        return p50OneWayUncorrectedNanos;
    }

    /** Likewise, 95th percentile. */
    public long p95OneWayUncorrectedNanos() {
        return p95OneWayUncorrectedNanos;
    }

    /** Likewise, 99th percentile. */
    public long p99OneWayUncorrectedNanos() {
        return p99OneWayUncorrectedNanos;
    }

    /** True once a sender answered a ping. */
    public boolean clockOffsetKnown() {
        return clockOffsetKnown;
    }

    /**
     * The latest estimate of sender clock - receiver clock, ns (0 while unknown); with several senders, the one
     * that answered last.
     */
    public long clockOffsetNanos() {
        return clockOffsetNanos;
    }

    /** Ping round trips measured since start. */
    public long rttSamples() {
        return rttSamples;
    }

    /** Median ping round-trip time since start, ns (network plus both TLS stacks). */
    public long p50RttNanos() {
        return p50RttNanos;
    }

    /** Connections closed because nothing arrived for the silence timeout. */
    public long silenceTimeouts() {
        return silenceTimeouts;
    }

    /**
     * Connections whose latency is uncorrected: the sender answered none of the first 3 pings, or sent no hello
     * (the original sender, which is never pinged).
     */
    public long sendersNotAnswering() {
        return sendersNotAnswering;
    }

    /** {@link TickerListener#onStale} calls since start. */
    public long staleEvents() {
        return staleEvents;
    }

    /**
     * Feed outages reported by senders since start: spans of wall-clock time with no Binance connection for a symbol
     * (a sender restart, a Binance reconnect), one per symbol and span; updates from them are missing without a gap.
     */
    public long feedOutages() {
        return feedOutages;
    }

    /** The summed length of the {@link #feedOutages()}, ms (the senders' wall clock). */
    public long feedOutageMillis() {
        return feedOutageMillis;
    }

    /** Trades ({@code type} "trade", Binance {@code @trade}) passed to {@link TickerListener#onTrade}. */
    public long tradesDelivered() {
        return tradesDelivered;
    }

    /** Aggregate trades ({@code type} "agg_trade", Binance {@code @aggTrade}) passed to {@link TickerListener#onTrade}. */
    public long aggTradesDelivered() {
        return aggTradesDelivered;
    }

    /** Depth frames ({@code type} "depth", the sender's {@code INCLUDE_DEPTH}) passed to {@link TickerListener#onDepth}. */
    public long depthDelivered() {
        return depthDelivered;
    }

    /**
     * Exchange gaps of {@code trade}: trade ids ({@code t}, consecutive per symbol) that never arrived, on any
     * connection, and that no relay gap accounts for (docs/PROTOCOL.md, "Exchange gaps and backfill"). Not in
     * {@link #gaps()}, which counts missing {@code seq}s only.
     */
    public long tradeIdGaps() {
        return tradeIdGaps;
    }

    /**
     * Exchange gaps of {@code agg_trade}: aggregate trade ids ({@code a}) that never arrived on the sender's stream
     * when a later one did (a backfilled one filling it later does not take the count back: see
     * {@link #exchangeGapsBackfilled()}).
     */
    public long aggIdGaps() {
        return aggIdGaps;
    }

    /**
     * Trades delivered with {@code backfilled: true}: aggregate trades the sender fetched from Binance's REST to fill
     * an exchange gap (also counted in {@link #aggTradesDelivered()}). {@code aggIdGaps - exchangeGapsBackfilled} ids
     * are missing for good (or still being fetched).
     */
    public long exchangeGapsBackfilled() {
        return exchangeGapsBackfilled;
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

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ReceiverStats other)) {
            return false;
        }
        return connectionsOpen == other.connectionsOpen
                && connectionsAccepted == other.connectionsAccepted
                && handshakeFailures == other.handshakeFailures
                && sessions == other.sessions
                && quotesDelivered == other.quotesDelivered
                && gaps == other.gaps
                && duplicates == other.duplicates
                && outOfOrder == other.outOfOrder
                && replaysIgnored == other.replaysIgnored
                && malformedFrames.equals(other.malformedFrames)
                && unknownFrames == other.unknownFrames
                && listenerErrors == other.listenerErrors
                && latencyClamped == other.latencyClamped
                && p50OneWayNanos == other.p50OneWayNanos
                && p95OneWayNanos == other.p95OneWayNanos
                && p99OneWayNanos == other.p99OneWayNanos
                && maxOneWayNanos == other.maxOneWayNanos
                && symbols.equals(other.symbols)
                && latencyUncorrected == other.latencyUncorrected
                && p50OneWayUncorrectedNanos == other.p50OneWayUncorrectedNanos
                && p95OneWayUncorrectedNanos == other.p95OneWayUncorrectedNanos
                && p99OneWayUncorrectedNanos == other.p99OneWayUncorrectedNanos
                && clockOffsetKnown == other.clockOffsetKnown
                && clockOffsetNanos == other.clockOffsetNanos
                && rttSamples == other.rttSamples
                && p50RttNanos == other.p50RttNanos
                && silenceTimeouts == other.silenceTimeouts
                && sendersNotAnswering == other.sendersNotAnswering
                && staleEvents == other.staleEvents
                && feedOutages == other.feedOutages
                && feedOutageMillis == other.feedOutageMillis
                && handshakeTimeouts == other.handshakeTimeouts
                && handshakesPending == other.handshakesPending
                && refusedPerAddress == other.refusedPerAddress
                && refusedPendingFull == other.refusedPendingFull
                && handshakesEvicted == other.handshakesEvicted
                && refusedAtConnectionLimit == other.refusedAtConnectionLimit

                && tradesDelivered == other.tradesDelivered
                && aggTradesDelivered == other.aggTradesDelivered
                && depthDelivered == other.depthDelivered
                && tradeIdGaps == other.tradeIdGaps
                && aggIdGaps == other.aggIdGaps
                && exchangeGapsBackfilled == other.exchangeGapsBackfilled
                && arbitration.equals(other.arbitration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectionsOpen, connectionsAccepted, handshakeFailures, sessions, quotesDelivered, gaps,
                duplicates, outOfOrder, replaysIgnored, malformedFrames, unknownFrames, listenerErrors,
                latencyClamped, p50OneWayNanos, p95OneWayNanos, p99OneWayNanos, maxOneWayNanos, symbols,
                latencyUncorrected, p50OneWayUncorrectedNanos, p95OneWayUncorrectedNanos, p99OneWayUncorrectedNanos,
                clockOffsetKnown, clockOffsetNanos, rttSamples, p50RttNanos, silenceTimeouts, sendersNotAnswering,
                staleEvents, feedOutages, feedOutageMillis, handshakeTimeouts, handshakesPending, refusedPerAddress,
                refusedPendingFull, handshakesEvicted, refusedAtConnectionLimit, tradesDelivered, aggTradesDelivered,
                depthDelivered, tradeIdGaps, aggIdGaps, exchangeGapsBackfilled, arbitration);
    }

    @Override
    public String toString() {
        return "ReceiverStats[connectionsOpen=" + connectionsOpen
                + ", connectionsAccepted=" + connectionsAccepted
                + ", handshakeFailures=" + handshakeFailures + ", sessions=" + sessions
                + ", quotesDelivered=" + quotesDelivered + ", gaps=" + gaps
                + ", duplicates=" + duplicates + ", outOfOrder=" + outOfOrder
                + ", replaysIgnored=" + replaysIgnored + ", malformedFrames=" + malformedFrames
                + ", unknownFrames=" + unknownFrames + ", listenerErrors=" + listenerErrors
                + ", latencyClamped=" + latencyClamped + ", p50OneWayNanos=" + p50OneWayNanos
                + ", p95OneWayNanos=" + p95OneWayNanos + ", p99OneWayNanos=" + p99OneWayNanos
                + ", maxOneWayNanos=" + maxOneWayNanos + ", symbols=" + symbols
                + ", latencyUncorrected=" + latencyUncorrected
                + ", p50OneWayUncorrectedNanos=" + p50OneWayUncorrectedNanos
                + ", p95OneWayUncorrectedNanos=" + p95OneWayUncorrectedNanos
                + ", p99OneWayUncorrectedNanos=" + p99OneWayUncorrectedNanos
                + ", clockOffsetKnown=" + clockOffsetKnown + ", clockOffsetNanos=" + clockOffsetNanos
                + ", rttSamples=" + rttSamples + ", p50RttNanos=" + p50RttNanos
                + ", silenceTimeouts=" + silenceTimeouts + ", sendersNotAnswering=" + sendersNotAnswering
                + ", staleEvents=" + staleEvents + ", feedOutages=" + feedOutages
                + ", feedOutageMillis=" + feedOutageMillis + ", handshakeTimeouts=" + handshakeTimeouts
                + ", handshakesPending=" + handshakesPending + ", refusedPerAddress=" + refusedPerAddress
                + ", refusedPendingFull=" + refusedPendingFull + ", handshakesEvicted=" + handshakesEvicted
                + ", refusedAtConnectionLimit=" + refusedAtConnectionLimit + ", tradesDelivered=" + tradesDelivered
                + ", aggTradesDelivered=" + aggTradesDelivered + ", depthDelivered=" + depthDelivered
                + ", tradeIdGaps=" + tradeIdGaps + ", aggIdGaps=" + aggIdGaps
                + ", exchangeGapsBackfilled=" + exchangeGapsBackfilled
                + (arbitration.enabled() ? ", arbitration=" + arbitration : "") + "]";
    }

    /** Builds a {@link ReceiverStats}; every value defaults to 0 (or empty). Not thread-safe. */
    public static final class Builder {
        private int connectionsOpen;
        private long connectionsAccepted;
        private long handshakeFailures;
        private int sessions;
        private long quotesDelivered;
        private long gaps;
        private long duplicates;
        private long outOfOrder;
        private long replaysIgnored;
        private Map<FrameFormatException.Reason, Long> malformedFrames = Map.of();
        private long unknownFrames;
        private long listenerErrors;
        private long latencyClamped;
        private long p50OneWayNanos;
        private long p95OneWayNanos;
        private long p99OneWayNanos;
        private long maxOneWayNanos;
        private List<SymbolStats> symbols = List.of();
        private long latencyUncorrected;
        private long p50OneWayUncorrectedNanos;
        private long p95OneWayUncorrectedNanos;
        private long p99OneWayUncorrectedNanos;
        private boolean clockOffsetKnown;
        private long clockOffsetNanos;
        private long rttSamples;
        private long p50RttNanos;
        private long silenceTimeouts;
        private long sendersNotAnswering;
        private long staleEvents;
        private long feedOutages;
        private long feedOutageMillis;
        private long handshakeTimeouts;
        private int handshakesPending;
        private long refusedPerAddress;
        private long refusedPendingFull;
        private long handshakesEvicted;
        private long refusedAtConnectionLimit;
        private long tradesDelivered;
        private long aggTradesDelivered;
        private long depthDelivered;
        private long tradeIdGaps;
        private long aggIdGaps;
        private long exchangeGapsBackfilled;
        private ArbitrationStats arbitration = ArbitrationStats.OFF;

        private Builder() {
        }

        public Builder tradeIdGaps(long tradeIdGaps) {
            this.tradeIdGaps = tradeIdGaps;
            return this;
        }

        public Builder aggIdGaps(long aggIdGaps) {
            this.aggIdGaps = aggIdGaps;
            return this;
        }

        public Builder arbitration(ArbitrationStats arbitration) {
            this.arbitration = arbitration == null ? ArbitrationStats.OFF : arbitration;
            return this;
        }

        public Builder exchangeGapsBackfilled(long exchangeGapsBackfilled) {
            this.exchangeGapsBackfilled = exchangeGapsBackfilled;
            return this;
        }

        public Builder tradesDelivered(long tradesDelivered) {
            this.tradesDelivered = tradesDelivered;
            return this;
        }

        public Builder depthDelivered(long depthDelivered) {
            this.depthDelivered = depthDelivered;
            return this;
        }

        public Builder aggTradesDelivered(long aggTradesDelivered) {
            this.aggTradesDelivered = aggTradesDelivered;
            return this;
        }

        public Builder connectionsOpen(int connectionsOpen) {
            this.connectionsOpen = connectionsOpen;
            return this;
        }

        public Builder connectionsAccepted(long connectionsAccepted) {
            this.connectionsAccepted = connectionsAccepted;
            return this;
        }

        public Builder handshakeFailures(long handshakeFailures) {
            this.handshakeFailures = handshakeFailures;
            return this;
        }

        public Builder sessions(int sessions) {
            this.sessions = sessions;
            return this;
        }

        public Builder quotesDelivered(long quotesDelivered) {
            this.quotesDelivered = quotesDelivered;
            return this;
        }

        public Builder gaps(long gaps) {
            this.gaps = gaps;
            return this;
        }

        public Builder duplicates(long duplicates) {
            this.duplicates = duplicates;
            return this;
        }

        public Builder outOfOrder(long outOfOrder) {
            this.outOfOrder = outOfOrder;
            return this;
        }

        public Builder replaysIgnored(long replaysIgnored) {
            this.replaysIgnored = replaysIgnored;
            return this;
        }

        public Builder malformedFrames(Map<FrameFormatException.Reason, Long> malformedFrames) {
            this.malformedFrames = Objects.requireNonNull(malformedFrames, "malformedFrames");
            return this;
        }

        public Builder unknownFrames(long unknownFrames) {
            this.unknownFrames = unknownFrames;
            return this;
        }

        public Builder listenerErrors(long listenerErrors) {
            this.listenerErrors = listenerErrors;
            return this;
        }

        public Builder latencyClamped(long latencyClamped) {
            this.latencyClamped = latencyClamped;
            return this;
        }

        public Builder p50OneWayNanos(long p50OneWayNanos) {
            this.p50OneWayNanos = p50OneWayNanos;
            return this;
        }

        public Builder p95OneWayNanos(long p95OneWayNanos) {
            this.p95OneWayNanos = p95OneWayNanos;
            return this;
        }

        public Builder p99OneWayNanos(long p99OneWayNanos) {
            this.p99OneWayNanos = p99OneWayNanos;
            return this;
        }

        public Builder maxOneWayNanos(long maxOneWayNanos) {
            this.maxOneWayNanos = maxOneWayNanos;
            return this;
        }

        public Builder symbols(List<SymbolStats> symbols) {
            this.symbols = Objects.requireNonNull(symbols, "symbols");
            return this;
        }

        public Builder latencyUncorrected(long latencyUncorrected) {
            this.latencyUncorrected = latencyUncorrected;
            return this;
        }

        public Builder p50OneWayUncorrectedNanos(long p50OneWayUncorrectedNanos) {
            this.p50OneWayUncorrectedNanos = p50OneWayUncorrectedNanos;
            return this;
        }

        public Builder p95OneWayUncorrectedNanos(long p95OneWayUncorrectedNanos) {
            this.p95OneWayUncorrectedNanos = p95OneWayUncorrectedNanos;
            return this;
        }

        public Builder p99OneWayUncorrectedNanos(long p99OneWayUncorrectedNanos) {
            this.p99OneWayUncorrectedNanos = p99OneWayUncorrectedNanos;
            return this;
        }

        public Builder clockOffsetKnown(boolean clockOffsetKnown) {
            this.clockOffsetKnown = clockOffsetKnown;
            return this;
        }

        public Builder clockOffsetNanos(long clockOffsetNanos) {
            this.clockOffsetNanos = clockOffsetNanos;
            return this;
        }

        public Builder rttSamples(long rttSamples) {
            this.rttSamples = rttSamples;
            return this;
        }

        public Builder p50RttNanos(long p50RttNanos) {
            this.p50RttNanos = p50RttNanos;
            return this;
        }

        public Builder silenceTimeouts(long silenceTimeouts) {
            this.silenceTimeouts = silenceTimeouts;
            return this;
        }

        public Builder sendersNotAnswering(long sendersNotAnswering) {
            this.sendersNotAnswering = sendersNotAnswering;
            return this;
        }

        public Builder feedOutages(long feedOutages) {
            this.feedOutages = feedOutages;
            return this;
        }

        public Builder feedOutageMillis(long feedOutageMillis) {
            this.feedOutageMillis = feedOutageMillis;
            return this;
        }

        public Builder staleEvents(long staleEvents) {
            this.staleEvents = staleEvents;
            return this;
        }

        public Builder handshakeTimeouts(long handshakeTimeouts) {
            this.handshakeTimeouts = handshakeTimeouts;
            return this;
        }

        public Builder handshakesPending(int handshakesPending) {
            this.handshakesPending = handshakesPending;
            return this;
        }

        public Builder refusedPerAddress(long refusedPerAddress) {
            this.refusedPerAddress = refusedPerAddress;
            return this;
        }

        public Builder refusedPendingFull(long refusedPendingFull) {
            this.refusedPendingFull = refusedPendingFull;
            return this;
        }

        public Builder handshakesEvicted(long handshakesEvicted) {
            this.handshakesEvicted = handshakesEvicted;
            return this;
        }

        public Builder refusedAtConnectionLimit(long refusedAtConnectionLimit) {
            this.refusedAtConnectionLimit = refusedAtConnectionLimit;
            return this;
        }

        public ReceiverStats build() {
            return new ReceiverStats(this);
        }
    }

    /**
     * Counters of one symbol since start.
     *
     * @param symbol Binance symbol, e.g. {@code BTCUSDT}
     * @param quotes quotes of this symbol delivered to the listener, from all senders
     * @param lastSeq sequence number of the latest quote (in its sender's session); 0 before the first quote
     * @param lastMid mid price of the latest quote; NaN before the first quote (a symbol seen by its trades only)
     * @param lastReceiveEpochNanos receiver wall clock when the latest quote was decoded, ns since the epoch; 0
     *                              before the first quote
     * @param p50OneWayNanos median one-way latency of this symbol since start, ns
     * @param p95OneWayNanos 95th percentile, ns
     * @param p99OneWayNanos 99th percentile, ns
     * @param trades trades ({@code @trade}) of this symbol delivered to the listener
     * @param aggTrades aggregate trades ({@code @aggTrade}) of this symbol delivered to the listener
     */
    public record SymbolStats(
            String symbol,
            long quotes,
            long lastSeq,
            double lastMid,
            long lastReceiveEpochNanos,
            long p50OneWayNanos,
            long p95OneWayNanos,
            long p99OneWayNanos,
            long trades,
            long aggTrades) {
        /** Counters of a symbol without trades (the components before trades were added). */
        public SymbolStats(String symbol, long quotes, long lastSeq, double lastMid, long lastReceiveEpochNanos,
                           long p50OneWayNanos, long p95OneWayNanos, long p99OneWayNanos) {
            this(symbol, quotes, lastSeq, lastMid, lastReceiveEpochNanos, p50OneWayNanos, p95OneWayNanos,
                    p99OneWayNanos, 0, 0);
        }
    }
}
