package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.FaultProxy;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.receiver.TickerListener;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency truth across skewed clocks: sender and receiver each get a wall clock shifted by a fixed amount, and a
 * {@link FaultProxy} between them adds 20 ms each way. The receiver's ping/pong offset estimate must cancel the
 * skew: the corrected one-way latency comes out at the injected 20 ms (within 10%), whatever the skew, while the
 * uncorrected figure is off by the skew.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ClockCorrectionTest {
    private static final Logger log = LoggerFactory.getLogger(ClockCorrectionTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long DELAY_MS = 20;

    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;
    private FaultProxy proxy;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, proxy, receiver, replay);
    }

    private static EpochNanoClock skewed(long skewMillis) {
        long skewNanos = TimeUnit.MILLISECONDS.toNanos(skewMillis);
        return () -> EpochNanoClock.SYSTEM.epochNanos() + skewNanos;
    }

    @ParameterizedTest(name = "sender clock {0} ms, receiver clock {1} ms")
    @CsvSource({"50, -200", "-200, 50", "0, 0"})
    @Timeout(60)
    void correctedOneWayLatencyIsTheInjectedDelayWhateverTheSkew(long senderSkewMs, long receiverSkewMs)
            throws Exception {
        // raw one-way latencies (receive - ts, both as the skewed clocks say) seen by the listener once armed
        long[] raw = new long[500];
        AtomicInteger rawCount = new AtomicInteger(-1);
        TickerListener listener = quote -> {
            int i = rawCount.get();
            if (i >= 0 && i < raw.length) {
                raw[i] = quote.receiveEpochNanos() - quote.sendEpochNanos();
                rawCount.set(i + 1);
            }
        };
        receiver = Receiver.start(RelayFixture.receiverConfig(0).clock(skewed(receiverSkewMs))
                .pingInterval(200, TimeUnit.MILLISECONDS).build(), listener);
        proxy = FaultProxy.start("127.0.0.1", receiver.port())
                .delay(FaultProxy.Direction.UPSTREAM, DELAY_MS)
                .delay(FaultProxy.Direction.DOWNSTREAM, DELAY_MS);
        replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 5);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, proxy.port())
                .clock(skewed(senderSkewMs)).build());

        Await.until("8 pongs and 300 corrected latencies", WAIT, () -> {
            ReceiverStats s = receiver.stats();
            return s.clockOffsetKnown() && s.rttSamples() >= 8 && s.quotesDelivered() >= 300;
        }, receiver::stats);
        rawCount.set(0); // warmed up: sample the next quotes
        Await.until(raw.length + " more quotes", WAIT, () -> rawCount.get() >= raw.length, receiver::stats);
        ReceiverStats s = receiver.stats();
        Arrays.sort(raw);
        long correctedP50 = raw[raw.length / 2] + s.clockOffsetNanos();
        long expectedOffsetNanos = TimeUnit.MILLISECONDS.toNanos(senderSkewMs - receiverSkewMs);
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(DELAY_MS);
        log.info("skew sender {} ms receiver {} ms: corrected p50 {} ns after warm-up, {} ns since start (p99 {}),"
                        + " uncorrected p50 {} ns, offset {} ns (expected {}), rtt p50 {} ns", senderSkewMs,
                receiverSkewMs, correctedP50, s.p50OneWayNanos(), s.p99OneWayNanos(), s.p50OneWayUncorrectedNanos(),
                s.clockOffsetNanos(), expectedOffsetNanos, s.p50RttNanos());

        long tolerance = delayNanos / 10;
        assertTrue(Math.abs(s.clockOffsetNanos() - expectedOffsetNanos) <= tolerance,
                "offset " + s.clockOffsetNanos() + " ns, expected " + expectedOffsetNanos + " ns");
        assertTrue(Math.abs(correctedP50 - delayNanos) <= tolerance,
                "corrected p50 after warm-up " + correctedP50 + " ns, injected " + delayNanos + " ns: " + s);
        // The receiver's own since-start figure includes the cold start (JIT, TLS, a shared CI machine): looser,
        // but a wrong sign or a missing correction would be off by the skew (hundreds of ms).
        assertTrue(Math.abs(s.p50OneWayNanos() - delayNanos) <= 3 * tolerance,
                "corrected p50 since start " + s.p50OneWayNanos() + " ns, injected " + delayNanos + " ns: " + s);
        assertTrue(s.p50RttNanos() >= 2 * delayNanos, "rtt includes both delays: " + s.p50RttNanos());
        assertEquals(0, s.latencyUncorrected(), "every recorded latency was corrected");
        long rawExpected = delayNanos - expectedOffsetNanos; // receive - ts = delay - (sender - receiver)
        if (rawExpected > 0) {
            assertTrue(Math.abs(s.p50OneWayUncorrectedNanos() - rawExpected) <= tolerance,
                    "uncorrected p50 " + s.p50OneWayUncorrectedNanos() + " ns, expected " + rawExpected);
        } else {
            assertEquals(0, s.p50OneWayUncorrectedNanos(), "negative uncorrected latencies are clamped to 0");
        }
    }

    /**
     * A known asymmetric path (sender to receiver 20 ms, back 17 ms) and a sender clock 75 ms ahead. The four
     * stamps cannot see asymmetry: the corrected one-way latency is half the RTT, 18.5 ms, which is within 10 % of
     * the true 20 ms; a wrong offset (the skew left in, or a sample chosen badly) would be off by far more.
     */
    @Test
    @Timeout(60)
    void asymmetricPathGivesHalfTheRoundTripWithinTenPercentOfTheTrueOneWay() throws Exception {
        long upMs = 20;
        long downMs = 17;
        long[] raw = new long[300];
        AtomicInteger rawCount = new AtomicInteger(-1);
        receiver = Receiver.start(RelayFixture.receiverConfig(0).pingInterval(200, TimeUnit.MILLISECONDS).build(),
                sampling(raw, rawCount));
        proxy = FaultProxy.start("127.0.0.1", receiver.port())
                .delay(FaultProxy.Direction.UPSTREAM, upMs)
                .delay(FaultProxy.Direction.DOWNSTREAM, downMs);
        replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 5);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, proxy.port()).clock(skewed(75)).build());
        Await.until("8 pongs and 300 quotes", WAIT, () -> {
            ReceiverStats s = receiver.stats();
            return s.clockOffsetKnown() && s.rttSamples() >= 8 && s.quotesDelivered() >= 300;
        }, receiver::stats);
        rawCount.set(0);
        Await.until(raw.length + " more quotes", WAIT, () -> rawCount.get() >= raw.length, receiver::stats);
        ReceiverStats s = receiver.stats();
        Arrays.sort(raw);
        long correctedP50 = raw[raw.length / 2] + s.clockOffsetNanos();
        long trueNanos = TimeUnit.MILLISECONDS.toNanos(upMs);
        long halfRttNanos = TimeUnit.MILLISECONDS.toNanos(upMs + downMs) / 2;
        log.info("asymmetric {} / {} ms, sender clock +75 ms: corrected p50 {} ns (true {}, half the RTT {}),"
                + " offset {} ns", upMs, downMs, correctedP50, trueNanos, halfRttNanos, s.clockOffsetNanos());
        assertTrue(Math.abs(correctedP50 - trueNanos) <= Math.max(trueNanos / 10, 50_000),
                "corrected p50 " + correctedP50 + " ns, true one-way " + trueNanos + " ns: " + s);
        assertTrue(Math.abs(correctedP50 - halfRttNanos) <= TimeUnit.MILLISECONDS.toNanos(1),
                "corrected p50 " + correctedP50 + " ns, half the RTT " + halfRttNanos + " ns: " + s);
        assertEquals(0, s.latencyClamped(), "no negative corrected latency");
    }

    /**
     * Reconnects whose first moments are slow on the way back (the first 150 ms of each connection carry an extra
     * 20 ms from sender to receiver, as when the first pong waits behind the opening batch of a busy receiver).
     * The first pong of a new connection then says the offset is 10 ms lower than it is; taken alone (the estimate
     * starting over per connection), quotes after the slow start come out 8 ms negative. The estimate carried over
     * from the earlier connections must keep every corrected latency positive and right.
     */
    @Test
    @Timeout(90)
    void reconnectsKeepTheEstimateAndGiveNoNegativeLatency() throws Exception {
        long delayMs = 2;
        receiver = Receiver.start(RelayFixture.receiverConfig(0).pingInterval(200, TimeUnit.MILLISECONDS).build(),
                quote -> { });
        proxy = FaultProxy.start("127.0.0.1", receiver.port())
                .delay(FaultProxy.Direction.UPSTREAM, delayMs)
                .delay(FaultProxy.Direction.DOWNSTREAM, delayMs);
        replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 5);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, proxy.port()).clock(skewed(-40)).build());
        Await.until("8 pongs and 300 quotes", WAIT, () -> {
            ReceiverStats s = receiver.stats();
            return s.clockOffsetKnown() && s.rttSamples() >= 8 && s.quotesDelivered() >= 300;
        }, receiver::stats);
        long clampedBefore = receiver.stats().latencyClamped();
        log.info("before the reconnects: offset {} ns, clamped {}", receiver.stats().clockOffsetNanos(),
                clampedBefore);
        proxy.delayConnectionStart(FaultProxy.Direction.UPSTREAM, 20, 150);
        for (int i = 1; i <= 3; i++) {
            long accepted = receiver.stats().connectionsAccepted();
            long rtts = receiver.stats().rttSamples();
            proxy.resetAll();
            Await.until("reconnect " + i + ", 4 pongs and quotes on it", WAIT, () -> {
                ReceiverStats s = receiver.stats();
                return s.connectionsAccepted() > accepted && s.connectionsOpen() == 1 && s.rttSamples() >= rtts + 4;
            }, receiver::stats);
        }
        ReceiverStats s = receiver.stats();
        long expectedOffsetNanos = TimeUnit.MILLISECONDS.toNanos(-40);
        log.info("after 3 reconnects with slow starts: offset {} ns (expected {}), corrected p50 {} ns, clamped {}",
                s.clockOffsetNanos(), expectedOffsetNanos, s.p50OneWayNanos(), s.latencyClamped());
        assertEquals(0, s.latencyClamped(), "negative corrected latencies: " + s);
        // The slow start alone would put it 10 ms off; a loaded machine's proxy threads add jitter to every sample.
        assertTrue(Math.abs(s.clockOffsetNanos() - expectedOffsetNanos) <= TimeUnit.MILLISECONDS.toNanos(3),
                "offset " + s.clockOffsetNanos() + " ns, expected " + expectedOffsetNanos + " ns: " + s);
    }

    private static TickerListener sampling(long[] raw, AtomicInteger count) {
        return quote -> {
            int i = count.get();
            if (i >= 0 && i < raw.length) {
                raw[i] = quote.receiveEpochNanos() - quote.sendEpochNanos();
                count.set(i + 1);
            }
        };
    }
}
