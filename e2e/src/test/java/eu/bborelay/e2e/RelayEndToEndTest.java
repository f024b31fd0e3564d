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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replay server -> sender -> receiver -> listener, in one JVM, over real loopback WebSocket and mutual TLS. */
@ExtendWith(UncaughtExceptionsExtension.class)
class RelayEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, receiver, replay);
    }

    @Test
    @Timeout(90)
    void shouldDeliverEveryRecordedBookTickerInOrderWithTheRecordedValues() throws Exception {
        Recording recording = Recording.read(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808));
        assertEquals(28_040, recording.quotes().size());
        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = RelayFixture.receiver(0, listener);
        replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 0);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, receiver.port()).build());

        Await.until("28,040 quotes at the listener", WAIT, () -> listener.size() == 28_040, receiver::stats);
        for (int i = 0; i < 28_040; i++) {
            BookTicker q = listener.quotes.get(i);
            assertEquals(i + 1, q.seq(), "in order, gapless seq");
            assertSameAsRecorded(recording.quotes().get(i), q);
            assertTrue(q.sendEpochNanos() > 0 && q.receiveEpochNanos() >= q.sendEpochNanos() - 1_000_000);
        }
        ReceiverStats stats = receiver.stats();
        assertEquals(28_040, stats.quotesDelivered());
        assertEquals(0, stats.gaps());
        assertEquals(0, stats.duplicates());
        assertEquals(0, stats.outOfOrder());
        assertEquals(0, stats.malformedFramesTotal());
        assertEquals(0, listener.gapCalls.get());
        assertEquals(28_040, stats.symbol("BTCUSDT").quotes());
        // At speed 0 the whole recording passes in under a second, while both sides are busy: the clock-offset
        // estimate is not trusted yet (ClockSync.trusted(): a sample taken while neither side was busy, or 3 samples),
        // so the latencies are in the uncorrected figures; on a quieter link they are in the corrected ones.
        long p50 = stats.p50OneWayNanos() > 0 ? stats.p50OneWayNanos() : stats.p50OneWayUncorrectedNanos();
        long p99 = stats.p50OneWayNanos() > 0 ? stats.p99OneWayNanos() : stats.p99OneWayUncorrectedNanos();
        assertTrue(p50 > 0 && p99 >= p50, stats.toString());
        SenderStats sent = sender.stats();
        assertEquals(28_040, sent.taken());
        assertEquals(28_040, sent.sent());
        assertEquals(0, sent.dropped() + sent.conflated());
        BookTicker latest = receiver.latest("BTCUSDT");
        assertSameAsRecorded(recording.quotes().get(28_039), latest);
    }

    @Test
    @Timeout(60)
    void shouldRelaySeveralSymbolsOfOneConnectionAndCarryTheUsdmEventTime() throws Exception {
        Recording recording = Recording.read(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722));
        Set<String> symbols = new TreeSet<>();
        recording.quotes().forEach(q -> symbols.add(q.symbol()));
        assertEquals(4, symbols.size(), symbols.toString());
        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = RelayFixture.receiver(0, listener);
        replay = RelayFixture.replay(SharedData.USDM_4SYMBOLS_20210722, 0);
        sender = Sender.start(RelayFixture.senderConfig(String.join(",", symbols).toLowerCase(), replay,
                receiver.port()).build());

        int n = recording.quotes().size();
        Await.until(n + " quotes", WAIT, () -> listener.size() == n, receiver::stats);
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, listener.quotes.get(i).seq());
            assertSameAsRecorded(recording.quotes().get(i), listener.quotes.get(i));
            assertTrue(listener.quotes.get(i).binanceEventTimeMs() > 1_600_000_000_000L, "USD-M carries E");
        }
        ReceiverStats stats = receiver.stats();
        assertEquals(0, stats.gaps());
        for (String s : symbols) {
            assertEquals(recording.count(s), stats.symbol(s).quotes(), s);
        }
    }
}
