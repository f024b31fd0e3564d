package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotRequestPolicyTest {
    private static final long S = 1_000_000_000L;

    private static SnapshotRequestPolicy spot() {
        return new SnapshotRequestPolicy(SnapshotRequestPolicy.SPOT_WEIGHT_LIMIT_PER_MINUTE, 0.5, 1_000, 60_000,
                new Random(7));
    }

    @Test
    void depthWeightsAsDocumented() {
        int[][] spot = {{1, 5}, {100, 5}, {101, 25}, {500, 25}, {501, 50}, {1000, 50}, {1001, 250}, {5000, 250}};
        for (int[] c : spot) {
            assertEquals(c[1], SnapshotRequestPolicy.spotDepthWeight(c[0]), "limit " + c[0]);
        }
        int[][] futures = {{5, 2}, {10, 2}, {20, 2}, {50, 2}, {100, 5}, {500, 10}, {1000, 20}};
        for (int[] c : futures) {
            assertEquals(c[1], SnapshotRequestPolicy.futuresDepthWeight(c[0]), "limit " + c[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> SnapshotRequestPolicy.spotDepthWeight(5001));
        assertThrows(IllegalArgumentException.class, () -> SnapshotRequestPolicy.spotDepthWeight(0));
        assertThrows(IllegalArgumentException.class, () -> SnapshotRequestPolicy.futuresDepthWeight(200));
    }

    @Test
    void weightWindowHoldsTheBudgetOverAnySixtySeconds() {
        SnapshotRequestPolicy p = spot();
        assertEquals(3000, p.budget());
        long t0 = 1_000 * S;
        for (int i = 0; i < 12; i++) { // 12 x 250 = 3000
            long now = t0 + i * S;
            assertEquals(0, p.weightDelayNanos(250, now));
            p.onSent(250, now);
        }
        long now = t0 + 20 * S;
        assertEquals(3000, p.windowWeight(now));
        assertEquals(40 * S, p.weightDelayNanos(250, now)); // the first send leaves the window at t0 + 60 s
        assertEquals(40 * S, p.weightDelayNanos(5, now));
        assertEquals(0, p.weightDelayNanos(250, t0 + 60 * S));
        assertEquals(2750, p.windowWeight(t0 + 60 * S));
        // two of them must leave for 500
        assertEquals(1 * S, p.weightDelayNanos(500, t0 + 60 * S));
    }

    @Test
    void retryAfterAndServerWeightHoldRequests() {
        SnapshotRequestPolicy p = spot();
        long now = 5 * S;
        p.onRetryAfter(now, 30);
        assertEquals(30 * S, p.weightDelayNanos(5, now));
        assertEquals(0, p.weightDelayNanos(5, now + 30 * S));
        SnapshotRequestPolicy q = spot();
        q.onUsedWeight(now, 2900); // other clients on the same IP used most of it
        assertEquals(0, q.weightDelayNanos(50, now));
        assertEquals(60 * S, q.weightDelayNanos(250, now));
        assertEquals(0, q.weightDelayNanos(250, now + 60 * S));
    }

    @Test
    void backoffGrowsWithJitterAndIsCapped() {
        SnapshotRequestPolicy p = spot();
        assertEquals(0, p.backoffNanos(1));
        for (int i = 0; i < 100; i++) {
            long b2 = p.backoffNanos(2);
            assertTrue(b2 >= 500_000_000L && b2 <= 1_000_000_000L, "attempt 2: " + b2);
            long b4 = p.backoffNanos(4);
            assertTrue(b4 >= 2_000_000_000L && b4 <= 4_000_000_000L, "attempt 4: " + b4);
            long b30 = p.backoffNanos(30);
            assertTrue(b30 >= 30 * S && b30 <= 60 * S, "attempt 30: " + b30);
        }
    }

    @Test
    void startCheckRefusesWhatCannotBeSustained() {
        SnapshotRequestPolicy p = spot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.checkSustainable(50, 1, SnapshotRequestPolicy.spotDepthWeight(5000)));
        assertTrue(e.getMessage().contains("12500") && e.getMessage().contains("at most 12 symbols"), e.getMessage());
        p.checkSustainable(50, 1, SnapshotRequestPolicy.spotDepthWeight(1000)); // 2,500 of 3,000
        SnapshotRequestPolicy futures = new SnapshotRequestPolicy(
                SnapshotRequestPolicy.FUTURES_WEIGHT_LIMIT_PER_MINUTE, 0.5, 1_000, 60_000, new Random(1));
        futures.checkSustainable(50, 1, SnapshotRequestPolicy.futuresDepthWeight(1000)); // 1,000 of 1,200
        assertThrows(IllegalArgumentException.class, () -> futures.checkSustainable(61, 1, 20));
    }

    @Test
    void configurationErrorsNameTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SnapshotRequestPolicy(6000, 1.5, 1, 2, new Random()));
        assertTrue(e.getMessage().startsWith("budgetShare"));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotRequestPolicy(0, 0.5, 1, 2, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotRequestPolicy(6000, 0.5, 5, 2, new Random()));
        assertThrows(IllegalArgumentException.class, () -> spot().weightDelayNanos(3001, 0));
    }
}
