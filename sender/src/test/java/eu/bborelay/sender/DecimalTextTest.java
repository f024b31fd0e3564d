package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link DecimalText} gives bit for bit what {@link Double#parseDouble} gives, or declines. */
class DecimalTextTest {
    private final DecimalText decimal = new DecimalText();

    @Test
    void binanceShapesAndEdgeCases() {
        for (String s : new String[] {"61837.63000000", "61837.64000000", "0.00000001", "1.50000000", "0", "0.0",
                "-0", "-0.0", "12", "00012.500", "1.", ".5", "-3.25", "9007199254740992", "0.1", "0.3",
                "123456789012345.6", "0.0000000000000000000001"}) {
            assertSame(s);
        }
        assertTrue(decimal.parse("61837.63000000".toCharArray(), 0, 14));
        assertEquals(61837.63, decimal.value());
    }

    @Test
    void declinesWhatTheFastPathCannotConvertExactly() {
        for (String s : new String[] {"", "-", ".", "1e5", "1E-3", "+1", " 1", "1 ", "NaN", "Infinity", "0x1p3",
                "1.5d", "1..2", "1.2.3", "9007199254740993", "12345678901234567890", "1.00000000000000000000001",
                "--1", "1-", "1234567890.1234567890123"}) {
            char[] c = s.toCharArray();
            assertFalse(decimal.parse(c, 0, c.length), s);
        }
    }

    @Test
    void agreesWithTheJdkOnAMillionRandomDecimals() {
        SplittableRandom random = new SplittableRandom(20261121);
        StringBuilder sb = new StringBuilder();
        int converted = 0;
        for (int n = 0; n < 1_000_000; n++) {
            sb.setLength(0);
            if (random.nextInt(10) == 0) {
                sb.append('-');
            }
            int intDigits = random.nextInt(0, 12);
            for (int i = 0; i < intDigits; i++) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
            if (intDigits == 0 || random.nextBoolean()) {
                sb.append('.');
                int frac = random.nextInt(intDigits == 0 ? 1 : 0, 24);
                for (int i = 0; i < frac; i++) {
                    sb.append((char) ('0' + random.nextInt(10)));
                }
            }
            String s = sb.toString();
            char[] c = s.toCharArray();
            if (decimal.parse(c, 0, c.length)) {
                converted++;
                assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)),
                        Double.doubleToRawLongBits(decimal.value()), s);
            }
        }
        assertTrue(converted > 200_000, "the fast path took " + converted);
    }

    private void assertSame(String s) {
        char[] c = ("xx" + s + "yy").toCharArray();
        assertTrue(decimal.parse(c, 2, s.length()), s);
        assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(decimal.value()),
                s);
    }
}
