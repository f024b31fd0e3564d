package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.TestPorts;
import eu.bborelay.replay.BinanceReplayServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared set-up of the end-to-end tests: the real replay server on a real recording, the fake receiver with the
 * project's certificates, and a {@link Sender} on loopback. Everything is closed after each test.
 */
abstract class EndToEndSupport {
    static final Duration WAIT = Duration.ofSeconds(30);

    BinanceReplayServer replay;
    RecordingFrameServer receiver;
    Sender sender;

    @AfterEach
    void closeEverything() {
        if (sender != null) {
            sender.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (replay != null) {
            replay.close();
        }
    }

    /** A replay server for {@code recording}, not started. */
    static BinanceReplayServer.Builder replayOf(String recording, double speed) {
        return BinanceReplayServer.builder().recording(SharedData.binance(recording)).speed(speed);
    }

    /** Sender settings for the fake receiver and Binance at {@code binancePort}, fast reconnects. */
    SenderConfig.Builder config(String symbols, int binancePort) {
        TestCerts certs = TestCerts.project();
        return SenderConfig.builder()
                .binanceWsUrl("ws://127.0.0.1:" + binancePort)
                .symbols(symbols)
                .receiver("127.0.0.1", receiver.port())
                .tls(certs.caCert(), certs.senderCert(), certs.senderKey())
                .receiverReconnect(20, 300, TimeUnit.MILLISECONDS)
                .binanceReconnect(50, 300, TimeUnit.MILLISECONDS)
                .receiverStartupWait(200, TimeUnit.MILLISECONDS)
                .statsInterval(5, TimeUnit.SECONDS);
    }

    /**
     * Starts the sender with the receiver up and Binance not yet listening (its port reserved, connections refused),
     * waits for the receiver link, then starts the replay on the reserved port: the timeline starts with the sender's
     * first Binance connection, so every update finds the link up.
     */
    void startReceiverFirst(BinanceReplayServer.Builder replayBuilder, String symbols,
                            java.util.function.UnaryOperator<SenderConfig.Builder> tweak) throws Exception {
        startReceiverFirst(replayBuilder, symbols, tweak, BinanceLegSettings.DEFAULTS);
    }

    /** As above, with the Binance leg's rollover, liveness and budget settings. */
    void startReceiverFirst(BinanceReplayServer.Builder replayBuilder, String symbols,
                            java.util.function.UnaryOperator<SenderConfig.Builder> tweak,
                            BinanceLegSettings binanceSettings) throws Exception {
        TestPorts.Reservation binancePort = TestPorts.reserve(); // connections refused until the replay binds it
        try {
            sender = Sender.start(tweak.apply(config(symbols, binancePort.port())).build(), binanceSettings);
            Await.until("the receiver link is up", WAIT, () -> sender.stats().receiverConnected(), sender::stats);
        } catch (RuntimeException | Error e) {
            binancePort.close();
            throw e;
        }
        replay = TestPorts.startOn(binancePort, port -> {
            BinanceReplayServer r = replayBuilder.port(port).build();
            r.start();
            return r;
        });
        // the replay accepted the sender's connection (with closeWhenDone it may be closed again by the time we look)
        Await.until("Binance is connected", WAIT, () -> sender.stats().binanceConnected()
                || replay.connectionsOpened() >= 1, sender::stats);
    }

    /** The next frame must be a hello of this sender's session with {@code lastSeq}. */
    void assertHello(RecordingFrameServer.Frame f, long lastSeq) {
        assertEquals(FrameType.HELLO, f.type(), "first frame of a connection");
        assertEquals(sender.sessionId(), f.hello().sessionId());
        assertEquals(eu.bborelay.common.FrameDescriptor.PROTOCOL_VERSION, f.hello().protocolVersion());
        assertTrue(f.hello().acknowledged(), "protocol 2: the hello carries acked");
        assertEquals(sender.config().symbols(), f.hello().symbols());
        assertEquals(lastSeq, f.hello().lastSeq(), "hello.lastSeq");
        assertTrue(f.hello().sender().startsWith("bbo-relay-sender/"), f.hello().sender());
    }

    /** {@code actual} carries the recorded update. */
    static void assertRecorded(RecordedQuotes.Quote expected, BookTicker actual) {
        String where = "seq " + actual.seq();
        assertEquals(expected.symbol(), actual.symbol(), where);
        assertEquals(expected.updateId(), actual.updateId(), where);
        assertEquals(expected.bid(), actual.bid(), where);
        assertEquals(expected.bidQty(), actual.bidQty(), where);
        assertEquals(expected.ask(), actual.ask(), where);
        assertEquals(expected.askQty(), actual.askQty(), where);
        assertEquals(expected.eventTimeMs(), actual.binanceEventTimeMs(), where);
        assertEquals((expected.bid() + expected.ask()) / 2, actual.mid(), where);
    }

    /**
     * The quote frames the receiver got, after waiting for {@code n} of them; their seq must run 1..n (gapless,
     * unrepeated, in order, whatever connection or shard they came from).
     */
    List<RecordingFrameServer.Frame> quotesReceived(long n) {
        List<RecordingFrameServer.Frame> quotes = new ArrayList<>();
        Await.until(n + " quotes at the receiver", WAIT, () -> {
            for (RecordingFrameServer.Frame f : receiver.drain()) {
                if (f.type() == FrameType.QUOTE) {
                    quotes.add(f);
                }
            }
            return quotes.size() >= n;
        }, quotes::size);
        assertEquals(n, quotes.size());
        for (int k = 0; k < quotes.size(); k++) {
            assertEquals(k + 1, quotes.get(k).quote().seq(), "seq is gapless and unrepeated");
        }
        return quotes;
    }

    /** Waits until the writer has accounted for every seq taken (nothing waiting, nothing unaccounted). */
    void awaitDrained(long taken) {
        Await.until("sent + dropped + conflated == taken == " + taken, WAIT, () -> {
            SenderStats s = sender.stats();
            return s.taken() == taken && s.sent() + s.dropped() + s.conflated() == s.taken();
        }, sender::stats);
    }
}
