package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockSyncTest {
    /** Receiver clock = true time; sender clock = true time + skew. */
    private static boolean probe(ClockSync sync, long skew, long t, long upNanos, long turnNanos, long downNanos) {
        long t1 = t;
        long t2 = t + upNanos + skew;
        long t3 = t2 + turnNanos;
        long t4 = t + upNanos + turnNanos + downNanos;
        return sync.onPong(t1, t2, t3, t4);
    }

    @Test
    void offsetIsSenderMinusReceiverClockForEitherSign() {
        for (long skew : new long[] {50_000_000L, -200_000_000L, 0}) {
            ClockSync sync = new ClockSync();
            assertFalse(sync.known());
            assertTrue(probe(sync, skew, 1_000_000_000L, 3_500_000, 20_000, 3_500_000));
            assertTrue(sync.known());
            assertEquals(skew, sync.offsetNanos());
            assertEquals(7_000_000, sync.rttNanos());
            // corrected one-way = (receive - ts) + offset: a quote written at true time T, received 3.5 ms later
            long ts = 5_000_000_000L + skew;
            long receive = 5_000_000_000L + 3_500_000;
            assertEquals(3_500_000, (receive - ts) + sync.offsetNanos());
        }
    }

    @Test
    void usesTheLowestRttSampleOfTheWindow() {
        ClockSync sync = new ClockSync();
        long skew = 50_000_000L;
        probe(sync, skew, 0, 3_000_000, 0, 3_000_000); // symmetric, rtt 6 ms: exact
        probe(sync, skew, 1_000_000_000L, 3_000_000, 0, 13_000_000); // queued on the way back: rtt 16 ms, off by 5 ms
        assertEquals(skew, sync.offsetNanos());
        assertEquals(6_000_000, sync.rttNanos());
        for (int i = 0; i < ClockSync.WINDOW - 1; i++) { // the good sample leaves the window
            probe(sync, skew, (2 + i) * 1_000_000_000L, 3_000_000, 0, 5_000_000);
        }
        assertEquals(skew - 1_000_000, sync.offsetNanos());
        assertEquals(8_000_000, sync.rttNanos());
    }

    @Test
    void impossibleSamplesAreIgnored() {
        ClockSync sync = new ClockSync();
        assertFalse(sync.onPong(100, 50, 40, 200)); // t3 before t2
        assertFalse(sync.onPong(100, 0, 500, 200)); // the sender held it longer than the round trip
        assertFalse(sync.known());
    }
}
