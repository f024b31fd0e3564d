package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SenderStatsTest {
    @Test
    void logLineHasTheDocumentedShape() {
        SenderStats s = new SenderStats(1_000, 990, 980, 3, 7, 4, Map.of(InvalidReason.BAD_PRICE, 2L,
                InvalidReason.MALFORMED_JSON, 4L), 0, 1, 990, true, true, "00112233445566778899aabbccddeeff");
        assertEquals("Stats: received=1000 taken=990 sent=980 invalid{missing_field=0 bad_price=2 crossed_book=0"
                + " malformed_json=4} not_data=4 dropped=3 conflated=7 reconnects{binance=0 receiver=1} seq=990"
                + " binance=connected receiver=connected", s.logLine());
        assertEquals(6, s.invalidTotal());
        assertEquals(0L, s.invalid().get(InvalidReason.MISSING_FIELD), "every reason present");
    }

    @Test
    void disconnectedLegsAreSpelledOut() {
        SenderStats s = new SenderStats(0, 0, 0, 0, 0, 0, Map.of(), 2, 0, 0, false, false, "x");
        assertEquals("Stats: received=0 taken=0 sent=0 invalid{missing_field=0 bad_price=0 crossed_book=0"
                + " malformed_json=0} not_data=0 dropped=0 conflated=0 reconnects{binance=2 receiver=0} seq=0"
                + " binance=disconnected receiver=disconnected", s.logLine());
        assertThrows(UnsupportedOperationException.class, () -> s.invalid().put(InvalidReason.BAD_PRICE, 1L));
    }

    @Test
    void aSenderWithTradesShowsThemInItsLine() {
        SenderStats s = new SenderStats(100, 90, 80, 6, 4, 10, Map.of(), 0, 0, 90, true, true, "x",
                new SenderStats.Trades(true, 30, 5, 33, 2, 0, 1));
        assertEquals("Stats: received=100 taken=90 sent=80 invalid{missing_field=0 bad_price=0 crossed_book=0"
                + " malformed_json=0} not_data=10 dropped=6 conflated=4 trades{taken=30 agg_taken=5 sent=33"
                + " queue_dropped=2 waiting=0 duplicates=1} reconnects{binance=0 receiver=0} seq=90 binance=connected"
                + " receiver=connected", s.logLine());
    }
}
