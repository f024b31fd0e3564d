package eu.bborelay.polymarket.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The replay server speaks the market channel: subscription, PING/PONG, 1008, snapshots, timeline, faults. */
@ExtendWith(UncaughtExceptionsExtension.class)
class PolymarketReplayServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String YES = "76670567130917723816490572615540605537878462672464291990940067659127658071111";
    private static final String NO = "54179564009642723353355316176091991063553046330768303687769988635499280029688";
    private static final String SUBSCRIBE = "{\"assets_ids\":[\"" + YES + "\"],\"type\":\"market\"}";

    private static Path burst() {
        Path p = SharedData.dataDir().resolve("polymarket")
                .resolve("nautilus_polymarket_market-channel_book+price_change_crossing-burst_20260929.jsonl");
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("Recorded Polymarket data file missing: " + p);
        }
        return p;
    }

    private static RawClient connect(PolymarketReplayServer server) throws InterruptedException {
        RawClient c = new RawClient(server.uri());
        assertTrue(c.connectBlocking(30, TimeUnit.SECONDS), "connect");
        return c;
    }

    @Test
    void pingBeforeASubscriptionIsClosedWith1008() throws Exception {
        try (PolymarketReplayServer server = PolymarketReplayServer.builder().build()) {
            server.start();
            RawClient c = connect(server);
            c.send("PING");
            Await.until("closed", WAIT, () -> c.closeCode != -1);
            assertEquals(1008, c.closeCode);
            assertEquals(PolymarketReplayServer.INVALID_SUBSCRIPTION, c.closeReason);
            assertEquals(1, server.invalidSubscriptionCloses());
            assertEquals(0, server.pongs());
        }
    }

    @Test
    void anInvalidSubscriptionIsClosedWith1008() throws Exception {
        try (PolymarketReplayServer server = PolymarketReplayServer.builder().build()) {
            server.start();
            for (String bad : List.of("{\"assets_ids\":[\"1\"],\"type\":\"user\"}", "hello", "{\"assets_ids\":1}",
                    "{\"assets_ids\":[\"1\"],\"operation\":\"subscribe\"}")) {
                RawClient c = connect(server);
                c.send(bad);
                Await.until("closed after " + bad, WAIT, () -> c.closeCode != -1);
                assertEquals(1008, c.closeCode, bad);
            }
            assertEquals(0, server.subscriptions());
        }
    }

    @Test
    void pingAfterSubscribingIsAnsweredPong() throws Exception {
        try (PolymarketReplayServer server = PolymarketReplayServer.builder().build()) {
            server.start();
            RawClient c = connect(server);
            c.send(SUBSCRIBE.replace("\"market\"", "\"MARKET\"")); // case-insensitive, as the docs' examples
            c.send("PING");
            Await.until("PONG", WAIT, () -> c.received.contains("PONG"));
            assertEquals(1, server.subscriptions());
            server.stall(true);
            c.send("PING");
            Thread.sleep(200); // a stalled server must stay silent; nothing to await
            assertEquals(1, c.received.size(), "a stalled server does not answer PING");
            server.stall(false);
            c.closeBlocking();
        }
    }

    @Test
    void timelineThenSnapshotsFromTheServersBookOnSubscribe() throws Exception {
        Recording rec = Recording.read(burst(), true);
        List<String> lines = Files.readAllLines(burst());
        assertEquals(52, rec.messages().size(), "51 recorded lines + the mirrored NO book");
        assertTrue(rec.messages().get(1).scripted());
        assertEquals(java.util.Set.of(NO), rec.messages().get(1).assetIds());
        assertEquals(java.util.Set.of(YES, NO), rec.messages().get(2).assetIds());
        try (PolymarketReplayServer server = PolymarketReplayServer.builder().recording(rec).build()) {
            server.start();
            RawClient c = connect(server);
            c.send(SUBSCRIBE);
            assertTrue(server.awaitFinished(WAIT));
            // only messages concerning YES, byte for byte: 2 books + 49 changes (the NO book is not for it)
            Await.until("all sent", WAIT, () -> c.received.size() == 51);
            assertEquals(lines.get(0), c.received.get(0));
            assertEquals(lines.get(1), c.received.get(1));
            assertEquals(lines.get(50), c.received.get(50));

            RawClient late = connect(server);
            late.send("{\"assets_ids\":[\"" + YES + "\",\"" + NO + "\"],\"type\":\"market\","
                    + "\"custom_feature_enabled\":true}");
            Await.until("snapshots", WAIT, () -> late.received.size() == 1);
            String frame = late.received.get(0);
            // one array frame: YES's book is the recorded closing book verbatim; NO's is rebuilt from its changes
            assertTrue(frame.startsWith("[" + lines.get(50) + ",{"), frame);
            assertTrue(frame.contains("\"asset_id\":\"" + NO + "\""));
            assertFalse(frame.substring(lines.get(50).length() + 2).contains("\"hash\""),
                    "a rebuilt book carries no hash");

            late.send("{\"assets_ids\":[\"" + YES + "\"],\"operation\":\"unsubscribe\"}");
            Await.until("unsubscribed", WAIT, () -> server.operations() == 1);
            server.sendUnsubscribedPriceChange();
            Await.until("fault sent", WAIT, () -> late.received.size() == 2);
            assertTrue(late.received.get(1).contains(PolymarketReplayServer.UNSUBSCRIBED_ASSET_ID));
            server.sendMalformed();
            Await.until("malformed sent", WAIT, () -> late.received.size() == 3);
            assertTrue(late.received.get(2).startsWith("{\"market\""));
            server.dropConnections();
            Await.until("dropped", WAIT, () -> late.closeCode != -1 && c.closeCode != -1);
            assertEquals(1006, late.closeCode);
        }
    }

    @Test
    void noBookNoSnapshotAndUnknownPathsAreRefused() throws Exception {
        try (PolymarketReplayServer server = PolymarketReplayServer.builder().build()) {
            server.start();
            assertNull(server.snapshotOf(YES));
            RawClient wrong = new RawClient(server.uri().resolve("/ws/user"));
            assertFalse(wrong.connectBlocking(30, TimeUnit.SECONDS));
            RawClient c = connect(server);
            c.send(SUBSCRIBE);
            Await.until("subscribed", WAIT, () -> server.subscriptions() == 1);
            server.sendSnapshots();
            server.broadcast("{\"event_type\":\"hello\"}");
            Await.until("broadcast", WAIT, () -> c.received.size() == 1);
            assertEquals("{\"event_type\":\"hello\"}", c.received.get(0), "no snapshot without a book");
        }
    }
}
