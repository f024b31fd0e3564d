package eu.bborelay.polymarket;

import java.math.BigDecimal;

/**
 * Exact decimals as scaled longs: every price and size of this library is a {@code long} in millionths
 * ({@value #SCALE_DIGITS} decimal places), so {@code "0.301"} is {@code 301_000} and {@code "45.83"} shares is
 * {@code 45_830_000}. Polymarket's ticks (0.1, 0.01, 0.001, 0.0001) and its sizes (USDC has 6 decimals) are exact
 * in this unit, so levels are matched by {@code ==} with no binary floating-point error.
 *
 * <p>Stateless and thread-safe; parsing allocates nothing.
 */
public final class Decimals {
    /** Decimal places of the scaled longs. */
    public static final int SCALE_DIGITS = 6;
    /** The scaled value of 1: {@code 1_000_000}. */
    public static final long ONE = 1_000_000L;
    /** Returned by the parse methods for text that is not a plain non-negative decimal with at most 6 places. */
    public static final long INVALID = Long.MIN_VALUE;
    private static final long MAX_BEFORE_DIGIT = (Long.MAX_VALUE - 9) / 10;

    private Decimals() {
    }

    /**
     * Parses a plain decimal such as {@code "0.301"}, {@code "220045"}, {@code ".5"} or {@code "0.920"} into
     * millionths.
     *
     * @return the value in millionths, or {@link #INVALID} when the text is empty, has a sign, an exponent, more than
     *         6 non-zero decimal places, any other character, or does not fit a long
     */
    public static long parse(char[] text, int offset, int length) {
        if (length <= 0) {
            return INVALID;
        }
        long value = 0;
        int fraction = -1; // digits after the point so far; -1 before the point
        boolean digits = false;
        for (int i = offset, end = offset + length; i < end; i++) {
            char c = text[i];
            if (c >= '0' && c <= '9') {
                digits = true;
                if (fraction >= SCALE_DIGITS) {
                    if (c != '0') {
                        return INVALID; // finer than a millionth: not representable exactly
                    }
                    continue;
                }
                if (value > MAX_BEFORE_DIGIT) {
                    return INVALID;
                }
                value = value * 10 + (c - '0');
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return INVALID;
            }
        }
        if (!digits) {
            return INVALID;
        }
        for (int f = Math.max(fraction, 0); f < SCALE_DIGITS; f++) {
            if (value > Long.MAX_VALUE / 10) {
                return INVALID;
            }
            value *= 10;
        }
        return value;
    }

    /** {@link #parse(char[], int, int)} of a string (allocates a char array: not for the per-message path). */
    public static long parse(CharSequence text) {
        char[] chars = text.toString().toCharArray();
        return parse(chars, 0, chars.length);
    }

    /** The shortest plain decimal text of a value in millionths: {@code 301_000} gives {@code "0.301"}. */
    public static String toString(long millionths) {
        return BigDecimal.valueOf(millionths, SCALE_DIGITS).stripTrailingZeros().toPlainString();
    }

    /** The value as a {@code BigDecimal} with trailing zeros stripped. */
    public static BigDecimal toBigDecimal(long millionths) {
        return BigDecimal.valueOf(millionths, SCALE_DIGITS).stripTrailingZeros();
    }

    /** The nearest double (for display, statistics and Parquet float64 columns; never for matching levels). */
    public static double toDouble(long millionths) {
        return millionths / (double) ONE;
    }
}
