package eu.bborelay.collector;

import eu.bborelay.polymarket.BookSnapshot;
import eu.bborelay.polymarket.PolymarketClient;
import eu.bborelay.polymarket.PolymarketStats;
import eu.bborelay.recording.Recorder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's Polymarket input: a {@link PolymarketClient} on the CLOB market channel for the tokens of
 * {@code POLYMARKET_TOKENS}, whose every book change and trade {@link PolymarketRecordingListener} records. Started
 * by the {@link Collector} when tokens are configured; closed before the recorder.
 *
 * <p>Reconnects, resubscription and the unsynced-until-snapshot rule are the client's (docs/POLYMARKET.md). What a
 * disconnection loses cannot be counted in updates (the channel has no sequence numbers): it shows as
 * {@link PolymarketStats#reconnects()} and as the time between the last row before it and the {@code book} row that
 * resyncs each token after it.
 *
 * <p>Thread-safe accessors; {@link #close()} once.
 */
final class PolymarketSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolymarketSource.class);

    /**
     * What to record.
     *
     * @param tokens    asset ids (decimal digits), at least one
     * @param uri       the market channel, {@code ws://} or {@code wss://}
     * @param l2Levels  best levels recorded per side, 0 = the whole book
     * @param reconnectMin first reconnect backoff (the client's default 250 ms; tests shorten it)
     */
    record Config(List<String> tokens, URI uri, int l2Levels, Duration reconnectMin) {
        Config {
            tokens = List.copyOf(tokens);
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(reconnectMin, "reconnectMin");
            if (tokens.isEmpty() || l2Levels < 0) {
                throw new IllegalArgumentException("tokens must not be empty and l2Levels >= 0");
            }
        }

        Config(List<String> tokens, URI uri, int l2Levels) {
            this(tokens, uri, l2Levels, Duration.ofMillis(250));
        }
    }

    private final Config config;
    private final PolymarketClient client;
    private final PolymarketRecordingListener listener;

    private PolymarketSource(Config config, PolymarketClient client, PolymarketRecordingListener listener) {
        this.config = config;
        this.client = client;
        this.listener = listener;
    }

    /**
     * Starts connecting (returns at once).
     *
     * @param recorder opened with {@link eu.bborelay.recording.PolymarketTables#ALL}
     * @throws IllegalArgumentException for a token id that is not decimal digits
     */
    static PolymarketSource start(Config config, Recorder recorder) {
        PolymarketRecordingListener listener = new PolymarketRecordingListener(recorder, config.l2Levels());
        PolymarketClient client = PolymarketClient.builder().uri(config.uri()).assets(config.tokens())
                .listener(listener).reconnectBackoff(config.reconnectMin(),
                        Duration.ofSeconds(30).compareTo(config.reconnectMin()) < 0 ? config.reconnectMin()
                                : Duration.ofSeconds(30))
                .build();
        client.start();
        LOG.info("Recording Polymarket {} token(s) from {} into polymarket/l2 ({}) and polymarket/trades",
                config.tokens().size(), config.uri(), config.l2Levels() == 0 ? "whole book"
                        : "best " + config.l2Levels() + " levels per side");
        return new PolymarketSource(config, client, listener);
    }

    /** The client (stats, latest books, run-time subscriptions). */
    PolymarketClient client() {
        return client;
    }

    /** The recording listener's counters. */
    PolymarketRecordingListener listener() {
        return listener;
    }

    /** The configuration it runs with. */
    Config config() {
        return config;
    }

    /** True while the market channel is open and subscribed. */
    boolean connected() {
        return client.connected();
    }

    /** Tokens whose book is synced (snapshot received on the current connection) now. Copies each book. */
    int syncedBooks() {
        int n = 0;
        for (String id : client.assets()) {
            BookSnapshot b = client.latest(id);
            if (b != null && b.synced()) {
                n++;
            }
        }
        return n;
    }

    /** One line for /health and the shutdown log. */
    String summary() {
        PolymarketStats s = client.stats();
        return "polymarket " + (connected() ? "connected" : "DISCONNECTED") + ", " + syncedBooks() + "/"
                + client.assets().size() + " books synced, rows polymarket/l2 " + listener.l2Rows()
                + ", polymarket/trades " + listener.tradeRows() + ", reconnects " + s.reconnects();
    }

    @Override
    public void close() {
        String last = summary();
        client.close();
        LOG.info("Polymarket stopped (was: {}); {}", last, client.stats());
    }
}
