package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The feed-outage control frame (docs/PROTOCOL.md, "Feed outages"): exact bytes, built by hand from the msgpack spec
 * (fixmap, fixstr, uint64), its decoding and validation, and that a decoder with more than 32 keys still tracks the
 * required ones.
 */
class FeedOutageFrameTest {
    /**
     * {type:"outage", symbol:"BTCUSDT", from_ms:1764676800000, to_ms:1764676803500, reason:"sender_restart"}; the
     * golden frame of docs/PROTOCOL.md.
     */
    static final String OUTAGE = "0000005285a474797065a66f7574616765a673796d626f6ca742544355534454a766726f6d5f6d73"
            + "cf0000019adeef0e00a5746f5f6d73cf0000019adeef1baca6726561736f6eae73656e6465725f72657374617274";

    private final FrameEncoder encoder = new FrameEncoder();
    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void encodesTheGoldenFrameExactly() {
        int n = encoder.encodeFeedOutage("BTCUSDT", 1764676800000L, 1764676803500L,
                FrameDescriptor.REASON_SENDER_RESTART);
        assertEquals(OUTAGE, HexFormat.of().formatHex(encoder.buffer(), 0, n));
    }

    @Test
    void decodesIt() throws Exception {
        assertEquals(FrameType.FEED_OUTAGE, decode(OUTAGE));
        assertEquals("BTCUSDT", decoder.outageSymbol());
        assertEquals(1764676800000L, decoder.outageFromMs());
        assertEquals(1764676803500L, decoder.outageToMs());
        assertSame(FrameDescriptor.REASON_SENDER_RESTART, decoder.outageReason());
    }

    @Test
    void roundTripsABinanceReconnect() throws Exception {
        int n = encoder.encodeFeedOutage("ETHUSDT", 5, 5, FrameDescriptor.REASON_BINANCE_RECONNECT);
        byte[] payload = Arrays.copyOfRange(encoder.buffer(), 4, n);
        assertEquals(FrameType.FEED_OUTAGE, decoder.decode(payload, payload.length, new BookTicker()));
        assertEquals("ETHUSDT", decoder.outageSymbol());
        assertEquals(5, decoder.outageFromMs());
        assertEquals(5, decoder.outageToMs());
        assertSame(FrameDescriptor.REASON_BINANCE_RECONNECT, decoder.outageReason());
    }

    @Test
    void missingToMsIsMissingKey() {
        // {type:"outage", symbol:"X", from_ms:1}
        byte[] payload = HexFormat.of().parseHex("83a474797065a66f7574616765a673796d626f6ca158a766726f6d5f6d7301");
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(payload, payload.length, new BookTicker()));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
        assertEquals(true, e.getMessage().contains("'to_ms'"), e.getMessage());
    }

    @Test
    void backwardsSpanIsBadValue() {
        // {type:"outage", symbol:"X", from_ms:2, to_ms:1}
        byte[] payload = HexFormat.of().parseHex(
                "84a474797065a66f7574616765a673796d626f6ca158a766726f6d5f6d7302a5746f5f6d7301");
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(payload, payload.length, new BookTicker()));
        assertEquals(FrameFormatException.Reason.BAD_VALUE, e.reason());
    }

    @Test
    void encoderRefusesABackwardsSpan() {
        assertThrows(IllegalArgumentException.class, () -> encoder.encodeFeedOutage("X", 2, 1, "x"));
    }

    @Test
    void aQuoteStillNeedsItsKeysWithTheWiderKeyMask() {
        // a quote frame with from_ms (key index above 31) but no bid: still MISSING_KEY for 'bid'
        // {seq:1, ts:1, symbol:"X", ask:1.0, from_ms:1}
        byte[] payload = HexFormat.of().parseHex("85a373657101a2747301a673796d626f6ca158a361736b01a766726f6d5f6d7301");
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(payload, payload.length, new BookTicker()));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
        assertEquals(true, e.getMessage().contains("'bid'"), e.getMessage());
    }

    private FrameType decode(String hex) throws Exception {
        byte[] frame = HexFormat.of().parseHex(hex);
        byte[] payload = Arrays.copyOfRange(frame, 4, frame.length);
        return decoder.decode(payload, payload.length, new BookTicker());
    }
}
