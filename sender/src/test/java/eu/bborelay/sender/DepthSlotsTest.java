package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Depth;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Depth frames in the quote slots: a symbol's depth has a slot of its own, a newer depth replaces an unsent one under
 * the quotes' rule, and the one accounting counts the replaced one as conflated (link up) or dropped (link down), so
 * {@code sent + dropped + conflated == taken} holds with depth too; a depth never displaces a quote and is never
 * replayed.
 */
class DepthSlotsTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    // two symbols, depth slots, a backlog of one per slot, a long age bound, one producer
    private final QuoteSlots slots = new QuoteSlots(2, true, 1, 1_000_000_000L, 1, null, clock::get);
    private final LinkAccounting accounting = new LinkAccounting(slots.symbols());
    private final BatchCollector collector = new BatchCollector(slots, accounting);

    @Test
    void aNewerDepthReplacesAnUnsentOneCountedConflatedAndLeavesTheQuoteAlone() {
        slots.backlog(true); // link up
        long q0 = slots.publish(0, quote("BTCUSDT"));
        Depth first = depth("BTCUSDT", 100);
        long d1 = slots.publishDepth(0, first);
        Depth second = depth("BTCUSDT", 101);
        long d2 = slots.publishDepth(0, second); // the backlog of one is full: latest wins
        long q1 = slots.publish(1, quote("ETHUSDT"));
        assertEquals(1, q0);
        assertEquals(2, d1);
        assertEquals(3, d2);
        assertEquals(4, q1);
        assertEquals(1, slots.displaced(), "the first depth, not the quote of its symbol");

        int n = collector.collect(false);
        assertEquals(3, n);
        QuoteSlots.Entry[] batch = collector.batch();
        assertEquals(1, batch[0].seq());
        assertSame(second, batch[1].depthFrame);
        assertNull(batch[1].quote);
        assertEquals(slots.depthSlot(0), batch[1].symbolIndex);
        assertEquals(3, second.seq());
        assertEquals(4, batch[2].seq());
        accounting.account(batch, n, true, false);
        collector.clear(n);
        assertEquals(3, accounting.sent());
        assertEquals(1, accounting.conflated(), "seq 2, the replaced depth, is a gap counted as conflated");
        assertEquals(0, accounting.dropped());
        assertNull(accounting.lastWritten(slots.depthSlot(0)), "a depth is never replayed on a new connection");
        assertEquals(slots.lastPublishedSeq(), accounting.sent() + accounting.dropped() + accounting.conflated());
    }

    @Test
    void whileTheLinkIsDownTheLatestDepthWaitsAndTheOlderAreDropped() {
        slots.backlog(false); // link down
        slots.publishDepth(1, depth("ETHUSDT", 7));
        slots.publishDepth(1, depth("ETHUSDT", 8));
        Depth latest = depth("ETHUSDT", 9);
        slots.publishDepth(1, latest);
        slots.backlog(true);
        int n = collector.collect(true); // the opening batch of a connection
        assertEquals(1, n);
        assertSame(latest, collector.batch()[0].depthFrame);
        n = collector.addReplays(n, Long.MAX_VALUE);
        assertEquals(1, n, "nothing written before: nothing to replay");
        accounting.account(collector.batch(), n, true, true);
        collector.clear(n);
        assertEquals(1, accounting.sent());
        assertEquals(2, accounting.dropped(), "gaps of an opening batch are dropped");
        assertEquals(0, accounting.conflated());
        assertEquals(slots.lastPublishedSeq(), accounting.sent() + accounting.dropped() + accounting.conflated());
    }

    @Test
    void slotsWithoutDepthRefuseADepth() {
        QuoteSlots quotesOnly = new QuoteSlots(2, 4, 1_000_000L);
        assertEquals(2, quotesOnly.symbols());
        assertEquals(4, slots.symbols(), "two quote slots, then two depth slots");
        assertThrows(IllegalStateException.class, () -> quotesOnly.publishDepth(0, depth("BTCUSDT", 1)));
    }

    private static BookTicker quote(String symbol) {
        return new BookTicker().set(symbol, 1.0, 1.0, 2.0, 1.0, 1, 0);
    }

    private static Depth depth(String symbol, long updateId) {
        Depth d = new Depth(1, 1);
        d.set(symbol, 1_700_000_000L, 0, updateId, 1.0, 2.0).levels(1, 1).buckets(1, 0.002);
        return d;
    }
}
