package eu.bborelay.binance;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binance WebSocket connections for book keepers (the depth recorder, the sender's depth relay), through the shared
 * client ({@link BinanceStreamClient}): the symbols split into as few combined-stream connections as Binance's
 * streams-per-connection limit allows (1024 spot, 200 futures, divided by the streams per symbol), each kept open by reconnecting with {@link Backoff}
 * (1 s .. 60 s, full jitter) within a {@link ConnectionBudget} (10 at once, then one per 10 s: far below Binance's
 * 300 attempts per 5 minutes).
 *
 * <p>Every text message goes to the {@link Sink} with this host's wall clock at arrival; a closed connection
 * resets its symbols' books there ({@code STREAM_RESET}: a new connection does not continue the old one's update
 * ids) and is replaced. Binance closes every connection after 24 h; that costs one resync per symbol a day (no
 * make-before-break rollover here: the diff rows stay gapless per connection, the break is counted).
 *
 * <p>Threads: the client's read threads (messages, close: the sink is called on them), one scheduler (named by the
 * caller; connects and reconnects). Getters from any thread.
 */
public final class StreamConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamConnections.class);

    /** Where the messages go; called on the connections' read threads. */
    public interface Sink {
        /** One WebSocket text message, with this host's wall clock at arrival (ns since the epoch). */
        void offerMessage(String text, long recvEpochNanos);

        /** The connection carrying {@code symbols} was lost: their books must break ({@code STREAM_RESET}). */
        void offerReset(List<String> symbols, String why);
    }

    /** One connection's symbols and state; the fields are read by the owner's stats. */
    public final class Leg {
        final List<String> symbols;
        final URI uri;
        final Backoff backoff = new Backoff(1000, 60_000);
        volatile Client client;
        volatile boolean open;
        volatile long downSinceEpochMs = System.currentTimeMillis();
        final AtomicLong opens = new AtomicLong();

        /** The symbols of this connection. */
        public List<String> symbols() {
            return symbols;
        }

        /** Whether it is open now. */
        public boolean open() {
            return open;
        }

        /** Wall clock (ms since the epoch) since when it is down; meaningless while open. */
        public long downSinceEpochMs() {
            return downSinceEpochMs;
        }

        /** Times it opened. */
        public long opens() {
            return opens.get();
        }

        Leg(List<String> symbols, URI uri) {
            this.symbols = symbols;
            this.uri = uri;
        }
    }

    private final class Client extends BinanceStreamClient {
        private final Leg leg;

        Client(Leg leg) {
            super(leg.uri);
            this.leg = leg;
        }

        @Override
        protected void onOpened(ServerHandshake handshake) {
            leg.open = true;
            leg.opens.incrementAndGet();
            LOG.info("Connected to {} ({} symbols)", leg.uri, leg.symbols.size());
        }

        @Override
        protected void onText(String message, long receivedNanos) {
            Instant now = Instant.now();
            books.offerMessage(message, now.getEpochSecond() * 1_000_000_000L + now.getNano());
        }

        @Override
        protected void onClosed(int code, String reason, boolean remote) {
            boolean wasOpen = leg.open;
            leg.open = false;
            if (wasOpen) {
                leg.downSinceEpochMs = System.currentTimeMillis();
                if (!closing) { // stopping: the books end with the recorder, no break to count
                    books.offerReset(leg.symbols, "connection closed");
                }
                long upNanos = System.nanoTime() - openedAtNanos();
                if (upNanos >= Backoff.STABLE_AFTER.toNanos()) {
                    synchronized (leg) {
                        leg.backoff.reset();
                    }
                }
            }
            if (closing) {
                return;
            }
            long delay;
            synchronized (leg) {
                delay = leg.backoff.nextDelayMillis();
            }
            LOG.warn("Connection to {} closed (code {}, {}{}); reconnecting in {} ms", leg.uri, code,
                    reason == null || reason.isEmpty() ? "no reason" : reason,
                    error() == null ? "" : ", " + error(), delay);
            schedule(() -> openLeg(leg), delay);
        }
    }

    private final Sink books;
    private final List<Leg> legs = new ArrayList<>();
    private final ConnectionBudget budget = new ConnectionBudget(10, TimeUnit.SECONDS.toNanos(10));
    private final ScheduledExecutorService scheduler;
    private volatile boolean closing;

    /**
     * @param wsBase e.g. {@code wss://stream.binance.com:9443}
     * @param kinds the streams of every symbol
     * @param books where the messages go
     * @param threadName the connect scheduler's thread name
     */
    public StreamConnections(URI wsBase, List<String> symbols, List<StreamKind> kinds, Sink books, String threadName) {
        this.books = books;
        StreamSelection selection = StreamSelection.of(kinds.toArray(new StreamKind[0]));
        BinanceMarket market = BinanceMarket.ofStreamUri(wsBase);
        int perConnection = Math.max(1, market.streamsPerConnection() / selection.streamsPerSymbol());
        for (StreamSelection group : selection.byConnectionRoute(wsBase)) {
            for (int i = 0; i < symbols.size(); i += perConnection) {
                List<String> chunk = List.copyOf(symbols.subList(i, Math.min(symbols.size(), i + perConnection)));
                List<String> lower = new ArrayList<>();
                chunk.forEach(s -> lower.add(s.toLowerCase(Locale.ROOT)));
                legs.add(new Leg(chunk, group.streamUri(wsBase, lower)));
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens every connection (in the background). */
    public void start() {
        for (Leg leg : legs) {
            schedule(() -> openLeg(leg), 0);
        }
    }

    private void openLeg(Leg leg) {
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        if (!budget.tryAcquire(now)) {
            schedule(() -> openLeg(leg), Math.max(1, TimeUnit.NANOSECONDS.toMillis(budget.nanosUntilAvailable(now))));
            return;
        }
        Client c = new Client(leg);
        leg.client = c;
        c.connect();
    }

    private void schedule(Runnable r, long delayMs) {
        try {
            scheduler.schedule(r, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** The connections. */
    public List<Leg> legs() {
        return legs;
    }

    /** Closes every connection (their books are not reset: the recorder is stopping). */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        for (Leg leg : legs) {
            Client c = leg.client;
            if (c != null) {
                try {
                    c.closeBlocking();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
