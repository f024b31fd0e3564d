package eu.bborelay.receiver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State shared by one receiver's threads: configuration, counters, sessions, symbols and the open connections.
 * Every member is thread-safe; who mutates what is described on each type.
 */
final class ReceiverContext {
    static final Logger LOG = LoggerFactory.getLogger(Receiver.class);
    /** Sequence-gap WARN lines per stats interval. */
    static final int GAP_LINES_PER_INTERVAL = 10;
    /** Handshake-failure WARN lines per stats interval. */
    static final int HANDSHAKE_LINES_PER_INTERVAL = 10;

    final ReceiverConfig config;
    final TickerListener listener;
    final Counters counters = new Counters();
    final Sessions sessions = new Sessions();
    final ConcurrentHashMap<String, SymbolState> symbols = new ConcurrentHashMap<>();
    /** One-way latency as reported: corrected for the sender's clock offset when known, else raw. */
    final LatencyStats latency = new LatencyStats(LatencyHistograms.SIGNIFICANT_DIGITS);
    /** One-way latency uncorrected (receive wall clock - ts), every measured quote: for comparison. */
    final LatencyStats rawLatency = new LatencyStats(LatencyHistograms.SIGNIFICANT_DIGITS);
    /** Round-trip times of the ping/pong samples. */
    final LatencyStats rtt = new LatencyStats(LatencyHistograms.SIGNIFICANT_DIGITS);
    /** The latest clock estimate of any connection; null until a sender answered a ping. */
    volatile ClockEstimate clockEstimate;
    /** A/B arbitration ({@link ReceiverConfig#arbitration()}); null when off. */
    final Arbiter arbiter;
    final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    final AtomicLong connectionNumbers = new AtomicLong();
    final RateLimiter gapLines = new RateLimiter(GAP_LINES_PER_INTERVAL);
    final RateLimiter malformedLines = new RateLimiter(1);
    final RateLimiter handshakeLines = new RateLimiter(HANDSHAKE_LINES_PER_INTERVAL);
    /** Capacity refusals and evictions (pending handshakes per address and in all, maxConnections). */
    final RateLimiter refusedLines = new RateLimiter(HANDSHAKE_LINES_PER_INTERVAL);
    /** The handshakes in progress; its deadline thread is stopped by the acceptor when it ends. */
    final PendingHandshakes handshakes;
    final long startNanos = System.nanoTime();
    volatile boolean closing;

    /** Sender clock minus receiver clock, and the RTT of the sample it comes from, ns. */
    record ClockEstimate(long offsetNanos, long rttNanos) {
    }

    ReceiverContext(ReceiverConfig config, TickerListener listener) {
        this.config = config;
        this.listener = listener;
        this.handshakes = new PendingHandshakes(this);
        this.arbiter = config.arbitration() ? new Arbiter() : null;
    }

    /** The symbol's shared state, created on its first quote. */
    SymbolState symbol(String symbol) {
        return symbols.computeIfAbsent(symbol, SymbolState::new);
    }

    /** Passes {@code t} to the configured error handler, which must not throw; if it does anyway, logs that. */
    void reportError(Throwable t) {
        try {
            config.errorHandler().onError(t);
        } catch (Throwable handlerFailure) {
            if (handlerFailure instanceof VirtualMachineError) {
                throw (VirtualMachineError) handlerFailure;
            }
            LOG.error("The ErrorHandler threw while handling {}; it must not throw", t, handlerFailure);
        }
    }
}
