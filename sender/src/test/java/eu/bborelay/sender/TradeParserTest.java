package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.Trade;
import eu.bborelay.sender.TradeParser.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Message texts are real lines of the recordings in shared/data/binance where one exists (spot, USD-M, the 2023 spot
 * form with order ids), and hand-written in Binance's documented shape for COIN-M, which no recording covers.
 */
class TradeParserTest {
    /** spot_btcusdt_..._20240808T2354Z, first trade. */
    static final String SPOT_TRADE = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161255343,"
            + "\"s\":\"BTCUSDT\",\"t\":3735683259,\"p\":\"61837.63000000\",\"q\":\"0.02000000\",\"T\":1723161255342,"
            + "\"m\":true,\"M\":true}}";
    /** spot_btcusdt_..._20230405T0000Z_localus, first trade: the older form with buyer/seller order ids b and a. */
    static final String SPOT_TRADE_2023 = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\","
            + "\"E\":1680652800000,\"s\":\"BTCUSDT\",\"t\":3071245454,\"p\":\"28165.47000000\",\"q\":\"0.00056000\","
            + "\"b\":20720542158,\"a\":20720542592,\"T\":1680652799999,\"m\":true,\"M\":true}}";
    /** usdm_btcusdt_..._20240808T2354Z, first trade. */
    static final String USDM_TRADE = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161256322,"
            + "\"T\":1723161256322,\"s\":\"BTCUSDT\",\"t\":5266583935,\"p\":\"61800.30\",\"q\":\"0.006\","
            + "\"X\":\"MARKET\",\"m\":false}}";
    /** cryptofeed_spot_..._20211012, first aggTrade. */
    static final String SPOT_AGG_TRADE = "{\"stream\":\"nknusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\","
            + "\"E\":1633998523963,\"s\":\"NKNUSDT\",\"a\":15683430,\"p\":\"0.35280000\",\"q\":\"58.00000000\","
            + "\"f\":19862790,\"l\":19862790,\"T\":1633998523963,\"m\":false,\"M\":true}}";
    /** cryptofeed_usdm_..._20210722, second aggTrade. */
    static final String USDM_AGG_TRADE = "{\"stream\":\"akrousdt@aggTrade\",\"data\":{\"e\":\"aggTrade\","
            + "\"E\":1626992742291,\"a\":14888302,\"s\":\"AKROUSDT\",\"p\":\"0.01731\",\"q\":\"312\","
            + "\"f\":27931348,\"l\":27931348,\"T\":1626992742134,\"m\":true}}";
    /** COIN-M (dstream.binance.com) in the documented shape; quantity in contracts. */
    static final String COINM_TRADE = "{\"stream\":\"btcusd_perp@trade\",\"data\":{\"e\":\"trade\","
            + "\"E\":1723161256400,\"T\":1723161256398,\"s\":\"BTCUSD_PERP\",\"t\":912345678,\"p\":\"61810.1\","
            + "\"q\":\"12\",\"X\":\"MARKET\",\"m\":true}}";
    /** COIN-M aggTrade, documented shape, as USD-M's with the newer nq and st fields. */
    static final String COINM_AGG_TRADE = "{\"stream\":\"btcusd_perp@aggTrade\",\"data\":{\"e\":\"aggTrade\","
            + "\"E\":1723161256500,\"a\":412345,\"s\":\"BTCUSD_PERP\",\"p\":\"61810.2\",\"q\":\"30\",\"nq\":\"30\","
            + "\"f\":912345679,\"l\":912345681,\"T\":1723161256499,\"m\":false,\"st\":0}}";

    private final TradeParser parser = new TradeParser();
    private final Trade trade = new Trade();

    @Test
    void spotTradeTakerSoldWhenTheBuyerWasTheMaker() {
        assertEquals(Result.TRADE, parser.parse(SPOT_TRADE, trade));
        assertNull(parser.invalidReason());
        assertEquals(Trade.Type.TRADE, trade.type());
        assertEquals("BTCUSDT", trade.symbol());
        assertEquals(61837.63, trade.price());
        assertEquals(0.02, trade.qty());
        assertEquals(Trade.Side.SELL, trade.takerSide());
        assertEquals(3735683259L, trade.tradeId());
        assertEquals(Trade.NO_ID, trade.aggId());
        assertEquals(1723161255342L, trade.tradeTimeMs());
        assertEquals(1723161255343L, trade.eventTimeMs());
    }

    @Test
    void the2023SpotFormsOrderIdsAreNotTakenForIds() {
        assertEquals(Result.TRADE, parser.parse(SPOT_TRADE_2023, trade));
        assertEquals(Trade.Type.TRADE, trade.type());
        assertEquals(3071245454L, trade.tradeId());
        assertEquals(Trade.NO_ID, trade.aggId());
        assertEquals(28165.47, trade.price());
        assertEquals(0.00056, trade.qty());
    }

    @Test
    void usdmTradeTakerBought() {
        assertEquals(Result.TRADE, parser.parse(USDM_TRADE, trade));
        assertEquals(Trade.Side.BUY, trade.takerSide());
        assertEquals(5266583935L, trade.tradeId());
        assertEquals(61800.30, trade.price());
        assertEquals(0.006, trade.qty());
        assertEquals(1723161256322L, trade.tradeTimeMs());
        assertEquals(1723161256322L, trade.eventTimeMs());
    }

    @Test
    void coinmTradeAndAggTradeWithAnUnderscoreSymbol() {
        assertEquals(Result.TRADE, parser.parse(COINM_TRADE, trade));
        assertEquals("BTCUSD_PERP", trade.symbol());
        assertEquals(12.0, trade.qty());
        assertEquals(Trade.Side.SELL, trade.takerSide());
        assertEquals(Result.TRADE, parser.parse(COINM_AGG_TRADE, trade));
        assertEquals(Trade.Type.AGG_TRADE, trade.type());
        assertEquals("BTCUSD_PERP", trade.symbol());
        assertEquals(412345, trade.aggId());
        assertEquals(912345679, trade.firstTradeId());
        assertEquals(912345681, trade.lastTradeId());
        assertEquals(30.0, trade.qty());
        assertEquals(Trade.Side.BUY, trade.takerSide());
    }

    @Test
    void spotAndUsdmAggTrades() {
        assertEquals(Result.TRADE, parser.parse(SPOT_AGG_TRADE, trade));
        assertEquals(Trade.Type.AGG_TRADE, trade.type());
        assertEquals("NKNUSDT", trade.symbol());
        assertEquals(15683430, trade.aggId());
        assertEquals(Trade.NO_ID, trade.tradeId());
        assertEquals(19862790, trade.firstTradeId());
        assertEquals(19862790, trade.lastTradeId());
        assertEquals(0.3528, trade.price());
        assertEquals(58.0, trade.qty());
        assertEquals(Trade.Side.BUY, trade.takerSide());
        assertEquals(Result.TRADE, parser.parse(USDM_AGG_TRADE, trade));
        assertEquals("AKROUSDT", trade.symbol());
        assertEquals(Trade.Side.SELL, trade.takerSide());
        assertEquals(1626992742134L, trade.tradeTimeMs());
        assertEquals(1626992742291L, trade.eventTimeMs());
    }

    @Test
    void rawFormsWithoutTheStreamWrapper() {
        String raw = SPOT_TRADE.substring(SPOT_TRADE.indexOf("\"data\":") + 7, SPOT_TRADE.length() - 1);
        assertEquals(Result.TRADE, parser.parse(raw, trade));
        assertEquals(3735683259L, trade.tradeId());
        String rawAgg = USDM_AGG_TRADE.substring(USDM_AGG_TRADE.indexOf("\"data\":") + 7,
                USDM_AGG_TRADE.length() - 1);
        assertEquals(Result.TRADE, parser.parse(rawAgg, trade));
        assertEquals(14888302, trade.aggId());
    }

    @Test
    void theStreamNameDecidesWhenTheEventTypeIsMissing() {
        assertEquals(Result.TRADE, parser.parse(USDM_AGG_TRADE.replace("\"e\":\"aggTrade\",", ""), trade));
        assertEquals(Trade.Type.AGG_TRADE, trade.type());
        assertEquals(Result.NOT_DATA, parser.parse(SPOT_TRADE.replace("\"e\":\"trade\",", "")
                .replace("btcusdt@trade", "btcusdt@bookTicker"), trade));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"result\":null,\"id\":1}",
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request\"},\"id\":1}",
        BookTickerParserTest.SPOT_COMBINED,
        BookTickerParserTest.USDM_COMBINED,
        BookTickerParserTest.DEPTH_UPDATE,
        "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1728432000000}}",
        "{\"e\":\"serverShutdown\",\"E\":1728432000000}",
        "[{\"e\":\"trade\"}]",
        "{\"stream\":\"btcusdt@trade\",\"data\":[1,2]}",
        "{\"lastUpdateId\":50093239218,\"bids\":[[\"61837.63000000\",\"3.78826000\"]],\"asks\":[]}",
    })
    void otherMessagesAreNotData(String text) {
        assertEquals(Result.NOT_DATA, parser.parse(text, trade), text);
        assertNull(parser.invalidReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"t\":3735683259,", "\"p\":\"61837.63000000\",", "\"q\":\"0.02000000\",",
        "\"T\":1723161255342,", "\"s\":\"BTCUSDT\","})
    void aTradeWithoutARequiredFieldIsInvalid(String field) {
        String text = SPOT_TRADE.replace(field, "");
        assertEquals(Result.INVALID, parser.parse(text, trade), text);
        assertEquals(InvalidReason.MISSING_FIELD, parser.invalidReason());
    }

    @Test
    void aTradeWithoutItsMakerFlagOrWithOneOfTheWrongTypeIsInvalid() {
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"m\":true,", ""), trade));
        assertEquals(InvalidReason.MISSING_FIELD, parser.invalidReason());
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"m\":true", "\"m\":\"true\""), trade));
        assertEquals(InvalidReason.MISSING_FIELD, parser.invalidReason());
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"t\":3735683259", "\"t\":\"3735683259\""),
                trade));
        assertEquals(InvalidReason.MISSING_FIELD, parser.invalidReason());
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"t\":3735683259", "\"t\":1e30"), trade));
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"t\":3735683259",
                "\"t\":99999999999999999999999"), trade));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\":14888302,", "\"f\":27931348,", "\"l\":27931348,"})
    void anAggTradeWithoutAnIdIsInvalid(String field) {
        String text = USDM_AGG_TRADE.replace(field, "");
        assertEquals(Result.INVALID, parser.parse(text, trade), text);
        assertEquals(InvalidReason.MISSING_FIELD, parser.invalidReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "\"-1\"", "\"NaN\"", "\"Infinity\"", "\"abc\"", "\"\"", "1e400"})
    void aTradeWithABadPriceIsInvalid(String price) {
        String text = SPOT_TRADE.replace("\"61837.63000000\"", price);
        assertEquals(Result.INVALID, parser.parse(text, trade), text);
        assertEquals(InvalidReason.BAD_PRICE, parser.invalidReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"-0.1\"", "\"NaN\"", "\"x\""})
    void aTradeWithABadQuantityIsInvalid(String qty) {
        String text = SPOT_TRADE.replace("\"0.02000000\"", qty);
        assertEquals(Result.INVALID, parser.parse(text, trade), text);
        assertEquals(InvalidReason.BAD_PRICE, parser.invalidReason());
    }

    @Test
    void malformedJsonIsInvalid() {
        for (String text : new String[] {"", "{", "nope", SPOT_TRADE + "x", SPOT_TRADE.substring(0, 40), "42"}) {
            assertEquals(Result.INVALID, parser.parse(text, trade), text);
            assertEquals(InvalidReason.MALFORMED_JSON, parser.invalidReason(), text);
        }
    }

    @Test
    void nullCountsAsAbsentAndJsonNumbersArePrices() {
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"t\":3735683259", "\"t\":null"), trade));
        assertEquals(Result.TRADE, parser.parse(SPOT_TRADE.replace("\"61837.63000000\"", "61837.63"), trade));
        assertEquals(61837.63, trade.price());
        assertEquals(Result.TRADE, parser.parse(SPOT_TRADE.replace("\"E\":1723161255343,", "\"E\":null,"), trade));
        assertEquals(0, trade.eventTimeMs());
    }

    @Test
    void tellsTradeStreamsByTheirFirstBytes() {
        assertTrue(TradeParser.isTradeStream(SPOT_TRADE));
        assertTrue(TradeParser.isTradeStream(USDM_AGG_TRADE));
        assertTrue(TradeParser.isTradeStream(COINM_TRADE));
        assertFalse(TradeParser.isTradeStream(BookTickerParserTest.SPOT_COMBINED));
        assertFalse(TradeParser.isTradeStream(BookTickerParserTest.DEPTH_UPDATE));
        assertFalse(TradeParser.isTradeStream("{\"e\":\"trade\"}"));
        assertFalse(TradeParser.isTradeStream("{\"stream\":\"btcusdt@trade"));
        assertFalse(TradeParser.isTradeStream(""));
    }

    @Test
    void theSameSymbolIsTheSameInstanceAndNothingLeaksBetweenMessages() {
        Trade a = new Trade();
        Trade b = new Trade();
        assertEquals(Result.TRADE, parser.parse(SPOT_TRADE, a));
        assertEquals(Result.TRADE, parser.parse(SPOT_TRADE.replace("3735683259", "3735683260"), b));
        assertSame(a.symbol(), b.symbol(), "no new String per message");
        assertEquals(Result.TRADE, parser.parse(SPOT_AGG_TRADE, a));
        assertEquals(Result.INVALID, parser.parse(SPOT_TRADE.replace("\"t\":3735683259,", ""), a),
                "the agg id of the message before does not make up for a missing trade id");
    }

    @Test
    void parsingAllocatesLittleBeyondJacksonsParser() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        String[] texts = {SPOT_TRADE, USDM_TRADE, SPOT_AGG_TRADE, COINM_AGG_TRADE};
        int rounds = 100_000;
        long before = 0;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                before = threads.getCurrentThreadAllocatedBytes();
            }
            for (int i = 0; i < rounds; i++) {
                assertEquals(Result.TRADE, parser.parse(texts[i & 3], trade));
            }
        }
        long perMessage = (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
        // Jackson's parser object and its reading context: about 600 B with the bookTicker parser
        assertTrue(perMessage < 1_000, "bytes allocated per trade message: " + perMessage);
    }
}
