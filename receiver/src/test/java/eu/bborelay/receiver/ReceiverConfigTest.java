package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(UncaughtExceptionsExtension.class)
class ReceiverConfigTest {
    private static final Path CERT = Path.of("receiver.crt");
    private static final Path KEY = Path.of("receiver.key");
    private static final Path CA = Path.of("ca.crt");
    /** The start of the periodic summary line ({@link StatsFormat#summaryLine}). */
    private static final String STATS_LINE = "relay: connections=";

    @Test
    void defaults() {
        ReceiverConfig c = ReceiverConfig.builder().tls(CERT, KEY, CA).build();
        assertEquals("0.0.0.0", c.bindAddress());
        assertEquals(9001, c.port());
        assertTrue(c.requireClientCertificate());
        assertEquals(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, c.maxFrameLength());
        assertEquals(TimeUnit.SECONDS.toNanos(10), c.statsIntervalNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(5), c.handshakeTimeoutNanos());
        assertEquals(EpochNanoClock.SYSTEM, c.clock());
        assertTrue(c.errorHandler() instanceof LoggingErrorHandler);
        assertNull(c.sslContext());
        assertEquals(TimeUnit.SECONDS.toNanos(1), c.pingIntervalNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(5), c.silenceTimeoutNanos());
        assertEquals(TimeUnit.SECONDS.toNanos(5), c.staleAfterNanos());
        assertEquals(8, c.maxConnections());
        assertEquals(64, c.maxPendingHandshakes());
        assertEquals(8, c.maxPendingHandshakesPerAddress());
        ReceiverConfig small = ReceiverConfig.builder().tls(CERT, KEY, CA).maxPendingHandshakes(4).build();
        assertEquals(4, small.maxPendingHandshakesPerAddress(), "the per-address default never exceeds the total");
    }

    @Test
    void everyInvalidFieldIsNamed() {
        assertInvalid("bindAddress", b -> b.bindAddress(" "));
        assertInvalid("bindAddress", b -> b.bindAddress(null));
        assertInvalid("port", b -> b.port(-1));
        assertInvalid("port", b -> b.port(65_536));
        assertInvalid("maxFrameLength", b -> b.maxFrameLength(0));
        assertInvalid("maxFrameLength", b -> b.maxFrameLength(FrameDescriptor.MAX_MAX_FRAME_LENGTH + 1));
        assertInvalid("statsInterval", b -> b.statsInterval(-1, TimeUnit.SECONDS));
        assertInvalid("statsInterval", b -> b.statsInterval(2, TimeUnit.DAYS));
        assertInvalid("statsInterval", b -> b.statsInterval(1, null));
        assertInvalid("handshakeTimeout", b -> b.handshakeTimeout(0, TimeUnit.SECONDS));
        assertInvalid("handshakeTimeout", b -> b.handshakeTimeout(1, TimeUnit.HOURS));
        assertInvalid("clock", b -> b.clock(null));
        assertInvalid("pingInterval", b -> b.pingInterval(-1, TimeUnit.SECONDS));
        assertInvalid("pingInterval", b -> b.pingInterval(2, TimeUnit.HOURS));
        assertInvalid("silenceTimeout", b -> b.silenceTimeout(10, TimeUnit.MICROSECONDS));
        assertInvalid("staleAfter", b -> b.staleAfter(-5, TimeUnit.SECONDS));
        assertInvalid("maxConnections", b -> b.maxConnections(0));
        assertInvalid("maxConnections", b -> b.maxConnections(1025));
        assertInvalid("maxPendingHandshakes must be 1..1024, was 0", b -> b.maxPendingHandshakes(0));
        assertInvalid("maxPendingHandshakes must be 1..1024, was 1025", b -> b.maxPendingHandshakes(1025));
        assertInvalid("maxPendingHandshakesPerAddress must be 1..maxPendingHandshakes (64), was 0",
                b -> b.maxPendingHandshakesPerAddress(0));
        assertInvalid("maxPendingHandshakesPerAddress must be 1..maxPendingHandshakes (4), was 5",
                b -> b.maxPendingHandshakes(4).maxPendingHandshakesPerAddress(5));
    }

    @Test
    void tlsIsRequiredAndExclusive() throws Exception {
        assertEquals("tls is required: set tls(certChain, key, clientCa) or sslContext(context)",
                assertThrows(IllegalArgumentException.class, () -> ReceiverConfig.builder().build()).getMessage());
        SSLContext ctx = SSLContext.getDefault();
        assertInvalid("exclude each other", b -> b.sslContext(ctx));
        assertInvalid("certChain", b -> b.tls(null, KEY, CA));
        assertInvalid("key", b -> b.tls(CERT, null, CA));
    }

    @Test
    void clientCaIsRequiredOnlyWhileClientCertificatesAre() {
        assertInvalid("clientCa", b -> b.tls(CERT, KEY, null));
        ReceiverConfig c = ReceiverConfig.builder().tls(CERT, KEY, null).requireClientCertificate(false).build();
        assertNull(c.clientCa());
    }

    /**
     * Interval 0 is valid and kept as 0; a receiver started with it logs no periodic stats line (only the final one
     * at close), while one at 20 ms does within the same capture (so the capture would see them). The log goes
     * through slf4j-simple to {@code System.err}, captured for the test.
     */
    @Test
    @Timeout(30)
    void zeroStatsIntervalMeansNoPeriodicLines() throws Exception {
        assertEquals(0, ReceiverConfig.builder().tls(CERT, KEY, CA).statsInterval(0, TimeUnit.SECONDS).build()
                .statsIntervalNanos());
        TestCerts certs = TestCerts.project();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            try (Receiver quiet = Receiver.start(statsEvery(certs, 0), TickerListener.NO_OP)) {
                Thread.sleep(300); // 15 intervals of the receiver below
                String log = captured.toString(StandardCharsets.UTF_8);
                assertTrue(log.contains("Listening on 127.0.0.1:" + quiet.port()), log);
                assertFalse(log.contains(STATS_LINE), log);
            }
            int closed = captured.size(); // close() logs a final line; look only at what comes after it
            try (Receiver every20ms = Receiver.start(statsEvery(certs, 20), TickerListener.NO_OP)) {
                Await.until("a stats line at a 20 ms interval (port " + every20ms.port() + ")", Duration.ofSeconds(10),
                        () -> captured.toString(StandardCharsets.UTF_8).indexOf(STATS_LINE, closed) >= 0);
            }
        } finally {
            System.setErr(original);
        }
    }

    private static ReceiverConfig statsEvery(TestCerts certs, long millis) {
        return ReceiverConfig.builder().bindAddress("127.0.0.1").port(0).statsInterval(millis, TimeUnit.MILLISECONDS)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).build();
    }

    @Test
    @Timeout(30)
    void startFailsOnMissingCertificateFiles() {
        ReceiverConfig c = ReceiverConfig.builder().port(0).tls(Path.of("/nonexistent/receiver.crt"), KEY, CA)
                .build();
        PemTls.TlsConfigException e = assertThrows(PemTls.TlsConfigException.class,
                () -> Receiver.start(c, TickerListener.NO_OP));
        assertTrue(e.getMessage().contains("/nonexistent/receiver.crt"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void startFailsWhenThePortIsTaken() {
        TestCerts certs = TestCerts.project();
        ReceiverConfig first = ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).build();
        try (Receiver r = Receiver.start(first, TickerListener.NO_OP)) {
            ReceiverConfig second = ReceiverConfig.builder().bindAddress("127.0.0.1").port(r.port())
                    .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).build();
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> Receiver.start(second, TickerListener.NO_OP));
            assertTrue(e.getMessage().contains("127.0.0.1:" + r.port()), e.getMessage());
        }
    }

    private static void assertInvalid(String field, UnaryOperator<ReceiverConfig.Builder> change) {
        ReceiverConfig.Builder b = change.apply(ReceiverConfig.builder().tls(CERT, KEY, CA));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains(field), () -> "'" + e.getMessage() + "' should name " + field);
    }
}
