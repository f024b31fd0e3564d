package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TradeParser} on every message of every Binance recording in shared/data, against an independent reading of
 * the same JSON (Jackson's tree model, {@link Double#parseDouble}): every {@code @trade} and {@code @aggTrade}
 * message is a TRADE with the same fields bit for bit, the counts are the recordings' (PROVENANCE.md), trade ids are
 * consecutive per symbol, and every other message is NOT_DATA. Also the dispatch the sender relies on: a message is
 * claimed by exactly one of {@link TradeParser} and {@link BookTickerParser}, and
 * {@link TradeParser#isTradeStream} tells them apart from the first bytes.
 */
class TradeParserRecordingsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TradeParser parser = new TradeParser();
    private final BookTickerParser bookTickerParser = new BookTickerParser();
    private final Trade trade = new Trade();
    private final BookTicker quote = new BookTicker();

    @ParameterizedTest
    @CsvSource({
        "spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz, 9757, 0",
        "spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz, 10147, 0",
        "spot_btcusdt_bookTicker-trade-depth100ms_20230405T0000Z_localus.ndjson.gz, 3144, 0",
        "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240808T2354Z.ndjson.gz, 21313, 0",
        "usdm_btcusdt_bookTicker-trade-depth0ms-snapshot_20240718T2357Z.ndjson.gz, 974, 0",
        "usdm_btcusdt_bookTicker-trade-depth0ms_20240719T0000Z.ndjson.gz, 9727, 0",
        "usdm_btcusdt_bookTicker-trade-depth0ms-markPrice-snapshot_20230404T2358Z_localus.ndjson.gz, 2197, 0",
        "usdm_btcusdt_bookTicker-trade-depth0ms-markPrice_20230405T0000Z_localus.ndjson.gz, 10738, 0",
        "cryptofeed_spot_4symbols_bookTicker-aggTrade-depth100ms-kline_20211012.ndjson.gz, 0, 2",
        "cryptofeed_usdm_4symbols_bookTicker-aggTrade-depth100ms-kline_20210722.ndjson.gz, 0, 91",
    })
    void everyRecordedTradeParsesAsTheIndependentReadingSays(String file, int trades, int aggTrades)
            throws IOException {
        Path recording = SharedData.binance(file);
        int seenTrades = 0;
        int seenAggTrades = 0;
        int lines = 0;
        Map<String, Long> lastTradeId = new HashMap<>();
        Map<String, Long> lastAggId = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(recording)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                String json = line.substring(line.indexOf(' ') + 1);
                JsonNode root = MAPPER.readTree(json);
                String stream = root.path("stream").asText("");
                boolean tradeStream = stream.endsWith("@trade");
                boolean aggStream = stream.endsWith("@aggTrade");
                assertEquals(tradeStream || aggStream, TradeParser.isTradeStream(json), json);
                TradeParser.Result result = parser.parse(json, trade);
                BookTickerParser.Result bookTicker = bookTickerParser.parse(json, quote);
                if (!tradeStream && !aggStream) {
                    assertEquals(TradeParser.Result.NOT_DATA, result, json);
                    continue;
                }
                assertEquals(TradeParser.Result.TRADE, result, json);
                assertEquals(BookTickerParser.Result.NOT_DATA, bookTicker, "the bookTicker parser leaves it: " + json);
                JsonNode d = root.get("data");
                assertEquals(d.get("s").asText(), trade.symbol(), json);
                assertEquals(bits(Double.parseDouble(d.get("p").asText())), bits(trade.price()), json);
                assertEquals(bits(Double.parseDouble(d.get("q").asText())), bits(trade.qty()), json);
                assertEquals(d.get("m").asBoolean() ? Trade.Side.SELL : Trade.Side.BUY, trade.takerSide(), json);
                assertEquals(d.get("T").asLong(), trade.tradeTimeMs(), json);
                assertEquals(d.get("E").asLong(), trade.eventTimeMs(), json);
                if (tradeStream) {
                    seenTrades++;
                    assertEquals(Trade.Type.TRADE, trade.type(), json);
                    assertEquals(d.get("t").asLong(), trade.tradeId(), json);
                    Long previous = lastTradeId.put(trade.symbol(), trade.tradeId());
                    if (previous != null) {
                        assertEquals(previous + 1, trade.tradeId(), "trade ids are consecutive: " + json);
                    }
                } else {
                    seenAggTrades++;
                    assertEquals(Trade.Type.AGG_TRADE, trade.type(), json);
                    assertEquals(d.get("a").asLong(), trade.aggId(), json);
                    assertEquals(d.get("f").asLong(), trade.firstTradeId(), json);
                    assertEquals(d.get("l").asLong(), trade.lastTradeId(), json);
                    assertTrue(trade.firstTradeId() <= trade.lastTradeId(), json);
                    Long previous = lastAggId.put(trade.symbol(), trade.aggId());
                    if (previous != null) {
                        assertTrue(trade.aggId() > previous, "agg ids increase: " + json);
                    }
                }
            }
        }
        assertNotEquals(0, lines, file);
        assertEquals(trades, seenTrades, file + ": trades");
        assertEquals(aggTrades, seenAggTrades, file + ": aggTrades");
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }
}
