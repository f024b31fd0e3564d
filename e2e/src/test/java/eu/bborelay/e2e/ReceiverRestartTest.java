package eu.bborelay.e2e;

import static eu.bborelay.e2e.RecordingTickerListener.assertSameAsRecorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The receiver restarts mid-stream (a new Receiver on the same port after a pause), with the sender and the
 * Binance connection running throughout. Every update the sender took is accounted for: the new receiver's gap
 * count equals exactly the updates the sender reported as dropped, and the Binance connection was never closed.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ReceiverRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private BinanceReplayServer replay;
    private Receiver first;
    private Receiver second;
    private Sender sender;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, first, second, replay);
    }

    @Test
    @Timeout(120)
    void gapsAfterARestartEqualWhatTheSenderDroppedAndBinanceStaysConnected() throws Exception {
        // USD-M BTCUSDT, 66,089 updates over 5m45s; at 20x about 3,800 updates/s
        Recording recording = Recording.read(SharedData.binance(SharedData.USDM_BTCUSDT_20240808));
        Map<Long, Recording.Quote> byUpdateId = new HashMap<>();
        recording.quotes().forEach(q -> byUpdateId.put(q.updateId(), q));
        RecordingTickerListener before = new RecordingTickerListener();
        RecordingTickerListener after = new RecordingTickerListener();
        first = RelayFixture.receiver(0, before);
        int port = first.port();
        replay = RelayFixture.replay(SharedData.USDM_BTCUSDT_20240808, 20);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, port).build());

        Await.until("5,000 quotes before the restart", WAIT, () -> before.size() >= 5_000, first::stats);
        first.close();
        ReceiverStats firstStats = first.stats();
        first = null;
        Await.until("the sender notices the receiver is gone and drops updates", WAIT,
                () -> !sender.stats().receiverConnected() && sender.stats().dropped() > 100, sender::stats);
        second = RelayFixture.receiver(port, after);
        Await.until("the replay finishes", Duration.ofSeconds(90), () -> replay.awaitFinished(Duration.ofMillis(50)));
        // The replay has sent everything; the sender's WebSocket thread may still be taking the last of it.
        Await.until("the sender took all 66,089 updates", WAIT, () -> sender.stats().taken() == 66_089,
                sender::stats);
        long taken = sender.stats().taken();
        Await.until("every taken update accounted for at the new receiver", WAIT, () -> {
            ReceiverStats s = second.stats();
            return s.symbol("BTCUSDT") != null && s.symbol("BTCUSDT").lastSeq() == taken
                    && sender.stats().sent() + sender.stats().dropped() + sender.stats().conflated() == taken;
        }, () -> second.stats() + " / " + sender.stats());

        SenderStats s = sender.stats();
        ReceiverStats r = second.stats();
        assertEquals(66_089, s.taken(), "the sender took every recorded update");
        assertEquals(1, replay.connectionsOpened(), "the Binance connection was never closed");
        assertEquals(0, s.binanceReconnects());
        assertTrue(s.dropped() > 100, "the outage dropped updates: " + s);
        // Every loss is a gap at a receiver: conflation shows as gaps at whichever receiver was connected.
        assertEquals(s.dropped() + s.conflated(), firstStats.gaps() + r.gaps(), s + " / " + firstStats + " / " + r);
        if (s.conflated() == 0) {
            assertEquals(s.dropped(), r.gaps(), "the new receiver counts exactly the updates the sender dropped");
        }
        assertEquals(r.gaps(), after.missing.get(), "onGap reported the same numbers");
        assertEquals(0, r.duplicates());
        assertEquals(0, firstStats.duplicates());

        // Nothing delivered twice, and everything delivered is what Binance sent.
        Set<Long> seen = new HashSet<>();
        for (RecordingTickerListener l : new RecordingTickerListener[] {before, after}) {
            for (BookTicker q : l.quotes) {
                assertTrue(seen.add(q.seq()), "seq " + q.seq() + " delivered twice");
                assertSameAsRecorded(byUpdateId.get(q.updateId()), q);
            }
        }
        // Quotes the first receiver delivered but had not acknowledged when it closed: at the reconnect the sender
        // resends only the newest quote of the symbol, moves the older ones from sent to conflated, and the new
        // receiver counts them as gaps. Delivered there and a gap here: counted twice below, once in sent.
        List<Long> firstSeqs = before.quotes.stream().map(BookTicker::seq).toList();
        long deliveredAndGap = after.inGaps(firstSeqs);
        // Delivered + gaps covers every seq the sender took, apart from frames written into the first
        // receiver's socket as it closed (sent, never read).
        long lostInSocket = s.sent() - (before.size() - deliveredAndGap) - after.size();
        assertTrue(lostInSocket >= 0 && lostInSocket < 1_000, "lost in the closing socket: " + lostInSocket
                + " (delivered by the first receiver and a gap at the second: " + deliveredAndGap + ")");
        assertEquals(taken, before.size() - deliveredAndGap + after.size() + firstStats.gaps() + r.gaps()
                + lostInSocket);
    }
}
