package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The invariant behind "never served stale or half-applied", under random loss: a true book evolves by random diffs;
 * the {@link DepthBook} receives them with some dropped and some delivered twice, and snapshots of the true book a
 * random number of events after it asks. Whenever it says it is synced, its levels equal the true book's at its
 * update id, and a dropped event while synced breaks it at the very next delivered event.
 */
class DepthBookRandomizedTest {

    @Test
    void spot() {
        run(DepthBook.Market.SPOT, 1);
    }

    @Test
    void usdm() {
        run(DepthBook.Market.USDM, 2);
    }

    @Test
    void coinm() {
        run(DepthBook.Market.COINM, 3);
    }

    private static void run(DepthBook.Market market, long seed) {
        Random rnd = new Random(seed);
        TreeMap<Long, Long> bids = new TreeMap<>();
        TreeMap<Long, Long> asks = new TreeMap<>();
        Map<Long, Long> hashAt = new HashMap<>();
        boolean[] wantSnapshot = {false};
        DepthBook book = new DepthBook(market, "BTCUSDT", 8, 8, b -> wantSnapshot[0] = true, DepthBookListener.NO_OP,
                64, 100);
        long u = 1_000;
        hashAt.put(u, hash(bids, asks));
        int snapshotDelay = -1;
        DepthEvent previous = null;
        int dropsWhileSynced = 0;
        int resyncs = 0;
        boolean droppedSinceLastDelivery = false;
        for (int n = 0; n < 30_000; n++) {
            DepthEvent e = new DepthEvent();
            e.symbol = "BTCUSDT";
            e.prevFinalUpdateId = market == DepthBook.Market.SPOT ? DepthEvent.ABSENT : u;
            e.firstUpdateId = u + 1 + (market == DepthBook.Market.SPOT ? 0 : rnd.nextInt(3));
            u = e.firstUpdateId + rnd.nextInt(4);
            e.finalUpdateId = u;
            for (int k = 1 + rnd.nextInt(5); k > 0; k--) {
                boolean bid = rnd.nextBoolean();
                long price = bid ? 1_000 + rnd.nextInt(100) : 1_101 + rnd.nextInt(100); // never crossed
                long qty = rnd.nextInt(10) < 3 ? 0 : 1 + rnd.nextInt(50);
                (bid ? e.bids : e.asks).add(price, qty);
                TreeMap<Long, Long> side = bid ? bids : asks;
                if (qty == 0) {
                    side.remove(price);
                } else {
                    side.put(price, qty);
                }
            }
            hashAt.put(u, hash(bids, asks));

            int fate = rnd.nextInt(200);
            boolean wasSynced = book.isSynced();
            if (fate < 2) { // dropped: the next delivered event must reveal it
                if (wasSynced) {
                    dropsWhileSynced++;
                }
                previous = e;
                droppedSinceLastDelivery = true;
                continue;
            }
            boolean dropped = droppedSinceLastDelivery;
            droppedSinceLastDelivery = false;
            book.onEvent(e);
            if (dropped && wasSynced) {
                assertFalse(book.isSynced(), "a dropped event went unnoticed at event " + n);
            }
            if (fate < 4 && previous != null) { // the previous event delivered again
                book.onEvent(previous);
            }
            previous = e;
            check(book, hashAt);

            if (wantSnapshot[0] && snapshotDelay < 0) {
                snapshotDelay = rnd.nextInt(10);
            }
            if (snapshotDelay == 0) {
                wantSnapshot[0] = false;
                snapshotDelay = -1;
                DepthSnapshot s = new DepthSnapshot();
                bids.descendingMap().forEach((p, q) -> s.bids.add(p, q));
                asks.forEach((p, q) -> s.asks.add(p, q));
                s.set(u, DepthEvent.ABSENT, DepthEvent.ABSENT);
                boolean before = book.isSynced();
                book.onSnapshot(s);
                if (!before && book.isSynced()) {
                    resyncs++;
                }
                check(book, hashAt);
            } else if (snapshotDelay > 0) {
                snapshotDelay--;
            }
        }
        assertTrue(dropsWhileSynced > 50, "drops while synced " + dropsWhileSynced);
        assertTrue(resyncs > 50, "resyncs " + resyncs);
        assertEquals(0, book.breaks(BreakReason.CROSSED));
        assertTrue(book.eventsApplied() > 20_000, "applied " + book.eventsApplied());
    }

    private static void check(DepthBook book, Map<Long, Long> hashAt) {
        if (!book.isSynced()) {
            assertTrue(book.book().bids().isEmpty() && book.book().asks().isEmpty(), "unsynced book not empty");
            return;
        }
        TreeMap<Long, Long> b = new TreeMap<>();
        TreeMap<Long, Long> a = new TreeMap<>();
        book.book().bids().forEach((p, q) -> b.put(p, q) == null);
        book.book().asks().forEach((p, q) -> a.put(p, q) == null);
        Long expected = hashAt.get(book.updateId());
        assertEquals(expected, hash(b, a), () -> "synced book differs from the true book at " + book.updateId());
    }

    private static long hash(TreeMap<Long, Long> bids, TreeMap<Long, Long> asks) {
        long h = 17;
        for (Map.Entry<Long, Long> e : bids.entrySet()) {
            h = h * 31 + e.getKey() * 1_000_003 + e.getValue();
        }
        h = h * 131 + 7;
        for (Map.Entry<Long, Long> e : asks.entrySet()) {
            h = h * 31 + e.getKey() * 1_000_003 + e.getValue();
        }
        return h;
    }
}
