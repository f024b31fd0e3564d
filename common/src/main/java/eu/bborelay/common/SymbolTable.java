package eu.bborelay.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Interns symbols so the per-message path allocates no {@code String} (decode) and no {@code byte[]} (encode).
 * Bounded: after {@link #MAX_ENTRIES} distinct symbols it stops caching and allocates. Not thread-safe: one per
 * connection or codec.
 */
final class SymbolTable {
    static final int MAX_ENTRIES = 4096;

    private byte[][] keys = new byte[64][];
    private String[] values = new String[64];
    private int size;
    private final Map<String, byte[]> bytesBySymbol = new HashMap<>();

    /** The String for the UTF-8 bytes {@code buf[0, len)}; cached instance when seen before. */
    String intern(byte[] buf, int len) {
        int mask = keys.length - 1;
        int i = hash(buf, len) & mask;
        while (keys[i] != null) {
            if (keys[i].length == len && Arrays.equals(keys[i], 0, len, buf, 0, len)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        String s = new String(buf, 0, len, StandardCharsets.UTF_8);
        if (size < MAX_ENTRIES) {
            keys[i] = Arrays.copyOf(buf, len);
            values[i] = s;
            if (++size * 2 > keys.length) {
                grow();
            }
        }
        return s;
    }

    /** UTF-8 bytes of {@code symbol}; cached. */
    byte[] bytes(String symbol) {
        byte[] b = bytesBySymbol.get(symbol);
        if (b == null) {
            b = symbol.getBytes(StandardCharsets.UTF_8);
            if (bytesBySymbol.size() < MAX_ENTRIES) {
                bytesBySymbol.put(symbol, b);
            }
        }
        return b;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        String[] oldValues = values;
        keys = new byte[oldKeys.length * 2][];
        values = new String[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = hash(oldKeys[j], oldKeys[j].length) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    private static int hash(byte[] buf, int len) {
        int h = 1;
        for (int i = 0; i < len; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }
}
