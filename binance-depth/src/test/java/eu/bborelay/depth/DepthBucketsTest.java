package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DepthBucketsTest {

    private static OrderBook book(String[][] bids, String[][] asks) {
        OrderBook b = new OrderBook(8, 8, 16);
        for (String[] l : bids) {
            b.bids().set(Decimals.parse(l[0], 8), Decimals.parse(l[1], 8));
        }
        for (String[] l : asks) {
            b.asks().set(Decimals.parse(l[0], 8), Decimals.parse(l[1], 8));
        }
        return b;
    }

    /**
     * mid = (99.99 + 100.01) / 2 = 100, step 0.001, 3 buckets. By hand, d = ln(100 / p) for bids, ln(p / 100) asks:
     * bids 99.99 (d 0.000100) and 99.95 (0.000500) in bucket 0, 99.85 (0.001501) in 1, 99.75 (0.002503) in 2,
     * 99.65 (0.003506) beyond; asks 100.01 (0.000100) in 0, 100.12 (0.001199) in 1, 100.25 (0.002497) in 2,
     * 100.35 (0.003494) beyond.
     */
    @Test
    void handComputedBook() {
        OrderBook b = book(new String[][] {{"99.99", "1"}, {"99.95", "2"}, {"99.85", "1"}, {"99.75", "4"},
            {"99.65", "100"}}, new String[][] {{"100.01", "1"}, {"100.12", "0.5"}, {"100.25", "2"},
            {"100.35", "100"}});
        DepthBucketSnapshot s = new DepthBucketSnapshot(3);
        new DepthBuckets(0.001, 3).compute(b, "BTCUSDT", 1_768_053_959L, s);
        assertArrayEquals(new double[] {99.99 + 199.9, 99.85, 399.0}, s.bidBuckets, 1e-9);
        assertArrayEquals(new double[] {100.01, 50.06, 200.5}, s.askBuckets, 1e-9);
        assertEquals(Decimals.parse("99.99", 8), s.bestBid());
        assertEquals(Decimals.parse("100.01", 8), s.bestAsk());
        assertEquals("100", s.mid().toPlainString());
        assertEquals("{\"epoch\":1768053959,\"best_bid\":99.99,\"best_ask\":100.01,"
                + "\"bid_buckets\":[" + (99.99 + 199.9) + "," + 99.85 + "," + 399.0 + "],"
                + "\"ask_buckets\":[" + 100.01 + "," + 50.06 + "," + 200.5 + "],"
                + "\"step_pct\":0.1,\"num_steps\":3}", s.toJson());
    }

    /** 100·e^-0.001 = 99.9000499833...: a bid just above it is within bucket 0, just below it in bucket 1. */
    @Test
    void edgesByLogDistanceFromTheMid() {
        OrderBook b = book(new String[][] {{"99.99", "1"}, {"99.90006", "1"}, {"99.90004", "1"}},
                new String[][] {{"100.01", "1"}, {"100.10004", "1"}, {"100.10006", "1"}});
        // asks: 100·e^0.001 = 100.10005001...
        DepthBucketSnapshot s = new DepthBucketSnapshot(2);
        new DepthBuckets(0.001, 2).compute(b, "X", 1, s);
        assertEquals(99.99 + 99.90006, s.bidBucket(0), 1e-9);
        assertEquals(99.90004, s.bidBucket(1), 1e-9);
        assertEquals(100.01 + 100.10004, s.askBucket(0), 1e-9);
        assertEquals(100.10006, s.askBucket(1), 1e-9);
        assertEquals(0, DepthBuckets.bucketOf(100, 99.90006, true, 0.001));
        assertEquals(1, DepthBuckets.bucketOf(100, 99.90004, true, 0.001));
    }

    @Test
    void onlyFromASyncedBook() {
        DepthBook book = new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", 8, 8, x -> { }, DepthBookListener.NO_OP);
        DepthBucketSnapshot s = new DepthBucketSnapshot(DepthBuckets.DEFAULT_STEPS);
        DepthBuckets buckets = new DepthBuckets(DepthBuckets.DEFAULT_STEP, DepthBuckets.DEFAULT_STEPS);
        assertFalse(buckets.compute(book, 1, s));
        assertEquals(0, s.epochSecond());
        assertThrows(IllegalStateException.class, () -> buckets.compute(book.book(), "BTCUSDT", 1, s));
        assertThrows(IllegalArgumentException.class,
                () -> buckets.compute(book.book(), "BTCUSDT", 1, new DepthBucketSnapshot(3)));
        assertThrows(IllegalArgumentException.class, () -> new DepthBuckets(0, 40));
        assertThrows(IllegalArgumentException.class, () -> new DepthBuckets(Double.NaN, 40));
        assertThrows(IllegalArgumentException.class, () -> new DepthBuckets(0.1, 0));
    }

    /** On the recorded spot book, every second: the buckets equal an independent sum over all levels. */
    @Test
    void recordedBookAgainstABruteForceSum() {
        TopOfBookCheck check = new TopOfBookCheck(DepthBook.Market.SPOT, "BTCUSDT");
        DepthBuckets buckets = new DepthBuckets(DepthBuckets.DEFAULT_STEP, DepthBuckets.DEFAULT_STEPS);
        DepthBucketSnapshot s = new DepthBucketSnapshot(DepthBuckets.DEFAULT_STEPS);
        long[] lastSecond = {-1};
        int[] computed = {0};
        RecordedBinance.forEachMessage(json -> {
            check.accept(json);
            DepthBook book = check.book;
            if (!RecordedBinance.isDepth(json) || !book.isSynced()) {
                return;
            }
            long second = DepthBuckets.alignedSecond(book.lastEventTimeMs(), 1);
            if (second == lastSecond[0]) {
                return;
            }
            lastSecond[0] = second;
            assertTrue(buckets.compute(book, second, s));
            computed[0]++;
            double[] bid = new double[40];
            double[] ask = new double[40];
            double mid = (Decimals.toDouble(s.bestBid(), 8) + Decimals.toDouble(s.bestAsk(), 8)) / 2;
            book.book().bids().forEach((p, q) -> {
                double price = Decimals.toDouble(p, 8);
                int k = (int) Math.floor(Math.log(mid / price) / 0.00002);
                if (k < 40) {
                    bid[k] += price * Decimals.toDouble(q, 8);
                }
                return true;
            });
            book.book().asks().forEach((p, q) -> {
                double price = Decimals.toDouble(p, 8);
                int k = (int) Math.floor(Math.log(price / mid) / 0.00002);
                if (k < 40) {
                    ask[k] += price * Decimals.toDouble(q, 8);
                }
                return true;
            });
            assertArrayEquals(bid, s.bidBuckets, 1e-6);
            assertArrayEquals(ask, s.askBuckets, 1e-6);
            assertTrue(s.bidBucket(0) > 0 && s.askBucket(0) > 0);
        }, RecordedBinance.SPOT_20240808);
        assertTrue(computed[0] > 300, "seconds computed: " + computed[0]);
        assertTrue(s.toJson().contains("\"step_pct\":0.002,\"num_steps\":40}"), s.toJson());
    }

    @Test
    void alignmentToTheEpochSecond() {
        assertEquals(1_768_054_365L, DepthBuckets.alignedSecond(1_768_054_365_250L, 1));
        assertEquals(1_768_054_365L, DepthBuckets.alignedSecond(1_768_054_365_000L, 1));
        assertEquals(1_768_054_360L, DepthBuckets.alignedSecond(1_768_054_365_250L, 10));
        assertEquals(1_768_054_366_000L, DepthBuckets.nextBoundaryMillis(1_768_054_365_250L, 1));
        assertEquals(1_768_054_366_000L, DepthBuckets.nextBoundaryMillis(1_768_054_365_000L, 1));
        assertEquals(1_768_054_370_000L, DepthBuckets.nextBoundaryMillis(1_768_054_365_250L, 5));
        assertThrows(IllegalArgumentException.class, () -> DepthBuckets.alignedSecond(1, 0));
    }
}
