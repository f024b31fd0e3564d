package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Trades through a real receiver over TLS on loopback: onTrade, one seq space with quotes, stats per type and symbol. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReceiverTradesTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RecordingTickerListener listener = new RecordingTickerListener();
    private Receiver receiver;
    private FakeSender sender;

    @BeforeEach
    void start() throws IOException {
        TestCerts certs = TestCerts.project();
        receiver = Receiver.start(ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                .pingInterval(0, TimeUnit.SECONDS)
                .build(), listener);
        sender = FakeSender.connect(receiver.port());
        listener.assertConnected();
    }

    @AfterEach
    void stop() {
        listener.assertNoMoreQuotes();
        sender.close();
        receiver.close();
    }

    @Test
    void tradesAreDeliveredInTheQuotesSeqSpaceWithEveryField() throws IOException {
        long before = EpochNanoClock.SYSTEM.epochNanos();
        sender.hello("s1", 0, "BTCUSDT").quote(1, "BTCUSDT", 61_837.63, 61_837.64).trade(2, "BTCUSDT")
                .aggTrade(3, "BTCUSDT").quote(4, "BTCUSDT", 61_837.5, 61_838.0);
        listener.assertNextQuote("BTCUSDT", 1);
        Trade t = listener.assertNextTrade("BTCUSDT", 2);
        assertEquals(Trade.Type.TRADE, t.type());
        assertEquals(102, t.price());
        assertEquals(0.5, t.qty());
        assertEquals(Trade.Side.SELL, t.takerSide());
        assertEquals(5002, t.tradeId());
        assertEquals(1_723_161_255_342L, t.tradeTimeMs());
        assertEquals(1_723_161_255_343L, t.eventTimeMs());
        assertTrue(t.sendEpochNanos() >= before && t.receiveEpochNanos() >= t.sendEpochNanos() - 1_000_000_000L, t::toString);
        assertTrue(listener.lastThreadName.startsWith("relay-receiver-conn-"), listener.lastThreadName);
        Trade a = listener.assertNextTrade("BTCUSDT", 3);
        assertEquals(Trade.Type.AGG_TRADE, a.type());
        assertEquals(7003, a.aggId());
        assertEquals(9000, a.firstTradeId());
        assertEquals(9002, a.lastTradeId());
        assertEquals(Trade.Side.BUY, a.takerSide());
        listener.assertNextQuote("BTCUSDT", 4);
        ReceiverStats s = awaitStats(4);
        assertEquals(0, s.gaps());
        assertEquals(2, s.quotesDelivered());
        assertEquals(1, s.tradesDelivered());
        assertEquals(1, s.aggTradesDelivered());
        assertEquals(1, s.symbol("BTCUSDT").trades());
        assertEquals(1, s.symbol("BTCUSDT").aggTrades());
        assertEquals(2, s.symbol("BTCUSDT").quotes());
        assertEquals(0, s.unknownFrames());
    }

    @Test
    void aMissingSeqBeforeATradeIsAGapReportedBeforeIt() throws IOException {
        sender.hello("s2", 0, "ETHUSDT").quote(1, "ETHUSDT", 1, 2).trade(4, "ETHUSDT").trade(5, "ETHUSDT");
        listener.assertNextQuote("ETHUSDT", 1);
        listener.assertGap(2, 4);
        listener.assertNextTrade("ETHUSDT", 4);
        listener.assertNextTrade("ETHUSDT", 5);
        ReceiverStats s = awaitStats(3);
        assertEquals(2, s.gaps());
        assertEquals(2, s.tradesDelivered());
    }

    @Test
    void aTradeDeliveredTwiceIsADuplicateAndASymbolSeenByTradesOnlyHasNoQuote() throws IOException {
        sender.hello("s3", 0, "SOLUSDT").trade(1, "SOLUSDT").trade(1, "SOLUSDT").trade(2, "SOLUSDT");
        listener.assertNextTrade("SOLUSDT", 1);
        listener.assertNextTrade("SOLUSDT", 2);
        Await.until("the duplicate counted", WAIT, () -> receiver.stats().duplicates() == 1, receiver::stats);
        ReceiverStats.SymbolStats sol = receiver.stats().symbol("SOLUSDT");
        assertEquals(2, sol.trades());
        assertEquals(0, sol.quotes());
        assertEquals(0, sol.lastReceiveEpochNanos());
        assertTrue(Double.isNaN(sol.lastMid()));
    }

    private ReceiverStats awaitStats(long delivered) {
        Await.until(delivered + " updates counted", WAIT, () -> {
            ReceiverStats s = receiver.stats();
            return s.quotesDelivered() + s.tradesDelivered() + s.aggTradesDelivered() == delivered;
        }, receiver::stats);
        return receiver.stats();
    }
}
