package eu.bborelay.recording;

import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.SharedData;
import eu.bborelay.recording.BinanceTables.Bbo;
import eu.bborelay.recording.BinanceTables.Trades;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real capture across UTC midnight (spot BTCUSDT, 2024-08-08T23:54Z then 2024-08-09T00:00Z, one continuous
 * recording) written as bbo and trade rows with the capture's receive times, the clock following them: every
 * bookTicker update id and every trade id lands exactly once, in the partition of its receive time.
 */
class RealRecordingTest {
    static final Pattern BOOK = Pattern.compile(
            "\"u\":(\\d+),\"s\":\"(\\w+)\",\"b\":\"([\\d.]+)\",\"B\":\"([\\d.]+)\",\"a\":\"([\\d.]+)\",\"A\":\"([\\d.]+)\"");
    static final Pattern TRADE = Pattern.compile("\"E\":(\\d+),\"s\":\"(\\w+)\",\"t\":(\\d+),\"p\":\"([\\d.]+)\","
            + "\"q\":\"([\\d.]+)\",\"T\":(\\d+),\"m\":(true|false)");

    @TempDir
    Path dir;

    @Test
    void theMidnightCaptureLandsExactlyOnceInTheRightPartitions() throws Exception {
        List<Path> files = List.of(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808),
                SharedData.binance("spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz"));
        MutableClock clock = new MutableClock(Instant.parse("2024-08-08T23:54:00Z"));
        List<Path> closed = new ArrayList<>();
        long bbos = 0;
        long trades = 0;
        try (Recorder r = Recorder.open(RecorderConfig.defaults(dir).withClock(clock),
                List.of(BinanceTables.BBO, BinanceTables.TRADES), (f, b) -> closed.add(f))) {
            Row bbo = new Row(BinanceTables.BBO);
            Row trade = new Row(BinanceTables.TRADES);
            long seq = 0;
            for (Path file : files) {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        long recvTs = Long.parseLong(line.substring(0, line.indexOf(' ')));
                        clock.set(Instant.ofEpochSecond(0, recvTs));
                        if (line.contains("@bookTicker\"")) {
                            Matcher m = BOOK.matcher(line);
                            assertTrue(m.find(), line);
                            bbo.clear().setLong(Bbo.RECV_TS, recvTs).setString(Bbo.SYMBOL, m.group(2))
                                    .setDouble(Bbo.BID, Double.parseDouble(m.group(3)))
                                    .setDouble(Bbo.BID_QTY, Double.parseDouble(m.group(4)))
                                    .setDouble(Bbo.ASK, Double.parseDouble(m.group(5)))
                                    .setDouble(Bbo.ASK_QTY, Double.parseDouble(m.group(6)))
                                    .setLong(Bbo.UPDATE_ID, Long.parseLong(m.group(1))).setLong(Bbo.SEQ, ++seq)
                                    .setLong(Bbo.SEND_TS, recvTs - 3_500_000);
                            assertTrue(r.append(bbo));
                            bbos++;
                        } else if (line.contains("@trade\"")) {
                            Matcher m = TRADE.matcher(line);
                            assertTrue(m.find(), line);
                            trade.clear().setLong(Trades.RECV_TS, recvTs).setString(Trades.SYMBOL, m.group(2))
                                    .setLong(Trades.EVENT_TS, Long.parseLong(m.group(1)))
                                    .setLong(Trades.TRADE_ID, Long.parseLong(m.group(3)))
                                    .setDouble(Trades.PRICE, Double.parseDouble(m.group(4)))
                                    .setDouble(Trades.QTY, Double.parseDouble(m.group(5)))
                                    .setLong(Trades.EXCH_TS, Long.parseLong(m.group(6)))
                                    .setString(Trades.SIDE, m.group(7).equals("true") ? "sell" : "buy")
                                    .setLong(Trades.SEQ, ++seq).setLong(Trades.SEND_TS, recvTs - 3_500_000);
                            assertTrue(r.append(trade));
                            trades++;
                        }
                        if ((bbos + trades) % 1000 == 0) {
                            r.maintain();
                        }
                    }
                }
            }
            assertEquals(2, closed.size(), "hour 23 of both tables closed after midnight plus the grace: " + closed);
        }
        assertEquals(73_174, bbos);
        assertEquals(19_904, trades);
        try (Duck duck = new Duck()) {
            String b = Duck.hive(dir.resolve("binance/bbo"));
            assertEquals(List.of(List.of(73_174L, 73_174L)), duck.rows("SELECT count(*), count(DISTINCT update_id) FROM "
                    + b));
            // hour=00..09 are not canonical integers: DuckDB infers VARCHAR unless told (docs/RECORDING.md)
            String typed = "read_parquet('" + dir.resolve("binance/bbo").toAbsolutePath() + "/**/*.parquet',"
                    + " hive_partitioning = true, hive_types = {'symbol': VARCHAR, 'date': DATE, 'hour': INTEGER})";
            assertEquals(List.of(List.of("2024-08-08", 23, 28_040L), List.of("2024-08-09", 0, 45_134L)),
                    duck.rows("SELECT CAST(date AS VARCHAR), hour, count(*) FROM " + typed
                            + " WHERE symbol = 'BTCUSDT' GROUP BY ALL ORDER BY 1"));
            assertEquals(28_040, duck.count("SELECT count(*) FROM " + typed
                    + " WHERE date = DATE '2024-08-08' AND hour = 23"));
            String t = Duck.hive(dir.resolve("binance/trades"));
            assertEquals(List.of(List.of(19_904L, 19_904L, 19_903L)), duck.rows("SELECT count(*),"
                    + " count(DISTINCT trade_id), max(trade_id) - min(trade_id) FROM " + t));
            assertEquals(0, duck.count("SELECT count(*) FROM (SELECT recv_ts, date, hour FROM " + b
                    + " UNION ALL SELECT recv_ts, date, hour FROM " + t + ") WHERE date <> CAST(make_timestamp("
                    + "recv_ts // 1000) AS DATE) OR hour <> hour(make_timestamp(recv_ts // 1000))"));
            assertEquals(List.of(List.of("buy"), List.of("sell")),
                    duck.rows("SELECT DISTINCT side FROM " + t + " ORDER BY 1"));
        }
    }
}
