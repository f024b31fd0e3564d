package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The receiver's link timers on real TLS loopback sockets: silence timeout, pings and the clock offset, a sender
 * that never answers, the connection limit, and staleness.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LinkTimersTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RecordingTickerListener listener = new RecordingTickerListener();
    /** Staleness events and quotes in order, with the calling thread: "stale BTCUSDT relay-receiver-staleness". */
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Receiver receiver;

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        assertTrue(errors.isEmpty(), () -> "unexpected errors: " + errors);
    }

    @Test
    void closesASenderThatSaidHelloAndFellSilent() throws IOException {
        start(b -> b.silenceTimeout(300, TimeUnit.MILLISECONDS).pingInterval(0, TimeUnit.SECONDS));
        FakeSender sender = connect();
        sender.hello("s1", 0, "BTCUSDT").quote(1, "BTCUSDT", 1, 2);
        listener.assertNextQuote("BTCUSDT", 1);
        assertTrue(sender.awaitClosedByPeer(WAIT), "closed for silence");
        RecordingTickerListener.Disconnected d = listener.assertDisconnected();
        assertTrue(String.valueOf(d.cause()).contains("silence timeout"), String.valueOf(d.cause()));
        assertEquals(1, receiver.stats().silenceTimeouts());
    }

    @Test
    void heartbeatsKeepASenderAlive() throws Exception {
        start(b -> b.silenceTimeout(300, TimeUnit.MILLISECONDS).pingInterval(0, TimeUnit.SECONDS));
        FakeSender sender = connect();
        sender.hello("s1", 0, "BTCUSDT");
        for (int i = 0; i < 10; i++) { // 1 s of heartbeats every 100 ms: more than three silence timeouts
            Thread.sleep(100);
            sender.heartbeat();
        }
        sender.quote(1, "BTCUSDT", 1, 2);
        listener.assertNextQuote("BTCUSDT", 1);
        assertEquals(0, receiver.stats().silenceTimeouts());
        assertEquals(1, receiver.stats().connectionsOpen());
    }

    @Test
    void neverClosesALegacySenderForSilence() throws Exception {
        start(b -> b.silenceTimeout(200, TimeUnit.MILLISECONDS).pingInterval(0, TimeUnit.SECONDS));
        FakeSender sender = connect();
        sender.quote(1, "BTCUSDT", 1, 2); // no hello: the original Python sender, which writes no heartbeats
        listener.assertNextQuote("BTCUSDT", 1);
        Thread.sleep(1_000);
        sender.quote(2, "BTCUSDT", 1, 2);
        listener.assertNextQuote("BTCUSDT", 2);
        assertEquals(0, receiver.stats().silenceTimeouts());
    }

    @Test
    void aSenderThatAnswersPingsGetsItsLatencyCorrectedForItsClockOffset() throws IOException {
        start(b -> b.pingInterval(50, TimeUnit.MILLISECONDS));
        FakeSender sender = connect();
        sender.hello("s1", 0, "BTCUSDT");
        long skew = TimeUnit.SECONDS.toNanos(5); // the sender's clock is 5 s ahead
        for (int i = 0; i < 3; i++) {
            long[] ping = sender.awaitPing(WAIT);
            assertNotNull(ping, "a ping");
            long t2 = EpochNanoClock.SYSTEM.epochNanos() + skew;
            sender.pong(ping[0], ping[1], t2, EpochNanoClock.SYSTEM.epochNanos() + skew); // t3 just before the write
        }
        Await.until("offset known", WAIT, () -> receiver.stats().rttSamples() >= 3, receiver::stats);
        BookTicker q = new BookTicker().set("BTCUSDT", 1, 1, 2, 1, 7, 0).seq(1)
                .sendEpochNanos(EpochNanoClock.SYSTEM.epochNanos() + skew);
        sender.quote(q);
        listener.assertNextQuote("BTCUSDT", 1);
        ReceiverStats s = receiver.stats();
        assertTrue(s.clockOffsetKnown());
        assertTrue(Math.abs(s.clockOffsetNanos() - skew) < TimeUnit.MILLISECONDS.toNanos(500), s::toString);
        // uncorrected: -5 s, clamped to 0 (and counted); corrected: a sub-second one-way latency, not clamped (an
        // estimate that undershoots by more than this one quote's latency gives it 0 and raises the estimate to it)
        assertEquals(0, s.p50OneWayUncorrectedNanos(), s::toString);
        assertTrue(s.p50OneWayNanos() >= 0 && s.p50OneWayNanos() < TimeUnit.MILLISECONDS.toNanos(500), s::toString);
        assertEquals(0, s.latencyUncorrected());
        assertEquals(0, s.latencyClamped());
    }

    @Test
    void aLegacySenderIsNeverPingedAndItsLatencyIsUncorrected() throws Exception {
        start(b -> b.pingInterval(50, TimeUnit.MILLISECONDS));
        FakeSender sender = connect();
        sender.quote(1, "BTCUSDT", 1, 2); // the original sender: no hello, reads nothing
        listener.assertNextQuote("BTCUSDT", 1);
        assertEquals(null, sender.awaitPing(Duration.ofMillis(500)), "nothing written to a sender without hello");
        ReceiverStats s = receiver.stats();
        assertEquals(1, s.sendersNotAnswering(), s::toString);
        assertEquals(1, s.latencyUncorrected(), s::toString);
        assertTrue(s.p50OneWayNanos() > 0, "measured from the first quote: " + s);
    }

    @Test
    void aSenderThatNeverAnswersGetsThreePingsThenUncorrectedLatency() throws Exception {
        start(b -> b.pingInterval(50, TimeUnit.MILLISECONDS));
        FakeSender sender = connect();
        sender.hello("s1", 0, "BTCUSDT").quote(1, "BTCUSDT", 1, 2); // a sender that reads but never answers
        listener.assertNextQuote("BTCUSDT", 1);
        Await.until("given up pinging", WAIT, () -> receiver.stats().sendersNotAnswering() == 1, receiver::stats);
        sender.quote(2, "BTCUSDT", 1, 2);
        listener.assertNextQuote("BTCUSDT", 2);
        while (sender.awaitPing(Duration.ofMillis(500)) != null) {
            // read what was written
        }
        assertEquals(Connection.UNANSWERED_PINGS_LIMIT, sender.pings(), "pings stop after the limit");
        ReceiverStats s = receiver.stats();
        assertTrue(s.latencyUncorrected() >= 1, s::toString);
        assertTrue(!s.clockOffsetKnown(), s::toString);
        assertEquals(1, receiver.stats().connectionsOpen(), "a sender that does not answer is not closed");
    }

    @Test
    void refusesConnectionsBeyondTheLimitAsCapacityNotAsAHandshakeFailure() throws IOException {
        start(b -> b.maxConnections(2));
        connect();
        connect();
        try {
            FakeSender third = FakeSender.connect(receiver.port());
            closeables.add(third);
            // TLS 1.3: the client's handshake may complete before the receiver has checked the limit
            assertTrue(third.awaitClosedByPeer(WAIT), "the third sender is closed");
        } catch (IOException e) {
            // closed while the client was still finishing its handshake: fine too
        }
        Await.until("refusal counted", WAIT, () -> receiver.stats().refusedAtConnectionLimit() == 1,
                receiver::stats);
        assertEquals(1, receiver.stats().refusedForCapacity());
        assertEquals(0, receiver.stats().handshakeFailures(), "capacity is not a handshake failure");
        assertEquals(2, receiver.stats().connectionsOpen());
        assertEquals(2, receiver.stats().connectionsAccepted());
        listener.assertNoMoreEvents(); // no onConnected for the refused one
    }

    @Test
    void reportsASymbolStaleThenFreshAndTellsItsAge() throws Exception {
        TickerListener recording = new TickerListener() {
            @Override
            public void onBookTicker(BookTicker quote) {
                events.add("quote " + quote.symbol() + " " + quote.seq());
            }

            @Override
            public void onStale(String symbol, long ageNanos) {
                assertTrue(ageNanos >= TimeUnit.MILLISECONDS.toNanos(200), "age " + ageNanos);
                events.add("stale " + symbol + " " + Thread.currentThread().getName());
            }

            @Override
            public void onFresh(String symbol) {
                events.add("fresh " + symbol + " " + Thread.currentThread().getName());
            }
        };
        receiver = Receiver.start(config(b -> b.staleAfter(200, TimeUnit.MILLISECONDS)
                .pingInterval(0, TimeUnit.SECONDS)).build(), recording);
        FakeSender sender = FakeSender.connect(receiver.port());
        closeables.add(sender);
        assertEquals(-1, receiver.ageNanos("BTCUSDT"));
        sender.hello("s1", 0, "BTCUSDT").quote(1, "BTCUSDT", 1, 2);
        Await.until("quote 1", WAIT, () -> events.contains("quote BTCUSDT 1"));
        assertTrue(receiver.ageNanos("BTCUSDT") >= 0);
        assertEquals(-1, receiver.ageNanos("ETHUSDT"));
        Await.until("stale", WAIT, () -> events.size() == 2, events::toString);
        assertEquals("stale BTCUSDT relay-receiver-staleness", events.get(1));
        assertTrue(receiver.ageNanos("BTCUSDT") >= TimeUnit.MILLISECONDS.toNanos(200));
        sender.heartbeat();
        sender.quote(2, "BTCUSDT", 1, 2);
        Await.until("fresh and quote 2", WAIT, () -> events.size() == 4, events::toString);
        assertTrue(events.get(2).startsWith("fresh BTCUSDT relay-receiver-conn-"), events::toString);
        assertEquals("quote BTCUSDT 2", events.get(3), "onFresh comes before the fresh quote");
        assertEquals(1, receiver.stats().staleEvents());
    }

    private ReceiverConfig.Builder config(UnaryOperator<ReceiverConfig.Builder> customize) {
        TestCerts certs = TestCerts.project();
        return customize.apply(ReceiverConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                .errorHandler(errors::add));
    }

    private void start(UnaryOperator<ReceiverConfig.Builder> customize) {
        receiver = Receiver.start(config(customize).build(), listener);
    }

    private FakeSender connect() throws IOException {
        FakeSender s = FakeSender.connect(receiver.port());
        closeables.add(s);
        listener.assertConnected();
        return s;
    }
}
