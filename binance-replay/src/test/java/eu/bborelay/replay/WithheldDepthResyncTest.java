package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.depth.BreakReason;
import eu.bborelay.depth.Decimals;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.DepthBookListener;
import eu.bborelay.depth.DepthEvent;
import eu.bborelay.depth.DepthFeed;
import eu.bborelay.depth.DepthParser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11's acceptance item "a break injected by the replay (one diff withheld) is detected at the next event, the
 * book resyncs from a REST snapshot, and top of book equals bookTicker again afterwards", end to end: a
 * binance-depth {@link DepthBook} fed by a real WebSocket client from the replay, its snapshots fetched over real
 * HTTP from the replay's {@code /depth} endpoint, on the book's own thread as the recorder will run it.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WithheldDepthResyncTest {
    private static final Pattern BOOK_TICKER = Pattern.compile(
            "\"u\":(\\d+),\"s\":\"[A-Z]+\",\"b\":\"([0-9.]+)\",\"B\":\"[0-9.]+\",\"a\":\"([0-9.]+)\"");
    private static final int WITHHELD = 500;
    private static final int COMPARISONS_AFTER_RESYNC = 100;

    private final ExecutorService bookThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "book"));
    private final ExecutorService httpThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "http"));
    private final List<AutoCloseable> resources = new ArrayList<>();

    // book thread only
    private DepthFeed feed;
    private DepthBook book;
    private int depthMessages;
    private final Map<Long, String[]> earlyTickers = new HashMap<>(); // bookTickers ahead of the book, by u
    private final List<String> mismatches = new ArrayList<>();
    // written on the book thread, read by the test thread
    private volatile int breakAtDepthMessage = -1;
    private final List<BreakReason> breaks = new ArrayList<>();
    private volatile int syncs;
    private volatile int comparedBeforeBreak;
    private volatile int comparedAfterResync;
    private volatile int snapshotRequests;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        bookThread.shutdownNow();
        httpThread.shutdownNow();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
            SharedData.SPOT_BTCUSDT_20240808 + ", SPOT, /api/v3/depth?symbol=BTCUSDT&limit=5000, btcusdt@depth@100ms,"
                    + " GAP",
            SharedData.USDM_BTCUSDT_20240808 + ", USDM, /fapi/v1/depth?symbol=BTCUSDT&limit=1000, btcusdt@depth@0ms,"
                    + " PREVIOUS_ID_MISMATCH"})
    void aWithheldDiffBreaksTheBookWhichResyncsFromTheReplaysRest(String file, DepthBook.Market market,
            String snapshotPath, String depthStream, BreakReason expectedBreak) throws Exception {
        BinanceReplayServer server = BinanceReplayServer.builder()
                .recording(SharedData.binance(file))
                .speed(10)
                .withhold(Withhold.depthDiff("BTCUSDT", WITHHELD))
                .build();
        resources.add(server);
        server.start();
        URI rest = server.restBaseUri();

        DepthParser parser = new DepthParser();
        book = new DepthBook(market, "BTCUSDT", parser.priceScale(), parser.quantityScale(),
                b -> requestSnapshot(rest, snapshotPath), new DepthBookListener() {
                    @Override
                    public void onSynced(DepthBook b) {
                        syncs++;
                    }

                    @Override
                    public void onApplied(DepthBook b, DepthEvent event) {
                        String[] ticker = earlyTickers.remove(event.finalUpdateId());
                        if (ticker != null) {
                            compare(event.finalUpdateId(), ticker);
                        }
                    }

                    @Override
                    public void onBreak(DepthBook b, BreakReason reason, String detail) {
                        synchronized (breaks) {
                            breaks.add(reason);
                        }
                        breakAtDepthMessage = depthMessages;
                    }
                });
        feed = new DepthFeed(parser).add(book);

        WebSocketClient client = new WebSocketClient(URI.create(server.baseUri() + "/stream?streams=" + depthStream
                + "/btcusdt@bookTicker")) {
            @Override
            public void onOpen(ServerHandshake handshake) {
            }

            @Override
            public void onMessage(String message) {
                bookThread.execute(() -> onWebSocketMessage(message, depthStream));
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
            }

            @Override
            public void onError(Exception ex) {
            }
        };
        client.setConnectionLostTimeout(0);
        resources.add(client::closeBlocking);
        assertTrue(client.connectBlocking(10, TimeUnit.SECONDS), "connected");

        Await.until(COMPARISONS_AFTER_RESYNC + " bookTickers compared after the resync", Duration.ofSeconds(90),
                () -> comparedAfterResync >= COMPARISONS_AFTER_RESYNC || server.isFinished(),
                () -> "breaks " + breaks + ", syncs " + syncs + ", compared after resync " + comparedAfterResync);
        bookThread.submit(() -> { }).get(10, TimeUnit.SECONDS); // what arrived so far is processed

        assertEquals(1, server.messagesWithheld());
        synchronized (breaks) {
            assertEquals(List.of(expectedBreak), breaks, "one break, for the withheld diff");
        }
        assertEquals(WITHHELD, breakAtDepthMessage, "detected at the very next event: the " + WITHHELD
                + "th received is the recording's #" + (WITHHELD + 1));
        assertEquals(2, syncs, "synced at the start and again after the break, both from the replay's REST");
        assertEquals(2, snapshotRequests);
        assertTrue(comparedBeforeBreak > 0, "bookTickers compared before the break");
        assertTrue(comparedAfterResync >= COMPARISONS_AFTER_RESYNC, comparedAfterResync + " compared after");
        bookThread.submit(() -> assertEquals(List.of(), mismatches, "top of book = bookTicker, before and after"))
                .get(10, TimeUnit.SECONDS);
    }

    /** Book thread: one WebSocket message. */
    private void onWebSocketMessage(String message, String depthStream) {
        if (message.startsWith("{\"stream\":\"btcusdt@bookTicker\"")) {
            Matcher m = BOOK_TICKER.matcher(message);
            if (!m.find()) {
                mismatches.add("unparsable bookTicker " + message);
                return;
            }
            long u = Long.parseLong(m.group(1));
            String[] ticker = {m.group(2), m.group(3)};
            if (book.isSynced() && book.updateId() == u) {
                compare(u, ticker);
            } else if (!book.isSynced() || u > book.updateId()) {
                earlyTickers.put(u, ticker);
            }
            return;
        }
        if (message.startsWith("{\"stream\":\"" + depthStream + "\"")) {
            depthMessages++;
        }
        feed.onMessage(message);
    }

    /** Book thread: the book at update id {@code u} against the bookTicker of {@code u}. */
    private void compare(long u, String[] ticker) {
        long bid = Decimals.parse(ticker[0], 8);
        long ask = Decimals.parse(ticker[1], 8);
        if (book.book().bids().bestPrice() != bid || book.book().asks().bestPrice() != ask) {
            mismatches.add("at u=" + u + " book " + book.book().bids().bestPrice() + "/"
                    + book.book().asks().bestPrice() + " bookTicker " + bid + "/" + ask);
        }
        if (breakAtDepthMessage < 0) {
            comparedBeforeBreak++;
        } else if (syncs >= 2) {
            comparedAfterResync++;
        }
    }

    /** The book asks for a snapshot (on the book thread): fetched on the HTTP thread, handed back as text. */
    private void requestSnapshot(URI rest, String pathAndQuery) {
        snapshotRequests++;
        httpThread.execute(() -> {
            try {
                HttpResponse<String> r = Rest.get(rest, pathAndQuery);
                bookThread.execute(() -> feed.onSnapshot("BTCUSDT", r.body()));
            } catch (Exception e) {
                bookThread.execute(() -> book.onSnapshotFailed(e.toString()));
            }
        });
    }
}
