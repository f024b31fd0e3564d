package eu.bborelay.depth;

import eu.bborelay.common.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Applying a 20-level depth diff to a book of 5,000 levels per side (issue 11 target: at most 2 µs median, no
 * allocation per level).
 *
 * <p>The book: 5,000 bids below 60,000.00 and 5,000 asks above 60,000.01, gaps of 1 to 5 ticks of 0.01 (BTCUSDT spot
 * at limit 5000 spans a few percent). A diff has 10 bid and 10 ask levels at distinct positions, half in the top 100
 * levels, half anywhere in the 5,000; each level is, in equal shares, a quantity change, a removal, or a new price
 * between two levels. Diffs come in pairs, the second undoing the first, so the book stays at 5,000 levels per side
 * (steady state). 512 pairs are cycled.
 *
 * <ul>
 *   <li>{@link #applyDiff}: {@code OrderBook.apply} of one diff, the level work alone.</li>
 *   <li>{@link #onEvent}: {@code DepthBook.onEvent} of one spot diff with consecutive update ids: sequence check,
 *       apply, crossed check, listener.</li>
 *   <li>{@link #parseAndOnEvent}: the same from the diff's JSON text as Binance sends it on the combined stream
 *       ({@code DepthParser.parseEvent} then {@code onEvent}).</li>
 *   <li>{@link #replaySpotDiff}: the real diffs of {@code spot_btcusdt_..._20240808T2354Z} (the 3,449
 *       {@code @depth@100ms} events after its snapshot, 36 levels on average, pre-parsed and checked in sync by a
 *       {@code DepthBook} at setup) applied in order with {@code OrderBook.apply}, one event per operation; after the
 *       last event the book is reloaded from the recording's snapshot inside that operation (one outlier in 3,450,
 *       invisible in the median). The level work on Binance's real mix of levels.</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per diff.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DepthApplyBenchmark {
    static final int LEVELS = 5000;
    static final int PAIRS = 512;
    static final long TICK = 1_000_000L; // 0.01 at scale 8

    private OrderBook book;
    private DepthBook depthBook;
    private final DepthParser parser = new DepthParser();
    private final DepthEvent parsed = new DepthEvent();
    private DepthEvent[] diffs;
    private String[] jsons;
    private int next;
    private long updateId;
    private OrderBook replayBook;
    private DepthSnapshot replaySnapshot;
    private DepthEvent[] replayEvents;

    @Setup(Level.Trial)
    public void setUp() {
        Random rnd = new Random(11);
        long[] bidPrices = new long[LEVELS];
        long[] askPrices = new long[LEVELS];
        long p = 6_000_000_000_000L;
        for (int i = 0; i < LEVELS; i++) {
            bidPrices[i] = p;
            p -= TICK * (1 + rnd.nextInt(5));
        }
        p = 6_000_001_000_000L;
        for (int i = 0; i < LEVELS; i++) {
            askPrices[i] = p;
            p += TICK * (1 + rnd.nextInt(5));
        }
        long[] bidQty = new long[LEVELS];
        long[] askQty = new long[LEVELS];
        DepthSnapshot snapshot = new DepthSnapshot();
        for (int i = 0; i < LEVELS; i++) {
            bidQty[i] = 1_000 + rnd.nextInt(100_000_000);
            askQty[i] = 1_000 + rnd.nextInt(100_000_000);
            snapshot.bids.add(bidPrices[i], bidQty[i]);
            snapshot.asks.add(askPrices[i], askQty[i]);
        }
        snapshot.set(1_000, DepthEvent.ABSENT, DepthEvent.ABSENT);
        book = new OrderBook(8, 8, LEVELS);
        book.load(snapshot);
        depthBook = new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", 8, 8, b -> { }, DepthBookListener.NO_OP);
        depthBook.onSnapshot(snapshot);
        updateId = 1_000;

        List<DepthEvent> list = new ArrayList<>();
        for (int pair = 0; pair < PAIRS; pair++) {
            DepthEvent forward = new DepthEvent();
            DepthEvent back = new DepthEvent();
            forward.symbol = "BTCUSDT";
            back.symbol = "BTCUSDT";
            fill(rnd, bidPrices, bidQty, forward.bids, back.bids, true);
            fill(rnd, askPrices, askQty, forward.asks, back.asks, false);
            list.add(forward);
            list.add(back);
        }
        diffs = list.toArray(new DepthEvent[0]);
        jsons = new String[diffs.length];
        for (int i = 0; i < diffs.length; i++) {
            jsons[i] = json(diffs[i]);
        }
        loadRecording();
    }

    private void loadRecording() {
        DepthParser p = new DepthParser();
        List<DepthEvent> events = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                SharedData.binance(SharedData.SPOT_BTCUSDT_20240808))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String json = line.substring(line.indexOf(' ') + 1);
                if (!json.contains("\"stream\"")) {
                    replaySnapshot = new DepthSnapshot();
                    if (!p.parseSnapshot(json, replaySnapshot)) {
                        throw new IllegalStateException(p.error());
                    }
                } else if (json.contains("@depth")) {
                    DepthEvent e = new DepthEvent();
                    if (p.parseEvent(json, e) != DepthParser.Result.DEPTH_UPDATE) {
                        throw new IllegalStateException(p.error());
                    }
                    events.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // keep the events a DepthBook applies after the snapshot, and check they keep it in sync
        DepthBook check = new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", 8, 8, b -> { }, DepthBookListener.NO_OP);
        check.onSnapshot(replaySnapshot);
        List<DepthEvent> applied = new ArrayList<>();
        for (DepthEvent e : events) {
            long before = check.eventsApplied();
            check.onEvent(e);
            if (check.eventsApplied() > before) {
                applied.add(e);
            }
        }
        if (check.breaks() != 0 || applied.size() < 3400) {
            throw new IllegalStateException("recording did not replay in sync: " + check + " " + applied.size());
        }
        replayEvents = applied.toArray(new DepthEvent[0]);
        replayBook = new OrderBook(8, 8, LEVELS);
        System.out.println("replaySpotDiff: " + replayEvents.length + " events");
    }

    private static void fill(Random rnd, long[] prices, long[] qtys, Levels forward, Levels back, boolean bids) {
        boolean[] used = new boolean[LEVELS];
        for (int n = 0; n < 10; n++) {
            int i;
            do {
                i = rnd.nextBoolean() ? rnd.nextInt(100) : rnd.nextInt(LEVELS - 1);
            } while (used[i] || used[i + 1]);
            used[i] = true;
            used[i + 1] = true;
            switch (rnd.nextInt(3)) {
                case 0 -> { // quantity change
                    forward.add(prices[i], qtys[i] + 1);
                    back.add(prices[i], qtys[i]);
                }
                case 1 -> { // removal
                    forward.add(prices[i], 0);
                    back.add(prices[i], qtys[i]);
                }
                default -> { // new level between i and i + 1 (one unit of 1e-8 further from the top)
                    long price = bids ? prices[i] - 1 : prices[i] + 1;
                    forward.add(price, 12_345);
                    back.add(price, 0);
                }
            }
        }
    }

    private static String json(DepthEvent e) {
        StringBuilder sb = new StringBuilder("{\"stream\":\"btcusdt@depth@100ms\",\"data\":{\"e\":\"depthUpdate\","
                + "\"E\":1723161255208,\"s\":\"BTCUSDT\",\"U\":0,\"u\":0,\"b\":[");
        levels(sb, e.bids);
        sb.append("],\"a\":[");
        levels(sb, e.asks);
        return sb.append("]}}").toString();
    }

    private static void levels(StringBuilder sb, Levels l) {
        for (int i = 0; i < l.count(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("[\"").append(Decimals.toString(l.price(i), 8)).append("\",\"")
                    .append(Decimals.toString(l.quantity(i), 8)).append("\"]");
        }
    }

    @Benchmark
    public int applyDiff() {
        DepthEvent e = diffs[next];
        next = (next + 1) & (2 * PAIRS - 1);
        book.apply(e.bids, e.asks);
        return book.bids().size();
    }

    @Benchmark
    public long onEvent() {
        DepthEvent e = diffs[next];
        next = (next + 1) & (2 * PAIRS - 1);
        e.firstUpdateId = updateId + 1;
        updateId += 20;
        e.finalUpdateId = updateId;
        depthBook.onEvent(e);
        return depthBook.updateId();
    }

    @Benchmark
    public long parseAndOnEvent() {
        String text = jsons[next];
        next = (next + 1) & (2 * PAIRS - 1);
        parser.parseEvent(text, parsed);
        parsed.firstUpdateId = updateId + 1;
        updateId += 20;
        parsed.finalUpdateId = updateId;
        depthBook.onEvent(parsed);
        return depthBook.updateId();
    }

    private int replayNext;

    @Benchmark
    public int replaySpotDiff() {
        if (replayNext == 0) {
            replayBook.load(replaySnapshot);
        }
        DepthEvent e = replayEvents[replayNext];
        replayNext = replayNext + 1 == replayEvents.length ? 0 : replayNext + 1;
        replayBook.apply(e.bids, e.asks);
        return replayBook.bids().size();
    }

    /** Fails the trial if a diff broke the book (the benchmark would then measure an empty book). */
    @org.openjdk.jmh.annotations.TearDown(Level.Trial)
    public void check() {
        if (!depthBook.isSynced() || depthBook.book().bids().size() < LEVELS - 20) {
            throw new IllegalStateException("benchmark book broke: " + depthBook + " " + depthBook.breaksByReason());
        }
    }
}
