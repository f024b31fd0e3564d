package eu.bborelay.replay;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The REST side of the replay: {@code GET /api/v3/exchangeInfo} (spot), {@code /fapi/v1/exchangeInfo} (USD-M) and
 * {@code /dapi/v1/exchangeInfo} (COIN-M) in Binance's shape, listing every symbol of the recordings as
 * {@code TRADING} unless {@link #symbolStatus(String, String) set otherwise}. Other methods get 405; only the fields a
 * symbol check reads are filled in.
 *
 * <p><b>Threads.</b> Owner: the JDK HTTP server's dispatcher thread, which answers every request; the recordings are
 * read once, at the first request. {@link #symbolStatus}, {@link #requests()} and {@link #port()} are called from any
 * thread (a concurrent map and an atomic counter).
 */
final class RestEndpoints {
    private final List<Path> recordings;
    private final ConcurrentHashMap<String, String> statusOverrides = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final HttpServer server;
    private Map<String, String> recordedSymbols; // symbol -> status; dispatcher thread only

    /**
     * Binds an ephemeral port on {@code host} and starts answering.
     *
     * @throws IOException when the address cannot be bound
     */
    RestEndpoints(String host, List<Path> recordings) throws IOException {
        this.recordings = List.copyOf(recordings);
        server = HttpServer.create(new InetSocketAddress(host, 0), 16);
        server.createContext("/api/v3/exchangeInfo", this::exchangeInfo);
        server.createContext("/fapi/v1/exchangeInfo", this::exchangeInfo);
        server.createContext("/dapi/v1/exchangeInfo", this::exchangeInfo);
        server.setExecutor(null); // its own dispatcher thread
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The status exchangeInfo reports for {@code symbol} (upper-cased), e.g. {@code BREAK}; adds it if absent. */
    void symbolStatus(String symbol, String status) {
        statusOverrides.put(symbol.toUpperCase(Locale.ROOT), Objects.requireNonNull(status, "status"));
    }

    /** Requests answered (any path, any method). */
    long requests() {
        return requests.get();
    }

    void stop() {
        server.stop(0);
    }

    private void exchangeInfo(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, String> symbols = new TreeMap<>(recordedSymbols());
            symbols.putAll(statusOverrides);
            String path = exchange.getRequestURI().getPath();
            boolean usdm = path.startsWith("/fapi/");
            boolean coinm = path.startsWith("/dapi/");
            StringBuilder sb = new StringBuilder("{\"timezone\":\"UTC\",\"serverTime\":")
                    .append(System.currentTimeMillis())
                    .append(usdm ? ",\"futuresType\":\"U_MARGINED\"" : "")
                    .append(",\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
                            + "\"intervalNum\":1,\"limit\":6000}],\"exchangeFilters\":[],")
                    .append(usdm ? "\"assets\":[]," : "").append("\"symbols\":[");
            boolean first = true;
            for (Map.Entry<String, String> e : symbols.entrySet()) {
                String symbol = e.getKey();
                sb.append(first ? "" : ",").append("{\"symbol\":\"").append(symbol).append("\",");
                if (usdm) {
                    sb.append("\"pair\":\"").append(symbol).append("\",\"contractType\":\"PERPETUAL\",");
                } else if (coinm) {
                    int underscore = symbol.indexOf('_');
                    String pair = underscore > 0 ? symbol.substring(0, underscore) : symbol;
                    String contract = symbol.endsWith("_PERP") ? "PERPETUAL" : "CURRENT_QUARTER";
                    sb.append("\"pair\":\"").append(pair).append("\",\"contractType\":\"").append(contract)
                            .append("\",");
                }
                // COIN-M reports contractStatus; spot and USD-M status
                sb.append(coinm ? "\"contractStatus\":\"" : "\"status\":\"").append(e.getValue())
                        .append("\",\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.01\","
                                + "\"maxPrice\":\"1000000.00\",\"tickSize\":\"0.01\"}],\"permissions\":[]}");
                first = false;
            }
            byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** Upper-case symbols of every stream in the recordings, each TRADING; read once. */
    private Map<String, String> recordedSymbols() {
        Map<String, String> m = recordedSymbols;
        if (m == null) {
            Map<String, String> found = new TreeMap<>();
            try (RecordingReader r = new RecordingReader(recordings)) {
                RecordedMessage msg;
                while ((msg = r.next()) != null) {
                    int at = msg.stream.indexOf('@');
                    if (at > 0) {
                        found.put(msg.stream.substring(0, at).toUpperCase(Locale.ROOT), "TRADING");
                    }
                }
            }
            m = Collections.unmodifiableMap(found);
            recordedSymbols = m;
        }
        return m;
    }
}
