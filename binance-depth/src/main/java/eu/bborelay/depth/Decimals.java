package eu.bborelay.depth;

/**
 * Exact decimal prices and quantities as scaled longs: the text {@code "61837.63000000"} at scale 8 is the long
 * {@code 6_183_763_000_000}. Binance sends every price and quantity as a plain decimal string
 * ({@code "0.00100000"}, {@code "61800.20"}), with at most 8 fraction digits (spot assets carry 8 decimals; futures
 * {@code pricePrecision}/{@code quantityPrecision} are smaller), so a long at a fixed scale per book represents every
 * value exactly: levels match by {@code ==}, sort by {@code <}, and need no object per level. {@code BigDecimal} would
 * be exact too but allocates per value; {@code double} would not be exact ({@code 0.1} has no binary form) and sums
 * of quantities would drift.
 *
 * <p>Range: at scale 8 the largest value is {@value #MAX_AT_SCALE_8_TEXT}. A book whose quantities may exceed it
 * (a level of more than 92 billion units of a meme coin) is built with a smaller quantity scale, e.g. the number of
 * decimals of the symbol's {@code LOT_SIZE stepSize}. Parsing rejects, never rounds: a non-zero digit beyond the
 * scale, a sign, an exponent, an empty string or an overflow is an error.
 *
 * <p>Stateless; thread-safe.
 */
public final class Decimals {
    /** The scale every book uses unless told otherwise: 8 fraction digits, Binance's largest precision. */
    public static final int DEFAULT_SCALE = 8;
    /** The largest value at scale 8, as text. */
    public static final String MAX_AT_SCALE_8_TEXT = "92233720368.54775807";
    /** Largest supported scale (10^18 fits a long). */
    public static final int MAX_SCALE = 18;

    /** Returned by {@link #parse} for unusable text; no valid value is negative. */
    public static final long INVALID = -1;

    private static final long[] POW10 = new long[MAX_SCALE + 1];

    static {
        long p = 1;
        for (int i = 0; i <= MAX_SCALE; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Decimals() {
    }

    /** 10^scale. */
    public static long pow10(int scale) {
        checkScale(scale);
        return POW10[scale];
    }

    /** Throws {@link IllegalArgumentException} unless {@code 0 <= scale <= }{@value #MAX_SCALE}. */
    public static int checkScale(int scale) {
        if (scale < 0 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("decimal scale must be 0.." + MAX_SCALE + ", got " + scale);
        }
        return scale;
    }

    /**
     * Parses a plain non-negative decimal ({@code digits[.digits]}) from {@code chars[offset, offset+length)}.
     *
     * @return the value times 10^scale, or {@link #INVALID} when the text is not a plain non-negative decimal, has a
     *     non-zero digit beyond {@code scale}, or overflows a long
     */
    public static long parse(char[] chars, int offset, int length, int scale) {
        if (length <= 0) {
            return INVALID;
        }
        int end = offset + length;
        long value = 0;
        int i = offset;
        int intDigits = 0;
        for (; i < end; i++) {
            char c = chars[i];
            if (c == '.') {
                break;
            }
            int d = c - '0';
            if (d < 0 || d > 9) {
                return INVALID;
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                return INVALID;
            }
            value = value * 10 + d;
            intDigits++;
        }
        int fracDigits = 0;
        int fracSeen = 0;
        if (i < end) { // at '.'
            i++;
            for (; i < end; i++) {
                int d = chars[i] - '0';
                if (d < 0 || d > 9) {
                    return INVALID;
                }
                if (fracDigits < scale) {
                    if (value > (Long.MAX_VALUE - d) / 10) {
                        return INVALID;
                    }
                    value = value * 10 + d;
                    fracDigits++;
                } else if (d != 0) {
                    return INVALID; // would need rounding
                }
                fracSeen++;
            }
        }
        if (intDigits == 0 && fracSeen == 0) {
            return INVALID; // "." or no digit at all
        }
        long mul = POW10[scale - fracDigits];
        if (value > Long.MAX_VALUE / mul) {
            return INVALID;
        }
        return value * mul;
    }

    /** {@link #parse(char[], int, int, int)} of a String (tests, configuration; allocates). */
    public static long parse(String text, int scale) {
        checkScale(scale);
        return parse(text.toCharArray(), 0, text.length(), scale);
    }

    /**
     * The plain decimal text of {@code value / 10^scale} with exactly {@code scale} fraction digits, as Binance
     * writes spot prices ({@code 6183763000000} at scale 8 is {@code "61837.63000000"}). Allocates; not for per-level
     * hot paths.
     */
    public static String toString(long value, int scale) {
        StringBuilder sb = new StringBuilder(24);
        append(sb, value, scale);
        return sb.toString();
    }

    /** Appends the text of {@link #toString(long, int)} to {@code sb}. */
    public static void append(StringBuilder sb, long value, int scale) {
        if (value < 0) {
            sb.append('-');
            value = -value;
        }
        long p = POW10[scale];
        sb.append(value / p);
        if (scale > 0) {
            sb.append('.');
            long frac = value % p;
            String f = Long.toString(frac);
            for (int i = f.length(); i < scale; i++) {
                sb.append('0');
            }
            sb.append(f);
        }
    }

    /** {@code value / 10^scale} as the nearest double (for aggregates such as notionals, never for matching). */
    public static double toDouble(long value, int scale) {
        return (double) value / POW10[scale];
    }
}
