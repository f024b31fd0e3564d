package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import eu.bborelay.common.BookTicker;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link BookTickerParser} with arbitrary text. Property: it never throws; a QUOTE is sane (symbol present,
 * 0 < bid < ask, finite prices, quantities >= 0), so no malformed message can become a price; INVALID always names a
 * reason and the others never do; parsing is deterministic (the reused parser state leaks nothing between calls).
 *
 * <p>Normal builds run the seed corpus (hand-written messages in Binance's shapes; recorded data stays in shared/) in
 * {@code src/test/resources/eu/bborelay/sender/BookTickerParserFuzzTestInputs} (Jazzer's regression mode). A fuzzing
 * run: {@code JAZZER_FUZZ=1 mvn -pl sender -am test -Dtest=BookTickerParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (each @FuzzTest fuzzes for its maxDuration; new crashing inputs land next to the seeds).
 */
class BookTickerParserFuzzTest {
    private final BookTickerParser parser = new BookTickerParser();
    private final BookTickerParser fresh = new BookTickerParser();

    @FuzzTest(maxDuration = "2m")
    void parserNeverThrowsAndOnlySaneQuotesPass(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        BookTicker quote = new BookTicker();
        BookTickerParser.Result result = parser.parse(text, quote);
        switch (result) {
            case QUOTE -> {
                assertNull(parser.invalidReason());
                assertNotNull(quote.symbol());
                assertTrue(!quote.symbol().isEmpty(), "symbol");
                assertTrue(quote.bid() > 0 && quote.bid() < quote.ask() && quote.ask() < Double.POSITIVE_INFINITY,
                        () -> "prices " + quote.bid() + " / " + quote.ask() + " from " + text);
                assertTrue(quote.bidQty() >= 0 && quote.askQty() >= 0
                        && quote.bidQty() < Double.POSITIVE_INFINITY && quote.askQty() < Double.POSITIVE_INFINITY,
                        () -> "quantities from " + text);
            }
            case INVALID -> assertNotNull(parser.invalidReason());
            case NOT_DATA, SERVER_SHUTDOWN -> assertNull(parser.invalidReason());
        }
        BookTicker again = new BookTicker();
        assertEquals(result, fresh.parse(text, again), "a fresh parser agrees");
        if (result == BookTickerParser.Result.QUOTE) {
            assertEquals(quote.updateId(), again.updateId());
            assertEquals(quote.bid(), again.bid());
        }
    }
}
