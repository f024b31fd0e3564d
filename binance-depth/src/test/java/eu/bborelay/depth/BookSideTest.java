package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BookSideTest {

    @Test
    void bestFirstOnBothSides() {
        BookSide bids = new BookSide(true, 10);
        BookSide asks = new BookSide(false, 10);
        for (long p : new long[] {100, 300, 200}) {
            assertTrue(bids.set(p, p * 10));
            assertTrue(asks.set(p, p * 10));
        }
        assertEquals(300, bids.bestPrice());
        assertEquals(3000, bids.bestQuantity());
        assertEquals(100, asks.bestPrice());
        long[] p = new long[5];
        long[] q = new long[5];
        assertEquals(3, bids.top(5, p, q));
        assertEquals(List.of(300L, 200L, 100L), List.of(p[0], p[1], p[2]));
        assertEquals(2, asks.top(2, p, q));
        assertEquals(List.of(100L, 200L), List.of(p[0], p[1]));
    }

    @Test
    void zeroRemovesAndRemovingAnAbsentLevelIsNormal() {
        BookSide asks = new BookSide(false, 10);
        asks.set(5, 1);
        assertFalse(asks.set(7, 0)); // absent: nothing to do
        assertFalse(asks.set(5, 1)); // same quantity
        assertTrue(asks.set(5, 0));
        assertTrue(asks.isEmpty());
        assertFalse(asks.set(5, 0));
        assertThrows(IllegalStateException.class, asks::bestPrice);
        assertEquals(0, asks.quantityAt(5));
    }

    @Test
    void randomOperationsMatchATreeMap() {
        Random rnd = new Random(42);
        for (boolean bidSide : new boolean[] {true, false}) {
            BookSide side = new BookSide(bidSide, 4); // tiny: forces growth, splits and merges
            TreeMap<Long, Long> model = bidSide ? new TreeMap<>(Collections.reverseOrder()) : new TreeMap<>();
            for (int op = 0; op < 300_000; op++) {
                // phases: grow to thousands of levels, then shrink, so blocks split and merge
                int phase = (op / 50_000) % 2;
                long price = 1 + rnd.nextInt(op % 7 == 0 ? 100 : 20_000);
                long qty = rnd.nextInt(100) < (phase == 0 ? 25 : 70) ? 0 : 1 + rnd.nextInt(1000);
                Long before = model.get(price);
                boolean changed = side.set(price, qty);
                if (qty == 0) {
                    assertEquals(before != null, changed);
                    model.remove(price);
                } else {
                    assertEquals(before == null || before != qty, changed);
                    model.put(price, qty);
                }
                if (op % 5_000 == 0) {
                    side.verify();
                    assertSame(model, side);
                }
            }
            side.verify();
            assertSame(model, side);
            side.clear();
            side.verify();
            assertTrue(side.isEmpty());
        }
    }

    private static void assertSame(TreeMap<Long, Long> model, BookSide side) {
        assertEquals(model.size(), side.size());
        if (!model.isEmpty()) {
            assertEquals((long) model.firstKey(), side.bestPrice());
        }
        List<long[]> levels = new ArrayList<>();
        side.forEach((p, q) -> levels.add(new long[] {p, q}));
        int i = 0;
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertEquals((long) e.getKey(), levels.get(i)[0]);
            assertEquals((long) e.getValue(), levels.get(i)[1]);
            i++;
        }
        for (int k = 0; k < 20 && !model.isEmpty(); k++) {
            long probe = 1 + k * 997;
            assertEquals(model.getOrDefault(probe, 0L), side.quantityAt(probe));
        }
    }
}
