package eu.bborelay.sender;

import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.Trade;
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
 * The sender's per-trade path: {@code TradeParser.parse} of a real Binance spot trade message, the hand-over through
 * the {@code TradeQueue} (offer, then poll into the writer's instance), and {@code FrameEncoder.encodeTrade}. Same
 * shape as {@link SenderPathBenchmark}; run with {@code -prof gc} and read {@code gc.alloc.rate.norm} (bytes per
 * trade).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TradePathBenchmark {
    /** The first trade of spot_btcusdt_...20240808T2354Z (also the golden trade of docs/PROTOCOL.md). */
    static final String MESSAGE = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161255343,"
            + "\"s\":\"BTCUSDT\",\"t\":3735683259,\"p\":\"61837.63000000\",\"q\":\"0.02000000\",\"T\":1723161255342,"
            + "\"m\":true,\"M\":true}}";

    private final TradeParser parser = new TradeParser();
    private final FrameEncoder encoder = new FrameEncoder();
    private final TradeQueue queue = new TradeQueue(1024);
    private final Trade parsed = new Trade();
    private final Trade taken = new Trade();
    private long seq;

    @Setup
    public void check() {
        if (parser.parse(MESSAGE, parsed) != TradeParser.Result.TRADE) {
            throw new IllegalStateException("message did not parse as a trade: " + parser.invalidReason());
        }
    }

    @Benchmark
    public TradeParser.Result parse() {
        return parser.parse(MESSAGE, parsed);
    }

    @Benchmark
    public boolean handOver() {
        queue.offer(parsed.seq(++seq));
        return queue.poll(Long.MAX_VALUE, taken);
    }

    @Benchmark
    public int parseHandOverAndEncode() {
        parser.parse(MESSAGE, parsed);
        queue.offer(parsed.seq(++seq));
        queue.poll(Long.MAX_VALUE, taken);
        taken.sendEpochNanos(1_723_161_254_088_012_345L);
        return encoder.encodeTrade(taken);
    }
}
