package eu.bborelay.replay;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.DepthBookListener;
import eu.bborelay.depth.DepthEvent;
import eu.bborelay.depth.DepthParser;
import eu.bborelay.depth.DepthSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST side of the replay, in Binance's shapes, for spot ({@code /api/v3}), USD-M ({@code /fapi/v1}) and COIN-M
 * ({@code /dapi/v1}):
 * <ul>
 *   <li>{@code GET .../exchangeInfo}: every symbol of the recordings, {@code TRADING} unless
 *       {@link #symbolStatus(String, String) set otherwise}, and the {@code REQUEST_WEIGHT} limit per minute (spot
 *       6000, futures 2400); only the fields a symbol check reads are filled in.</li>
 *   <li>{@code GET .../depth?symbol=X[&limit=N]}: the order book as the recording stands at the timeline's position
 *       ({@link RecordedTruth}): before the timeline has passed the symbol's REST snapshot line, that recorded
 *       snapshot; afterwards the book built from it and every recorded diff passed so far (withheld ones included),
 *       {@code lastUpdateId} = the last applied diff's {@code u}. At most {@code limit} levels per side (spot: default
 *       100, above 5000 truncated to 5000; futures: default 500, above 1000 truncated to 1000). Spot
 *       {@code {"lastUpdateId","bids","asks"}}; futures add {@code E}, {@code T} (of the last applied diff, or of the
 *       snapshot).</li>
 *   <li>{@code GET .../aggTrades?symbol=X[&fromId=N][&startTime=ms][&endTime=ms][&limit=M]}: the recorded aggTrades
 *       passed so far (withheld ones included), {@code [{"a","p","q","f","l","T","m"(,"M" on spot)}]}; default limit
 *       500, max 1000; without {@code fromId}/{@code startTime}/{@code endTime} the most recent ones.</li>
 * </ul>
 * Errors as Binance answers them, HTTP 400: {@code -1102} a missing mandatory parameter, {@code -1100} illegal
 * characters (a lower-case spot symbol, a non-numeric limit), {@code -1121 Invalid symbol.} (not in the recordings, or
 * recorded on another market than the path's). A symbol of the recordings that has no REST snapshot (or no aggTrade
 * stream) gets HTTP 404 with {@code {"code":-1000,"msg":"binance-replay: ..."}} saying so: the replay cannot know that
 * book. Every answer carries {@code X-MBX-USED-WEIGHT-1M}, the weight used in the current wall-clock minute by all
 * requests (Binance's weights: spot depth 5/25/50/250 by limit, aggTrades 4, exchangeInfo 20; futures depth 2/5/10/20,
 * aggTrades 20, exchangeInfo 1). No limit is enforced. Other methods get 405.
 *
 * <p><b>Threads.</b> Owner: the JDK HTTP server's dispatcher thread, which answers every request and alone reads the
 * recordings here (the {@link RecordingIndex} once, at the first request; the {@link RecordedTruth} as the timeline
 * advances). {@link #symbolStatus}, {@link #requests()} and {@link #port()} are called from any thread (a concurrent
 * map and an atomic counter).
 */
final class RestEndpoints {
    private static final Logger log = LoggerFactory.getLogger(RestEndpoints.class);
    private static final Pattern SPOT_SYMBOL = Pattern.compile("^[A-Z0-9-_.]{1,20}$");

    private final List<Path> recordings;
    private final LongSupplier timelinePosition;
    private final ConcurrentHashMap<String, String> statusOverrides = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final HttpServer server;
    // dispatcher thread only:
    private RecordingIndex index;
    private volatile RecordedTruth truth; // volatile: closed by stop() on the caller's thread
    private final Map<String, String> recordedSnapshots = new HashMap<>(); // symbol + "/" + limit -> body
    private final Set<String> wrongMarketLogged = new HashSet<>();
    private long weightMinute = -1;
    private long weightUsed;

    /**
     * Binds {@code port} (0: an ephemeral one) on {@code host} and starts answering.
     *
     * @param timelinePosition the replay's {@link Timeline#position()}
     * @throws IOException when the address cannot be bound
     */
    RestEndpoints(String host, int port, List<Path> recordings, LongSupplier timelinePosition) throws IOException {
        this.recordings = List.copyOf(recordings);
        this.timelinePosition = timelinePosition;
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        for (String prefix : new String[] {"/api/v3/", "/fapi/v1/", "/dapi/v1/"}) {
            server.createContext(prefix + "exchangeInfo", e -> handle(e, this::exchangeInfo));
            server.createContext(prefix + "depth", e -> handle(e, this::depth));
            server.createContext(prefix + "aggTrades", e -> handle(e, this::aggTrades));
        }
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

    /** Stops the HTTP server (its dispatcher thread ends), then closes the recording the truth was reading. */
    void stop() {
        server.stop(0);
        RecordedTruth t = truth;
        if (t != null) {
            t.close();
        }
    }

    /** An answer: HTTP status and JSON body. */
    private record Answer(int status, String body) {
        static Answer error(int status, int code, String msg) {
            return new Answer(status, "{\"code\":" + code + ",\"msg\":\"" + msg.replace("\"", "'") + "\"}");
        }
    }

    /** The path's market: spot, USD-M or COIN-M. */
    private static DepthBook.Market market(String path) {
        return path.startsWith("/fapi/") ? DepthBook.Market.USDM
                : path.startsWith("/dapi/") ? DepthBook.Market.COINM : DepthBook.Market.SPOT;
    }

    @FunctionalInterface
    private interface Handler {
        Answer answer(DepthBook.Market market, Map<String, String> query, int[] weight);
    }

    private void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Answer a;
            int[] weight = {1};
            try {
                a = handler.answer(market(exchange.getRequestURI().getPath()),
                        query(exchange.getRequestURI().getRawQuery()), weight);
            } catch (RuntimeException e) {
                log.error("REST request {} failed", exchange.getRequestURI(), e);
                a = Answer.error(500, -1000, "binance-replay: internal error: " + e);
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            exchange.getResponseHeaders().set("X-MBX-USED-WEIGHT-1M", Long.toString(addWeight(weight[0])));
            exchange.sendResponseHeaders(a.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private long addWeight(int weight) {
        long minute = System.currentTimeMillis() / 60_000;
        if (minute != weightMinute) {
            weightMinute = minute;
            weightUsed = 0;
        }
        weightUsed += weight;
        return weightUsed;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = StreamNames.percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : StreamNames.percentDecode(pair.substring(eq + 1));
            q.putIfAbsent(k, v);
        }
        return q;
    }

    private RecordingIndex index() {
        RecordingIndex i = index;
        if (i == null) {
            i = RecordingIndex.read(recordings);
            index = i;
        }
        return i;
    }

    private RecordedTruth truth() {
        RecordedTruth t = truth;
        if (t == null) {
            t = new RecordedTruth(recordings, index());
            truth = t;
        }
        t.advanceTo(timelinePosition.getAsLong());
        return t;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // exchangeInfo

    private Answer exchangeInfo(DepthBook.Market market, Map<String, String> query, int[] weight) {
        weight[0] = market == DepthBook.Market.SPOT ? 20 : 1;
        Map<String, String> symbols = new TreeMap<>();
        for (String s : index().symbols().keySet()) {
            symbols.put(s, "TRADING");
        }
        symbols.putAll(statusOverrides);
        boolean usdm = market == DepthBook.Market.USDM;
        boolean coinm = market == DepthBook.Market.COINM;
        StringBuilder sb = new StringBuilder("{\"timezone\":\"UTC\",\"serverTime\":")
                .append(System.currentTimeMillis())
                .append(usdm ? ",\"futuresType\":\"U_MARGINED\"" : "")
                .append(",\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
                        + "\"intervalNum\":1,\"limit\":").append(market == DepthBook.Market.SPOT ? 6000 : 2400)
                .append("}],\"exchangeFilters\":[],")
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
        return new Answer(200, sb.append("]}").toString());
    }

    // ----------------------------------------------------------------------------------------------------------------
    // depth

    /** The symbol of a request, or an error answer (as a thrown value, to keep the handlers flat). */
    private RecordingIndex.SymbolInfo symbol(DepthBook.Market market, Map<String, String> query, String path)
            throws ErrorAnswer {
        String s = query.get("symbol");
        if (s == null || s.isEmpty()) {
            throw new ErrorAnswer(Answer.error(400, -1102,
                    "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."));
        }
        if (market == DepthBook.Market.SPOT && !SPOT_SYMBOL.matcher(s).matches()) {
            throw new ErrorAnswer(Answer.error(400, -1100,
                    "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."));
        }
        RecordingIndex.SymbolInfo info = index().symbols().get(s.toUpperCase(Locale.ROOT));
        if (info == null) {
            throw new ErrorAnswer(Answer.error(400, -1121, "Invalid symbol."));
        }
        if (info.market != null && info.market != market) {
            if (wrongMarketLogged.add(info.symbol + "/" + market)) {
                log.info("REST {} for {}: the recording has it on {}, not on this path's market {}: answered -1121"
                        + " Invalid symbol (logged once per symbol and market)", path, info.symbol, info.market,
                        market);
            }
            throw new ErrorAnswer(Answer.error(400, -1121, "Invalid symbol."));
        }
        return info;
    }

    /** {@code limit}: default when absent; an error answer when not a positive integer; at most {@code max}. */
    private static int limit(Map<String, String> query, int defaultLimit, int max, String range)
            throws ErrorAnswer {
        String s = query.get("limit");
        if (s == null || s.isEmpty()) {
            return defaultLimit;
        }
        long n = -1;
        if (s.length() <= 10 && s.chars().allMatch(Character::isDigit)) {
            n = Long.parseLong(s);
        }
        if (n < 1) {
            throw new ErrorAnswer(Answer.error(400, -1100,
                    "Illegal characters found in parameter 'limit'; legal range is '" + range + "'."));
        }
        return (int) Math.min(n, max);
    }

    /** A long parameter, -1 when absent; an error answer when not a non-negative integer. */
    private static long longParam(Map<String, String> query, String name) throws ErrorAnswer {
        String s = query.get(name);
        if (s == null || s.isEmpty()) {
            return -1;
        }
        if (s.length() > 19 || !s.chars().allMatch(Character::isDigit)) {
            throw new ErrorAnswer(Answer.error(400, -1100,
                    "Illegal characters found in parameter '" + name + "'; legal range is '^[0-9]{1,20}$'."));
        }
        return Long.parseLong(s);
    }

    private static final class ErrorAnswer extends Exception {
        final transient Answer answer;

        ErrorAnswer(Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    private Answer depth(DepthBook.Market market, Map<String, String> query, int[] weight) {
        boolean spot = market == DepthBook.Market.SPOT;
        try {
            int limit = spot ? limit(query, 100, 5000, "1-5000") : limit(query, 500, 1000, "5, 10, 20, 50, 100, 500,"
                    + " 1000");
            weight[0] = spot ? (limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250)
                    : (limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20);
            RecordingIndex.SymbolInfo info = symbol(market, query, "depth");
            if (info.snapshotJson == null) {
                return Answer.error(404, -1000, "binance-replay: the recording has no REST depth snapshot of "
                        + info.symbol + (info.depthDiffs ? " (only its diffs, which give no book without one)" : "")
                        + ", so it cannot answer its order book; replay a *snapshot* recording");
            }
            RecordedTruth t = truth();
            RecordedTruth.SymbolBook sb = t.book(info.symbol);
            if (sb == null || !sb.snapshotPassed) {
                return new Answer(200, recordedSnapshot(info, limit, spot));
            }
            if (!sb.book.isSynced()) {
                return Answer.error(503, -1000, "binance-replay: the book of " + info.symbol + " built from the"
                        + " recording is not synced at this point (" + sb.breaks + " breaks in the recording)");
            }
            return new Answer(200, sb.book.book().toSnapshotJson(sb.book.updateId(),
                    spot ? DepthEvent.ABSENT : sb.book.lastEventTimeMs(),
                    spot ? DepthEvent.ABSENT : sb.lastTransactionTimeMs, limit));
        } catch (ErrorAnswer e) {
            return e.answer;
        }
    }

    /** The recorded snapshot of {@code info}, at most {@code limit} levels per side, in the recording's digits. */
    private String recordedSnapshot(RecordingIndex.SymbolInfo info, int limit, boolean spot) {
        return recordedSnapshots.computeIfAbsent(info.symbol + "/" + limit + "/" + spot, k -> {
            DepthParser parser = new DepthParser(info.priceScale, info.quantityScale);
            DepthSnapshot snapshot = new DepthSnapshot();
            if (!parser.parseSnapshot(info.snapshotJson, snapshot)) {
                throw new IllegalStateException("recorded snapshot of " + info.symbol + " unusable: "
                        + parser.error());
            }
            DepthBook book = new DepthBook(info.market == null ? DepthBook.Market.SPOT : info.market, info.symbol,
                    info.priceScale, info.quantityScale, b -> { }, DepthBookListener.NO_OP);
            book.onSnapshot(snapshot);
            return book.book().toSnapshotJson(snapshot.lastUpdateId(),
                    spot ? DepthEvent.ABSENT : snapshot.eventTimeMs(),
                    spot ? DepthEvent.ABSENT : snapshot.transactionTimeMs(), limit);
        });
    }

    // ----------------------------------------------------------------------------------------------------------------
    // aggTrades

    private Answer aggTrades(DepthBook.Market market, Map<String, String> query, int[] weight) {
        boolean spot = market == DepthBook.Market.SPOT;
        weight[0] = spot ? 4 : 20;
        try {
            int limit = limit(query, 500, 1000, "1-1000");
            long fromId = longParam(query, "fromId");
            long startTime = longParam(query, "startTime");
            long endTime = longParam(query, "endTime");
            RecordingIndex.SymbolInfo info = symbol(market, query, "aggTrades");
            if (!info.aggTrades) {
                return Answer.error(404, -1000, "binance-replay: the recording has no aggTrade stream of "
                        + info.symbol + ", so it cannot answer its aggregate trades");
            }
            List<RecordedTruth.AggTrade> all = truth().aggTrades(info.symbol);
            int from;
            int to;
            if (fromId >= 0) {
                from = 0;
                while (from < all.size() && all.get(from).id() < fromId) {
                    from++;
                }
                to = all.size();
            } else if (startTime >= 0 || endTime >= 0) {
                from = 0;
                while (from < all.size() && startTime >= 0 && all.get(from).timeMs() < startTime) {
                    from++;
                }
                to = from;
                while (to < all.size() && (endTime < 0 || all.get(to).timeMs() <= endTime)) {
                    to++;
                }
            } else {
                to = all.size();
                from = Math.max(0, to - limit);
            }
            StringBuilder sb = new StringBuilder("[");
            int n = 0;
            for (int i = from; i < to && n < limit; i++) {
                RecordedTruth.AggTrade t = all.get(i);
                if (fromId >= 0 && (startTime >= 0 && t.timeMs() < startTime || endTime >= 0 && t.timeMs() > endTime)) {
                    continue;
                }
                sb.append(n++ == 0 ? "" : ",").append("{\"a\":").append(t.id()).append(",\"p\":\"").append(t.price())
                        .append("\",\"q\":\"").append(t.quantity()).append("\",\"f\":").append(t.firstTradeId())
                        .append(",\"l\":").append(t.lastTradeId()).append(",\"T\":").append(t.timeMs())
                        .append(",\"m\":").append(t.buyerIsMaker());
                if (spot) {
                    sb.append(",\"M\":").append(t.bestMatch() == null || t.bestMatch());
                }
                sb.append('}');
            }
            return new Answer(200, sb.append(']').toString());
        } catch (ErrorAnswer e) {
            return e.answer;
        }
    }
}
