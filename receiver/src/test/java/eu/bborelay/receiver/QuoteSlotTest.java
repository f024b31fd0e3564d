package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(UncaughtExceptionsExtension.class)
class QuoteSlotTest {

    @Test
    void emptySlotReadsNothing() {
        BookTicker into = new BookTicker();
        assertFalse(new QuoteSlot("BTCUSDT").readInto(into));
        assertEquals("", into.symbol());
    }

    @Test
    void readCopiesEveryField() {
        QuoteSlot slot = new QuoteSlot("BTCUSDT");
        BookTicker q = new BookTicker().set("BTCUSDT", 61_837.63, 1.25, 61_837.64, 0.5, 77, 1_723_161_254_087L)
                .mid(61_837.635).seq(9).sendEpochNanos(111).receiveEpochNanos(222);
        slot.publish(q);
        BookTicker r = new BookTicker();
        assertTrue(slot.readInto(r));
        assertEquals(q.toString(), r.toString());
        assertEquals(222, r.receiveEpochNanos());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void readerNeverSeesAHalfWrittenQuote() throws InterruptedException {
        QuoteSlot slot = new QuoteSlot("BTCUSDT");
        AtomicLong reads = new AtomicLong();
        AtomicReference<String> torn = new AtomicReference<>();
        long writes = 2_000_000;
        Thread writer = new Thread(() -> {
            BookTicker q = new BookTicker();
            for (long i = 1; i <= writes; i++) {
                q.set("BTCUSDT", i, i * 2, i + 1, i * 3, i * 5, i * 7).seq(i).sendEpochNanos(i * 11)
                        .receiveEpochNanos(i * 13);
                slot.publish(q);
            }
        }, "test-writer");
        Thread reader = new Thread(() -> {
            BookTicker r = new BookTicker();
            while (writer.isAlive() || reads.get() == 0) {
                if (slot.readInto(r)) {
                    long i = r.seq();
                    if (r.bid() != i || r.bidQty() != i * 2 || r.ask() != i + 1 || r.askQty() != i * 3
                            || r.updateId() != i * 5 || r.binanceEventTimeMs() != i * 7
                            || r.sendEpochNanos() != i * 11 || r.receiveEpochNanos() != i * 13
                            || r.mid() != (2 * i + 1) / 2.0) {
                        torn.compareAndSet(null, r.toString());
                    }
                    reads.incrementAndGet();
                }
            }
        }, "test-reader");
        writer.start();
        reader.start();
        writer.join();
        reader.join();
        assertNull(torn.get(), "torn read");
        assertTrue(reads.get() > 0);
    }

    @Test
    void latestIsTheFreshestOfLiveAndRetiredSlots() {
        SymbolState state = new SymbolState("ETHUSDT");
        assertNull(state.latest());
        QuoteSlot a = state.newSlot();
        QuoteSlot b = state.newSlot();
        a.publish(quote(1, 100));
        b.publish(quote(2, 300));
        assertEquals(2, state.latest().seq());
        a.publish(quote(3, 400));
        assertEquals(3, state.latest().seq());
        state.retire(a);
        assertEquals(3, state.latest().seq(), "a retired connection's quote is kept");
        b.publish(quote(4, 500));
        assertEquals(4, state.latest().seq());
        state.retire(b);
        assertEquals(4, state.latest().seq());
        QuoteSlot c = state.newSlot();
        assertEquals(4, state.latest().seq(), "an empty new slot does not hide the retired quote");
        c.publish(quote(5, 450)); // received earlier than the retired one (clock step): still the fresher is kept
        assertEquals(4, state.latest().seq());
    }

    private static BookTicker quote(long seq, long receiveEpochNanos) {
        return new BookTicker().set("ETHUSDT", 2_600 + seq, 1, 2_601 + seq, 1, seq, 0).seq(seq)
                .sendEpochNanos(receiveEpochNanos - 1).receiveEpochNanos(receiveEpochNanos);
    }
}
