package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.PemTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Receives the relayed best bid/ask stream from one or more senders over mutual TLS 1.3 and hands each quote to
 * a {@link TickerListener}. The one entry point of this library: {@link #start} binds and starts the threads,
 * {@link #close()} stops them.
 *
 * <pre>{@code
 * try (Receiver receiver = Receiver.start(config, quote -> strategy.onMid(quote.symbol(), quote.mid()))) {
 *     ...
 *     BookTicker btc = receiver.latest("BTCUSDT");
 * }
 * }</pre>
 *
 * <p>Threads (all daemon threads): {@code relay-receiver-acceptor} accepts connections; one reader thread
 * {@code relay-receiver-conn-<n>} per connection does the TLS handshake (at most
 * {@link ReceiverConfig#maxPendingHandshakes()} at once, each within the total deadline that
 * {@code relay-receiver-handshake-deadline} enforces), then, for a sender, reads and decodes frames, counts
 * gaps, records latency and calls the listener; {@code relay-receiver-conn-<n>-ping} writes that connection's pings
 * (clock probes and heartbeats) once its sender said hello; {@code relay-receiver-staleness} reports stale symbols;
 * {@code relay-receiver-stats} logs the stats lines every stats interval. Every method here is thread-safe.
 *
 * <p>Every quote is delivered at most once; every update lost on the way is counted as a gap, reported through
 * {@link TickerListener#onGap} and in {@link #stats()}.
 */
public final class Receiver implements AutoCloseable {
    /** How long {@link #close()} waits for each of its threads before interrupting it. */
    private static final long JOIN_TIMEOUT_MILLIS = 2_000;
    /** Period of rate-limit flushing when no periodic stats lines are wanted. */
    private static final long QUIET_TICK_NANOS = ReceiverConfig.DEFAULT_STATS_INTERVAL_NANOS;

    private final ReceiverContext ctx;
    private final ServerSocket server;
    private final Thread acceptor;
    private final StatsReporter reporter;
    private final ScheduledThreadPoolExecutor statsThread;
    private final ScheduledThreadPoolExecutor stalenessThread;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Receiver(ReceiverContext ctx, ServerSocket server, Thread acceptor) {
        this.ctx = ctx;
        this.server = server;
        this.acceptor = acceptor;
        this.reporter = new StatsReporter(ctx);
        this.statsThread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "relay-receiver-stats");
            t.setDaemon(true);
            return t;
        });
        this.statsThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.stalenessThread = ctx.config.staleAfterNanos() == 0 ? null : new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "relay-receiver-staleness");
            t.setDaemon(true);
            return t;
        });
        if (stalenessThread != null) {
            stalenessThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
    }

    /**
     * Builds the TLS context, binds the port and starts the threads; returns once the port accepts connections.
     *
     * @param config validated configuration
     * @param listener receives quotes and events on the connections' reader threads; see {@link TickerListener}
     * @return the running receiver; close it
     * @throws UncheckedIOException if the address cannot be bound (e.g. the port is in use)
     * @throws PemTls.TlsConfigException if the certificate, key or CA files cannot be used
     */
    public static Receiver start(ReceiverConfig config, TickerListener listener) {
        if (config == null || listener == null) {
            throw new IllegalArgumentException((config == null ? "config" : "listener") + " must not be null");
        }
        SSLContext ssl = config.sslContext() != null ? config.sslContext()
                : PemTls.serverContext(config.certChain(), config.key(), config.clientCa());
        SSLParameters parameters = PemTls.serverParameters(ssl, config.requireClientCertificate());
        Warmup.onceAtStart(ssl, config.clock()); // before the port opens: the first sender finds compiled code
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a server socket: " + e.getMessage(), e);
        }
        try {
            server.bind(new InetSocketAddress(config.bindAddress(), config.port()), 64);
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(server);
            IOException io = e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
            throw new UncheckedIOException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": "
                    + e.getMessage(), io);
        }
        ReceiverContext ctx = new ReceiverContext(config, listener);
        Thread acceptorThread = new Thread(new Acceptor(ctx, server, ssl.getSocketFactory(), parameters),
                "relay-receiver-acceptor");
        acceptorThread.setDaemon(true);
        Receiver receiver = new Receiver(ctx, server, acceptorThread);
        receiver.startThreads();
        return receiver;
    }

    private void startThreads() {
        ReceiverConfig config = ctx.config;
        LOG.info("Listening on {}:{} (TLS 1.3, {})", config.bindAddress(), port(), config.describeTls());
        if (!config.requireClientCertificate()) {
            LOG.warn("!!! No client certificate required: ANYONE who can reach port {} can connect and inject"
                    + " prices. Use this only for a sender without a certificate (the original Python one), behind"
                    + " a firewall that admits only that sender !!!", port());
        }
        long intervalNanos = config.statsIntervalNanos();
        boolean lines = intervalNanos > 0;
        long period = lines ? intervalNanos : QUIET_TICK_NANOS;
        statsThread.scheduleAtFixedRate(() -> {
            try {
                reporter.report(lines);
            } catch (Throwable t) {
                ctx.reportError(t); // never let the schedule die
            }
        }, period, period, TimeUnit.NANOSECONDS);
        if (stalenessThread != null) {
            long staleAfter = config.staleAfterNanos();
            long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(staleAfter / 10,
                    TimeUnit.MILLISECONDS.toNanos(100)));
            stalenessThread.scheduleAtFixedRate(() -> {
                try {
                    for (SymbolState s : ctx.symbols.values()) {
                        s.checkStale(staleAfter, ctx.listener, ctx);
                    }
                } catch (Throwable t) {
                    ctx.reportError(t); // never let the schedule die
                }
            }, tick, tick, TimeUnit.NANOSECONDS);
        }
        acceptor.start();
    }

    /** The bound TCP port (the ephemeral one when configured with port 0). */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * The latest quote of {@code symbol} delivered by any connection, or null if none yet. Any thread; the writer
     * is never blocked by this call.
     *
     * @param symbol Binance symbol, e.g. {@code BTCUSDT}
     * @return a new copy, the caller's to keep
     */
    public BookTicker latest(String symbol) {
        SymbolState s = ctx.symbols.get(symbol);
        return s == null ? null : s.latest();
    }

    /**
     * Age of the latest quote of {@code symbol} from any sender, on this host's monotonic clock
     * ({@link System#nanoTime()}), so a wall-clock step cannot fake freshness. Any thread; lock-free.
     *
     * @param symbol Binance symbol, e.g. {@code BTCUSDT}
     * @return ns since the latest quote of {@code symbol} was delivered, or -1 if none ever was
     */
    public long ageNanos(String symbol) {
        SymbolState s = ctx.symbols.get(symbol);
        return s == null ? -1 : s.ageNanos(System.nanoTime());
    }

    /** Copies of the latest quote of every symbol delivered so far, by symbol (sorted). Any thread. */
    public Map<String, BookTicker> latestQuotes() {
        Map<String, BookTicker> out = new TreeMap<>();
        for (SymbolState s : ctx.symbols.values()) {
            BookTicker q = s.latest();
            if (q != null) {
                out.put(s.symbol, q);
            }
        }
        return out;
    }

    /**
     * With {@link AckMode#HOST}: the host holds every update of session {@code sessionId} up to {@code seq} durably
     * (e.g. journaled); the receiver acknowledges it to the sender within the ack interval, and the sender may then
     * forget it. Lower or repeated values are ignored. Thread-safe, lock-free, allocation-free; callable from any
     * thread, inside a listener callback too. Without {@link AckMode#HOST} it has no effect.
     *
     * @param sessionId the sender session, as {@link TickerListener#onSession} named it
     * @param seq the highest seq held, from {@link BookTicker#seq()} or {@link eu.bborelay.common.Trade#seq()}
     * @throws IllegalArgumentException if no sender of that session has said hello to this receiver
     */
    public void acknowledge(String sessionId, long seq) {
        Session s = ctx.sessions.get(sessionId);
        if (s == null) {
            throw new IllegalArgumentException("no sender session " + sessionId + " has said hello to this receiver");
        }
        s.hostAckedSeq.accumulateAndGet(seq, Math::max);
    }

    /**
     * {@link #acknowledge(String, long)} for the session that said hello last: for a receiver fed by one sender.
     *
     * @throws IllegalStateException before any sender said hello
     */
    public void acknowledge(long seq) {
        Session s = ctx.sessions.latest();
        if (s == null) {
            throw new IllegalStateException("no sender has said hello yet: nothing to acknowledge");
        }
        s.hostAckedSeq.accumulateAndGet(seq, Math::max);
    }

    /** A snapshot of the counters and latencies since start. Any thread; not on the quote path. */
    public ReceiverStats stats() {
        return reporter.snapshot();
    }

    /**
     * Stops accepting, closes every connection (listeners get {@code onDisconnected}), waits for the threads (up
     * to 2 s each, then interrupts them) and logs the final stats lines. Idempotent; may be called from any
     * thread, including a listener callback.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ctx.closing = true;
        closeQuietly(server);
        join(acceptor);
        List<Connection> open = new ArrayList<>(ctx.connections);
        for (Connection c : open) {
            c.closeAfterLastAck("receiver closed");
        }
        for (Connection c : open) {
            try {
                if (!c.awaitEnd(JOIN_TIMEOUT_MILLIS)) {
                    LOG.warn("Reader thread of {} did not end within {} ms; interrupting it", c.peer,
                            JOIN_TIMEOUT_MILLIS);
                    c.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (stalenessThread != null) {
            stalenessThread.shutdownNow();
        }
        statsThread.shutdown();
        try {
            if (!statsThread.awaitTermination(JOIN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                statsThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            statsThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        reporter.finalReport();
        LOG.info("Receiver on port {} closed", server.getLocalPort());
    }

    /** This receiver's shared state; for tests in this package. */
    ReceiverContext context() {
        return ctx;
    }

    private static void join(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(JOIN_TIMEOUT_MILLIS);
            if (t.isAlive()) {
                LOG.warn("{} did not end within {} ms; interrupting it", t.getName(), JOIN_TIMEOUT_MILLIS);
                t.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
