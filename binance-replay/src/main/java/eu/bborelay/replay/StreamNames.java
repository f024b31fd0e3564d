package eu.bborelay.replay;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Stream-name and request-path rules of Binance market streams. Stateless; any thread. */
final class StreamNames {
    private StreamNames() {
    }

    /** What a WebSocket request path asks for: combined ({@code /stream}) or raw ({@code /ws}) payloads, and streams. */
    record Endpoint(boolean combined, List<String> streams) {
    }

    /**
     * Lowercases the symbol part (before the first {@code @}) of a requested stream name, as Binance only knows
     * lowercase symbols; the rest ({@code @bookTicker}, {@code @depth@100ms}, {@code @kline_1m}) is kept as given and
     * matched case-sensitively. Returns {@code null} for a name Binance would call an invalid stream.
     */
    static String normalize(String requested) {
        if (requested == null || requested.isEmpty() || requested.length() > 200) {
            return null;
        }
        for (int i = 0; i < requested.length(); i++) {
            char c = requested.charAt(i);
            if (c <= ' ' || c == '/' || c == '"' || c == '\\' || c > '~') {
                return null;
            }
        }
        if (requested.charAt(0) == '!') {
            return requested; // all-market streams, e.g. !bookTicker, !miniTicker@arr
        }
        int at = requested.indexOf('@');
        if (at <= 0 || at == requested.length() - 1) {
            return null;
        }
        return requested.substring(0, at).toLowerCase(Locale.ROOT) + requested.substring(at);
    }

    /**
     * Parses a request path such as {@code /stream?streams=btcusdt@bookTicker/ethusdt@bookTicker},
     * {@code /ws/btcusdt@bookTicker} or {@code /ws}; returns {@code null} for any other path. Invalid stream names in
     * the path are dropped; duplicates are kept once.
     */
    static Endpoint parseEndpoint(String resourceDescriptor) {
        if (resourceDescriptor == null || resourceDescriptor.isEmpty()) {
            return null;
        }
        int q = resourceDescriptor.indexOf('?');
        String path = q < 0 ? resourceDescriptor : resourceDescriptor.substring(0, q);
        String query = q < 0 ? "" : resourceDescriptor.substring(q + 1);
        if (path.equals("/stream") || path.equals("/stream/")) {
            List<String> streams = new ArrayList<>();
            for (String param : query.split("&")) {
                if (param.startsWith("streams=")) {
                    addAll(streams, percentDecode(param.substring("streams=".length())).split("/"));
                }
            }
            return new Endpoint(true, List.copyOf(streams));
        }
        if (path.equals("/ws") || path.equals("/ws/")) {
            return new Endpoint(false, List.of());
        }
        if (path.startsWith("/ws/")) {
            List<String> streams = new ArrayList<>();
            addAll(streams, percentDecode(path.substring("/ws/".length())).split("/"));
            return new Endpoint(false, List.copyOf(streams));
        }
        return null;
    }

    private static void addAll(List<String> into, String[] names) {
        for (String name : names) {
            String n = normalize(name);
            if (n != null && !into.contains(n)) {
                into.add(n);
            }
        }
    }

    /** Decodes %XX escapes (as UTF-8) only; a '+' stays a '+' (stream names such as {@code btcusdt@kline_1m@+08:00}). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (c == '%' && hi >= 0 && lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                out.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
                out.append(c);
            }
        }
        return out.append(bytes.toString(StandardCharsets.UTF_8)).toString();
    }
}
