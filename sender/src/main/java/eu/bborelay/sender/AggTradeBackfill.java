package eu.bborelay.sender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.Trade;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills holes of aggregate trade ids (exchange gaps found by {@link TradeIdTracker}) from Binance's public REST:
 * {@code GET <prefix>/aggTrades?symbol=S&fromId=F&limit=N} (spot {@code /api/v3/aggTrades}, weight 4; USD-M
 * {@code /fapi/v1/aggTrades} and COIN-M {@code /dapi/v1/aggTrades}, weight 20; at most 1,000 per request; answer
 * {@code [{"a","p","q","f","l","T","m"(,"M")}]}). Each aggregate trade of the hole is handed to the sink marked
 * {@link Trade#backfilled() backfilled}, with no event time (REST has none); it then gets the next {@code seq} like
 * any other trade. Only closed holes are asked for (a later id has arrived), so the answer is final.
 *
 * <p><b>Weight.</b> A request is made only while the weight used in the current minute (this sender's requests) plus
 * the request's stays within {@code weightPerMinute}; otherwise it waits for the next minute. An HTTP 429 (too many
 * requests) or 418 (IP banned after 429s) stops every request for {@code Retry-After} seconds (60 when absent), as
 * Binance asks ("General Info", "LIMITS"); the hole is retried after. An answer that lacks ids still missing (REST not
 * there yet) is asked again up to {@value #MAX_ATTEMPTS} times, a second apart; other errors likewise. What is not
 * filled in the end is counted ({@link #unfilled()}) and logged, never retried for ever.
 *
 * <p><b>Threads.</b> One thread of its own, {@code relay-sender-backfill}, makes every request and calls the sink.
 * {@link #request} is called by the ingest's producers (the WebSocket read threads): it never blocks (a full queue of
 * holes counts the hole as unfilled) and allocates one small record per hole. Counters are readable from any thread.
 */
final class AggTradeBackfill implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AggTradeBackfill.class);
    /** Binance's most aggregate trades per request. */
    static final int MAX_LIMIT = 1_000;
    /** Holes waiting at most; beyond, a new hole is counted as unfilled at once. */
    static final int MAX_PENDING_HOLES = 4_096;
    /** Longest hole asked for; the rest of a longer one is counted as unfilled. */
    static final long MAX_HOLE = 100_000;
    static final int MAX_ATTEMPTS = 5;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long DEFAULT_RETRY_AFTER_SECONDS = 60;
    private static final JsonFactory JSON = new JsonFactory();

    /** A run of missing aggregate trade ids of one symbol, {@code [fromId, toId)}. */
    private record Hole(String symbol, long fromId, long toId) {
    }

    private final URI aggTradesUri;
    private final int weightPerRequest;
    private final int weightPerMinute;
    /** The budget's window: a minute, as Binance's {@code REQUEST_WEIGHT} limit; shorter in tests. */
    private final long windowNanos;
    private final Consumer<Trade> sink;
    private final HttpClient client;
    private final Duration timeout = Duration.ofSeconds(10);
    private final BlockingQueue<Hole> holes = new ArrayBlockingQueue<>(MAX_PENDING_HOLES);
    private final Thread thread;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong filled = new AtomicLong();
    private final AtomicLong unfilled = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong weightUsedTotal = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Trade scratch = new Trade(); // backfill thread only
    private volatile boolean closed;
    // backfill thread only:
    private long minuteStartNanos = System.nanoTime();
    private long weightThisMinute;
    private long pausedUntilNanos;

    /**
     * @param aggTradesUri the full aggTrades endpoint, e.g. {@code https://fapi.binance.com/fapi/v1/aggTrades}
     * @param weightPerMinute most request weight used per minute, at least one request's
     * @param sink takes each backfilled aggregate trade (a reused instance: copy it to keep it); called on this
     *             class's thread, in id order per hole
     * @throws IllegalArgumentException when the budget is below one request's weight
     */
    AggTradeBackfill(URI aggTradesUri, int weightPerMinute, Consumer<Trade> sink) {
        this(aggTradesUri, weightPerMinute, sink, Duration.ofMinutes(1));
    }

    /** As above, with the budget's window ({@code weightPerMinute} per {@code window}), for tests. */
    AggTradeBackfill(URI aggTradesUri, int weightPerMinute, Consumer<Trade> sink, Duration window) {
        this.windowNanos = window.toNanos();
        this.aggTradesUri = aggTradesUri;
        this.weightPerRequest = weightOf(aggTradesUri);
        if (weightPerMinute < weightPerRequest) {
            throw new IllegalArgumentException("a backfill budget of " + weightPerMinute + " weight per minute is"
                    + " below one aggTrades request's weight (" + weightPerRequest + ")");
        }
        this.weightPerMinute = weightPerMinute;
        this.sink = sink;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.thread = new Thread(this::run, "relay-sender-backfill");
        this.thread.setDaemon(true);
    }

    /** Binance's weight of one aggTrades request on {@code uri}: 4 on spot ({@code /api/}), 20 on futures. */
    static int weightOf(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        return path.contains("/fapi/") || path.contains("/dapi/") ? 20 : 4;
    }

    /** The aggTrades endpoint next to an exchangeInfo one: {@code .../fapi/v1/exchangeInfo} → {@code .../aggTrades}. */
    static URI aggTradesUri(URI exchangeInfo) {
        String s = exchangeInfo.toString();
        int slash = s.lastIndexOf('/');
        return URI.create(s.substring(0, slash + 1) + "aggTrades");
    }

    void start() {
        thread.start();
    }

    /**
     * Asks for the aggregate trades {@code [fromId, toId)} of {@code symbol}. Never blocks: when
     * {@value #MAX_PENDING_HOLES} holes already wait, this one is counted as unfilled.
     */
    void request(String symbol, long fromId, long toId) {
        long n = toId - fromId;
        requested.addAndGet(n);
        if (closed || !holes.offer(new Hole(symbol, fromId, toId))) {
            unfilled.addAndGet(n);
        }
    }

    private void run() {
        while (!closed) {
            Hole hole;
            try {
                hole = holes.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                fill(hole);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                log.error("Backfill of {} aggTrades {}..{} failed: {}", hole.symbol, hole.fromId, hole.toId - 1,
                        e.toString(), e);
            }
        }
    }

    private void fill(Hole hole) throws InterruptedException {
        long from = hole.fromId;
        long to = hole.toId;
        if (to - from > MAX_HOLE) {
            unfilled.addAndGet(to - from - MAX_HOLE);
            log.warn("Exchange gap of {} aggTrades of {} ({}..{}): backfilling the last {} only", to - from,
                    hole.symbol, from, to - 1, MAX_HOLE);
            from = to - MAX_HOLE;
        }
        int attempts = 0;
        String lastProblem = null;
        while (from < to) {
            if (closed || attempts >= MAX_ATTEMPTS) {
                unfilled.addAndGet(to - from);
                if (!closed) {
                    log.warn("Exchange gap of {}: aggTrades {}..{} not backfilled after {} attempts ({}); counted as"
                            + " unfilled", hole.symbol, from, to - 1, attempts, lastProblem);
                }
                return;
            }
            try {
                if (attempts > 0) {
                    sleepNanos(RETRY_NANOS);
                }
                awaitBudget();
            } catch (InterruptedException e) {
                unfilled.addAndGet(to - from); // closed while waiting
                throw e;
            }
            attempts++;
            int limit = (int) Math.min(MAX_LIMIT, to - from);
            URI uri = URI.create(aggTradesUri + "?symbol=" + hole.symbol + "&fromId=" + from + "&limit=" + limit);
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                    .GET().build();
            requests.incrementAndGet();
            weightThisMinute += weightPerRequest;
            weightUsedTotal.addAndGet(weightPerRequest);
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                errors.incrementAndGet();
                lastProblem = e.toString();
                continue;
            } catch (InterruptedException e) {
                unfilled.addAndGet(to - from);
                throw e;
            }
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status == 429 || status == 418) {
                    long seconds = response.headers().firstValueAsLong("Retry-After")
                            .orElse(DEFAULT_RETRY_AFTER_SECONDS);
                    rateLimited.incrementAndGet();
                    log.warn("Binance answered HTTP {} to the aggTrades backfill ({}): no request for {} s, as its"
                            + " Retry-After asks; lower BACKFILL_WEIGHT_PER_MINUTE if this repeats", status,
                            status == 418 ? "IP banned for repeated 429s" : "request weight exceeded", seconds);
                    pausedUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, seconds));
                    attempts--; // a pause, not a failed attempt
                    continue;
                }
                if (status != 200) {
                    errors.incrementAndGet();
                    lastProblem = "HTTP " + status + " from " + uri;
                    continue;
                }
                long next = publish(body, hole.symbol, from, to);
                if (next == from) {
                    lastProblem = "the answer held none of the ids from " + from;
                    continue; // REST does not have them (yet)
                }
                from = next;
                attempts = 0;
            } catch (IOException e) {
                errors.incrementAndGet();
                lastProblem = "unreadable answer: " + e;
            }
        }
    }

    /**
     * Reads one aggTrades answer and publishes the trades with ids in {@code [from, to)}.
     *
     * @return the id after the last one covered by the answer (ids it skipped are counted as unfilled), or
     *         {@code from} when it held none of them
     */
    private long publish(InputStream body, String symbol, long from, long to) throws IOException {
        long next = from;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not a JSON array");
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                long a = Trade.NO_ID;
                long f = Trade.NO_ID;
                long l = Trade.NO_ID;
                long time = 0;
                double price = Double.NaN;
                double qty = Double.NaN;
                boolean maker = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "a" -> a = p.getLongValue();
                        case "f" -> f = p.getLongValue();
                        case "l" -> l = p.getLongValue();
                        case "T" -> time = p.getLongValue();
                        case "p" -> price = Double.parseDouble(p.getText());
                        case "q" -> qty = Double.parseDouble(p.getText());
                        case "m" -> maker = v == JsonToken.VALUE_TRUE;
                        default -> p.skipChildren();
                    }
                }
                if (a < next || a >= to) {
                    continue; // before the hole (or filled already), or after it
                }
                if (!Double.isFinite(price) || !Double.isFinite(qty)) {
                    throw new IOException("aggTrade " + a + " of " + symbol + " has no finite price or quantity");
                }
                unfilled.addAndGet(a - next); // ids the answer skipped: REST has no such trade either
                scratch.setAggTrade(symbol, price, qty, Trade.Side.fromBuyerIsMaker(maker), a, f, l, time, 0)
                        .backfilled(true);
                sink.accept(scratch);
                filled.incrementAndGet();
                next = a + 1;
            }
        }
        return next;
    }

    private void awaitBudget() throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            if (pausedUntilNanos != 0 && now - pausedUntilNanos < 0) {
                sleepNanos(pausedUntilNanos - now);
                continue;
            }
            if (now - minuteStartNanos >= windowNanos) {
                minuteStartNanos = now;
                weightThisMinute = 0;
            }
            if (weightThisMinute + weightPerRequest <= weightPerMinute) {
                return;
            }
            sleepNanos(minuteStartNanos + windowNanos - now);
        }
    }

    private void sleepNanos(long nanos) throws InterruptedException {
        if (closed) {
            throw new InterruptedException("closed");
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(1, nanos));
    }

    /** Aggregate trade ids asked for (every hole's length), since start. */
    long requested() {
        return requested.get();
    }

    /** Aggregate trades fetched and handed on as backfilled. */
    long filled() {
        return filled.get();
    }

    /** Aggregate trade ids given up: not on REST, too many holes or too long a hole, or errors after every retry. */
    long unfilled() {
        return unfilled.get();
    }

    /** aggTrades requests made (each {@link #weightOf weighs} 4 on spot, 20 on futures). */
    long requests() {
        return requests.get();
    }

    /** Request weight used since start. */
    long weightUsed() {
        return weightUsedTotal.get();
    }

    /** HTTP 429 and 418 answers (each pauses every request for its Retry-After). */
    long rateLimited() {
        return rateLimited.get();
    }

    /** Failed requests (I/O errors, other HTTP statuses, unreadable answers); each retried. */
    long errors() {
        return errors.get();
    }

    /** Stops the thread; holes still waiting are counted as unfilled. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Hole h;
        while ((h = holes.poll()) != null) {
            unfilled.addAndGet(h.toId - h.fromId);
        }
    }
}
