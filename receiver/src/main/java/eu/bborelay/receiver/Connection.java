package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.FrameReader;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.Hello;
import java.io.IOException;
import java.net.Socket;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * One sender connection and its reader thread {@code relay-receiver-conn-<n>}, which owns everything here: it
 * completes the TLS handshake, then reads frames, decodes them into one reused {@link BookTicker}, tracks sequence
 * numbers, records latency, publishes the latest quote and calls the listener. The per-quote path takes no lock,
 * logs nothing and allocates nothing in steady state.
 *
 * <p>Other threads only call {@link #close(String)} (closes the socket, which ends the reader) and
 * {@link #awaitEnd(long)}.
 */
final class Connection implements Runnable {
    /** How long a connection taking over a session lets the previous owner end by itself before closing it. */
    private static final long TAKE_OVER_GRACE_MILLIS = 200;
    /** How long it then waits for the previous owner's thread to end. */
    private static final long TAKE_OVER_TIMEOUT_MILLIS = 5_000;

    private final ReceiverContext ctx;
    private final Counters counters;
    private final TickerListener listener;
    private final Socket raw;
    private final SSLSocket ssl;
    private final Thread thread;
    final String peer;

    private final FrameDecoder decoder = new FrameDecoder();
    private final BookTicker quote = new BookTicker();
    /** Per-symbol state for this connection, keyed by the decoder's interned symbol strings. */
    private final HashMap<String, ConnectionSymbol> symbols = new HashMap<>();
    private Session session;
    private long frames;
    private volatile String closeReason;

    /** A symbol as seen by this connection: the shared state and this connection's latest-quote slot. */
    private static final class ConnectionSymbol {
        final SymbolState state;
        final QuoteSlot slot;

        ConnectionSymbol(SymbolState state) {
            this.state = state;
            this.slot = state.newSlot();
        }
    }

    Connection(ReceiverContext ctx, Socket raw, SSLSocket ssl, long number) {
        this.ctx = ctx;
        this.counters = ctx.counters;
        this.listener = ctx.listener;
        this.raw = raw;
        this.ssl = ssl;
        this.peer = String.valueOf(raw.getRemoteSocketAddress());
        this.thread = new Thread(this, "relay-receiver-conn-" + number);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Closes the socket from any thread; the reader thread then ends and reports {@code reason} as the cause. */
    void close(String reason) {
        closeReason = reason;
        closeQuietly(raw);
    }

    /** @return true if the reader thread ended within {@code millis} (immediately when called on it) */
    boolean awaitEnd(long millis) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            return true;
        }
        thread.join(Math.max(1, millis));
        return !thread.isAlive();
    }

    void interrupt() {
        thread.interrupt();
    }

    @Override
    public void run() {
        boolean connected = false;
        Throwable cause = null;
        try {
            if (!handshake()) {
                return;
            }
            connected = true;
            counters.connectionsAccepted.increment();
            counters.connectionsOpen.incrementAndGet();
            LOG.info("Connection from {} ({}, {})", peer, ssl.getSession().getProtocol(), clientIdentity());
            try {
                listener.onConnected(peer);
            } catch (Throwable t) {
                listenerFailed(t);
            }
            cause = readFrames();
        } catch (Throwable t) {
            cause = t;
            if (!(t instanceof IOException)) {
                ctx.reportError(t);
            }
        } finally {
            end(connected, cause);
        }
    }

    private boolean handshake() {
        long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(ctx.config.handshakeTimeoutNanos());
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout((int) timeoutMillis);
            ssl.startHandshake();
            raw.setSoTimeout(0);
            return true;
        } catch (IOException | RuntimeException e) {
            if (closeReason == null) {
                counters.handshakeFailures.increment();
                if (ctx.handshakeLines.tryAcquire()) {
                    LOG.warn(HandshakeFailures.describe(peer, e, timeoutMillis));
                }
            }
            return false;
        }
    }

    /** @return null when the sender closed cleanly between frames, else why the connection ended */
    private Throwable readFrames() {
        FrameReader reader;
        try {
            reader = new FrameReader(ssl.getInputStream(), ctx.config.maxFrameLength());
        } catch (IOException e) {
            return e;
        }
        byte[] payload = reader.payload();
        try {
            for (;;) {
                int length = reader.read();
                if (length < 0) {
                    return null;
                }
                frames++;
                FrameType type;
                try {
                    type = decoder.decode(payload, length, quote);
                } catch (FrameFormatException e) {
                    onMalformed(e);
                    continue;
                }
                switch (type) {
                    case QUOTE -> onQuote(ctx.config.clock().epochNanos());
                    case HELLO -> onHello(decoder.hello());
                    case HEARTBEAT -> {
                    }
                    default -> counters.unknownFrames.increment();
                }
            }
        } catch (FrameFormatException e) { // BAD_LENGTH: the stream cannot be trusted any more
            counters.malformed(e.reason());
            LOG.warn("Closing connection from {}: {} ({})", peer, e.getMessage(), e.reason());
            return e;
        } catch (IOException e) {
            String reason = closeReason;
            return reason != null ? new IOException(reason, e) : e;
        }
    }

    private void onQuote(long receiveEpochNanos) {
        BookTicker q = quote;
        q.receiveEpochNanos(receiveEpochNanos);
        Session s = session;
        if (s == null) {
            s = joinLegacySession();
        }
        SequenceTracker tracker = s.tracker;
        SequenceTracker.Verdict verdict = tracker.onQuote(q.seq());
        switch (verdict) {
            case GAP -> counters.gaps.add(tracker.gapReceivedSeq() - tracker.gapExpectedSeq());
            case LATE -> {
                counters.gaps.decrement();
                counters.outOfOrder.increment();
            }
            case DUPLICATE -> counters.duplicates.increment();
            case REPLAY -> counters.replaysIgnored.increment();
            case STALE -> counters.outOfOrder.increment();
            default -> {
            }
        }
        if (!verdict.deliver) {
            return;
        }
        ConnectionSymbol sym = symbols.get(q.symbol());
        if (sym == null) {
            sym = addSymbol(q.symbol());
        }
        if (verdict != SequenceTracker.Verdict.REPLAYED_LATEST) { // a replay's ts is not this trip's
            long latencyNanos = receiveEpochNanos - q.sendEpochNanos();
            long clamped = LatencyHistograms.clamp(latencyNanos);
            if (clamped != latencyNanos) {
                counters.latencyClamped.increment();
            }
            sym.state.latency.record(clamped);
            ctx.latency.record(clamped);
        }
        sym.slot.publish(q);
        sym.state.quotes.increment();
        counters.quotesDelivered.increment();
        if (verdict == SequenceTracker.Verdict.GAP) {
            try {
                listener.onGap(tracker.gapExpectedSeq(), tracker.gapReceivedSeq());
            } catch (Throwable t) {
                listenerFailed(t);
            }
        }
        try {
            listener.onBookTicker(q);
        } catch (Throwable t) {
            listenerFailed(t);
        }
        // Logged after delivery, so the quote is not delayed by it.
        if (verdict == SequenceTracker.Verdict.GAP && ctx.gapLines.tryAcquire()) {
            long expected = tracker.gapExpectedSeq();
            long received = tracker.gapReceivedSeq();
            LOG.warn("Sequence gap: expected {}, got {} ({} missing) from {}", expected, received, received - expected,
                    peer);
        } else if (verdict == SequenceTracker.Verdict.RESTART) {
            LOG.info("Legacy sender on {} restarted: seq 1 again; counting starts over", peer);
        }
    }

    private ConnectionSymbol addSymbol(String symbol) {
        ConnectionSymbol sym = new ConnectionSymbol(ctx.symbol(symbol));
        symbols.put(symbol, sym);
        return sym;
    }

    private Session joinLegacySession() {
        Session legacy = ctx.sessions.legacy();
        takeOver(legacy);
        LOG.info("Connection from {} sent no hello: a legacy sender (the original Python one); it shares the"
                + " legacy session", peer);
        return legacy;
    }

    private void onHello(Hello hello) {
        Session s = ctx.sessions.forHello(hello.sessionId(), hello.lastSeq());
        takeOver(s);
        boolean first = s.tracker.onHello(hello.lastSeq());
        LOG.info("Session {} on {}: {} (sender '{}', protocol {}, symbols {}, last_seq {}, tracked up to {})",
                hello.sessionId(), peer, first ? "new to this receiver" : "resumed", hello.sender(),
                hello.protocolVersion(), hello.symbols(), hello.lastSeq(), s.tracker.lastSeq());
    }

    /**
     * Makes this connection the owner of {@code s}. A previous owner still running (its sender reconnected while
     * this receiver had not noticed the old connection die) gets a short grace to end by itself, is then closed,
     * and is waited for, so the session's tracker has one thread at a time.
     */
    void takeOver(Session s) {
        if (session == s) {
            return;
        }
        if (session != null) {
            session.owner.compareAndSet(this, null);
        }
        session = s;
        Connection previous = s.owner.getAndSet(this);
        if (previous == null || previous == this) {
            return;
        }
        try {
            if (!previous.awaitEnd(TAKE_OVER_GRACE_MILLIS)) {
                LOG.warn("Session {} moved from {} to {}: closing the old connection (its sender reconnected)",
                        s.id, previous.peer, peer);
                previous.close("superseded by a new connection of session " + s.id + " from " + peer);
                if (!previous.awaitEnd(TAKE_OVER_TIMEOUT_MILLIS)) {
                    LOG.warn("The reader thread of {} did not end within {} ms (a listener call blocking?);"
                            + " continuing session {} anyway", previous.peer, TAKE_OVER_TIMEOUT_MILLIS, s.id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onMalformed(FrameFormatException e) {
        counters.malformed(e.reason());
        if (ctx.malformedLines.tryAcquire()) {
            LOG.warn("Skipped a malformed frame from {}: {} ({}); the connection stays open. At most one example"
                    + " is logged per stats interval; all are counted", peer, e.getMessage(), e.reason());
        }
    }

    private void listenerFailed(Throwable t) {
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t;
        }
        counters.listenerErrors.increment();
        ctx.reportError(t);
    }

    private void end(boolean connected, Throwable cause) {
        ctx.connections.remove(this);
        if (session != null) {
            session.owner.compareAndSet(this, null);
        }
        for (ConnectionSymbol sym : symbols.values()) {
            sym.state.retire(sym.slot);
        }
        closeQuietly(ssl);
        closeQuietly(raw);
        if (!connected) {
            return;
        }
        counters.connectionsOpen.decrementAndGet();
        if (cause == null) {
            LOG.info("Connection from {} closed by the sender after {} frames", peer, frames);
        } else if (closeReason != null || cause instanceof FrameFormatException) {
            LOG.info("Connection from {} closed after {} frames: {}", peer, frames, cause.getMessage());
        } else {
            LOG.warn("Connection from {} lost after {} frames: {}", peer, frames, cause.toString());
        }
        try {
            listener.onDisconnected(peer, cause);
        } catch (Throwable t) {
            listenerFailed(t);
        }
    }

    private String clientIdentity() {
        try {
            return "client " + ssl.getSession().getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return "no client certificate";
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing: nothing left to do
        }
    }
}
