package eu.bborelay.bench;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.FrameType;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiver's per-frame decode: {@code FrameDecoder.decode} of a real quote frame (the golden quote of
 * docs/PROTOCOL.md as this sender encodes it, 146 bytes) into one reused {@link BookTicker}, as the receiver's
 * connection thread does. Target: at most 64 bytes allocated per message ({@code -prof gc},
 * {@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReceiverDecodeBenchmark {
    private final FrameDecoder decoder = new FrameDecoder();
    private final BookTicker quote = new BookTicker();
    private byte[] payload;
    private int length;

    @Setup
    public void encode() throws FrameFormatException {
        BookTicker q = new BookTicker().set("BTCUSDT", 61837.63, 3.78826, 61837.64, 1.54698, 50093239212L, 0)
                .seq(1).sendEpochNanos(1_723_161_254_087_891_268L);
        FrameEncoder encoder = new FrameEncoder();
        int frameLength = encoder.encodeQuote(q);
        length = frameLength - FrameDescriptor.LENGTH_FIELD_LENGTH;
        // the receiver's FrameReader keeps one payload buffer of the maximum frame length
        payload = Arrays.copyOfRange(encoder.buffer(), FrameDescriptor.LENGTH_FIELD_LENGTH,
                FrameDescriptor.LENGTH_FIELD_LENGTH + FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        if (decoder.decode(payload, length, quote) != FrameType.QUOTE || quote.updateId() != 50093239212L) {
            throw new IllegalStateException("golden frame did not decode: " + quote);
        }
    }

    @Benchmark
    public double decode() throws FrameFormatException {
        decoder.decode(payload, length, quote);
        return quote.mid();
    }
}
