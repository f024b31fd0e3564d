package eu.bborelay.receiver;

import static eu.bborelay.receiver.SequenceTracker.Verdict.DUPLICATE;
import static eu.bborelay.receiver.SequenceTracker.Verdict.GAP;
import static eu.bborelay.receiver.SequenceTracker.Verdict.IN_ORDER;
import static eu.bborelay.receiver.SequenceTracker.Verdict.LATE;
import static eu.bborelay.receiver.SequenceTracker.Verdict.REPLAY;
import static eu.bborelay.receiver.SequenceTracker.Verdict.REPLAYED_LATEST;
import static eu.bborelay.receiver.SequenceTracker.Verdict.RESTART;
import static eu.bborelay.receiver.SequenceTracker.Verdict.STALE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SequenceTrackerTest {

    @Test
    void deliversConsecutiveSequenceNumbersInOrder() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        assertEquals(IN_ORDER, t.onQuote(1));
        assertEquals(IN_ORDER, t.onQuote(2));
        assertEquals(IN_ORDER, t.onQuote(3));
        assertCounts(t, 3, 0, 0, 0, 0);
        assertEquals(3, t.lastSeq());
    }

    @Test
    void skipAheadCountsEveryMissingSequenceNumberAsAGap() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        assertEquals(GAP, t.onQuote(4));
        assertEquals(2, t.gapExpectedSeq());
        assertEquals(4, t.gapReceivedSeq());
        assertCounts(t, 2, 2, 0, 0, 0);
    }

    @Test
    void lateArrivalFillsItsGapAndIsDelivered() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        t.onQuote(4);
        assertEquals(LATE, t.onQuote(3));
        assertCounts(t, 3, 1, 0, 1, 0);
        assertEquals(LATE, t.onQuote(2));
        assertCounts(t, 4, 0, 0, 2, 0);
        assertEquals(DUPLICATE, t.onQuote(2), "a late arrival is delivered once");
        assertEquals(IN_ORDER, t.onQuote(5));
    }

    @Test
    void repeatedSequenceNumberIsADuplicate() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        t.onQuote(2);
        assertEquals(DUPLICATE, t.onQuote(2));
        assertEquals(DUPLICATE, t.onQuote(1));
        assertCounts(t, 2, 0, 2, 0, 0);
    }

    @Test
    void seqOneAgainInAHelloSessionIsADuplicateNotARestart() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        for (long s = 1; s <= 5; s++) {
            t.onQuote(s);
        }
        assertEquals(DUPLICATE, t.onQuote(1));
        assertEquals(IN_ORDER, t.onQuote(6));
    }

    @Test
    void sessionNewToThisReceiverCountsGapsFromTheHellosLastSeq() {
        SequenceTracker t = SequenceTracker.fromHello(100);
        assertEquals(GAP, t.onQuote(103));
        assertEquals(101, t.gapExpectedSeq());
        assertEquals(103, t.gapReceivedSeq());
        assertEquals(2, t.gaps());
    }

    @Test
    void replayedLatestQuotesBelowTheBaselineAreDeliveredOnce() {
        SequenceTracker t = SequenceTracker.fromHello(100);
        assertTrue(t.onHello(100), "first hello");
        assertEquals(REPLAYED_LATEST, t.onQuote(98));
        assertEquals(REPLAYED_LATEST, t.onQuote(100));
        assertEquals(REPLAYED_LATEST, t.onQuote(7), "older than the window, still first sight");
        assertEquals(REPLAY, t.onQuote(98));
        assertEquals(IN_ORDER, t.onQuote(101));
        assertEquals(0, t.gaps());
        // the sender reconnects and replays the same latest quotes again
        assertFalse(t.onHello(101));
        assertEquals(REPLAY, t.onQuote(7));
        assertEquals(REPLAY, t.onQuote(98));
        assertEquals(REPLAY, t.onQuote(101));
        assertEquals(4, t.delivered());
        assertEquals(4, t.replaysIgnored());
    }

    @Test
    void reconnectReplayOfDeliveredQuotesIsIgnoredNotADuplicate() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onHello(0);
        t.onQuote(1);
        t.onQuote(2);
        t.onQuote(3);
        assertFalse(t.onHello(3), "known session keeps its state");
        assertEquals(REPLAY, t.onQuote(2));
        assertEquals(REPLAY, t.onQuote(3));
        assertEquals(IN_ORDER, t.onQuote(4));
        assertCounts(t, 4, 0, 0, 0, 2);
    }

    @Test
    void framesLostInADeadSocketAreGapsOnTheNextConnection() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        t.onQuote(2);
        t.onQuote(3);
        // 4..6 were written into a socket that died; the sender says so and replays its latest per symbol
        t.onHello(6);
        assertEquals(GAP, t.onQuote(6));
        assertEquals(4, t.gapExpectedSeq());
        assertEquals(LATE, t.onQuote(5), "the replayed latest of another symbol fills its gap");
        assertEquals(IN_ORDER, t.onQuote(7));
        assertCounts(t, 6, 1, 0, 1, 0);
    }

    @Test
    void olderThanTheWindowIsStaleUnlessItIsAReplay() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        assertEquals(GAP, t.onQuote(100));
        assertEquals(98, t.gaps());
        assertEquals(STALE, t.onQuote(10), "90 behind: too old to tell");
        assertEquals(98, t.gaps(), "it stays counted as lost");
        assertEquals(LATE, t.onQuote(99 - SequenceTracker.WINDOW + 2));
        t.onHello(100);
        assertEquals(REPLAY, t.onQuote(1), "older than the window but at or below the hello's lastSeq");
        assertCounts(t, 3, 97, 0, 2, 1);
    }

    @Test
    void windowEdgeIsExact() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        t.onQuote(65); // bit 63 is seq 2, seq 1 is out of the window
        assertEquals(LATE, t.onQuote(2));
        assertEquals(STALE, t.onQuote(1));
    }

    @Test
    void jumpBeyondTheWindowMarksTheWholeWindowMissing() {
        SequenceTracker t = SequenceTracker.fromHello(0);
        t.onQuote(1);
        assertEquals(GAP, t.onQuote(1_000));
        assertEquals(998, t.gaps());
        assertEquals(LATE, t.onQuote(999));
        assertEquals(LATE, t.onQuote(1_000 - 63));
        assertEquals(STALE, t.onQuote(1_000 - 64));
        assertEquals(996, t.gaps());
    }

    @Test
    void legacyFirstQuoteAnchorsTheCountWithoutAGap() {
        SequenceTracker t = SequenceTracker.legacy();
        assertEquals(IN_ORDER, t.onQuote(500));
        assertEquals(IN_ORDER, t.onQuote(501));
        assertEquals(GAP, t.onQuote(503));
        assertEquals(1, t.gaps());
        assertEquals(STALE, t.onQuote(499), "no replays in the legacy protocol");
    }

    @Test
    void legacySeqOneAfterAHigherOneIsARestartWithoutGap() {
        SequenceTracker t = SequenceTracker.legacy();
        for (long s = 1; s <= 5; s++) {
            t.onQuote(s);
        }
        assertEquals(RESTART, t.onQuote(1));
        assertEquals(IN_ORDER, t.onQuote(2));
        assertEquals(DUPLICATE, t.onQuote(2));
        assertEquals(GAP, t.onQuote(4));
        assertCounts(t, 8, 1, 1, 0, 0);
    }

    @Test
    void negativeLastSeqIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SequenceTracker.fromHello(-1));
    }

    /**
     * For any order of arrival, with losses, duplicates, reorderings within and beyond the window, and reconnect
     * hellos: nothing is delivered twice, and delivered + gaps == highest - baseline.
     */
    @Test
    void deliveredPlusGapsEqualsTheSpanForAnyInterleaving() {
        Random random = new Random(20240808);
        for (int trial = 0; trial < 3_000; trial++) {
            long baseline = random.nextInt(3) == 0 ? 0 : random.nextInt(1_000);
            int n = 1 + random.nextInt(400);
            List<Long> arrivals = new ArrayList<>();
            for (long s = baseline + 1; s <= baseline + n; s++) {
                int fate = random.nextInt(100);
                if (fate < 5) {
                    continue; // lost
                }
                arrivals.add(s);
                if (fate < 10) {
                    arrivals.add(s); // duplicated
                }
            }
            int maxDisplacement = 1 + random.nextInt(random.nextBoolean() ? 8 : 120);
            for (int i = 0; i < arrivals.size(); i++) {
                int j = Math.min(arrivals.size() - 1, i + random.nextInt(maxDisplacement));
                Collections.swap(arrivals, i, j);
            }
            SequenceTracker t = SequenceTracker.fromHello(baseline);
            Set<Long> delivered = new HashSet<>();
            long highest = baseline;
            for (long s : arrivals) {
                if (random.nextInt(200) == 0) {
                    t.onHello(highest + random.nextInt(3)); // a reconnect
                }
                highest = Math.max(highest, s);
                SequenceTracker.Verdict v = t.onQuote(s);
                if (v.deliver) {
                    assertTrue(delivered.add(s), () -> "seq " + s + " delivered twice");
                }
                assertEquals(highest - baseline, t.delivered() + t.gaps(),
                        "delivered + gaps after seq " + s + " in trial " + trial);
            }
            assertEquals(delivered.size(), t.delivered());
            Set<Long> arrived = new HashSet<>(arrivals);
            for (long s = baseline + 1; s <= highest; s++) {
                if (!arrived.contains(s)) {
                    assertFalse(delivered.contains(s));
                }
            }
        }
    }

    private static void assertCounts(SequenceTracker t, long delivered, long gaps, long duplicates, long outOfOrder,
                                     long replaysIgnored) {
        assertEquals(delivered, t.delivered(), "delivered");
        assertEquals(gaps, t.gaps(), "gaps");
        assertEquals(duplicates, t.duplicates(), "duplicates");
        assertEquals(outOfOrder, t.outOfOrder(), "outOfOrder");
        assertEquals(replaysIgnored, t.replaysIgnored(), "replaysIgnored");
    }
}
