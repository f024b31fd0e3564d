package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameEncoder;
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
 * The sender's per-message path after Java-WebSocket hands over the text: {@code BookTickerParser.parse} of a real
 * Binance spot bookTicker message, then {@code FrameEncoder.encodeQuote}. In package {@code eu.bborelay.sender}
 * because the parser is package-private (no JPMS, so the split package works on the class path).
 *
 * <p>{@link #ingestParseAndEncode} allocates a new {@link BookTicker} per message as {@code QuoteIngest.onMessage}
 * does today (the quote is handed to the writer thread through a slot); {@link #parseAndEncode} reuses one, the
 * lower bound. Run with {@code -prof gc} and read {@code gc.alloc.rate.norm} (bytes per operation = per message).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SenderPathBenchmark {
    /**
     * A real message: the first bookTicker update of spot_btcusdt_...20240808T2354Z (also the golden quote of
     * docs/PROTOCOL.md), exactly as Binance sent it on the combined stream.
     */
    static final String MESSAGE = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"BTCUSDT\","
            + "\"b\":\"61837.63000000\",\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}";

    private final BookTickerParser parser = new BookTickerParser();
    private final FrameEncoder encoder = new FrameEncoder();
    private final BookTicker reused = new BookTicker();
    private long seq;

    @Setup
    public void check() {
        if (parser.parse(MESSAGE, reused) != BookTickerParser.Result.QUOTE) {
            throw new IllegalStateException("message did not parse as a quote: " + parser.invalidReason());
        }
    }

    @Benchmark
    public BookTickerParser.Result parse() {
        return parser.parse(MESSAGE, reused);
    }

    @Benchmark
    public int encode() {
        reused.seq(++seq).sendEpochNanos(1_723_161_254_087_891_268L);
        return encoder.encodeQuote(reused);
    }

    @Benchmark
    public int parseAndEncode() {
        parser.parse(MESSAGE, reused);
        reused.seq(++seq).sendEpochNanos(1_723_161_254_087_891_268L);
        return encoder.encodeQuote(reused);
    }

    @Benchmark
    public int ingestParseAndEncode() {
        BookTicker quote = new BookTicker(); // as QuoteIngest.onMessage
        parser.parse(MESSAGE, quote);
        quote.seq(++seq).sendEpochNanos(1_723_161_254_087_891_268L);
        return encoder.encodeQuote(quote);
    }
}
