package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Exact bytes of a depth frame, checked in both directions against an independent msgpack implementation: the vector
 * was made with Python msgpack 1.1.2, {@code struct.pack("!I", len(b)) + msgpack.packb(obj, use_bin_type=True)}, from
 * the dict below in this sender's key order (docs/PROTOCOL.md shows it annotated).
 */
class GoldenDepthFrameTest {
    /**
     * {seq:5, ts:1723161254088100000, symbol:"BTCUSDT", type:"depth", epoch:1723161255, binance_ts:1723161254999,
     * update_id:50093239300, best_bid:61837.63, best_ask:61837.64, bid_prices:[61837.63, 61837.62],
     * bid_sizes:[3.78826, 0.00161], ask_prices:[61837.64, 61837.65], ask_sizes:[1.54698, 0.0325],
     * bid_buckets:[234340.5, 99.56, 0.0], ask_buckets:[95660.1, 2009.7, 0.0], step_pct:0.002, num_steps:3}.
     */
    static final String OURS_DEPTH = "00000167de0011a373657105a27473cf17e9e607e8a348a0a673796d626f6ca742544355534454"
            + "a474797065a56465707468a565706f6368ce66b55aa7aa62696e616e63655f7473cf00000191346a1c57a97570646174655f69"
            + "64cf0000000ba9ca2c04a8626573745f626964cb40ee31b428f5c28fa8626573745f61736bcb40ee31b47ae147aeaa6269645f"
            + "70726963657392cb40ee31b428f5c28fcb40ee31b3d70a3d71a96269645f73697a657392cb400e4e5b4245f5aecb3f5a60d456"
            + "2e09ffaa61736b5f70726963657392cb40ee31b47ae147aecb40ee31b4cccccccda961736b5f73697a657392cb3ff8c06e19b9"
            + "0eaacb3fa0a3d70a3d70a4ab6269645f6275636b65747393cb410c9b2400000000cb4058e3d70a3d70a4cb0000000000000000"
            + "ab61736b5f6275636b65747393cb40f75ac19999999acb409f66cccccccccdcb0000000000000000a8737465705f706374cb3f"
            + "60624dd2f1a9fca96e756d5f737465707303";

    static Depth golden() {
        Depth d = new Depth(1, 1); // grows
        d.set("BTCUSDT", 1723161255L, 1723161254999L, 50093239300L, 61837.63, 61837.64).levels(2, 2)
                .buckets(3, 0.002).seq(5).sendEpochNanos(1723161254088100000L);
        System.arraycopy(new double[] {61837.63, 61837.62}, 0, d.bidPrices(), 0, 2);
        System.arraycopy(new double[] {3.78826, 0.00161}, 0, d.bidSizes(), 0, 2);
        System.arraycopy(new double[] {61837.64, 61837.65}, 0, d.askPrices(), 0, 2);
        System.arraycopy(new double[] {1.54698, 0.0325}, 0, d.askSizes(), 0, 2);
        System.arraycopy(new double[] {234340.5, 99.56, 0.0}, 0, d.bidBuckets(), 0, 3);
        System.arraycopy(new double[] {95660.1, 2009.7, 0.0}, 0, d.askBuckets(), 0, 3);
        return d;
    }

    @Test
    void encodesADepthFrameExactlyAsPythonMsgpackWould() {
        FrameEncoder encoder = new FrameEncoder();
        int n = encoder.encodeDepth(golden());
        assertEquals(OURS_DEPTH, HexFormat.of().formatHex(encoder.buffer(), 0, n));
        assertEquals(363, n);
    }

    @Test
    void decodesEveryFieldOfTheGoldenFrame() throws Exception {
        Depth d = decode(OURS_DEPTH, new Depth());
        assertEquals("BTCUSDT", d.symbol());
        assertEquals(5, d.seq());
        assertEquals(1723161254088100000L, d.sendEpochNanos());
        assertEquals(1723161255L, d.epochSecond());
        assertEquals(1723161254999L, d.binanceEventTimeMs());
        assertEquals(50093239300L, d.updateId());
        assertEquals(61837.63, d.bestBid());
        assertEquals(61837.64, d.bestAsk());
        assertEquals(2, d.bidLevels());
        assertEquals(2, d.askLevels());
        assertArrayEquals(new double[] {61837.63, 61837.62}, Arrays.copyOf(d.bidPrices(), 2));
        assertArrayEquals(new double[] {3.78826, 0.00161}, Arrays.copyOf(d.bidSizes(), 2));
        assertArrayEquals(new double[] {61837.64, 61837.65}, Arrays.copyOf(d.askPrices(), 2));
        assertArrayEquals(new double[] {1.54698, 0.0325}, Arrays.copyOf(d.askSizes(), 2));
        assertEquals(3, d.numSteps());
        assertArrayEquals(new double[] {234340.5, 99.56, 0.0}, Arrays.copyOf(d.bidBuckets(), 3));
        assertArrayEquals(new double[] {95660.1, 2009.7, 0.0}, Arrays.copyOf(d.askBuckets(), 3));
        assertEquals(0.002, d.stepPct());
        Depth c = d.copy();
        assertEquals(d.toString(), c.toString());
        assertArrayEquals(Arrays.copyOf(d.askBuckets(), 3), Arrays.copyOf(c.askBuckets(), 3));
    }

    @Test
    void aDecoderWithoutADepthArgumentStillRecognisesTheFrame() throws Exception {
        byte[] payload = payload(OURS_DEPTH);
        FrameDecoder decoder = new FrameDecoder();
        assertEquals(FrameType.DEPTH, decoder.decode(payload, payload.length, new BookTicker()));
    }

    @Test
    void rejectsArraysOfDifferentLengthsAndMissingKeysWithAClearReason() {
        FrameEncoder encoder = new FrameEncoder();
        Depth bad = golden();
        int n = encoder.encodeDepth(bad);
        byte[] ok = Arrays.copyOf(encoder.buffer(), n);
        // bid_sizes [3.78826, 0.00161] -> a one-element array: cut the header to 0x91 and drop the second value
        String hex = HexFormat.of().formatHex(ok);
        String shorter = hex.replace("a96269645f73697a657392cb400e4e5b4245f5aecb3f5a60d4562e09ff",
                "a96269645f73697a657391cb400e4e5b4245f5ae");
        byte[] frame = payload(shorter);
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> new FrameDecoder().decode(frame, frame.length, new BookTicker()));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().contains("bid_sizes 1"), e.getMessage());
        // without best_bid (renamed to an unknown key of the same length)
        byte[] noBest = payload(hex.replace("a8626573745f626964", "a8626573745f787878"));
        FrameFormatException m = assertThrows(FrameFormatException.class,
                () -> new FrameDecoder().decode(noBest, noBest.length, new BookTicker()));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, m.reason());
        assertTrue(m.getMessage().contains("'best_bid'"), m.getMessage());
    }

    @Test
    void decodingAgainReusesTheArrays() throws Exception {
        Depth d = new Depth();
        decode(OURS_DEPTH, d);
        double[] bids = d.bidPrices();
        double[] buckets = d.askBuckets();
        decode(OURS_DEPTH, d);
        assertTrue(bids == d.bidPrices() && buckets == d.askBuckets(), "no new arrays in steady state");
    }

    private static byte[] payload(String frameHex) {
        byte[] frame = HexFormat.of().parseHex(frameHex);
        return Arrays.copyOfRange(frame, 4, frame.length);
    }

    private static Depth decode(String hex, Depth into) throws Exception {
        byte[] frame = HexFormat.of().parseHex(hex);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(frame), FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        int n = reader.read();
        assertEquals(frame.length - 4, n);
        assertEquals(FrameType.DEPTH, new FrameDecoder().decode(reader.payload(), n, new BookTicker(), new Trade(),
                into));
        assertEquals(-1, reader.read());
        return into;
    }
}
