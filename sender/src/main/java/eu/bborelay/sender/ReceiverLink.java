package eu.bborelay.sender;

import eu.bborelay.binance.Backoff;
import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Depth;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.Hello;
import eu.bborelay.common.Trade;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver leg: one thread, {@value #THREAD_NAME}, owns the TLS socket to the receiver, takes quotes from
 * {@link QuoteSlots}, writes them as frames and reconnects with backoff. A helper thread per connection,
 * {@value #READER_THREAD_NAME}, only reads the socket to notice at once when the receiver closes it or rejects us.
 *
 * <p>This class is the writer loop and the baton; the parts it drives are their own classes: the connection and its
 * reader thread ({@link ReceiverConnection}), batch collection from the slots ({@link BatchCollector}) and the loss
 * accounting ({@link LinkAccounting}, unit-tested without sockets), and for protocol 2 the resend ring
 * ({@link UnackedFrames}, over the {@link SenderJournal} with {@code JOURNAL_DIR}), the acknowledged position
 * ({@link AckTracker}), the resend ({@link Resender}) and the feed outages to report ({@link FeedOutages}). What
 * remains (about 890 lines, a third of them javadoc) is one state machine on one thread: connect, wait for the
 * resume, resend, opening batch, streaming, pongs, heartbeats, outage frames, the silence and write-stall checks;
 * splitting it further would spread one thread's transitions over classes that all need its state.
 *
 * <p>On every connection the writer first writes a hello ({@code lastSeq} = the highest seq it wrote on any earlier
 * connection), then the latest quote of every symbol in seq order: the pending one if there is one, otherwise the
 * last one written, resent with its original seq (the receiver drops replays with {@code seq <= lastSeq}). Replays go
 * only to a receiver that pinged on an earlier connection: the original Python receiver never writes, ignores the
 * hello and would pass a replay to its callback twice. Then it
 * streams: read {@code hi = lastPublishedSeq}, take every slot, write the quotes with {@code seq <= hi} sorted by
 * seq (each stamped with the clock at write time) into a buffered stream, flush once, park when there is nothing to
 * do. While disconnected it takes nothing: the slots keep the latest quote per symbol.
 *
 * <p><b>Loss accounting</b> ({@link LinkAccounting}; the invariant the receiver relies on): every seq is either
 * written once or counted once as dropped or conflated. The writer accounts in seq order: each seq it has not written below the highest one
 * it has handled is a gap. Gaps found in the first batch of a connection, and every quote of a batch whose write
 * failed (with the gaps inside it), count as <em>dropped</em>; other gaps are quotes replaced in their slot while
 * the link was up, <em>conflated</em>. So across a reconnect, with one symbol, {@code firstSeqAfter - hello.lastSeq
 * - 1} equals the quotes dropped meanwhile, and {@code sent + dropped + conflated == taken} whenever the slots are
 * drained. Quotes still unwritten when the sender stops count as dropped. Replays (seq already accounted) count in
 * nothing.
 *
 * <p><b>Direct writes.</b> While the link is up and the writer thread is idle (parked with nothing to write), the
 * WebSocket thread that has just published a quote writes it itself ({@link #wake()}): that saves a thread wake-up
 * per quote, the largest part of the latency at low rates. Who may write is a baton, one {@link AtomicInteger}: the
 * writer thread holds it except while it is parked idle; a producer takes it with one compare-and-set only when it
 * is free, writes the batch exactly as the writer would, and gives it back. It never waits for the baton (when the
 * writer holds it, the producer just wakes the writer, as before). Everything else (connects, hello, pongs,
 * heartbeats, the silence check, disconnects) stays on the writer thread: a direct write that fails only marks the
 * connection broken and wakes the writer. The price: a receiver that stops reading can block a direct write, and
 * with it the WebSocket thread, until the silence timeout or the write-stall check closes the socket (5 to 10 s);
 * Binance's updates wait in the TCP buffers meanwhile, none is lost. Off by default
 * ({@link SenderConfig#directWrites()}).
 *
 * <p>Counters are written by whoever holds the baton and read by any thread.
 */
final class ReceiverLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReceiverLink.class);
    static final String THREAD_NAME = "relay-sender-link";
    static final String READER_THREAD_NAME = ReceiverConnection.READER_THREAD_NAME;

    // configuration
    private final String host;
    private final int port;
    private final SSLContext sslContext;
    private final int connectTimeoutMillis;
    private final long heartbeatIntervalNanos;
    private final long silenceTimeoutNanos;
    private final long writeStallTimeoutNanos;
    private final EpochNanoClock clock;
    private final String sessionId;
    private final List<String> symbols;
    private final String senderName;
    private final QuoteSlots slots;
    private final Backoff backoff;
    private final Thread thread;
    private final boolean directWrites;

    /** The baton: who may write to the socket and touch the writer's state (see the class comment). */
    private final AtomicInteger baton = new AtomicInteger(WRITER);
    private static final int WRITER = 0;
    private static final int FREE = 1;
    private static final int PRODUCER = 2;

    // the baton's holder only (the writer thread, or a producer during a direct write)
    private final FrameEncoder encoder = new FrameEncoder();
    private final LinkAccounting accounting;
    private final BatchCollector collector;
    /** Protocol 2: acknowledged seqs (written by the reader thread), the frames not acknowledged, their resend. */
    private final AckTracker acks = new AckTracker();
    private final UnackedFrames unacked;
    private final Resender resender;
    /** Feed outages waiting to be written to the receiver (control frames, no seq). */
    private final FeedOutages outages;
    /**
     * Whether frames written on this connection are kept until acknowledged: the receiver answered the hello with
     * resume ({@link #ackConfirmed}), or it may still (tentative, until {@link #ackProbeDeadlineNanos}).
     */
    private boolean acking;
    private boolean ackConfirmed;
    private long ackProbeDeadlineNanos;
    private long nextAttemptNanos;
    private long helloLastSeq;
    private long connectedAtNanos;
    private long lastWriteNanos;
    private int consecutiveFailures;
    private String lastFailure = "";
    private boolean everConnected;
    /**
     * Whether the receiver has written to us (pings) on an earlier connection: it speaks this protocol and drops
     * replays by the hello's {@code lastSeq}. The original Python receiver writes nothing and would deliver a replay
     * twice, so it gets none.
     */
    private boolean receiverPings;

    // shared
    private volatile ReceiverConnection connection;
    private volatile Socket connectingSocket;
    private volatile boolean up;
    private volatile boolean closing;
    private volatile long writeStartNanos;
    private volatile long reconnects;
    private volatile long pongsSent;
    private volatile long directBatches;
    private final java.util.concurrent.atomic.AtomicLong silenceTimeouts = new java.util.concurrent.atomic.AtomicLong();
    private volatile Throwable failure;

    ReceiverLink(SenderConfig config, SSLContext sslContext, String sessionId, String senderName, QuoteSlots slots) {
        this(config, sslContext, sessionId, senderName, slots, null, new FeedOutages());
    }

    /**
     * @param journal the session's journal ({@code JOURNAL_DIR}), the resend buffer's backing; null without one.
     *                With a previous life in it, this link continues that life's seq and resends its frames.
     * @param outages the feed outages to report to the receiver
     */
    ReceiverLink(SenderConfig config, SSLContext sslContext, String sessionId, String senderName, QuoteSlots slots,
                 SenderJournal journal, FeedOutages outages) {
        this.host = config.receiverHost();
        this.port = config.receiverPort();
        this.sslContext = sslContext;
        this.connectTimeoutMillis = (int) config.receiverConnectTimeout().toMillis();
        this.heartbeatIntervalNanos = config.heartbeatInterval().toNanos();
        this.silenceTimeoutNanos = config.receiverSilenceTimeout().toNanos();
        this.writeStallTimeoutNanos = config.writeStallTimeout().toNanos();
        this.clock = config.clock();
        this.sessionId = sessionId;
        this.symbols = config.symbols();
        this.senderName = senderName;
        this.slots = slots;
        this.backoff = new Backoff(config.receiverReconnectMin().toMillis(), config.receiverReconnectMax().toMillis());
        this.accounting = new LinkAccounting(slots.symbols());
        this.collector = new BatchCollector(slots, accounting);
        this.outages = outages;
        long inheritedSeq = 0;
        if (journal != null) {
            SenderJournal.Recovered r = journal.recovered();
            inheritedSeq = r.takenSeq();
            this.unacked = new UnackedFrames(journal, config.resendBufferMaxAge().toNanos(), acks, slots.symbols());
            if (r.sessionId() != null) {
                acks.continueSession(r.ackedSeq(), r.takenSeq());
                accounting.continueSession(r.takenSeq(), Math.max(r.ackedSeq(), r.lastEntrySeq()));
                // The previous life kept these frames for a receiver that acknowledged: wait for its resume.
                ackConfirmed = unacked.frames() > 0;
            }
        } else {
            this.unacked = config.resendBufferBytes() == 0 ? null
                    : new UnackedFrames(config.resendBufferBytes(), config.resendBufferMaxAge().toNanos(), acks);
        }
        this.resender = unacked == null ? null
                : new Resender(unacked, acks, accounting, config.clock(), slots.symbols(), inheritedSeq);
        this.resumeWaitNanos = TimeUnit.MILLISECONDS.toNanos(RESUME_WAIT_MILLIS);
        this.thread = new Thread(this::run, THREAD_NAME);
        this.directWrites = config.directWrites();
    }

    void start() {
        thread.start();
    }

    /**
     * After a quote was published (on a WebSocket thread): writes it at once if the writer thread is idle and the
     * link is up (a direct write), else wakes the writer. Never waits for the writer.
     */
    void wake() {
        if (!up) {
            return;
        }
        if (directWrites && baton.get() == FREE && baton.compareAndSet(FREE, PRODUCER)) {
            boolean writerNeeded;
            try {
                writerNeeded = writeDirect();
            } finally {
                baton.set(FREE);
            }
            if (!writerNeeded) {
                return;
            }
        }
        LockSupport.unpark(thread);
    }

    /**
     * After a quote was published by a thread that must not write to the receiver (the scheduler, which runs the
     * write-stall check that would unblock such a write): wakes the writer thread.
     */
    void wakeWriter() {
        if (up) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * With the baton, on a producer's thread: writes what the slots hold. Returns true when the writer thread has
     * something to do (a ping to answer, a broken connection, the link going away).
     */
    private boolean writeDirect() {
        ReceiverConnection c = connection;
        if (c == null || c.broken != null || closing || !up) {
            return true;
        }
        int n = collector.collect(false);
        if (n > 0 || collector.tradeCount() > 0) {
            directBatches++;
            writeBatch(c, n, false, true);
        }
        return c.broken != null || c.pendingPing.get() != null;
    }

    /** The writer thread takes the baton back after parking idle; waits (briefly) while a producer writes. */
    private void takeBaton() {
        while (!baton.compareAndSet(FREE, WRITER)) {
            LockSupport.parkNanos(this, BATON_WAIT_NANOS);
        }
    }

    /**
     * How long the writer waits, after its hello, for the receiver's resume (protocol 2) before it takes the receiver
     * for one that does not acknowledge. It waits only when the previous connection's receiver did acknowledge and
     * frames are left to resend; this project's receivers before protocol 2 answer with a ping first, which ends the
     * wait at once. Generous, because a receiver that has just restarted is slow to answer its first hello (a cold JVM
     * on a loaded host took more than 2 s in a test), and giving up means nothing is resent. Also how long frames are
     * kept tentatively on a connection whose receiver has not shown yet whether it acknowledges.
     */
    static final long RESUME_WAIT_MILLIS = 10_000;
    private final long resumeWaitNanos;

    /** How long the writer parks between attempts to take the baton back from a producer that is writing. */
    private static final long BATON_WAIT_NANOS = 20_000;

    /**
     * Stops the writer: it writes what the slots still hold if the link is up, closes the connection (TLS
     * close_notify) and counts whatever is left unwritten as dropped. Call after the producer has stopped. Joins
     * the writer; a writer blocked on a stalled receiver is cut loose by closing its socket.
     */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(3_000);
            if (thread.isAlive()) {
                ReceiverConnection.closeQuietly(connectingSocket);
                ReceiverConnection c = connection;
                if (c != null) {
                    c.closeRaw();
                }
                thread.join(2_000);
            }
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("Receiver link writer did not stop within 6 s");
        }
    }

    /** Called once a second by the scheduler: cuts a connection whose write has been blocked too long. */
    void checkWriteStall() {
        long start = writeStartNanos;
        ReceiverConnection c = connection;
        if (start == 0 || c == null || c.broken != null) {
            return;
        }
        // A write blocked on a stalled path keeps the writer from its own silence check: apply it here.
        IOException silent = silence(c.lastHeardNanos, System.nanoTime());
        if (silent != null) {
            silenceTimeouts.incrementAndGet();
            c.breakWith(silent);
            log.warn("Receiver {}:{}: {}; closing the connection (a write was blocked)", host, port,
                    silent.getMessage());
            c.closeRaw();
            return;
        }
        if (System.nanoTime() - start < writeStallTimeoutNanos) {
            return;
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(writeStallTimeoutNanos);
        c.breakWith(new IOException("the receiver stopped reading: a write was blocked for more than " + seconds
                + " s"));
        log.warn("Receiver {}:{} stopped reading (a write blocked for more than {} s); closing the connection",
                host, port, seconds);
        c.closeRaw();
    }

    /**
     * The silence rule: a receiver that has written to us before (heard != 0) and has been silent for the silence
     * timeout is dead or half-open. Returns the cause to close with, or null.
     */
    private IOException silence(long heard, long now) {
        if (heard == 0 || now - heard < silenceTimeoutNanos) {
            return null;
        }
        return new IOException("the receiver sent nothing for " + TimeUnit.NANOSECONDS.toMillis(now - heard)
                + " ms (silence timeout " + TimeUnit.NANOSECONDS.toMillis(silenceTimeoutNanos)
                + " ms): a dead or half-open connection");
    }

    private void run() {
        try {
            loop();
        } catch (Throwable t) { // a bug: make it loud, the daemon exits with 1
            failure = t;
            log.error("Receiver link writer failed; quotes are no longer relayed", t);
        } finally {
            ReceiverConnection c = connection;
            if (c != null) {
                goodbye(c);
            }
            up = false;
            slots.backlog(false);
            if (unacked != null && ackConfirmed) { // the journal's header and head follow the last acks read
                unacked.release(acks.ackedSeq());
            }
            long hi = slots.lastPublishedSeq();
            if (hi > accounting.accountedSeq()) { // on stop: every seq not written by now is dropped
                accounting.unwrittenAtStop(hi, collector.drainAtStop(), tradesDropped());
            }
        }
    }

    private void loop() {
        while (!closing) {
            ReceiverConnection c = connection;
            if (c == null) {
                long wait = nextAttemptNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                    continue;
                }
                c = connect();
                if (c != null) {
                    connection = c; // not up yet: the opening batch decides
                    slots.backlog(true); // quotes arriving meanwhile queue behind the opening batch
                    long openedNanos = System.nanoTime();
                    writeHello(c);
                    // Only frames left unacknowledged by an earlier connection whose receiver acknowledged make the
                    // resume worth waiting for. Frames kept tentatively for one that never did count as sent, as in
                    // protocol 1: let them go.
                    if (unacked != null && !ackConfirmed) {
                        unacked.clear();
                        acks.lostAbove(Long.MAX_VALUE);
                    }
                    boolean leftOver = unacked != null && ackConfirmed && (unacked.frames() > 0 || acks.hasEvicted());
                    long resume = leftOver ? awaitResume(c) : AckTracker.NO_RESUME;
                    int resent = resend(c, resume, leftOver);
                    long resentNanos = System.nanoTime() - openedNanos;
                    int n = collector.collect(true);
                    if (receiverPings) { // it drops seq <= hello.lastSeq; see the class comment
                        n = collector.addReplays(n, acking ? resume : Long.MAX_VALUE);
                    }
                    if (writeBatch(c, n, true, false) && leftOver && ackConfirmed) {
                        log.info("Receiver {}:{} answered resume {} (acked {}): resent {} frame(s) in {} ms after"
                                + " the TLS handshake, flushed with the opening batch", host, port, resume,
                                acks.ackedSeq(), resent, TimeUnit.NANOSECONDS.toMillis(resentNanos));
                    }
                }
                continue;
            }
            if (c.broken != null) {
                disconnect(c, c.broken);
                continue;
            }
            if (acking && !ackConfirmed) {
                probeAcks(c);
            }
            if (c.pendingPing.get() != null) { // a plain read on the usual path
                writePong(c, c.pendingPing.getAndSet(null));
                continue;
            }
            if (up && outages.hasPending()) { // rare: after a Binance reconnect or a restart
                writeOutages(c);
                continue;
            }
            // Checked before every batch, not only when idle: at high rates there is always a batch to write.
            long now = System.nanoTime();
            long heard = c.lastHeardNanos;
            IOException silent = silence(heard, now);
            if (silent != null) {
                silenceTimeouts.incrementAndGet();
                disconnect(c, silent);
                continue;
            }
            int n = collector.collect(false);
            if (n > 0 || collector.tradeCount() > 0) {
                writeBatch(c, n, false, false);
                continue;
            }
            long idle = now - lastWriteNanos;
            if (idle >= heartbeatIntervalNanos) {
                writeHeartbeat(c);
            } else {
                long park = heartbeatIntervalNanos - idle;
                if (heard != 0) {
                    park = Math.min(park, heard + silenceTimeoutNanos - now);
                }
                if (directWrites) {
                    baton.set(FREE); // a producer may write meanwhile; a quote published before this woke us
                    LockSupport.parkNanos(this, Math.max(1, park));
                    takeBaton();
                } else {
                    LockSupport.parkNanos(this, Math.max(1, park));
                }
            }
        }
        // Stopping: the producer has stopped; write what is left.
        ReceiverConnection c = connection;
        if (c != null && c.broken == null) {
            int n;
            do { // the trades may take several batches
                n = collector.collect(false);
                if (n > 0 || collector.tradeCount() > 0) {
                    if (!writeBatch(c, n, false, false)) {
                        break;
                    }
                } else {
                    break;
                }
            } while (c.broken == null);
        }
    }

    /** Opens TCP + TLS; null (with the next attempt scheduled and logged) on failure. */
    private ReceiverConnection connect() {
        if (consecutiveFailures == 0) {
            log.info("Connecting to receiver {}:{}", host, port);
        }
        Socket raw = new Socket();
        connectingSocket = raw;
        try {
            return ReceiverConnection.open(raw, host, port, sslContext, connectTimeoutMillis, clock, thread, acks);
        } catch (IOException e) {
            ReceiverConnection.closeQuietly(raw);
            if (!closing) {
                consecutiveFailures++;
                long delay = backoff.nextDelayMillis();
                nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                String why = describeFailure(e);
                if (consecutiveFailures <= 3 || consecutiveFailures % 50 == 0 || !why.equals(lastFailure)) {
                    log.warn("Receiver {}:{} connection attempt {} failed: {}; retrying in {} ms{}", host, port,
                            consecutiveFailures, why, delay,
                            consecutiveFailures == 3 ? " (repeats of this failure are logged every 50th attempt)"
                                    : "");
                }
                lastFailure = why;
            }
            return null;
        } finally {
            connectingSocket = null;
        }
    }

    private String describeFailure(IOException e) {
        return ReceiverRefusal.attemptFailed(e, describe(e), host);
    }

    /**
     * Answers a ping: {@code t3} is stamped just before the encode and write, and how long after it the write
     * returned goes out in the next pong ({@code prev_id}, {@code prev_write_ns}; NTP's interleaved transmit stamp),
     * so the receiver can take the pong as sent when its bytes left, as it takes its own pings.
     */
    private void writePong(ReceiverConnection c, long[] ping) {
        writeStartNanos = nonZeroNanoTime();
        try {
            long t3 = clock.epochNanos();
            long stamped = System.nanoTime();
            int len = encoder.encodePong(ping[0], ping[1], ping[2], t3, c.lastPongId, c.lastPongWriteNanos);
            c.out.write(encoder.buffer(), 0, len);
            c.out.flush();
            lastWriteNanos = System.nanoTime();
            c.lastPongWriteNanos = lastWriteNanos - stamped;
            c.lastPongId = ping[0];
            pongsSent++;
        } catch (IOException e) {
            disconnect(c, c.broken != null ? c.broken : e);
        } finally {
            writeStartNanos = 0;
        }
    }

    /**
     * Protocol 2 (with a resend buffer): the hello carries {@code acked} and is flushed at once, since the receiver
     * answers it with resume. Without a resend buffer: a protocol-1 hello, flushed with the opening batch.
     */
    private void writeHello(ReceiverConnection c) {
        acks.newConnection();
        helloLastSeq = accounting.highestWrittenSeq();
        Hello hello = unacked == null
                ? new Hello(sessionId, 1, symbols, helloLastSeq, senderName)
                : new Hello(sessionId, FrameDescriptor.PROTOCOL_VERSION, symbols, helloLastSeq, senderName,
                        acks.ackedSeq());
        int len = encoder.encodeHello(hello);
        try {
            c.out.write(encoder.buffer(), 0, len);
            if (unacked != null) {
                c.out.flush();
            }
        } catch (IOException e) {
            c.breakWith(e); // the batch write below fails too and reports it
        }
    }

    /**
     * After a protocol-2 hello: waits for the receiver's resume, at most {@link #RESUME_WAIT_MILLIS}. A ping read
     * before any resume means a receiver that does not acknowledge (it writes the resume before its first ping).
     *
     * @return the resume seq, or {@link AckTracker#NO_RESUME}
     */
    private long awaitResume(ReceiverConnection c) {
        if (unacked == null) {
            return AckTracker.NO_RESUME;
        }
        long deadline = System.nanoTime() + resumeWaitNanos;
        for (;;) {
            long resume = acks.resumeSeq();
            if (resume != AckTracker.NO_RESUME) {
                return resume;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || c.broken != null || closing || c.pendingPing.get() != null) {
                return acks.resumeSeq();
            }
            LockSupport.parkNanos(this, left);
        }
    }

    /**
     * While it is not known whether this connection's receiver acknowledges: its resume confirms it; a ping read
     * before any resume, or no resume within {@link #RESUME_WAIT_MILLIS}, says it does not, and the frames kept so far
     * are let go (they count as sent, as with any receiver of protocol 1).
     */
    private void probeAcks(ReceiverConnection c) {
        boolean pinged = c.pendingPing.get() != null; // read first: the reader sets it after any earlier resume
        if (acks.resumeSeq() != AckTracker.NO_RESUME) {
            ackConfirmed = true;
        } else if (pinged || System.nanoTime() - ackProbeDeadlineNanos > 0) {
            acking = false;
            unacked.clear();
            acks.lostAbove(Long.MAX_VALUE); // forget the evicted ones too
            log.info("Receiver {}:{} does not acknowledge (protocol 1, or the original Python receiver): frames are"
                    + " not kept for resending on this connection", host, port);
        }
    }

    /**
     * Between the hello and the opening batch: with a resume answer, resends what the receiver lacks (buffered, flushed
     * with the opening batch); without one, nothing can be resent and the unacknowledged frames are accounted lost.
     *
     * @return the frames resent
     */
    private int resend(ReceiverConnection c, long resume, boolean waited) {
        ackConfirmed = resume != AckTracker.NO_RESUME && unacked != null;
        acking = ackConfirmed;
        if (unacked == null) {
            return 0;
        }
        if (!ackConfirmed) {
            resender.abandon();
            if (!waited) { // nothing was waiting: keep frames from now on until the receiver shows what it is
                acking = true;
                ackProbeDeadlineNanos = System.nanoTime() + resumeWaitNanos;
            }
            return 0;
        }
        try {
            return resender.resend(resume, c.out);
        } catch (IOException e) {
            c.breakWith(e); // the frames stay in the buffer; the opening batch fails and reports it
            return 0;
        }
    }

    /**
     * Writes {@code batch[0, n)} and flushes once. Returns false (quotes counted dropped) on failure: the writer
     * thread closes the link at once, a direct write ({@code direct}) marks the connection broken for the writer.
     * With {@code first}, this is the opening batch of a connection: on success the link is up.
     */
    private boolean writeBatch(ReceiverConnection c, int n, boolean first, boolean direct) {
        long now = nonZeroNanoTime();
        writeStartNanos = now;
        boolean keep = acking; // every frame goes into the resend buffer, written or not
        if (keep) {
            long acked = acks.ackedSeq();
            unacked.release(acked);
            acks.releaseEvicted(acked);
        }
        IOException failed = c.broken == null ? null : new IOException("connection already broken", c.broken);
        try {
            QuoteSlots.Entry[] batch = collector.batch();
            Trade[] trades = collector.trades();
            int m = collector.tradeCount();
            int k = 0;
            int j = 0;
            while (k < n || j < m) { // quotes and trades, each sorted by seq: merged
                int len;
                long seq;
                int symbol;
                if (j < m && (k >= n || trades[j].seq() < batch[k].seq())) {
                    Trade t = trades[j++];
                    t.sendEpochNanos(clock.epochNanos());
                    len = encoder.encodeTrade(t);
                    seq = t.seq();
                    symbol = UnackedFrames.TRADE;
                } else {
                    QuoteSlots.Entry e = batch[k++];
                    BookTicker q = e.quote;
                    if (q != null) {
                        q.sendEpochNanos(clock.epochNanos());
                        len = encoder.encodeQuote(q);
                        seq = q.seq();
                    } else {
                        Depth d = e.depthFrame;
                        d.sendEpochNanos(clock.epochNanos());
                        len = encoder.encodeDepth(d);
                        seq = d.seq();
                    }
                    symbol = e.symbolIndex;
                }
                if (keep && seq > accounting.accountedSeq()) { // not a replay
                    // before the write: with a journal, no frame reaches the socket that a kill could leave unjournaled
                    unacked.append(seq, encoder.buffer(), len, symbol, now);
                }
                if (failed == null) {
                    try {
                        c.out.write(encoder.buffer(), 0, len);
                    } catch (IOException e) {
                        failed = e;
                        if (!keep) {
                            break;
                        }
                    }
                } else if (!keep) {
                    break;
                }
            }
            if (failed == null) {
                try {
                    c.out.flush();
                } catch (IOException e) {
                    failed = e;
                }
            }
            if (failed != null) {
                throw failed;
            }
            lastWriteNanos = System.nanoTime();
            accounting.account(batch, n, trades, collector.tradePositions(), m, true, first);
            if (first) {
                onUp(c, n);
            }
            return true;
        } catch (IOException e) {
            // Acknowledging receiver: the batch is in the resend buffer, sent on the next connection (or counted lost
            // there). Otherwise it is dropped.
            accounting.account(collector.batch(), n, collector.trades(), collector.tradePositions(),
                    collector.tradeCount(), keep, first);
            if (direct) {
                c.breakWith(e);
            } else {
                disconnect(c, c.broken != null ? c.broken : e);
            }
            return false;
        } finally {
            writeStartNanos = 0;
            collector.clear(n);
        }
    }

    private void onUp(ReceiverConnection c, int firstBatch) {
        up = true;
        connectedAtNanos = System.nanoTime();
        consecutiveFailures = 0;
        lastFailure = "";
        if (everConnected) {
            reconnects++;
        }
        everConnected = true;
        SSLSession s = c.ssl.getSession();
        log.info("Connected to receiver {}:{} ({}, {}); hello lastSeq={}, {} latest quote(s) written", host, port,
                s.getProtocol(), s.getCipherSuite(), helloLastSeq, firstBatch);
    }

    /**
     * Writes the feed outages waiting, one flush each (rare). One that could not be written stays for the next
     * connection; one written just before the connection broke may be lost (control frames are not acknowledged).
     */
    private void writeOutages(ReceiverConnection c) {
        writeStartNanos = nonZeroNanoTime();
        try {
            for (FeedOutages.Outage o = outages.peek(); o != null; o = outages.peek()) {
                int len = encoder.encodeFeedOutage(o.symbol(), o.fromMs(), o.toMs(), o.reason());
                c.out.write(encoder.buffer(), 0, len);
                c.out.flush();
                outages.remove();
            }
            lastWriteNanos = System.nanoTime();
        } catch (IOException e) {
            disconnect(c, c.broken != null ? c.broken : e);
        } finally {
            writeStartNanos = 0;
        }
    }

    private void writeHeartbeat(ReceiverConnection c) {
        writeStartNanos = nonZeroNanoTime();
        try {
            int len = encoder.encodeHeartbeat();
            c.out.write(encoder.buffer(), 0, len);
            c.out.flush();
            lastWriteNanos = System.nanoTime();
        } catch (IOException e) {
            disconnect(c, c.broken != null ? c.broken : e);
        } finally {
            writeStartNanos = 0;
        }
    }

    private void disconnect(ReceiverConnection c, Throwable cause) {
        noteWhetherReceiverPings(c);
        boolean wasUp = up;
        up = false;
        slots.backlog(false);
        connection = null;
        c.closeRaw();
        c.joinReader();
        long now = System.nanoTime();
        long upForNanos = now - connectedAtNanos;
        if (wasUp && upForNanos >= Backoff.STABLE_AFTER.toNanos()) {
            backoff.reset();
        }
        long delay = closing ? 0 : backoff.nextDelayMillis();
        nextAttemptNanos = now + TimeUnit.MILLISECONDS.toNanos(delay);
        String why = describe(cause) + ReceiverRefusal.endedEarly(cause, wasUp ? upForNanos : 0);
        if (wasUp) {
            log.info("Receiver {}:{} disconnected after {} ms: {}; reconnecting in {} ms", host, port,
                    TimeUnit.NANOSECONDS.toMillis(upForNanos), why, delay);
        } else {
            consecutiveFailures++;
            log.warn("Receiver {}:{} closed the connection while it opened: {}; retrying in {} ms", host, port, why,
                    delay);
        }
    }

    /**
     * After a connection: a receiver heard from pings (sticky); one that stayed silent for a whole silence timeout
     * while the link was up does not (the original Python receiver, or another receiver behind the same address).
     */
    private void noteWhetherReceiverPings(ReceiverConnection c) {
        if (c.lastHeardNanos != 0) {
            receiverPings = true;
        } else if (up && System.nanoTime() - connectedAtNanos >= silenceTimeoutNanos) {
            receiverPings = false;
        }
    }

    /** Last words on stop: TLS close_notify when the link is healthy, else just close. */
    private void goodbye(ReceiverConnection c) {
        connection = null;
        c.closeGracefully(); // close_notify; never waits for the receiver's
        c.joinReader();
        log.info("Receiver {}:{} connection closed", host, port);
    }

    boolean connected() {
        return up;
    }

    long sent() {
        return accounting.sent();
    }

    long dropped() {
        return accounting.dropped();
    }

    long conflated() {
        return accounting.conflated();
    }

    /**
     * Quotes replaced before being written that the writer has not accounted yet (it accounts them at its next
     * batch); a racy estimate, never negative.
     */
    long unaccountedDisplaced() {
        return accounting.unaccountedDisplaced(slots.displaced(), tradesDropped());
    }

    /** Trades the queue dropped that no counter holds yet (they are {@code dropped}); racy, never negative. */
    long unaccountedTradeDrops() {
        return accounting.unaccountedTradeDrops(tradesDropped());
    }

    /** Trades written to the receiver (part of {@link #sent()}). */
    long tradesSent() {
        return accounting.tradesSent();
    }

    private long tradesDropped() {
        TradeQueue q = slots.trades();
        return q == null ? 0 : q.dropped();
    }

    /** Batches written by a producer thread itself (direct writes), since start. */
    long directBatches() {
        return directBatches;
    }

    /** Pongs written in answer to the receiver's pings. */
    long pongsSent() {
        return pongsSent;
    }

    /** Connections closed because a receiver that had written before fell silent. */
    long silenceTimeouts() {
        return silenceTimeouts.get();
    }

    long reconnects() {
        return reconnects;
    }

    /** Protocol-2 figures for the stats; racy snapshot. */
    SenderStats.Acks acks() {
        if (unacked == null) {
            return SenderStats.Acks.NONE;
        }
        return new SenderStats.Acks(true, acks.ackedSeq(), acks.acksReceived(), unacked.frames(), unacked.bytes(),
                acks.evictedTotal(), resender.resends(), resender.resent(), resender.resentTrades(),
                resender.conflated(), resender.dropped(), resender.lastResendNanos());
    }

    Throwable failure() {
        return failure;
    }

    /** Frames of earlier lives of the session (journal) resent. */
    long resentInherited() {
        return resender == null ? 0 : resender.resentInherited();
    }

    /** Quotes of earlier lives of the session (journal) not resent because a newer one of their symbol was. */
    long conflatedInherited() {
        return resender == null ? 0 : resender.conflatedInherited();
    }

    private static long nonZeroNanoTime() {
        return ReceiverConnection.nonZeroNanoTime();
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
            String m = c.getMessage();
            String part = c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
            if (m != null && last != null && last.contains(m)) {
                continue; // wrappers often repeat their cause's message
            }
            sb.append(sb.length() == 0 ? "" : "; caused by ").append(part);
            last = m;
        }
        return sb.toString();
    }
}
