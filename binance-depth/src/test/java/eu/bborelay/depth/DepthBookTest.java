package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sync procedures on hand-built events (see DepthBook's class comment for the documented rules). */
class DepthBookTest {
    private final RecordingDepthBookListener rec = new RecordingDepthBookListener();
    private final DepthParser parser = new DepthParser();

    private DepthBook book(DepthBook.Market market) {
        return new DepthBook(market, "BTCUSDT", 8, 8, rec, rec, 4, 100);
    }

    /** An event; levels as "price=qty". pu < 0: none. */
    private DepthEvent ev(long first, long last, long pu, String bids, String asks) {
        StringBuilder sb = new StringBuilder("{\"e\":\"depthUpdate\",\"E\":1000,\"s\":\"BTCUSDT\",\"U\":").append(first)
                .append(",\"u\":").append(last);
        if (pu >= 0) {
            sb.append(",\"pu\":").append(pu);
        }
        sb.append(",\"b\":").append(levels(bids)).append(",\"a\":").append(levels(asks)).append('}');
        DepthEvent e = new DepthEvent();
        if (parser.parseEvent(sb.toString(), e) != DepthParser.Result.DEPTH_UPDATE) {
            throw new AssertionError(parser.error());
        }
        return e;
    }

    private DepthSnapshot snap(long lastUpdateId, String bids, String asks) {
        DepthSnapshot s = new DepthSnapshot();
        String json = "{\"lastUpdateId\":" + lastUpdateId + ",\"bids\":" + levels(bids) + ",\"asks\":" + levels(asks)
                + "}";
        if (!parser.parseSnapshot(json, s)) {
            throw new AssertionError(parser.error());
        }
        return s;
    }

    private static String levels(String spec) {
        StringBuilder sb = new StringBuilder("[");
        if (!spec.isEmpty()) {
            for (String l : spec.split(",")) {
                String[] pq = l.split("=");
                if (sb.length() > 1) {
                    sb.append(',');
                }
                sb.append("[\"").append(pq[0]).append("\",\"").append(pq[1]).append("\"]");
            }
        }
        return sb.append(']').toString();
    }

    private static long px(String s) {
        return Decimals.parse(s, 8);
    }

    // ---- spot ----

    @Test
    void spotBuffersRequestsOnceThenAppliesFromTheSnapshot() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onEvent(ev(95, 100, -1, "9=1", ""));
        b.onEvent(ev(101, 105, -1, "10=1", "12=3"));
        assertFalse(b.isSynced());
        assertEquals(1, rec.requests);
        assertEquals(2, b.bufferedEvents());
        assertTrue(b.book().bids().isEmpty()); // nothing served before the snapshot

        b.onSnapshot(snap(103, "10=2,9=1", "11=1"));
        // event 95-100 dropped (u <= 103); 101-105 applied as the first event: U <= 104 <= u
        assertTrue(b.isSynced());
        assertEquals(105, b.updateId());
        assertEquals(List.of(105L), rec.applied);
        assertEquals(1, b.staleEvents());
        assertEquals(px("10"), b.book().bids().bestPrice());
        assertEquals(px("1"), b.book().bids().bestQuantity());
        assertEquals(px("11"), b.book().asks().bestPrice());
        assertEquals(px("3"), b.book().asks().quantityAt(px("12")));

        b.onEvent(ev(106, 110, -1, "10=0", "11=0"));
        assertEquals(px("9"), b.book().bids().bestPrice());
        assertEquals(px("12"), b.book().asks().bestPrice());
        assertEquals(0, b.breaks());
    }

    @Test
    void spotRetriesWhileTheSnapshotIsOlderThanTheFirstBufferedEvent() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onEvent(ev(101, 105, -1, "10=1", ""));
        b.onSnapshot(snap(100, "10=2", "11=1")); // lastUpdateId 100 < U 101: strictly less, retry
        assertFalse(b.isSynced());
        assertEquals(1, b.snapshotsTooOld());
        assertEquals(2, rec.requests);
        assertEquals(2, b.snapshotAttempt());
        b.onSnapshot(snap(101, "10=2", "11=1")); // 101 == U: not strictly less, usable; first event 101-105
        assertTrue(b.isSynced());
        assertEquals(105, b.updateId());
        assertEquals(0, b.snapshotAttempt());
    }

    @Test
    void spotFirstEventAfterALoneSnapshotMustReachTheSnapshot() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onSnapshot(snap(100, "10=2", "11=1")); // arrives before any event
        assertTrue(b.isSynced());
        b.onEvent(ev(90, 100, -1, "10=5", "")); // u <= lastUpdateId: discarded
        assertEquals(px("2"), b.book().bids().bestQuantity());
        b.onEvent(ev(102, 103, -1, "10=5", "")); // U > lastUpdateId + 1: the snapshot was too old
        assertFalse(b.isSynced());
        assertEquals(List.of(BreakReason.SNAPSHOT_TOO_OLD), rec.breaks);
        assertEquals(1, b.bufferedEvents());
        assertEquals(1, rec.requests);
    }

    @Test
    void spotGapBreaksAtOnceAndResyncs() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onSnapshot(snap(100, "10=2", "11=1"));
        b.onEvent(ev(101, 102, -1, "10=3", ""));
        b.onEvent(ev(104, 105, -1, "10=4", "")); // 103 missing
        assertFalse(b.isSynced());
        assertEquals(1, b.breaks(BreakReason.GAP));
        assertTrue(b.book().bids().isEmpty());
        assertEquals(DepthEvent.ABSENT, b.updateId());
        assertEquals(1, rec.requests);
        assertEquals(1, b.bufferedEvents()); // the event after the gap starts the new buffer
        b.onEvent(ev(106, 107, -1, "10=6", ""));
        assertEquals(1, rec.requests); // one outstanding request, not one per event
        b.onSnapshot(snap(105, "10=4", "11=1"));
        assertTrue(b.isSynced());
        assertEquals(107, b.updateId());
        assertEquals(px("6"), b.book().bids().bestQuantity());
        assertEquals(2, b.snapshotsApplied());
    }

    @Test
    void spotOverlappingEventIsAppliedAndCounted() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onSnapshot(snap(100, "10=2", "11=1"));
        b.onEvent(ev(101, 105, -1, "10=3", ""));
        b.onEvent(ev(103, 108, -1, "10=4", "")); // starts inside the applied range, ends beyond it
        assertTrue(b.isSynced());
        assertEquals(108, b.updateId());
        assertEquals(1, b.overlappingEvents());
        b.onEvent(ev(104, 108, -1, "10=9", "")); // ends at the book's id: the same event again, ignored
        assertEquals(px("4"), b.book().bids().bestQuantity());
        assertEquals(1, b.staleEvents());
    }

    @Test
    void crossedBookBreaks() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onSnapshot(snap(100, "10=2", "11=1"));
        b.onEvent(ev(101, 101, -1, "11.5=1", ""));
        assertFalse(b.isSynced());
        assertEquals(List.of(BreakReason.CROSSED), rec.breaks);
        assertEquals(List.of(), rec.applied); // the listener never saw the crossed book
        assertEquals(0, b.bufferedEvents());
        assertEquals(1, rec.requests);
    }

    @Test
    void bufferKeepsTheNewestEventsAndCountsTheDropped() {
        DepthBook b = book(DepthBook.Market.SPOT); // buffer of 4
        for (int i = 0; i < 6; i++) {
            b.onEvent(ev(101 + i, 101 + i, -1, "10=" + (i + 1), ""));
        }
        assertEquals(4, b.bufferedEvents());
        assertEquals(2, b.bufferedEventsDropped());
        b.onSnapshot(snap(102, "10=2", "11=1")); // first buffered is now U=103: 102 >= 103 fails -> too old
        assertFalse(b.isSynced());
        b.onSnapshot(snap(103, "10=3", "11=1"));
        assertTrue(b.isSynced());
        assertEquals(106, b.updateId());
        assertEquals(px("6"), b.book().bids().bestQuantity());
    }

    @Test
    void snapshotWhileSyncedIsIgnoredAndOtherSymbolsToo() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onSnapshot(snap(100, "10=2", "11=1"));
        b.onSnapshot(snap(50, "1=1", "2=1"));
        assertEquals(1, b.snapshotsIgnored());
        assertEquals(100, b.updateId());
        DepthEvent other = new DepthEvent();
        parser.parseEvent("{\"e\":\"depthUpdate\",\"s\":\"ETHUSDT\",\"U\":1,\"u\":999,\"b\":[],\"a\":[]}", other);
        b.onEvent(other);
        assertEquals(1, b.otherSymbolEvents());
        assertEquals(100, b.updateId());
    }

    @Test
    void failedSnapshotAsksAgainAndStreamResetBreaks() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onEvent(ev(101, 101, -1, "10=1", ""));
        b.onSnapshotFailed("HTTP 503");
        assertEquals(2, rec.requests);
        assertEquals(2, b.snapshotAttempt());
        b.onSnapshot(snap(101, "10=1", "11=1"));
        assertTrue(b.isSynced());
        b.onStreamReset();
        assertFalse(b.isSynced());
        assertEquals(1, b.breaks(BreakReason.STREAM_RESET));
        assertEquals(0, b.bufferedEvents());
        assertEquals(2, rec.requests); // asked at the first event of the new stream, so the buffer has a first U
        b.onEvent(ev(300, 301, -1, "10=1", ""));
        assertEquals(3, rec.requests);
    }

    @Test
    void resyncKeepsTheStreamAndSyncsFromANewSnapshot() {
        DepthBook b = book(DepthBook.Market.SPOT);
        b.onEvent(ev(101, 101, -1, "10=1", ""));
        b.onSnapshot(snap(101, "10=1", "11=1"));
        assertTrue(b.isSynced());
        int asked = rec.requests;
        b.resync("buckets reach below the deepest snapshot bid");
        assertFalse(b.isSynced());
        assertEquals(1, b.breaks(BreakReason.RESYNC_REQUESTED));
        assertEquals(asked + 1, rec.requests, "asked at once: the stream goes on");
        b.onEvent(ev(102, 103, -1, "9=2", ""));
        assertEquals(1, b.bufferedEvents());
        b.onSnapshot(snap(102, "10=1", "11=1"));
        assertTrue(b.isSynced());
        assertEquals(103, b.updateId(), "the buffered event applied after the new snapshot");
        b.resync("again");
        b.resync("not synced: nothing more");
        assertEquals(2, b.breaks(BreakReason.RESYNC_REQUESTED));
    }

    // ---- USD-M / COIN-M ----

    @Test
    void futuresFirstEventMustStraddleLastUpdateIdThenChainByPu() {
        for (DepthBook.Market m : new DepthBook.Market[] {DepthBook.Market.USDM, DepthBook.Market.COINM}) {
            RecordingDepthBookListener r = new RecordingDepthBookListener();
            DepthBook b = new DepthBook(m, "BTCUSDT", 8, 8, r, r, 8, 100);
            b.onEvent(ev(90, 99, 80, "10=1", "")); // u < lastUpdateId: dropped
            b.onEvent(ev(100, 110, 99, "10=2", "")); // U <= 105 <= u: the first processed
            b.onEvent(ev(111, 120, 110, "10=3", ""));
            b.onSnapshot(snap(105, "10=9", "11=1"));
            assertTrue(b.isSynced(), m.name());
            assertEquals(120, b.updateId());
            assertEquals(List.of(110L, 120L), r.applied);
            assertEquals(px("3"), b.book().bids().bestQuantity());
            b.onEvent(ev(125, 130, 121, "10=4", "")); // pu 121 != 120
            assertFalse(b.isSynced());
            assertEquals(List.of(BreakReason.PREVIOUS_ID_MISMATCH), r.breaks);
            assertTrue(b.book().bids().isEmpty());
        }
    }

    @Test
    void futuresUpdateIdsMayJumpWhilePuChains() {
        DepthBook b = book(DepthBook.Market.USDM);
        b.onSnapshot(snap(105, "10=9", "11=1"));
        b.onEvent(ev(100, 110, 99, "10=2", ""));
        b.onEvent(ev(500, 900, 110, "10=3", "")); // U far above u + 1 is normal on futures: pu is what chains
        assertTrue(b.isSynced());
        assertEquals(900, b.updateId());
    }

    @Test
    void futuresSnapshotNotCoveredByTheBufferIsTooOld() {
        DepthBook b = book(DepthBook.Market.USDM);
        b.onEvent(ev(100, 110, 99, "10=2", ""));
        b.onSnapshot(snap(95, "10=9", "11=1")); // no buffered event has U <= 95 <= u
        assertFalse(b.isSynced());
        assertEquals(1, b.snapshotsTooOld());
        assertEquals(2, rec.requests);
        b.onSnapshot(snap(110, "10=9", "11=1")); // u == lastUpdateId: processed (U <= 110 <= u)
        assertTrue(b.isSynced());
        assertEquals(List.of(110L), rec.applied);
    }

    @Test
    void futuresEventWithoutPuBreaksAfterTheFirst() {
        DepthBook b = book(DepthBook.Market.USDM);
        b.onSnapshot(snap(105, "10=9", "11=1"));
        b.onEvent(ev(100, 110, -1, "10=2", "")); // the first needs no pu
        assertTrue(b.isSynced());
        b.onEvent(ev(111, 112, -1, "10=2", ""));
        assertEquals(List.of(BreakReason.MISSING_PREVIOUS_ID), rec.breaks);
    }

    @Test
    void breakDuringTheBufferReplayKeepsTheRestBuffered() {
        DepthBook b = book(DepthBook.Market.USDM);
        b.onEvent(ev(100, 110, 99, "10=2", ""));
        b.onEvent(ev(115, 120, 112, "10=3", "")); // pu 112 != 110: a gap inside the buffer
        b.onEvent(ev(121, 125, 120, "10=4", ""));
        b.onSnapshot(snap(105, "10=9", "11=1"));
        assertFalse(b.isSynced());
        assertEquals(List.of(BreakReason.PREVIOUS_ID_MISMATCH), rec.breaks);
        assertEquals(2, b.bufferedEvents()); // 115-120 and 121-125 wait for the next snapshot
        assertEquals(2, rec.requests);
        b.onSnapshot(snap(122, "10=9", "11=1"));
        assertTrue(b.isSynced());
        assertEquals(125, b.updateId());
        assertEquals(px("4"), b.book().bids().bestQuantity());
    }
}
