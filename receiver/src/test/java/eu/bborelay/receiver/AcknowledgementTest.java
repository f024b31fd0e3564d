package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.FrameType;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Protocol 2 on the receiver's side, over real TLS: the resume answer to a hello with {@code acked}, acks after
 * delivery ({@link AckMode#DELIVERED}) or after the host's {@link Receiver#acknowledge} ({@link AckMode#HOST}), the
 * host's durable position for a new session ({@code resumeFrom}), and nothing of it for a protocol-1 hello.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AcknowledgementTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<Trade> trades = new CopyOnWriteArrayList<>();
    private final List<long[]> gaps = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<Long> sessionSeqs = new CopyOnWriteArrayList<>();
    /** What the host holds durably, per session ({@link TickerListener#resumeFrom}). */
    private java.util.function.ToLongFunction<String> durable = id -> 0;
    private Receiver receiver;
    private FakeSender sender;

    @AfterEach
    void tearDown() {
        if (sender != null) {
            sender.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        assertTrue(errors.isEmpty(), () -> "unexpected errors: " + errors);
    }

    @Test
    void acknowledgesWhatWasDelivered() throws Exception {
        start(b -> b);
        sender.helloAcked("s1", 0, 0, "BTCUSDT");
        assertEquals(0, sender.awaitControl(FrameType.RESUME, 0, WAIT), "a new session: nothing yet");
        for (long seq = 1; seq <= 5; seq++) {
            sender.trade(seq, "BTCUSDT");
        }
        assertEquals(5, sender.awaitControl(FrameType.ACK, 5, WAIT));
        assertEquals(5, trades.size());
    }

    @Test
    void aRestartedReceiverStartsWhereTheSenderWasAcknowledged() throws Exception {
        start(b -> b);
        // The sender wrote up to 50; an earlier receiver acknowledged 30 and then died.
        sender.helloAcked("s2", 50, 30, "BTCUSDT");
        assertEquals(30, sender.awaitControl(FrameType.RESUME, 0, WAIT));
        for (long seq = 31; seq <= 52; seq++) { // the resend of 31..50, then new ones
            sender.trade(seq, "BTCUSDT");
        }
        assertEquals(52, sender.awaitControl(FrameType.ACK, 52, WAIT));
        assertEquals(22, trades.size(), "31..52, each once");
        assertTrue(gaps.isEmpty(), "no gap: 31..50 were resent, not lost");
        assertEquals(22, receiver.stats().tradesDelivered());
        assertEquals(0, receiver.stats().gaps());
    }

    @Test
    void hostModeAcknowledgesOnlyWhatTheHostSaysIsDurable() throws Exception {
        durable = id -> id.equals("s3") ? 40 : 0;
        start(b -> b.ackMode(AckMode.HOST));
        sender.helloAcked("s3", 50, 10, "BTCUSDT");
        assertEquals(40, sender.awaitControl(FrameType.RESUME, 0, WAIT), "the host's journal is ahead of the ack");
        assertEquals(List.of(40L), sessionSeqs, "onSession gets the resume point of a protocol-2 sender");
        for (long seq = 41; seq <= 45; seq++) {
            sender.trade(seq, "BTCUSDT");
        }
        waitFor(() -> trades.size() == 5);
        assertEquals(-1, sender.awaitControl(FrameType.ACK, 41, Duration.ofMillis(400)), "not durable yet");
        receiver.acknowledge("s3", 43);
        assertEquals(43, sender.awaitControl(FrameType.ACK, 41, WAIT));
        receiver.acknowledge(45); // the single-sender form
        assertEquals(45, sender.awaitControl(FrameType.ACK, 44, WAIT));
        assertThrows(IllegalArgumentException.class, () -> receiver.acknowledge("unknown", 1));
        assertTrue(gaps.isEmpty());
    }

    @Test
    void aKnownSessionResumesFromWhatThisReceiverSaw() throws Exception {
        start(b -> b);
        sender.helloAcked("s4", 0, 0, "BTCUSDT");
        sender.awaitControl(FrameType.RESUME, 0, WAIT);
        sender.trade(1, "BTCUSDT").trade(2, "BTCUSDT").trade(3, "BTCUSDT");
        waitFor(() -> trades.size() == 3);
        sender.close();
        sender = FakeSender.connect(receiver.port());
        sender.helloAcked("s4", 3, 1, "BTCUSDT"); // the ack of 2 and 3 was lost with the connection
        assertEquals(3, sender.awaitControl(FrameType.RESUME, 0, WAIT), "this receiver has 3");
    }

    @Test
    void aProtocol1HelloGetsNoResume() throws Exception {
        start(b -> b.pingInterval(200, TimeUnit.MILLISECONDS));
        sender.hello("s5", 0, "BTCUSDT");
        sender.trade(1, "BTCUSDT");
        assertNotNull(sender.awaitPing(WAIT));
        assertEquals(-1, sender.awaitControl(FrameType.RESUME, 0, Duration.ofMillis(500)));
        assertEquals(-1, sender.awaitControl(FrameType.ACK, 0, Duration.ofMillis(100)));
    }

    private void start(UnaryOperator<ReceiverConfig.Builder> customize) throws Exception {
        TestCerts certs = TestCerts.project();
        ReceiverConfig.Builder b = ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                .pingInterval(0, TimeUnit.SECONDS)
                .errorHandler(errors::add);
        receiver = Receiver.start(customize.apply(b).build(), new TickerListener() {
            @Override
            public void onBookTicker(eu.bborelay.common.BookTicker quote) {
            }

            @Override
            public void onTrade(Trade trade) {
                trades.add(trade.copy());
            }

            @Override
            public long resumeFrom(String sessionId) {
                return durable.applyAsLong(sessionId);
            }

            @Override
            public void onSession(String sessionId, long lastSeq) {
                sessionSeqs.add(lastSeq);
            }

            @Override
            public void onGap(long expectedSeq, long receivedSeq) {
                gaps.add(new long[] {expectedSeq, receivedSeq});
            }
        });
        sender = FakeSender.connect(receiver.port());
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }
}
