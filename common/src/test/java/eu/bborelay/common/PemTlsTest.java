package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTlsTest {
    @TempDir
    Path tmp;

    @Test
    void generatedCertificatesLoadAndNameTheReceiver() throws Exception {
        TestCerts certs = TestCerts.project();
        X509Certificate receiver = PemTls.readCertificates(certs.receiverCert()).get(0);
        String sans = receiver.getSubjectAlternativeNames().toString();
        assertTrue(sans.contains("127.0.0.1") && sans.contains("localhost"), sans);
        receiver.verify(PemTls.readCertificates(certs.caCert()).get(0).getPublicKey());
        assertTrue(PemTls.readCertificates(certs.senderCert()).get(0).getExtendedKeyUsage()
                .contains("1.3.6.1.5.5.7.3.2"), "sender cert is for client auth");
        assertEquals("EC", PemTls.readPrivateKey(certs.senderKey()).getAlgorithm());
        assertNotNull(PemTls.serverContext(certs.receiverCert(), certs.receiverKey(), certs.caCert()));
        assertNotNull(PemTls.clientContext(certs.caCert(), certs.senderCert(), certs.senderKey()));
    }

    @Test
    void privateKeysAreWrittenOwnerOnly() throws Exception {
        TestCerts certs = TestCerts.project();
        for (Path key : List.of(certs.receiverKey(), certs.senderKey(), certs.dir().resolve("ca.key"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), key.toString());
        }
    }

    @Test
    void missingFileSaysHowToMakeOne() {
        var e = assertThrows(PemTls.TlsConfigException.class,
                () -> PemTls.readCertificates(tmp.resolve("nope.crt")));
        assertTrue(e.getMessage().contains("nope.crt") && e.getMessage().contains("generate-certs.sh"), e.getMessage());
    }

    @Test
    void pkcs1KeySaysHowToConvert() throws Exception {
        Path key = tmp.resolve("old.key");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        var e = assertThrows(PemTls.TlsConfigException.class, () -> PemTls.readPrivateKey(key));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void certificateFileWithoutCertificateIsRejected() throws Exception {
        Path crt = tmp.resolve("empty.crt");
        Files.writeString(crt, "hello\n");
        assertThrows(PemTls.TlsConfigException.class, () -> PemTls.readCertificates(crt));
    }

    @Test
    void keyOfAnotherCertificateTypeIsRejected() throws Exception {
        TestCerts certs = TestCerts.project();
        Path rsaKey = tmp.resolve("rsa.key");
        Process p = new ProcessBuilder("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", rsaKey.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        var e = assertThrows(PemTls.TlsConfigException.class,
                () -> PemTls.serverContext(certs.receiverCert(), rsaKey, certs.caCert()));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void certificateWithoutKeyIsAClearError() {
        TestCerts certs = TestCerts.project();
        var e = assertThrows(PemTls.TlsConfigException.class,
                () -> PemTls.serverContext(certs.receiverCert(), null, certs.caCert()));
        assertTrue(e.getMessage().contains("without its private key"), e.getMessage());
    }

    @Test
    void withoutACaNothingIsTrustedNotEvenThePublicCas() throws Exception {
        var none = (javax.net.ssl.X509TrustManager) PemTls.trustManagers(null)[0];
        assertEquals(0, none.getAcceptedIssuers().length);
        var ours = (javax.net.ssl.X509TrustManager) PemTls.trustManagers(TestCerts.project().caCert())[0];
        assertEquals(1, ours.getAcceptedIssuers().length);
        assertEquals(PemTls.readCertificates(TestCerts.project().caCert()).get(0), ours.getAcceptedIssuers()[0]);
    }

    @Test
    void clientNeedsACa() {
        assertThrows(PemTls.TlsConfigException.class, () -> PemTls.clientContext(null, null, null));
    }
}
