package eu.bborelay.polymarket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OrderBookTest {
    @Test
    void matchesATreeMapOracleOverRandomUpdates() {
        OrderBook book = new OrderBook("1");
        TreeMap<Long, Long> bids = new TreeMap<>();
        TreeMap<Long, Long> asks = new TreeMap<>();
        Random r = new Random(42);
        for (int n = 0; n < 200_000; n++) {
            boolean bid = r.nextBoolean();
            long price = (1 + r.nextInt(999)) * 1_000L; // 0.001 .. 0.999 on the 0.001 grid
            long size = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(1_000_000_000);
            book.beginChange();
            book.set(bid, price, size);
            book.endChange();
            TreeMap<Long, Long> side = bid ? bids : asks;
            if (size == 0) {
                side.remove(price);
            } else {
                side.put(price, size);
            }
        }
        BookSnapshot s = book.snapshot();
        assertEquals(bids.size(), s.bidCount());
        assertEquals(asks.size(), s.askCount());
        int i = 0;
        for (Map.Entry<Long, Long> e : bids.descendingMap().entrySet()) {
            assertEquals(e.getKey(), s.bidPrice(i));
            assertEquals(e.getValue(), s.bidSize(i++));
        }
        i = 0;
        for (Map.Entry<Long, Long> e : asks.entrySet()) {
            assertEquals(e.getKey(), s.askPrice(i));
            assertEquals(e.getValue(), s.askSize(i++));
        }
        assertEquals(bids.lastKey() >= asks.firstKey(), s.crossed());
    }

    @Test
    void crossedIsBestBidAtOrAboveBestAsk() {
        OrderBook b = new OrderBook("1");
        b.beginChange();
        b.set(true, 300_000, 1);
        b.set(false, 301_000, 1);
        b.endChange();
        assertFalse(b.crossed());
        b.beginChange();
        b.set(true, 301_000, 5);
        b.endChange();
        assertTrue(b.crossed(), "locked (bid == ask) counts as crossed");
        b.beginChange();
        b.set(true, 301_000, 0);
        b.set(false, 2_000, 0); // removing an absent level is a no-op
        b.endChange();
        assertFalse(b.crossed());
        assertEquals(300_000, b.bestBid());
    }

    @Test
    void levelUpdatesAllocateNothingInSteadyState() {
        OrderBook b = new OrderBook("1");
        for (int p = 1; p <= 40; p++) {
            b.beginChange();
            b.set(true, p * 1_000L, 100);
            b.set(false, 500_000 + p * 1_000L, 100);
            b.endChange();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        Runnable burst = () -> {
            for (int n = 0; n < 100_000; n++) {
                long p = (1 + n % 40) * 1_000L;
                b.beginChange();
                b.set(true, p, 0);
                b.set(true, p, 100 + n);
                b.set(false, 500_000 + p, 7 + n);
                b.endChange();
            }
        };
        burst.run(); // JIT
        long before = mx.getThreadAllocatedBytes(tid);
        burst.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        // 300,000 level updates; a single allocation per level would be >= 4.8 MB
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes for 300,000 level updates");
    }

    @Test
    void snapshotsFromAnotherThreadAreNeverTorn() throws Exception {
        OrderBook b = new OrderBook("1");
        long[] pricesA = {100_000, 200_000, 300_000};
        long[] pricesB = {110_000, 210_000, 310_000, 410_000, 510_000};
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                long[] ps = (n++ & 1) == 0 ? pricesA : pricesB;
                b.beginChange();
                b.clearLevels();
                for (long p : ps) {
                    b.set(true, p, p);
                    b.set(false, p + 600_000, p);
                }
                b.endChange();
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 10_000 && torn.get() == null; i++) {
                BookSnapshot s = b.snapshot();
                long[] bids = new long[s.bidCount()];
                for (int k = 0; k < bids.length; k++) {
                    bids[k] = s.bidPrice(bids.length - 1 - k);
                    if (s.bidSize(bids.length - 1 - k) != bids[k]) {
                        torn.set("size/price mismatch " + s);
                    }
                }
                if (bids.length > 0 && !java.util.Arrays.equals(bids, pricesA)
                        && !java.util.Arrays.equals(bids, pricesB)) {
                    torn.set("torn " + s);
                }
                if (s.askCount() != bids.length) {
                    torn.set("sides of different versions " + s);
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(null, torn.get());
    }
}
