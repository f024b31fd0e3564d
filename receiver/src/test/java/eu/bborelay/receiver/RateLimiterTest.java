package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void allowsTheLimitPerIntervalAndCountsTheRest() {
        RateLimiter limiter = new RateLimiter(2);
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        assertEquals(2, limiter.roll());
        assertTrue(limiter.tryAcquire(), "a new interval");
        assertEquals(0, limiter.roll());
    }
}
