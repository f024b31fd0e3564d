package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Symbols sharded across several Binance connections (here one or two streams per connection, as 201 USD-M
 * symbols would be): the real replay server on a real 4-symbol USD-M recording, real TLS to the fake receiver. The
 * shards' read threads publish concurrently, yet the receiver sees one session with one gapless {@code seq}, every
 * recorded update exactly once, each symbol in its recorded order.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ShardedBinanceTest extends EndToEndSupport {
    private static final String SYMBOLS = "sushiusdt,akrousdt,keepusdt,ctkusdt";
    private static final BinanceLegSettings FAST = BinanceLegSettings.DEFAULTS
            .withStaleAfter(Duration.ofSeconds(30)).withSilenceTimeout(Duration.ofSeconds(30))
            .withOverlapTimeout(Duration.ofSeconds(2))
            // four shards redial a replay server that is not listening yet: a budget that does not make them wait
            .withAttempts(100, Duration.ofMillis(100));
    private static Map<String, List<RecordedQuotes.Quote>> recordedBySymbol;
    private static int recordedTotal;

    @BeforeAll
    static void readRecording() {
        List<RecordedQuotes.Quote> all = RecordedQuotes.read(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722),
                Set.of("SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT"));
        assertEquals(613, all.size());
        recordedTotal = all.size();
        recordedBySymbol = bySymbol(all);
        assertEquals(4, recordedBySymbol.size());
    }

    @Test
    @Timeout(60)
    void oneConnectionPerSymbolDeliversEveryUpdateOnceWithOneGaplessSeq() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.USDM_4SYMBOLS_20210722, 0).startAfterConnections(4), SYMBOLS,
                b -> b.streamsPerConnection(1), FAST);
        assertEquals(4, sender.binanceShards());
        assertTrue(replay.awaitFinished(WAIT), "replay finished");
        awaitDrained(recordedTotal);
        List<RecordingFrameServer.Frame> quotes = quotesReceived(recordedTotal);
        assertEachSymbolInRecordedOrderOnce(quotes);

        SenderStats s = sender.stats();
        assertEquals(recordedTotal, s.sent());
        assertEquals(0, s.dropped() + s.conflated(), s.logLine());
        assertTrue(s.binanceConnected(), "every shard connected");
        assertEquals(4, replay.connectionsOpened(), "one connection per shard");
    }

    @Test
    @Timeout(90)
    void eachShardRollsOverOnServerShutdownWithoutLossOrRepeat() throws Exception {
        receiver = RecordingFrameServer.project().start();
        // 613 updates over 30 recorded seconds, at 3x: about 10 s, with a rollover of both shards in the middle
        startReceiverFirst(replayOf(SharedData.USDM_4SYMBOLS_20210722, 3).startAfterConnections(2), SYMBOLS,
                b -> b.streamsPerConnection(2), FAST);
        assertEquals(2, sender.binanceShards());
        Await.until("updates flow", WAIT, () -> sender.stats().taken() > 100, sender::stats);
        assertEquals(2, replay.injectServerShutdown(true), "both shards' connections get the announcement");
        Await.until("both shards rolled over", WAIT, () -> sender.binanceRollovers() == 2
                && replay.openConnections() == 2, sender::stats);
        assertTrue(sender.stats().binanceConnected());
        assertTrue(replay.awaitFinished(Duration.ofSeconds(60)), "replay finished");
        awaitDrained(recordedTotal);
        assertEachSymbolInRecordedOrderOnce(quotesReceived(recordedTotal));
        assertEquals(4, replay.connectionsOpened(), "two shards, each replaced once");
        assertEquals(2, sender.stats().notData(), "the two announcements");
    }

    /** Per symbol, the received updates are exactly the recorded ones in recorded order. */
    private static void assertEachSymbolInRecordedOrderOnce(List<RecordingFrameServer.Frame> quotes) {
        Map<String, Integer> next = new LinkedHashMap<>();
        for (RecordingFrameServer.Frame f : quotes) {
            String symbol = f.quote().symbol();
            List<RecordedQuotes.Quote> expected = recordedBySymbol.get(symbol);
            assertTrue(expected != null, "unexpected symbol " + symbol);
            int k = next.merge(symbol, 1, Integer::sum) - 1;
            assertTrue(k < expected.size(), symbol + ": more updates than recorded");
            assertRecorded(expected.get(k), f.quote());
        }
        for (Map.Entry<String, List<RecordedQuotes.Quote>> e : recordedBySymbol.entrySet()) {
            assertEquals(e.getValue().size(), next.getOrDefault(e.getKey(), 0), e.getKey() + ": every update once");
        }
    }

    private static Map<String, List<RecordedQuotes.Quote>> bySymbol(List<RecordedQuotes.Quote> all) {
        Map<String, List<RecordedQuotes.Quote>> out = new LinkedHashMap<>();
        for (RecordedQuotes.Quote q : all) {
            out.computeIfAbsent(q.symbol(), x -> new ArrayList<>()).add(q);
        }
        return out;
    }
}
