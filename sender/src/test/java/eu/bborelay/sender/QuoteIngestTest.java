package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The producer side without sockets: parse, count, assign seq, hand over through the slots. */
class QuoteIngestTest {
    private final AtomicInteger wakeUps = new AtomicInteger();

    @Test
    void seqStartsAtOneAndIsGaplessOverValidUpdates() throws IOException {
        QuoteSlots slots = new QuoteSlots(4, 1_000_000, Long.MAX_VALUE);
        slots.backlog(true); // keep every quote so the test sees each seq
        QuoteIngest ingest = new QuoteIngest(List.of("NKNUSDT", "BLZETH", "LRCBTC", "RUNEEUR"), slots,
                wakeUps::incrementAndGet);
        List<String> lines = recordedMessages(SharedData.SPOT_4SYMBOLS_20211012);
        int valid = 0;
        int notData = 0;
        int invalid = 0;
        for (String line : lines) {
            ingest.onMessage(line);
            if (line.contains("@bookTicker")) {
                valid++;
                // between two valid updates: messages that must not take a seq
                ingest.onMessage("{\"result\":null,\"id\":" + valid + "}");
                ingest.onMessage(line.replace("\"b\":\"", "\"b\":\"-"));
                ingest.onMessage(line.substring(0, line.length() / 2));
                notData++;
                invalid += 2;
            } else {
                notData++;
            }
        }
        assertEquals(84, valid);
        assertEquals(84, slots.lastPublishedSeq());
        assertEquals(valid, wakeUps.get());

        List<BookTicker> taken = new ArrayList<>();
        for (int i = 0; i < slots.symbols(); i++) {
            for (QuoteSlots.Entry e = slots.take(i); e != null; e = e.next) {
                taken.add(e.quote);
            }
        }
        taken.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        assertEquals(84, taken.size());
        for (int k = 0; k < taken.size(); k++) {
            assertEquals(k + 1, taken.get(k).seq(), "seq is gapless from 1");
        }
        assertEquals("NKNUSDT", taken.get(0).symbol());
        assertEquals(499869768L, taken.get(0).updateId());

        assertEquals(lines.size() + 3L * valid, ingest.received());
        assertEquals(notData, ingest.notData());
        assertEquals(valid, ingest.invalid(InvalidReason.BAD_PRICE));
        assertEquals(valid, ingest.invalid(InvalidReason.MALFORMED_JSON));
        assertEquals(invalid, ingest.invalid(InvalidReason.BAD_PRICE) + ingest.invalid(InvalidReason.MALFORMED_JSON));
        String example = ingest.takeInvalidExample();
        assertTrue(example.startsWith("BAD_PRICE: {\"stream\":\"nknusdt@bookTicker\""), example);
        assertNull(ingest.takeInvalidExample(), "one example per interval, taken once");
    }

    @Test
    void linkDownKeepsOnlyTheLatestQuotePerSymbol() {
        QuoteSlots slots = new QuoteSlots(2, 256, Long.MAX_VALUE);
        QuoteIngest ingest = new QuoteIngest(List.of("BTCUSDT", "ETHUSDT"), slots, () -> { });
        for (int i = 0; i < 10; i++) {
            ingest.onMessage(BookTickerParserTest.SPOT_COMBINED.replace("50093239212", Long.toString(100 + i)));
        }
        QuoteSlots.Entry e = slots.take(0);
        assertEquals(10, e.quote.seq());
        assertEquals(109, e.quote.updateId());
        assertNull(e.next);
        assertEquals(9, slots.displaced());
    }

    @Test
    void linkUpKeepsABoundedBacklogThenLatestWins() {
        QuoteSlots slots = new QuoteSlots(1, 4, Long.MAX_VALUE);
        slots.backlog(true);
        BookTicker q = new BookTicker().set("BTCUSDT", 1, 1, 2, 1, 1, 0);
        for (int i = 0; i < 4; i++) {
            slots.publish(0, q.copy());
        }
        assertEquals(4, slots.waiting());
        assertEquals(0, slots.displaced());
        slots.publish(0, q.copy()); // the fifth replaces the full chain
        assertEquals(1, slots.waiting());
        assertEquals(4, slots.displaced());
        slots.publish(0, q.copy());
        QuoteSlots.Entry e = slots.take(0);
        assertEquals(6, e.quote.seq());
        assertEquals(5, e.next.quote.seq());
        assertNull(e.next.next);
        assertEquals(0, slots.waiting());
    }

    @Test
    void linkUpBacklogOlderThanItsMaximumAgeIsReplaced() {
        long[] now = {1_000};
        QuoteSlots slots = new QuoteSlots(1, 1_000, 500, () -> now[0]);
        slots.backlog(true);
        BookTicker q = new BookTicker().set("BTCUSDT", 1, 1, 2, 1, 1, 0);
        slots.publish(0, q.copy());
        now[0] += 499;
        slots.publish(0, q.copy());
        assertEquals(2, slots.waiting(), "the oldest is 499 ns old: still young enough");
        now[0] += 1;
        slots.publish(0, q.copy());
        assertEquals(1, slots.waiting(), "500 ns: the chain is replaced by the newest");
        assertEquals(2, slots.displaced());
        now[0] += 100;
        slots.publish(0, q.copy());
        assertEquals(2, slots.waiting(), "a new chain ages from its own first quote");
    }

    @Test
    void updatesSeenTwiceAreCountedAsDuplicatesAndTakeNoSeq() throws IOException {
        QuoteSlots slots = new QuoteSlots(4, 1_000_000, Long.MAX_VALUE);
        slots.backlog(true);
        QuoteIngest ingest = new QuoteIngest(List.of("NKNUSDT", "BLZETH", "LRCBTC", "RUNEEUR"), slots, () -> { });
        List<String> lines = recordedMessages(SharedData.SPOT_4SYMBOLS_20211012);
        // two overlapping connections: the second delivers from the 11th message on, 5 messages behind the first
        int n = lines.size();
        for (int k = 0; k < n + 5; k++) {
            if (k < n) {
                ingest.onMessage(lines.get(k));
            }
            int j = k - 5;
            if (j >= 10 && j < n) {
                ingest.onMessage(lines.get(j));
            }
        }
        assertEquals(84, slots.lastPublishedSeq(), "each update once");
        long repeated = lines.subList(10, n).stream().filter(l -> l.contains("@bookTicker")).count();
        assertTrue(repeated > 50);
        assertEquals(repeated, ingest.duplicates());
        // an old update id after a newer one of the same symbol is a duplicate too
        ingest.onMessage(lines.stream().filter(l -> l.contains("@bookTicker")).findFirst().orElseThrow());
        assertEquals(84, slots.lastPublishedSeq());
        assertEquals(repeated + 1, ingest.duplicates());
    }

    @Test
    void binanceEventTimeGivesTheBinanceToSenderLatency() {
        QuoteSlots slots = new QuoteSlots(1, 16, Long.MAX_VALUE);
        long[] wallMillis = {1723161255343L + 7};
        QuoteIngest ingest = new QuoteIngest(List.of("BTCUSDT"), slots, () -> { }, () -> { }, () -> wallMillis[0]);
        ingest.onMessage(BookTickerParserTest.SPOT_COMBINED);
        assertTrue(!ingest.sawEventTime(), "spot bookTicker has no E");
        String usdm = BookTickerParserTest.USDM_COMBINED.replaceAll("\"E\":\\d+", "\"E\":1723161255343")
                .replaceAll("\"u\":\\d+", "\"u\":60093239212");
        assertEquals(BookTickerParser.Result.QUOTE, ingest.onMessage(usdm));
        assertTrue(ingest.sawEventTime());
        org.HdrHistogram.Histogram h = ingest.binanceLatencyInterval(null);
        assertEquals(1, h.getTotalCount());
        assertEquals(7, h.getValueAtPercentile(50));
        wallMillis[0] -= 1_000; // a clock behind Binance's: clamped to 0 and counted
        ingest.onMessage(usdm.replace("60093239212", "60093239213"));
        assertEquals(1, ingest.latencyClamped());
        assertEquals(0, ingest.binanceLatencyInterval(h).getMaxValue());
    }

    @Test
    void unsubscribedSymbolIsNotDataAndTakesNoSeq() {
        QuoteSlots slots = new QuoteSlots(1, 16, Long.MAX_VALUE);
        QuoteIngest ingest = new QuoteIngest(List.of("ETHUSDT"), slots, () -> { });
        ingest.onMessage(BookTickerParserTest.SPOT_COMBINED);
        assertEquals(0, slots.lastPublishedSeq());
        assertEquals(1, ingest.notData());
    }

    @Test
    void closedIngestIgnoresMessages() {
        QuoteSlots slots = new QuoteSlots(1, 16, Long.MAX_VALUE);
        QuoteIngest ingest = new QuoteIngest(List.of("BTCUSDT"), slots, () -> { });
        ingest.close();
        ingest.onMessage(BookTickerParserTest.SPOT_COMBINED);
        assertEquals(0, ingest.received());
        assertEquals(0, slots.lastPublishedSeq());
    }

    /** The raw JSON of every line of a recording (the local receive time cut off). */
    static List<String> recordedMessages(String file) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(SharedData.binance(file))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.substring(line.indexOf(' ') + 1));
            }
        }
        return out;
    }
}
