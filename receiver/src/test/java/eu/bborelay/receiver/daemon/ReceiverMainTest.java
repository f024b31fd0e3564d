package eu.bborelay.receiver.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The daemon in-process, through its package-private entry point that returns the exit code. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReceiverMainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CountDownLatch stop = new CountDownLatch(1);
    private CompletableFuture<Integer> daemon;

    @AfterEach
    void tearDown() throws Exception {
        stop.countDown();
        if (daemon != null) {
            daemon.get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsUntilStoppedAndExitsZero() throws Exception {
        Map<String, String> env = ReceiverDaemonConfigTest.certEnv();
        env.put("PORT", "0");
        env.put("BIND_HOST", "127.0.0.1");
        env.put("STATS_INTERVAL_SECONDS", "1");
        AtomicReference<Receiver> started = new AtomicReference<>();
        daemon = CompletableFuture.supplyAsync(() -> run(env, started::set, new String[0]));
        Await.until("daemon started", Duration.ofSeconds(10), () -> started.get() != null);
        Receiver receiver = started.get();

        TestCerts certs = TestCerts.project();
        try (SSLSocket socket = (SSLSocket) PemTls.clientContext(certs.caCert(), certs.senderCert(),
                certs.senderKey()).getSocketFactory().createSocket("127.0.0.1", receiver.port())) {
            PemTls.configureClient(socket);
            FrameEncoder encoder = new FrameEncoder();
            OutputStream o = socket.getOutputStream();
            BookTicker q = new BookTicker().set("BTCUSDT", 100, 1, 101, 1, 7, 0).seq(1)
                    .sendEpochNanos(EpochNanoClock.SYSTEM.epochNanos());
            o.write(encoder.buffer(), 0, encoder.encodeQuote(q));
            o.flush();
            Await.until("quote delivered", Duration.ofSeconds(5), () -> receiver.stats().quotesDelivered() == 1);
        }
        stop.countDown();
        assertEquals(ReceiverMain.EXIT_OK, daemon.get(10, TimeUnit.SECONDS));
        assertEquals(0, receiver.stats().connectionsOpen(), "closed on the way out");
    }

    @Test
    void stopsByItselfAfterRunSeconds() throws Exception {
        Map<String, String> env = ReceiverDaemonConfigTest.certEnv();
        env.put("PORT", "0");
        env.put("RUN_SECONDS", "1");
        assertEquals(ReceiverMain.EXIT_OK, run(env, r -> { }, new String[0]));
    }

    @Test
    void badVariableExitsWithTwoAndNamesIt() {
        Map<String, String> env = ReceiverDaemonConfigTest.certEnv();
        env.put("PORT", "nine thousand");
        assertEquals(ReceiverMain.EXIT_BAD_SETTING, run(env, r -> { }, new String[0]));
        assertEquals("relay-receiver: PORT must be a whole number from 0 to 65535, got 'nine thousand'",
                err().trim());
    }

    @Test
    void badFlagValueExitsWithTwoAndNamesTheVariable() {
        assertEquals(ReceiverMain.EXIT_BAD_SETTING, run(ReceiverDaemonConfigTest.certEnv(), r -> { },
                new String[] {"--stats-interval-seconds", "often"}));
        assertTrue(err().contains("STATS_INTERVAL_SECONDS must be a whole number from 0 to 86400, got 'often'"), err());
    }

    @Test
    void unknownFlagExitsWithTwo() {
        assertEquals(ReceiverMain.EXIT_BAD_SETTING, run(Map.of(), r -> { }, new String[] {"--prot", "1"}));
        assertTrue(err().contains("--prot"), err());
    }

    @Test
    void unusableCertificateFileExitsWithTwo() throws Exception {
        Map<String, String> env = ReceiverDaemonConfigTest.certEnv();
        env.put("PORT", "0");
        env.put("KEY", TestCerts.project().caCert().toString()); // a certificate, not a key
        assertEquals(ReceiverMain.EXIT_BAD_SETTING, run(env, r -> { }, new String[0]));
        assertTrue(err().contains("CERT/KEY/CA_CERT"), err());
    }

    @Test
    void portInUseExitsWithOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = ReceiverDaemonConfigTest.certEnv();
            env.put("BIND_HOST", "127.0.0.1");
            env.put("PORT", String.valueOf(taken.getLocalPort()));
            assertEquals(ReceiverMain.EXIT_FAILURE, run(env, r -> { }, new String[0]));
        }
    }

    @Test
    void helpPrintsTheEnvironmentTable() {
        assertEquals(ReceiverMain.EXIT_OK, run(Map.of(), r -> { }, new String[] {"--help"}));
        String help = out.toString(StandardCharsets.UTF_8);
        for (ReceiverDaemonConfig.Setting s : ReceiverDaemonConfig.Setting.values()) {
            assertTrue(help.contains(s.name()) && (s.flag == null || help.contains(s.flag)),
                    () -> s.name() + " missing in:\n" + help);
        }
        assertTrue(help.contains("/certs/ca.crt"), help);
    }

    @Test
    void helpDescribesEveryFlag() {
        assertEquals(ReceiverMain.EXIT_OK, run(Map.of(), r -> { }, new String[] {"--help"}));
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        for (ReceiverDaemonConfig.Setting s : ReceiverDaemonConfig.Setting.values()) {
            if (s.flag != null) {
                assertTrue(help.contains(s.help + " (env " + s.name() + ", default " + s.defaultValue + ")"),
                        () -> s.flag + " not described in:\n" + help);
            }
        }
        assertTrue(!help.contains("overrides PORT"), help);
        assertTrue(help.contains("Exit codes"), help);
    }

    private int run(Map<String, String> env, java.util.function.Consumer<Receiver> started, String[] args) {
        // No HTTP endpoint unless a test asks: the default port 8081 may be taken on a shared machine.
        Map<String, String> withoutHttp = new java.util.HashMap<>(env);
        withoutHttp.putIfAbsent("HTTP_PORT", "0");
        return ReceiverMain.run(args, withoutHttp, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), stop, started);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
