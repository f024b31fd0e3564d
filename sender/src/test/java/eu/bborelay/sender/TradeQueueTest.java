package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.Trade;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class TradeQueueTest {
    private final Trade in = new Trade();
    private final Trade out = new Trade();

    @Test
    void firstInFirstOutAsCopies() {
        TradeQueue q = new TradeQueue(8);
        for (int seq = 1; seq <= 5; seq++) {
            assertFalse(q.offer(trade(in, seq)));
        }
        trade(in, 99); // the queue holds copies: the producer may reuse its instance at once
        assertEquals(5, q.size());
        for (int seq = 1; seq <= 5; seq++) {
            assertTrue(q.poll(Long.MAX_VALUE, out));
            assertTrade(out, seq);
        }
        assertFalse(q.poll(Long.MAX_VALUE, out));
        assertEquals(0, q.size());
        assertEquals(0, q.dropped());
    }

    @Test
    void capacityIsRoundedUpToAPowerOfTwo() {
        assertEquals(1, new TradeQueue(1).capacity());
        assertEquals(8, new TradeQueue(5).capacity());
        assertEquals(65_536, new TradeQueue(65_536).capacity());
        assertThrows(IllegalArgumentException.class, () -> new TradeQueue(0));
        assertThrows(IllegalArgumentException.class, () -> new TradeQueue((1 << 30) + 1));
    }

    @Test
    void overflowDropsTheOldestAndCountsThem() {
        TradeQueue q = new TradeQueue(4);
        int dropsSignalled = 0;
        for (int seq = 1; seq <= 10; seq++) {
            if (q.offer(trade(in, seq))) {
                dropsSignalled++;
            }
        }
        assertEquals(6, q.dropped());
        assertEquals(6, dropsSignalled);
        assertEquals(4, q.size());
        for (int seq = 7; seq <= 10; seq++) { // the newest four, never conflated: every one of them, in order
            assertTrue(q.poll(Long.MAX_VALUE, out));
            assertTrade(out, seq);
        }
        assertFalse(q.poll(Long.MAX_VALUE, out));
    }

    @Test
    void aSingleSlotQueueKeepsTheNewest() {
        TradeQueue q = new TradeQueue(1);
        q.offer(trade(in, 1));
        q.offer(trade(in, 2));
        assertEquals(1, q.dropped());
        assertTrue(q.poll(Long.MAX_VALUE, out));
        assertTrade(out, 2);
        q.offer(trade(in, 3));
        assertEquals(1, q.dropped(), "room again after a poll");
    }

    @Test
    void takesOnlyUpToTheHighestSeqAllowed() {
        TradeQueue q = new TradeQueue(8);
        q.offer(trade(in, 3));
        q.offer(trade(in, 7));
        assertFalse(q.poll(2, out));
        assertTrue(q.poll(6, out));
        assertTrade(out, 3);
        assertFalse(q.poll(6, out), "seq 7 waits for a later batch");
        assertEquals(1, q.size());
        assertTrue(q.poll(7, out));
        assertTrade(out, 7);
    }

    @Test
    void aggTradesKeepTheirIds() {
        TradeQueue q = new TradeQueue(2);
        q.offer(new Trade().setAggTrade("BTCUSD_PERP", 1.5, 3, Trade.Side.BUY, 10, 20, 22, 5, 6).seq(1));
        assertTrue(q.poll(1, out));
        assertEquals("Trade{agg_trade BTCUSD_PERP seq=1 buy 3.0@1.5 a=10 f=20 l=22 T=5 E=6 ts=0}", out.toString());
    }

    /**
     * A producer at full speed against a consumer that polls in batches up to the last published seq, as the link's
     * writer does, through a ring small enough to overflow all the time. Every trade taken is whole (its fields all
     * derive from its seq: a torn copy would not), seqs taken only increase, nothing with {@code seq <= hi} is left
     * behind by a poll that reported the queue exhausted, and taken + dropped == offered.
     */
    @Test
    void concurrentProducerAndConsumerLoseNothingUncountedAndNeverTear() throws Exception {
        int total = 2_000_000;
        TradeQueue q = new TradeQueue(16);
        AtomicLong lastPublished = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            Trade t = new Trade();
            for (int seq = 1; seq <= total; seq++) {
                q.offer(trade(t, seq));
                lastPublished.set(seq); // as QuoteSlots publishes lastPublishedSeq after the hand-over
                if ((seq & 0xffff) == 0) {
                    LockSupport.parkNanos(100_000); // now and then let the consumer catch up
                }
            }
        }, "trade-queue-test-producer");
        producer.setUncaughtExceptionHandler((th, e) -> failure.set(e));
        producer.start();
        long taken = 0;
        long lastSeq = 0;
        Trade got = new Trade();
        while (true) {
            long hi = lastPublished.get();
            while (q.poll(hi, got)) {
                long seq = got.seq();
                assertTrue(seq > lastSeq && seq <= hi, "seq " + seq + " after " + lastSeq + ", hi " + hi);
                assertTrade(got, seq);
                lastSeq = seq;
                taken++;
            }
            if (hi == total) {
                break;
            }
            if ((taken & 7) == 0) {
                Thread.onSpinWait();
            }
        }
        producer.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(total, lastSeq, "the newest trade is never dropped");
        assertEquals(total, taken + q.dropped(), "taken " + taken + " + dropped " + q.dropped());
        assertTrue(q.dropped() > 0, "the ring overflowed at least once");
        assertEquals(0, q.size());
    }

    private static Trade trade(Trade t, long seq) {
        Trade.Side side = (seq & 1) == 0 ? Trade.Side.BUY : Trade.Side.SELL;
        return t.setTrade((seq & 1) == 0 ? "BTCUSDT" : "ETHUSDT", seq + 0.5, seq * 2.0, side, seq * 3, seq * 5,
                seq * 7).seq(seq).sendEpochNanos(seq * 11);
    }

    private static void assertTrade(Trade t, long seq) {
        assertEquals(seq, t.seq());
        assertEquals((seq & 1) == 0 ? "BTCUSDT" : "ETHUSDT", t.symbol(), t::toString);
        assertEquals(seq + 0.5, t.price(), t::toString);
        assertEquals(seq * 2.0, t.qty(), t::toString);
        assertEquals((seq & 1) == 0 ? Trade.Side.BUY : Trade.Side.SELL, t.takerSide(), t::toString);
        assertEquals(seq * 3, t.tradeId(), t::toString);
        assertEquals(seq * 3, t.firstTradeId(), t::toString);
        assertEquals(seq * 5, t.tradeTimeMs(), t::toString);
        assertEquals(seq * 7, t.eventTimeMs(), t::toString);
        assertEquals(seq * 11, t.sendEpochNanos(), t::toString);
        assertEquals(Trade.Type.TRADE, t.type());
    }
}
