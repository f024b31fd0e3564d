package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nobody but a sender with a certificate from the project CA can inject prices: a client without a certificate,
 * one with a foreign CA's certificate, and a plaintext client each try to push a forged quote while the real
 * sender relays a recording. None of the forged quotes reaches the listener, and the real sender never notices.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class MutualTlsRefusalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final double FORGED_BID = 1.0;

    private BinanceReplayServer replay;
    private Receiver receiver;
    private Sender sender;

    @AfterEach
    void closeAll() throws Exception {
        RelayFixture.closeAll(sender, receiver, replay);
    }

    @Test
    @Timeout(60)
    void onlyTheProjectsSenderGetsQuotesThrough() throws Exception {
        RecordingTickerListener listener = new RecordingTickerListener();
        receiver = RelayFixture.receiver(0, listener);
        replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 20); // ~1,600 updates/s for ~17 s
        sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, receiver.port()).build());
        Await.until("the real sender flows", WAIT, () -> listener.size() > 500);

        TestCerts project = TestCerts.project();
        TestCerts foreign = TestCerts.foreign();
        SSLContext noCert = PemTls.clientContext(project.caCert(), null, null);
        SSLContext foreignCert = PemTls.clientContext(project.caCert(), foreign.senderCert(), foreign.senderKey());
        int before = listener.size();
        assertThrows(IOException.class, () -> forgeOverTls(noCert));
        assertThrows(IOException.class, () -> forgeOverTls(foreignCert));
        forgePlaintext();

        Await.until("three refused handshakes", WAIT, () -> receiver.stats().handshakeFailures() == 3,
                receiver::stats);
        Await.until("the real sender still flows", WAIT, () -> listener.size() > before + 500);
        assertTrue(listener.quotes.stream().noneMatch(q -> q.bid() == FORGED_BID), "a forged quote got through");
        assertEquals(1, receiver.stats().connectionsAccepted(), "only the real sender's connection was accepted");
        assertEquals(0, receiver.stats().gaps());
        assertEquals(0, sender.stats().receiverReconnects());
        assertTrue(sender.stats().receiverConnected());
    }

    private void forgeOverTls(SSLContext ctx) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", receiver.port())) {
            PemTls.configureClient(s);
            s.setSoTimeout(5_000);
            s.startHandshake();
            // TLS 1.3: a refused client certificate surfaces on the first read or write after the handshake
            writeForgedQuote(s.getOutputStream());
            InputStream in = s.getInputStream();
            if (in.read() < 0) {
                throw new IOException("closed by the receiver");
            }
        }
    }

    private void forgePlaintext() throws IOException {
        try (Socket s = new Socket("127.0.0.1", receiver.port())) {
            s.setSoTimeout(5_000);
            writeForgedQuote(s.getOutputStream());
            try {
                s.getInputStream().read();
            } catch (IOException expected) {
                // reset by the receiver
            }
        }
    }

    private static void writeForgedQuote(OutputStream out) throws IOException {
        FrameEncoder enc = new FrameEncoder();
        int n = enc.encodeQuote(new BookTicker().set("BTCUSDT", FORGED_BID, 1, 2.0, 1, 1, 0).seq(1)
                .sendEpochNanos(System.currentTimeMillis() * 1_000_000L));
        out.write(enc.buffer(), 0, n);
        out.flush();
    }
}
