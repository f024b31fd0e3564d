package eu.bborelay.common;

import java.time.Instant;

/**
 * Wall clock in nanoseconds since the Unix epoch: the sender stamps {@code ts} with it, the receiver measures
 * one-way latency with it. Injectable so tests can skew one side's clock. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface EpochNanoClock {
    /** The system wall clock, at the platform's resolution (microseconds on Linux with Java 17). */
    EpochNanoClock SYSTEM = () -> {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };

    /** Now, in ns since 1970-01-01T00:00:00Z (wall clock, not monotonic). */
    long epochNanos();
}
