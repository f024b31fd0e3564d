package eu.bborelay.polymarket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.polymarket.replay.PolymarketReplayServer;
import eu.bborelay.polymarket.replay.Recording;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Acceptance on real data: the recorded crossing burst (a {@code book}, 49 {@code price_change} frames covering both
 * tokens, a closing {@code book}) through the real replay server and the real client over loopback WebSocket.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class CrossingBurstTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyPriceChangeRebuildsTheClosingBookOfBothAssetsAndTheCrossedMomentIsReported() throws Exception {
        List<String> lines = Files.readAllLines(PolymarketData.file(PolymarketData.CROSSING_BURST));
        BookSnapshot closingYes = ExpectedBooks.fromBookMessage(lines.get(lines.size() - 1));
        BookSnapshot closingNo = ExpectedBooks.mirrored(closingYes, PolymarketData.NO);
        BookSnapshot openingYes = ExpectedBooks.fromBookMessage(lines.get(0));

        RecordingListener listener = new RecordingListener();
        try (PolymarketReplayServer server = PolymarketReplayServer.builder()
                .recording(Recording.read(PolymarketData.file(PolymarketData.CROSSING_BURST), true))
                .build()) {
            server.start();
            try (PolymarketClient client = PolymarketClient.builder()
                    .uri(server.uri())
                    .assets(List.of(PolymarketData.YES, PolymarketData.NO))
                    .listener(listener)
                    .build()) {
                // another thread reads latest() throughout: every copy must be a state the listener saw
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                List<BookSnapshot> read = new java.util.concurrent.CopyOnWriteArrayList<>();
                Thread reader = new Thread(() -> {
                    while (!stop.get()) {
                        BookSnapshot s = client.latest(PolymarketData.YES);
                        if (s.changes() > 0 && (read.isEmpty() || read.get(read.size() - 1).changes() != s.changes())) {
                            read.add(s);
                        }
                        Thread.onSpinWait();
                    }
                }, "latest-reader");
                reader.setDaemon(true); // never outlives a failed test
                reader.start();
                client.start();
                assertTrue(server.awaitFinished(WAIT), "replay did not finish");
                PolymarketStats stats = client.stats();
                Await.until("all 52 messages applied", WAIT,
                        () -> stats.books() == 3 && stats.priceChanges() == 49, stats::toString);

                // the first book of each asset is the opening one (NO: mirrored by the server's script)
                assertTrue(listener.books.get(0).book().sameLevels(openingYes), "opening YES book");
                // first book + every price_change = the closing book, exactly, for both assets
                BookSnapshot builtYes = listener.lastByChange.get(PolymarketData.YES);
                BookSnapshot builtNo = listener.lastByChange.get(PolymarketData.NO);
                assertNotNull(builtYes);
                assertNotNull(builtNo);
                assertTrue(builtYes.sameLevels(closingYes), () -> "YES rebuilt " + builtYes + "\nclosing " + closingYes);
                assertTrue(builtNo.sameLevels(closingNo), () -> "NO rebuilt " + builtNo + "\nexpected " + closingNo);
                assertEquals(23, builtYes.bidCount());
                assertEquals(23, builtYes.askCount());
                assertEquals(290_000, builtYes.bestBid()); // 0.29
                assertEquals(301_000, builtYes.bestAsk()); // 0.301
                assertEquals(45_830_000, builtYes.askSize(0)); // 45.83 shares
                assertFalse(builtYes.crossed());

                // 50 book changes of YES (2 books + 48 changes touching it... every change frame touches both)
                assertEquals(2 + 49, listener.bookEvents(PolymarketData.YES));
                assertEquals(1 + 49, listener.bookEvents(PolymarketData.NO));

                // the real crossed moment: frames 47 and 48 leave both books crossed; reported, counted, not hidden
                assertEquals(2, stats.crossedBooks(), stats::toString);
                long crossedViews = listener.books.stream().filter(b -> b.book().crossed()).count();
                assertEquals(4, crossedViews, "books delivered crossed (2 frames x 2 assets)");
                // Polymarket's best_bid/best_ask disagree with the local book exactly while it is crossed
                assertEquals(4, stats.bestMismatches(), stats::toString);
                List<RecordingListener.StateChange> yesStates = listener.states.stream()
                        .filter(s -> s.assetId().equals(PolymarketData.YES)).toList();
                assertEquals(List.of(new RecordingListener.StateChange(PolymarketData.YES, null),
                        new RecordingListener.StateChange(PolymarketData.YES, StaleReason.CROSSED),
                        new RecordingListener.StateChange(PolymarketData.YES, null)), yesStates);
                assertTrue(listener.states.contains(
                        new RecordingListener.StateChange(PolymarketData.NO, StaleReason.CROSSED)));

                // the closing book replaces the local one; latest() from this thread sees it, synced
                BookSnapshot latest = client.latest(PolymarketData.YES);
                assertTrue(latest.synced());
                assertTrue(latest.sameLevels(closingYes));
                assertEquals("book", latest.eventType());
                assertEquals("78b396c8a7f4989f638fe6cf9b2e8ced15680ba7", latest.hash());
                assertEquals(1790658827000L, latest.exchangeTimestampMillis());
                assertEquals("0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01", latest.market());
                assertEquals(0, stats.malformed());
                assertEquals(0, stats.unknownTypes());
                assertEquals(0, stats.changesWhileUnsynced());

                stop.set(true);
                reader.join();
                java.util.Map<Long, BookSnapshot> seen = new java.util.HashMap<>();
                listener.books.stream().filter(b -> b.assetId().equals(PolymarketData.YES))
                        .forEach(b -> seen.put(b.book().changes(), b.book()));
                assertFalse(read.isEmpty());
                for (BookSnapshot s : read) {
                    BookSnapshot expected = seen.get(s.changes());
                    assertNotNull(expected, "latest() returned a state never delivered: " + s);
                    assertTrue(s.sameLevels(expected), () -> "torn copy " + s + " vs " + expected);
                    assertEquals(expected.crossed(), s.crossed());
                    assertEquals(expected.hash(), s.hash());
                }
            }
        }
    }
}
