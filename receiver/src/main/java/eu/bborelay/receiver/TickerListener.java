package eu.bborelay.receiver;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Depth;
import eu.bborelay.common.Trade;

/**
 * Receives the relayed quotes, trades and connection events of a {@link Receiver}.
 *
 * <p><b>Threading.</b> Every method is called on the reader thread of the sender connection it concerns, named
 * {@code relay-receiver-conn-<n>}. There is one such thread per sender connection, so with several senders
 * connected the calls may come concurrently from different threads. Calls for one connection never overlap.
 *
 * <p>Exception: {@link #onStale} is called on the receiver's staleness thread {@code relay-receiver-staleness};
 * {@link #onFresh} on the reader thread that delivers the fresh quote (just before its {@link #onBookTicker}), or,
 * when that quote raced with the staleness check, on the staleness thread. For one symbol, onStale and onFresh
 * never overlap and strictly alternate, starting with onStale.
 *
 * <p><b>Must not block</b>: the next frame of that connection waits until the call returns. An exception thrown
 * here costs that one call: it is counted ({@link ReceiverStats#listenerErrors()}), passed to the
 * {@link ErrorHandler}, and the connection goes on.
 *
 * <p>Only {@link #onBookTicker} is required ({@link #onTrade} and {@link #onDepth} are called only when the sender relays trades or depth); the others default to doing nothing, so a lambda is a listener.
 */
@FunctionalInterface
public interface TickerListener {
    /** A listener that ignores everything. */
    TickerListener NO_OP = quote -> {
    };

    /**
     * One new quote, delivered at most once and in the order the sender's sequence numbers say, except that an
     * update counted as a gap which arrives late is still delivered (see {@link ReceiverStats#outOfOrder()}).
     *
     * @param quote <b>reused</b>: the same instance is refilled for the next quote of this connection, so it is
     *              valid only during this call; call {@link BookTicker#copy()} to keep it. Its
     *              {@link BookTicker#receiveEpochNanos()} is set.
     */
    void onBookTicker(BookTicker quote);

    /**
     * One new trade or aggregate trade ({@link Trade#type()}), when the sender relays them ({@code INCLUDE_TRADES},
     * {@code INCLUDE_AGG_TRADES}). Same threading and ordering as {@link #onBookTicker}: on the connection's reader
     * thread, at most once, in sequence-number order merged with the quotes (one sequence space), after
     * {@link #onGap} when the trade revealed a gap. Must not block either.
     *
     * @param trade <b>reused</b>: the same instance is refilled for the next trade of this connection, so it is
     *              valid only during this call; call {@link Trade#copy()} to keep it. Its
     *              {@link Trade#receiveEpochNanos()} is set.
     */
    default void onTrade(Trade trade) {
    }

    /**
     * The sender's order book of one symbol at an aligned second (best bid/ask, top N levels, depth buckets), when
     * the sender relays depth ({@code INCLUDE_DEPTH}; about one per symbol per second). Same threading and ordering
     * as {@link #onBookTicker}: on the connection's reader thread, at most once, in sequence-number order merged with
     * the quotes and trades (one sequence space), after {@link #onGap} when it revealed a gap. A depth frame the
     * sender replaced by a newer one of its symbol before it could be written is a gap, counted as conflated there,
     * as for quotes. Must not block.
     *
     * @param depth <b>reused</b>: the same instance is refilled for the next depth frame of this connection, so it
     *              is valid only during this call; call {@link Depth#copy()} to keep it. Its
     *              {@link Depth#receiveEpochNanos()} is set.
     */
    default void onDepth(Depth depth) {
    }

    /**
     * A sender completed the TLS handshake.
     *
     * @param remoteAddress the sender's address and port, e.g. {@code /203.0.113.7:51234}
     */
    default void onConnected(String remoteAddress) {
    }

    /**
     * A connection that was reported by {@link #onConnected} ended.
     *
     * @param remoteAddress as given to {@link #onConnected}
     * @param cause null when the peer closed the connection cleanly between frames; otherwise why it ended, e.g.
     *              a {@link eu.bborelay.common.FrameFormatException} with reason {@code BAD_LENGTH}, an
     *              {@link java.io.EOFException} when the stream ended inside a frame, or an I/O error
     */
    default void onDisconnected(String remoteAddress, Throwable cause) {
    }

    /**
     * A sender announced its session on a connection (its {@code hello}; see docs/PROTOCOL.md): the quotes that
     * follow on this connection, up to the next call, belong to it and carry its sequence numbers. Called on the
     * connection's reader thread before any of those quotes. A recorder uses it to resume a session it recorded
     * before a restart (updates with {@code seq} at or below what it had recorded are then duplicates to it).
     *
     * @param sessionId the sender process's random session id (hex)
     * @param lastSeq the highest {@code seq} the sender wrote on an earlier connection, 0 if none. For a sender that
     *                acknowledges (protocol 2), this receiver's resume point instead: every update of the session
     *                above it is delivered (resent if need be) or counted as a gap, so nothing above it is lost
     *                unseen
     */
    default void onSession(String sessionId, long lastSeq) {
    }

    /**
     * A sender that acknowledges (protocol 2; docs/PROTOCOL.md, "Acknowledgements and resend") announced a session
     * this receiver has not seen (e.g. this host restarted): returns the highest {@code seq} of that session the host
     * already holds durably (journaled, recorded), or 0. The receiver answers the sender with the larger of this and
     * what the sender had acknowledged, counts gaps from there, and the sender resends what is above it: with
     * {@link AckMode#HOST} a restarted host receives every update exactly once. Called on the connection's reader
     * thread before {@link #onSession}; an exception counts as 0 (and goes to the error handler).
     *
     * @param sessionId the sender process's random session id (hex)
     * @return a seq, 0 when none (default)
     */
    default long resumeFrom(String sessionId) {
        return 0;
    }

    /**
     * Updates were lost: sequence numbers {@code expectedSeq} up to {@code receivedSeq - 1} never arrived (so far).
     * Called just before {@link #onBookTicker} (or {@link #onTrade}) with the update of {@code receivedSeq}.
     *
     * @param expectedSeq the sequence number that should have come next
     * @param receivedSeq the sequence number that came instead; {@code receivedSeq - expectedSeq} updates are missing
     */
    default void onGap(long expectedSeq, long receivedSeq) {
    }

    /**
     * With A/B arbitration ({@link ReceiverConfig#arbitration()}): updates of {@code symbol} between two exchange ids
     * may have been lost on every path (a merged gap; docs/PROTOCOL.md, "A/B senders"). Quotes: one or more quotes
     * with an update id {@code u} strictly between {@code afterId} and {@code beforeId} may be missing (how many is
     * unknown: {@code u} is not consecutive). Trades and aggregate trades: the ids strictly between are missing.
     * Called on the reader thread of the path whose update revealed it, in order with that symbol's updates; must not
     * block.
     *
     * @param symbol the symbol, e.g. {@code BTCUSDT}
     * @param type {@code bbo}, {@code trade} or {@code agg_trade} (the wire {@code type})
     * @param afterId the highest id up to which some path received every update of the symbol
     * @param beforeId the first id received after the missing ones
     */
    default void onMergedGap(String symbol, String type, long afterId, long beforeId) {
    }

    /**
     * A sender reports a feed outage: from {@code fromEpochMs} to {@code toEpochMs} no sender was connected to
     * Binance for {@code symbol}, so Binance's updates of that span are missing although no seq is (they never got
     * one). Called on the connection's reader thread, in order with the updates; possibly more than once for the
     * same span if the sender resends it after a reconnect. Default: nothing.
     *
     * @param symbol the symbol, e.g. {@code BTCUSDT}; never null
     * @param fromEpochMs start of the span, ms since the epoch on the sender's wall clock (the last update before it)
     * @param toEpochMs end of the span, ms since the epoch on the sender's wall clock (the first update after it);
     *                  at least {@code fromEpochMs}
     * @param reason {@code sender_restart} or {@code binance_reconnect} (a newer sender may send another word)
     */
    default void onFeedOutage(String symbol, long fromEpochMs, long toEpochMs, String reason) {
    }

    /**
     * The latest quote of {@code symbol} has become older than {@link ReceiverConfig#staleAfterNanos()}: do not
     * quote on it. Called once per stale period, on the thread {@code relay-receiver-staleness}, within about a
     * tenth of the stale age (at most 100 ms) after it is reached. Only symbols that delivered at least one quote
     * are watched; {@link Receiver#ageNanos(String)} tells the age at any time.
     *
     * @param symbol the symbol, e.g. {@code BTCUSDT}
     * @param ageNanos age of its latest quote on the receiver's monotonic clock, ns
     */
    default void onStale(String symbol, long ageNanos) {
    }

    /**
     * A symbol reported by {@link #onStale} has a new quote. Usually called on the reader thread just before that
     * quote's {@link #onBookTicker}; see the class comment.
     *
     * @param symbol the symbol, e.g. {@code BTCUSDT}
     */
    default void onFresh(String symbol) {
    }
}
