package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.TestCerts;
import org.junit.jupiter.api.Test;

/** The start-up warm-up runs parse, ingest, batch, encode and loopback TLS, with the sender's own TLS key. */
class WarmupTest {
    @Test
    void runsEveryUpdateThroughLoopbackTls() {
        TestCerts certs = TestCerts.project();
        long done = Warmup.run(PemTls.clientContext(certs.caCert(), certs.senderCert(), certs.senderKey()),
                EpochNanoClock.SYSTEM, 2_000);
        assertEquals(2_000, done, "every synthetic update went through the whole path");
    }

    @Test
    void aSenderWithoutAKeyStillWarmsTheJsonAndFramePath() {
        TestCerts certs = TestCerts.project();
        long done = Warmup.run(PemTls.clientContext(certs.caCert(), null, null), EpochNanoClock.SYSTEM, 500);
        assertEquals(0, done, "no loopback TLS without a key; the rest ran (logged)");
    }
}
