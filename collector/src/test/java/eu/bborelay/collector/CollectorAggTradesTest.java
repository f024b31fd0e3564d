package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyExtension;
import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.replay.Withhold;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderConfig;
import eu.bborelay.sender.SenderStats;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance run with aggTrades (issue 9): a recording with {@code @aggTrade} streams through binance-replay →
 * sender with {@code INCLUDE_AGG_TRADES=true} → collector → s3proxy, read back with DuckDB. The bbo and agg trade rows
 * in S3 equal the recording's bookTicker updates and aggTrades, each (symbol, update id) and (symbol, agg id) exactly
 * once, with the recording's first and last trade ids. USD-M: the cryptofeed capture of four symbols (no recording in
 * ../shared/data has trades on COIN-M); COIN-M: the same capture rewritten into COIN-M's shape here (symbols
 * {@code SUSHIUSD_PERP}, ...), so that a symbol with {@code _} crosses the relay into a partition folder.
 */
class CollectorAggTradesTest {
    private static final Pattern BOOK_TICKER = Pattern.compile("\"stream\":\"[a-z0-9_]+@bookTicker\".*?\"u\":(\\d+)"
            + ".*?\"s\":\"([A-Z0-9_]+)\"");
    private static final Pattern AGG_TRADE = Pattern.compile("\"stream\":\"[a-z0-9_]+@aggTrade\".*?\"a\":(\\d+),"
            + "\"s\":\"([A-Z0-9_]+)\".*?\"f\":(\\d+),\"l\":(\\d+)");
    private static final Pattern STREAM_SYMBOL = Pattern.compile("\"stream\":\"([a-z0-9_]+)@bookTicker\"");
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void everyBookTickerAndAggTradeOfTheUsdmRecordingLandsInS3ExactlyOnce() throws Exception {
        Path usdm = SharedData.binance(SharedData.USDM_4SYMBOLS_20210722);
        Expected e = acceptance(usdm, "usdm");
        assertEquals(613, e.bookTickers.size());
        assertEquals(91, e.aggTrades.size());
    }

    @Test
    @Timeout(120)
    void anAggTradeWithheldFromTheStreamIsRecordedOnceMarkedBackfilled() throws Exception {
        Path usdm = SharedData.binance(SharedData.USDM_4SYMBOLS_20210722);
        long withheld = Expected.of(usdm).aggTrades.stream().filter(t -> t.startsWith("CTKUSDT "))
                .mapToLong(t -> Long.parseLong(t.split(" ")[1])).sorted().skip(10).findFirst().orElseThrow();
        Path bucket = acceptance(usdm, "withheld", Withhold.aggTrade("CTKUSDT", withheld));
        try (Duck duck = new Duck()) {
            String agg = Duck.hive(bucket.resolve("collector/binance/agg_trades"));
            assertEquals(List.of(List.of("CTKUSDT", withheld)), duck.rows("SELECT symbol, agg_id FROM " + agg
                    + " WHERE backfilled"), "the withheld aggTrade, fetched from REST");
            assertEquals(List.of(List.of(true)), duck.rows("SELECT bool_and(event_ts IS NULL) FROM " + agg
                    + " WHERE backfilled"), "REST gives no event time");
        }
    }

    @Test
    @Timeout(120)
    void everyBookTickerAndAggTradeOfACoinMarginedRecordingLandsInS3ExactlyOnce() throws Exception {
        Path coinm = coinMargined(SharedData.binance(SharedData.USDM_4SYMBOLS_20210722),
                dir.resolve("coinm_4symbols_bookTicker-aggTrade.ndjson.gz"));
        Expected e = acceptance(coinm, "coinm");
        assertEquals(613, e.bookTickers.size());
        assertEquals(91, e.aggTrades.size());
        assertTrue(e.symbols.contains("sushiusd_perp"), e.symbols.toString());
    }

    /** Runs the recording through the collection pair into bucket {@code name} and checks S3 against it. */
    private Expected acceptance(Path recording, String name) throws Exception {
        Expected expected = Expected.of(recording);
        Path bucket = acceptance(recording, name, null);
        try (Duck duck = new Duck()) {
            String agg = Duck.hive(bucket.resolve("collector/binance/agg_trades"));
            assertEquals(0, duck.count("SELECT count(*) FROM " + agg + " WHERE backfilled"), "nothing withheld");
        }
        return expected;
    }

    /**
     * The acceptance run, the replay withholding {@code withhold} (null: nothing) from its stream but not from its REST
     * {@code aggTrades}, so the sender backfills it; returns the downloaded bucket folder.
     */
    private Path acceptance(Path recording, String name, Withhold withhold) throws Exception {
        Expected expected = Expected.of(recording);
        S3.client().createBucket(b -> b.bucket(name));
        Path data = dir.resolve(name + "-data");
        Collector collector = Collector.start(CollectorFixture.receiverConfig(), CollectorFixture.recorder(data),
                CollectorFixture.uploader(data, S3.server(), name), Duration.ofSeconds(30));
        SenderStats sent;
        BinanceReplayServer.Builder replayBuilder = BinanceReplayServer.builder().recording(recording).speed(0);
        if (withhold != null) {
            replayBuilder.withhold(withhold);
        }
        BinanceReplayServer replay = replayBuilder.build();
        replay.start();
        SenderConfig.Builder senderConfig = CollectorFixture.sender(replay, collector.receiver().port())
                .symbols(String.join(",", expected.symbols))
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.AGG_TRADE)); // INCLUDE_AGG_TRADES=true
        if (withhold != null) {
            senderConfig.binanceRestUrl(replay.restBaseUri() + "/fapi/v1/exchangeInfo");
        }
        try (replay; Sender sender = Sender.start(senderConfig.build())) {
            Await.until("every bbo and agg trade row recorded", WAIT,
                    () -> rows(collector, "binance/bbo") == expected.bookTickers.size()
                            && rows(collector, "binance/agg_trades") == expected.aggTrades.size(),
                    () -> sender.stats() + " / " + collector.recorder().stats());
            sent = sender.stats();
        } finally {
            collector.close();
        }
        assertEquals(expected.bookTickers.size() + expected.aggTrades.size(), sent.taken(), sent.toString());
        assertEquals(0, sent.dropped() + sent.conflated(), sent.toString());
        assertEquals(0, collector.gaps());
        assertEquals(0, collector.uploader().pendingFiles(), "uploaded at shutdown");

        Path bucket = dir.resolve(name + "-bucket");
        List<String> keys = CollectorFixture.download(S3.client(), name, bucket);
        for (String k : keys) {
            assertTrue(k.matches("collector/binance/(bbo|agg_trades)/symbol=[A-Z0-9_]+/date=\\d{4}-\\d\\d-\\d\\d/"
                    + "hour=\\d\\d/data_\\d{3}\\.parquet"), k);
        }
        try (Duck duck = new Duck()) {
            String bbo = Duck.hive(bucket.resolve("collector/binance/bbo"));
            assertEquals(List.of(List.of((long) expected.bookTickers.size(), (long) expected.bookTickers.size(),
                    (long) expected.bookTickers.size())), duck.rows("SELECT count(*), count(DISTINCT (symbol,"
                    + " update_id)), count(exch_ts) FROM " + bbo), "USD-M and COIN-M bookTickers carry E");
            assertEquals(expected.bookTickers, strings(duck, "SELECT symbol || ' ' || update_id FROM " + bbo));
            String agg = Duck.hive(bucket.resolve("collector/binance/agg_trades"));
            assertEquals(List.of(List.of((long) expected.aggTrades.size(), (long) expected.aggTrades.size())),
                    duck.rows("SELECT count(*), count(DISTINCT (symbol, agg_id)) FROM " + agg));
            assertEquals(expected.aggTrades, strings(duck, "SELECT symbol || ' ' || agg_id || ' ' || first_id || ' '"
                    + " || last_id FROM " + agg));
            assertEquals(0, duck.count("SELECT count(*) FROM " + agg + " WHERE NOT (price > 0 AND qty > 0"
                    + " AND side IN ('buy', 'sell') AND exch_ts <= event_ts)"));
        }
        return bucket;
    }

    private static long rows(Collector c, String table) {
        return c.recorder().stats().table(table).rowsWritten();
    }

    private static TreeSet<String> strings(Duck duck, String sql) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (List<Object> row : duck.rows(sql)) {
            out.add((String) row.get(0));
        }
        return out;
    }

    /** What the recording holds: "SYMBOL updateId" and "SYMBOL aggId firstId lastId", and its stream symbols. */
    private record Expected(TreeSet<String> bookTickers, TreeSet<String> aggTrades, TreeSet<String> symbols) {
        static Expected of(Path recording) throws Exception {
            Expected e = new Expected(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
            int lines = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(recording)), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher b = BOOK_TICKER.matcher(line);
                    Matcher a = AGG_TRADE.matcher(line);
                    Matcher s = STREAM_SYMBOL.matcher(line);
                    if (b.find()) {
                        e.bookTickers.add(b.group(2) + " " + b.group(1));
                        lines++;
                    } else if (a.find()) {
                        e.aggTrades.add(a.group(2) + " " + a.group(1) + " " + a.group(3) + " " + a.group(4));
                        lines++;
                    }
                    if (s.find()) {
                        e.symbols.add(s.group(1));
                    }
                }
            }
            assertEquals(lines, e.bookTickers.size() + e.aggTrades.size(), "no id twice in the recording itself");
            return e;
        }
    }

    /**
     * The recording in COIN-M's shape ({@code dstream.binance.com}): every {@code XXXUSDT} symbol becomes
     * {@code XXXUSD_PERP} in the stream names and the {@code s} fields; everything else unchanged.
     */
    private static Path coinMargined(Path usdm, Path out) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(usdm)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line.replaceAll("\"stream\":\"([a-z0-9]+)usdt@", "\"stream\":\"$1usd_perp@")
                        .replaceAll("\"s\":\"([A-Z0-9]+)USDT\"", "\"s\":\"$1USD_PERP\""));
            }
        }
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(out)), StandardCharsets.UTF_8))) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
        return out;
    }
}
