package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The producer side with trades, without sockets: dispatch, parse, dedupe, one seq space, the trade queue. */
class TradeIngestTest {
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final BookTickerParser parser = new BookTickerParser();
    private final TradeParser tradeParser = new TradeParser();
    private final Trade scratch = new Trade();

    @Test
    void quotesAndTradesOfARecordingShareOneGaplessSeqInRecordingOrder() throws IOException {
        TradeQueue queue = new TradeQueue(65_536);
        QuoteSlots slots = new QuoteSlots(1, 1_000_000, Long.MAX_VALUE, 1, queue);
        slots.backlog(true);
        QuoteIngest ingest = new QuoteIngest(List.of("BTCUSDT"), slots, wakeUps::incrementAndGet);
        int quotes = 0;
        int trades = 0;
        long lastTradeId = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                SharedData.binance(SharedData.SPOT_BTCUSDT_20240808))), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null && quotes + trades < 5_000; ) {
                String json = line.substring(line.indexOf(' ') + 1);
                ingest.onMessage(json, System.nanoTime(), parser, tradeParser, scratch, true);
                if (json.contains("@bookTicker")) {
                    quotes++;
                } else if (json.contains("@trade")) {
                    trades++;
                }
            }
        }
        assertTrue(quotes > 1_000 && trades > 1_000, quotes + " quotes, " + trades + " trades");
        assertEquals(quotes + trades, slots.lastPublishedSeq(), "one seq per quote or trade");
        assertEquals(trades, ingest.tradesTaken());
        assertEquals(0, ingest.aggTradesTaken());
        assertEquals(quotes + trades, wakeUps.get());
        assertEquals(trades, queue.size(), "every trade waits: none conflated");
        Trade t = new Trade();
        long seqBefore = 0;
        for (int k = 0; k < trades; k++) {
            assertTrue(queue.poll(Long.MAX_VALUE, t));
            assertTrue(t.seq() > seqBefore, "trades in seq order");
            if (lastTradeId != 0) {
                assertEquals(lastTradeId + 1, t.tradeId(), "consecutive trade ids");
            }
            lastTradeId = t.tradeId();
            seqBefore = t.seq();
        }
        long quotesInSlots = 0;
        for (QuoteSlots.Entry e = slots.take(0); e != null; e = e.next) {
            quotesInSlots++;
        }
        assertEquals(quotes, quotesInSlots);
    }

    @Test
    void aTradeFromTheOtherConnectionOfARolloverIsADuplicate() {
        QuoteSlots slots = new QuoteSlots(1, 16, Long.MAX_VALUE, 1, new TradeQueue(16));
        QuoteIngest ingest = new QuoteIngest(List.of("BTCUSDT"), slots, () -> { });
        ingest.onMessage(TradeParserTest.SPOT_TRADE, 0, parser, tradeParser, scratch, true);
        ingest.onMessage(TradeParserTest.SPOT_TRADE, 0, parser, tradeParser, scratch, true);
        ingest.onMessage(TradeParserTest.SPOT_TRADE.replace("3735683259", "3735683258"), 0, parser, tradeParser,
                scratch, true);
        ingest.onMessage(TradeParserTest.SPOT_TRADE.replace("3735683259", "3735683260"), 0, parser, tradeParser,
                scratch, true);
        assertEquals(2, ingest.tradesTaken());
        assertEquals(2, ingest.tradeDuplicates());
        assertEquals(2, slots.lastPublishedSeq());
        assertEquals(3735683260L, ingest.forwardedTradeId(0));
    }

    @Test
    void aggTradesAreDedupedByTheirOwnIdsAndOtherSymbolsAreNotData() {
        QuoteSlots slots = new QuoteSlots(2, 16, Long.MAX_VALUE, 1, new TradeQueue(16));
        QuoteIngest ingest = new QuoteIngest(List.of("AKROUSDT", "BTCUSD_PERP"), slots, () -> { });
        ingest.onMessage(TradeParserTest.USDM_AGG_TRADE, 0, parser, tradeParser, scratch, true);
        ingest.onMessage(TradeParserTest.COINM_AGG_TRADE, 0, parser, tradeParser, scratch, true);
        ingest.onMessage(TradeParserTest.COINM_TRADE, 0, parser, tradeParser, scratch, true);
        ingest.onMessage(TradeParserTest.USDM_AGG_TRADE, 0, parser, tradeParser, scratch, true);
        ingest.onMessage(TradeParserTest.SPOT_TRADE, 0, parser, tradeParser, scratch, true); // BTCUSDT: not ours
        assertEquals(2, ingest.aggTradesTaken());
        assertEquals(1, ingest.tradesTaken());
        assertEquals(1, ingest.tradeDuplicates());
        assertEquals(3, slots.lastPublishedSeq());
        assertEquals(1, ingest.notData());
        assertEquals(14888302, ingest.forwardedAggId(0));
    }

    @Test
    void withoutATradeParserTradesAreNotDataAndInvalidTradesAreCountedByReason() {
        QuoteSlots slots = new QuoteSlots(1, 16, Long.MAX_VALUE, 1, new TradeQueue(16));
        QuoteIngest ingest = new QuoteIngest(List.of("BTCUSDT"), slots, () -> { });
        ingest.onMessage(TradeParserTest.SPOT_TRADE);
        assertEquals(1, ingest.notData());
        assertEquals(0, slots.lastPublishedSeq());
        ingest.onMessage(TradeParserTest.SPOT_TRADE.replace("\"0.02000000\"", "\"-1\""), 0, parser, tradeParser,
                scratch, true);
        assertEquals(1, ingest.invalid(InvalidReason.BAD_PRICE));
        assertTrue(ingest.takeInvalidExample().startsWith("BAD_PRICE: {\"stream\":\"btcusdt@trade\""));
        assertEquals(BookTickerParser.Result.QUOTE, ingest.onMessage(BookTickerParserTest.SPOT_COMBINED,
                0, parser, tradeParser, scratch, true));
        assertEquals(1, slots.lastPublishedSeq());
        BookTicker q = slots.take(0).quote;
        assertEquals(1, q.seq());
        assertFalse(slots.trades().poll(Long.MAX_VALUE, scratch));
    }
}
