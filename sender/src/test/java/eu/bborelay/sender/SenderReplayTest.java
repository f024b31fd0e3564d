package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.FrameType;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.replay.BinanceReplayServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Real recordings through the replay server, the sender and real TLS to the fake receiver. */
@ExtendWith(UncaughtExceptionsExtension.class)
class SenderReplayTest extends EndToEndSupport {

    @Test
    @Timeout(90)
    void spotRecordingAtFullSpeedArrivesCompleteAndInOrder() throws Exception {
        List<RecordedQuotes.Quote> expected = RecordedQuotes.read(
                SharedData.binance(SharedData.SPOT_BTCUSDT_20240808), Set.of("BTCUSDT"));
        assertEquals(28_040, expected.size(), "bookTicker updates in the recording");
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_BTCUSDT_20240808, 0), " BTCUSDT ", b -> b);

        assertHello(receiver.next(WAIT), 0);
        for (int k = 1; k <= expected.size(); k++) {
            RecordingFrameServer.Frame f = receiver.next(WAIT);
            assertEquals(FrameType.QUOTE, f.type());
            assertEquals(k, f.quote().seq(), "seq of the k-th update");
            assertRecorded(expected.get(k - 1), f.quote());
            assertTrue(f.quote().sendEpochNanos() > 1_600_000_000_000_000_000L, "ts is a wall clock in ns");
        }
        assertTrue(replay.awaitFinished(WAIT));
        awaitDrained(28_040);

        SenderStats s = sender.stats();
        assertEquals(28_040, s.sent());
        assertEquals(0, s.dropped());
        assertEquals(0, s.conflated());
        assertEquals(28_040, s.lastSeq());
        assertEquals(28_040, s.received(), "the combined stream carries bookTicker only");
        assertEquals(0, s.invalidTotal());
        assertEquals(0, s.notData());
        assertEquals(0, receiver.queued(), "nothing beyond the recording");
        assertEquals(List.of(), receiver.errors());
    }

    @Test
    @Timeout(60)
    void usdmRecordingCarriesBinanceEventTime() throws Exception {
        Set<String> symbols = Set.of("SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT");
        List<RecordedQuotes.Quote> expected = RecordedQuotes.read(
                SharedData.binance(SharedData.USDM_4SYMBOLS_20210722), symbols);
        assertEquals(613, expected.size());
        LogCapture log = LogCapture.of(Sender.class);
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.USDM_4SYMBOLS_20210722, 0), "sushiusdt,akrousdt,KEEPUSDT,ctkusdt",
                b -> b.statsInterval(1, TimeUnit.SECONDS));

        assertHello(receiver.next(WAIT), 0);
        for (int k = 1; k <= expected.size(); k++) {
            RecordingFrameServer.Frame f = receiver.next(WAIT);
            assertEquals(k, f.quote().seq());
            assertRecorded(expected.get(k - 1), f.quote());
            assertTrue(f.quote().binanceEventTimeMs() > 1_626_000_000_000L, "binance_ts = E");
        }
        awaitDrained(613);
        assertEquals(0, sender.stats().conflated());
        assertEquals(0, sender.stats().dropped());
        // a 2021 recording replayed today: every receive - E is beyond the histogram's hour, clamped and counted,
        // and shown as no latency rather than as the clamp bound
        Await.until("USD-M Binance latency in the stats line", WAIT,
                () -> log.all().matches("(?s).*binance_latency\\{p50=- p99=- clamped=613: most event times E ahead of this clock or over 1 h behind it.*"),
                log::all);
        log.close();
    }

    @Test
    @Timeout(60)
    void binanceReconnectsOnItsOwnWhileTheReceiverLinkStaysUp() throws Exception {
        receiver = RecordingFrameServer.project().start();
        startReceiverFirst(replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0).closeWhenDone(true),
                "nknusdt,blzeth,lrcbtc,runeeur", b -> b);
        awaitDrained(84);
        // the replay closes the connection when done (and every later one at once): the sender keeps
        // reconnecting with backoff while the receiver link stays up, untouched
        Await.until("Binance reconnects", WAIT, () -> replay.connectionsOpened() >= 3
                && sender.stats().binanceReconnects() >= 2, sender::stats);

        SenderStats s = sender.stats();
        assertEquals(0, s.receiverReconnects());
        assertTrue(s.receiverConnected());
        assertEquals(1, receiver.connections(), "the receiver connection was never replaced");
        assertEquals(84, s.sent());
        assertEquals(0, s.dropped());
        assertEquals(84, s.taken());
        // sent = written to the socket: the test receiver's reader may still be behind on a loaded machine
        Await.until("hello + 84 quotes read by the receiver", WAIT, () -> receiver.queued() >= 85,
                () -> "queued " + receiver.queued());
        assertEquals(85, receiver.drain().size(), "hello + 84 quotes");
    }

    @Test
    @Timeout(60)
    void invalidMessagesTakeNoSeqAndOneExampleIsLoggedPerInterval(@TempDir Path dir) throws Exception {
        // the NKNUSDT updates of a real recording, each tenth followed by three broken copies of itself
        List<String> mixed = new ArrayList<>();
        int valid = 0;
        for (String line : recordingLines(SharedData.SPOT_4SYMBOLS_20211012)) {
            if (!line.contains("\"stream\":\"nknusdt@bookTicker\"")) {
                continue;
            }
            mixed.add(line);
            if (valid++ % 10 == 0) {
                mixed.add(line.replaceFirst("\"b\":\"[0-9.]+\"", "\"b\":\"9.99\""));    // bid above ask
                mixed.add(line.replaceFirst("\"a\":\"[0-9.]+\"", "\"a\":\"0E-8\""));    // zero ask
                mixed.add(line.replaceFirst("\"s\":\"NKNUSDT\",", ""));                  // no symbol
            }
        }
        assertEquals(74, valid);
        Path recording = Files.write(dir.resolve("nknusdt-with-broken-copies.ndjson"), mixed);
        List<RecordedQuotes.Quote> expected = RecordedQuotes.read(
                SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012), Set.of("NKNUSDT"));

        try (LogCapture log = LogCapture.of(Sender.class)) {
            receiver = RecordingFrameServer.project().start();
            startReceiverFirst(BinanceReplayServer.builder().recording(recording).speed(0), "nknusdt",
                    b -> b.statsInterval(1, TimeUnit.SECONDS));
            assertHello(receiver.next(WAIT), 0);
            for (int k = 1; k <= valid; k++) {
                RecordingFrameServer.Frame f = receiver.next(WAIT);
                assertEquals(k, f.quote().seq(), "broken messages take no seq");
                assertRecorded(expected.get(k - 1), f.quote());
            }
            awaitDrained(valid);
            Await.until("the invalid messages are reported with an example", WAIT,
                    () -> log.contains("WARN 24 invalid Binance message(s) since the last stats line, e.g. "
                            + "CROSSED_BOOK: {\"stream\":\"nknusdt@bookTicker\""), log::all);
            SenderStats s = sender.stats();
            assertEquals(Map.of(InvalidReason.CROSSED_BOOK, 8L, InvalidReason.BAD_PRICE, 8L,
                    InvalidReason.MISSING_FIELD, 8L, InvalidReason.MALFORMED_JSON, 0L), s.invalid());
            assertEquals(74 + 24, s.received());
            assertEquals(0, s.dropped() + s.conflated());
            Await.until("a stats line", WAIT, () -> log.contains("INFO Stats: received=98 taken=74 sent=74"
                    + " invalid{missing_field=8 bad_price=8 crossed_book=8 malformed_json=0} not_data=0"), log::all);
            Await.until("spot has no Binance latency", WAIT,
                    () -> log.contains("binance_latency=n/a (spot bookTicker has no E)"), log::all);
        }
    }

    private static List<String> recordingLines(String file) throws java.io.IOException {
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(SharedData.binance(file))),
                java.nio.charset.StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    @Test
    @Timeout(30)
    void closeIsIdempotentAndLeavesNothingRunning() throws Exception {
        receiver = RecordingFrameServer.project().start();
        long fixedEpochNanos = 1_723_161_254_087_891_268L;
        startReceiverFirst(replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0), "nknusdt,blzeth,lrcbtc",
                b -> b.clock(() -> fixedEpochNanos));
        awaitDrained(84);
        Await.until("all frames received", WAIT, () -> receiver.queued() == 85);
        assertTrue(receiver.drain().stream().skip(1).allMatch(f -> f.quote().sendEpochNanos() == fixedEpochNanos),
                "ts comes from the injected clock");
        sender.close();
        sender.close();
        SenderStats s = sender.stats();
        assertEquals(84, s.sent() + s.dropped() + s.conflated());
        assertTrue(!s.binanceConnected() && !s.receiverConnected(), s.logLine());
        Await.until("the replay server saw the close", Duration.ofSeconds(5), () -> replay.openConnections() == 0);
        Await.until("sender threads ended", Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("relay-sender")));
    }
}
