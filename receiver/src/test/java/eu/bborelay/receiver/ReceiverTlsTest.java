package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.PemTls;
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
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Who may connect: refusals never disturb a good sender that keeps flowing meanwhile. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReceiverTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingTickerListener listener = new RecordingTickerListener();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Receiver receiver;
    private FakeSender good;
    private long goodSeq;

    @AfterEach
    void tearDown() throws Exception {
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
    void refusesASenderWithoutAClientCertificate() throws IOException {
        startWithGoodSender(b -> b);
        assertRefused(() -> FakeSender.withoutCertificate(receiver.port()));
    }

    @Test
    void refusesASenderWhoseCertificateIsFromAnotherCa() throws IOException {
        startWithGoodSender(b -> b);
        assertRefused(() -> FakeSender.withForeignCertificate(receiver.port()));
    }

    @Test
    void refusesAPlaintextSender() throws IOException {
        startWithGoodSender(b -> b);
        assertRefused(() -> FakeSender.plaintext(receiver.port()).hex(ReceiverTest.PYTHON_FRAME_HEX));
    }

    @Test
    void refusesAClientThatNeverCompletesTheHandshake() throws IOException {
        startWithGoodSender(b -> b.handshakeTimeout(300, TimeUnit.MILLISECONDS));
        assertRefused(() -> FakeSender.plaintext(receiver.port())); // connects, says nothing
    }

    @Test
    void refusesEveryAttemptWhileTheGoodSenderFlows() throws IOException {
        startWithGoodSender(b -> b);
        for (int i = 0; i < 3; i++) {
            assertRefused(() -> FakeSender.withoutCertificate(receiver.port()));
            assertRefused(() -> FakeSender.plaintext(receiver.port()).hex(ReceiverTest.PYTHON_FRAME_HEX));
        }
        assertEquals(6, receiver.stats().handshakeFailures());
        assertEquals(1, receiver.stats().connectionsAccepted());
    }

    @Test
    void acceptsASenderWithoutCertificateWhenNotRequired() throws IOException {
        TestCerts certs = TestCerts.project();
        start(b -> b.tls(certs.receiverCert(), certs.receiverKey(), null).requireClientCertificate(false));
        FakeSender python = FakeSender.withoutCertificate(receiver.port());
        closeables.add(python);
        listener.assertConnected();
        python.hex(ReceiverTest.PYTHON_FRAME_HEX);
        listener.assertNextQuote("BTCUSDT", 1);
    }

    @Test
    void usesTheHostsOwnSslContext() throws IOException {
        TestCerts certs = TestCerts.project();
        startWithGoodSender(b -> b.tls(null, null, null)
                .sslContext(PemTls.serverContext(certs.receiverCert(), certs.receiverKey(), certs.caCert())));
        assertRefused(() -> FakeSender.withoutCertificate(receiver.port()));
    }

    private interface Attempt {
        FakeSender connect() throws IOException;
    }

    /** The attempt is refused and counted, and the good sender's next quote still arrives. */
    private void assertRefused(Attempt attempt) throws IOException {
        long failures = receiver.stats().handshakeFailures();
        try {
            FakeSender bad = attempt.connect();
            closeables.add(bad);
            assertTrue(bad.awaitClosedByPeer(WAIT), "the receiver closes a refused connection");
        } catch (SSLException | java.net.SocketException e) {
            // refused while the client was still in its own handshake (alert, broken pipe, reset): fine too
        }
        Await.until("handshake failure counted", WAIT,
                () -> receiver.stats().handshakeFailures() == failures + 1, () -> receiver.stats());
        goodSeq++;
        good.quote(goodSeq, "BTCUSDT", 100, 101);
        listener.assertNextQuote("BTCUSDT", goodSeq);
        listener.assertNoMoreEvents(); // in particular no onConnected for the refused client
        assertEquals(1, receiver.stats().connectionsOpen());
    }

    private void startWithGoodSender(UnaryOperator<ReceiverConfig.Builder> customize) throws IOException {
        start(customize);
        good = FakeSender.connect(receiver.port());
        closeables.add(good);
        listener.assertConnected();
        good.hello("good", 0, "BTCUSDT");
        goodSeq = 1;
        good.quote(goodSeq, "BTCUSDT", 100, 101);
        listener.assertNextQuote("BTCUSDT", goodSeq);
    }

    private void start(UnaryOperator<ReceiverConfig.Builder> customize) {
        TestCerts certs = TestCerts.project();
        ReceiverConfig.Builder b = ReceiverConfig.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert())
                .statsInterval(0, TimeUnit.SECONDS)
                .errorHandler(errors::add);
        receiver = Receiver.start(customize.apply(b).build(), listener);
    }
}
