package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.FaultProxy;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.ArbitrationStats;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A/B senders (issue 10 part 4): two senders, each with its own Binance connection to the same replay, relay through
 * two fault proxies to one receiver that arbitrates. Path A is stalled for 10 s (both sides time out and it
 * reconnects), then path B is reset twice. Each path has holes of its own; the merged stream the listener sees has
 * none: 0 merged gaps, quotes in strictly increasing update id, each once.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(90)
class ABSendersTest {
    private static final Logger log = LoggerFactory.getLogger(ABSendersTest.class);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long SILENCE_MS = 2_000;

    private final RecordingTickerListener listener = new RecordingTickerListener() {
        @Override
        public void onMergedGap(String symbol, String type, long afterId, long beforeId) {
            mergedGapCalls.incrementAndGet();
        }
    };
    private final AtomicLong mergedGapCalls = new AtomicLong();
    private BinanceReplayServer replay;
    private Receiver receiver;
    private FaultProxy proxyA;
    private FaultProxy proxyB;
    private Sender senderA;
    private Sender senderB;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(senderA, senderB, proxyA, proxyB, receiver, replay);
    }

    @Test
    void onePathStalledTheOtherResetTwiceAndTheMergedStreamHasNoGap() throws Exception {
        receiver = Receiver.start(RelayFixture.receiverConfig(0)
                .arbitration(true)
                .silenceTimeout(SILENCE_MS, TimeUnit.MILLISECONDS)
                .pingInterval(250, TimeUnit.MILLISECONDS)
                .handshakeTimeout(1, TimeUnit.SECONDS)
                .build(), listener);
        proxyA = FaultProxy.start("127.0.0.1", receiver.port());
        proxyB = FaultProxy.start("127.0.0.1", receiver.port());
        // USD-M BTCUSDT at 10x: about 1,900 quotes/s; both senders subscribe to the same replay (one timeline)
        replay = RelayFixture.replay(SharedData.USDM_BTCUSDT_20240808, 10);
        senderA = sender(proxyA);
        senderB = sender(proxyB);
        String a = pathName(senderA);
        String b = pathName(senderB);
        Await.until("both paths deliver", WAIT, () -> copies(a) >= 1_000 && copies(b) >= 1_000, receiver::stats);

        proxyA.stall(true);
        Thread.sleep(10_000);
        proxyA.stall(false);
        ArbitrationStats.PathStats stalled = path(a);
        log.info("after the stall of A: {}", stalled);
        awaitFlowing(a);

        for (int i = 0; i < 2; i++) {
            long reconnects = senderB.stats().receiverReconnects();
            assertEquals(1, proxyB.resetAll());
            Await.until("B reconnected", WAIT, () -> senderB.stats().receiverConnected()
                    && senderB.stats().receiverReconnects() > reconnects, senderB::stats);
            awaitFlowing(b);
        }

        replay.close();
        awaitStill(senderA);
        awaitStill(senderB);
        Await.until("both paths drained", WAIT, () -> drained(senderA, a) && drained(senderB, b),
                receiver::stats);

        ArbitrationStats arb = receiver.stats().arbitration();
        ArbitrationStats.PathStats pa = arb.path(a);
        ArbitrationStats.PathStats pb = arb.path(b);
        log.info("merged gaps {}; A {}; B {}", arb.mergedGaps(), pa, pb);
        assertEquals(0, arb.mergedGaps(), () -> "no update lost on both paths: " + arb);
        assertEquals(0, mergedGapCalls.get());
        assertTrue(pa.gaps() > 0 && pa.holes() >= 1, () -> "the stall left a hole in path A: " + pa);
        assertTrue(pb.gaps() > 0 && pb.holes() >= 1, () -> "the resets left holes in path B: " + pb);
        assertTrue(pa.won() > 0 && pb.won() > 0, () -> "both paths won updates: " + arb);
        assertEquals(listener.size(), pa.won() + pb.won(), "each delivered quote won on one path");
        assertTrue(pa.latencySamples() > 0 && pb.latencySamples() > 0 && pa.p50OneWayNanos() > 0
                && pb.p50OneWayNanos() > 0, () -> "latency per path: " + arb);

        // The merged stream: each update id once, in increasing order; against the recording, what was not delivered
        List<BookTicker> quotes = listener.quotes;
        Set<Long> delivered = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (BookTicker q : quotes) {
            assertTrue(q.updateId() > previous, () -> "update ids increase: " + q);
            previous = q.updateId();
            delivered.add(q.updateId());
        }
        long first = quotes.get(0).updateId();
        long last = quotes.get(quotes.size() - 1).updateId();
        long recordedBetween = 0;
        long notDelivered = 0;
        for (Recording.Quote r : Recording.read(SharedData.binance(SharedData.USDM_BTCUSDT_20240808)).quotes()) {
            if (r.updateId() >= first && r.updateId() <= last) {
                recordedBetween++;
                if (!delivered.contains(r.updateId())) {
                    notDelivered++;
                }
            }
        }
        log.info("recorded quotes in the delivered range {}, delivered {}, not delivered {} (superseded by a newer"
                + " quote delivered first, or lost on both paths)", recordedBetween, delivered.size(), notDelivered);
        long missed = notDelivered;
        long recorded = recordedBetween;
        assertTrue(missed * 1000 <= recorded, () -> missed + " of " + recorded
                + " recorded quotes not delivered: the paths' holes were not filled");
    }

    private Sender sender(FaultProxy proxy) {
        return Sender.start(RelayFixture.senderConfig("btcusdt", replay, proxy.port())
                .receiverSilenceTimeout(SILENCE_MS, TimeUnit.MILLISECONDS)
                .receiverConnectTimeout(1, TimeUnit.SECONDS)
                .receiverReconnect(20, 500, TimeUnit.MILLISECONDS)
                .build());
    }

    /** The receiver's name of the path of {@code sender}: its host and the first 8 hex digits of its session. */
    private String pathName(Sender sender) {
        String name = "127.0.0.1#" + sender.sessionId().substring(0, 8);
        Await.until("path " + name + " known", WAIT, () -> receiver.stats().arbitration().path(name) != null,
                receiver::stats);
        return name;
    }

    private ArbitrationStats.PathStats path(String name) {
        ArbitrationStats.PathStats p = receiver.stats().arbitration().path(name);
        assertNotNull(p, name);
        return p;
    }

    private long copies(String name) {
        ArbitrationStats.PathStats p = path(name);
        return p.won() + p.duplicates();
    }

    private void awaitFlowing(String name) {
        Await.until("path " + name + " connected", WAIT, () -> path(name).connected(), receiver::stats);
        long now = copies(name);
        Await.until("path " + name + " delivers again", WAIT, () -> copies(name) >= now + 500, receiver::stats);
    }

    /** Waits until {@code sender} took nothing new for 300 ms: the closed replay's last messages are in. */
    private static void awaitStill(Sender sender) throws InterruptedException {
        long before;
        long after = sender.stats().received();
        do {
            before = after;
            Thread.sleep(300);
            after = sender.stats().received();
        } while (after != before);
    }

    /** Every update {@code sender} took reached its path (delivered, or dropped as a copy) or is a gap there. */
    private boolean drained(Sender sender, String name) {
        var s = sender.stats();
        ArbitrationStats.PathStats p = path(name);
        return s.sent() + s.dropped() + s.conflated() == s.taken()
                && p.won() + p.duplicates() + p.stale() + p.gaps() == s.taken();
    }
}
