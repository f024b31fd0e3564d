package eu.bborelay.polymarket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.polymarket.replay.PolymarketReplayServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Faults on command from the replay server, against the real client over loopback WebSocket. */
@ExtendWith(UncaughtExceptionsExtension.class)
class FaultsTest {
    private static final Duration WAIT = ClientFixture.WAIT;
    private static final String YES = PolymarketData.YES;
    private static final String NO = PolymarketData.NO;
    private static List<String> burst;

    @BeforeAll
    static void load() throws Exception {
        burst = Files.readAllLines(PolymarketData.file(PolymarketData.CROSSING_BURST));
    }

    private static RecordingListener.StateChange fresh(String asset) {
        return new RecordingListener.StateChange(asset, null);
    }

    private static RecordingListener.StateChange stale(String asset, StaleReason reason) {
        return new RecordingListener.StateChange(asset, reason);
    }

    @Test
    void droppedConnectionIsResubscribedAndTheBookIsUnsyncedUntilTheNextSnapshot() throws Exception {
        try (ClientFixture f = new ClientFixture(PolymarketReplayServer.builder().snapshotOnSubscribe(false),
                List.of(YES), b -> b)) {
            f.sendAndAwait(burst.get(0));
            assertTrue(f.client.latest(YES).synced());
            BookSnapshot before = f.client.latest(YES);

            f.server.dropConnections();
            Await.until("resubscribed on a new connection", WAIT,
                    () -> f.server.subscriptions() == 2 && f.client.connected(), f.client.stats()::toString);
            assertEquals(1, f.client.stats().reconnects());
            assertEquals(List.of(Set.of(YES)), f.server.subscribedAssets());
            BookSnapshot unsynced = f.client.latest(YES);
            assertFalse(unsynced.synced(), "no snapshot yet on the new connection");
            assertTrue(unsynced.sameLevels(before), "an unsynced book keeps its last levels for inspection");

            // a change on the new connection before its snapshot is not applied: counted, book untouched
            f.sendAndAwait(burst.get(1));
            assertEquals(1, f.client.stats().changesWhileUnsynced());
            assertTrue(f.client.latest(YES).sameLevels(before));
            assertFalse(f.client.latest(YES).synced());

            // the snapshot (the server's own book: first book + that change) syncs it again
            f.server.sendSnapshots();
            Await.until("synced by the snapshot", WAIT, () -> f.client.latest(YES).synced());
            BookSnapshot expected = ExpectedBooks.fromBookMessage(f.server.snapshotOf(YES));
            assertTrue(f.client.latest(YES).sameLevels(expected));
            assertFalse(f.client.latest(YES).sameLevels(before));
            assertEquals(List.of(fresh(YES), stale(YES, StaleReason.DISCONNECTED), fresh(YES)), f.listener.states);
        }
    }

    @Test
    void afterADropTheServersSnapshotOnResubscribeResyncs() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(YES, NO))) {
            f.sendAndAwait(burst.get(0));
            f.server.dropConnections();
            Await.until("resynced after the reconnect", WAIT, () -> f.server.subscriptions() == 2
                    && f.client.latest(YES).synced(), f.client.stats()::toString);
            assertFalse(f.client.latest(NO).synced(), "the server has no book of NO to send");
            assertEquals(2, f.client.stats().books());
        }
    }

    @Test
    void malformedJsonIsCountedAndSkippedAndLaterMessagesAreProcessed() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(YES, NO))) {
            f.sendAndAwait(burst.get(0));
            f.sendAndAwait(5, () -> {
                f.server.sendMalformed();
                for (String text : List.of("not json at all", "{\"event_type\":\"book\"",
                        "[{\"event_type\":\"price_change\",\"price_changes\":[", burst.get(1))) {
                    f.server.broadcast(text);
                }
            });
            PolymarketStats s = f.client.stats();
            assertEquals(4, s.malformed(), s::toString);
            assertEquals(1, s.priceChanges(), "the change after the malformed frames was applied");
            assertEquals(301_000, f.client.latest(YES).bestBid()); // 0.301 BUY 1000 from frame 2
            assertEquals(1_000_000_000L, f.client.latest(YES).bidSize(0));
            assertTrue(f.client.connected());
            assertEquals(1, f.client.stats().connects(), "malformed input never ends the connection");
        }
    }

    @Test
    void unknownTypesAreCountedAndIgnored() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(YES))) {
            f.sendAndAwait("{\"event_type\":\"mystery\",\"asset_id\":\"" + YES + "\"}",
                    "{\"asset_id\":\"" + YES + "\",\"price\":\"0.5\"}", "[]", burst.get(0));
            PolymarketStats s = f.client.stats();
            assertEquals(2, s.unknownTypes(), s::toString);
            assertEquals(0, s.malformed());
            assertEquals(1, s.books());
            assertTrue(f.client.latest(YES).synced());
        }
    }

    @Test
    void aPriceChangeForAnUnsubscribedAssetIsCountedAndIgnored() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(YES))) {
            f.sendAndAwait(burst.get(0));
            f.sendAndAwait(2, () -> {
                f.server.sendUnsubscribedPriceChange();
                f.server.broadcast(burst.get(1)); // also carries an entry for NO, which is not subscribed
            });
            PolymarketStats s = f.client.stats();
            assertEquals(2, s.unsubscribedAssets(), s::toString);
            assertEquals(2, f.listener.books.size(), "the YES book and the YES part of frame 2");
            assertNull(f.client.latest(PolymarketReplayServer.UNSUBSCRIBED_ASSET_ID));
        }
    }

    @Test
    void aSilentConnectionIsDroppedByTheWatchdogAndReplaced() throws Exception {
        try (ClientFixture f = new ClientFixture(PolymarketReplayServer.builder(), List.of(YES),
                b -> b.pingInterval(Duration.ofMillis(50)).silenceTimeout(Duration.ofMillis(1500)))) {
            f.sendAndAwait(burst.get(0));
            Await.until("PONGs flowing", WAIT, () -> f.client.stats().pongs() >= 3);
            assertEquals(0, f.client.stats().silenceDrops(), "PONGs keep a quiet market's connection alive");
            assertTrue(f.client.stats().pingsSent() >= 3);
            assertEquals(0, f.server.invalidSubscriptionCloses(), "the client never PINGs before subscribing");
            f.server.stall(true);
            Await.until("watchdog dropped the silent connection, book unsynced", WAIT,
                    () -> f.client.stats().silenceDrops() >= 1 && !f.client.latest(YES).synced());
            assertTrue(f.listener.states.contains(stale(YES, StaleReason.DISCONNECTED)));
            f.server.stall(false);
            Await.until("reconnected and resynced", WAIT, () -> f.client.connected() && f.client.latest(YES).synced(),
                    f.client.stats()::toString);
            assertTrue(f.client.stats().reconnects() >= 1);
        }
    }

    @Test
    void subscribeAndUnsubscribeAtRunTime() throws Exception {
        try (ClientFixture f = new ClientFixture(List.of(YES))) {
            f.sendAndAwait(burst.get(0));
            f.client.subscribe(List.of(NO, YES));
            Await.until("server saw the subscribe operation", WAIT,
                    () -> f.server.subscribedAssets().equals(List.of(Set.of(YES, NO))));
            assertEquals(List.of(YES, NO), f.client.assets());
            assertFalse(f.client.latest(NO).synced());
            f.client.unsubscribe(List.of(YES));
            Await.until("server saw the unsubscribe operation", WAIT,
                    () -> f.server.subscribedAssets().equals(List.of(Set.of(NO))));
            assertNull(f.client.latest(YES));
            assertEquals(2, f.server.operations());
            assertThrows(IllegalArgumentException.class, () -> f.client.subscribe(List.of("0x12ab")));
            // a reconnect subscribes the current set in one message
            f.server.dropConnections();
            Await.until("resubscribed", WAIT, () -> f.server.subscriptions() == 2 && f.client.connected());
            assertEquals(List.of(Set.of(NO)), f.server.subscribedAssets());
        }
    }

    @Test
    void aThrowingListenerCostsOneCall() throws Exception {
        try (ClientFixture f = new ClientFixture(PolymarketReplayServer.builder(), List.of(YES),
                b -> b.listener(new MarketListener() {
                    @Override
                    public void onBook(String assetId, BookView book) {
                        throw new IllegalStateException("listener bug (test)");
                    }
                }))) {
            f.sendAndAwait(burst.get(0), burst.get(1));
            assertEquals(2, f.client.stats().listenerErrors());
            assertEquals(301_000, f.client.latest(YES).bestBid());
        }
    }

    @Test
    void settingsFromTheEnvironment() {
        PolymarketClient c = PolymarketClient.builder().fromEnvironment(Map.of(
                PolymarketClient.ENV_TOKENS, " " + YES + ", " + NO + "\n",
                PolymarketClient.ENV_URL, "ws://127.0.0.1:1/ws/market")).build();
        try {
            assertEquals(List.of(YES, NO), c.assets());
            assertEquals("ws://127.0.0.1:1/ws/market", c.uri().toString());
        } finally {
            c.close();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolymarketClient.builder()
                .fromEnvironment(Map.of(PolymarketClient.ENV_TOKENS, YES + ",BTC-YES")));
        assertTrue(e.getMessage().startsWith("POLYMARKET_TOKENS: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PolymarketClient.builder()
                .fromEnvironment(Map.of(PolymarketClient.ENV_URL, "https://example.com/ws")));
        assertEquals(PolymarketClient.DEFAULT_URI, PolymarketClient.builder().build().uri());
    }
}
