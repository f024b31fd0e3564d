package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.TestCerts;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The start-up warm-up runs the real quote path and leaves no trace in a receiver's statistics or listener. */
class WarmupTest {
    @Test
    void runsThroughLoopbackTlsAndTouchesNoReceiverState() throws Exception {
        TestCerts certs = TestCerts.project();
        long done = Warmup.run(PemTls.serverContext(certs.receiverCert(), certs.receiverKey(), certs.caCert()),
                EpochNanoClock.SYSTEM, 2_000);
        assertEquals(2_000, done, "every synthetic quote went through loopback TLS and the decode path");

        List<String> calls = new CopyOnWriteArrayList<>();
        TickerListener listener = new TickerListener() {
            @Override
            public void onBookTicker(eu.bborelay.common.BookTicker quote) {
                calls.add("quote " + quote.symbol());
            }

            @Override
            public void onConnected(String peer) {
                calls.add("connected " + peer);
            }
        };
        try (Receiver receiver = Receiver.start(ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).statsInterval(0, TimeUnit.SECONDS)
                .build(), listener)) {
            ReceiverStats s = receiver.stats();
            assertEquals(0, s.quotesDelivered());
            assertEquals(0, s.connectionsAccepted());
            assertEquals(0, s.connectionsOpen());
            assertEquals(0, s.handshakeFailures());
            assertEquals(0, s.sessions());
            assertEquals(0, s.gaps());
            assertEquals(0, s.rttSamples());
            assertEquals(0, s.malformedFramesTotal());
            assertTrue(s.symbols().isEmpty(), "no symbol created: " + s.symbols());
            assertTrue(!s.clockOffsetKnown(), "no clock estimate from the warm-up's pongs");
            assertTrue(calls.isEmpty(), "the listener was called: " + calls);
        }
    }
}
