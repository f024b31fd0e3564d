package eu.bborelay.replay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;

/**
 * Server-side state of one client connection: its subscriptions, payload mode and heartbeat bookkeeping.
 *
 * <p>Threads: subscriptions and the combined flag are changed by Java-WebSocket's worker threads (requests) and read
 * by the replay thread; ping state is touched by the heartbeat scheduler and the worker threads (pongs).
 */
final class Session {
    final WebSocket conn;
    final String name;
    final long openedNanos;
    /** {@code true}: send {@code {"stream":..,"data":..}}; {@code false}: send the data object only. */
    volatile boolean combined;
    private final CopyOnWriteArraySet<String> streams;
    final AtomicLong sent = new AtomicLong();

    private volatile long stalledUntilNanos;
    private volatile boolean stalled;
    private long closingSinceNanos;
    private final ArrayDeque<long[]> unansweredPings = new ArrayDeque<>(); // {sequence, sentNanos}
    private long pingSequence;

    Session(WebSocket conn, String name, boolean combined, Collection<String> streams, long openedNanos) {
        this.conn = conn;
        this.name = name;
        this.combined = combined;
        this.streams = new CopyOnWriteArraySet<>(streams);
        this.openedNanos = openedNanos;
    }

    boolean isSubscribed(String stream) {
        return streams.contains(stream);
    }

    void subscribe(List<String> names) {
        streams.addAll(names);
    }

    void unsubscribe(List<String> names) {
        streams.removeAll(names);
    }

    /** Current subscriptions, in the order they were made. */
    List<String> subscriptions() {
        return List.copyOf(streams);
    }

    /** Frames queued in Java-WebSocket's (unbounded) outbound queue of this connection, not yet written. */
    int backlogFrames() {
        if (conn instanceof WebSocketImpl impl) {
            return impl.outQueue.size();
        }
        return conn.hasBufferedData() ? Integer.MAX_VALUE : 0;
    }

    /** No data and no pings to this connection until {@code untilNanos} (fault injection). */
    void stallUntil(long untilNanos) {
        stalledUntilNanos = untilNanos;
        stalled = true;
    }

    /** Whether the connection is stalled at {@code nowNanos}. */
    boolean stalledAt(long nowNanos) {
        return stalled && nowNanos - stalledUntilNanos < 0;
    }

    /** Registers a ping about to be sent at {@code nowNanos}; returns its payload (a sequence number). */
    synchronized ByteBuffer nextPing(long nowNanos) {
        pingSequence++;
        unansweredPings.addLast(new long[] {pingSequence, nowNanos});
        return ByteBuffer.wrap(Long.toString(pingSequence).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A pong arrived. Only a pong echoing the payload of a ping we sent answers that ping (and every earlier one);
     * unsolicited pongs do not prevent disconnection, as on Binance.
     */
    synchronized void onPong(ByteBuffer payload) {
        long seq;
        try {
            ByteBuffer p = payload.duplicate();
            byte[] bytes = new byte[Math.min(p.remaining(), 20)];
            p.get(bytes);
            seq = Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return;
        }
        if (seq < 1 || seq > pingSequence) {
            return;
        }
        while (!unansweredPings.isEmpty() && unansweredPings.peekFirst()[0] <= seq) {
            unansweredPings.removeFirst();
        }
    }

    /** Whether the oldest unanswered ping was sent more than {@code timeoutNanos} before {@code nowNanos}. */
    synchronized boolean pongOverdue(long nowNanos, long timeoutNanos) {
        long[] oldest = unansweredPings.peekFirst();
        return oldest != null && nowNanos - oldest[1] > timeoutNanos;
    }

    /**
     * Called by the heartbeat for a connection that is no longer open: whether it has been closing (close frame sent
     * or received, TCP still up) for more than {@code graceNanos}.
     */
    synchronized boolean closingLongerThan(long nowNanos, long graceNanos) {
        if (closingSinceNanos == 0) {
            closingSinceNanos = nowNanos;
            return false;
        }
        return nowNanos - closingSinceNanos > graceNanos;
    }

    @Override
    public String toString() {
        return name;
    }
}
