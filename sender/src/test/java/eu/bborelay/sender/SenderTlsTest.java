package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sender talks only to a receiver whose certificate comes from CA_CERT and names the host it dials. */
@ExtendWith(UncaughtExceptionsExtension.class)
class SenderTlsTest extends EndToEndSupport {
    private LogCapture log;

    @BeforeEach
    void captureLinkLog() {
        log = LogCapture.of(ReceiverLink.class);
    }

    @AfterEach
    void stopCapture() {
        log.close();
    }

    @Test
    @Timeout(60)
    void refusesAReceiverWithACertificateFromAnotherCa() throws Exception {
        TestCerts project = TestCerts.project();
        TestCerts foreign = TestCerts.foreign();
        // an impostor: valid for 127.0.0.1, issued by another CA, and it would even accept our client certificate
        receiver = new RecordingFrameServer(foreign.receiverCert(), foreign.receiverKey(), project.caCert(), 0).start();
        startSenderAndExpectRefusal(project, "SSLHandshakeException: PKIX path");
    }

    @Test
    @Timeout(60)
    void refusesAReceiverWhoseCertificateDoesNotNameTheDialledHost() throws Exception {
        TestCerts other = TestCerts.generate("other", "10.9.9.9");
        // same CA on both sides; only the name is wrong: the certificate says 10.9.9.9, we dial 127.0.0.1
        receiver = new RecordingFrameServer(other.receiverCert(), other.receiverKey(), other.caCert(), 0).start();
        startSenderAndExpectRefusal(other, "No subject alternative names matching IP address 127.0.0.1");
    }

    @Test
    @Timeout(60)
    void aReceiverRefusingOurClientCertificateIsLoggedAndGetsNoFrame() throws Exception {
        TestCerts project = TestCerts.project();
        // the right receiver certificate, but it only accepts clients of another CA
        receiver = new RecordingFrameServer(project.receiverCert(), project.receiverKey(),
                TestCerts.foreign().caCert(), 0).start();
        replay = replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0).build();
        replay.start();
        sender = Sender.start(config("nknusdt,blzeth,lrcbtc", replay.port())
                .receiverReconnect(20, 100, TimeUnit.MILLISECONDS)
                .build());
        Await.until("several attempts refused", WAIT, () -> receiver.handshakeFailures().size() >= 2,
                receiver::handshakeFailures);
        // TLS 1.3: the client learns of the refusal from an alert after its handshake, so it is logged as a loss
        Await.until("the refusal is logged", WAIT, () -> log.contains("Received fatal alert"), log::all);
        assertEquals(0, receiver.queued(), "the receiver accepted no frame");
    }

    @Test
    @Timeout(60)
    void withoutAClientCertificateItReachesAReceiverThatAsksForNoneAndSaysSo() throws Exception {
        TestCerts project = TestCerts.project();
        LogCapture senderLog = LogCapture.of(Sender.class);
        try {
            // like the original Python receiver with REQUIRE_CLIENT_CERT=false: no client certificate asked for
            receiver = new RecordingFrameServer(project.receiverCert(), project.receiverKey(), null, 0).start();
            replay = replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0).build();
            replay.start();
            sender = Sender.start(config("nknusdt,blzeth,lrcbtc", replay.port())
                    .tls(project.caCert(), null, null)
                    .build());
            assertHello(receiver.next(WAIT), 0);
            Await.until("every update taken and the latest ones sent", WAIT, () -> sender.stats().taken() == 84
                    && sender.stats().sent() > 0 && sender.stats().receiverConnected(), sender::stats);
            RecordingFrameServer.Frame first = receiver.next(WAIT);
            assertEquals(eu.bborelay.common.FrameType.QUOTE, first.type(), "quotes reach it over TLS");
            assertEquals(List.of(), receiver.handshakeFailures());
            assertTrue(senderLog.contains("presents NO client certificate"), senderLog.all());
        } finally {
            senderLog.close();
        }
    }

    private void startSenderAndExpectRefusal(TestCerts senderSide, String why) throws Exception {
        replay = replayOf(SharedData.SPOT_4SYMBOLS_20211012, 0).build();
        replay.start();
        sender = Sender.start(config("nknusdt,blzeth,lrcbtc", replay.port())
                .tls(senderSide.caCert(), senderSide.senderCert(), senderSide.senderKey())
                .receiverReconnect(20, 100, TimeUnit.MILLISECONDS)
                .build());

        Await.until("the refusal is logged with its reason", WAIT, () -> log.contains(why), log::all);
        Await.until("several attempts refused", WAIT, () -> receiver.handshakeFailures().size() >= 2,
                receiver::handshakeFailures);
        Await.until("Binance data still taken", WAIT, () -> sender.stats().taken() == 84, sender::stats);
        assertTrue(log.contains("TLS handshake refused"), log.all());
        SenderStats s = sender.stats();
        assertFalse(s.receiverConnected());
        assertEquals(0, s.sent());
        assertEquals(0, receiver.queued(), "not a single frame reached the impostor");
        assertTrue(s.binanceConnected());
    }
}
