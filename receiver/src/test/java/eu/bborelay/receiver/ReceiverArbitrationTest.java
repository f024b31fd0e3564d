package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A/B arbitration through real TLS connections: two fake senders (two sessions, the same seq-to-id mapping, as two
 * senders of one Binance stream) with hand-placed holes. Quote update id = 1000 + seq, trade id = 5000 + seq.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ReceiverArbitrationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String A = "aaaaaaaa00000000";
    private static final String B = "bbbbbbbb00000000";

    private final List<Long> quoteIds = new CopyOnWriteArrayList<>();
    private final List<Long> tradeIds = new CopyOnWriteArrayList<>();
    private final List<String> mergedGaps = new CopyOnWriteArrayList<>();
    private final AtomicLong seqGapCalls = new AtomicLong();
    private Receiver receiver;
    private FakeSender a;
    private FakeSender b;

    @BeforeEach
    void start() throws IOException {
        TestCerts certs = TestCerts.project();
        receiver = Receiver.start(ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                .pingInterval(0, TimeUnit.SECONDS)
                .silenceTimeout(0, TimeUnit.SECONDS)
                .arbitration(true)
                .build(), new TickerListener() {
                    @Override
                    public void onBookTicker(BookTicker quote) {
                        quoteIds.add(quote.updateId());
                    }

                    @Override
                    public void onTrade(Trade trade) {
                        tradeIds.add(trade.tradeId());
                    }

                    @Override
                    public void onGap(long expectedSeq, long receivedSeq) {
                        seqGapCalls.incrementAndGet();
                    }

                    @Override
                    public void onMergedGap(String symbol, String type, long afterId, long beforeId) {
                        mergedGaps.add(symbol + " " + type + " " + afterId + ".." + beforeId);
                    }
                });
        a = FakeSender.connect(receiver.port()).hello(A, 0, "BTCUSDT");
        b = FakeSender.connect(receiver.port()).hello(B, 0, "BTCUSDT");
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        receiver.close();
    }

    @Test
    void oneMergedStreamHolesOfOnePathFilledAndHolesOfBothCounted() throws IOException {
        a.quotes(1, 2, "BTCUSDT");
        awaitCopies(A, 2);
        b.quotes(1, 2, "BTCUSDT");
        awaitCopies(B, 2);
        assertEquals(List.of(1001L, 1002L), quoteIds, "each quote once");

        b.quotes(3, 3, "BTCUSDT"); // b is ahead for 3, then a misses 3
        awaitCopies(B, 3);
        a.quotes(4, 5, "BTCUSDT");
        awaitCopies(A, 4);
        b.quotes(4, 5, "BTCUSDT");
        awaitCopies(B, 5);
        assertEquals(List.of(1001L, 1002L, 1003L, 1004L, 1005L), quoteIds);
        assertEquals(List.of(), mergedGaps, "a's hole at seq 3: b delivered it");

        a.quotes(7, 7, "BTCUSDT"); // both miss seq 6
        awaitCopies(A, 5);
        assertEquals(List.of(), mergedGaps, "b, behind, may still bring 6");
        b.quotes(7, 7, "BTCUSDT");
        awaitCopies(B, 6);
        assertEquals(List.of("BTCUSDT bbo 1005..1007"), mergedGaps);

        a.trade(8, "BTCUSDT").trade(9, "BTCUSDT");
        awaitCopies(A, 7);
        b.trade(8, "BTCUSDT").trade(9, "BTCUSDT");
        awaitCopies(B, 8);
        a.trade(11, "BTCUSDT"); // a misses trade 5010
        awaitCopies(A, 8);
        b.trade(10, "BTCUSDT").trade(11, "BTCUSDT");
        awaitCopies(B, 10);
        assertEquals(List.of(5008L, 5009L, 5011L, 5010L), tradeIds, "the late trade is delivered, once");
        a.trade(13, "BTCUSDT"); // both miss trade 5012
        b.trade(13, "BTCUSDT");
        awaitCopies(A, 9);
        awaitCopies(B, 11);
        assertEquals(List.of("BTCUSDT bbo 1005..1007", "BTCUSDT trade 5011..5013"), mergedGaps);
        assertEquals(List.of(5008L, 5009L, 5011L, 5010L, 5013L), tradeIds);

        assertEquals(0, seqGapCalls.get(), "a path's own seq gaps are not the merged stream's");
        ReceiverStats s = receiver.stats();
        ArbitrationStats arb = s.arbitration();
        ArbitrationStats.PathStats pa = arb.path(name(A));
        ArbitrationStats.PathStats pb = arb.path(name(B));
        assertEquals(1, arb.mergedQuoteGaps());
        assertEquals(1, arb.mergedTradeIdGaps());
        assertEquals(2, arb.mergedGaps());
        assertEquals(4, pa.gaps(), () -> "seqs 3, 6, 10 and 12: " + pa);
        assertEquals(4, pa.holes());
        assertEquals(2, pb.gaps(), () -> "seqs 6 and 12: " + pb);
        assertEquals(2, pb.holes());
        assertEquals(quoteIds.size() + tradeIds.size(), pa.won() + pb.won());
        assertEquals(9 + 4, pa.won() + pa.duplicates() + pa.gaps(), "every seq of a up to 13 accounted for: " + pa);
        assertEquals(11 + 2, pb.won() + pb.duplicates() + pb.gaps(), "every seq of b up to 13: " + pb);
        assertEquals(quoteIds.size(), s.quotesDelivered());
        assertEquals(tradeIds.size(), s.tradesDelivered());
        assertTrue(pa.connected() && pb.connected());
    }

    private static String name(String session) {
        return "127.0.0.1#" + session.substring(0, 8);
    }

    /** Waits until {@code n} updates of {@code session}'s path were arbitrated (won or dropped). */
    private void awaitCopies(String session, long n) {
        Await.until(name(session) + " arbitrated " + n, WAIT, () -> {
            ArbitrationStats.PathStats p = receiver.stats().arbitration().path(name(session));
            return p != null && p.won() + p.duplicates() + p.stale() == n;
        }, () -> receiver.stats().arbitration());
    }
}
