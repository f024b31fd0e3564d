package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The TLS handshakes in progress and the limits that keep clients without a certificate from crowding out the
 * senders that have one. A connection is <em>pending</em> from its accept until its handshake ends; only then does
 * it count against {@link ReceiverConfig#maxConnections()}.
 *
 * <ul>
 *   <li><b>Total deadline.</b> Each pending handshake gets {@link ReceiverConfig#handshakeTimeoutNanos()} from its
 *   accept, whatever it sends meanwhile (a client writing one byte per second is closed like a silent one). One
 *   timer thread, {@code relay-receiver-handshake-deadline}, closes the socket at the deadline; the handshake's own
 *   thread then ends.</li>
 *   <li><b>Per source address.</b> At most {@link ReceiverConfig#maxPendingHandshakesPerAddress()} pending from one
 *   address (IPv4) or one /64 prefix (IPv6, where one host usually holds a whole /64); more are closed at once.</li>
 *   <li><b>In all.</b> At most {@link ReceiverConfig#maxPendingHandshakes()}. A new connection that finds them all
 *   taken <em>evicts</em> the oldest pending handshake of the address holding the most (ties: the oldest of those)
 *   when its own address has none pending, or at least two fewer than that one; otherwise the newcomer is closed
 *   at once. So the places are shared out evenly between addresses and the sharing settles: an attacker on a few
 *   addresses cannot keep out a sender dialling from its own address (the sender's first attempt evicts one of the
 *   attacker's), and cannot churn its connections through the handshake threads either (once the shares are even,
 *   its retries are refused at accept, which costs no thread). Only an attacker with at least as many addresses as
 *   there are pending places can push a sender's handshake out.</li>
 * </ul>
 *
 * <p>Refusals and evictions are capacity, not certificate trouble: counted as such in {@link Counters} and logged
 * through the rate-limited {@code refusedLines}. Thread-safety: every method may be called from any thread; the
 * state is guarded by this object's monitor, taken once per accept, once per handshake end and once per deadline,
 * never on the quote path. Threads: the acceptor ({@link #admit}), each connection's thread ({@link #finish}), the
 * deadline thread (expiry), and {@link Receiver#close()} through the acceptor ({@link #close()}).
 */
final class PendingHandshakes implements AutoCloseable {
    /** Where a pending handshake stands; changed only under the monitor. */
    enum State {
        /** Handshaking, counted against the pending limits. */
        PENDING,
        /** Ended by its own thread (succeeded or failed). */
        FINISHED,
        /** Closed by the deadline thread: no complete handshake within the total deadline. */
        EXPIRED,
        /** Closed to make room for a newer connection while every pending place was taken. */
        EVICTED
    }

    /** One pending handshake: its connection, its source key, its accept time and its deadline task. */
    static final class Ticket {
        final Connection connection;
        final Object sourceKey;
        final long acceptedNanos;
        private State state = State.PENDING;
        private ScheduledFuture<?> deadline;

        private Ticket(Connection connection, Object sourceKey, long acceptedNanos) {
            this.connection = connection;
            this.sourceKey = sourceKey;
            this.acceptedNanos = acceptedNanos;
        }
    }

    private final ReceiverContext ctx;
    private final int max;
    private final int maxPerAddress;
    private final long timeoutNanos;
    private final ScheduledThreadPoolExecutor timer;
    /** Pending tickets by source key, oldest first. Guarded by this. */
    private final Map<Object, ArrayDeque<Ticket>> bySource = new HashMap<>();
    /** Tickets in {@link #bySource}. Guarded by this. */
    private int size;

    PendingHandshakes(ReceiverContext ctx) {
        this.ctx = ctx;
        this.max = ctx.config.maxPendingHandshakes();
        this.maxPerAddress = ctx.config.maxPendingHandshakesPerAddress();
        this.timeoutNanos = ctx.config.handshakeTimeoutNanos();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "relay-receiver-handshake-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // a finished handshake's deadline task leaves the queue at once
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Registers a freshly accepted connection and starts its deadline, before its thread starts. Acceptor thread.
     *
     * @param connection not started yet
     * @param address the client's address
     * @return its ticket, or null when its address already has {@code maxPendingHandshakesPerAddress} pending, or
     *     every place is taken and no address holds two more than this one (then the caller closes it; this method
     *     has counted and logged the refusal)
     */
    Ticket admit(Connection connection, InetAddress address) {
        Object key = sourceKey(address);
        Ticket evicted = null;
        int holderCount = 0;
        int ownCount;
        boolean full = false;
        Ticket ticket = null;
        synchronized (this) {
            ArrayDeque<Ticket> own = bySource.get(key);
            ownCount = own == null ? 0 : own.size();
            if (ownCount < maxPerAddress) {
                if (size >= max) {
                    ArrayDeque<Ticket> holder = largestHolder();
                    holderCount = holder.size();
                    if (ownCount == 0 || holderCount >= ownCount + 2) {
                        evicted = remove(holder.peekFirst(), State.EVICTED);
                    } else {
                        full = true;
                    }
                }
            }
            if (ownCount < maxPerAddress && !full) {
                Ticket t = new Ticket(connection, key, System.nanoTime());
                t.deadline = timer.schedule(() -> expire(t), timeoutNanos, TimeUnit.NANOSECONDS); // may throw
                bySource.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(t);
                size++;
                ticket = t;
            }
        }
        if (ticket == null) {
            if (full) {
                ctx.counters.refusedPendingFull.increment();
                if (ctx.refusedLines.tryAcquire()) {
                    LOG.warn("Refused connection from {}: all {} TLS handshake places taken (maxPendingHandshakes),"
                            + " {} holds {}, no address holds 2 more; capacity, not a certificate problem",
                            address.getHostAddress(), max, describe(key), ownCount);
                }
            } else {
                ctx.counters.refusedPerAddress.increment();
                if (ctx.refusedLines.tryAcquire()) {
                    LOG.warn("Refused connection from {}: {} TLS handshakes from {} already pending"
                            + " (maxPendingHandshakesPerAddress); capacity, not a certificate problem",
                            address.getHostAddress(), maxPerAddress, describe(key));
                }
            }
            return null;
        }
        if (evicted != null) {
            ctx.counters.handshakesEvicted.increment();
            long ageMillis = TimeUnit.NANOSECONDS.toMillis(ticket.acceptedNanos - evicted.acceptedNanos);
            evicted.connection.close("evicted: " + max + " TLS handshakes pending (maxPendingHandshakes)");
            if (ctx.refusedLines.tryAcquire()) {
                LOG.warn("Closed the pending TLS handshake of {} after {} ms to make room for {}: {} handshakes"
                        + " pending (maxPendingHandshakes), {} of them from {}; capacity, not a certificate problem",
                        evicted.connection.peer, ageMillis, connection.peer, max, holderCount,
                        describe(evicted.sourceKey));
            }
        }
        return ticket;
    }

    /**
     * Ends a handshake, successful or not: frees its pending place and cancels its deadline. The connection's own
     * thread, once.
     *
     * @return {@link State#PENDING} if it was still pending (the caller goes on), else {@link State#EXPIRED} or
     *     {@link State#EVICTED}: the deadline or a newer connection took it first and its socket is being closed
     */
    State finish(Ticket ticket) {
        synchronized (this) {
            if (ticket.state != State.PENDING) {
                return ticket.state;
            }
            remove(ticket, State.FINISHED);
            return State.PENDING;
        }
    }

    /** Handshakes pending now. Any thread. */
    synchronized int size() {
        return size;
    }

    /** Handshakes pending now from {@code address}'s source key. Any thread; for tests. */
    synchronized int size(InetAddress address) {
        ArrayDeque<Ticket> q = bySource.get(sourceKey(address));
        return q == null ? 0 : q.size();
    }

    /** Stops the deadline thread. The pending connections are closed by {@link Receiver#close()}. */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** The deadline thread: closes a handshake still pending at its deadline. */
    private void expire(Ticket ticket) {
        synchronized (this) {
            if (ticket.state != State.PENDING) {
                return;
            }
            remove(ticket, State.EXPIRED);
        }
        ticket.connection.close("no complete TLS handshake within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " ms (handshakeTimeout, a total deadline)");
    }

    /** Caller holds the monitor. */
    private Ticket remove(Ticket ticket, State state) {
        ArrayDeque<Ticket> q = bySource.get(ticket.sourceKey);
        q.remove(ticket);
        if (q.isEmpty()) {
            bySource.remove(ticket.sourceKey);
        }
        size--;
        ticket.state = state;
        if (ticket.deadline != null && state != State.EXPIRED) {
            ticket.deadline.cancel(false);
        }
        return ticket;
    }

    /** The source with the most pending handshakes; among equals, the one whose oldest is oldest. Caller holds it. */
    private ArrayDeque<Ticket> largestHolder() {
        ArrayDeque<Ticket> best = null;
        for (ArrayDeque<Ticket> q : bySource.values()) {
            if (best == null || q.size() > best.size()
                    || (q.size() == best.size() && q.peekFirst().acceptedNanos - best.peekFirst().acceptedNanos < 0)) {
                best = q;
            }
        }
        return best;
    }

    /**
     * What the per-address limit counts by: the address itself for IPv4, its /64 prefix for IPv6 (an IPv4-mapped
     * IPv6 address arrives as IPv4 from the JDK).
     */
    static Object sourceKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            long prefix = 0;
            for (int i = 0; i < 8; i++) {
                prefix = (prefix << 8) | (b[i] & 0xFF);
            }
            return new Ipv6Prefix(prefix);
        }
        return address;
    }

    /** The upper 64 bits of an IPv6 address. */
    record Ipv6Prefix(long bits) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int i = 3; i >= 0; i--) {
                sb.append(Integer.toHexString((int) (bits >>> (16 * i)) & 0xFFFF)).append(':');
            }
            return sb.append(":/64").toString();
        }
    }

    private static String describe(Object key) {
        return key instanceof InetAddress a ? a.getHostAddress() : String.valueOf(key);
    }
}
