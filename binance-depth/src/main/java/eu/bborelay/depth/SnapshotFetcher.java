package eu.bborelay.depth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST side: {@code GET <rest>/<api>/depth?symbol=X&limit=N} snapshots, requested by a book that needs one
 * ({@link #requestSync}) and every {@code SNAPSHOT_INTERVAL_SECONDS} per symbol for the {@code orderbooks} table,
 * all scheduled through one {@link SnapshotRequestPolicy} (backoff per book, request-weight budget, Binance's
 * {@code X-MBX-USED-WEIGHT-1M} and {@code Retry-After}). At start, {@link #exchangeInfo} reads the market's
 * {@code REQUEST_WEIGHT} limit and the symbols' status.
 *
 * <p><b>Threads.</b> One thread (named by the caller: {@code depth-rest} in the depth recorder,
 * {@code relay-sender-depth-rest} in the sender) owns the policy and performs the requests one at a time
 * (synchronous JDK {@link HttpClient}, 10 s timeout). {@link #requestSync} may be called from any thread (the book
 * thread). Every answer, good or bad, goes to the consumer on that thread as a {@link Result}; the consumer hands it
 * to the book thread.
 *
 * <p>Used by the depth recorder and the relay sender ({@code INCLUDE_DEPTH}): one copy.
 */
public final class SnapshotFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFetcher.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    /**
     * One REST answer (or failure). {@code body} null on failure, {@code error} then says why; {@code sync} true for
     * a book's request ({@link #requestSync}), false for a regular one; times are this host's wall clock.
     */
    public record Result(String symbol, boolean sync, String body, String error, long requestEpochMicros,
                  long receivedEpochNanos) {
    }

    /** What exchangeInfo said. */
    public record ExchangeInfo(int requestWeightPerMinute, Map<String, String> statusBySymbol) {
    }

    private final HttpClient http;
    private final URI restBase;
    private final String apiPath;
    private final int limit;
    private final int weight;
    private final SnapshotRequestPolicy policy;
    private final Consumer<Result> consumer;
    private final ScheduledExecutorService thread;
    private final AtomicLong requestsSent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong delayedByBudget = new AtomicLong();
    private volatile String lastError = "";

    /** As below, on a thread named {@code depth-rest}. */
    public SnapshotFetcher(HttpClient http, URI restBase, String apiPath, int limit, int weight,
                           SnapshotRequestPolicy policy, Consumer<Result> consumer) {
        this(http, restBase, apiPath, limit, weight, policy, consumer, "depth-rest");
    }

    /**
     * @param restBase e.g. {@code https://api.binance.com}
     * @param apiPath e.g. {@code /api/v3}; requests go to {@code restBase + apiPath + "/depth?symbol=X&limit=N"}
     * @param limit the snapshot's {@code limit} (levels per side)
     * @param weight the request weight of one snapshot at that limit
     * @param consumer gets every answer, on this fetcher's thread
     * @param threadName the name of this fetcher's thread
     */
    public SnapshotFetcher(HttpClient http, URI restBase, String apiPath, int limit, int weight,
                           SnapshotRequestPolicy policy, Consumer<Result> consumer, String threadName) {
        this.http = http;
        this.restBase = restBase;
        this.apiPath = apiPath;
        this.limit = limit;
        this.weight = weight;
        this.policy = policy;
        this.consumer = consumer;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** An HTTP client for snapshots: 10 s connect timeout, no redirects. */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Reads {@code GET <rest>/<api>/exchangeInfo} once (at start, on the caller's thread).
     *
     * @return the limit (the {@code REQUEST_WEIGHT} per 1 MINUTE entry of {@code rateLimits}, or {@code fallback}) and
     *     every symbol's {@code status}; null when exchangeInfo cannot be read (logged)
     */
    public static ExchangeInfo exchangeInfo(HttpClient http, URI restBase, String apiPath, int fallback) {
        URI uri = URI.create(restBase + apiPath + "/exchangeInfo");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                LOG.warn("GET {} answered HTTP {}: {}", uri, r.statusCode(), abbreviate(r.body()));
                return null;
            }
            JsonNode root = new ObjectMapper().readTree(r.body());
            int limit = fallback;
            for (JsonNode l : root.path("rateLimits")) {
                if ("REQUEST_WEIGHT".equals(l.path("rateLimitType").asText())
                        && "MINUTE".equals(l.path("interval").asText()) && l.path("intervalNum").asInt(1) == 1
                        && l.path("limit").asInt() > 0) {
                    limit = l.path("limit").asInt();
                }
            }
            Map<String, String> status = new HashMap<>();
            for (JsonNode s : root.path("symbols")) {
                String st = s.has("status") ? s.path("status").asText() : s.path("contractStatus").asText();
                status.put(s.path("symbol").asText(), st);
            }
            return new ExchangeInfo(limit, status);
        } catch (IOException e) {
            LOG.warn("GET {} failed: {}", uri, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Starts the regular snapshots: every symbol once per {@code intervalSeconds}, spread over the interval. */
    public void startRegular(List<String> symbols, int intervalSeconds) {
        if (intervalSeconds <= 0) {
            return;
        }
        long periodMs = intervalSeconds * 1000L;
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            long offsetMs = periodMs * (i + 1) / (symbols.size() + 1);
            thread.scheduleAtFixedRate(() -> fetchWithinBudget(symbol, false), offsetMs, periodMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A book needs a snapshot: fetched after the policy's backoff for its {@code attempt}-th consecutive request
     * and within the weight budget. Any thread.
     */
    public void requestSync(String symbol, int attempt) {
        try {
            thread.execute(() -> {
                long backoff = policy.backoffNanos(attempt);
                if (backoff <= 0) {
                    fetchWithinBudget(symbol, true);
                } else {
                    thread.schedule(() -> fetchWithinBudget(symbol, true), backoff, TimeUnit.NANOSECONDS);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void fetchWithinBudget(String symbol, boolean sync) {
        try {
            fetchWithinBudgetOrThrow(symbol, sync);
        } catch (RuntimeException e) { // a periodic task that throws is never run again: never let one escape
            failures.incrementAndGet();
            lastError = symbol + ": " + e;
            LOG.error("Snapshot request for {} failed unexpectedly", symbol, e);
            if (sync) {
                consumer.accept(new Result(symbol, true, null, e.toString(), epochMicros(), epochNanos()));
            }
        }
    }

    private void fetchWithinBudgetOrThrow(String symbol, boolean sync) {
        long now = System.nanoTime();
        long wait = policy.weightDelayNanos(weight, now);
        if (wait > 0) {
            delayedByBudget.incrementAndGet();
            thread.schedule(() -> fetchWithinBudget(symbol, sync), wait, TimeUnit.NANOSECONDS);
            return;
        }
        policy.onSent(weight, now);
        fetch(symbol, sync);
    }

    private void fetch(String symbol, boolean sync) {
        URI uri = URI.create(restBase + apiPath + "/depth?symbol=" + symbol + "&limit=" + limit);
        long requestMicros = epochMicros();
        requestsSent.incrementAndGet();
        String body = null;
        String error = null;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            long now = System.nanoTime();
            r.headers().firstValue("X-MBX-USED-WEIGHT-1M").ifPresent(v -> {
                try {
                    policy.onUsedWeight(now, Long.parseLong(v.trim()));
                } catch (NumberFormatException e) {
                    // ignore a header we cannot read
                }
            });
            if (r.statusCode() == 200) {
                body = r.body();
            } else {
                if (r.statusCode() == 429 || r.statusCode() == 418) {
                    long retryAfter = r.headers().firstValue("Retry-After").map(SnapshotFetcher::seconds).orElse(60L);
                    policy.onRetryAfter(now, retryAfter);
                }
                error = "HTTP " + r.statusCode() + ": " + abbreviate(r.body());
            }
        } catch (IOException e) {
            error = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (error != null) {
            failures.incrementAndGet();
            lastError = symbol + ": " + error;
        }
        consumer.accept(new Result(symbol, sync, body, error, requestMicros, epochNanos()));
    }

    private static long seconds(String v) {
        try {
            return Math.max(1, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 60;
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** This host's wall clock, ns since the epoch. */
    public static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Snapshot requests sent. */
    public long requestsSent() {
        return requestsSent.get();
    }

    /** Requests that failed (HTTP error, timeout). */
    public long failures() {
        return failures.get();
    }

    /** Times a request waited for the weight budget. */
    public long delayedByBudget() {
        return delayedByBudget.get();
    }

    /** The last failure, or empty. */
    public String lastError() {
        return lastError;
    }

    public static long maxBackoffMillis() {
        return MAX_BACKOFF_MILLIS;
    }

    public static SnapshotRequestPolicy policy(int limitPerMinute, double share, Duration minBackoff) {
        long min = Math.max(1, minBackoff.toMillis());
        return new SnapshotRequestPolicy(limitPerMinute, share, min, Math.max(min, MAX_BACKOFF_MILLIS), new Random());
    }

    /** Stops the thread; an answer in flight may still reach the consumer. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
