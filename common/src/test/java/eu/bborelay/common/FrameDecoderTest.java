package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

class FrameDecoderTest {
    private final FrameDecoder decoder = new FrameDecoder();
    private final BookTicker quote = new BookTicker();

    @Test
    void roundTripsEveryField() throws Exception {
        BookTicker in = new BookTicker().set("ETHUSDT", 2500.5, 1.25, 2500.6, 0.5, 123, 1680652700435L)
                .seq(42).sendEpochNanos(1_700_000_000_123_456_789L);
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodeQuote(in);
        assertEquals(FrameType.QUOTE, decoder.decode(java.util.Arrays.copyOfRange(enc.buffer(), 4, n), n - 4, quote));
        assertEquals(in.toString(), quote.toString());
    }

    @Test
    void helloAndHeartbeatRoundTrip() throws Exception {
        FrameEncoder enc = new FrameEncoder();
        Hello hello = new Hello("abc123", FrameDescriptor.PROTOCOL_VERSION, List.of("BTCUSDT", "ETHUSDT"), 99,
                "bbo-relay-sender/test");
        int n = enc.encodeHello(hello);
        assertEquals(FrameType.HELLO, decoder.decode(java.util.Arrays.copyOfRange(enc.buffer(), 4, n), n - 4, quote));
        assertEquals(hello, decoder.hello());
        n = enc.encodeHeartbeat();
        assertEquals(FrameType.HEARTBEAT,
                decoder.decode(java.util.Arrays.copyOfRange(enc.buffer(), 4, n), n - 4, quote));
    }

    @Test
    void controlFramesCarryNeitherTsNorSeq() throws Exception {
        FrameEncoder enc = new FrameEncoder();
        int[] lengths = new int[4];
        byte[][] frames = new byte[4][];
        lengths[0] = enc.encodeHello(new Hello("s", 1, List.of("BTCUSDT"), 0, "x"));
        frames[0] = java.util.Arrays.copyOfRange(enc.buffer(), 4, lengths[0]);
        lengths[1] = enc.encodeHeartbeat();
        frames[1] = java.util.Arrays.copyOfRange(enc.buffer(), 4, lengths[1]);
        lengths[2] = enc.encodePing(1, 2);
        frames[2] = java.util.Arrays.copyOfRange(enc.buffer(), 4, lengths[2]);
        lengths[3] = enc.encodePong(1, 2, 3, 4);
        frames[3] = java.util.Arrays.copyOfRange(enc.buffer(), 4, lengths[3]);
        for (byte[] f : frames) {
            Map<String, Object> map = unpack(f);
            assertTrue(!map.containsKey("ts") && !map.containsKey("seq"), map.toString());
        }
    }

    @Test
    void pingAndPongRoundTripWithTheirKeys() throws Exception {
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodePing(7, 1_700_000_000_000_000_001L);
        byte[] ping = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        assertEquals(java.util.Set.of("type", "id", "t1"), unpack(ping).keySet());
        assertEquals(FrameType.PING, decoder.decode(ping, ping.length, quote));
        assertEquals(7, decoder.pingId());
        assertEquals(1_700_000_000_000_000_001L, decoder.t1());
        n = enc.encodePong(8, 11, 22, 33);
        byte[] pong = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        assertEquals(java.util.Set.of("type", "id", "t1", "t2", "t3"), unpack(pong).keySet());
        assertEquals(FrameType.PONG, decoder.decode(pong, pong.length, quote));
        assertEquals(8, decoder.pingId());
        assertEquals(11, decoder.t1());
        assertEquals(22, decoder.t2());
        assertEquals(33, decoder.t3());
    }

    @Test
    void aPongCarriesWhenThePreviousPongLeftAndOnlyBothKeysCount() throws Exception {
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodePong(9, 11, 22, 33, 8, 45_000);
        byte[] pong = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        assertEquals(java.util.Set.of("type", "id", "t1", "t2", "t3", "prev_id", "prev_write_ns"),
                unpack(pong).keySet());
        assertEquals(FrameType.PONG, decoder.decode(pong, pong.length, quote));
        assertEquals(9, decoder.pingId());
        assertEquals(33, decoder.t3());
        assertEquals(8, decoder.prevPingId());
        assertEquals(45_000, decoder.prevWriteNanos());
        // the first pong of a connection: the same 5 keys as before, and the last pong's values do not linger
        n = enc.encodePong(1, 11, 22, 33, 0, 0);
        byte[] first = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        assertEquals(java.util.Set.of("type", "id", "t1", "t2", "t3"), unpack(first).keySet());
        assertEquals(FrameType.PONG, decoder.decode(first, first.length, quote));
        assertEquals(0, decoder.prevPingId());
        assertEquals(0, decoder.prevWriteNanos());
        // one key without the other, or a negative duration: ignored, the pong itself still counts
        byte[] half = pack(Map.of("type", "pong", "id", 3, "t1", 2, "t2", 3, "t3", 4, "prev_id", 2));
        decoder.decode(pong, pong.length, quote);
        assertEquals(FrameType.PONG, decoder.decode(half, half.length, quote));
        assertEquals(0, decoder.prevPingId());
        byte[] negative = pack(Map.of("type", "pong", "id", 3, "t1", 2, "t2", 3, "t3", 4, "prev_id", 2,
                "prev_write_ns", -5));
        assertEquals(FrameType.PONG, decoder.decode(negative, negative.length, quote));
        assertEquals(0, decoder.prevPingId());
        assertEquals(0, decoder.prevWriteNanos());
    }

    @Test
    void pongMissingT3IsRejectedNamingTheKey() throws Exception {
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodePong(1, 2, 3, 4);
        byte[] full = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        decoder.decode(full, full.length, quote); // leaves t3 set: the missing key must still be noticed
        byte[] p = pack(Map.of("type", "pong", "id", 1, "t1", 2, "t2", 3));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length, quote));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
        assertTrue(e.getMessage().contains("'t3'"), e.getMessage());
    }

    @Test
    void ignoresUnknownKeysAndNilValues() throws Exception {
        byte[] p = pack(Map.of("seq", 5, "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0,
                "future_key", List.of(1, 2, 3), "binance_ts", NIL));
        assertEquals(FrameType.QUOTE, decoder.decode(p, p.length, quote));
        assertEquals(5, quote.seq());
        assertEquals(1.5, quote.mid());
        assertEquals(0, quote.binanceEventTimeMs());
    }

    @Test
    void acceptsIntegerPrices() throws Exception {
        byte[] p = pack(Map.of("seq", 1, "ts", 1L, "symbol", "X", "bid", 1, "ask", 2));
        assertEquals(FrameType.QUOTE, decoder.decode(p, p.length, quote));
        assertEquals(1.0, quote.bid());
    }

    @Test
    void quoteMissingBidIsRejectedNamingTheKey() {
        byte[] p = pack(Map.of("seq", 1, "ts", 1L, "symbol", "BTCUSDT", "ask", 2.0));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length, quote));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
        assertTrue(e.getMessage().contains("'bid'"), e.getMessage());
    }

    @Test
    void wrongValueTypeIsBadValue() {
        byte[] p = pack(Map.of("seq", "one", "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0));
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length, quote));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().contains("'seq'"), e.getMessage());
    }

    @Test
    void zeroSeqIsBadValue() {
        byte[] p = pack(Map.of("seq", 0, "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0));
        assertEquals(FrameFormatException.Reason.BAD_VALUE,
                assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length, quote)).reason());
    }

    @Test
    void notAMapIsMalformed() {
        byte[] p = {(byte) 0x93, 1, 2, 3}; // [1,2,3]
        assertEquals(FrameFormatException.Reason.MALFORMED_MSGPACK,
                assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length, quote)).reason());
    }

    @Test
    void garbageIsMalformedAndTheDecoderStaysUsable() throws Exception {
        byte[] garbage = {(byte) 0xc1, (byte) 0xff, 0x00, 0x13};
        assertEquals(FrameFormatException.Reason.MALFORMED_MSGPACK,
                assertThrows(FrameFormatException.class, () -> decoder.decode(garbage, garbage.length, quote))
                        .reason());
        byte[] p = pack(Map.of("seq", 1, "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0));
        assertEquals(FrameType.QUOTE, decoder.decode(p, p.length, quote));
    }

    @Test
    void truncatedMapIsMalformedEvenWhenTheBufferHoldsStaleBytesBeyondIt() {
        byte[] p = pack(Map.of("seq", 1, "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0));
        // decode only the first half of the frame, the rest of the array still holds the old bytes
        FrameFormatException e = assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length / 2, quote));
        assertEquals(FrameFormatException.Reason.MALFORMED_MSGPACK, e.reason());
    }

    @Test
    void trailingBytesAfterTheMapAreMalformed() {
        byte[] p = pack(Map.of("seq", 1, "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0));
        byte[] longer = java.util.Arrays.copyOf(p, p.length + 2);
        assertEquals(FrameFormatException.Reason.MALFORMED_MSGPACK,
                assertThrows(FrameFormatException.class, () -> decoder.decode(longer, longer.length, quote))
                        .reason());
    }

    @Test
    void nonStringKeyIsMalformed() {
        byte[] p = {(byte) 0x81, 0x01, 0x02}; // {1: 2}
        assertEquals(FrameFormatException.Reason.MALFORMED_MSGPACK,
                assertThrows(FrameFormatException.class, () -> decoder.decode(p, p.length, quote)).reason());
    }

    @Test
    void unknownDataTypeAndUnknownControlAreIgnoredNotErrors() throws Exception {
        byte[] future = pack(Map.of("type", "depth_diff", "seq", 1, "ts", 1L, "symbol", "BTCUSDT"));
        assertEquals(FrameType.UNKNOWN, decoder.decode(future, future.length, quote));
        byte[] control = pack(Map.of("type", "future_control"));
        assertEquals(FrameType.UNKNOWN, decoder.decode(control, control.length, quote));
    }

    @Test
    void internsSymbols() throws Exception {
        byte[] p = pack(Map.of("seq", 1, "ts", 1L, "symbol", "BTCUSDT", "bid", 1.0, "ask", 2.0));
        decoder.decode(p, p.length, quote);
        String first = quote.symbol();
        decoder.decode(p.clone(), p.length, quote);
        assertTrue(first == quote.symbol(), "same String instance for the same symbol");
    }

    @Test
    void tradeRoundTripsEveryField() throws Exception {
        Trade in = new Trade().setTrade("BTCUSDT", 61837.63, 0.02, Trade.Side.SELL, 3735683259L, 1723161255342L,
                1723161255343L).seq(7).sendEpochNanos(1_723_161_254_088_012_345L);
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodeTrade(in);
        byte[] payload = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        Trade out = new Trade();
        assertEquals(FrameType.TRADE, decoder.decode(payload, payload.length, quote, out));
        assertEquals(in.toString(), out.toString());
        assertEquals(Trade.Type.TRADE, out.type());
        assertEquals(3735683259L, out.tradeId());
        assertEquals(Trade.NO_ID, out.aggId());
        assertEquals(3735683259L, out.firstTradeId());
        assertEquals(3735683259L, out.lastTradeId());
        assertEquals(java.util.Set.of("seq", "ts", "symbol", "type", "price", "qty", "side", "trade_id", "binance_ts",
                "event_ts"), unpack(payload).keySet());
    }

    @Test
    void aggTradeRoundTripsEveryField() throws Exception {
        Trade in = new Trade().setAggTrade("BTCUSD_PERP", 63943.9, 12, Trade.Side.BUY, 16599292, 23961322, 23961325,
                1626992741421L, 1626992741575L).seq(1L << 40).sendEpochNanos(1L);
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodeTrade(in);
        byte[] payload = java.util.Arrays.copyOfRange(enc.buffer(), 4, n);
        Trade out = new Trade();
        assertEquals(FrameType.TRADE, decoder.decode(payload, payload.length, quote, out));
        assertEquals(in.toString(), out.toString());
        assertEquals(Trade.Type.AGG_TRADE, out.type());
        assertEquals(Trade.NO_ID, out.tradeId());
        assertEquals(16599292, out.aggId());
        assertEquals(23961322, out.firstTradeId());
        assertEquals(23961325, out.lastTradeId());
        assertEquals(1L << 40, out.seq());
        assertEquals(java.util.Set.of("seq", "ts", "symbol", "type", "price", "qty", "side", "agg_id", "first_id",
                "last_id", "binance_ts", "event_ts"), unpack(payload).keySet());
    }

    @Test
    void aTradeIsDataButNoQuote() throws Exception {
        // ts and seq: the original receiver counts it in the one seq space; no bid/ask/mid: nobody takes it for a quote
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodeTrade(new Trade().setTrade("X", 1, 1, Trade.Side.BUY, 1, 1, 1).seq(1).sendEpochNanos(1));
        Map<String, Object> map = unpack(java.util.Arrays.copyOfRange(enc.buffer(), 4, n));
        assertTrue(map.containsKey("ts") && map.containsKey("seq"), map.toString());
        assertTrue(!map.containsKey("bid") && !map.containsKey("ask") && !map.containsKey("mid"), map.toString());
    }

    @Test
    void theThreeArgumentDecodeSaysTradeWithoutTouchingTheQuote() throws Exception {
        byte[] p = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 2.0, "qty", 1,
                "side", "buy", "trade_id", 9L));
        quote.set("ETHUSDT", 1, 1, 2, 1, 1, 1).seq(2);
        assertEquals(FrameType.TRADE, decoder.decode(p, p.length, quote));
        assertEquals("ETHUSDT", quote.symbol());
        assertEquals(2, quote.seq());
    }

    @Test
    void tradeMissingTradeIdIsRejectedNamingTheKey() {
        byte[] p = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 2.0, "qty", 1.0,
                "side", "buy", "agg_id", 9L));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(p, p.length, quote, new Trade()));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
        assertTrue(e.getMessage().contains("'trade_id'"), e.getMessage());
    }

    @Test
    void aggTradeMissingLastIdIsRejectedNamingTheKey() {
        byte[] p = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "agg_trade", "price", 2.0,
                "qty", 1.0, "side", "sell", "agg_id", 9L, "first_id", 1L, "last_id", NIL));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(p, p.length, quote, new Trade()));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
        assertTrue(e.getMessage().contains("'last_id'"), e.getMessage());
    }

    @Test
    void tradeWithAnUnknownSideIsBadValue() {
        byte[] p = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 2.0, "qty", 1.0,
                "side", "BUY", "trade_id", 9L));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(p, p.length, quote, new Trade()));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().contains("'side'"), e.getMessage());
    }

    @Test
    void tradeWithANonFinitePriceOrZeroSeqIsBadValue() {
        byte[] nan = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", Double.NaN,
                "qty", 1.0, "side", "buy", "trade_id", 9L));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, assertThrows(FrameFormatException.class,
                () -> decoder.decode(nan, nan.length, quote, new Trade())).reason());
        byte[] zero = pack(Map.of("seq", 0, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 1.0,
                "qty", 1.0, "side", "buy", "trade_id", 9L));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, assertThrows(FrameFormatException.class,
                () -> decoder.decode(zero, zero.length, quote, new Trade())).reason());
    }

    @Test
    void backfilledMustBeABooleanAndFalseIsNotBackfilled() throws Exception {
        byte[] text = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 2.0, "qty", 1.0,
                "side", "sell", "trade_id", 9L, "backfilled", "yes"));
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(text, text.length, quote, new Trade()));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, e.reason());
        assertTrue(e.getMessage().contains("'backfilled'"), e.getMessage());
        byte[] no = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 2.0, "qty", 1.0,
                "side", "sell", "trade_id", 9L, "backfilled", false));
        Trade t = new Trade();
        assertEquals(FrameType.TRADE, decoder.decode(no, no.length, quote, t));
        assertTrue(!t.backfilled());
    }

    @Test
    void tradeWithoutTimesHasZeroTimes() throws Exception {
        byte[] p = pack(Map.of("seq", 3, "ts", 1L, "symbol", "BTCUSDT", "type", "trade", "price", 2.0, "qty", 1.0,
                "side", "sell", "trade_id", 9L));
        Trade t = new Trade().setTrade("Y", 1, 1, Trade.Side.BUY, 1, 5, 6);
        assertEquals(FrameType.TRADE, decoder.decode(p, p.length, quote, t));
        assertEquals(0, t.tradeTimeMs());
        assertEquals(0, t.eventTimeMs());
        assertEquals(Trade.Side.SELL, t.takerSide());
    }

    @Test
    void encodingAndDecodingTradesAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        FrameEncoder enc = new FrameEncoder();
        Trade in = new Trade();
        Trade out = new Trade();
        byte[] payload = new byte[512];
        int rounds = 200_000;
        long before = 0;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up (class loading, symbol tables)
            if (pass == 1) {
                before = threads.getCurrentThreadAllocatedBytes();
            }
            for (int i = 0; i < rounds; i++) {
                if ((i & 1) == 0) {
                    in.setTrade("BTCUSDT", 61837.63 + i, 0.02, Trade.Side.SELL, 3735683259L + i, 1723161255342L,
                            1723161255343L);
                } else {
                    in.setAggTrade("ETHUSDT", 2500.5, i, Trade.Side.BUY, i, i, i + 3, 1723161255342L, 0);
                }
                int n = enc.encodeTrade(in.seq(i + 1).sendEpochNanos(i));
                System.arraycopy(enc.buffer(), 4, payload, 0, n - 4);
                decoder.decode(payload, n - 4, quote, out);
            }
        }
        long perMessage = (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
        assertEquals(0, perMessage, "bytes allocated per trade encoded and decoded");
        assertEquals(in.toString(), out.toString());
    }

    private static final Object NIL = new Object();

    static byte[] pack(Map<String, ?> map) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(map.size());
            for (Map.Entry<String, ?> e : map.entrySet()) {
                p.packString(e.getKey());
                packValue(p, e.getValue());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void packValue(MessageBufferPacker p, Object v) throws IOException {
        if (v == NIL) {
            p.packNil();
        } else if (v instanceof Integer i) {
            p.packInt(i);
        } else if (v instanceof Long l) {
            p.packLong(l);
        } else if (v instanceof Double d) {
            p.packDouble(d);
        } else if (v instanceof String s) {
            p.packString(s);
        } else if (v instanceof Boolean b) {
            p.packBoolean(b);
        } else if (v instanceof List<?> list) {
            p.packArrayHeader(list.size());
            for (Object o : list) {
                packValue(p, o);
            }
        } else {
            throw new IllegalArgumentException(String.valueOf(v));
        }
    }

    private static Map<String, Object> unpack(byte[] payload) throws IOException {
        var u = MessagePack.newDefaultUnpacker(payload);
        int n = u.unpackMapHeader();
        Map<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(u.unpackString(), u.unpackValue());
        }
        return m;
    }
}
