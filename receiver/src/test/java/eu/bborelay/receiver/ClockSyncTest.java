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
    void bothLegsStartWhenTheWriteReturned() {
        // One host (skew 0), each leg 40 µs on the wire; the receiver's ping write took 70 µs after its t1 stamp
        // (a cold pinger), the sender's pong write 10 µs after t3 (a hot writer): stamped before the writes, the
        // ping leg looks 60 µs longer and the offset comes out 30 µs high.
        long t1 = 1_000_000_000L;
        long t2 = t1 + 70_000 + 40_000;
        long t3 = t2 + 5_000;
        long t4 = t3 + 10_000 + 40_000;
        ClockSync uncorrected = new ClockSync();
        assertTrue(uncorrected.onPong(1, t1, 0, t2, t3, t4, false));
        assertEquals(30_000, uncorrected.offsetNanos());

        ClockSync sync = new ClockSync();
        assertTrue(sync.onPong(1, t1, 70_000, t2, t3, t4, false)); // the receiver knows its own write at once
        assertEquals(-5_000, sync.offsetNanos());
        assertEquals(160_000, sync.rttNanos(), "the RTT as stamped");
        assertTrue(sync.pongWrittenLate(1, 10_000)); // the next pong says when this one left
        assertEquals(0, sync.offsetNanos());
        assertEquals(160_000, sync.rttNanos());
        assertEquals(0, sync.busySamples());
        assertFalse(sync.pongWrittenLate(1, 10_000), "once");
    }

    @Test
    void aLateWriteMovesTheOffsetOfTheLatestSampleOnlyAndNeverTheChoice() {
        ClockSync sync = new ClockSync();
        assertTrue(sync.onPong(1, 0, 0, 100_000, 100_000, 200_000, false)); // offset 0, rtt 200 µs
        assertTrue(sync.onPong(2, 1_000_000_000L, 0, 1_000_120_000L, 1_000_120_000L, 1_000_210_000L, false));
        assertFalse(sync.pongWrittenLate(1, 50_000), "ping 1 is no longer the latest sample");
        assertFalse(sync.pongWrittenLate(3, 50_000), "never seen");
        assertFalse(sync.pongWrittenLate(2, 300_000), "longer than the round trip: impossible");
        assertFalse(sync.pongWrittenLate(2, -1));
        assertEquals(0, sync.offsetNanos(), "ping 1: the lower RTT");
        // a pong write of 150 µs (descheduled after the bytes left?) would make ping 2's round trip the shorter one
        // if the choice went by the moved stamps: it does not, and the sample is marked busy
        assertTrue(sync.pongWrittenLate(2, 150_000));
        assertEquals(0, sync.offsetNanos());
        assertEquals(200_000, sync.rttNanos());
        assertEquals(1, sync.busySamples());
        // a ping whose write took 120 µs is busy as well, and its offset is moved by half of it
        ClockSync slowPing = new ClockSync();
        assertTrue(slowPing.onPong(1, 0, 120_000, 200_000, 200_000, 300_000, false));
        assertEquals((80_000 - 100_000) / 2, slowPing.offsetNanos());
        assertEquals(1, slowPing.busySamples());
    }

    @Test
    void impossibleSamplesAreIgnored() {
        ClockSync sync = new ClockSync();
        assertFalse(sync.onPong(100, 50, 40, 200)); // t3 before t2
        assertFalse(sync.onPong(100, 0, 500, 200)); // the sender held it longer than the round trip
        assertFalse(sync.known());
    }

    @Test
    void aSampleTakenWhileTheReceiverWasBusyIsNotChosenOverAnIdleOne() {
        ClockSync sync = new ClockSync();
        long skew = -7_000_000L;
        // idle, 5 µs of extra queueing on the way back
        assertTrue(sync.onPong(0, 100_000 + skew, 120_000 + skew, 225_000, false));
        assertEquals(skew - 2_500, sync.offsetNanos());
        // busy: a shorter round trip on paper, but the reader was behind a quote (its t4 is not trustworthy)
        assertTrue(sync.onPong(1_000_000_000L, 1_000_100_000L + skew, 1_000_110_000L + skew, 1_000_150_000L, true));
        assertEquals(skew - 2_500, sync.offsetNanos(), "the idle sample stays chosen");
        assertEquals(205_000, sync.rttNanos());
        assertEquals(1, sync.busySamples());
    }

    @Test
    void busySamplesAreUsedOnlyWhileThereIsNoOther() {
        ClockSync sync = new ClockSync();
        long skew = 3_000_000L;
        assertTrue(probeBusy(sync, skew, 0, 200_000, 10_000, 600_000));
        assertTrue(sync.known());
        assertFalse(sync.trusted(), "one busy sample: not yet used to correct latencies");
        assertEquals(skew - 200_000, sync.offsetNanos(), "a busy sample is better than none");
        assertTrue(probeBusy(sync, skew, 1_000_000_000L, 200_000, 10_000, 300_000));
        assertEquals(skew - 50_000, sync.offsetNanos(), "the lower RTT of the busy ones");
        assertFalse(sync.trusted());
        assertTrue(probe(sync, skew, 2_000_000_000L, 250_000, 10_000, 250_000));
        assertEquals(skew, sync.offsetNanos(), "the first idle sample wins although its RTT is higher");
        assertTrue(sync.trusted());
        assertEquals(500_000, sync.rttNanos());
    }

    @Test
    void aSenderThatHeldThePingLongerThanAMillisecondWasBusy() {
        ClockSync sync = new ClockSync();
        long skew = 0;
        assertTrue(probe(sync, skew, 0, 300_000, 10_000, 300_000)); // idle: rtt 600 µs, exact
        // held 2 ms by a busy sender, whose reading of the ping was late too (t2 late by 200 µs): rtt 400 µs on paper
        long t1 = 1_000_000_000L;
        long t2 = t1 + 300_000 + 200_000;
        long t3 = t2 + 2_000_000;
        long t4 = t1 + 300_000 + 200_000 + 2_000_000 + 100_000 - 200_000;
        assertTrue(sync.onPong(t1, t2, t3, t4, false));
        assertEquals(1, sync.busySamples());
        assertEquals(0, sync.offsetNanos());
        assertEquals(600_000, sync.rttNanos());
    }

    @Test
    void theEstimateSurvivesAReconnectAndAColdFirstPong() {
        // A session's ClockSync outlives its connections: the first pong of a new connection waits behind the
        // opening batch (t4 late by 5 ms) and must not replace a good estimate with a 2.5 ms error.
        ClockSync sync = new ClockSync();
        long skew = 0;
        for (int i = 0; i < 10; i++) {
            probe(sync, skew, i * 1_000_000_000L, 60_000 + i * 1_000, 20_000, 60_000);
        }
        assertEquals(0, sync.offsetNanos());
        assertTrue(probeBusy(sync, skew, 11_000_000_000L, 60_000, 20_000, 5_060_000));
        assertEquals(0, sync.offsetNanos());
        assertEquals(120_000, sync.rttNanos());
        // A quote written at T and read 80 µs later: corrected latency stays the true one, not negative.
        assertEquals(80_000, (12_000_080_000L - 12_000_000_000L) + sync.offsetNanos());
    }

    @Test
    void negativeOffsetsRoundDown() {
        ClockSync sync = new ClockSync();
        assertTrue(sync.onPong(0, -3, 0, 4)); // offset (-3 + -4) / 2 = -3.5
        assertEquals(-4, sync.offsetNanos());
    }

    private static boolean probeBusy(ClockSync sync, long skew, long t, long upNanos, long turnNanos, long downNanos) {
        long t1 = t;
        long t2 = t + upNanos + skew;
        long t3 = t2 + turnNanos;
        long t4 = t + upNanos + turnNanos + downNanos;
        return sync.onPong(t1, t2, t3, t4, true);
    }

    @Test
    void aQuoteThatWouldComeOutNegativeRaisesTheEstimateUntilTheNextSample() {
        ClockSync sync = new ClockSync();
        long skew = 1_000_000L;
        // a busy sample: the pong waited 400 µs in the receiver, so the offset reads 200 µs low
        assertTrue(probeBusy(sync, skew, 0, 50_000, 10_000, 450_000));
        assertEquals(skew - 200_000, sync.offsetNanos());
        // a quote written at true time T (ts = T + skew) read 30 µs later: raw = 30 µs - skew; corrected -170 µs
        long raw = 30_000 - skew;
        assertTrue(raw + sync.offsetNanos() < 0);
        assertEquals(skew - 30_000, sync.atLeast(-raw));
        assertEquals(0, raw + sync.offsetNanos(), "never negative; off by at most the lowest one-way latency");
        assertEquals(skew - 30_000, sync.atLeast(-(50_000 - skew)), "a lower bound never lowers it");
        // a better sample replaces the bound
        assertTrue(probe(sync, skew, 1_000_000_000L, 50_000, 10_000, 50_000));
        assertEquals(skew, sync.offsetNanos());
    }
}
