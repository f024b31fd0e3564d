package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import eu.bborelay.receiver.TickerListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Keeps a copy of every quote, every trade and every gap the receiver reports; thread-safe. */
class RecordingTickerListener implements TickerListener {
    final List<BookTicker> quotes = new CopyOnWriteArrayList<>();
    final List<Trade> trades = new CopyOnWriteArrayList<>();
    final AtomicLong gapCalls = new AtomicLong();
    final AtomicLong missing = new AtomicLong();
    /** Every gap as {@code [expectedSeq, receivedSeq)}: the seqs it says are missing. */
    final List<long[]> gapRanges = new CopyOnWriteArrayList<>();

    @Override
    public void onBookTicker(BookTicker quote) {
        quotes.add(quote.copy());
    }

    @Override
    public void onTrade(Trade trade) {
        trades.add(trade.copy());
    }

    @Override
    public void onGap(long expectedSeq, long receivedSeq) {
        gapCalls.incrementAndGet();
        missing.addAndGet(receivedSeq - expectedSeq);
        gapRanges.add(new long[] {expectedSeq, receivedSeq});
    }

    /** How many of {@code seqs} lie in a gap this listener was told about. */
    long inGaps(java.util.Collection<Long> seqs) {
        long n = 0;
        for (long seq : seqs) {
            for (long[] g : gapRanges) {
                if (seq >= g[0] && seq < g[1]) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    int size() {
        return quotes.size();
    }

    /** Asserts that {@code got} carries exactly the recorded values of {@code want}. */
    static void assertSameAsRecorded(Recording.Quote want, BookTicker got) {
        String where = "seq " + got.seq() + " u " + want.updateId();
        assertEquals(want.symbol(), got.symbol(), where);
        assertEquals(want.updateId(), got.updateId(), where);
        assertEquals(Double.parseDouble(want.bid()), got.bid(), where);
        assertEquals(Double.parseDouble(want.bidQty()), got.bidQty(), where);
        assertEquals(Double.parseDouble(want.ask()), got.ask(), where);
        assertEquals(Double.parseDouble(want.askQty()), got.askQty(), where);
        assertEquals((Double.parseDouble(want.bid()) + Double.parseDouble(want.ask())) / 2, got.mid(), where);
        assertEquals(want.eventTimeMs(), got.binanceEventTimeMs(), where);
    }
}
