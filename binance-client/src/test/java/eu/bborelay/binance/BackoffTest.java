package eu.bborelay.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void ceilingDoublesUpToTheMaximum() {
        Backoff b = new Backoff(100, 5_000);
        assertEquals(100, b.ceilingMillis(0));
        assertEquals(200, b.ceilingMillis(1));
        assertEquals(3_200, b.ceilingMillis(5));
        assertEquals(5_000, b.ceilingMillis(6));
        assertEquals(5_000, b.ceilingMillis(1_000));
    }

    @Test
    void delaysAreFullJitterWithinTheCeilingAndResetStartsOver() {
        Backoff b = new Backoff(1_000, 60_000);
        long max = 0;
        for (int i = 0; i < 200; i++) {
            long ceiling = b.ceilingMillis(b.attempt());
            long d = b.nextDelayMillis();
            assertTrue(d >= 0 && d <= ceiling, d + " within [0, " + ceiling + "]");
            max = Math.max(max, d);
        }
        assertTrue(max > 30_000, "reaches the upper range, got " + max);
        b.reset();
        assertEquals(0, b.attempt());
        assertTrue(b.nextDelayMillis() <= 1_000);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }
}
