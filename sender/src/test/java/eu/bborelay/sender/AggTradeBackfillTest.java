package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AggTradeBackfill} against a real HTTP server on loopback that answers {@code GET /api/v3/aggTrades} in
 * Binance's shape: pages of at most 1,000, the weight budget, 429 with Retry-After, answers without the ids.
 */
class AggTradeBackfillTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private HttpServer server;
    private AggTradeBackfill backfill;
    private final List<Trade> got = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> queries = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        if (backfill != null) {
            backfill.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void uriAndWeightFollowTheMarket() {
        assertEquals(URI.create("https://fapi.binance.com/fapi/v1/aggTrades"),
                AggTradeBackfill.aggTradesUri(URI.create("https://fapi.binance.com/fapi/v1/exchangeInfo")));
        assertEquals(URI.create("http://127.0.0.1:9/api/v3/aggTrades"),
                AggTradeBackfill.aggTradesUri(URI.create("http://127.0.0.1:9/api/v3/exchangeInfo")));
        assertEquals(4, AggTradeBackfill.weightOf(URI.create("https://api.binance.com/api/v3/aggTrades")));
        assertEquals(20, AggTradeBackfill.weightOf(URI.create("https://fapi.binance.com/fapi/v1/aggTrades")));
        assertEquals(20, AggTradeBackfill.weightOf(URI.create("https://dapi.binance.com/dapi/v1/aggTrades")));
        assertThrows(IllegalArgumentException.class, () -> new AggTradeBackfill(
                URI.create("https://fapi.binance.com/fapi/v1/aggTrades"), 19, t -> { }));
    }

    @Test
    @Timeout(60)
    void aHoleOf2500IsFetchedInThreePagesInIdOrderMarkedBackfilled() throws Exception {
        start(q -> page(q, Long.MAX_VALUE));
        backfill = new AggTradeBackfill(uri(), 600, t -> got.add(t.copy()));
        backfill.start();
        backfill.request("BTCUSDT", 10_000, 12_500);
        Await.until("2500 trades", WAIT, () -> got.size() == 2_500, got::size);
        for (int i = 0; i < got.size(); i++) {
            Trade t = got.get(i);
            assertEquals(10_000 + i, t.aggId());
            assertTrue(t.backfilled());
            assertEquals("BTCUSDT", t.symbol());
            assertEquals(Trade.Type.AGG_TRADE, t.type());
            assertEquals(0, t.eventTimeMs());
        }
        assertEquals(Trade.Side.SELL, got.get(0).takerSide(), "m=true: the buyer made, the seller took");
        assertEquals(Trade.Side.BUY, got.get(1).takerSide());
        assertEquals(100.5, got.get(0).price());
        assertEquals(2.0, got.get(0).qty());
        assertEquals(3, backfill.requests());
        assertEquals(12, backfill.weightUsed(), "4 per spot request");
        assertEquals(List.of("1000", "1000", "500"), queries.stream().map(q -> q.get("limit")).toList());
        assertEquals(List.of("10000", "11000", "12000"), queries.stream().map(q -> q.get("fromId")).toList());
        assertEquals(2_500, backfill.filled());
        assertEquals(0, backfill.unfilled());
        assertEquals(2_500, backfill.requested());
    }

    @Test
    @Timeout(60)
    void theWeightBudgetHoldsRequestsToTheNextWindow() throws Exception {
        start(q -> page(q, Long.MAX_VALUE));
        Duration window = Duration.ofSeconds(2);
        backfill = new AggTradeBackfill(uri(), 4, t -> got.add(t.copy()), window); // one spot request per window
        long startNanos = System.nanoTime();
        backfill.start();
        backfill.request("BTCUSDT", 1, 2_501);
        Await.until("2500 trades", WAIT, () -> got.size() == 2_500, got::size);
        long elapsed = System.nanoTime() - startNanos;
        assertEquals(3, backfill.requests());
        assertTrue(elapsed >= 2 * window.toNanos() - 50_000_000L,
                "three requests of weight 4 with a budget of 4 per window span at least two windows: " + elapsed);
    }

    @Test
    @Timeout(60)
    void http429PausesForRetryAfterAndThenFills() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(q -> calls.incrementAndGet() == 1 ? new Answer(429, "{\"code\":-1003,\"msg\":\"Too many requests\"}",
                "1") : page(q, Long.MAX_VALUE));
        backfill = new AggTradeBackfill(uri(), 600, t -> got.add(t.copy()));
        backfill.start();
        backfill.request("BTCUSDT", 5, 8);
        Await.until("3 trades", WAIT, () -> got.size() == 3, got::size);
        assertEquals(1, backfill.rateLimited());
        assertEquals(2, backfill.requests());
        assertEquals(0, backfill.unfilled());
    }

    @Test
    @Timeout(60)
    void idsRestDoesNotHaveAreRetriedThenCountedAsUnfilled() throws Exception {
        start(q -> page(q, 104)); // REST knows ids up to 104 only
        backfill = new AggTradeBackfill(uri(), 600, t -> got.add(t.copy()));
        backfill.start();
        backfill.request("BTCUSDT", 100, 110);
        Await.until("given up", WAIT, () -> backfill.unfilled() == 5, backfill::unfilled);
        assertEquals(5, got.size());
        assertEquals(5, backfill.filled());
        assertEquals(1 + AggTradeBackfill.MAX_ATTEMPTS, backfill.requests(), "one that filled, then the retries");
    }

    @Test
    @Timeout(60)
    void idsAnAnswerSkipsAreUnfilledAndServerErrorsAreRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(q -> {
            if (calls.incrementAndGet() == 1) {
                return new Answer(503, "busy", null);
            }
            long from = Long.parseLong(q.get("fromId"));
            return new Answer(200, "[" + row(from) + "," + row(from + 2) + "]", null); // from + 1 missing
        });
        backfill = new AggTradeBackfill(uri(), 600, t -> got.add(t.copy()));
        backfill.start();
        backfill.request("ETHUSDT", 50, 53);
        Await.until("filled", WAIT, () -> backfill.filled() == 2, backfill::filled);
        assertEquals(List.of(50L, 52L), got.stream().map(Trade::aggId).toList());
        assertEquals(1, backfill.unfilled());
        assertEquals(1, backfill.errors());
    }

    // ------------------------------------------------------------------------------------------------------------

    private record Answer(int status, String body, String retryAfter) {
    }

    /** Binance's shape, ids {@code fromId..} up to {@code limit} and {@code maxId}; even ids {@code m=true}. */
    private static Answer page(Map<String, String> q, long maxId) {
        long from = Long.parseLong(q.get("fromId"));
        int limit = Integer.parseInt(q.get("limit"));
        StringBuilder sb = new StringBuilder("[");
        for (long a = from; a < from + limit && a <= maxId; a++) {
            sb.append(a == from ? "" : ",").append(row(a));
        }
        return new Answer(200, sb.append(']').toString(), null);
    }

    private static String row(long a) {
        return "{\"a\":" + a + ",\"p\":\"100.50\",\"q\":\"2.000\",\"f\":" + (a * 2) + ",\"l\":" + (a * 2 + 1)
                + ",\"T\":1700000000000,\"m\":" + (a % 2 == 0) + ",\"M\":true}";
    }

    private void start(Function<Map<String, String>, Answer> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v3/aggTrades", e -> {
            Map<String, String> q = query(e);
            queries.add(q);
            Answer a = answers.apply(q);
            reply(e, a);
        });
        server.start();
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v3/aggTrades");
    }

    private static Map<String, String> query(HttpExchange e) {
        Map<String, String> q = new HashMap<>();
        String raw = e.getRequestURI().getRawQuery();
        for (String kv : raw == null ? new String[0] : raw.split("&")) {
            int eq = kv.indexOf('=');
            q.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return q;
    }

    private static void reply(HttpExchange e, Answer a) throws IOException {
        byte[] body = a.body.getBytes(StandardCharsets.UTF_8);
        if (a.retryAfter != null) {
            e.getResponseHeaders().add("Retry-After", a.retryAfter);
        }
        e.getResponseHeaders().add("Content-Type", "application/json");
        e.sendResponseHeaders(a.status, body.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }
}
