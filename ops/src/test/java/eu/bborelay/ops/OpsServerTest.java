package eu.bborelay.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The endpoint over a real loopback HTTP connection. */
@Timeout(20)
class OpsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private OpsServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthAnswers200WhenHealthyAnd503WithTheReasonWhenNot() throws Exception {
        AtomicReference<Health> health = new AtomicReference<>(Health.healthy("1 sender connected"));
        server = OpsServer.start("127.0.0.1", 0, health::get, new StatsMetrics<>("x_", () -> 0).registry());
        HttpResponse<String> ok = get("/health");
        assertEquals(200, ok.statusCode());
        assertEquals("{\"status\":\"healthy\",\"reason\":\"1 sender connected\"}\n", ok.body());
        assertEquals("application/json", ok.headers().firstValue("Content-Type").orElse(""));

        health.set(Health.unhealthy("no sender \"connected\""));
        HttpResponse<String> bad = get("/health");
        assertEquals(503, bad.statusCode());
        assertEquals("{\"status\":\"unhealthy\",\"reason\":\"no sender \\\"connected\\\"\"}\n", bad.body());

        assertEquals(404, get("/nothing").statusCode());
    }

    @Test
    void aThrowingHealthCheckIsUnhealthy() throws Exception {
        server = OpsServer.start("127.0.0.1", 0, () -> {
            throw new IllegalStateException("boom");
        }, new StatsMetrics<>("x_", () -> 0).registry());
        HttpResponse<String> r = get("/health");
        assertEquals(503, r.statusCode());
        assertTrue(r.body().contains("boom"), r.body());
    }

    @Test
    void metricsAreReadFromOneSnapshotPerScrapeWithPrometheusNames() throws Exception {
        AtomicLong snapshots = new AtomicLong();
        AtomicLong updates = new AtomicLong(41);
        StatsMetrics<Long> metrics = new StatsMetrics<Long>("bbo_relay_test_", () -> {
            snapshots.incrementAndGet();
            return updates.incrementAndGet();
        })
                .counter("updates", "Updates since start", n -> n)
                .counter("invalid", "Invalid updates by reason", "reason", n -> Map.of("bad_price", 2))
                .gauge("connected", "1 when connected", n -> 1)
                .gauge("last_update_age_seconds", "Age of the latest update", "symbol",
                        n -> Map.of("BTCUSDT", 0.25))
                .gauge("latency_seconds", "Latency percentiles", "symbol", "quantile", n -> {
                    Map<StatsMetrics.LabelPair, Double> m = new LinkedHashMap<>();
                    m.put(new StatsMetrics.LabelPair("BTCUSDT", "0.5"), 0.001);
                    m.put(new StatsMetrics.LabelPair("BTCUSDT", "0.99"), 0.004);
                    return m;
                });
        server = OpsServer.start("127.0.0.1", 0, () -> Health.healthy("ok"), metrics.registry());
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        String body = r.body();
        assertTrue(body.contains("# TYPE bbo_relay_test_updates_total counter"), body);
        assertTrue(body.contains("bbo_relay_test_updates_total 42.0"), body);
        assertTrue(body.contains("bbo_relay_test_invalid_total{reason=\"bad_price\"} 2.0"), body);
        assertTrue(body.contains("bbo_relay_test_connected 1.0"), body);
        assertTrue(body.contains("bbo_relay_test_last_update_age_seconds{symbol=\"BTCUSDT\"} 0.25"), body);
        assertTrue(body.contains("bbo_relay_test_latency_seconds{quantile=\"0.99\",symbol=\"BTCUSDT\"} 0.004"),
                body);
        assertEquals(1, snapshots.get(), "one snapshot for the whole scrape");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theExportersLogDropsAScraperThatHungUpAndKeepsEverythingElse() {
        java.util.List<java.util.logging.LogRecord> kept = new java.util.ArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (isLoggable(record)) {
                    kept.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        server = OpsServer.start("127.0.0.1", 0, () -> Health.healthy("ok"), new StatsMetrics<>("x_", () -> 0).registry());
        java.util.logging.Logger exporter =
                java.util.logging.Logger.getLogger("io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter");
        exporter.addHandler(capture);
        boolean parent = exporter.getUseParentHandlers();
        exporter.setUseParentHandlers(false);
        try {
            exporter.log(java.util.logging.Level.SEVERE, "caught an Exception while trying to send the metrics response.",
                    new IOException("Broken pipe"));
            exporter.log(java.util.logging.Level.SEVERE, "failed to send an error response",
                    new java.io.UncheckedIOException(new IOException("Connection reset by peer")));
            exporter.log(java.util.logging.Level.SEVERE, "a collector threw", new IllegalStateException("bug"));
        } finally {
            exporter.removeHandler(capture);
            exporter.setUseParentHandlers(parent);
        }
        assertEquals(1, kept.size(), "only the non-I/O record is kept");
        assertEquals("bug", kept.get(0).getThrown().getMessage());
    }
}
