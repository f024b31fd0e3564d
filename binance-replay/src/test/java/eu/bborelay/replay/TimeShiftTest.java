package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The replay's time shift: which fields move, by how much, and that nothing else changes. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeShiftTest {
    private static final long NOW = 1_764_590_000_000L; // 2025-12-01, the fixed clock of the unit tests

    private static RecordedMessage message(String stream, String data) {
        String json = "{\"stream\":\"" + stream + "\",\"data\":" + data + "}";
        int start = json.indexOf("\"data\":") + 7;
        return new RecordedMessage(1, stream, json, start, json.length() - 1);
    }

    @Test
    void shouldGiveTheFirstTimestampTheCurrentTimeAndMoveEveryLaterOneByTheSameAmount() {
        AtomicLong clock = new AtomicLong(NOW);
        TimeShift shift = new TimeShift(clock::get);
        RecordedMessage first = shift.apply(message("btcusdt@bookTicker", "{\"e\":\"bookTicker\",\"u\":400900217,"
                + "\"s\":\"BTCUSDT\",\"b\":\"25.35190000\",\"B\":\"31.21\",\"a\":\"25.36520000\",\"A\":\"40.66\","
                + "\"T\":1568014460891,\"E\":1568014460893}"));
        assertEquals(NOW - 1_568_014_460_891L, shift.shiftMillis());
        assertEquals("{\"e\":\"bookTicker\",\"u\":400900217,\"s\":\"BTCUSDT\",\"b\":\"25.35190000\",\"B\":\"31.21\","
                + "\"a\":\"25.36520000\",\"A\":\"40.66\",\"T\":" + NOW + ",\"E\":" + (NOW + 2) + "}", first.data());
        assertEquals("{\"stream\":\"btcusdt@bookTicker\",\"data\":" + first.data() + "}", first.json);

        clock.addAndGet(60_000); // the clock moves on; the shift does not
        RecordedMessage trade = shift.apply(message("btcusdt@trade", "{\"e\":\"trade\",\"E\":1568014461000,"
                + "\"s\":\"BTCUSDT\",\"t\":1568014460000123,\"p\":\"0.001\",\"q\":\"100\",\"b\":88,\"a\":50,"
                + "\"T\":1568014460999,\"m\":true,\"M\":true}"));
        assertEquals("{\"e\":\"trade\",\"E\":" + (NOW + 109) + ",\"s\":\"BTCUSDT\",\"t\":1568014460000123,"
                + "\"p\":\"0.001\",\"q\":\"100\",\"b\":88,\"a\":50,\"T\":" + (NOW + 108) + ",\"m\":true,\"M\":true}",
                trade.data(), "the trade id t is not a time");
    }

    @Test
    void shouldShiftKlineTickerForceOrderAndArrayTimesButNoIdsOrPrices() {
        TimeShift shift = new TimeShift(() -> NOW);
        long base = 1_600_000_000_000L;
        shift.apply(message("x@depth", "{\"e\":\"depthUpdate\",\"E\":" + base + ",\"U\":1,\"u\":2,\"b\":[],\"a\":[]}"));
        long d = NOW - base;
        RecordedMessage kline = shift.apply(message("btcusdt@kline_1m", "{\"e\":\"kline\",\"E\":" + (base + 5)
                + ",\"s\":\"BTCUSDT\",\"k\":{\"t\":" + base + ",\"T\":" + (base + 59_999) + ",\"s\":\"BTCUSDT\","
                + "\"i\":\"1m\",\"f\":100,\"L\":200,\"o\":\"0.0010\",\"x\":false}}"));
        assertEquals("{\"e\":\"kline\",\"E\":" + (base + 5 + d) + ",\"s\":\"BTCUSDT\",\"k\":{\"t\":" + (base + d)
                + ",\"T\":" + (base + 59_999 + d) + ",\"s\":\"BTCUSDT\",\"i\":\"1m\",\"f\":100,\"L\":200,"
                + "\"o\":\"0.0010\",\"x\":false}}", kline.data());

        // O and C are times only in a 24hrTicker ('e' may come after them)
        RecordedMessage ticker = shift.apply(message("btcusdt@ticker", "{\"O\":" + base + ",\"C\":" + (base + 1)
                + ",\"F\":1600000000000,\"e\":\"24hrTicker\",\"E\":" + (base + 2) + "}"));
        assertEquals("{\"O\":" + (base + d) + ",\"C\":" + (base + 1 + d) + ",\"F\":1600000000000,\"e\":\"24hrTicker\","
                + "\"E\":" + (base + 2 + d) + "}", ticker.data());
        RecordedMessage notTicker = shift.apply(message("x@other", "{\"e\":\"other\",\"O\":" + base + "}"));
        assertEquals("{\"e\":\"other\",\"O\":" + base + "}", notTicker.data());

        RecordedMessage liquidation = shift.apply(message("!forceOrder@arr", "{\"e\":\"forceOrder\",\"E\":" + base
                + ",\"o\":{\"s\":\"BTCUSDT\",\"q\":\"0.014\",\"T\":" + (base + 3) + "}}"));
        assertEquals("{\"e\":\"forceOrder\",\"E\":" + (base + d) + ",\"o\":{\"s\":\"BTCUSDT\",\"q\":\"0.014\",\"T\":"
                + (base + 3 + d) + "}}", liquidation.data());

        RecordedMessage arr = shift.apply(message("!markPrice@arr", "[{\"e\":\"markPriceUpdate\",\"E\":" + base
                + ",\"s\":\"A\",\"T\":" + (base + 8 * 3_600_000L) + "},{\"e\":\"markPriceUpdate\",\"E\":" + base
                + ",\"s\":\"B\"}]"));
        assertEquals("[{\"e\":\"markPriceUpdate\",\"E\":" + (base + d) + ",\"s\":\"A\",\"T\":"
                + (base + 8 * 3_600_000L + d) + "},{\"e\":\"markPriceUpdate\",\"E\":" + (base + d) + ",\"s\":\"B\"}]",
                arr.data());
    }

    @Test
    void shouldPassAMessageWithoutTimestampsUnchanged() {
        TimeShift shift = new TimeShift(() -> NOW);
        RecordedMessage spot = message("btcusdt@bookTicker", "{\"u\":400900217,\"s\":\"BTCUSDT\",\"b\":\"25.3519\","
                + "\"B\":\"31.21\",\"a\":\"25.3652\",\"A\":\"40.66\"}");
        assertSame(spot, shift.apply(spot));
        assertEquals(0, shift.shiftMillis(), "not fixed before a timestamp was seen");
    }

    private static final Pattern TIME = Pattern.compile("\"(E|T)\":(\\d{13})");

    /**
     * Over the wire: every message of a USD-M recording (bookTicker, depth, aggTrade, kline) arrives with its
     * timestamps moved by one constant, the first one at about the current time, every other byte as recorded.
     */
    @Test
    void shouldReplayARecordingWithShiftedTimesOverTheWire() throws Exception {
        Path recording = SharedData.binance(SharedData.USDM_4SYMBOLS_20210722);
        List<Recordings.Line> lines = Recordings.webSocketLines(Recordings.readShared(recording));
        Set<String> streams = new LinkedHashSet<>();
        lines.forEach(l -> streams.add(l.stream()));
        List<String> expected = Recordings.combined(lines, streams);

        long before = System.currentTimeMillis();
        try (BinanceReplayServer server = BinanceReplayServer.builder().recording(recording).speed(0)
                .shiftTimes(true).build()) {
            server.start();
            TestClient client = TestClient.connect(URI.create(server.baseUri() + "/stream?streams="
                    + String.join("/", streams)));
            try {
                assertTrue(server.awaitFinished(Duration.ofSeconds(30)));
                eu.bborelay.common.testing.Await.until("every message", Duration.ofSeconds(30),
                        () -> client.messageCount() == expected.size(), () -> client.messageCount() + " messages");
            } finally {
                client.closeAndAwait();
            }
            long after = System.currentTimeMillis();
            List<String> got = client.messages();
            long shift = server.timeShiftMillis();
            Matcher first = TIME.matcher(got.get(0));
            assertTrue(first.find(), got.get(0));
            long firstTime = Long.parseLong(first.group(2));
            assertTrue(firstTime >= before && firstTime <= after,
                    "first timestamp " + firstTime + " is the current time, within [" + before + ", " + after + "]");
            int shifted = 0;
            for (int i = 0; i < expected.size(); i++) {
                String want = expected.get(i);
                Matcher m = TIME.matcher(want);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(sb, "\"" + m.group(1) + "\":" + (Long.parseLong(m.group(2)) + shift));
                    shifted++;
                }
                m.appendTail(sb);
                // a kline's start time t inside "k" (its close time T matched above)
                String w = shiftKlineStart(sb.toString(), shift);
                assertEquals(w, got.get(i), "message " + i);
            }
            assertTrue(shifted > expected.size(), "every message of this recording has E (and most T)");
        }
    }

    private static final Pattern KLINE_START = Pattern.compile("\"k\":\\{\"t\":(\\d{13}),");

    private static String shiftKlineStart(String json, long shift) {
        Matcher m = KLINE_START.matcher(json);
        if (!m.find()) {
            return json;
        }
        return json.substring(0, m.start()) + "\"k\":{\"t\":" + (Long.parseLong(m.group(1)) + shift) + ","
                + json.substring(m.end());
    }

    @Test
    void shouldSendTheRecordedBytesByDefault() throws Exception {
        Path recording = SharedData.binance(SharedData.USDM_4SYMBOLS_20210722);
        List<String> expected = Recordings.combined(Recordings.readShared(recording), List.of("sushiusdt@bookTicker"));
        try (BinanceReplayServer server = BinanceReplayServer.builder().recording(recording).speed(0).build()) {
            server.start();
            TestClient client = TestClient.connect(URI.create(server.baseUri() + "/stream?streams=sushiusdt@bookTicker"));
            try {
                assertTrue(server.awaitFinished(Duration.ofSeconds(30)));
                eu.bborelay.common.testing.Await.until("every message", Duration.ofSeconds(30),
                        () -> client.messageCount() == expected.size(), () -> client.messageCount() + " messages");
                Recordings.assertSameMessages(expected, new ArrayList<>(client.messages()));
                assertEquals(0, server.timeShiftMillis());
            } finally {
                client.closeAndAwait();
            }
        }
    }
}
