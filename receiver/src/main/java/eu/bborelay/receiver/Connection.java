package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Depth;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.FrameReader;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.Hello;
import eu.bborelay.common.Trade;
import java.io.IOException;
import java.net.Socket;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * One sender connection and its reader thread {@code relay-receiver-conn-<n>}, which owns everything here: it
 * completes the TLS handshake (pending in {@link PendingHandshakes} until then, under its total deadline; then it
 * takes one of the {@link ReceiverConfig#maxConnections()} places or is closed), then reads frames, decodes them
 * into one reused {@link BookTicker}, tracks sequence numbers, records latency, publishes the latest quote and
 * calls the listener. The per-quote path takes no lock, logs nothing and allocates nothing in steady state.
 *
 * <p>Other threads only call {@link #close(String)} (closes the socket, which ends the reader) and
 * {@link #awaitEnd(long)}.
 *
 * <p>Size: about 990 lines because the reader thread's whole life is here on purpose (handshake outcome, frame loop,
 * hello, quote and trade dispatch, pings and pongs, feed outages, silence check, close), so that the per-quote path
 * is one method on one thread that can be read in one place; sequence tracking, latency recording, clock sync, exchange gaps and
 * the pending handshakes are their own classes, and so is the arbitrated delivery of A/B senders ({@link ArbiterTap};
 * here only the path's attachment and the branch to it, about 90 lines). The next seam to cut: the control writer
 * (the pinger thread's pings, the resume answer and the acknowledgements of protocol 2, about 150 lines), which owns
 * the socket's output side and shares only volatile positions with the reader.
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
    private final PendingHandshakes handshakes;
    private PendingHandshakes.Ticket ticket;
    final String peer;

    /** Pings sent without any pong before the sender is taken for one that never answers (the original one). */
    static final int UNANSWERED_PINGS_LIMIT = 3;
    /** A pong read this soon after a quote may have waited behind it: 250 µs. */
    static final long RECEIVER_BUSY_NANOS = 250_000;

    private final FrameDecoder decoder = new FrameDecoder();
    /** Receive time (wall clock, ns) of the last quote frame; a pong read soon after it may have waited behind it. */
    private long lastQuoteEpochNanos;
    /** The pinger's last ping: its id, then how long its encode, write and flush took (ns); see onPong. */
    private volatile long pingWrittenId;
    private volatile long pingWriteNanos;
    /** Latency state of this connection, reader thread only: PROBING until the sender answers or is given up on. */
    private LatencyMode latencyMode;
    private long offsetNanos;
    private Thread pinger;
    private volatile long pongsReceived;
    private volatile long lastPongId;
    private final BookTicker quote = new BookTicker();
    private final Trade trade = new Trade();
    private final Depth depth = new Depth();
    /** Symbols this connection delivered trades of, keyed by the decoder's interned strings. */
    private final HashMap<String, SymbolState> tradeSymbols = new HashMap<>();
    /** Per-symbol state for this connection, keyed by the decoder's interned symbol strings. */
    private final HashMap<String, ConnectionSymbol> symbols = new HashMap<>();
    private Session session;
    /** A/B arbitration: the path of {@link #session}, counted connected by this connection; null when not arbitrated. */
    private ArbiterPath path;
    /** A/B arbitration: the arbitrated delivery; null when arbitration is off. */
    private final ArbiterTap tap;
    /**
     * Protocol 2: the sender asked for acknowledgements (its hello has {@code acked}). Set by the reader thread before
     * it starts the control writer (the pinger), which reads it afterwards; see {@link #controlLoop}.
     */
    private boolean acknowledging;
    /** Protocol 2: the resume answer, the highest seq of the session this receiver has; read by the control writer. */
    private long resumeSeq;
    /** {@link #acknowledging}, for other threads ({@link #closeAfterLastAck}). */
    private volatile boolean acknowledgingShared;
    /** Set by {@link #closeAfterLastAck}: the reader writes a last ack once it stopped reading and the pinger ended. */
    private volatile boolean draining;
    private long frames;
    private volatile String closeReason;
    private volatile boolean ended;

    /** A symbol as seen by this connection: the shared state and this connection's latest-quote slot. */
    private static final class ConnectionSymbol {
        final SymbolState state;
        final QuoteSlot slot;
        /** A/B arbitration of the symbol's quotes, once needed; null when arbitration is off. */
        ArbiterSymbol arbiter;

        ConnectionSymbol(SymbolState state) {
            this.state = state;
            this.slot = state.newSlot();
        }
    }

    /** How this connection's one-way latencies are recorded. */
    enum LatencyMode {
        /** Pinging, no answer yet: latencies go to the uncorrected histogram only. */
        PROBING,
        /** The sender answers pings: latencies are corrected by the clock offset. */
        CORRECTED,
        /** The sender never answered (or pings are off): latencies are the raw wall-clock difference. */
        UNCORRECTED
    }

    Connection(ReceiverContext ctx, Socket raw, SSLSocket ssl, long number, PendingHandshakes handshakes) {
        this.ctx = ctx;
        this.handshakes = handshakes;
        this.counters = ctx.counters;
        this.listener = ctx.listener;
        this.raw = raw;
        this.ssl = ssl;
        this.peer = String.valueOf(raw.getRemoteSocketAddress());
        this.thread = new Thread(this, "relay-receiver-conn-" + number);
        this.thread.setDaemon(true);
        this.latencyMode = ctx.config.pingIntervalNanos() > 0 ? LatencyMode.PROBING : LatencyMode.UNCORRECTED;
        this.tap = ctx.arbiter == null ? null : new ArbiterTap(ctx, this);
    }

    /** Starts the thread; {@code ticket} is this connection's place among the pending handshakes. Acceptor. */
    void start(PendingHandshakes.Ticket ticket) {
        this.ticket = ticket;
        thread.start();
    }

    /** Closes the socket from any thread; the reader thread then ends and reports {@code reason} as the cause. */
    void close(String reason) {
        closeReason = reason;
        closeQuietly(raw);
    }

    /**
     * Closes from any thread (the receiver's {@code close()}); a sender that asked for acknowledgements first gets a
     * last ack of everything delivered: the input side is shut (the reader stops after the update it is delivering),
     * then the reader thread, once the pinger has ended, writes the ack and closes. So a graceful restart of this
     * receiver makes the sender resend nothing that was delivered.
     */
    void closeAfterLastAck(String reason) {
        if (!acknowledgingShared) {
            close(reason);
            return;
        }
        closeReason = reason;
        draining = true;
        try {
            raw.shutdownInput();
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
        }
    }

    /** Reader thread, in {@link #end}: the last ack, written after the pinger ended (one writer at a time). */
    private void writeLastAck() {
        ended = true;
        stopPinger();
        Session s = session;
        if (s == null || (pinger != null && pinger.isAlive())) {
            return; // a pinger blocked in a write (a sender that stopped reading): one writer at a time, so no ack
        }
        long ack = ctx.config.ackMode() == AckMode.HOST ? s.hostAckedSeq.get() : s.deliveredSeq;
        try {
            FrameEncoder encoder = new FrameEncoder();
            int len = encoder.encodeAck(ack);
            java.io.OutputStream out = ssl.getOutputStream();
            out.write(encoder.buffer(), 0, len);
            out.flush();
            s.ackedSeq = ack;
            counters.acksSent.increment();
        } catch (IOException | RuntimeException e) {
            // the sender is gone already: it resends what it lacks on its next connection
        }
    }

    private void stopPinger() {
        if (pinger != null) {
            LockSupport.unpark(pinger);
            try {
                pinger.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    /**
     * Completes the TLS handshake within the total deadline (enforced by the deadline thread, which closes the
     * socket; the per-read timeout set here is only a backstop), then takes a place among the
     * {@link ReceiverConfig#maxConnections()} open connections.
     *
     * @return true when the sender is in and counted in {@code connectionsOpen}; false when the handshake failed
     *     (counted and logged as a handshake failure), or the connection was refused for capacity (counted and
     *     logged as such), or the receiver is closing
     */
    private boolean handshake() {
        long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(ctx.config.handshakeTimeoutNanos());
        PendingHandshakes.State state;
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout((int) timeoutMillis);
            ssl.startHandshake();
            state = handshakes.finish(ticket);
            if (state == PendingHandshakes.State.PENDING) {
                raw.setSoTimeout(0); // the silence timeout starts with the hello: see onHello
                return takeConnectionPlace();
            }
        } catch (IOException | RuntimeException e) {
            state = handshakes.finish(ticket);
            if (state == PendingHandshakes.State.PENDING && closeReason == null) {
                counters.handshakeFailures.increment();
                if (e instanceof java.net.SocketTimeoutException) {
                    counters.handshakeTimeouts.increment();
                }
                if (ctx.handshakeLines.tryAcquire()) {
                    LOG.warn(HandshakeFailures.describe(peer, e, timeoutMillis));
                }
                return false;
            }
        }
        if (state == PendingHandshakes.State.EXPIRED) {
            counters.handshakeFailures.increment();
            counters.handshakeTimeouts.increment();
            if (ctx.handshakeLines.tryAcquire()) {
                LOG.warn(HandshakeFailures.describeDeadline(peer, timeoutMillis));
            }
        } // EVICTED: counted and logged by the acceptor; else the receiver is closing
        return false;
    }

    /**
     * Counts this authenticated sender in {@code connectionsOpen} unless {@link ReceiverConfig#maxConnections()} are
     * open already: then it is closed (its sender retries with its backoff), counted and logged as capacity.
     */
    private boolean takeConnectionPlace() {
        int max = ctx.config.maxConnections();
        for (;;) {
            int open = counters.connectionsOpen.get();
            if (open >= max) {
                counters.refusedAtConnectionLimit.increment();
                if (ctx.refusedLines.tryAcquire()) {
                    LOG.warn("Refused sender {} ({}) after its TLS handshake: already {} sender connections open"
                            + " (maxConnections); capacity, not a certificate problem. It retries with its backoff",
                            peer, clientIdentity(), max);
                }
                return false;
            }
            if (counters.connectionsOpen.compareAndSet(open, open + 1)) {
                return true;
            }
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
                    String reason = closeReason; // set when this receiver shut the input (closeAfterLastAck)
                    return reason == null ? null : new IOException(reason);
                }
                frames++;
                FrameType type;
                try {
                    type = decoder.decode(payload, length, quote, trade, depth);
                } catch (FrameFormatException e) {
                    onMalformed(e);
                    continue;
                }
                switch (type) {
                    case QUOTE -> onQuote(lastQuoteEpochNanos = ctx.config.clock().epochNanos());
                    case TRADE -> onTrade(lastQuoteEpochNanos = ctx.config.clock().epochNanos());
                    case DEPTH -> onDepth(lastQuoteEpochNanos = ctx.config.clock().epochNanos());
                    case HELLO -> onHello(decoder.hello());
                    case HEARTBEAT, PING -> {
                    }
                    case PONG -> onPong(ctx.config.clock().epochNanos());
                    case FEED_OUTAGE -> onFeedOutage();
                    default -> counters.unknownFrames.increment();
                }
            }
        } catch (FrameFormatException e) { // BAD_LENGTH: the stream cannot be trusted any more
            counters.malformed(e.reason());
            LOG.warn("Closing connection from {}: {} ({})", peer, e.getMessage(), e.reason());
            return e;
        } catch (java.net.SocketTimeoutException e) {
            counters.silenceTimeouts.increment();
            String reason = "nothing received for " + TimeUnit.NANOSECONDS.toMillis(ctx.config.silenceTimeoutNanos())
                    + " ms (silence timeout): a dead or half-open connection";
            closeReason = reason;
            return new IOException(reason, e);
        } catch (IOException e) {
            String reason = closeReason;
            return reason != null ? new IOException(reason, e) : e;
        }
    }

    /**
     * The pinger thread {@code relay-receiver-conn-<n>-ping}, started when the sender says hello (a sender without
     * hello, the original one, is never written to): the only thread that writes to this connection's
     * socket (the reader thread only reads; SSLSocket allows one of each). Writes a ping every ping interval;
     * it doubles as this receiver's heartbeat. After {@link #UNANSWERED_PINGS_LIMIT} pings without any pong it
     * stops writing: the sender does not read (the original Python one). A write that blocks (a sender that stopped
     * reading) blocks only this thread; the silence timeout or {@link #close} ends it.
     */
    private void startPinger() {
        long intervalNanos = ctx.config.pingIntervalNanos();
        if (intervalNanos <= 0 && !acknowledging) {
            return;
        }
        Session s = session;
        pinger = new Thread(() -> controlLoop(intervalNanos, s), thread.getName() + "-ping");
        pinger.setDaemon(true);
        pinger.start();
    }

    /**
     * The control writer: for a protocol-2 sender first the {@code resume} answer, then pings every ping interval
     * and, between them, an {@code ack} whenever the acknowledged seq moved (checked every ack interval; repeated
     * with each ping when it did not).
     */
    private void controlLoop(long intervalNanos, Session s) {
        FrameEncoder encoder = new FrameEncoder();
        long id = 0;
        boolean acks = acknowledging;
        boolean pinging = intervalNanos > 0;
        long ackIntervalNanos = ctx.config.ackIntervalNanos();
        boolean host = ctx.config.ackMode() == AckMode.HOST;
        try {
            java.io.OutputStream out = ssl.getOutputStream();
            long lastAck = -1;
            if (acks) {
                lastAck = resumeSeq;
                int len = encoder.encodeResume(lastAck);
                out.write(encoder.buffer(), 0, len);
                out.flush();
                s.ackedSeq = lastAck;
            }
            long nextPing = System.nanoTime();
            while (!ended && closeReason == null) {
                boolean repeatAck = false;
                if (pinging && System.nanoTime() - nextPing >= 0) {
                    if (pongsReceived == 0 && id >= UNANSWERED_PINGS_LIMIT) {
                        giveUpPinging(id);
                        pinging = false;
                        if (!acks) {
                            return;
                        }
                    } else {
                        id++;
                        long t1 = ctx.config.clock().epochNanos();
                        int len = encoder.encodePing(id, t1);
                        out.write(encoder.buffer(), 0, len);
                        out.flush();
                        pingWriteNanos = ctx.config.clock().epochNanos() - t1;
                        pingWrittenId = id;
                        nextPing = System.nanoTime() + intervalNanos;
                        repeatAck = true;
                    }
                }
                if (acks) {
                    long ack = host ? s.hostAckedSeq.get() : s.deliveredSeq;
                    if (ack > lastAck || (repeatAck && ack == lastAck)) {
                        int len = encoder.encodeAck(ack);
                        out.write(encoder.buffer(), 0, len);
                        out.flush();
                        lastAck = ack;
                        s.ackedSeq = ack;
                        counters.acksSent.increment();
                    }
                }
                long wait = acks ? ackIntervalNanos : intervalNanos;
                if (pinging) {
                    wait = Math.min(wait, nextPing - System.nanoTime());
                }
                long until = System.nanoTime() + wait;
                for (long left = wait; left > 0 && !ended; left = until - System.nanoTime()) {
                    LockSupport.parkNanos(this, left);
                }
            }
        } catch (IOException e) {
            // the socket is closed or broken: the reader thread notices and ends the connection
        } catch (RuntimeException e) { // a bug: say so once; quotes keep flowing, latency stays uncorrected
            LOG.error("Pinger for the sender on {} failed; no more pings on this connection (clock offset and RTT"
                    + " are no longer updated)", peer, e);
        }
    }

    private void giveUpPinging(long sent) {
        counters.sendersNotAnswering.increment();
        LOG.info("Sender on {} answered none of {} pings: it does not read (the original Python sender?); its"
                + " latency is reported uncorrected for clock offset", peer, sent);
        giveUp = true;
    }

    /** Set by the pinger when the sender never answered; read by the reader thread. */
    private volatile boolean giveUp;

    private void onPong(long t4EpochNanos) {
        long id = decoder.pingId();
        if (id <= lastPongId) {
            return; // a repeat: ignore
        }
        lastPongId = id;
        pongsReceived++;
        Session s = session;
        if (s == null) {
            return; // pings start at the hello, which sets the session: not reached
        }
        ClockSync clockSync = s.clockSync;
        // The previous pong left prev_write_ns after its t3 (the sender's measure, NTP's interleaved mode)
        clockSync.pongWrittenLate(decoder.prevPingId(), decoder.prevWriteNanos());
        // read within RECEIVER_BUSY_NANOS of a quote: the pong may have waited behind it (a slow ping write is
        // ClockSync's to judge, from writeNanos below)
        boolean busy = t4EpochNanos - lastQuoteEpochNanos < RECEIVER_BUSY_NANOS;
        // t1 went out in the ping, stamped before its encode, encryption and write: take the ping as sent when the
        // write returned, as the sender's pong once it tells (above). Both legs then start when the bytes left.
        long writtenId = pingWrittenId; // the pinger stores the time first, then the id
        long writeNanos = pingWriteNanos;
        if (writtenId != id || writeNanos < 0) {
            writeNanos = 0;
        }
        if (!clockSync.onPong(id, decoder.t1(), writeNanos, decoder.t2(), decoder.t3(), t4EpochNanos, busy)) {
            counters.badPongs.increment();
            return;
        }
        ctx.rtt.record(LatencyHistograms.clamp(clockSync.rttNanos()));
        offsetNanos = clockSync.offsetNanos();
        ctx.clockEstimate = new ReceiverContext.ClockEstimate(offsetNanos, clockSync.rttNanos());
        // The first pong is often read while the opening batch is (busy): correct only with a trusted estimate.
        if (latencyMode != LatencyMode.CORRECTED && clockSync.trusted()) {
            latencyMode = LatencyMode.CORRECTED;
            LOG.info("Sender on {} answers pings: clock offset {} (sender - receiver), rtt {}; one-way latency"
                    + " is corrected from now on", peer, StatsFormat.signedMillis(offsetNanos),
                    StatsFormat.millis(clockSync.rttNanos()));
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
        SequenceTracker.Verdict verdict = track(tracker, q.seq());
        if (!verdict.deliver) {
            return;
        }
        ConnectionSymbol sym = symbols.get(q.symbol());
        if (sym == null) {
            sym = addSymbol(q.symbol());
        }
        long measured = -1;
        if (verdict != SequenceTracker.Verdict.REPLAYED_LATEST) { // a replay's ts is not this trip's
            long rawNanos = receiveEpochNanos - q.sendEpochNanos();
            ctx.rawLatency.record(LatencyHistograms.clamp(rawNanos));
            LatencyMode mode = latencyMode;
            if (mode == LatencyMode.PROBING && giveUp) {
                mode = latencyMode = LatencyMode.UNCORRECTED;
            }
            if (mode != LatencyMode.PROBING) {
                long latencyNanos = mode == LatencyMode.CORRECTED ? rawNanos + offsetNanos : rawNanos;
                if (latencyNanos < 0 && mode == LatencyMode.CORRECTED) {
                    // causality: the quote proves the offset is at least -raw (rare: a busy moment's estimate)
                    offsetNanos = s.clockSync.atLeast(-rawNanos);
                    latencyNanos = rawNanos + offsetNanos;
                    ctx.clockEstimate = new ReceiverContext.ClockEstimate(offsetNanos, s.clockSync.rttNanos());
                }
                long clamped = LatencyHistograms.clamp(latencyNanos);
                if (clamped != latencyNanos) {
                    counters.latencyClamped.increment();
                }
                if (mode == LatencyMode.UNCORRECTED) {
                    counters.latencyUncorrected.increment();
                }
                measured = clamped;
            }
        }
        ArbiterPath p = path;
        if (p != null && q.updateId() != BookTicker.NO_UPDATE_ID) {
            if (measured >= 0) {
                p.latency.record(measured);
            }
            ArbiterSymbol a = sym.arbiter;
            if (a == null) {
                a = sym.arbiter = ctx.arbiter.quotes(q.symbol());
            }
            tap.quote(q, a, p, sym.state, sym.slot, measured);
            if (acknowledging) {
                s.deliveredSeq = tracker.lastSeq();
            }
            logAfterDelivery(verdict, tracker);
            return;
        }
        if (measured >= 0) {
            sym.state.latency.record(measured);
            ctx.latency.record(measured);
        }
        sym.slot.publish(q);
        sym.state.touch(System.nanoTime(), listener, this);
        sym.state.quotes.increment();
        counters.quotesDelivered.increment();
        if (verdict == SequenceTracker.Verdict.GAP) {
            onGap(tracker);
        }
        try {
            listener.onBookTicker(q);
        } catch (Throwable t) {
            listenerFailed(t);
        }
        if (acknowledging) {
            s.deliveredSeq = tracker.lastSeq();
        }
        logAfterDelivery(verdict, tracker); // after delivery, so the quote is not delayed by it
    }

    /** The session's verdict on {@code seq} (a quote's or a trade's: one seq space), counted. */
    private SequenceTracker.Verdict track(SequenceTracker tracker, long seq) {
        SequenceTracker.Verdict verdict = tracker.onQuote(seq);
        switch (verdict) {
            case GAP -> {
                long missing = tracker.gapReceivedSeq() - tracker.gapExpectedSeq();
                counters.gaps.add(missing);
                if (path != null) {
                    path.onHole(missing);
                }
            }
            case LATE -> {
                counters.gaps.decrement();
                counters.outOfOrder.increment();
                if (path != null) {
                    path.onLate();
                }
            }
            case DUPLICATE -> counters.duplicates.increment();
            case REPLAY -> counters.replaysIgnored.increment();
            case STALE -> counters.outOfOrder.increment();
            default -> {
            }
        }
        return verdict;
    }

    private void onGap(SequenceTracker tracker) {
        if (path != null) {
            return; // arbitrated: a hole of one path is not one of the merged stream (see onMergedGap)
        }
        try {
            listener.onGap(tracker.gapExpectedSeq(), tracker.gapReceivedSeq());
        } catch (Throwable t) {
            listenerFailed(t);
        }
    }

    private void logAfterDelivery(SequenceTracker.Verdict verdict, SequenceTracker tracker) {
        if (verdict == SequenceTracker.Verdict.GAP && ctx.gapLines.tryAcquire()) {
            long expected = tracker.gapExpectedSeq();
            long received = tracker.gapReceivedSeq();
            LOG.warn("Sequence gap: expected {}, got {} ({} missing) from {}", expected, received, received - expected,
                    peer);
        } else if (verdict == SequenceTracker.Verdict.RESTART) {
            LOG.info("Legacy sender on {} restarted: seq 1 again; counting starts over", peer);
        }
    }

    /**
     * A trade frame: the same sequence tracking as a quote (one seq space), its counters, then {@code onGap} and
     * {@code onTrade}. No latency is recorded (the figures are the quotes'), no latest-quote slot, no staleness.
     */
    private void onTrade(long receiveEpochNanos) {
        Trade t = trade;
        t.receiveEpochNanos(receiveEpochNanos);
        Session s = session;
        if (s == null) {
            s = joinLegacySession();
        }
        SequenceTracker tracker = s.tracker;
        SequenceTracker.Verdict verdict = track(tracker, t.seq());
        if (!verdict.deliver) {
            return;
        }
        SymbolState state = tradeSymbols.get(t.symbol());
        if (state == null) {
            state = ctx.symbol(t.symbol());
            tradeSymbols.put(t.symbol(), state);
        }
        boolean agg = t.type() == Trade.Type.AGG_TRADE;
        ArbiterPath p = path;
        if (p != null) {
            tap.trade(t, p, state, agg);
            if (acknowledging) {
                s.deliveredSeq = tracker.lastSeq();
            }
            logAfterDelivery(verdict, tracker);
            return;
        }
        if (agg) {
            state.aggTrades.increment();
            counters.aggTradesDelivered.increment();
        } else {
            state.trades.increment();
            counters.tradesDelivered.increment();
        }
        long exchangeGaps = exchangeGaps(counters, state, t, agg);
        if (verdict == SequenceTracker.Verdict.GAP) {
            onGap(tracker);
        }
        try {
            listener.onTrade(t);
        } catch (Throwable e) {
            listenerFailed(e);
        }
        if (acknowledging) {
            s.deliveredSeq = tracker.lastSeq();
        }
        logAfterDelivery(verdict, tracker);
        logExchangeGap(ctx, t, agg, exchangeGaps);
    }

    /** The rate-limited WARN line of an exchange gap of {@code missing} ids (none when 0). */
    static void logExchangeGap(ReceiverContext ctx, Trade t, boolean agg, long missing) {
        if (missing > 0 && ctx.gapLines.tryAcquire()) {
            LOG.warn("Exchange gap: {} {} id(s) of {} never arrived before {} {}", missing,
                    agg ? "aggTrade" : "trade", t.symbol(), agg ? "aggTrade" : "trade", agg ? t.aggId() : t.tradeId());
        }
    }

    /**
     * A depth frame: the same sequence tracking as a quote (one seq space), its counter, then {@code onGap} and
     * {@code onDepth}. No latency is recorded (the figures are the quotes'), no latest-quote slot, no staleness.
     */
    private void onDepth(long receiveEpochNanos) {
        Depth d = depth;
        d.receiveEpochNanos(receiveEpochNanos);
        Session s = session;
        if (s == null) {
            s = joinLegacySession();
        }
        SequenceTracker tracker = s.tracker;
        SequenceTracker.Verdict verdict = track(tracker, d.seq());
        if (!verdict.deliver) {
            return;
        }
        counters.depthDelivered.increment();
        if (verdict == SequenceTracker.Verdict.GAP) {
            onGap(tracker);
        }
        try {
            listener.onDepth(d);
        } catch (Throwable e) {
            listenerFailed(e);
        }
        if (acknowledging) {
            s.deliveredSeq = tracker.lastSeq();
        }
        logAfterDelivery(verdict, tracker);
    }

    /** Counts the trade ids (exchange gaps) this trade reveals as missing, and a backfilled trade; returns the former. */
    static long exchangeGaps(Counters counters, SymbolState state, Trade t, boolean agg) {
        if (t.backfilled()) {
            counters.exchangeGapsBackfilled.increment();
        }
        long missing = state.exchangeGaps.onTrade(agg, agg ? t.aggId() : t.tradeId(), counters.gaps.sum());
        if (missing > 0) {
            (agg ? counters.aggIdGaps : counters.tradeIdGaps).add(missing);
        }
        return missing;
    }

    private ConnectionSymbol addSymbol(String symbol) {
        ConnectionSymbol sym = new ConnectionSymbol(ctx.symbol(symbol));
        symbols.put(symbol, sym);
        return sym;
    }

    private Session joinLegacySession() {
        if (latencyMode == LatencyMode.PROBING) {
            // Not pinged: the original sender reads nothing, and closing a socket with unread data sends an RST
            // that can discard its last frames in flight.
            latencyMode = LatencyMode.UNCORRECTED;
            counters.sendersNotAnswering.increment();
        }
        Session legacy = ctx.sessions.legacy();
        takeOver(legacy);
        LOG.info("Connection from {} sent no hello: a legacy sender (the original Python one); it shares the"
                + " legacy session, is not pinged, and its latency is reported uncorrected for clock offset", peer);
        return legacy;
    }

    private void onHello(Hello hello) {
        armSilenceTimeout();
        boolean acks = hello.acknowledged() && !acknowledging;
        if (pinger == null && !acks) {
            startPinger();
        }
        long baseline = hello.lastSeq();
        if (acks && ctx.sessions.get(hello.sessionId()) == null) { // new here: start where the sender was acked
            baseline = Math.max(hello.ackedSeq(), durableSeq(hello.sessionId()));
        }
        Session s = ctx.sessions.forHello(hello.sessionId(), baseline);
        takeOver(s);
        boolean first = s.tracker.onHello(hello.lastSeq());
        if (acks) {
            acknowledging = true;
            acknowledgingShared = true;
            resumeSeq = s.tracker.lastSeq();
            if (first) {
                s.deliveredSeq = resumeSeq;
                s.hostAckedSeq.accumulateAndGet(resumeSeq, Math::max);
            }
        }
        ctx.sessions.hello(s);
        if (latencyMode == LatencyMode.PROBING && s.clockSync.trusted()) {
            // A reconnect of a sender that answered pings: its clock did not change; new pongs refine the estimate.
            latencyMode = LatencyMode.CORRECTED;
            offsetNanos = s.clockSync.offsetNanos();
        }
        LOG.info("Session {} on {}: {} (sender '{}', protocol {}, symbols {}, last_seq {}, tracked up to {})",
                hello.sessionId(), peer, first ? "new to this receiver" : "resumed", hello.sender(),
                hello.protocolVersion(), hello.symbols(), hello.lastSeq(), s.tracker.lastSeq());
        try {
            listener.onSession(hello.sessionId(), acks ? resumeSeq : hello.lastSeq());
        } catch (Throwable t) {
            listenerFailed(t);
        }
        if (acks && pinger == null) {
            // Writes the resume first, so the host has had onSession before the sender sends (or resends) anything.
            startPinger();
        }
    }

    /** The host's durable position for a session new here ({@link TickerListener#resumeFrom}); 0 on a throw. */
    private long durableSeq(String sessionId) {
        try {
            return Math.max(0, listener.resumeFrom(sessionId));
        } catch (Throwable t) {
            listenerFailed(t);
            return 0;
        }
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
        try {
            if (previous == null || previous == this) {
                return;
            }
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
        } finally {
            attachPath(s);
        }
    }

    /**
     * A/B arbitration: makes {@code s}'s path (a new one for a session new here, or when its path was forgotten)
     * this connection's, counted connected until {@link #end}. Reader thread, once per session change.
     */
    private void attachPath(Session s) {
        Arbiter arbiter = ctx.arbiter;
        if (arbiter == null) {
            return;
        }
        if (path != null) {
            path.disconnected();
            path = null;
        }
        ArbiterPath p = s.arbiterPath;
        for (;;) {
            if (p == null || p.forgotten) {
                String host = raw.getInetAddress() == null ? peer : raw.getInetAddress().getHostAddress();
                String id = Session.LEGACY_ID.equals(s.id) ? "legacy" : s.id.substring(0, Math.min(8, s.id.length()));
                p = arbiter.path(host + "#" + id);
                s.arbiterPath = p;
                if (p == null) {
                    break;
                }
                LOG.info("A/B arbitration: session {} from {} is path {}", s.id, peer, p.name);
            }
            p.connected(); // then check forgotten: the Arbiter checks connectedNow() before it forgets (both SC accesses)
            if (!p.forgotten) {
                break;
            }
            p.disconnected(); // its slot was given away just now: take a new path
        }
        path = p;
    }

    /**
     * A sender that says hello is one of this project's, which writes a heartbeat after 1 s without a quote: from
     * now on, reading nothing for the silence timeout means the connection is dead. Senders without hello (the
     * original Python one writes no heartbeats) are never closed for silence.
     */
    private void armSilenceTimeout() {
        long millis = TimeUnit.NANOSECONDS.toMillis(ctx.config.silenceTimeoutNanos());
        if (millis > 0) {
            try {
                raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
            } catch (IOException e) {
                // the socket is already broken: the next read says so
            }
        }
    }

    private void onMalformed(FrameFormatException e) {
        counters.malformed(e.reason());
        if (ctx.malformedLines.tryAcquire()) {
            LOG.warn("Skipped a malformed frame from {}: {} ({}); the connection stays open. At most one example"
                    + " is logged per stats interval; all are counted", peer, e.getMessage(), e.reason());
        }
    }

    /** A sender's feed-outage report: counted, logged (rare: one per symbol and span) and passed on. */
    private void onFeedOutage() {
        String symbol = decoder.outageSymbol();
        long from = decoder.outageFromMs();
        long to = decoder.outageToMs();
        String reason = decoder.outageReason();
        counters.feedOutages.increment();
        counters.feedOutageMillis.add(to - from);
        LOG.info("Feed outage reported by {} (session {}): {} had no Binance connection for {} ms, {} to {} ({})",
                peer, session == null ? "-" : session.id, symbol, to - from, java.time.Instant.ofEpochMilli(from),
                java.time.Instant.ofEpochMilli(to), reason);
        try {
            listener.onFeedOutage(symbol, from, to, reason);
        } catch (Throwable t) {
            listenerFailed(t);
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
        if (draining) {
            writeLastAck();
        }
        ctx.connections.remove(this);
        if (session != null) {
            session.owner.compareAndSet(this, null);
        }
        if (path != null) {
            path.disconnected();
        }
        for (ConnectionSymbol sym : symbols.values()) {
            sym.state.retire(sym.slot);
        }
        ended = true;
        if (cause != null) {
            // Ended on an error (silence timeout, reset, bad frame): the peer may be dead, and closing the TLS layer
            // first would wait for its close_notify under the socket timeout. Close the TCP socket first.
            closeQuietly(raw);
        }
        closeQuietly(ssl);
        closeQuietly(raw);
        stopPinger();
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

    /** Reports a listener exception from a staleness callback made on this connection's thread. */
    void listenerFailedOnReader(Throwable t) {
        listenerFailed(t);
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
