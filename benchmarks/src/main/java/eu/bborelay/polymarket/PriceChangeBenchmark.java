package eu.bborelay.polymarket;

import eu.bborelay.common.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
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
 * The Polymarket client's per-message path: a {@code price_change} text frame decoded (jackson-core streaming) and
 * applied to the local book of the crossing-burst recording's opening snapshot (24 bids, 22 asks), with a listener
 * that reads the best bid. In package {@code eu.bborelay.polymarket} because the handler is package-private.
 *
 * <p>Each operation applies one frame; consecutive operations alternate between a frame that inserts a level and
 * one that removes it again (size 0), so the book stays in steady state. Sample mode: read {@code p0.50} (the
 * median) per operation, and with {@code -prof gc} {@code gc.alloc.rate.norm} (bytes per frame).
 * <ul>
 *   <li>{@link #oneLevelPriceChange}: a frame with one entry (the target: median &le; 2 µs);</li>
 *   <li>{@link #recordedPriceChange}: the recording's second frame, two entries (YES and NO mirrored), as recorded;</li>
 *   <li>{@link #bookLevelOnly}: the book update alone, without decoding.</li>
 * </ul>
 * Needs the recorded data ({@code shared/data/polymarket}, or {@code RELAY_DATA_DIR}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PriceChangeBenchmark {
    static final String YES = "76670567130917723816490572615540605537878462672464291990940067659127658071111";
    static final String NO = "54179564009642723353355316176091991063553046330768303687769988635499280029688";

    private MarketChannelHandler handler;
    private OrderBook yesBook;
    private String[] oneLevel;
    private String[] recorded;
    private long bestBidSeen;
    private int n;

    @Setup
    public void setUp() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.dataDir().resolve("polymarket")
                .resolve("nautilus_polymarket_market-channel_book+price_change_crossing-burst_20260929.jsonl"),
                StandardCharsets.UTF_8);
        handler = new MarketChannelHandler(new MarketListener() {
            @Override
            public void onBook(String assetId, BookView book) {
                bestBidSeen = book.bestBid();
            }
        }, new PolymarketStats());
        AssetTable.Asset yes = new AssetTable.Asset(YES);
        handler.assets(new AssetTable(List.of(yes, new AssetTable.Asset(NO))));
        yesBook = yes.book;
        handler.connected();
        handler.onText(lines.get(0), 1L);
        // NO's book: the YES book mirrored is not needed for the one-level frames; give it an empty snapshot
        handler.onText("{\"market\":\"0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01\",\"asset_id\":\""
                + NO + "\",\"timestamp\":\"1790658661234\",\"bids\":[],\"asks\":[],\"event_type\":\"book\"}", 1L);
        String second = lines.get(1);
        // the recorded frame's first entry alone (YES BUY 0.301 x 1000, as sent), and its removal
        int start = second.indexOf("[{") + 1;
        int end = second.indexOf("},{", start) + 1;
        String entry = second.substring(start, end);
        String head = second.substring(0, start);
        String tail = second.substring(second.indexOf("}],", end) + 1);
        oneLevel = new String[] {head + entry + tail, head + entry.replace("\"size\":\"1000\"", "\"size\":\"0\"") + tail};
        recorded = new String[] {second, second.replace("\"size\":\"1000\"", "\"size\":\"0\"")};
        for (String s : oneLevel) {
            check(s);
        }
        for (String s : recorded) {
            check(s);
        }
    }

    private void check(String frame) {
        long before = yesBook.changes();
        handler.onText(frame, 1L);
        if (yesBook.changes() != before + 1 || !yesBook.synced()) {
            throw new IllegalStateException("frame not applied: " + frame);
        }
    }

    @Benchmark
    public long oneLevelPriceChange() {
        handler.onText(oneLevel[n++ & 1], 1L);
        return bestBidSeen;
    }

    @Benchmark
    public long recordedPriceChange() {
        handler.onText(recorded[n++ & 1], 1L);
        return bestBidSeen;
    }

    @Benchmark
    public long bookLevelOnly() {
        OrderBook b = yesBook;
        b.beginChange();
        b.set(true, 301_000, (n++ & 1) == 0 ? 1_000_000_000L : 0);
        b.endChange();
        return b.bestBid();
    }
}
