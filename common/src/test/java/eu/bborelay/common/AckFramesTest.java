package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protocol 2's frames (docs/PROTOCOL.md, "Acknowledgements and resend"): exact bytes of {@code ack}, {@code resume}
 * and a hello with {@code acked}, built by hand from the msgpack spec (fixmap, fixstr, positive fixint, uint16,
 * uint32), and the compatibility rules: a protocol-1 hello has no {@code acked}.
 */
class AckFramesTest {
    /** {type:"ack", seq:70000}. */
    static final String ACK = "0000001382a474797065a361636ba3736571ce00011170";
    /** {type:"resume", seq:0}. */
    static final String RESUME = "0000001282a474797065a6726573756d65a373657100";
    /**
     * {type:"hello", session:"0123456789abcdef", proto:2, symbols:["BTCUSDT"], last_seq:1500,
     * sender:"bbo-relay-sender/test", acked:1400}.
     */
    static final String HELLO_2 = "0000006f87a474797065a568656c6c6fa773657373696f6eb030313233343536373839616263646566"
            + "a570726f746f02a773796d626f6c7391a742544355534454a86c6173745f736571cd05dca673656e646572b562626f2d7265"
            + "6c61792d73656e6465722f74657374a561636b6564cd0578";

    private final FrameEncoder encoder = new FrameEncoder();
    private final FrameDecoder decoder = new FrameDecoder();

    @Test
    void encodesAckAndResumeExactly() {
        assertEquals(ACK, HexFormat.of().formatHex(encoder.buffer(), 0, encoder.encodeAck(70_000)));
        assertEquals(RESUME, HexFormat.of().formatHex(encoder.buffer(), 0, encoder.encodeResume(0)));
    }

    @Test
    void decodesAckAndResume() throws Exception {
        assertEquals(FrameType.ACK, decode(ACK));
        assertEquals(70_000, decoder.controlSeq());
        assertEquals(FrameType.RESUME, decode(RESUME));
        assertEquals(0, decoder.controlSeq());
    }

    @Test
    void helloOfProtocol2CarriesAcked() throws Exception {
        Hello hello = new Hello("0123456789abcdef", 2, List.of("BTCUSDT"), 1500, "bbo-relay-sender/test", 1400);
        assertEquals(HELLO_2, HexFormat.of().formatHex(encoder.buffer(), 0, encoder.encodeHello(hello)));
        assertEquals(FrameType.HELLO, decode(HELLO_2));
        assertEquals(hello, decoder.hello());
        assertTrue(decoder.hello().acknowledged());
    }

    @Test
    void helloWithoutAckedIsProtocol1() throws Exception {
        Hello old = new Hello("s", 1, List.of("BTCUSDT"), 7, "x");
        int n = encoder.encodeHello(old);
        assertEquals(FrameType.HELLO, decoder.decode(Arrays.copyOfRange(encoder.buffer(), 4, n), n - 4,
                new BookTicker()));
        assertEquals(Hello.NO_ACKED_SEQ, decoder.hello().ackedSeq());
        assertFalse(decoder.hello().acknowledged());
        assertEquals(6, encoder.buffer()[4] & 0x0f, "six keys, as protocol 1 always wrote");
    }

    @Test
    void ackWithoutSeqIsMissingKey() {
        byte[] payload = HexFormat.of().parseHex("81a474797065a361636b");
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> decoder.decode(payload, payload.length, new BookTicker()));
        assertEquals(FrameFormatException.Reason.MISSING_KEY, e.reason());
    }

    private FrameType decode(String hex) throws Exception {
        byte[] frame = HexFormat.of().parseHex(hex);
        byte[] payload = Arrays.copyOfRange(frame, 4, frame.length);
        return decoder.decode(payload, payload.length, new BookTicker());
    }
}
