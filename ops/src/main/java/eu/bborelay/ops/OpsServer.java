package eu.bborelay.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's operations endpoint on the JDK's built-in HTTP server, one thread ({@code relay-ops-http}), far from
 * the relay's hot path:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 and {@code {"status":"healthy","reason":"..."}} or 503 and
 *       {@code {"status":"unhealthy","reason":"..."}}; the reason says why (not connected, updates too old).</li>
 *   <li>{@code GET /metrics}: Prometheus text exposition of a {@link StatsMetrics} registry.</li>
 * </ul>
 *
 * <p>Both are computed on request from the daemon's stats snapshot. Started by the daemon's main thread, closed by
 * it with try-with-resources; {@code close()} stops at once.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    /**
     * The Prometheus exporter's own {@code java.util.logging} logger (prometheus-metrics-exporter-httpserver
     * {@code HttpExchangeAdapter}): when a scraper hangs up before the answer is written it logs three SEVERE records
     * with stack traces, an operator-facing alarm for a client's timeout. Records caused by an {@link IOException}
     * (the connection, not the daemon) are dropped; anything else still logs. Held here so the JDK's weakly
     * referenced logger, and with it the filter, is not collected.
     */
    static final java.util.logging.Logger EXPORTER_LOG =
            java.util.logging.Logger.getLogger("io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter");

    static {
        EXPORTER_LOG.setFilter(record -> !causedByIo(record.getThrown()));
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts the endpoint.
     *
     * @param bindHost local address, e.g. {@code 0.0.0.0} (in a container, so the port can be published)
     * @param port TCP port; 0 picks a free one (tests), see {@link #port()}
     * @param health evaluated on every {@code GET /health}; must not block
     * @param metrics exported on {@code GET /metrics}
     * @throws UncheckedIOException when the port cannot be bound (the message names it)
     */
    public static OpsServer start(String bindHost, int port, Supplier<Health> health, PrometheusRegistry metrics) {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(metrics, "metrics");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for HTTP on " + bindHost + ":" + port + ": " + e, e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "relay-ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/health", exchange -> answerHealth(exchange, health));
        server.createContext("/metrics", new MetricsHandler(metrics));
        server.createContext("/", exchange -> answer(exchange, 404, "text/plain; charset=utf-8",
                "not found: try /health or /metrics\n"));
        server.start();
        OpsServer ops = new OpsServer(server, executor);
        log.info("Health and metrics on http://{}:{}/health and /metrics", bindHost, ops.port());
        return ops;
    }

    private static boolean causedByIo(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The bound TCP port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answerHealth(HttpExchange exchange, Supplier<Health> health) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            answer(exchange, 405, "text/plain; charset=utf-8", "GET or HEAD\n");
            return;
        }
        Health h;
        try {
            h = health.get();
        } catch (RuntimeException e) {
            h = Health.unhealthy("health check failed: " + e);
        }
        answer(exchange, h.healthy() ? 200 : 503, "application/json", h.toJson() + "\n");
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** Stops listening and ends the HTTP thread; requests in flight are cut. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
