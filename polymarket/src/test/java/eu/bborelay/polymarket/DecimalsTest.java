package eu.bborelay.polymarket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecimalsTest {
    @Test
    void parsesPlainDecimalsExactly() {
        assertEquals(301_000, Decimals.parse("0.301"));
        assertEquals(920_000, Decimals.parse("0.920"));
        assertEquals(500_000, Decimals.parse(".5"));
        assertEquals(220_045_000_000L, Decimals.parse("220045"));
        assertEquals(45_830_000, Decimals.parse("45.83"));
        assertEquals(1, Decimals.parse("0.000001"));
        assertEquals(1, Decimals.parse("0.0000010000"), "trailing zeros beyond 6 places are exact");
        assertEquals(0, Decimals.parse("0"));
        assertEquals(1_000_000, Decimals.parse("1."));
    }

    @Test
    void rejectsWhatIsNotExact() {
        for (String bad : new String[] {"", ".", "-0.5", "+1", "1e-3", "0.0000001", "1.2.3", "0x10", " 1", "NaN",
            "99999999999999999999"}) {
            assertEquals(Decimals.INVALID, Decimals.parse(bad), bad);
        }
    }

    @Test
    void formats() {
        assertEquals("0.301", Decimals.toString(301_000));
        assertEquals("220045", Decimals.toString(220_045_000_000L));
        assertEquals("0", Decimals.toString(0));
        assertEquals(0.301, Decimals.toDouble(301_000));
    }
}
