package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Binance leg under the replay server's faults, with the real sender and real TLS to the fake receiver. The
 * invariant is checked by counting: the receiver gets seq 1..taken without a hole or a repeat, and the update ids
 * it gets are the recording's, in order, each once (all of them when nothing could be lost, a subsequence when
 * the fault itself loses updates at the exchange's side, as an abrupt close does).
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class BinanceLegFaultTest extends EndToEndSupport {
    private static List<RecordedQuotes.Quote> recorded;

    /** Fast settings: a stale symbol after 1 s, a silent transport after 1 s; nothing rolls over by age. */
    private static final BinanceLegSettings FAST = BinanceLegSettings.DEFAULTS
            .withStaleAfter(Duration.ofSeconds(30)).withSilenceTimeout(Duration.ofSeconds(30));

    @BeforeAll
    static void readRecording() {
        recorded = RecordedQuotes.read(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808), Set.of("BTCUSDT"));
        assertEquals(28_040, recorded.size());
    }

    @Test
    @Timeout(90)
    void rolloverEveryTwoSecondsLosesNothingAndRepeatsNothing() throws Exception {
        receiver = RecordingFrameServer.project().start();
        // 28,040 updates in about 8.7 s: four or so make-before-break rollovers while they flow
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 40), "btcusdt", b -> b,
                FAST.withRolloverAfter(Duration.ofSeconds(2)));
        assertTrue(replay.awaitFinished(Duration.ofSeconds(60)));
        awaitDrained(28_040);

        assertEveryRecordedUpdateOnce(quotesReceived(28_040));
        assertTrue(sender.binanceRollovers() >= 2, "rollovers: " + sender.binanceRollovers());
        assertTrue(sender.binanceDuplicates() > 0, "the overlaps carried the same updates twice");
        SenderStats s = sender.stats();
        assertEquals(0, s.dropped() + s.conflated(), s.logLine());
        assertEquals(28_040 + sender.binanceDuplicates(), s.received(), "each message taken or a duplicate");
        assertEquals(0, s.binanceReconnects(), "rollovers are not reconnects");
        Await.until("the old connections are closed", WAIT, () -> replay.openConnections() == 1);
    }

    @Test
    @Timeout(90)
    void rolloverCompletesAfterTheOverlapTimeoutWhenAStreamIsQuiet() throws Exception {
        receiver = RecordingFrameServer.project().start();
        try (LogCapture log = LogCapture.of(BinanceLeg.class)) {
            // ETHUSDT is not in the recording: the new connection never shows every stream
            startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 40), "btcusdt,ethusdt", b -> b,
                    FAST.withRolloverAfter(Duration.ofSeconds(2)).withOverlapTimeout(Duration.ofMillis(500)));
            assertTrue(replay.awaitFinished(Duration.ofSeconds(60)));
            awaitDrained(28_040);
            assertEveryRecordedUpdateOnce(quotesReceived(28_040));
            assertTrue(sender.binanceRollovers() >= 2, "rollovers: " + sender.binanceRollovers());
            assertTrue(log.contains("complete after 500 ms without an update of every stream"), log.all());
            assertTrue(!log.contains("complete after an update of every stream"), log.all());
        }
    }

    @Test
    @Timeout(90)
    void serverShutdownInEitherShapeRollsOverWithoutLoss() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 30), "btcusdt", b -> b, FAST);
        Await.until("updates flow", WAIT, () -> sender.stats().taken() > 1_000, sender::stats);
        assertEquals(1, replay.injectServerShutdown(true));
        Await.until("a rollover after the combined-stream shape", WAIT, () -> sender.binanceRollovers() == 1
                && replay.openConnections() == 1, sender::stats);
        assertEquals(1, replay.injectServerShutdown(false));
        Await.until("a rollover after the raw shape", WAIT, () -> sender.binanceRollovers() == 2
                && replay.openConnections() == 1, sender::stats);
        assertEquals(3, replay.connectionsOpened());
        assertTrue(replay.awaitFinished(Duration.ofSeconds(60)));
        awaitDrained(28_040);
        assertEveryRecordedUpdateOnce(quotesReceived(28_040));
        assertEquals(2, sender.stats().notData(), "the two announcements");
    }

    @Test
    @Timeout(60)
    void abruptCloseReconnectsAndKeepsSeqGapless() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 30), "btcusdt", b -> b, FAST);
        Await.until("updates flow", WAIT, () -> sender.stats().taken() > 1_000, sender::stats);
        assertEquals(1, replay.injectAbruptClose());
        // recovery within the backoff cap (300 ms here) plus a handshake
        long closedAtMs = System.currentTimeMillis();
        Await.until("reconnected", WAIT, () -> sender.stats().binanceReconnects() == 1
                && sender.stats().binanceConnected(), sender::stats);
        long before = sender.stats().taken();
        Await.until("updates flow again", WAIT, () -> sender.stats().taken() > before + 500, sender::stats);
        sender.close();
        SenderStats s = sender.stats();
        assertEquals(s.taken(), s.sent() + s.dropped() + s.conflated());
        assertEquals(0, s.dropped() + s.conflated(), s.logLine());
        assertSubsequenceOnce(quotesReceived(s.taken()));
        // the time without a Binance connection is reported once, as a feed outage of the symbol
        assertEquals(1, receiver.outages().size(), receiver.outages().toString());
        String[] o = receiver.outages().get(0).split(" ");
        assertEquals(List.of("BTCUSDT", "binance_reconnect"), List.of(o[0], o[1]));
        long from = Long.parseLong(o[2]);
        long to = Long.parseLong(o[3]);
        assertTrue(from <= closedAtMs + 1_000 && to >= from && to - from < 10_000, receiver.outages().toString());
        assertEquals(1, sender.feedOutages());
    }

    @Test
    @Timeout(60)
    void abruptCloseDuringARolloverKeepsSeqGaplessAndRepeatsNothing() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 30), "btcusdt", b -> b, FAST);
        Await.until("updates flow", WAIT, () -> sender.stats().taken() > 1_000, sender::stats);
        replay.injectServerShutdown(false);
        replay.injectAbruptClose(); // the old connection dies while (or before) the new one opens
        Await.until("connected again", WAIT, () -> sender.stats().binanceConnected()
                && replay.openConnections() == 1, sender::stats);
        long before = sender.stats().taken();
        Await.until("updates flow again", WAIT, () -> sender.stats().taken() > before + 500, sender::stats);
        sender.close();
        SenderStats s = sender.stats();
        assertEquals(0, s.dropped() + s.conflated(), s.logLine());
        assertSubsequenceOnce(quotesReceived(s.taken()));
        // if the old connection died before the rollover began, the sender was without a connection for a moment
        for (String o : receiver.outages()) {
            assertTrue(o.startsWith("BTCUSDT binance_reconnect "), receiver.outages().toString());
        }
    }

    @Test
    @Timeout(60)
    void staleStreamRollsOverToAConnectionThatDelivers() throws Exception {
        receiver = RecordingFrameServer.project().start();
        try (LogCapture log = LogCapture.of(BinanceLeg.class)) {
            startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 10), "btcusdt", b -> b,
                    FAST.withStaleAfter(Duration.ofSeconds(1)));
            Await.until("updates flow", WAIT, () -> sender.stats().taken() > 500, sender::stats);
            assertEquals(1, replay.stall(Duration.ofSeconds(20)));
            Await.until("a rollover away from the stalled connection", WAIT, () -> sender.binanceRollovers() == 1,
                    sender::stats);
            assertTrue(log.contains("Binance rollover (no update of BTCUSDT for "), log.all());
            long before = sender.stats().taken();
            Await.until("updates flow again", WAIT, () -> sender.stats().taken() > before + 500, sender::stats);
            assertEquals(1, replay.openConnections(), "the stalled connection was closed");
        }
        sender.close();
        SenderStats s = sender.stats();
        assertEquals(0, s.dropped() + s.conflated(), s.logLine());
        assertSubsequenceOnce(quotesReceived(s.taken()));
    }

    @Test
    @Timeout(60)
    void silentTransportRollsOver() throws Exception {
        receiver = RecordingFrameServer.project().start();
        try (LogCapture log = LogCapture.of(BinanceLeg.class)) {
            startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 10).pingInterval(Duration.ofMillis(200)),
                    "btcusdt", b -> b, FAST.withSilenceTimeout(Duration.ofSeconds(1)));
            Await.until("updates flow", WAIT, () -> sender.stats().taken() > 500, sender::stats);
            replay.stopPings();
            replay.stall(Duration.ofSeconds(20));
            Await.until("a rollover", WAIT, () -> sender.binanceRollovers() == 1, sender::stats);
            assertTrue(log.contains("Binance rollover (no frame for "), log.all());
        }
        sender.close();
        SenderStats s = sender.stats();
        assertSubsequenceOnce(quotesReceived(s.taken()));
    }

    @Test
    @Timeout(60)
    void malformedAndUnknownMessagesAreCountedAndTheStreamGoesOn() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 30), "btcusdt", b -> b, FAST);
        Await.until("updates flow", WAIT, () -> sender.stats().taken() > 100, sender::stats);
        replay.injectRaw("{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":1,");
        replay.injectRaw("{\"stream\":\"btcusdt@brandNew\",\"data\":{\"e\":\"brandNew\",\"E\":1}}");
        replay.injectRaw("{\"e\":\"brandNew\",\"E\":1,\"s\":\"BTCUSDT\"}");
        long before = sender.stats().taken();
        Await.until("counted", WAIT, () -> sender.stats().invalid().get(InvalidReason.MALFORMED_JSON) == 1
                && sender.stats().notData() == 2, sender::stats);
        Await.until("updates flow on", WAIT, () -> sender.stats().taken() > before + 500, sender::stats);
        assertEquals(0, sender.stats().binanceReconnects());
        sender.close();
        assertSubsequenceOnce(quotesReceived(sender.stats().taken()));
    }

    @Test
    @Timeout(60)
    void refusedUpgradeHonoursRetryAfter() throws Exception {
        receiver = RecordingFrameServer.project().start();
        replay = replayOf(SharedData.SPOT_BTCUSDT_20240808, 10).build(); // port 0: an ephemeral port
        replay.start();
        int port = replay.port();
        replay.refuseUpgrades(429, Duration.ofSeconds(2), 1);
        sender = Sender.start(config("btcusdt", port).build(), FAST);
        Await.until("refused once", WAIT, () -> replay.upgradesRefused() == 1);
        long refusedAt = System.nanoTime();
        Await.until("connected", WAIT, () -> sender.stats().binanceConnected(), sender::stats);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedAt);
        // the backoff alone would retry within 300 ms
        assertTrue(waitedMillis >= 1_800, "retried after " + waitedMillis + " ms despite Retry-After: 2");
        assertEquals(2, replay.upgradeRequests());
    }

    @Test
    @Timeout(60)
    void refusedRolloverConnectionLeavesTheCurrentOneUntilRetryAfter() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 30), "btcusdt", b -> b, FAST);
        Await.until("updates flow", WAIT, () -> sender.stats().taken() > 1_000, sender::stats);
        replay.refuseUpgrades(429, Duration.ofSeconds(2), 1);
        replay.injectServerShutdown(true);
        Await.until("the rollover connection refused", WAIT, () -> replay.upgradesRefused() == 1);
        long refusedAt = System.nanoTime();
        long before = sender.stats().taken();
        Await.until("the current connection goes on", WAIT, () -> sender.stats().taken() > before + 200,
                sender::stats);
        Await.until("the rollover retried and completed", WAIT, () -> sender.binanceRollovers() == 1,
                sender::stats);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedAt);
        assertTrue(waitedMillis >= 1_800, "retried after " + waitedMillis + " ms despite Retry-After: 2");
        assertEquals(0, sender.stats().binanceReconnects());
        sender.close();
        assertSubsequenceOnce(quotesReceived(sender.stats().taken()));
    }

    @Test
    @Timeout(60)
    void reconnectStormStaysWithinTheAttemptBudget() throws Exception {
        receiver = RecordingFrameServer.project().start();
        replay = replayOf(SharedData.SPOT_BTCUSDT_20240808, 10).build(); // port 0: an ephemeral port
        replay.start();
        int port = replay.port();
        replay.refuseUpgrades(503, null, 1_000);
        long started = System.nanoTime();
        sender = Sender.start(config("btcusdt", port).build(), FAST.withAttempts(3, Duration.ofMillis(500)));
        Thread.sleep(3_000);
        long requests = replay.upgradeRequests();
        long attempts = sender.binanceAttempts();
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        // backoff 50..300 ms alone would allow 10 or more; the bucket allows 3 + one per 500 ms
        long allowed = 3 + (long) Math.ceil(elapsedSeconds * 2);
        assertTrue(requests <= allowed, requests + " attempts in " + elapsedSeconds + " s, allowed " + allowed);
        assertTrue(requests >= 4, "it kept trying: " + requests);
        assertTrue(attempts <= allowed, "the sender counted " + attempts + " attempts, allowed " + allowed);
    }

    private static void assertEveryRecordedUpdateOnce(List<RecordingFrameServer.Frame> quotes) {
        assertEquals(recorded.size(), quotes.size());
        for (int k = 0; k < quotes.size(); k++) {
            assertRecorded(recorded.get(k), quotes.get(k).quote());
        }
    }

    /** The received updates are recorded ones, in recorded order, none twice. */
    private static void assertSubsequenceOnce(List<RecordingFrameServer.Frame> quotes) {
        int r = 0;
        for (RecordingFrameServer.Frame f : quotes) {
            long u = f.quote().updateId();
            while (r < recorded.size() && recorded.get(r).updateId() != u) {
                r++;
            }
            assertTrue(r < recorded.size(), "update " + u + " (seq " + f.quote().seq() + ") is not a recorded one"
                    + " after the previous, or repeats");
            assertRecorded(recorded.get(r), f.quote());
            r++;
        }
    }
}
