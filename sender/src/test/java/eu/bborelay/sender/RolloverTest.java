package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The rollover state machine and its overlap rule, without sockets: connections are plain objects here. */
class RolloverTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final Rollover<Object> rollover = new Rollover<>();
    private final Object first = new Object();
    private final Object second = new Object();

    @Test
    void aRolloverBeginsAndCompletesOnce() {
        assertFalse(rollover.inProgress());
        rollover.begin(first, "connection age 100 ms");
        assertTrue(rollover.inProgress());
        assertTrue(rollover.isPending(first));
        assertFalse(rollover.isPending(second));
        assertFalse(rollover.isPending(null));
        assertSame(first, rollover.pending());

        assertEquals("connection age 100 ms", rollover.complete(first));
        assertFalse(rollover.inProgress());
        assertNull(rollover.pending());
        assertEquals(1, rollover.completed());
        // the overlap timeout, the old connection's close and a full buffer may each try to complete it again
        assertNull(rollover.complete(first));
        assertNull(rollover.fail(first));
        assertEquals(1, rollover.completed());
    }

    @Test
    void aFailedNewConnectionLeavesTheRolloverIdleWithItsReasonForTheNextTry() {
        rollover.begin(first, "serverShutdown announced");
        assertEquals("serverShutdown announced", rollover.fail(first));
        assertFalse(rollover.inProgress());
        assertEquals(0, rollover.completed());
        assertNull(rollover.complete(first), "a failed connection never takes over");

        rollover.begin(second, "serverShutdown announced"); // the next try
        assertEquals("serverShutdown announced", rollover.complete(second));
        assertEquals(1, rollover.completed());
    }

    @Test
    void onlyThePendingConnectionChangesTheState() {
        rollover.begin(first, "no frame for 5000 ms");
        assertNull(rollover.complete(second));
        assertNull(rollover.fail(second));
        assertTrue(rollover.isPending(first));
        assertEquals(0, rollover.completed());
    }

    @Test
    void oneRolloverAtATime() {
        rollover.begin(first, "no update of BTCUSDT for 3000 ms");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rollover.begin(second, "connection age 100 ms"));
        assertTrue(e.getMessage().contains("no update of BTCUSDT for 3000 ms"), e.getMessage());
        assertTrue(rollover.isPending(first));
        assertThrows(NullPointerException.class, () -> new Rollover<>().begin(null, "x"));
    }

    @Test
    void theOldConnectionHasCaughtUpOnceItForwardedWhatTheNewOneStartedWith() {
        long now = 1_000_000 * MS;
        long coveredAt = now; // no grace yet
        IntToLongFunction lastQuote = i -> now; // the old connection is live on every stream
        Map<Integer, Long> first = Map.of(0, 100L, 1, 200L);
        assertFalse(Rollover.oldCaughtUp(first, i -> i == 0 ? 100 : 199, lastQuote, now, coveredAt),
                "stream 1: the old connection has not forwarded 200 yet");
        assertTrue(Rollover.oldCaughtUp(first, i -> i == 0 ? 100 : 200, lastQuote, now, coveredAt));
        assertTrue(Rollover.oldCaughtUp(first, i -> i == 0 ? 150 : 250, lastQuote, now, coveredAt),
                "later updates than the new one's first also overlap");
        assertTrue(Rollover.oldCaughtUp(Map.of(), i -> 0, lastQuote, now, coveredAt), "nothing to wait for");
    }

    @Test
    void aStreamTheOldConnectionIsQuietOnStopsCountingOnlyAfterTheInFlightGrace() {
        long now = 1_000_000 * MS;
        Map<Integer, Long> first = Map.of(0, 100L);
        IntToLongFunction behind = i -> 99;
        IntToLongFunction quiet = i -> now - (Rollover.OLD_STREAM_QUIET_MILLIS + 1) * MS;
        IntToLongFunction live = i -> now - (Rollover.OLD_STREAM_QUIET_MILLIS - 1) * MS;
        long graceOver = now - (Rollover.IN_FLIGHT_GRACE_MILLIS + 1) * MS;
        long inGrace = now - (Rollover.IN_FLIGHT_GRACE_MILLIS - 1) * MS;

        assertTrue(Rollover.oldCaughtUp(first, behind, quiet, now, graceOver), "stale old stream: waived");
        assertFalse(Rollover.oldCaughtUp(first, behind, quiet, now, inGrace), "an update may still be in flight");
        assertFalse(Rollover.oldCaughtUp(first, behind, live, now, graceOver), "the old stream is live: wait");
    }
}
