package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.security.cert.CertificateExpiredException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The JDK's server-side handshake failures, as seen on the receiver, turned into what to fix. */
class HandshakeFailuresTest {

    @Test
    void noClientCertificate() {
        assertEquals("TLS handshake with /1.2.3.4:5555 failed: no client certificate; the sender needs CERT/KEY signed"
                        + " by this receiver's CA_CERT (javax.net.ssl.SSLHandshakeException: Empty client certificate"
                        + " chain)",
                HandshakeFailures.describe("/1.2.3.4:5555", new SSLHandshakeException("Empty client certificate chain"),
                        5000));
    }

    @Test
    void certificateOfAnotherCa() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed:"
                + " sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification"
                + " path to requested target");
        assertTrue(HandshakeFailures.hint(e, 5000).contains("not signed by this receiver's CA_CERT"));
    }

    @Test
    void plaintext() {
        assertTrue(HandshakeFailures.hint(new SSLException("Unsupported or unrecognized SSL message"), 5000)
                .startsWith("not TLS (plaintext connection?)"));
    }

    @Test
    void timeout() {
        assertTrue(HandshakeFailures.hint(new SocketTimeoutException("Read timed out"), 300)
                .startsWith("no complete TLS handshake within 300 ms"));
    }

    @Test
    void deadline() {
        assertEquals("TLS handshake with /1.2.3.4:5555 failed: no complete TLS handshake within 5000 ms of connecting"
                        + " (handshakeTimeout, a total deadline): a client that never speaks TLS or sends too slowly"
                        + " (slow-loris?), or a very slow network; closed",
                HandshakeFailures.describeDeadline("/1.2.3.4:5555", 5000));
    }

    @Test
    void expiredCertificate() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path validation failed");
        e.initCause(new CertificateExpiredException("NotAfter: ..."));
        assertTrue(HandshakeFailures.hint(e, 5000).contains("expired"));
    }

    @Test
    void senderRejectsTheReceiversCertificate() {
        assertTrue(HandshakeFailures.hint(new SSLHandshakeException("Received fatal alert: certificate_unknown"), 1)
                .startsWith("the sender rejected this receiver's certificate"));
    }
}
