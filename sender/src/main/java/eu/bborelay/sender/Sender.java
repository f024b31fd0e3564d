package eu.bborelay.sender;

import eu.bborelay.binance.Backoff;
import eu.bborelay.binance.ConnectionBudget;
import eu.bborelay.common.PemTls;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running sender: reads Binance bookTicker over WebSocket and relays every update to the receiver over mutual
 * TLS. The two legs connect and reconnect independently; a receiver outage never closes the Binance connection.
 *
 * <pre>{@code
 * SenderConfig config = SenderConfig.builder()
 *         .symbols("btcusdt,ethusdt")
 *         .receiver("203.0.113.7", 9001)
 *         .tls(Path.of("ca.crt"), Path.of("sender.crt"), Path.of("sender.key"))
 *         .build();
 * try (Sender sender = Sender.start(config)) {
 *     ...
 *     System.out.println(sender.stats().logLine());
 * }
 * }</pre>
 *
 * <p>Threads (see {@code docs/CONCURRENCY.md}): Java-WebSocket's read thread parses and publishes quotes;
 * {@code relay-sender-link} writes them to the receiver; {@code relay-sender-scheduler} runs Binance (re)connects,
 * the stats line and the write-stall check; {@code relay-sender-backfill} (with aggregate trades and a REST URL)
 * fetches the aggregate trades of exchange gaps ({@link AggTradeBackfill}); with {@code INCLUDE_DEPTH},
 * {@code relay-sender-depth} owns the order books and publishes the depth frames, fed by its own Binance connections
 * and {@code relay-sender-depth-rest} ({@link DepthRelay}). All methods are thread-safe.
 */
public final class Sender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    /** Announced in every hello, e.g. {@code bbo-relay-sender/0.1.0}. */
    public static final String NAME = "bbo-relay-sender/" + version();

    private final SenderConfig config;
    private final String sessionId;
    private final QuoteSlots slots;
    private final QuoteIngest ingest;
    /** Fetches the aggregate trades of exchange gaps from REST; null when it is off ({@link SenderConfig#binanceAggTradesUri()}). */
    private final AggTradeBackfill backfill;
    private final ReceiverLink link;
    /** The order book relay ({@code INCLUDE_DEPTH}); null when depth is off. */
    private final DepthRelay depth;
    /** The session's journal ({@code JOURNAL_DIR}); null without one. */
    private final SenderJournal journal;
    /** The last seq taken by earlier lives of this session (journal); 0 for a new session. */
    private final long inheritedSeq;
    private final FeedOutages outages = new FeedOutages();
    /** One per Binance connection (usually one); see {@link SenderConfig#binanceConnections()}. */
    private final List<BinanceLeg> binance;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long[] invalidAtLastLog = new long[InvalidReason.values().length];
    private org.HdrHistogram.Histogram latencyInterval; // under this

    private Sender(SenderConfig config, SSLContext sslContext, BinanceLegSettings binanceSettings) {
        this.config = config;
        this.journal = config.journalDir() == null ? null : SenderJournal.open(config.journalDir(),
                SenderJournal.capacityFor(config.resendBufferBytes()), newSessionId(), config.symbols().hashCode());
        SenderJournal.Recovered previous = journal == null ? null : journal.recovered();
        this.sessionId = journal == null ? newSessionId() : journal.sessionId();
        this.inheritedSeq = previous == null ? 0 : previous.takenSeq();
        List<SenderConfig.BinanceConnection> connections = config.binanceConnections();
        java.net.URI aggTrades = config.binanceAggTradesUri();
        this.backfill = aggTrades == null ? null
                : new AggTradeBackfill(aggTrades, config.backfillWeightPerMinute(), this::publishBackfilled);
        boolean relaysDepth = config.depth().enabled();
        // The backfill's and the depth relay's threads publish too: then the slots serialise their producers (one
        // uncontended monitor).
        this.slots = new QuoteSlots(config.symbols().size(), relaysDepth, config.maxBacklogPerSymbol(),
                config.maxBacklogAge().toNanos(), connections.size() + (backfill == null ? 0 : 1)
                        + (relaysDepth ? 1 : 0),
                config.relaysTrades() ? new TradeQueue(config.tradeQueueCapacity()) : null, System::nanoTime);
        if (journal != null) {
            slots.continueSession(inheritedSeq, journal);
        }
        this.link = new ReceiverLink(config, sslContext, sessionId, NAME, slots, journal, outages);
        outages.onPending(link::wakeWriter);
        this.depth = relaysDepth ? new DepthRelay(config.depth(), config.binanceBaseUri(), config.binanceRestApiUri(),
                config.symbols(), slots, link::wakeWriter) : null;
        if (previous != null && previous.sessionId() != null) {
            long lastFrame = previous.lastEntrySeq();
            log.info("Journal {}: continuing session {} after seq {} (acknowledged up to {}); {} unacknowledged"
                    + " frame(s) to resend{}; {} seq(s) taken after the last journaled or acknowledged one (the"
                    + " receiver counts those it lacks as gaps){}", journal.file(), sessionId, inheritedSeq, previous.ackedSeq(),
                    previous.entries().size(), previous.entries().isEmpty() ? ""
                            : " (seq " + previous.entries().get(0).seq() + ".." + lastFrame + ")",
                    inheritedSeq - Math.max(lastFrame, previous.ackedSeq()) > 0
                            ? inheritedSeq - Math.max(lastFrame, previous.ackedSeq()) : 0,
                    previous.cutBytes() > 0 ? "; a torn record of " + previous.cutBytes() + " bytes was cut off" : "");
            if (previous.lastTakenEpochMs() > 0) {
                outages.down(config.symbols(), previous.lastTakenEpochMs(),
                        eu.bborelay.common.FrameDescriptor.REASON_SENDER_RESTART);
            }
        } else if (journal != null) {
            log.info("Journal {}: new session {}", journal.file(), sessionId);
        }
        this.ingest = new QuoteIngest(config.symbols(), slots, link::wake, link::wakeWriter,
                System::currentTimeMillis, backfill);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-sender-scheduler");
            t.setDaemon(true);
            return t;
        });
        ConnectionBudget budget = new ConnectionBudget(binanceSettings.attemptBurst(),
                binanceSettings.attemptRefill().toNanos());
        List<BinanceLeg> legs = new ArrayList<>();
        for (int k = 0; k < connections.size(); k++) {
            SenderConfig.BinanceConnection c = connections.get(k);
            String name = connections.size() == 1 ? "Binance" : "Binance shard " + (k + 1) + "/" + connections.size();
            legs.add(new BinanceLeg(name, c.uri(), ingest, scheduler,
                    new Backoff(config.binanceReconnectMin().toMillis(), config.binanceReconnectMax().toMillis()),
                    binanceSettings, budget, c.symbols(), c.streams()));
        }
        this.binance = List.copyOf(legs);
        binance.forEach(leg -> leg.outages(outages));
    }

    /**
     * Loads the TLS material and starts the receiver leg; waits up to {@link SenderConfig#receiverStartupWait()}
     * for it to connect (so a normal start drops nothing), then starts the Binance leg and returns. Reconnects
     * happen in the background.
     *
     * @throws PemTls.TlsConfigException when a certificate or key cannot be loaded (the message names the file)
     */
    public static Sender start(SenderConfig config) {
        return start(config, BinanceLegSettings.DEFAULTS);
    }

    /** As {@link #start(SenderConfig)}, with the Binance leg's rollover, liveness and attempt-budget timing. */
    static Sender start(SenderConfig config, BinanceLegSettings binanceSettings) {
        SSLContext ssl = PemTls.clientContext(config.caCert(), config.cert(), config.key());
        if (config.cert() == null) {
            log.warn("CERT=none: this sender presents NO client certificate; only a receiver with"
                    + " REQUIRE_CLIENT_CERT=false (such as the original Python one) accepts it, and that receiver lets"
                    + " anyone who reaches its port inject prices");
        }
        Warmup.onceAtStart(ssl, config.clock()); // before any connection: the first updates find compiled code
        Sender sender = new Sender(config, ssl, binanceSettings);
        int shards = sender.binance.size();
        log.info("Starting {} session {}: symbols {}, Binance {}, receiver {}:{}", NAME, sender.sessionId,
                config.symbols(), shards == 1 ? config.binanceConnections().get(0).uri()
                        : shards + " connections of at most " + config.binanceStreamsPerConnection() + " streams on "
                        + config.binanceBaseUri(),
                config.receiverHost(), config.receiverPort());
        sender.link.start();
        if (sender.backfill != null) {
            sender.backfill.start();
            log.info("Aggregate trade ids that never arrive on the stream are fetched from {} (at most {} request"
                    + " weight per minute)", config.binanceAggTradesUri(), config.backfillWeightPerMinute());
        }
        sender.awaitReceiver(config.receiverStartupWait().toNanos());
        sender.binance.forEach(BinanceLeg::start);
        if (sender.depth != null) {
            sender.depth.start();
        }
        long statsMillis = config.statsInterval().toMillis();
        sender.scheduler.scheduleAtFixedRate(sender::logStats, statsMillis, statsMillis, TimeUnit.MILLISECONDS);
        sender.scheduler.scheduleAtFixedRate(sender::checkWriteStall, 1, 1, TimeUnit.SECONDS);
        return sender;
    }

    private void awaitReceiver(long waitNanos) {
        long deadline = System.nanoTime() + waitNanos;
        while (!link.connected() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (waitNanos > 0 && !link.connected()) {
            log.warn("Receiver {}:{} not connected after {} ms; subscribing to Binance anyway: updates are counted as"
                    + " dropped until it connects", config.receiverHost(), config.receiverPort(),
                    TimeUnit.NANOSECONDS.toMillis(waitNanos));
        }
    }

    /**
     * The session id: 128 random bits as 32 lower-case hex digits, new for this process, or with {@code JOURNAL_DIR}
     * the session an earlier life of this sender started and this one continues.
     */
    public String sessionId() {
        return sessionId;
    }

    public SenderConfig config() {
        return config;
    }

    /** A snapshot of the counters. */
    public SenderStats stats() {
        Map<InvalidReason, Long> invalid = new EnumMap<>(InvalidReason.class);
        for (InvalidReason r : InvalidReason.values()) {
            invalid.put(r, ingest.invalid(r));
        }
        boolean up = link.connected();
        long unaccounted = link.unaccountedDisplaced();
        long dropped = link.dropped() + link.unaccountedTradeDrops() + (up ? 0 : unaccounted);
        long conflated = link.conflated() + (up ? unaccounted : 0);
        long lastSeq = slots.lastPublishedSeq();
        long taken = lastSeq - inheritedSeq; // this life's: earlier lives' seqs are in none of its counters
        TradeQueue queue = slots.trades();
        SenderStats.Trades trades = queue == null ? SenderStats.Trades.NONE
                : new SenderStats.Trades(true, ingest.tradesTaken(), ingest.aggTradesTaken(), link.tradesSent(),
                        queue.dropped(), queue.size(), ingest.tradeDuplicates(), ingest.tradeIds().tradeIdGaps(),
                        ingest.tradeIds().aggIdGaps(), ingest.aggTradesBackfilled(), backfillUnfilled(),
                        backfill == null ? 0 : backfill.requests(), backfill == null ? 0 : backfill.rateLimited());
        return new SenderStats(ingest.received(), taken, link.sent(), dropped, conflated, ingest.notData(), invalid,
                sum(BinanceLeg::reconnects), link.reconnects(), lastSeq, binanceConnected(), up, sessionId, trades,
                link.acks());
    }

    /**
     * Aggregate trade ids of exchange gaps not filled: given up by the backfill, or every one when there is no
     * backfill (off, or no REST URL).
     */
    private long backfillUnfilled() {
        return backfill == null ? ingest.tradeIds().aggIdGaps() : backfill.unfilled();
    }

    private void publishBackfilled(eu.bborelay.common.Trade trade) {
        ingest.publishBackfilled(trade);
    }

    /**
     * Nanoseconds ({@link System#nanoTime()} scale) since the latest valid Binance update was taken, or -1 before
     * the first. For the health check; not part of {@link #stats()} so the snapshot's shape stays as it is.
     */
    public long nanosSinceLastUpdate() {
        return ingest.nanosSinceLastQuote();
    }

    /** Binance updates received on both connections of a rollover and forwarded once. */
    long binanceDuplicates() {
        return ingest.duplicates();
    }

    /** Make-before-break rollovers of the Binance connections completed. */
    long binanceRollovers() {
        return sum(BinanceLeg::rollovers);
    }

    /** Binance connection attempts (first connections, reconnects, rollovers) of all shards. */
    long binanceAttempts() {
        return sum(BinanceLeg::attempts);
    }

    /** Batches a Binance WebSocket thread wrote to the receiver itself ({@link SenderConfig#directWrites()}). */
    long directBatches() {
        return link.directBatches();
    }

    /** The depth relay, or null when depth is off. */
    DepthRelay depthRelay() {
        return depth;
    }

    /** The depth relay's counters; {@link DepthRelayStats#NONE} when depth is off ({@code INCLUDE_DEPTH=false}). */
    public DepthRelayStats depthStats() {
        return depth == null ? DepthRelayStats.NONE : depth.stats();
    }

    /** Binance connections: one per shard of the symbols. */
    int binanceShards() {
        return binance.size();
    }

    /** Whether every shard's Binance connection is open. */
    private boolean binanceConnected() {
        for (BinanceLeg leg : binance) {
            if (!leg.connected()) {
                return false;
            }
        }
        return true;
    }

    private long sum(java.util.function.ToLongFunction<BinanceLeg> counter) {
        long total = 0;
        for (BinanceLeg leg : binance) {
            total += counter.applyAsLong(leg);
        }
        return total;
    }

    /** The error that stopped the receiver writer (a bug), or null while it runs normally. */
    public Throwable failure() {
        return link.failure();
    }

    /**
     * Closes the Binance leg, then writes what is left and closes the receiver leg, joins the threads and logs the
     * final stats line. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("Stopping {}", NAME);
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        binance.forEach(BinanceLeg::close);
        if (depth != null) {
            depth.close();
        }
        if (backfill != null) {
            backfill.close(); // before the ingest closes: what it fetched is still taken and written
        }
        ingest.close();
        link.close();
        if (journal != null) {
            journal.close();
        }
        logInvalidExample();
        log.info("{} {}", stats().logLine(), binanceLine());
        log.info("Stopped session {}", sessionId);
    }

    private void logStats() {
        try {
            logInvalidExample();
            log.info("{} {}", stats().logLine(), binanceLine());
        } catch (RuntimeException e) {
            log.error("Stats logging failed", e);
        }
    }

    private long clampedAtLastLine; // latency clamps counted up to the last stats line; guarded by this

    /**
     * The Binance leg's part of the stats line: attempts, rollovers, duplicates, and the Binance-to-sender latency
     * (receive wall clock - E) over the interval since the last line, or why there is none; then the batches the
     * Binance threads wrote to the receiver themselves since start ({@link SenderConfig#directWrites()}).
     */
    private synchronized String binanceLine() {
        latencyInterval = ingest.binanceLatencyInterval(latencyInterval);
        long clamped = ingest.latencyClamped();
        long clampedInInterval = clamped - clampedAtLastLine;
        clampedAtLastLine = clamped;
        String latency;
        if (!ingest.sawEventTime()) {
            latency = "binance_latency=n/a (spot bookTicker has no E)";
        } else if (latencyInterval.getTotalCount() == 0) {
            latency = "binance_latency{p50=- p99=-}";
        } else if (clampedInInterval * 2 > latencyInterval.getTotalCount()) { // most at a bound: not a latency
            latency = "binance_latency{p50=- p99=- clamped=" + clamped + ": most event times E ahead of this clock or"
                    + " over 1 h behind it (a replay, or clocks apart)}";
        } else {
            latency = "binance_latency{p50=" + latencyInterval.getValueAtPercentile(50) + "ms p99="
                    + latencyInterval.getValueAtPercentile(99) + "ms clamped=" + ingest.latencyClamped() + "}";
        }
        return "binance{" + (binance.size() == 1 ? "" : "connections=" + binance.size() + " ") + "attempts="
                + binanceAttempts() + " rollovers=" + binanceRollovers() + " duplicates=" + ingest.duplicates() + "} "
                + latency + " direct_writes=" + link.directBatches() + " feed_outages=" + outages.reported()
                + " feed_outage_ms=" + outages.reportedMillis()
                + (journal == null ? "" : " journal{inherited_seq=" + inheritedSeq + " resent_inherited="
                        + link.resentInherited() + " conflated_inherited=" + link.conflatedInherited() + " syncs="
                        + journal.forces() + "}")
                + (depth == null ? "" : " " + depth.statsLine());
    }

    /** Feed outages that ended since start (reported to the receiver, or waiting to be written). */
    long feedOutages() {
        return outages.reported();
    }

    /** The summed length of {@link #feedOutages()}, ms. */
    long feedOutageMillis() {
        return outages.reportedMillis();
    }

    /** The last seq taken by earlier lives of this session ({@code JOURNAL_DIR}); 0 for a new session. */
    long inheritedSeq() {
        return inheritedSeq;
    }

    private void checkWriteStall() {
        try {
            link.checkWriteStall();
        } catch (RuntimeException e) {
            log.error("Write-stall check failed", e);
        }
    }

    /** At most once per stats interval: how many invalid messages, with one example. */
    private synchronized void logInvalidExample() {
        String example = ingest.takeInvalidExample();
        if (example == null) {
            return;
        }
        long total = 0;
        for (InvalidReason r : InvalidReason.values()) {
            long now = ingest.invalid(r);
            total += now - invalidAtLastLog[r.ordinal()];
            invalidAtLastLog[r.ordinal()] = now;
        }
        log.warn("{} invalid Binance message(s) since the last stats line, e.g. {}", total, example);
    }

    private static String newSessionId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static String version() {
        try (InputStream in = Sender.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v.trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        String v = Sender.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
