package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import eu.bborelay.common.Trade;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link TradeParser} with arbitrary text. Property: it never throws; a TRADE is sane (a symbol, a finite
 * price above 0, a finite quantity at least 0, a side, ids as its type says), so no malformed message becomes a
 * trade; INVALID always names a reason and NOT_DATA never does; a fresh parser agrees (the reused state leaks
 * nothing between calls).
 *
 * <p>Normal builds run the seed corpus (hand-written messages in Binance's spot, USD-M and COIN-M shapes) in
 * {@code src/test/resources/eu/bborelay/sender/TradeParserFuzzTestInputs} (Jazzer's regression mode). A fuzzing
 * run: {@code JAZZER_FUZZ=1 mvn -pl sender -am test -Dtest=TradeParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TradeParserFuzzTest {
    private final TradeParser parser = new TradeParser();
    private final TradeParser fresh = new TradeParser();

    @FuzzTest(maxDuration = "2m")
    void parserNeverThrowsAndOnlySaneTradesPass(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Trade trade = new Trade();
        TradeParser.Result result = parser.parse(text, trade);
        switch (result) {
            case TRADE -> {
                assertNull(parser.invalidReason());
                assertTrue(!trade.symbol().isEmpty(), "symbol");
                assertTrue(trade.price() > 0 && trade.price() < Double.POSITIVE_INFINITY,
                        () -> "price " + trade.price() + " from " + text);
                assertTrue(trade.qty() >= 0 && trade.qty() < Double.POSITIVE_INFINITY,
                        () -> "qty " + trade.qty() + " from " + text);
                assertNotNull(trade.takerSide());
                if (trade.type() == Trade.Type.TRADE) {
                    assertEquals(Trade.NO_ID, trade.aggId());
                } else {
                    assertEquals(Trade.NO_ID, trade.tradeId());
                }
            }
            case INVALID -> assertNotNull(parser.invalidReason());
            case NOT_DATA -> assertNull(parser.invalidReason());
        }
        Trade again = new Trade();
        assertEquals(result, fresh.parse(text, again), "a fresh parser agrees");
        if (result == TradeParser.Result.TRADE) {
            assertEquals(trade.toString(), again.toString());
        }
    }
}
