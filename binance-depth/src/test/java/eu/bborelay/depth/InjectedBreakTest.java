package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One recorded diff withheld: the book breaks at the very next event, stays empty and unsynced while it buffers, and
 * after a snapshot built from a correct book at a later moment (what the replay server answers) its top of book
 * equals every bookTicker again.
 */
class InjectedBreakTest {

    @Test
    void spotGapIsDetectedAtNextEventAndResyncs() {
        run(DepthBook.Market.SPOT, RecordedBinance.SPOT_20240808, BreakReason.GAP, 5000);
    }

    @Test
    void usdmPreviousIdMismatchIsDetectedAtNextEventAndResyncs() {
        run(DepthBook.Market.USDM, RecordedBinance.USDM_20240808, BreakReason.PREVIOUS_ID_MISMATCH, 1000);
    }

    private static void run(DepthBook.Market market, String file, BreakReason expected, int snapshotLimit) {
        List<String> messages = RecordedBinance.messages(file);
        TopOfBookCheck reference = new TopOfBookCheck(market, "BTCUSDT");
        TopOfBookCheck broken = new TopOfBookCheck(market, "BTCUSDT");
        int withheldDepthIndex = 1500;
        int resyncAfterEvents = 25;
        int depthIndex = 0;
        int eventsSinceBreak = -1;
        int comparedBeforeResync = -1;
        boolean resynced = false;
        for (String json : messages) {
            reference.accept(json);
            if (RecordedBinance.isDepth(json)) {
                int i = depthIndex++;
                if (i == withheldDepthIndex) {
                    assertTrue(broken.book.isSynced());
                    continue; // withheld from the broken book only
                }
                broken.accept(json);
                if (i == withheldDepthIndex + 1) {
                    // detected at the very next event: unsynced, empty, counted, snapshot asked for
                    assertFalse(broken.book.isSynced());
                    assertEquals(1, broken.book.breaks());
                    assertEquals(1, broken.book.breaks(expected));
                    assertEquals(0, broken.book.book().bids().size());
                    assertEquals(0, broken.book.book().asks().size());
                    assertTrue(broken.book.snapshotRequested());
                    assertEquals(1, broken.book.bufferedEvents());
                    eventsSinceBreak = 0;
                    comparedBeforeResync = broken.comparedAtEvent;
                } else if (eventsSinceBreak >= 0 && !resynced) {
                    eventsSinceBreak++;
                    assertFalse(broken.book.isSynced());
                    if (eventsSinceBreak == resyncAfterEvents) {
                        // the replay server's answer: a snapshot of the correct book as the recording stands now
                        DepthBook ref = reference.book;
                        String snapshot = ref.book().toSnapshotJson(ref.updateId(), ref.lastEventTimeMs(),
                                market == DepthBook.Market.SPOT ? DepthEvent.ABSENT : ref.lastEventTimeMs(),
                                snapshotLimit);
                        broken.accept(snapshot);
                        assertTrue(broken.book.isSynced(), broken.book::toString);
                        assertEquals(ref.updateId(), broken.book.updateId());
                        resynced = true;
                    }
                }
            } else {
                broken.accept(json);
            }
        }
        assertTrue(resynced);
        assertTrue(broken.book.isSynced());
        assertEquals(1, broken.book.breaks(), () -> broken.book.breaksByReason().toString());
        assertEquals(2, broken.book.snapshotsApplied());
        assertEquals(0, broken.mismatchedAtEvent);
        assertEquals(0, broken.compare().mismatched(), () -> broken.compare().firstMismatch());
        assertEquals(0, broken.crossed);
        int comparedAfterResync = broken.comparedAtEvent - comparedBeforeResync;
        assertTrue(comparedAfterResync > 50, "compared after resync: " + comparedAfterResync);
        assertEquals(0, reference.book.breaks());
        // the broken book compared fewer: none while it was unsynced
        assertTrue(broken.comparedAtEvent < reference.comparedAtEvent);
        assertEquals(reference.book.updateId(), broken.book.updateId());
        assertEquals(reference.book.book().bids().bestPrice(), broken.book.book().bids().bestPrice());
        assertEquals(reference.book.book().asks().bestPrice(), broken.book.book().asks().bestPrice());
        for (boolean bids : new boolean[] {true, false}) {
            long[][] r = top(reference.book.book(), bids, 100);
            long[][] b = top(broken.book.book(), bids, 100);
            org.junit.jupiter.api.Assertions.assertArrayEquals(r[0], b[0]);
            org.junit.jupiter.api.Assertions.assertArrayEquals(r[1], b[1]);
        }
    }

    private static long[][] top(OrderBook book, boolean bids, int n) {
        long[] p = new long[n];
        long[] q = new long[n];
        assertEquals(n, (bids ? book.bids() : book.asks()).top(n, p, q));
        return new long[][] {p, q};
    }
}
