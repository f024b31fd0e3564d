package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.FrameType;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link SenderConfig#directWrites()}: the Binance WebSocket thread writes to the receiver itself while the writer
 * thread is idle. Same wire, same loss accounting, both ways of writing mixed on one connection.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class DirectWritesTest extends EndToEndSupport {

    @Test
    @Timeout(60)
    void everyUpdateArrivesOnceInOrderWithDirectWrites() throws Exception {
        List<RecordedQuotes.Quote> expected = RecordedQuotes.read(
                SharedData.binance(SharedData.USDM_4SYMBOLS_20210722),
                Set.of("SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT"));
        receiver = RecordingFrameServer.project().start();
        // 613 updates over 30 recorded seconds at 10x: tens of ms apart, so the writer is idle between them
        startReceiverFirst(replayOf(SharedData.USDM_4SYMBOLS_20210722, 10), "sushiusdt,akrousdt,keepusdt,ctkusdt",
                b -> b.directWrites(true));
        assertHello(receiver.next(WAIT), 0);
        for (int k = 1; k <= expected.size(); k++) {
            RecordingFrameServer.Frame f = receiver.next(WAIT);
            assertEquals(FrameType.QUOTE, f.type());
            assertEquals(k, f.quote().seq());
            assertRecorded(expected.get(k - 1), f.quote());
        }
        awaitDrained(expected.size());
        SenderStats s = sender.stats();
        assertEquals(0, s.dropped() + s.conflated(), s.logLine());
        assertTrue(sender.directBatches() > expected.size() / 2,
                "most updates written by the WebSocket thread itself: " + sender.directBatches());
    }

    @Test
    @Timeout(60)
    void aReceiverThatStopsReadingIsCutAndEveryUpdateIsAccounted() throws Exception {
        TestCerts certs = TestCerts.project();
        receiver = new RecordingFrameServer(certs.receiverCert(), certs.receiverKey(), certs.caCert(), 4096);
        receiver.start();
        receiver.pauseReading();
        // a steady stream (about 3,700 updates/s) fills loopback's socket buffers within seconds: a direct write
        // blocks the WebSocket thread until the write-stall check cuts the connection
        startReceiverFirst(replayOf(SharedData.USDM_BTCUSDT_20240808, 20), "btcusdt",
                b -> b.directWrites(true).writeStallTimeout(1, TimeUnit.SECONDS));
        Await.until("a new connection", WAIT, () -> receiver.connections() >= 2, sender::stats);
        receiver.resumeReading();
        Await.until("reconnected", WAIT, () -> sender.stats().receiverReconnects() >= 1, sender::stats);
        long before = sender.stats().taken();
        Await.until("updates taken again", WAIT, () -> sender.stats().taken() > before + 1_000, sender::stats);
        assertTrue(sender.stats().binanceConnected(), "the Binance leg is not affected");
        assertEquals(1, replay.connectionsOpened());

        sender.close(); // after close the counters are exact
        SenderStats s = sender.stats();
        assertEquals(s.taken(), s.sent() + s.dropped() + s.conflated(), s.logLine());
        assertTrue(sender.directBatches() > 0, "direct writes happened");
        // on the wire: per connection strictly increasing seq, never a seq twice across connections
        List<Long> seqs = new ArrayList<>();
        for (RecordingFrameServer.Frame f : receiver.drain()) {
            if (f.type() == FrameType.QUOTE) {
                seqs.add(f.quote().seq());
            }
        }
        assertEquals(seqs.size(), seqs.stream().distinct().count(), "a seq written twice");
    }
}
