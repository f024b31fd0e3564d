package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.ConnectionAttacker;
import eu.bborelay.common.testing.ConnectionAttacker.Mode;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Clients without a certificate attack the handshake on loopback (from 127.0.0.2 and up) while a sender with the
 * project's certificate (from 127.0.0.1) reconnects throughout with a full-jitter backoff, as the real sender does:
 * a slow-loris that trickles a ClientHello one byte per second, 500 idle connections, and a flood that re-takes every
 * place the receiver frees. The sender never has an attempt refused, and the attackers' refusals are counted as
 * capacity or as handshakes that missed their deadline, never as anything else.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HandshakeAttackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The legitimate sender's backoff: full jitter between 0 and min(MAX, MIN * 2^n), as the sender's. */
    private static final long BACKOFF_MIN_MILLIS = 20;
    private static final long BACKOFF_MAX_MILLIS = 200;

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicLong lastDelivered = new AtomicLong();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Receiver receiver;
    private long seq;
    /** Attempts of the legitimate sender that failed (refused, closed, timed out). */
    private int legitFailures;
    /** Per legitimate connection: ms from its first attempt to its quote delivered. */
    private final List<Long> legitWaitsMillis = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (receiver != null) {
            receiver.close();
        }
        assertTrue(errors.isEmpty(), () -> "unexpected errors: " + errors);
    }

    @Test
    void slowLorisIsClosedAtTheTotalDeadlineAndNeverKeepsTheSenderOut() throws Exception {
        start(b -> b.handshakeTimeout(2, TimeUnit.SECONDS).maxPendingHandshakes(16)
                .maxPendingHandshakesPerAddress(4));
        // 5 addresses x 6: 2 per address over its limit, 20 admissible for 16 places: refusals and evictions too
        ConnectionAttacker loris = attack(ConnectionAttacker.start("loris", receiver.port(), sources(5), 6,
                Mode.SLOW_LORIS, Duration.ofSeconds(1), true, 2_000, Duration.ofSeconds(40)));
        Counters c = receiver.context().counters;
        Await.until("the slow-loris holds every pending place", WAIT,
                () -> receiver.context().handshakes.size() == 16, loris::toString);

        for (int i = 0; i < 3; i++) {
            legitimateSenderGetsIn();
        }
        // A connection sending one byte a second never hits a per-read timeout: only the total deadline closes it.
        Await.until("slow-loris connections closed at their deadline after trickling several bytes", WAIT,
                () -> c.handshakeTimeouts.sum() >= 16 && loris.maxBytesBeforeClose() >= 2,
                () -> loris + " " + counters());
        for (int i = 0; i < 2; i++) {
            legitimateSenderGetsIn();
        }
        assertTrue(receiver.context().handshakes.size() <= 16);
        // before the attacker closes its connections, which would end their handshakes as failures
        assertEquals(c.handshakeTimeouts.sum(), c.handshakeFailures.sum(),
                "every failed handshake is a missed deadline (nothing misread as a certificate problem)");
        loris.close();
        Await.until("every pending handshake ends", WAIT, () -> receiver.context().handshakes.size() == 0);

        assertEquals(0, legitFailures, () -> "the sender was refused; waits " + legitWaitsMillis);
        assertTrue(c.refusedPerAddress.sum() > 0, this::counters);
        assertTrue(c.handshakesEvicted.sum() > 0, this::counters);
        assertEquals(0, c.refusedAtConnectionLimit.sum());
        assertEquals(1 + 5, c.connectionsAccepted.sum());
        System.out.printf("slow-loris: legitimate sender waits (ms, connect to quote delivered) %s; %s; %s%n",
                legitWaitsMillis, loris, counters());
    }

    @Test
    void fiveHundredIdleConnectionsHoldNoMoreThanThePendingLimit() throws Exception {
        start(b -> b); // defaults: 5 s total deadline, 64 pending, 8 per address
        Footprint before = Footprint.now();
        // 10 addresses x 50 = 500 idle connections, never replaced; 50 at a time, so that the listen backlog (64)
        // takes each batch and the receiver sees every one within the handshake deadline
        Counters c = receiver.context().counters;
        List<String> sources = sources(10);
        for (int i = 0; i < sources.size(); i++) {
            ConnectionAttacker idle = attack(ConnectionAttacker.start("idle-" + i, receiver.port(),
                    List.of(sources.get(i)), 50, Mode.IDLE, Duration.ofSeconds(1), false, 50, Duration.ofSeconds(60)));
            long accounted = 50L * (i + 1);
            Await.until("the receiver accepted " + accounted + " connections", WAIT, () -> c.refusedPerAddress.sum()
                    + c.refusedPendingFull.sum() + c.handshakesEvicted.sum() + receiver.context().handshakes.size()
                    == accounted, () -> idle + " " + counters());
        }
        Await.until("the pending handshakes are capped", WAIT,
                () -> receiver.context().handshakes.size() == 64 && connectionThreads() <= 64,
                () -> counters() + " " + connectionThreads() + " threads");
        Footprint under = Footprint.now();
        for (String source : sources) {
            assertTrue(receiver.context().handshakes.size(InetAddress.getByName(source)) <= 8, source);
        }
        legitimateSenderGetsIn(); // evicts one of them, unless the first have expired already

        Await.until("the idle handshakes expire at their deadline", WAIT,
                () -> receiver.context().handshakes.size() == 0 && c.handshakeTimeouts.sum() + c.handshakesEvicted.sum()
                        + c.refusedPerAddress.sum() + c.refusedPendingFull.sum() == 500, this::counters);
        assertEquals(c.handshakeTimeouts.sum(), c.handshakeFailures.sum(), "capacity is not a handshake failure");
        Await.until("their threads end", WAIT, () -> connectionThreads() <= 2); // the sender's reader and pinger
        legitimateSenderGetsIn();
        assertEquals(0, legitFailures);
        System.out.printf("500 idle connections: before %s; while open %s (receiver connection threads %d at most"
                + " 64); legitimate sender waits %s ms; %s%n", before, under, 64, legitWaitsMillis, counters());
    }

    @Test
    void aFloodRetakingEveryFreedPlaceNeverKeepsTheSenderOut() throws Exception {
        start(b -> b.handshakeTimeout(3, TimeUnit.SECONDS).maxPendingHandshakes(16)
                .maxPendingHandshakesPerAddress(4));
        // 8 addresses x 8: half of them refused per address and re-dialled at once, the rest evicting each other
        ConnectionAttacker flood = attack(ConnectionAttacker.start("flood", receiver.port(), sources(8), 8,
                Mode.IDLE, Duration.ofSeconds(1), true, 20_000, Duration.ofSeconds(40)));
        Counters c = receiver.context().counters;
        Await.until("the flood is re-taking freed places", WAIT,
                () -> c.refusedPerAddress.sum() + c.refusedPendingFull.sum() > 1_000
                        && receiver.context().handshakes.size() == 16,
                () -> flood + " " + counters());
        for (int i = 0; i < 5; i++) {
            legitimateSenderGetsIn();
        }
        boolean floodStillRunning = !flood.ended() && flood.opened() < 20_000;
        // before the flood closes its connections, which would end their handshakes as failures
        assertEquals(0, c.handshakeFailures.sum() - c.handshakeTimeouts.sum(), this::counters);
        flood.close();
        assertEquals(0, legitFailures, () -> "the sender was refused; waits " + legitWaitsMillis);
        assertTrue(floodStillRunning, () -> "the flood ended before the sender's last connection: " + flood);
        assertEquals(1 + 5, c.connectionsAccepted.sum());
        System.out.printf("flood: legitimate sender waits (ms, connect to quote delivered) %s; %s; %s%n",
                legitWaitsMillis, flood, counters());
    }

    /**
     * One connection of the legitimate sender: dials with the project's certificate, retrying with backoff until
     * a handshake succeeds, says hello, sends a quote, waits for its delivery and closes.
     */
    private void legitimateSenderGetsIn() throws IOException, InterruptedException {
        long start = System.nanoTime();
        int attempt = 0;
        FakeSender sender = null;
        while (sender == null) {
            try {
                FakeSender s = FakeSender.connect(receiver.port());
                s.hello("legit", seq, "BTCUSDT");
                seq++;
                s.quote(seq, "BTCUSDT", 100, 101);
                sender = s;
            } catch (IOException e) {
                legitFailures++;
                long ceiling = Math.min(BACKOFF_MAX_MILLIS, BACKOFF_MIN_MILLIS << Math.min(attempt++, 10));
                Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
            }
        }
        long expected = seq;
        Await.until("the legitimate sender's quote " + expected + " is delivered", WAIT,
                () -> lastDelivered.get() == expected, this::counters);
        legitWaitsMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        sender.close();
        Await.until("the legitimate sender's connection ends", WAIT,
                () -> receiver.context().counters.connectionsOpen.get() == 0);
    }

    private String counters() {
        Counters c = receiver.context().counters;
        return "accepted=" + c.connectionsAccepted.sum() + " handshake_failures=" + c.handshakeFailures.sum()
                + " handshake_timeouts=" + c.handshakeTimeouts.sum() + " refused_per_address="
                + c.refusedPerAddress.sum() + " refused_pending_full=" + c.refusedPendingFull.sum() + " evicted="
                + c.handshakesEvicted.sum() + " refused_at_limit=" + c.refusedAtConnectionLimit.sum() + " pending="
                + receiver.context().handshakes.size();
    }

    /** Live {@code relay-receiver-conn-*} threads (readers and pingers). */
    static int connectionThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("relay-receiver-conn-") && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /** Threads of this JVM, its heap in use after a GC, and its resident set. */
    record Footprint(int threads, long heapUsedKib, long rssKib) {
        static Footprint now() throws IOException {
            System.gc();
            long rss = Arrays.stream(Files.readString(Path.of("/proc/self/status")).split("\n"))
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(-1);
            return new Footprint(ManagementFactory.getThreadMXBean().getThreadCount(),
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024, rss);
        }
    }

    private static List<String> sources(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("127.0.0." + (2 + i));
        }
        return out;
    }

    private ConnectionAttacker attack(ConnectionAttacker a) {
        closeables.add(a);
        return a;
    }

    private void start(UnaryOperator<ReceiverConfig.Builder> customize) {
        TestCerts certs = TestCerts.project();
        ReceiverConfig.Builder b = ReceiverConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                .errorHandler(errors::add);
        receiver = Receiver.start(customize.apply(b).build(), new TickerListener() {
            @Override
            public void onBookTicker(BookTicker quote) {
                lastDelivered.set(quote.seq());
            }
        });
        // The sender was connected before the attack, as in production: the first TLS handshake of a JVM (both
        // ends here) loads and compiles the TLS stack and can take seconds on a loaded machine.
        try {
            legitimateSenderGetsIn();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        legitWaitsMillis.clear();
    }
}
