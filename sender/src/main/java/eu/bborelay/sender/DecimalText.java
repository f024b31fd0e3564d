package eu.bborelay.sender;

/**
 * Plain decimal text ({@code 61837.63000000}, {@code -0.5}, {@code 12}) to the nearest {@code double}, without
 * allocating: the exact fast path of Clinger (1990). When the decimal's integer significand {@code m} (its digits
 * without the point, trailing fraction zeros dropped) is at most 2^53 (so it is exact in a double; any 15 digits
 * are) and it has at most 22 fraction digits (so {@code 10^k} is exact), the IEEE division {@code m / 10^k} is
 * correctly rounded, which is exactly what {@link Double#parseDouble} returns. Anything else (exponents, signs other than a leading minus, blanks, more
 * digits, hex, {@code NaN}...) is declined, and the caller falls back to {@link Double#parseDouble}.
 *
 * <p>Binance sends every price and quantity as such a string, with at most 8 fraction digits.
 *
 * <p>Not thread-safe: {@link #value()} belongs to the last {@link #parse}.
 */
final class DecimalText {
    /** Every power of ten that a double holds exactly. */
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    };
    /** Integers up to 2^53 are exact in a double. */
    private static final long MAX_EXACT = 1L << 53;
    /** Beyond this many significant digits the significand is not accumulated (it could overflow a long). */
    private static final int MAX_DIGITS = 18;

    private double value;

    /**
     * Parses {@code text[offset, offset + length)}.
     *
     * @return true with the nearest double in {@link #value()}; false when the text is not a plain decimal this
     *         fast path can convert exactly (the caller then uses {@link Double#parseDouble})
     */
    boolean parse(char[] text, int offset, int length) {
        int i = offset;
        int end = offset + length;
        if (i == end) {
            return false;
        }
        boolean negative = text[i] == '-';
        if (negative) {
            i++;
        }
        long significand = 0;
        int digits = 0; // significant digits accumulated
        int fractionDigits = 0;
        boolean sawDigit = false;
        boolean sawPoint = false;
        for (; i < end; i++) {
            char c = text[i];
            if (c >= '0' && c <= '9') {
                sawDigit = true;
                if (sawPoint) {
                    fractionDigits++;
                }
                if (significand == 0 && c == '0') {
                    continue; // a leading zero: no significant digit yet
                }
                if (++digits > MAX_DIGITS) {
                    return false;
                }
                significand = significand * 10 + (c - '0');
            } else if (c == '.' && !sawPoint) {
                sawPoint = true;
            } else {
                return false;
            }
        }
        if (!sawDigit) {
            return false;
        }
        while (fractionDigits > 0 && significand != 0 && significand % 10 == 0) {
            significand /= 10; // trailing fraction zeros: 61837.63000000 is 6183763 / 10^2
            fractionDigits--;
        }
        if (significand > MAX_EXACT || fractionDigits >= POWERS_OF_TEN.length) {
            return false;
        }
        double v = fractionDigits == 0 ? significand : significand / POWERS_OF_TEN[fractionDigits];
        value = negative ? -v : v;
        return true;
    }

    /** The result of the last successful {@link #parse}. */
    double value() {
        return value;
    }
}
