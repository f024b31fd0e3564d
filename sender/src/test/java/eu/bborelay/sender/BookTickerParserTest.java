package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import eu.bborelay.common.BookTicker;
import eu.bborelay.sender.BookTickerParser.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Message texts are real lines of the recordings in shared/data/binance (and edits of them for the bad cases). */
class BookTickerParserTest {
    /** spot_btcusdt_..._20240808T2354Z, first line. */
    static final String SPOT_COMBINED = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,"
            + "\"s\":\"BTCUSDT\",\"b\":\"61837.63000000\",\"B\":\"3.78826000\",\"a\":\"61837.64000000\","
            + "\"A\":\"1.54698000\"}}";
    /** usdm_btcusdt_..._20240808T2354Z, first bookTicker line. */
    static final String USDM_COMBINED = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\","
            + "\"u\":5123107839020,\"s\":\"BTCUSDT\",\"b\":\"61800.20\",\"B\":\"2.507\",\"a\":\"61800.30\","
            + "\"A\":\"2.510\",\"T\":1723161256313,\"E\":1723161256313}}";
    static final String TRADE = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161255343,"
            + "\"s\":\"BTCUSDT\",\"t\":3735683259,\"p\":\"61837.63000000\",\"q\":\"0.02000000\",\"T\":1723161255342,"
            + "\"m\":true,\"M\":true}}";
    static final String DEPTH_UPDATE = "{\"stream\":\"blzeth@depth@100ms\",\"data\":{\"e\":\"depthUpdate\","
            + "\"E\":1633998514469,\"s\":\"BLZETH\",\"U\":281916627,\"u\":281916627,"
            + "\"b\":[[\"0.00006421\",\"0.00000000\"]],\"a\":[]}}";
    static final String AGG_TRADE = "{\"stream\":\"ctkusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\","
            + "\"E\":1626992741575,\"a\":16599292,\"s\":\"CTKUSDT\",\"p\":\"1.01100\",\"q\":\"10\",\"f\":23961322,"
            + "\"l\":23961322,\"T\":1626992741421,\"m\":false}}";

    private final BookTickerParser parser = new BookTickerParser();
    private final BookTicker quote = new BookTicker();

    @Test
    void spotCombinedIsQuoteWithoutEventTime() {
        assertEquals(Result.QUOTE, parser.parse(SPOT_COMBINED, quote));
        assertQuote("BTCUSDT", 61837.63, 3.78826, 61837.64, 1.54698, 50093239212L, 0);
        assertNull(parser.invalidReason());
    }

    @Test
    void spotRawFormIsQuote() {
        String raw = "{\"u\":50093239212,\"s\":\"BTCUSDT\",\"b\":\"61837.63000000\",\"B\":\"3.78826000\","
                + "\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}";
        assertEquals(Result.QUOTE, parser.parse(raw, quote));
        assertQuote("BTCUSDT", 61837.63, 3.78826, 61837.64, 1.54698, 50093239212L, 0);
    }

    @Test
    void usdmCombinedCarriesEventTime() {
        assertEquals(Result.QUOTE, parser.parse(USDM_COMBINED, quote));
        assertQuote("BTCUSDT", 61800.20, 2.507, 61800.30, 2.510, 5123107839020L, 1723161256313L);
    }

    @Test
    void usdmRawFormCarriesEventTime() {
        String raw = "{\"e\":\"bookTicker\",\"u\":600859600576,\"s\":\"SUSHIUSDT\",\"b\":\"7.6110\",\"B\":\"2\","
                + "\"a\":\"7.6120\",\"A\":\"297\",\"T\":1626992741012,\"E\":1626992741017}";
        assertEquals(Result.QUOTE, parser.parse(raw, quote));
        assertQuote("SUSHIUSDT", 7.611, 2, 7.612, 297, 600859600576L, 1626992741017L);
    }

    @Test
    void dataBeforeStreamAndUnknownFieldsAreFine() {
        String text = "{\"data\":{\"x\":{\"nested\":[1,2,{\"a\":\"1\"}]},\"u\":7,\"s\":\"ETHUSDT\",\"b\":\"1.5\","
                + "\"B\":\"0\",\"a\":\"1.6\",\"A\":\"2\",\"new\":null},\"stream\":\"ethusdt@bookTicker\",\"extra\":1}";
        assertEquals(Result.QUOTE, parser.parse(text, quote));
        assertQuote("ETHUSDT", 1.5, 0, 1.6, 2, 7, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"e\":\"serverShutdown\",\"E\":1728432000000}",
        "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1728432000000}}",
        "{\"data\":{\"E\":1728432000000,\"e\":\"serverShutdown\",\"new\":[1]},\"stream\":\"!serverShutdown\"}",
    })
    void serverShutdownInEitherShapeIsRecognised(String text) {
        assertEquals(Result.SERVER_SHUTDOWN, parser.parse(text, quote), text);
        assertNull(parser.invalidReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"result\":null,\"id\":1}",
        "{\"result\":[\"btcusdt@bookTicker\"],\"id\":3}",
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request: invalid stream\"},\"id\":1}",
        "{\"lastUpdateId\":50093239218,\"bids\":[[\"61837.63000000\",\"3.78826000\"]],\"asks\":[]}",
        TRADE,
        DEPTH_UPDATE,
        AGG_TRADE,
        "{\"e\":\"depthUpdate\",\"E\":1633998514469,\"s\":\"BLZETH\",\"U\":281916627,\"u\":281916627,\"b\":[],"
                + "\"a\":[]}",
        "{\"stream\":\"!ticker@arr\",\"data\":[{\"e\":\"24hrTicker\"}]}",
        "[{\"e\":\"24hrTicker\",\"s\":\"BTCUSDT\"}]",
        "{}",
    })
    void nonBookTickerMessagesAreNotData(String text) {
        assertEquals(Result.NOT_DATA, parser.parse(text, quote), text);
        assertNull(parser.invalidReason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // each removes or breaks one field of the spot line
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"s\":\"BTCUSDT\",\"b\":\"61837.63000000\","
                + "\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"b\":\"61837.63000000\","
                + "\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"BTCUSDT\",\"B\":\"3.78826000\","
                + "\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"BTCUSDT\",\"b\":\"61837.63000000\","
                + "\"B\":\"3.78826000\",\"a\":\"61837.64000000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"BTCUSDT\",\"b\":null,"
                + "\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":\"50093239212\",\"s\":\"BTCUSDT\","
                + "\"b\":\"61837.63000000\",\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"\",\"b\":\"61837.63000000\","
                + "\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"BTCUSDT\","
                + "\"b\":[\"61837.63000000\"],\"B\":\"3.78826000\",\"a\":\"61837.64000000\",\"A\":\"1.54698000\"}}",
        "{\"stream\":\"btcusdt@bookTicker\"}",
        "{\"e\":\"bookTicker\",\"E\":1626992741017}",
    })
    void incompleteBookTickerIsMissingField(String text) {
        assertInvalid(text, InvalidReason.MISSING_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0.00000000\"", "\"-61837.63\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"",
        "\"abc\"", "\"\"", "\"61,837.63\"", "0"})
    void badBidIsBadPrice(String bid) {
        assertInvalid(SPOT_COMBINED.replace("\"b\":\"61837.63000000\"", "\"b\":" + bid), InvalidReason.BAD_PRICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"0\"", "\"-1\"", "\"NaN\"", "\"Infinity\"", "\"x\""})
    void badAskIsBadPrice(String ask) {
        assertInvalid(SPOT_COMBINED.replace("\"a\":\"61837.64000000\"", "\"a\":" + ask), InvalidReason.BAD_PRICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"-3.78826000\"", "\"NaN\"", "\"Infinity\"", "\"qty\""})
    void badQuantityIsBadPrice(String qty) {
        assertInvalid(SPOT_COMBINED.replace("\"B\":\"3.78826000\"", "\"B\":" + qty), InvalidReason.BAD_PRICE);
        assertInvalid(SPOT_COMBINED.replace("\"A\":\"1.54698000\"", "\"A\":" + qty), InvalidReason.BAD_PRICE);
    }

    @Test
    void zeroQuantityIsAccepted() {
        assertEquals(Result.QUOTE, parser.parse(SPOT_COMBINED.replace("\"B\":\"3.78826000\"", "\"B\":\"0.00000000\""),
                quote));
        assertEquals(0.0, quote.bidQty());
    }

    @Test
    void bidAtOrAboveAskIsCrossedBook() {
        assertInvalid(SPOT_COMBINED.replace("\"b\":\"61837.63000000\"", "\"b\":\"61837.64000000\""),
                InvalidReason.CROSSED_BOOK);
        assertInvalid(SPOT_COMBINED.replace("\"b\":\"61837.63000000\"", "\"b\":\"61900.00000000\""),
                InvalidReason.CROSSED_BOOK);
        assertInvalid(USDM_COMBINED.replace("\"a\":\"61800.30\"", "\"a\":\"61800.10\""), InvalidReason.CROSSED_BOOK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "   ",
        "not json",
        "42",
        "\"a string\"",
        "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":50093239212,\"s\":\"BTCUSDT\"",
        "{\"stream\":\"btcusdt@bookTicker\" \"data\":{}}",
        "{\"result\":null,\"id\":1}}",
        "{\"result\":null,\"id\":1} trailing",
        "{'u':1}",
    })
    void brokenJsonIsMalformed(String text) {
        assertInvalid(text, InvalidReason.MALFORMED_JSON);
    }

    @Test
    void parserIsReusableAfterEveryOutcome() {
        assertEquals(Result.INVALID, parser.parse("{", quote));
        assertEquals(Result.NOT_DATA, parser.parse(TRADE, quote));
        assertEquals(Result.QUOTE, parser.parse(SPOT_COMBINED, quote));
        assertQuote("BTCUSDT", 61837.63, 3.78826, 61837.64, 1.54698, 50093239212L, 0);
        assertEquals(Result.QUOTE, parser.parse(USDM_COMBINED, quote));
        assertEquals(1723161256313L, quote.binanceEventTimeMs());
        assertEquals(Result.QUOTE, parser.parse(SPOT_COMBINED, quote));
        assertEquals(0, quote.binanceEventTimeMs(), "E of an earlier message must not leak");
    }

    private void assertInvalid(String text, InvalidReason reason) {
        assertEquals(Result.INVALID, parser.parse(text, quote), text);
        assertEquals(reason, parser.invalidReason(), text);
    }

    private void assertQuote(String symbol, double bid, double bidQty, double ask, double askQty, long updateId,
                             long eventTimeMs) {
        assertEquals(symbol, quote.symbol());
        assertEquals(bid, quote.bid());
        assertEquals(bidQty, quote.bidQty());
        assertEquals(ask, quote.ask());
        assertEquals(askQty, quote.askQty());
        assertEquals(updateId, quote.updateId());
        assertEquals(eventTimeMs, quote.binanceEventTimeMs());
        assertEquals((bid + ask) / 2, quote.mid());
    }
}
