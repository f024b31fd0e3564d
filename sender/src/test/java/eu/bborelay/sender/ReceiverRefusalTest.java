package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** A receiver that closes a connection for capacity is not reported as a certificate problem. */
class ReceiverRefusalTest {

    @Test
    void aCloseWithoutAlertDuringTheHandshakeIsWordedAsCapacity() {
        // what the JDK client throws when the receiver closes the TCP connection without a TLS alert
        SSLHandshakeException e = new SSLHandshakeException("Remote host terminated the handshake");
        e.initCause(new EOFException("SSL peer shut down incorrectly"));
        String line = ReceiverRefusal.attemptFailed(e, ReceiverLink.describe(e), "203.0.113.7");
        assertTrue(line.startsWith("TLS handshake refused: SSLHandshakeException: Remote host terminated the"
                + " handshake"), line);
        assertTrue(line.contains("it is at capacity"), line);
        assertFalse(line.contains("CA_CERT"), line);
    }

    @Test
    void anUntrustedReceiverCertificateNamesCaCertAndAmsHost() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed: unable to find valid"
                + " certification path to requested target");
        String line = ReceiverRefusal.attemptFailed(e, ReceiverLink.describe(e), "203.0.113.7");
        assertTrue(line.contains("must be issued by CA_CERT and name AMS_HOST=203.0.113.7"), line);
    }

    @Test
    void anAlertOfAnotherKindNamesAllThree() {
        SSLHandshakeException e = new SSLHandshakeException("Received fatal alert: handshake_failure");
        String line = ReceiverRefusal.attemptFailed(e, ReceiverLink.describe(e), "203.0.113.7");
        assertTrue(line.endsWith("(check the certificates, AMS_HOST=203.0.113.7, or a receiver at capacity; its log"
                + " says which)"), line);
    }

    @Test
    void aPlainConnectFailureIsJustDescribed() {
        ConnectException e = new ConnectException("Connection refused");
        assertEquals("ConnectException: Connection refused",
                ReceiverRefusal.attemptFailed(e, ReceiverLink.describe(e), "203.0.113.7"));
    }

    @Test
    void aSenderClosedRightAfterItsHandshakeHearsOfTheConnectionLimit() {
        EOFException eof = new EOFException("the receiver closed the connection");
        assertTrue(ReceiverRefusal.endedEarly(eof, 3_000_000L).contains("MAX_CONNECTIONS"));
        assertEquals("", ReceiverRefusal.endedEarly(eof, 60_000_000_000L), "a long-lived connection: no hint");
        assertTrue(ReceiverRefusal.endedEarly(new SSLHandshakeException("Received fatal alert: bad_certificate"), 0)
                .contains("must trust the CA that issued CERT"));
    }
}
