package eu.bborelay.e2e;

import static eu.bborelay.e2e.RecordingTickerListener.assertSameAsRecorded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import eu.bborelay.sender.binance.StreamKind;
import eu.bborelay.sender.binance.StreamSelection;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trades across the relay: the real replay server serving {@code @bookTicker} with {@code @trade} or
 * {@code @aggTrade} from recordings, the sender with trades switched on, a receiver, over loopback WebSocket and
 * mutual TLS. Every update delivered exactly once, in the recording's order, one seq space; and a receiver stall
 * that overflows the trade queue, counted exactly.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class TradesEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(TradesEndToEndTest.class);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, receiver, replay);
    }

    @Test
    @Timeout(150)
    void everyBookTickerAndEveryTradeOfTheSpotRecordingExactlyOnce() throws Exception {
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808), true,
                false);
        assertEquals(28_040, recording.quotes().size());
        assertEquals(9_757, recording.trades().size());
        relay(SharedData.SPOT_BTCUSDT_20240808, "btcusdt", StreamKind.TRADE, recording);
        SenderStats s = sender.stats();
        assertEquals(9_757, s.trades().trades());
        assertEquals(9_757, s.trades().sent());
        ReceiverStats r = receiver.stats();
        assertEquals(9_757, r.tradesDelivered());
        assertEquals(9_757, r.symbol("BTCUSDT").trades());
        assertEquals(28_040, r.symbol("BTCUSDT").quotes());
    }

    @Test
    @Timeout(90)
    void everyTradeOfAUsdmRecording() throws Exception {
        String file = "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240718T2357Z.ndjson.gz";
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(file), true, false);
        assertEquals(7_113, recording.quotes().size());
        assertEquals(974, recording.trades().size());
        relay(file, "btcusdt", StreamKind.TRADE, recording);
        assertEquals(974, receiver.stats().tradesDelivered());
    }

    @Test
    @Timeout(90)
    void everyAggTradeOfTheCryptofeedUsdmRecordingOfFourSymbols() throws Exception {
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722), false,
                true);
        assertEquals(613, recording.quotes().size());
        assertEquals(91, recording.trades().size());
        Set<String> symbols = new TreeSet<>();
        recording.quotes().forEach(q -> symbols.add(q.symbol()));
        relay(SharedData.USDM_4SYMBOLS_20210722, String.join(",", symbols).toLowerCase(), StreamKind.AGG_TRADE,
                recording);
        ReceiverStats r = receiver.stats();
        assertEquals(91, r.aggTradesDelivered());
        assertEquals(0, r.tradesDelivered());
        Map<String, Long> perSymbol = new HashMap<>();
        recording.trades().forEach(t -> perSymbol.merge(t.symbol(), 1L, Long::sum));
        for (String sym : symbols) {
            assertEquals(perSymbol.getOrDefault(sym, 0L), r.symbol(sym).aggTrades(), sym);
        }
        assertEquals(91, sender.stats().trades().aggTrades());
    }

    /**
     * The receiver's listener blocks on a trade until the sender's trade queue (16 slots here) has dropped trades:
     * the receiver stops reading, the sender's writes block, Binance keeps coming. Then it lets go. Every update the
     * sender took is delivered once or counted as a gap, the sender counts every trade the queue dropped as dropped
     * (never conflated), and every trade of the recording is either delivered or among those drops.
     */
    @Test
    @Timeout(150)
    void aReceiverStallOverflowsTheTradeQueueAndTheDropsAreGapsCountedExactly() throws Exception {
        String file = SharedData.USDM_BTCUSDT_20240808;
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(file), true, false);
        CountDownLatch release = new CountDownLatch(1);
        RecordingTickerListener listener = new RecordingTickerListener() {
            @Override
            public void onTrade(Trade trade) {
                super.onTrade(trade);
                if (trades.size() == 100) {
                    try {
                        release.await(60, TimeUnit.SECONDS); // the reader thread stops reading: a receiver stall
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        receiver = RelayFixture.receiver(0, listener);
        replay = RelayFixture.replay(file, 0);
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, receiver.port())
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.TRADE))
                .tradeQueueCapacity(16)
                .build());
        try {
            Await.until("the trade queue overflows while the receiver stalls", WAIT,
                    () -> sender.stats().trades().queueDropped() > 0, sender::stats);
        } finally {
            release.countDown();
        }
        long taken = finish(listener);
        SenderStats s = sender.stats();
        ReceiverStats r = receiver.stats();
        log.info("stall: taken {} = sent {} + dropped {} + conflated {}; trades taken {} sent {} queue-dropped {};"
                        + " receiver quotes {} trades {} gaps {}", taken, s.sent(), s.dropped(), s.conflated(),
                s.trades().trades(), s.trades().sent(), s.trades().queueDropped(), listener.quotes.size(),
                listener.trades.size(), r.gaps());
        assertEquals(taken, s.sent() + s.dropped() + s.conflated(), "sender: sent + dropped + conflated == taken");
        assertEquals(taken, listener.quotes.size() + listener.trades.size() + r.gaps(),
                "receiver: delivered + gaps == taken");
        assertEquals(s.dropped() + s.conflated(), r.gaps(), "every gap is a sender drop or conflation");
        assertTrue(s.trades().queueDropped() > 0);
        assertTrue(s.dropped() >= s.trades().queueDropped(), "trades the queue dropped are dropped, not conflated");
        assertEquals(recording.trades().size(), s.trades().trades(), "the sender took every recorded trade");
        assertEquals(s.trades().trades(), listener.trades.size() + s.trades().queueDropped(),
                "every trade delivered or dropped by the full queue, nothing else lost");
        assertEquals(s.trades().sent(), listener.trades.size());
        assertEquals(r.tradesDelivered(), listener.trades.size());
        Set<Long> seqs = new HashSet<>();
        listener.quotes.forEach(q -> assertTrue(seqs.add(q.seq()), "seq " + q.seq() + " twice"));
        listener.trades.forEach(t -> assertTrue(seqs.add(t.seq()), "seq " + t.seq() + " twice"));
        long lastId = 0;
        for (Trade t : listener.trades) {
            assertTrue(t.tradeId() > lastId, "trade ids increase: " + t);
            lastId = t.tradeId();
        }
        assertEquals(0, r.duplicates());
    }

    /**
     * A {@code serverShutdown} in the middle of the spot recording: the sender rolls over to a new Binance connection
     * (make-before-break), both carry the same trades for a while, and still every trade arrives exactly once, with
     * seq k for the k-th recorded update (a duplicate takes no seq).
     */
    @Test
    @Timeout(150)
    void aRolloverLosesAndRepeatsNoTrade() throws Exception {
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808), true,
                false);
        relay(SharedData.SPOT_BTCUSDT_20240808, "btcusdt", StreamKind.TRADE, recording, 30, () -> {
            Await.until("updates flow", WAIT, () -> sender.stats().trades().trades() > 1_000, sender::stats);
            assertEquals(1, replay.injectServerShutdown(true));
            Await.until("a second Binance connection", WAIT, () -> replay.connectionsOpened() == 2, sender::stats);
        });
        assertEquals(0, sender.stats().binanceReconnects(), "a rollover, not a reconnect");
        assertEquals(2, replay.connectionsOpened());
        assertEquals(9_757, receiver.stats().tradesDelivered());
    }

    /**
     * A connection that carries trades only (as USD-M's aggTrade connection under /market does, beside the bookTicker
     * one): no bookTicker to wait for in a rollover, only the trades' overlap. A serverShutdown in the middle, and
     * still every trade once.
     */
    @Test
    @Timeout(150)
    void aTradesOnlyConnectionRollsOverWithoutLosingOrRepeatingATrade() throws Exception {
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808), false,
                true, false);
        assertEquals(0, recording.quotes().size());
        relay(SharedData.SPOT_BTCUSDT_20240808, "btcusdt", StreamSelection.of(StreamKind.TRADE), recording, 30, () -> {
            Await.until("trades flow", WAIT, () -> sender.stats().trades().trades() > 1_000, sender::stats);
            assertEquals(1, replay.injectServerShutdown(true));
            Await.until("a second Binance connection", WAIT, () -> replay.connectionsOpened() == 2, sender::stats);
        });
        assertEquals(9_757, receiver.stats().tradesDelivered());
        assertEquals(0, receiver.stats().quotesDelivered());
    }

    /** Replays {@code file} through sender and receiver and checks every update against the recording. */
    private void relay(String file, String symbols, StreamKind tradeKind, RecordedEvents recording) throws Exception {
        relay(file, symbols, tradeKind, recording, 0, () -> { });
    }

    private void relay(String file, String symbols, StreamKind tradeKind, RecordedEvents recording, double speed,
                       Runnable meanwhile) throws Exception {
        relay(file, symbols, StreamSelection.of(StreamKind.BOOK_TICKER, tradeKind), recording, speed, meanwhile);
    }

    private void relay(String file, String symbols, StreamSelection streams, RecordedEvents recording, double speed,
                       Runnable meanwhile) throws Exception {
        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = RelayFixture.receiver(0, listener);
        replay = RelayFixture.replay(file, speed);
        sender = Sender.start(RelayFixture.senderConfig(symbols, replay, receiver.port()).streams(streams).build());
        meanwhile.run();
        int quotes = recording.quotes().size();
        int trades = recording.trades().size();
        Await.until(quotes + " quotes and " + trades + " trades at the listener", WAIT,
                () -> listener.quotes.size() == quotes && listener.trades.size() == trades, receiver::stats);
        List<RecordedEvents.Event> events = recording.events();
        Map<Long, BookTicker> quoteBySeq = new HashMap<>();
        listener.quotes.forEach(q -> quoteBySeq.put(q.seq(), q));
        Map<Long, Trade> tradeBySeq = new HashMap<>();
        listener.trades.forEach(t -> tradeBySeq.put(t.seq(), t));
        Map<String, Long> lastTradeId = new HashMap<>();
        for (int k = 0; k < events.size(); k++) {
            long seq = k + 1; // the k-th recorded update of the subscribed streams has seq k: one gapless space
            if (events.get(k) instanceof RecordedEvents.QuoteEvent q) {
                BookTicker got = quoteBySeq.get(seq);
                assertTrue(got != null, "a quote with seq " + seq);
                assertSameAsRecorded(q.quote(), got);
            } else {
                RecordedEvents.TradeEvent want = (RecordedEvents.TradeEvent) events.get(k);
                Trade got = tradeBySeq.get(seq);
                assertTrue(got != null, "a trade with seq " + seq + ": " + want);
                RecordedEvents.assertSameAsRecorded(want, got);
                Long previous = lastTradeId.put(got.symbol(), got.type() == Trade.Type.AGG_TRADE ? got.aggId()
                        : got.tradeId());
                if (previous != null && got.type() == Trade.Type.TRADE) {
                    assertEquals(previous + 1, got.tradeId(), "consecutive trade ids: " + got);
                }
                assertTrue(got.receiveEpochNanos() > 0, got::toString);
            }
        }
        for (int i = 1; i < listener.trades.size(); i++) {
            assertTrue(listener.trades.get(i).seq() > listener.trades.get(i - 1).seq(), "delivered in seq order");
        }
        ReceiverStats r = receiver.stats();
        assertEquals(0, r.gaps());
        assertEquals(0, r.duplicates());
        assertEquals(0, r.outOfOrder());
        assertEquals(0, r.malformedFramesTotal());
        assertEquals(0, r.unknownFrames());
        assertEquals(0, listener.gapCalls.get());
        assertEquals(quotes, r.quotesDelivered());
        SenderStats s = sender.stats();
        assertEquals(quotes + trades, s.taken());
        assertEquals(quotes + trades, s.sent());
        assertEquals(0, s.dropped() + s.conflated());
        assertEquals(0, s.trades().queueDropped());
    }

    /** Stops the replay, waits until every update taken is accounted at both ends; returns taken. */
    private long finish(RecordingTickerListener listener) throws Exception {
        Await.until("the replay sent the whole recording", WAIT, replay::isFinished, replay::toString);
        replay.close();
        long messages = replay.messagesSent();
        Await.until("the sender took every message the replay sent", WAIT,
                () -> sender.stats().received() == messages, sender::stats);
        long taken = sender.stats().taken();
        Await.until("every taken update accounted for at both ends", WAIT, () -> {
            SenderStats s = sender.stats();
            ReceiverStats r = receiver.stats();
            return s.sent() + s.dropped() + s.conflated() == taken
                    && listener.quotes.size() + listener.trades.size() + r.gaps() == taken;
        }, () -> sender.stats() + " / " + receiver.stats());
        return taken;
    }
}
