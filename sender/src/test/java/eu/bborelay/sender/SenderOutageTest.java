package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.FrameType;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The receiver down, restarted or stalled: Binance stays connected and every loss is counted. */
@ExtendWith(UncaughtExceptionsExtension.class)
class SenderOutageTest extends EndToEndSupport {

    @Test
    @Timeout(60)
    void receiverDownAtStartGetsHelloThenTheLatestQuotePerSymbol() throws Exception {
        List<RecordedQuotes.Quote> expected = RecordedQuotes.read(
                SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012), Set.of("NKNUSDT", "BLZETH", "LRCBTC"));
        receiver = RecordingFrameServer.project().start();
        receiver.stop(); // reserve its port, then keep it down
        replay = replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0).build();
        replay.start();
        sender = Sender.start(config("nknusdt,blzeth,lrcbtc,runeeur", replay.port()).build());

        Await.until("all 84 updates taken", WAIT, () -> sender.stats().taken() == 84, sender::stats);
        SenderStats down = sender.stats();
        assertTrue(down.binanceConnected());
        assertFalse(down.receiverConnected());
        assertEquals(0, down.sent());
        assertEquals(81, down.dropped(), "84 taken, the latest of each of 3 symbols still waiting");
        assertEquals(0, down.conflated());

        receiver.start();
        assertHello(receiver.next(WAIT), 0);
        // the latest update of each symbol, in seq order: BLZETH (44), LRCBTC (82), NKNUSDT (84)
        for (long seq : new long[] {44, 82, 84}) {
            RecordingFrameServer.Frame f = receiver.next(WAIT);
            assertEquals(FrameType.QUOTE, f.type());
            assertEquals(seq, f.quote().seq());
            assertRecorded(expected.get((int) seq - 1), f.quote());
        }
        Await.until("a heartbeat after the opening batch", WAIT, () -> receiver.heartbeats() > 0);
        assertEquals(0, receiver.queued(), "nothing but hello and the 3 latest quotes");

        SenderStats up = sender.stats();
        assertTrue(up.receiverConnected());
        assertEquals(3, up.sent());
        assertEquals(81, up.dropped());
        assertEquals(0, up.conflated());
        assertEquals(84, up.sent() + up.dropped() + up.conflated());
        assertEquals(1, replay.connectionsOpened(), "the Binance connection was kept");
        assertEquals(0, up.binanceReconnects());
        assertEquals(0, up.receiverReconnects(), "the first connection is not a reconnect");
    }

    @Test
    @Timeout(90)
    void receiverRestartMidStreamNeverClosesBinanceAndEveryGapIsCounted() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 60), "btcusdt", b -> b);
        assertHello(receiver.next(WAIT), 0);

        Await.until("quotes flowing", WAIT, () -> sender.stats().sent() >= 2_000, sender::stats);
        receiver.stop();
        Await.until("the sender noticed", WAIT, () -> !sender.stats().receiverConnected(), sender::stats);
        long takenAtStop = sender.stats().taken();
        Await.until("updates keep being taken while the receiver is down", WAIT,
                () -> sender.stats().taken() >= takenAtStop + 200, sender::stats);
        assertTrue(sender.stats().binanceConnected());
        receiver.start();
        Await.until("reconnected", WAIT, () -> sender.stats().receiverConnected(), sender::stats);
        assertTrue(replay.awaitFinished(WAIT));
        awaitDrained(28_040);

        List<RecordingFrameServer.Frame> frames = receiver.drain();
        List<RecordingFrameServer.Frame> second = new ArrayList<>();
        long lastOnFirst = 0;
        for (RecordingFrameServer.Frame f : frames) {
            if (f.connection() == 1) {
                assertEquals(FrameType.QUOTE, f.type());
                assertTrue(f.quote().seq() > lastOnFirst, "strictly increasing seq");
                lastOnFirst = f.quote().seq();
            } else {
                assertEquals(2, f.connection());
                second.add(f);
            }
        }
        RecordingFrameServer.Frame hello = second.get(0);
        assertEquals(FrameType.HELLO, hello.type());
        assertEquals(sender.sessionId(), hello.hello().sessionId());
        long lastSeq = hello.hello().lastSeq();
        assertTrue(lastSeq >= lastOnFirst, "hello.lastSeq covers what the first connection received");
        long firstNew = 0;
        long previous = 0;
        for (RecordingFrameServer.Frame f : second.subList(1, second.size())) {
            long seq = f.quote().seq();
            assertTrue(seq > lastSeq, "no replay to a receiver that never pinged (it could deliver it twice): " + seq
                    + " <= hello.lastSeq " + lastSeq);
            if (firstNew == 0) {
                firstNew = seq;
            }
            assertTrue(seq > previous, "strictly increasing seq");
            previous = seq;
        }
        SenderStats s = sender.stats();
        assertTrue(s.dropped() > 0, s.logLine());
        assertEquals(s.dropped(), firstNew - lastSeq - 1, "every seq missing across the restart is counted dropped");
        assertEquals(s.taken(), s.sent() + s.dropped() + s.conflated());
        assertEquals(1, replay.connectionsOpened(), "the Binance connection was never closed");
        assertEquals(0, s.binanceReconnects());
        assertEquals(1, s.receiverReconnects());
        assertEquals(2, receiver.connections());
        assertEquals(List.of(), receiver.errors());
    }

    @Test
    @Timeout(60)
    void stalledReceiverIsConflatedAndNeverBlocksTheWebSocketThread() throws Exception {
        receiver = new RecordingFrameServer(certs().receiverCert(), certs().receiverKey(), certs().caCert(), 4096);
        receiver.start();
        receiver.pauseReading();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 0), "btcusdt",
                b -> b.backlog(64, 1, TimeUnit.SECONDS).writeStallTimeout(60, TimeUnit.SECONDS));

        // the receiver reads nothing, yet every update is taken: the WebSocket thread never waits for it
        Await.until("all 28,040 updates taken", WAIT, () -> sender.stats().taken() == 28_040, sender::stats);
        assertTrue(replay.awaitFinished(WAIT));
        SenderStats stalled = sender.stats();
        assertTrue(stalled.conflated() > 0, stalled.logLine());
        assertTrue(stalled.sent() < 28_040, stalled.logLine());
        assertTrue(stalled.receiverConnected());

        receiver.resumeReading();
        awaitDrained(28_040);
        SenderStats s = sender.stats();
        assertEquals(0, s.dropped(), "no outage, only conflation");
        assertEquals(28_040, s.sent() + s.conflated());
        assertEquals(0, s.receiverReconnects());

        Await.until("every sent quote received", WAIT, () -> receiver.queued() == 1 + s.sent());
        List<RecordingFrameServer.Frame> frames = receiver.drain();
        assertHello(frames.get(0), 0);
        long previous = 0;
        for (RecordingFrameServer.Frame f : frames.subList(1, frames.size())) {
            assertTrue(f.quote().seq() > previous, "strictly increasing seq");
            previous = f.quote().seq();
        }
        assertEquals(28_040, previous, "the latest update is always delivered");
        long gaps = previous - (frames.size() - 1);
        assertEquals(s.conflated(), gaps, "every gap the receiver sees is counted as conflated");
    }

    @Test
    @Timeout(60)
    void receiverThatStopsReadingIsCutAfterTheWriteStallTimeoutAndReconnected() throws Exception {
        try (LogCapture log = LogCapture.of(ReceiverLink.class)) {
            receiver = new RecordingFrameServer(certs().receiverCert(), certs().receiverKey(), certs().caCert(),
                    4096);
            receiver.start();
            receiver.pauseReading();
            // a steady stream (about 3,700 updates/s, 650 kB/s) fills loopback's socket buffers within seconds
            startReceiverFirst(replayOf(SharedData.USDM_BTCUSDT_20240808, 20), "btcusdt",
                    b -> b.writeStallTimeout(1, TimeUnit.SECONDS));

            Await.until("the stalled write is noticed and logged", WAIT, () -> log.contains("stopped reading"),
                    log::all);
            Await.until("a new connection", WAIT, () -> receiver.connections() >= 2, sender::stats);
            receiver.resumeReading();
            Await.until("reconnected", WAIT, () -> sender.stats().receiverReconnects() >= 1, sender::stats);
            Await.until("quotes flow on the new connection", WAIT,
                    () -> receiver.drain().stream().anyMatch(f -> f.connection() >= 2 && f.quote() != null));
            assertTrue(sender.stats().binanceConnected(), "the Binance leg is not affected");
            assertEquals(1, replay.connectionsOpened());

            sender.close(); // after close the counters are exact
            SenderStats s = sender.stats();
            assertTrue(s.dropped() > 0, "the batch whose write was cut counts as dropped: " + s.logLine());
            assertEquals(s.taken(), s.sent() + s.dropped() + s.conflated(), s.logLine());
        }
    }

    private static eu.bborelay.common.testing.TestCerts certs() {
        return eu.bborelay.common.testing.TestCerts.project();
    }
}
