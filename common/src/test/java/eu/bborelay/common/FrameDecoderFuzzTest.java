package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Fuzzes the receiver's input path: {@link FrameReader} over arbitrary bytes, then {@link FrameDecoder} on every
 * frame it yields. Property: bad input only ever raises {@link FrameFormatException} (bad length, malformed msgpack,
 * missing key, bad value) or {@link EOFException} (truncated); the decoder stays usable; a decoded quote, trade or
 * hello is complete. Any other exception, an endless loop or an allocation beyond the frame bound fails.
 *
 * <p>Normal builds run the seed corpus in {@code src/test/resources/eu/bborelay/common/FrameDecoderFuzzTestInputs}
 * (Jazzer's regression mode). A fuzzing run: {@code JAZZER_FUZZ=1 mvn -pl common test -Dtest=FrameDecoderFuzzTest} fuzzes
 * for the annotation's maxDuration (new crashing inputs land next to the seeds).
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 4096;

    @FuzzTest(maxDuration = "2m")
    void readerAndDecoderRejectBadBytesCleanly(byte[] data) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(data), MAX_FRAME);
        FrameDecoder decoder = new FrameDecoder();
        BookTicker quote = new BookTicker();
        Trade trade = new Trade();
        for (int frames = 0; frames <= data.length / 5 + 1; frames++) {
            int n;
            try {
                n = reader.read();
            } catch (FrameFormatException | EOFException e) {
                return; // a corrupt or truncated stream: the receiver closes that connection
            }
            if (n < 0) {
                return;
            }
            assertTrue(n >= 1 && n <= MAX_FRAME, "frame length " + n);
            try {
                FrameType type = decoder.decode(reader.payload(), n, quote, trade);
                if (type == FrameType.QUOTE) {
                    assertNotNull(quote.symbol(), "a decoded quote has its symbol");
                } else if (type == FrameType.TRADE) {
                    assertNotNull(trade.symbol(), "a decoded trade has its symbol");
                    assertTrue(trade.seq() >= 1 && Double.isFinite(trade.price()) && Double.isFinite(trade.qty()),
                            trade::toString);
                    assertTrue(trade.type() == Trade.Type.AGG_TRADE ? trade.tradeId() == Trade.NO_ID
                            : trade.firstTradeId() == trade.tradeId() && trade.lastTradeId() == trade.tradeId(),
                            trade::toString);
                } else if (type == FrameType.HELLO) {
                    assertNotNull(decoder.hello(), "a decoded hello is available");
                }
            } catch (FrameFormatException e) {
                assertNotNull(e.reason(), "every rejection names its reason");
            }
        }
        throw new AssertionError("more frames than the input can hold");
    }
}
