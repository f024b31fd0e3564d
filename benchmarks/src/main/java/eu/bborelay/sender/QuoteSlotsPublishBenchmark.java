package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bookTicker hot path's share of the hand-over: {@code QuoteSlots.publish} of one quote and the writer's
 * {@code take} of its slot, one thread, as the sender builds the slots with depth off ({@code off}: no depth slots,
 * one producer, no lock) and on ({@code on}: depth slots, the depth relay's thread as a second producer, so every
 * publish takes the slots' uncontended monitor).
 *
 * <pre>
 * java -jar benchmarks/target/relay-benchmarks.jar QuoteSlotsPublishBenchmark -prof gc
 * </pre>
 * {@code gc.alloc.rate.norm} is the entry per quote (the quote itself is the caller's and reused here).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QuoteSlotsPublishBenchmark {
    @Param({"off", "on"})
    public String depth;

    private QuoteSlots slots;
    private final BookTicker quote = new BookTicker().set("BTCUSDT", 61837.63, 1, 61837.64, 1, 1, 0);

    @Setup(Level.Trial)
    public void setUp() {
        boolean on = depth.equals("on");
        slots = new QuoteSlots(1, on, 16, 1_000_000_000L, on ? 2 : 1, null, System::nanoTime);
        slots.backlog(true);
    }

    @Benchmark
    public Object publishAndTake() {
        slots.publish(0, quote);
        return slots.take(0);
    }
}
