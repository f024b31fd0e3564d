package eu.bborelay.receiver.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.ops.Health;
import eu.bborelay.ops.OpsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import eu.bborelay.receiver.ArbitrationStats;
import eu.bborelay.receiver.ReceiverStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receiver's health rule on hand-made snapshots (the endpoint itself is tested end to end in e2e). */
class ReceiverOpsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long NOW = 1_700_000_000L * SECOND;

    @Test
    void healthyWhenConnectedAndTheFreshestQuoteIsYoungEnough() {
        Health h = ReceiverOps.health(stats(1, NOW - 3 * SECOND, NOW - SECOND / 2), 10 * SECOND, () -> NOW);
        assertTrue(h.healthy(), h.reason());
        assertEquals("1 sender connected, freshest quote ETHUSDT 0.500 s old, gaps 0", h.reason());
    }

    @Test
    void metricsTellCapacityRefusalsFromHandshakeFailures() throws Exception {
        ReceiverStats s = ReceiverStats.builder().handshakeFailures(5).handshakeTimeouts(4).handshakesPending(3)
                .refusedPerAddress(10).refusedPendingFull(11).handshakesEvicted(12).refusedAtConnectionLimit(13)
                .build();
        assertEquals(46, s.refusedForCapacity());
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> Health.healthy("ok"),
                ReceiverOps.metrics(() -> s).registry())) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : List.of("bbo_relay_receiver_handshake_failures_total 5.0",
                    "bbo_relay_receiver_handshake_timeouts_total 4.0", "bbo_relay_receiver_handshakes_pending 3.0",
                    "bbo_relay_receiver_refused_capacity_total{reason=\"per_address\"} 10.0",
                    "bbo_relay_receiver_refused_capacity_total{reason=\"pending_full\"} 11.0",
                    "bbo_relay_receiver_refused_capacity_total{reason=\"evicted\"} 12.0",
                    "bbo_relay_receiver_refused_capacity_total{reason=\"connection_limit\"} 13.0")) {
                assertTrue(body.contains(line), () -> line + " missing in:\n" + body);
            }
        }
    }

    @Test
    void metricsHaveSeriesPerArbitrationPath() throws Exception {
        ReceiverStats s = ReceiverStats.builder().arbitration(new ArbitrationStats(true, 2, 3, 0, 0, List.of(
                new ArbitrationStats.PathStats("10.0.0.7#3f2a9c1b", true, 900, 100, 0, 40, 2, 1000, 3_500_000,
                        5_000_000, 9_000_000),
                new ArbitrationStats.PathStats("10.0.0.8#0badcafe", false, 100, 880, 0, 7, 1, 980, 4_000_000,
                        6_000_000, 8_000_000)))).build();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> Health.healthy("ok"),
                ReceiverOps.metrics(() -> s).registry())) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : List.of("bbo_relay_receiver_merged_gaps_total{type=\"bbo\"} 2.0",
                    "bbo_relay_receiver_merged_gaps_total{type=\"trade\"} 3.0",
                    "bbo_relay_receiver_path_won_total{path=\"10.0.0.7#3f2a9c1b\"} 900.0",
                    "bbo_relay_receiver_path_duplicates_total{path=\"10.0.0.8#0badcafe\"} 880.0",
                    "bbo_relay_receiver_path_gaps_total{path=\"10.0.0.7#3f2a9c1b\"} 40.0",
                    "bbo_relay_receiver_path_holes_total{path=\"10.0.0.8#0badcafe\"} 1.0",
                    "bbo_relay_receiver_path_connected{path=\"10.0.0.8#0badcafe\"} 0.0",
                    "bbo_relay_receiver_path_one_way_latency_seconds{path=\"10.0.0.7#3f2a9c1b\",quantile=\"0.5\"}"
                            + " 0.0035")) {
                assertTrue(body.contains(line), () -> line + " missing in:\n" + body);
            }
        }
    }

    @Test
    void noArbitrationSeriesWhenItIsOff() throws Exception {
        ReceiverStats s = ReceiverStats.builder().build();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, () -> Health.healthy("ok"),
                ReceiverOps.metrics(() -> s).registry())) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(body.contains("merged_gaps_total{"), body);
            assertFalse(body.contains("path_won_total{"), body);
        }
    }

    @Test
    void unhealthyWithoutSender() {
        Health h = ReceiverOps.health(stats(0, NOW, NOW), 10 * SECOND, () -> NOW);
        assertFalse(h.healthy());
        assertTrue(h.reason().startsWith("no sender connected"), h.reason());
    }

    @Test
    void unhealthyWhenEveryQuoteIsOlderThanTheLimit() {
        Health h = ReceiverOps.health(stats(2, NOW - 30 * SECOND, NOW - 11 * SECOND), 10 * SECOND, () -> NOW);
        assertFalse(h.healthy());
        assertEquals("2 senders connected, freshest quote ETHUSDT 11.000 s old (limit 10 s)", h.reason());
    }

    @Test
    void unhealthyBeforeTheFirstQuote() {
        ReceiverStats none = ReceiverStats.builder().connectionsOpen(1).connectionsAccepted(1).sessions(1).build();
        Health h = ReceiverOps.health(none, 10 * SECOND, () -> NOW);
        assertFalse(h.healthy());
        assertEquals("1 sender connected, no quote received yet", h.reason());
    }

    @Test
    void aSymbolSeenByItsTradesOnlyIsNoQuote() {
        ReceiverStats tradesOnly = ReceiverStats.builder().connectionsOpen(1).connectionsAccepted(1).sessions(1)
                .tradesDelivered(5).symbols(List.of(new ReceiverStats.SymbolStats("SOLUSDT", 0, 0, Double.NaN, 0, 0,
                        0, 0, 5, 0))).build();
        Health h = ReceiverOps.health(tradesOnly, 10 * SECOND, () -> NOW);
        assertFalse(h.healthy());
        assertEquals("1 sender connected, no quote received yet", h.reason());
    }

    private static ReceiverStats stats(int connections, long btcEpochNanos, long ethEpochNanos) {
        return ReceiverStats.builder().connectionsOpen(connections).connectionsAccepted(connections).sessions(1)
                .quotesDelivered(2).p50OneWayNanos(1).p95OneWayNanos(2).p99OneWayNanos(3).maxOneWayNanos(4)
                .symbols(List.of(new ReceiverStats.SymbolStats("BTCUSDT", 1, 1, 60_000, btcEpochNanos, 1, 2, 3),
                        new ReceiverStats.SymbolStats("ETHUSDT", 1, 2, 3_000, ethEpochNanos, 1, 2, 3)))
                .build();
    }
}
