package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.FaultProxy;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network faults between the sender and the receiver, injected by a {@link FaultProxy}, with the real replay
 * server, sender and receiver on loopback. After each: no crash, the link recovers, and every update the sender
 * took is either delivered exactly once to the receiver's listener or counted as a gap there
 * ({@code taken == delivered + gaps}). Silence timeouts are 2 s on both sides here (5 s by default).
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(90)
class LinkFaultTest {
    private static final Logger log = LoggerFactory.getLogger(LinkFaultTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SILENCE_MS = 2_000;

    private final RecordingTickerListener listener = new RecordingTickerListener();
    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        receiver = Receiver.start(RelayFixture.receiverConfig(0)
                .silenceTimeout(SILENCE_MS, TimeUnit.MILLISECONDS)
                .pingInterval(250, TimeUnit.MILLISECONDS)
                .handshakeTimeout(1, TimeUnit.SECONDS)
                .build(), listener);
        proxy = FaultProxy.start("127.0.0.1", receiver.port());
        // USD-M BTCUSDT at 10x: about 1,900 updates/s
        replay = RelayFixture.replay(SharedData.USDM_BTCUSDT_20240808, 10);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, proxy.port())
                .receiverSilenceTimeout(SILENCE_MS, TimeUnit.MILLISECONDS)
                .receiverConnectTimeout(1, TimeUnit.SECONDS)
                .receiverReconnect(20, 500, TimeUnit.MILLISECONDS)
                .build());
        Await.until("2,000 quotes delivered", WAIT, () -> listener.size() >= 2_000, receiver::stats);
    }

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, proxy, receiver, replay);
    }

    @Test
    void stallInBothDirectionsIsDetectedByBothSidesAndRecovered() throws Exception {
        long reconnectsBefore = sender.stats().receiverReconnects();
        proxy.stall(true);
        long stalledAt = System.nanoTime();
        Await.until("the receiver closes the silent connection", WAIT,
                () -> receiver.stats().silenceTimeouts() >= 1, receiver::stats);
        Await.until("the sender drops the silent connection", WAIT, () -> !sender.stats().receiverConnected(),
                sender::stats);
        log.info("both sides detected the stall after {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                - stalledAt));
        proxy.stall(false);
        awaitRecovered(reconnectsBefore);
        finishAndAssertEveryUpdateAccountedFor(true);
    }

    @Test
    void resetIsRecovered() throws Exception {
        long reconnectsBefore = sender.stats().receiverReconnects();
        assertEquals(1, proxy.resetAll());
        awaitRecovered(reconnectsBefore);
        finishAndAssertEveryUpdateAccountedFor(false);
    }

    @Test
    void throttledLinkConflatesWithoutHoldingUpBinance() throws Exception {
        proxy.throttle(FaultProxy.Direction.UPSTREAM, 30_000); // ~200 quotes/s against ~1,900 taken per second
        proxy.delay(FaultProxy.Direction.UPSTREAM, 5).delay(FaultProxy.Direction.DOWNSTREAM, 5);
        Await.until("the sender conflates", WAIT, () -> sender.stats().conflated() > 1_000, sender::stats);
        long taken0 = sender.stats().taken();
        int delivered0 = listener.size();
        Await.until("3,000 more updates taken", WAIT, () -> sender.stats().taken() >= taken0 + 3_000,
                sender::stats);
        long takenDelta = sender.stats().taken() - taken0;
        long deliveredDelta = listener.size() - delivered0;
        log.info("throttled: {} taken, {} delivered meanwhile", takenDelta, deliveredDelta);
        assertTrue(takenDelta > 2 * deliveredDelta, "the WebSocket side kept taking at Binance's pace while the"
                + " link was throttled: taken " + takenDelta + ", delivered " + deliveredDelta);
        assertEquals(1, replay.connectionsOpened(), "Binance was never disconnected");
        assertEquals(0, sender.stats().binanceReconnects());
        proxy.throttle(FaultProxy.Direction.UPSTREAM, 0);
        finishAndAssertEveryUpdateAccountedFor(true);
        assertTrue(receiver.stats().gaps() >= sender.stats().conflated(), "conflated updates are gaps: "
                + receiver.stats() + " / " + sender.stats());
    }

    private void awaitRecovered(long reconnectsBefore) {
        Await.until("the sender reconnected", WAIT, () -> sender.stats().receiverConnected()
                && sender.stats().receiverReconnects() > reconnectsBefore, sender::stats);
        int now = listener.size();
        Await.until("1,000 more quotes delivered", WAIT, () -> listener.size() >= now + 1_000, receiver::stats);
        assertEquals(1, receiver.stats().connectionsOpen(), () -> "one live connection: " + receiver.stats());
    }

    /** Stops Binance, waits until the last update taken reached the receiver, and checks the accounting. */
    private void finishAndAssertEveryUpdateAccountedFor(boolean expectGaps) throws Exception {
        replay.close();
        long messages = replay.messagesSent(); // final once closed
        // (not binanceConnected: the replay's close does not always reach the client at once)
        Await.until("the sender took every message the replay sent", WAIT,
                () -> sender.stats().received() == messages, sender::stats);
        long taken = sender.stats().taken();
        Await.until("every taken update accounted for", WAIT, () -> {
            SenderStats s = sender.stats();
            ReceiverStats r = receiver.stats();
            return s.sent() + s.dropped() + s.conflated() == taken && r.symbol("BTCUSDT") != null
                    && r.symbol("BTCUSDT").lastSeq() == taken;
        }, () -> sender.stats() + " / " + receiver.stats());
        ReceiverStats r = receiver.stats();
        SenderStats s = sender.stats();
        log.info("taken {} = delivered {} + gaps {}; sender sent {} dropped {} conflated {}", taken,
                listener.size(), r.gaps(), s.sent(), s.dropped(), s.conflated());
        Set<Long> seen = new HashSet<>();
        for (BookTicker q : listener.quotes) {
            assertTrue(seen.add(q.seq()), "seq " + q.seq() + " delivered twice");
        }
        assertEquals(0, r.duplicates());
        assertEquals(taken, listener.size() + r.gaps(), () -> "taken == delivered + gaps: " + s + " / " + r);
        assertEquals(r.gaps(), listener.missing.get(), "onGap reported every gap");
        if (expectGaps) {
            assertTrue(r.gaps() > 0, "the fault lost updates, counted as gaps");
        }
    }
}
