package eu.bborelay.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void parsesBinanceTextExactly() {
        assertEquals(6_183_763_000_000L, Decimals.parse("61837.63000000", 8));
        assertEquals(6_180_020_000_000L, Decimals.parse("61800.20", 8));
        assertEquals(100_000L, Decimals.parse("0.00100000", 8));
        assertEquals(0, Decimals.parse("0.00000000", 8));
        assertEquals(0, Decimals.parse("0", 8));
        assertEquals(1, Decimals.parse("0.00000001", 8));
        assertEquals(50_000_000L, Decimals.parse(".5", 8));
        assertEquals(500_000_000L, Decimals.parse("5.", 8));
        assertEquals(813, Decimals.parse("813", 0));
        assertEquals(7_504, Decimals.parse("7.5040", 3)); // trailing zero beyond the scale is fine
    }

    @Test
    void rejectsInsteadOfRounding() {
        assertEquals(Decimals.INVALID, Decimals.parse("0.000000001", 8)); // a 9th digit
        assertEquals(Decimals.INVALID, Decimals.parse("7.5041", 3));
        assertEquals(Decimals.INVALID, Decimals.parse("-1.0", 8));
        assertEquals(Decimals.INVALID, Decimals.parse("1e5", 8));
        assertEquals(Decimals.INVALID, Decimals.parse("", 8));
        assertEquals(Decimals.INVALID, Decimals.parse(".", 8));
        assertEquals(Decimals.INVALID, Decimals.parse("1.2.3", 8));
        assertEquals(Decimals.INVALID, Decimals.parse(" 1", 8));
    }

    @Test
    void rangeAtScale8() {
        assertEquals(Long.MAX_VALUE, Decimals.parse(Decimals.MAX_AT_SCALE_8_TEXT, 8));
        assertEquals(Decimals.INVALID, Decimals.parse("92233720368.54775808", 8));
        assertEquals(Decimals.INVALID, Decimals.parse("92233720369", 8));
        assertEquals(Decimals.INVALID, Decimals.parse("99999999999999999999999", 8));
        assertEquals(9_223_372_036_854_775_800L, Decimals.parse("92233720368547758.00", 2));
    }

    @Test
    void formatsWithFixedScale() {
        assertEquals("61837.63000000", Decimals.toString(6_183_763_000_000L, 8));
        assertEquals("0.00000001", Decimals.toString(1, 8));
        assertEquals("0.000", Decimals.toString(0, 3));
        assertEquals("813", Decimals.toString(813, 0));
        for (String s : new String[] {"61837.63000000", "0.00100000", "123.45678901"}) {
            assertEquals(s, Decimals.toString(Decimals.parse(s, 8), 8));
        }
    }
}
