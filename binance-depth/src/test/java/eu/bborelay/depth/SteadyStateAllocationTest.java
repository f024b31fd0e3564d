package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No allocation per level in steady state, checked by the JVM's per-thread allocation counter (not by timing): the
 * real spot diffs replayed through a {@link DepthBook} whose arrays already reached their size allocate nothing.
 */
class SteadyStateAllocationTest {

    @Test
    void replayingRecordedDiffsAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        DepthParser parser = new DepthParser();
        DepthSnapshot snapshot = new DepthSnapshot();
        List<DepthEvent> events = new ArrayList<>();
        RecordedBinance.forEachMessage(json -> {
            if (RecordedBinance.isSnapshot(json)) {
                assertTrue(parser.parseSnapshot(json, snapshot));
            } else if (RecordedBinance.isDepth(json)) {
                DepthEvent e = new DepthEvent();
                assertEquals(DepthParser.Result.DEPTH_UPDATE, parser.parseEvent(json, e));
                events.add(e);
            }
        }, RecordedBinance.SPOT_20240808);
        DepthBook book = new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", 8, 8, b -> { }, DepthBookListener.NO_OP);
        long levels = 0;
        for (DepthEvent e : events) {
            levels += e.bids().count() + e.asks().count();
        }
        long allocated = 0;
        for (int pass = 0; pass < 3; pass++) {
            book.onStreamReset();
            book.onSnapshot(snapshot);
            long before = threads.getCurrentThreadAllocatedBytes();
            for (DepthEvent e : events) {
                book.onEvent(e);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(book.isSynced());
        }
        assertEquals(3, book.snapshotsApplied());
        long before = threads.getCurrentThreadAllocatedBytes();
        long[] probe = new long[1000]; // the counter does see allocation on this thread
        assertTrue(threads.getCurrentThreadAllocatedBytes() - before >= 8000 + probe.length - 1000);
        System.out.println("allocated " + allocated + " bytes over " + events.size() + " events, " + levels + " levels");
        // pass 1 grows the arrays to the book's largest size; pass 3 must allocate nothing (a few bytes of slack
        // for the counter itself), over about 124,000 levels
        assertTrue(levels > 100_000, "levels " + levels);
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes over " + events.size() + " events, " + levels
                + " levels");
    }
}
