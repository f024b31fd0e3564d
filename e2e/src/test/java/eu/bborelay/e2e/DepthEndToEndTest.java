package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import eu.bborelay.common.Depth;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.sender.DepthRelayStats;
import eu.bborelay.sender.DepthSettings;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderStats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Depth across the relay: the replay server serving a real spot recording's {@code @bookTicker} and
 * {@code @depth@100ms} streams and its REST {@code /api/v3/depth}, the sender with {@code INCLUDE_DEPTH}, a receiver,
 * over loopback WebSocket and mutual TLS. Every depth frame that arrives equals the book this test builds on its own
 * (a sorted map, from the recording's REST snapshot and every diff after it) at the frame's update id: best bid/ask,
 * the top 20 levels and the 40 buckets of each side; and nothing is lost: 0 gaps, every quote delivered.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class DepthEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(DepthEndToEndTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCALE = 8;
    private static final double UNIT = 1e8;

    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, receiver, replay);
    }

    @Test
    @Timeout(40)
    void everyDepthFrameIsTheIndependentlyBuiltBookAtItsUpdateIdWithoutAGap() throws Exception {
        // The defaults: snapshots of 1000 levels (0.33 % of the price per side here), buckets to 0.08 %.
        DepthRelayStats stats = relayAndCompare(DepthSettings.DEFAULTS);
        assertEquals(0, stats.breaks() - stats.coverageResyncs(), "no break but coverage resyncs");
    }

    /**
     * Levels deeper than a snapshot that no diff touched since are unknown to the sender (as to any Binance client).
     * With snapshots of 500 levels (about 0.24 % below the mid here) and buckets to 0.08 %, the price's fall in this
     * recording (61,838 to 61,595 USD) makes the buckets reach past the snapshot's deepest bid once it has fallen
     * about 0.16 %: the relay must resync from a fresh snapshot rather than send a frame that misses levels, and every
     * frame still equals the independent book.
     */
    @Test
    @Timeout(40)
    void aBookWhoseBucketsOutgrowItsSnapshotResyncsAndNoFrameMissesALevel() throws Exception {
        DepthRelayStats stats = relayAndCompare(new DepthSettings(true, 20, 0.00002, 40, 1, StreamKind.DEPTH_100MS,
                500));
        assertTrue(stats.coverageResyncs() >= 1, "the buckets outgrew a snapshot: " + stats);
        assertEquals(stats.coverageResyncs(), stats.breaks(), "every break a coverage resync: " + stats);
    }

    private DepthRelayStats relayAndCompare(DepthSettings depth) throws Exception {
        String file = SharedData.SPOT_BTCUSDT_20240808;
        Path recording = SharedData.binance(file);
        List<Depth> frames = new CopyOnWriteArrayList<>();
        RecordingTickerListener listener = new RecordingTickerListener() {
            @Override
            public void onDepth(Depth depth) {
                assertTrue(depth.receiveEpochNanos() > 0);
                frames.add(depth.copy());
            }
        };
        receiver = RelayFixture.receiver(0, listener);
        replay = RelayFixture.replay(file, 25); // 346 s of recording in about 14 s: a frame per 25 recorded seconds
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, receiver.port())
                .binanceRestUrl(replay.restBaseUri().toString())
                .depth(depth)
                .build());
        assertTrue(replay.awaitFinished(Duration.ofSeconds(25)), "the replay sent the whole recording");
        Thread.sleep(1_500); // the frame of the boundary after the last diff
        Await.until("every quote at the listener", Duration.ofSeconds(5),
                () -> listener.quotes.size() == 28_040, receiver::stats);
        DepthRelayStats stats = sender.depthStats();
        sender.close(); // no more frames: the book stands still after the replay, but a frame still comes each second
        Await.until("every frame the sender wrote at the listener", Duration.ofSeconds(5),
                () -> receiver.stats().quotesDelivered() + frames.size() == sender.stats().sent(), receiver::stats);
        SenderStats s = sender.stats();
        ReceiverStats r = receiver.stats();
        log.info("depth frames received {}; sender taken {} sent {} dropped {} conflated {}; receiver gaps {}; {}",
                frames.size(), s.taken(), s.sent(), s.dropped(), s.conflated(), r.gaps(), stats);

        assertTrue(frames.size() >= 6, "a frame per second while the book was synced: " + frames.size());
        assertEquals(frames.size(), r.depthDelivered());
        assertEquals(0, r.gaps());
        assertEquals(0, listener.gapCalls.get());
        assertEquals(0, r.duplicates());
        assertEquals(0, r.malformedFramesTotal());
        assertEquals(0, r.unknownFrames());
        assertEquals(0, s.dropped() + s.conflated(), "nothing replaced or dropped at this pace");
        assertEquals(28_040, r.quotesDelivered());
        assertEquals(s.taken(), listener.quotes.size() + frames.size(), "one seq space: quotes and depth frames");

        long previousSeq = 0;
        long previousEpoch = 0;
        long previousUpdateId = 0;
        for (Depth d : frames) {
            assertEquals("BTCUSDT", d.symbol());
            assertTrue(d.seq() > previousSeq, "seq order");
            assertTrue(d.epochSecond() > previousEpoch, "one frame per aligned second: " + d);
            assertTrue(d.updateId() >= previousUpdateId, "the book only moves forward: " + d);
            assertEquals(20, d.bidLevels());
            assertEquals(20, d.askLevels());
            assertEquals(depth.steps(), d.numSteps());
            assertEquals(0.002, d.stepPct());
            previousSeq = d.seq();
            previousEpoch = d.epochSecond();
            previousUpdateId = d.updateId();
        }
        assertTrue(frames.get(frames.size() - 1).updateId() > frames.get(0).updateId(), "the book moved");
        int compared = compareWithIndependentBook(recording, frames, depth);
        assertEquals(frames.size(), compared, "every frame matched a state of the recorded book");
        return stats;
    }

    /**
     * Builds the book from the recording's REST snapshot line and its diffs (spot rules: skip {@code u <= id}, a diff
     * must start at {@code U <= id + 1}), and compares each frame when the book reaches the frame's update id.
     *
     * @return the number of frames compared
     */
    private static int compareWithIndependentBook(Path recording, List<Depth> frames, DepthSettings settings)
            throws Exception {
        Map<Long, List<Depth>> byUpdateId = new HashMap<>();
        for (Depth d : frames) {
            byUpdateId.computeIfAbsent(d.updateId(), k -> new ArrayList<>()).add(d);
        }
        NavigableMap<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
        NavigableMap<Long, Long> asks = new TreeMap<>();
        long id = -1;
        int compared = 0;
        List<JsonNode> beforeSnapshot = new ArrayList<>(); // diffs received before the snapshot's answer
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(recording)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = JSON.readTree(line.substring(line.indexOf(' ') + 1));
                if (!n.has("stream")) { // the REST snapshot
                    if (id >= 0) {
                        continue;
                    }
                    load(bids, n.get("bids"));
                    load(asks, n.get("asks"));
                    id = n.get("lastUpdateId").asLong();
                    compared += compare(byUpdateId.remove(id), bids, asks, -1, settings);
                    for (JsonNode e : beforeSnapshot) {
                        long[] applied = apply(e, id, bids, asks);
                        id = applied[0];
                        compared += applied[1] == 0 ? 0
                                : compare(byUpdateId.remove(id), bids, asks, e.get("E").asLong(), settings);
                    }
                    continue;
                }
                if (!n.get("stream").asText().endsWith("@depth@100ms")) {
                    continue;
                }
                JsonNode e = n.get("data");
                if (id < 0) {
                    beforeSnapshot.add(e);
                    continue;
                }
                long[] applied = apply(e, id, bids, asks);
                id = applied[0];
                compared += applied[1] == 0 ? 0
                        : compare(byUpdateId.remove(id), bids, asks, e.get("E").asLong(), settings);
            }
        }
        assertTrue(byUpdateId.isEmpty(), "frames at update ids the recording never reached: " + byUpdateId.keySet());
        return compared;
    }

    /** Spot rules: a diff with {@code u <= id} is old; else it must start at {@code U <= id + 1}. Returns {id, applied}. */
    private static long[] apply(JsonNode e, long id, NavigableMap<Long, Long> bids, NavigableMap<Long, Long> asks) {
        long first = e.get("U").asLong();
        long last = e.get("u").asLong();
        if (last <= id) {
            return new long[] {id, 0};
        }
        assertTrue(first <= id + 1, "the recording has no gap: U=" + first + " after " + id);
        load(bids, e.get("b"));
        load(asks, e.get("a"));
        return new long[] {last, 1};
    }

    private static void load(NavigableMap<Long, Long> side, JsonNode levels) {
        for (JsonNode l : levels) {
            long price = scaled(l.get(0).asText());
            long qty = scaled(l.get(1).asText());
            if (qty == 0) {
                side.remove(price);
            } else {
                side.put(price, qty);
            }
        }
    }

    private static long scaled(String decimal) {
        return new BigDecimal(decimal).setScale(SCALE).unscaledValue().longValueExact();
    }

    private static int compare(List<Depth> at, NavigableMap<Long, Long> bids, NavigableMap<Long, Long> asks,
                               long eventTimeMs, DepthSettings settings) {
        if (at == null) {
            return 0;
        }
        double[] bidBuckets = buckets(bids, bids, asks, true, settings);
        double[] askBuckets = buckets(asks, bids, asks, false, settings);
        for (Depth d : at) {
            String what = d.toString();
            assertEquals(bids.firstKey() / UNIT, d.bestBid(), what);
            assertEquals(asks.firstKey() / UNIT, d.bestAsk(), what);
            if (eventTimeMs >= 0) {
                assertEquals(eventTimeMs, d.binanceEventTimeMs(), what);
            }
            levels(bids, d.bidPrices(), d.bidSizes(), d.bidLevels(), settings.levels(), what + " bids");
            levels(asks, d.askPrices(), d.askSizes(), d.askLevels(), settings.levels(), what + " asks");
            for (int k = 0; k < settings.steps(); k++) {
                assertEquals(bidBuckets[k], d.bidBuckets()[k], Math.abs(bidBuckets[k]) * 1e-12, what + " bid " + k);
                assertEquals(askBuckets[k], d.askBuckets()[k], Math.abs(askBuckets[k]) * 1e-12, what + " ask " + k);
            }
        }
        return at.size();
    }

    private static void levels(NavigableMap<Long, Long> side, double[] prices, double[] sizes, int n, int want,
                               String what) {
        assertEquals(Math.min(want, side.size()), n, what);
        int k = 0;
        for (Map.Entry<Long, Long> l : side.entrySet()) {
            if (k == n) {
                break;
            }
            assertEquals(l.getKey() / UNIT, prices[k], what + " price " + k);
            assertEquals(l.getValue() / UNIT, sizes[k], what + " size " + k);
            k++;
        }
    }

    /** DepthBuckets' definition, written out: bucket floor(ln distance / step) of p × q, best level first. */
    private static double[] buckets(NavigableMap<Long, Long> side, NavigableMap<Long, Long> bids,
                                    NavigableMap<Long, Long> asks, boolean bid, DepthSettings settings) {
        double mid = ((double) bids.firstKey() + (double) asks.firstKey()) / 2 / UNIT;
        double[] out = new double[settings.steps()];
        for (Map.Entry<Long, Long> l : side.entrySet()) {
            double p = l.getKey() / UNIT;
            double d = bid ? Math.log(mid / p) : Math.log(p / mid);
            int k = (int) Math.floor(d / settings.step());
            if (k >= settings.steps()) {
                break;
            }
            out[k] += p * (l.getValue() / UNIT);
        }
        return out;
    }
}
