package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** End to end on loopback: real TLS 1.3 sockets with the project's certificates, the receiver's own threads. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReceiverTest {
    /** The original Python sender's frame for seq=1 BTCUSDT, as written by Python's msgpack. */
    static final String PYTHON_FRAME_HEX = "0000005487a373657101a27473cf17e9e607e8a01944a673796d626f6ca742544355534454"
            + "a36d6964cb40ee31b451eb851ea3626964cb40ee31b428f5c28fa361736bcb40ee31b47ae147aeaa62696e616e63655f747300";
    static final long PYTHON_FRAME_TS = 1_723_161_254_087_891_268L;
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final RecordingTickerListener listener = new RecordingTickerListener();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Receiver receiver;

    @AfterEach
    void tearDown() throws Exception {
        listener.assertNoMoreQuotes(); // nothing delivered that the test did not expect
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        assertTrue(errors.isEmpty(), () -> "unexpected errors: " + errors);
    }

    @Test
    void deliversQuotesInOrderWithAllFields() throws IOException {
        start(b -> b);
        FakeSender sender = connect();
        long before = EpochNanoClock.SYSTEM.epochNanos();
        sender.hello("s1", 0, "BTCUSDT").quote(1, "BTCUSDT", 61_837.63, 61_837.64).quote(2, "BTCUSDT", 61_837.5,
                61_838.0).quote(3, "BTCUSDT", 61_837.0, 61_837.1);
        BookTicker q = listener.assertNextQuote("BTCUSDT", 1);
        assertEquals(61_837.63, q.bid());
        assertEquals(61_837.64, q.ask());
        assertEquals((61_837.63 + 61_837.64) / 2, q.mid());
        assertEquals(1.5, q.bidQty());
        assertEquals(2.5, q.askQty());
        assertEquals(1001, q.updateId());
        assertEquals(1_723_161_254_087L, q.binanceEventTimeMs());
        assertTrue(q.sendEpochNanos() >= before - TimeUnit.MILLISECONDS.toNanos(5), q::toString);
        assertTrue(q.receiveEpochNanos() >= q.sendEpochNanos() - TimeUnit.MILLISECONDS.toNanos(5), q::toString);
        assertTrue(listener.lastThreadName.startsWith("relay-receiver-conn-"), listener.lastThreadName);
        assertEquals(61_838.0, listener.assertNextQuote("BTCUSDT", 2).ask());
        assertEquals(61_837.1, listener.assertNextQuote("BTCUSDT", 3).ask());
        listener.assertNoMoreEvents();

        ReceiverStats stats = receiver.stats();
        assertEquals(3, stats.quotesDelivered());
        assertEquals(0, stats.gaps());
        assertEquals(1, stats.sessions());
        assertEquals(1, stats.connectionsOpen());
        assertTrue(stats.p50OneWayNanos() > 0 && stats.maxOneWayNanos() < TimeUnit.SECONDS.toNanos(5),
                stats::toString);
    }

    @Test
    void decodesAndDeliversTheOriginalPythonSendersFrame() throws IOException {
        start(b -> b.clock(() -> PYTHON_FRAME_TS + 3_500_000));
        FakeSender python = connect();
        python.hex(PYTHON_FRAME_HEX);
        BookTicker q = listener.assertNextQuote("BTCUSDT", 1);
        assertEquals(PYTHON_FRAME_TS, q.sendEpochNanos());
        assertEquals(PYTHON_FRAME_TS + 3_500_000, q.receiveEpochNanos());
        // the frame's mid is Python's (61837.63 + 61837.64) / 2, i.e. 61837.634999999995
        assertEquals((61_837.63 + 61_837.64) / 2, q.mid());
        assertEquals(61_837.635, q.mid(), 1e-9);
        assertEquals(61_837.63, q.bid());
        assertEquals(61_837.64, q.ask());
        assertEquals(0, q.binanceEventTimeMs());
        assertTrue(Double.isNaN(q.bidQty()) && Double.isNaN(q.askQty()), q::toString);
        assertEquals(BookTicker.NO_UPDATE_ID, q.updateId());

        ReceiverStats stats = receiver.stats();
        assertEquals(1, stats.sessions(), "the legacy session");
        assertEquals(3_500_000, stats.p50OneWayNanos(), 3_500);
        ReceiverStats.SymbolStats btc = stats.symbol("BTCUSDT");
        assertEquals(1, btc.quotes());
        assertEquals(q.mid(), btc.lastMid());
        assertEquals(3_500_000, btc.p99OneWayNanos(), 35_000, "per-symbol histograms: 2 significant digits");
        assertEquals(0, stats.latencyClamped());
    }

    @Test
    void countsGapsAndReportsThemJustBeforeTheQuote() throws IOException {
        start(b -> b);
        connect().hello("s1", 0, "BTCUSDT").quotes(1, 2, "BTCUSDT").quotes(5, 6, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 1, 2);
        listener.assertGap(3, 5);
        listener.assertNextQuotes("BTCUSDT", 5, 6);
        awaitStats("2 gaps", s -> s.gaps() == 2);
        assertEquals(4, receiver.stats().quotesDelivered());
    }

    @Test
    void duplicatesAreDroppedAndCounted() throws IOException {
        start(b -> b);
        connect().hello("s1", 0).quotes(1, 2, "BTCUSDT").quotes(2, 3, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 1, 3);
        awaitStats("1 duplicate", s -> s.duplicates() == 1);
        listener.assertNoMoreEvents();
    }

    @Test
    void newSessionIdStartsAfreshWithoutAGap() throws IOException {
        start(b -> b);
        FakeSender first = connect().hello("process-1", 0).quotes(1, 3, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 1, 3);
        disconnect(first);
        connect().hello("process-2", 0).quotes(1, 2, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 1, 2);
        listener.assertNoMoreEvents();
        ReceiverStats stats = receiver.stats();
        assertEquals(0, stats.gaps());
        assertEquals(2, stats.sessions());
    }

    @Test
    void legacySenderRestartingAtSeqOneIsNotAGap() throws IOException {
        start(b -> b);
        FakeSender python = connect().quotes(500, 502, "BTCUSDT"); // no hello; this receiver started late: no gap
        listener.assertNextQuotes("BTCUSDT", 500, 502);
        disconnect(python);
        connect().quotes(1, 2, "BTCUSDT"); // the Python process restarted
        listener.assertNextQuotes("BTCUSDT", 1, 2);
        listener.assertNoMoreEvents();
        ReceiverStats stats = receiver.stats();
        assertEquals(0, stats.gaps());
        assertEquals(0, stats.duplicates());
        assertEquals(1, stats.sessions());
    }

    @Test
    void reconnectOfTheSameSessionContinuesCounting() throws IOException {
        start(b -> b);
        FakeSender first = connect().hello("s1", 0).quotes(1, 3, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 1, 3);
        disconnect(first);
        // 4 and 5 went into the dead socket; the sender's hello says it wrote up to 5
        connect().hello("s1", 5).quotes(6, 7, "BTCUSDT");
        listener.assertGap(4, 6);
        listener.assertNextQuotes("BTCUSDT", 6, 7);
        awaitStats("2 gaps", s -> s.gaps() == 2);
        assertEquals(1, receiver.stats().sessions());
    }

    @Test
    void replayOfTheLatestQuotesAfterReconnectIsNotDeliveredTwice() throws IOException {
        start(b -> b);
        FakeSender first = connect().hello("s1", 0, "BTCUSDT", "ETHUSDT");
        first.quote(1, "BTCUSDT", 100, 101).quote(2, "ETHUSDT", 10, 11).quote(3, "BTCUSDT", 102, 103);
        listener.assertNextQuote("BTCUSDT", 1);
        listener.assertNextQuote("ETHUSDT", 2);
        listener.assertNextQuote("BTCUSDT", 3);
        disconnect(first);
        FakeSender second = connect().hello("s1", 3, "BTCUSDT", "ETHUSDT");
        second.quote(2, "ETHUSDT", 10, 11).quote(3, "BTCUSDT", 102, 103); // the sender's replay of its latest
        second.quote(4, "BTCUSDT", 104, 105);
        listener.assertNextQuote("BTCUSDT", 4);
        listener.assertNoMoreEvents();
        ReceiverStats stats = receiver.stats();
        assertEquals(2, stats.replaysIgnored());
        assertEquals(0, stats.duplicates());
        assertEquals(0, stats.gaps());
    }

    @Test
    void receiverNewToASessionCountsGapsFromTheHellosLastSeq() throws IOException {
        start(b -> b);
        FakeSender sender = connect().hello("s1", 100, "BTCUSDT", "ETHUSDT");
        sender.quote(98, "ETHUSDT", 10, 11).quote(100, "BTCUSDT", 100, 101); // replay: first sight here
        sender.quote(103, "BTCUSDT", 102, 103);
        listener.assertNextQuote("ETHUSDT", 98);
        listener.assertNextQuote("BTCUSDT", 100);
        listener.assertGap(101, 103);
        listener.assertNextQuote("BTCUSDT", 103);
        awaitStats("2 gaps", s -> s.gaps() == 2);
        assertEquals(3, receiver.stats().quotesDelivered());
    }

    @Test
    void newConnectionOfASessionTakesOverFromAHalfOpenOne() throws IOException {
        start(b -> b);
        FakeSender stale = connect().hello("s1", 0).quotes(1, 2, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 1, 2);
        // the sender reconnects while the receiver still holds the old connection
        FakeSender fresh = connect().hello("s1", 2).quotes(3, 4, "BTCUSDT");
        assertTrue(stale.awaitClosedByPeer(WAIT), "the superseded connection is closed");
        RecordingTickerListener.Disconnected d = listener.assertDisconnected();
        assertTrue(d.cause().getMessage().contains("superseded"), d.cause()::toString);
        listener.assertNextQuotes("BTCUSDT", 3, 4);
        fresh.quotes(5, 5, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 5);
        assertEquals(0, receiver.stats().gaps());
    }

    @Test
    void listenerExceptionIsCountedAndTheNextQuoteStillArrives() throws IOException {
        start(b -> b);
        listener.failNextQuotes(1);
        connect().hello("s1", 0).quotes(1, 2, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);
        listener.assertNextQuote("BTCUSDT", 2);
        awaitStats("1 listener error", s -> s.listenerErrors() == 1);
        assertEquals(1, errors.size());
        assertInstanceOf(IllegalStateException.class, errors.get(0));
        errors.clear();
        assertEquals(1, receiver.stats().connectionsOpen());
    }

    @Test
    void zeroLengthFrameClosesOnlyThatConnection() throws IOException {
        start(b -> b);
        FakeSender good = connect().hello("good", 0);
        FakeSender bad = connect().hello("bad", 0).quotes(1, 1, "ETHUSDT");
        listener.assertNextQuote("ETHUSDT", 1);
        good.quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);

        bad.raw(new byte[] {0, 0, 0, 0});
        assertTrue(bad.awaitClosedByPeer(WAIT));
        RecordingTickerListener.Disconnected d = listener.assertDisconnected();
        FrameFormatException cause = assertInstanceOf(FrameFormatException.class, d.cause());
        assertEquals(FrameFormatException.Reason.BAD_LENGTH, cause.reason());

        good.quotes(2, 3, "BTCUSDT");
        listener.assertNextQuotes("BTCUSDT", 2, 3);
        ReceiverStats stats = receiver.stats();
        assertEquals(1, stats.malformedFrames().get(FrameFormatException.Reason.BAD_LENGTH));
        assertEquals(1, stats.connectionsOpen());
    }

    @Test
    void frameLongerThanTheMaximumClosesOnlyThatConnection() throws IOException {
        start(b -> b.maxFrameLength(1_024));
        FakeSender good = connect().hello("good", 0).quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);
        FakeSender bad = connect();
        bad.raw(new byte[] {0, 0, 4, 1}); // 1025
        assertTrue(bad.awaitClosedByPeer(WAIT));
        FrameFormatException cause = assertInstanceOf(FrameFormatException.class,
                listener.assertDisconnected().cause());
        assertTrue(cause.getMessage().contains("1025"), cause.getMessage());
        good.quotes(2, 2, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 2);
        assertEquals(1, receiver.stats().malformedFrames().get(FrameFormatException.Reason.BAD_LENGTH));
    }

    @Test
    void garbageBytesAreSkippedOrCloseTheConnection() throws IOException {
        start(b -> b);
        FakeSender sender = connect().hello("s1", 0);
        sender.frame(new byte[] {(byte) 0xc1, 1, 2, 3}); // a well-framed payload of junk: skipped
        sender.quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);
        assertEquals(1, receiver.stats().malformedFrames().get(FrameFormatException.Reason.MALFORMED_MSGPACK));

        sender.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(sender.awaitClosedByPeer(WAIT), "a length prefix of 'GET ' is far over the maximum");
        assertEquals(FrameFormatException.Reason.BAD_LENGTH,
                assertInstanceOf(FrameFormatException.class, listener.assertDisconnected().cause()).reason());
    }

    @Test
    void malformedMsgpackAndQuoteMissingBidAreCountedAndSkipped() throws IOException {
        start(b -> b);
        FakeSender sender = connect().hello("s1", 0).quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);

        MessageBufferPacker notAMap = MessagePack.newDefaultBufferPacker();
        notAMap.packInt(42);
        sender.frame(notAMap.toByteArray());
        MessageBufferPacker noBid = MessagePack.newDefaultBufferPacker();
        noBid.packMapHeader(4).packString("seq").packLong(2)
                .packString("ts").packLong(EpochNanoClock.SYSTEM.epochNanos())
                .packString("symbol").packString("BTCUSDT").packString("ask").packDouble(101);
        sender.frame(noBid.toByteArray());
        sender.quotes(3, 3, "BTCUSDT");

        listener.assertGap(2, 3); // seq 2 was the skipped frame: lost, and counted
        listener.assertNextQuote("BTCUSDT", 3);
        ReceiverStats stats = receiver.stats();
        assertEquals(1, stats.malformedFrames().get(FrameFormatException.Reason.MALFORMED_MSGPACK));
        assertEquals(1, stats.malformedFrames().get(FrameFormatException.Reason.MISSING_KEY));
        assertEquals(2, stats.malformedFramesTotal());
        assertEquals(1, stats.connectionsOpen(), "the connection stays");
        listener.assertNoMoreEvents();
    }

    @Test
    void heartbeatsAndUnknownFrameTypesAreIgnored() throws IOException {
        start(b -> b);
        FakeSender sender = connect().hello("s1", 0).heartbeat();
        MessageBufferPacker trade = MessagePack.newDefaultBufferPacker();
        trade.packMapHeader(2).packString("type").packString("trade").packString("price").packDouble(1);
        sender.frame(trade.toByteArray()).quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);
        assertEquals(1, receiver.stats().unknownFrames());
        assertEquals(0, receiver.stats().malformedFramesTotal());
    }

    @Test
    void latestQuotesAndStatsAreReadableFromAnyThread() throws IOException {
        start(b -> b);
        FakeSender sender = connect().hello("s1", 0, "BTCUSDT", "ETHUSDT");
        sender.quote(1, "BTCUSDT", 100, 102).quote(2, "ETHUSDT", 10, 12).quote(3, "BTCUSDT", 101, 103);
        listener.assertNextQuote("BTCUSDT", 1);
        listener.assertNextQuote("ETHUSDT", 2);
        BookTicker delivered = listener.assertNextQuote("BTCUSDT", 3);

        BookTicker latest = receiver.latest("BTCUSDT");
        assertEquals(delivered.toString(), latest.toString());
        assertEquals(delivered.receiveEpochNanos(), latest.receiveEpochNanos());
        assertNotEquals(latest, receiver.latest("BTCUSDT"), "a new copy each call");
        assertNull(receiver.latest("XRPUSDT"));
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), new ArrayList<>(receiver.latestQuotes().keySet()));
        assertEquals(11, receiver.latestQuotes().get("ETHUSDT").mid());

        ReceiverStats stats = receiver.stats();
        assertEquals(1, stats.connectionsOpen());
        assertEquals(1, stats.connectionsAccepted());
        assertEquals(0, stats.handshakeFailures());
        assertEquals(3, stats.quotesDelivered());
        assertEquals(2, stats.symbols().size());
        ReceiverStats.SymbolStats btc = stats.symbol("BTCUSDT");
        assertEquals(2, btc.quotes());
        assertEquals(3, btc.lastSeq());
        assertEquals(102, btc.lastMid());
        assertEquals(delivered.receiveEpochNanos(), btc.lastReceiveEpochNanos());
        assertTrue(btc.p50OneWayNanos() > 0 && btc.p50OneWayNanos() <= btc.p99OneWayNanos(), btc::toString);
        assertEquals(0, stats.malformedFramesTotal());
        assertEquals(FrameFormatException.Reason.values().length, stats.malformedFrames().size());

        disconnect(sender);
        awaitStats("no open connection", s -> s.connectionsOpen() == 0);
        assertEquals(delivered.toString(), receiver.latest("BTCUSDT").toString(), "kept after the sender left");
    }

    @Test
    void clockSkewIsClampedAndCounted() throws IOException {
        start(b -> b.clock(() -> EpochNanoClock.SYSTEM.epochNanos() - TimeUnit.SECONDS.toNanos(60)));
        connect().hello("s1", 0).quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);
        ReceiverStats stats = receiver.stats();
        assertEquals(1, stats.latencyClamped());
        assertEquals(0, stats.maxOneWayNanos());
    }

    @Test
    void severalSendersDeliverConcurrentlyOnTheirOwnThreads() throws IOException {
        start(b -> b.statsInterval(20, TimeUnit.MILLISECONDS)); // the stats thread runs meanwhile
        FakeSender a = FakeSender.connect(receiver.port());
        closeables.add(a);
        FakeSender b = FakeSender.connect(receiver.port());
        closeables.add(b);
        String threadA = listener.assertConnected().threadName();
        String threadB = listener.assertConnected().threadName();
        assertNotEquals(threadA, threadB);
        a.hello("a", 0);
        b.hello("b", 0);
        for (int i = 1; i <= 200; i++) {
            a.quote(i, "BTCUSDT", 100 + i, 101 + i);
            b.quote(i, "ETHUSDT", 10 + i, 11 + i);
        }
        awaitStats("400 quotes", s -> s.quotesDelivered() == 400);
        assertEquals(400, listener.drainQuotes().size());
        ReceiverStats stats = receiver.stats();
        assertEquals(200, stats.symbol("BTCUSDT").quotes());
        assertEquals(200, stats.symbol("ETHUSDT").lastSeq());
        assertEquals(0, stats.gaps());
        assertEquals(2, stats.sessions());
    }

    @Test
    void closeDisconnectsSendersAndIsIdempotent() throws IOException {
        start(b -> b);
        FakeSender sender = connect().hello("s1", 0).quotes(1, 1, "BTCUSDT");
        listener.assertNextQuote("BTCUSDT", 1);
        receiver.close();
        assertTrue(listener.assertDisconnected().cause().getMessage().contains("receiver closed"));
        assertTrue(sender.awaitClosedByPeer(WAIT));
        receiver.close();
        assertEquals(0, receiver.stats().connectionsOpen());
        assertEquals(1, receiver.stats().quotesDelivered(), "stats stay readable after close");
    }

    @Test
    void closeFromInsideTheListenerDoesNotDeadlock() throws IOException {
        TestCerts certs = TestCerts.project();
        Receiver[] self = new Receiver[1];
        receiver = Receiver.start(ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).statsInterval(0, TimeUnit.SECONDS)
                .errorHandler(errors::add).build(), quote -> self[0].close());
        self[0] = receiver;
        FakeSender sender = FakeSender.connect(receiver.port());
        closeables.add(sender);
        sender.hello("s1", 0).quotes(1, 1, "BTCUSDT");
        assertTrue(sender.awaitClosedByPeer(WAIT));
        Await.until("receiver closed", WAIT, () -> receiver.stats().connectionsOpen() == 0);
    }

    private void start(UnaryOperator<ReceiverConfig.Builder> customize) {
        TestCerts certs = TestCerts.project();
        ReceiverConfig.Builder b = ReceiverConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                // FakeSender never answers pings: without them latency is recorded (uncorrected) from the first
                // quote. Pings and the corrected latency are tested in LinkTimersTest and ClockCorrectionTest.
                .pingInterval(0, TimeUnit.SECONDS)
                .errorHandler(errors::add);
        receiver = Receiver.start(customize.apply(b).build(), listener);
    }

    /** A sender with the project's certificate, once the receiver reported it connected. */
    private FakeSender connect() throws IOException {
        FakeSender s = FakeSender.connect(receiver.port());
        closeables.add(s);
        assertTrue(listener.assertConnected().threadName().startsWith("relay-receiver-conn-"));
        return s;
    }

    private void disconnect(FakeSender sender) {
        sender.close();
        assertNull(listener.assertDisconnected().cause(), "a clean close between frames");
    }

    private void awaitStats(String what, Predicate<ReceiverStats> condition) {
        Await.until(what, WAIT, () -> condition.test(receiver.stats()), () -> receiver.stats());
    }

    @Test
    void statsSnapshotIsImmutable() {
        start(b -> b);
        ReceiverStats stats = receiver.stats();
        assertThrows(UnsupportedOperationException.class,
                () -> stats.malformedFrames().put(FrameFormatException.Reason.BAD_VALUE, 1L));
        assertThrows(UnsupportedOperationException.class, () -> stats.symbols().clear());
    }
}
