package eu.bborelay.polymarket;

import eu.bborelay.common.testing.Await;
import eu.bborelay.polymarket.replay.PolymarketReplayServer;
import java.time.Duration;
import java.util.List;

/** A replay server (scripted: empty timeline) and a client connected to it, both closed by {@link #close()}. */
final class ClientFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    final PolymarketReplayServer server;
    final PolymarketClient client;
    final RecordingListener listener = new RecordingListener();

    ClientFixture(PolymarketReplayServer.Builder server, List<String> assets,
                  java.util.function.UnaryOperator<PolymarketClient.Builder> settings) throws Exception {
        this.server = server.build();
        this.server.start();
        this.client = settings.apply(PolymarketClient.builder()
                .uri(this.server.uri())
                .assets(assets)
                .listener(listener)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))).build();
        client.start();
        Await.until("client subscribed", WAIT, () -> this.server.subscriptions() >= 1 && client.connected());
    }

    ClientFixture(List<String> assets) throws Exception {
        this(PolymarketReplayServer.builder(), assets, b -> b);
    }

    /** Broadcasts scripted frames and waits until the client has processed them all. */
    void sendAndAwait(String... frames) {
        sendAndAwait(frames.length, () -> {
            for (String f : frames) {
                server.broadcast(f);
            }
        });
    }

    /** Runs {@code sends} (server commands that send {@code count} frames in all) and waits until all are processed. */
    void sendAndAwait(int count, Runnable sends) {
        long before = client.stats().frames();
        sends.run();
        Await.until(count + " frame(s) processed", WAIT,
                () -> client.stats().frames() >= before + count, client.stats()::toString);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
