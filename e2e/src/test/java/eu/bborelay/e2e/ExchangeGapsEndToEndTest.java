package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.replay.Withhold;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchange gaps (issue 10 part 5) across the real components: the replay server withholds one recorded trade or
 * aggTrade from its WebSocket stream while its REST side still knows it; the sender, the receiver and the listener
 * over loopback WebSocket, HTTP and mutual TLS. A withheld aggTrade is one exchange gap, fetched once from the
 * replay's {@code GET /fapi/v1/aggTrades} and delivered with {@code backfilled=true}; a withheld {@code @trade} is one
 * exchange gap, counted and not fetched (Binance has no keyless REST for single trades by id). Neither is a relay gap.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ExchangeGapsEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(ExchangeGapsEndToEndTest.class);
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
    void aWithheldAggTradeIsOneExchangeGapBackfilledOnceFromRest() throws Exception {
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722), false,
                true);
        List<RecordedEvents.TradeEvent> ctk = recording.events().stream()
                .filter(e -> e instanceof RecordedEvents.TradeEvent t && t.symbol().equals("CTKUSDT"))
                .map(e -> (RecordedEvents.TradeEvent) e).toList();
        assertEquals(38, ctk.size());
        RecordedEvents.TradeEvent withheld = ctk.get(10); // neither the first (no id before) nor the last (open hole)
        Set<String> symbols = new TreeSet<>();
        recording.quotes().forEach(q -> symbols.add(q.symbol()));
        int trades = recording.trades().size();
        assertEquals(91, trades);

        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = RelayFixture.receiver(0, listener);
        replay = BinanceReplayServer.builder().recording(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722))
                .speed(0).withhold(Withhold.aggTrade("CTKUSDT", withheld.id())).build();
        replay.start();
        sender = Sender.start(RelayFixture.senderConfig(String.join(",", symbols).toLowerCase(), replay,
                        receiver.port())
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.AGG_TRADE))
                .binanceRestUrl(replay.restBaseUri() + "/fapi/v1/exchangeInfo")
                .build());
        int quotes = recording.quotes().size();
        Await.until(quotes + " quotes and " + trades + " aggTrades (one of them backfilled) at the listener", WAIT,
                () -> listener.quotes.size() == quotes && listener.trades.size() == trades, receiver::stats);
        Await.until("the sender's counters settle", WAIT,
                () -> sender.stats().sent() == sender.stats().taken(), sender::stats);

        List<Trade> backfilled = listener.trades.stream().filter(Trade::backfilled).toList();
        assertEquals(1, backfilled.size(), "exactly one backfilled trade: " + backfilled);
        Trade got = backfilled.get(0);
        assertEquals(withheld.id(), got.aggId());
        assertEquals(0, got.eventTimeMs(), "REST gives no event time");
        RecordedEvents.assertSameAsRecorded(new RecordedEvents.TradeEvent(true, withheld.symbol(), withheld.id(),
                withheld.firstId(), withheld.lastId(), withheld.price(), withheld.qty(), withheld.buyerIsMaker(),
                withheld.tradeTimeMs(), 0), got);
        Set<String> ids = new HashSet<>();
        for (Trade t : listener.trades) {
            assertTrue(ids.add(t.symbol() + ':' + t.aggId()), "aggTrade delivered twice: " + t);
            assertFalse(t.backfilled() && t.aggId() != withheld.id(), "only the withheld one is backfilled: " + t);
        }
        for (RecordedEvents.TradeEvent t : recording.events().stream()
                .filter(RecordedEvents.TradeEvent.class::isInstance).map(RecordedEvents.TradeEvent.class::cast)
                .toList()) {
            assertTrue(ids.contains(t.symbol() + ':' + t.id()), "recorded aggTrade delivered: " + t);
        }

        assertEquals(1, replay.messagesWithheld());
        assertEquals(1, replay.restRequests(), "backfilled with exactly one REST request");
        ReceiverStats r = receiver.stats();
        SenderStats s = sender.stats();
        log.info("withheld aggTrade {}: receiver {}; sender {}", withheld.id(), r, s.logLine());
        assertEquals(1, r.aggIdGaps(), "one exchange gap");
        assertEquals(0, r.tradeIdGaps());
        assertEquals(1, r.exchangeGapsBackfilled());
        assertEquals(0, r.gaps(), "not a relay gap");
        assertEquals(trades, r.aggTradesDelivered());
        assertEquals(1, s.trades().aggIdGaps());
        assertEquals(1, s.trades().backfilled());
        assertEquals(0, s.trades().backfillUnfilled());
        assertEquals(1, s.trades().backfillRequests());
        assertEquals(trades - 1, s.trades().aggTrades(), "taken from the stream: all but the withheld one");
        assertEquals(s.taken(), s.sent() + s.dropped() + s.conflated());
        assertEquals(s.taken(), listener.quotes.size() + listener.trades.size() + r.gaps(),
                "delivered + gaps == taken: the backfilled trade took a seq of its own");
        assertTrue(got.seq() > listener.trades.stream().filter(t -> t.symbol().equals("CTKUSDT")
                && t.aggId() == withheld.id() + 1).findFirst().orElseThrow().seq(),
                "the backfilled trade comes after the trade that closed the hole");
    }

    @Test
    @Timeout(90)
    void aWithheldTradeIsOneExchangeGapCountedNotBackfilled() throws Exception {
        String file = "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240718T2357Z.ndjson.gz";
        RecordedEvents recording = RecordedEvents.read(SharedData.binance(file), true, false);
        int trades = recording.trades().size();
        assertEquals(974, trades);
        RecordedEvents.TradeEvent withheld = recording.events().stream()
                .filter(RecordedEvents.TradeEvent.class::isInstance).map(RecordedEvents.TradeEvent.class::cast)
                .skip(100).findFirst().orElseThrow();

        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = RelayFixture.receiver(0, listener);
        replay = BinanceReplayServer.builder().recording(SharedData.binance(file)).speed(0)
                .withhold(Withhold.trade("BTCUSDT", withheld.id())).build();
        replay.start();
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, receiver.port())
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.TRADE))
                .binanceRestUrl(replay.restBaseUri() + "/fapi/v1/exchangeInfo")
                .build());
        int quotes = recording.quotes().size();
        Await.until(quotes + " quotes and " + (trades - 1) + " trades at the listener", WAIT,
                () -> listener.quotes.size() == quotes && listener.trades.size() == trades - 1, receiver::stats);
        Await.until("the sender's counters settle", WAIT,
                () -> sender.stats().sent() == sender.stats().taken(), sender::stats);

        assertTrue(listener.trades.stream().noneMatch(t -> t.tradeId() == withheld.id()), "the withheld trade");
        assertTrue(listener.trades.stream().noneMatch(Trade::backfilled), "single trades are not backfilled");
        assertEquals(1, replay.messagesWithheld());
        assertEquals(0, replay.restRequests(), "no REST request for a single trade");
        ReceiverStats r = receiver.stats();
        SenderStats s = sender.stats();
        log.info("withheld trade {}: receiver {}; sender {}", withheld.id(), r, s.logLine());
        assertEquals(1, r.tradeIdGaps(), "one exchange gap");
        assertEquals(0, r.aggIdGaps());
        assertEquals(0, r.exchangeGapsBackfilled());
        assertEquals(0, r.gaps(), "not a relay gap");
        assertEquals(1, s.trades().tradeIdGaps());
        assertEquals(0, s.trades().backfillRequests());
        assertEquals(s.taken(), listener.quotes.size() + listener.trades.size() + r.gaps());
    }
}
