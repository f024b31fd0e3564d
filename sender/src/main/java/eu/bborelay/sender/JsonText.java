package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * What the allocation-free Binance parsers ({@link BookTickerParser}, {@link TradeParser})
 * share: comparisons of Jackson's current string token without making a {@code String} of it, numbers straight from
 * Jackson's character buffer, and a table of the symbols seen so far so that a symbol is the same {@code String}
 * instance every time.
 *
 * <p>An instance holds the symbol table and a {@link DecimalText}: not thread-safe, one per parser. The static
 * methods are stateless.
 */
final class JsonText {
    /** Most distinct symbols kept; more are still parsed, as a new String each time. */
    static final int MAX_INTERNED_SYMBOLS = 4096;

    private final DecimalText decimal = new DecimalText();
    /** Open addressing by String hash; the symbols seen so far, each one instance. */
    private String[] symbols = new String[64];
    private int symbolCount;

    /**
     * The current number or string token as a double: {@link DecimalText} for plain decimals, else
     * {@link Double#parseDouble} (exponents, long digit strings).
     *
     * @return the value, or NaN when the text is no number ({@code Double.parseDouble} would throw)
     */
    double number(JsonParser p) throws IOException {
        char[] text = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        if (decimal.parse(text, offset, length)) {
            return decimal.value();
        }
        try {
            return Double.parseDouble(new String(text, offset, length));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The current string token as a symbol: the instance seen before, or a new one (kept if there is room). */
    String symbol(JsonParser p) throws IOException {
        char[] text = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + text[offset + i]; // String.hashCode, cached by every String in the table
        }
        int mask = symbols.length - 1;
        for (int i = (hash ^ (hash >>> 16)) & mask; ; i = (i + 1) & mask) {
            String known = symbols[i];
            if (known == null) {
                String fresh = new String(text, offset, length);
                if (symbolCount < MAX_INTERNED_SYMBOLS) {
                    symbols[i] = fresh;
                    if (++symbolCount * 2 > symbols.length) {
                        rehash();
                    }
                }
                return fresh;
            }
            if (known.hashCode() == hash && sameChars(known, text, offset, length)) {
                return known;
            }
        }
    }

    private void rehash() {
        String[] old = symbols;
        symbols = new String[old.length * 2];
        int mask = symbols.length - 1;
        for (String s : old) {
            if (s != null) {
                int h = s.hashCode();
                int i = (h ^ (h >>> 16)) & mask;
                while (symbols[i] != null) {
                    i = (i + 1) & mask;
                }
                symbols[i] = s;
            }
        }
    }

    static boolean sameChars(String s, char[] text, int offset, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != text[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether the current string token equals {@code s}, without making a String of it. */
    static boolean textEquals(JsonParser p, String s) throws IOException {
        return sameChars(s, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    /** Whether the current string token ends with {@code suffix}, without making a String of it. */
    static boolean textEndsWith(JsonParser p, String suffix) throws IOException {
        int length = p.getTextLength();
        int n = suffix.length();
        if (length < n) {
            return false;
        }
        char[] text = p.getTextCharacters();
        int start = p.getTextOffset() + length - n;
        for (int i = 0; i < n; i++) {
            if (text[start + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
