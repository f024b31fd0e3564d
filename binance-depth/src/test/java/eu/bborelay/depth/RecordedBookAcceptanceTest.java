package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Issue 11 acceptance on real data: the book built from the recorded REST snapshot and diffs has, after every depth
 * event whose final update id equals a bookTicker's update id, exactly the bookTicker's best bid and ask.
 */
class RecordedBookAcceptanceTest {

    private static TopOfBookCheck run(DepthBook.Market market, String... files) {
        TopOfBookCheck check = new TopOfBookCheck(market, "BTCUSDT");
        RecordedBinance.forEachMessage(check::accept, files);
        return check;
    }

    /**
     * @param expectedAtEvent bookTickers received before the depth event with their u (-1: any number above 100)
     * @param expectedJoined all bookTickers whose u is some applied event's u (-1: not checked)
     */
    private static void assertClean(TopOfBookCheck check, int expectedAtEvent, int expectedJoined) {
        TopOfBookCheck.Comparison c = check.compare();
        DepthBook book = check.book;
        String summary = book + ", compared " + c.compared() + ", first mismatch " + c.firstMismatch() + ", breaks "
                + book.breaksByReason() + ", applied " + book.eventsApplied() + ", stale " + book.staleEvents()
                + ", overlapping " + book.overlappingEvents() + ", snapshots too old " + book.snapshotsTooOld()
                + ", compared at event " + check.comparedAtEvent;
        System.out.println(summary);
        assertTrue(book.isSynced(), summary);
        assertEquals(0, book.breaks(), summary);
        assertEquals(0, c.mismatched(), summary);
        assertEquals(0, check.mismatchedAtEvent, summary);
        assertEquals(0, check.crossed, summary);
        assertEquals(1, book.snapshotsApplied(), summary);
        assertEquals(0, book.snapshotsTooOld(), summary);
        assertEquals(0, book.overlappingEvents(), summary);
        assertTrue(check.snapshotRequests <= 1, summary); // 0 when the snapshot line precedes every depth event
        assertEquals(check.depthMessages, book.eventsApplied() + book.staleEvents(), summary);
        if (expectedAtEvent >= 0) {
            assertEquals(expectedAtEvent, check.comparedAtEvent, summary);
        } else {
            assertTrue(check.comparedAtEvent > 100, summary);
        }
        if (expectedJoined >= 0) {
            assertEquals(expectedJoined, c.compared(), summary);
        }
    }

    @Test
    void usdmTopOfBookEqualsBookTicker20240808() {
        assertClean(run(DepthBook.Market.USDM, RecordedBinance.USDM_20240808), 503, 629);
    }

    @Test
    void spotTopOfBookEqualsBookTicker20240808() {
        assertClean(run(DepthBook.Market.SPOT, RecordedBinance.SPOT_20240808), 564, 564);
    }

    @Test
    void spotStaysSyncedAcrossMidnight() {
        assertClean(run(DepthBook.Market.SPOT, RecordedBinance.SPOT_20240808, RecordedBinance.SPOT_20240809), -1, -1);
    }

    @Test
    void usdmStaysSyncedAcrossMidnight20240718() {
        assertClean(run(DepthBook.Market.USDM, RecordedBinance.USDM_20240718), -1, -1);
        assertClean(run(DepthBook.Market.USDM, RecordedBinance.USDM_20240718, RecordedBinance.USDM_20240719), -1, -1);
    }

    @Test
    void usdmStaysSyncedAcrossMidnight20230404() {
        assertClean(run(DepthBook.Market.USDM, RecordedBinance.USDM_20230404), -1, -1);
        assertClean(run(DepthBook.Market.USDM, RecordedBinance.USDM_20230404, RecordedBinance.USDM_20230405), -1, -1);
    }
}
