package eu.bborelay.receiver;

import static eu.bborelay.receiver.ArbiterSymbol.Verdict.DUPLICATE;
import static eu.bborelay.receiver.ArbiterSymbol.Verdict.STALE;
import static eu.bborelay.receiver.ArbiterSymbol.Verdict.WIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A/B arbitration on hand-built sequences: which copy wins, and when a hole of one path is a merged gap. Quote
 * update ids jump (10, 20, 30 ...); trade ids are consecutive.
 */
class ArbiterTest {
    private final LongAdder merged = new LongAdder();
    private ArbiterPath a;
    private ArbiterPath b;

    @BeforeEach
    void paths() {
        a = new ArbiterPath("a", 0, 0);
        b = new ArbiterPath("b", 1, 0);
        a.connected();
        b.connected();
    }

    private ArbiterSymbol quotes() {
        return new ArbiterSymbol("BTCUSDT", ArbiterSymbol.Kind.QUOTE, merged);
    }

    private ArbiterSymbol trades() {
        return new ArbiterSymbol("BTCUSDT", ArbiterSymbol.Kind.TRADE, merged);
    }

    @Test
    void theFirstCopyWinsAndTheSecondIsADuplicate() {
        ArbiterSymbol s = quotes();
        for (long u = 10; u <= 50; u += 10) {
            assertEquals(WIN, s.offer(a, u));
            assertEquals(DUPLICATE, s.offer(b, u));
        }
        assertEquals(DUPLICATE, s.offer(a, 50), "a repeat on the same path");
        assertEquals(0, merged.sum());
        assertEquals(50, s.covered());
    }

    @Test
    void whicheverPathIsAheadWinsUpdateByUpdate() {
        ArbiterSymbol s = quotes();
        assertEquals(WIN, s.offer(a, 10));
        assertEquals(WIN, s.offer(b, 20)); // b was quicker for 20
        assertEquals(DUPLICATE, s.offer(a, 20));
        assertEquals(WIN, s.offer(a, 30));
        assertEquals(WIN, s.offer(a, 40));
        assertEquals(DUPLICATE, s.offer(b, 30)); // b behind
        assertEquals(DUPLICATE, s.offer(b, 40));
        assertEquals(0, merged.sum());
    }

    @Test
    void aHoleOfThePathAheadIsFilledByThePathBehind() {
        ArbiterSymbol s = quotes();
        s.offer(a, 10);
        s.offer(b, 10);
        a.onHole(3); // a lost 20 and 30 (and whatever else was in those seqs)
        assertEquals(WIN, s.offer(a, 40));
        assertEquals(0, merged.sum(), "b, connected and continuous up to 10, may still bring 20 and 30");
        assertEquals(10, s.covered());
        assertEquals(DUPLICATE, s.offer(b, 20), "older than the quote delivered: superseded, not re-delivered");
        assertEquals(DUPLICATE, s.offer(b, 30));
        assertEquals(DUPLICATE, s.offer(b, 40));
        assertEquals(40, s.covered(), "b's run 10..40 covers a's hole");
        assertEquals(WIN, s.offer(a, 50));
        assertEquals(0, merged.sum());
    }

    @Test
    void aHoleOfThePathBehindIsNoGapWhenThePathAheadDeliveredIt() {
        ArbiterSymbol s = quotes();
        s.offer(a, 10);
        s.offer(a, 20);
        s.offer(a, 30);
        s.offer(b, 10);
        b.onHole(2);
        assertEquals(DUPLICATE, s.offer(b, 30));
        assertEquals(0, merged.sum());
        assertEquals(30, s.covered());
    }

    @Test
    void bothPathsMissingTheSameUpdatesIsAMergedGap() {
        ArbiterSymbol s = quotes();
        s.offer(a, 10);
        s.offer(b, 10);
        a.onHole(1);
        assertEquals(WIN, s.offer(a, 30));
        assertEquals(0, merged.sum(), "b may still bring 20");
        b.onHole(1);
        assertEquals(DUPLICATE, s.offer(b, 30));
        assertEquals(1, merged.sum(), "no path received what lies between 10 and 30");
        assertEquals(1, s.newGaps());
        assertEquals(10, s.gapAfter());
        assertEquals(30, s.gapBefore());
        assertEquals(30, s.covered());
        assertEquals(WIN, s.offer(a, 40));
        assertEquals(0, s.newGaps());
        assertEquals(1, merged.sum());
    }

    @Test
    void holesOfBothPathsAtDifferentPlacesAreNoMergedGap() {
        ArbiterSymbol s = quotes();
        s.offer(a, 10);
        s.offer(b, 10);
        s.offer(a, 20);
        a.onHole(5);
        s.offer(a, 60); // a lost 30..50
        b.onHole(1);
        s.offer(b, 20); // b lost something before 20 (of another symbol, or 15): a had it
        s.offer(b, 30);
        s.offer(b, 40);
        s.offer(b, 50);
        s.offer(b, 60);
        assertEquals(0, merged.sum());
        assertEquals(60, s.covered());
    }

    @Test
    void aHoleWhileTheOtherPathIsDisconnectedIsAMergedGapAtOnce() {
        ArbiterSymbol s = quotes();
        s.offer(a, 10);
        s.offer(b, 10);
        b.disconnected();
        a.onHole(1);
        s.offer(a, 30);
        assertEquals(1, merged.sum(), "b cannot bring anything any more");
        b.connected(); // b comes back with a hole of its own: nothing is counted twice
        b.onHole(4);
        assertEquals(DUPLICATE, s.offer(b, 30));
        assertEquals(1, merged.sum());
    }

    @Test
    void aPathJustDisconnectedMayStillResendWhatIsMissing() {
        ArbiterPath graceful = new ArbiterPath("c", 2); // the default grace: 10 s
        graceful.connected();
        ArbiterSymbol s = trades();
        s.offer(a, 100);
        s.offer(graceful, 100);
        graceful.disconnected();
        a.onHole(1);
        s.offer(a, 102);
        assertEquals(0, merged.sum(), "c may reconnect and resend 101 (protocol 2)");
        graceful.connected();
        assertEquals(WIN, s.offer(graceful, 101), "resent after its reconnect");
        assertEquals(0, merged.sum());
        assertEquals(102, s.covered());
    }

    @Test
    void aPathThatJoinsLateStartsItsRunWhereItJoins() {
        ArbiterSymbol s = quotes();
        s.offer(a, 10);
        s.offer(a, 20);
        assertEquals(DUPLICATE, s.offer(b, 20));
        a.onHole(1);
        s.offer(a, 40);
        s.offer(b, 30);
        s.offer(b, 40);
        assertEquals(0, merged.sum());
    }

    @Test
    void tradesLateOnTheOtherPathAreDeliveredOnceAndCountedById() {
        ArbiterSymbol s = trades();
        assertEquals(WIN, s.offer(a, 100));
        assertEquals(DUPLICATE, s.offer(b, 100));
        assertEquals(WIN, s.offer(a, 101));
        a.onHole(3);
        assertEquals(WIN, s.offer(a, 105)); // a lost 102..104
        assertEquals(DUPLICATE, s.offer(b, 101));
        assertEquals(WIN, s.offer(b, 102), "a trade is never superseded: the late copy is delivered");
        assertEquals(WIN, s.offer(b, 103));
        assertEquals(WIN, s.offer(b, 104));
        assertEquals(DUPLICATE, s.offer(b, 105));
        assertEquals(DUPLICATE, s.offer(b, 103));
        assertEquals(0, merged.sum());
        assertEquals(105, s.covered());
    }

    @Test
    void tradeIdsLostOnBothPathsAreCountedOneByOne() {
        ArbiterSymbol s = trades();
        s.offer(a, 100);
        s.offer(b, 100);
        a.onHole(3);
        s.offer(a, 104);
        b.onHole(3);
        s.offer(b, 104);
        assertEquals(3, merged.sum(), "101, 102 and 103");
        assertEquals(100, s.gapAfter());
        assertEquals(104, s.gapBefore());
    }

    @Test
    void aHoleOfOtherSymbolsBetweenConsecutiveTradeIdsBreaksNothing() {
        ArbiterSymbol s = trades();
        s.offer(a, 100);
        s.offer(b, 100);
        a.onHole(2);
        b.onHole(7);
        s.offer(a, 101);
        s.offer(b, 101);
        assertEquals(0, merged.sum(), "101 follows 100: the holes held no trade of this symbol");
    }

    @Test
    void tradesTooFarBehindAreStale() {
        ArbiterSymbol s = trades();
        s.offer(a, 1);
        s.offer(a, 1 + IdWindow.SIZE + 10);
        assertEquals(STALE, s.offer(b, 5));
    }

    @Test
    void theArbiterKeepsAtMostEightPathsAndReusesIdleSlots() {
        Arbiter arbiter = new Arbiter();
        ArbiterPath[] paths = new ArbiterPath[Arbiter.MAX_PATHS];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = arbiter.path("p" + i);
            paths[i].connected();
            assertEquals(i, paths[i].slot);
        }
        assertNull(arbiter.path("p8"), "all connected: not arbitrated");
        assertEquals(1, arbiter.unarbitratedSessions.sum());
        ArbiterSymbol s = arbiter.quotes("BTCUSDT");
        synchronized (s) {
            s.offer(paths[3], 10);
        }
        paths[3].disconnected();
        ArbiterPath reused = arbiter.path("p9");
        assertEquals(3, reused.slot);
        assertEquals(true, paths[3].forgotten);
        assertEquals(Arbiter.MAX_PATHS, arbiter.paths().size());
        assertSame(s, arbiter.quotes("BTCUSDT"));
    }
}
