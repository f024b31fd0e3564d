package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.Hello;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.TestPorts;
import eu.bborelay.sender.SenderConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The receiver daemon jar, as a child JVM with exactly the image's {@code JAVA_OPTS} (96 MiB heap, exit on
 * OutOfMemoryError), carrying as many symbols as one sender may announce ({@link SenderConfig#MAX_SYMBOLS}).
 * Every symbol keeps its own latency histograms; at the full 1 ns..10 s range with 3 significant digits those took
 * about 1 MB per symbol, so 200 symbols ended the daemon with OutOfMemoryError at its first stats line; at 2 digits
 * per symbol, 400 fit.
 */
class ManySymbolsDaemonTest {
    private static final Pattern JAVA_OPTS = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"");
    /** The start of the receiver's summary stats line, logged every stats interval. */
    private static final String SUMMARY = "relay: connections=";
    private Process receiver;

    @AfterEach
    void stop() throws Exception {
        if (receiver != null) {
            receiver.destroyForcibly();
            receiver.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void daemonWithImageFlagsCarriesTheMostSymbolsASenderMayAnnounce() throws Exception {
        Path root = TestCerts.repoRoot();
        TestCerts certs = TestCerts.project();
        Path jar = root.resolve("receiver/target/relay-receiver-daemon.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn verify (it packages the jars before e2e)");
        Matcher opts = JAVA_OPTS.matcher(Files.readString(root.resolve("receiver/Dockerfile")));
        assertTrue(opts.find(), "JAVA_OPTS=\"...\" in receiver/Dockerfile");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(opts.group(1).trim().split("\\s+")));
        command.addAll(List.of("-jar", jar.toString()));
        Path log = Files.createTempFile("receiver-many-symbols", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PORT", "0"); // the bound port is read back from its 'Listening on' line
        pb.environment().put("BIND_HOST", "127.0.0.1");
        pb.environment().put("HTTP_PORT", "0");
        pb.environment().put("STATS_INTERVAL_SECONDS", "1");
        pb.environment().put("CERT", certs.receiverCert().toString());
        pb.environment().put("KEY", certs.receiverKey().toString());
        pb.environment().put("CA_CERT", certs.caCert().toString());
        receiver = pb.start();
        int port = TestPorts.awaitListeningPort(() -> read(log), Duration.ofSeconds(20));

        int symbols = SenderConfig.MAX_SYMBOLS;
        int perSymbol = 5;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < symbols; i++) {
            names.add(String.format("SYM%03dUSDT", i));
        }
        try (SSLSocket socket = (SSLSocket) PemTls.clientContext(certs.caCert(), certs.senderCert(),
                certs.senderKey()).getSocketFactory().createSocket("127.0.0.1", port)) {
            PemTls.configureClient(socket);
            OutputStream out = socket.getOutputStream();
            FrameEncoder encoder = new FrameEncoder();
            int helloLength = encoder.encodeHello(new Hello("0123456789abcdef0123456789abcdef", 1, names, 0,
                    "many-symbols/test")); // before buffer(): a hello this large grows the buffer
            out.write(encoder.buffer(), 0, helloLength);
            BookTicker q = new BookTicker();
            long seq = 0;
            for (int round = 0; round < perSymbol; round++) {
                for (String name : names) {
                    seq++;
                    q.set(name, 100 + round, 1, 101 + round, 1, seq, 0).seq(seq)
                            .sendEpochNanos(EpochNanoClock.SYSTEM.epochNanos());
                    int length = encoder.encodeQuote(q);
                    out.write(encoder.buffer(), 0, length);
                }
                out.flush();
            }
            long total = seq;
            // stats lines every second pull every symbol's histograms: wait for two after the last quote
            Await.until("every quote delivered and reported", Duration.ofSeconds(20),
                    () -> read(log).contains(" quotes=" + total + " gaps=0 ") || !receiver.isAlive(), () -> read(log));
            int lines = countStatsLines(read(log));
            Await.until("two more stats intervals", Duration.ofSeconds(10),
                    () -> countStatsLines(read(log)) >= lines + 2 || !receiver.isAlive(), () -> read(log));
            assertTrue(receiver.isAlive(), "receiver daemon died:\n" + read(log));
        }
        receiver.destroy(); // SIGTERM, as docker stop
        assertTrue(receiver.waitFor(15, TimeUnit.SECONDS), "receiver did not stop on SIGTERM");
        String text = read(log);
        assertEquals(0, receiver.exitValue(), text);
        for (String name : names) {
            assertTrue(text.contains(name), "a stats line for " + name);
        }
        assertTrue(!text.contains("OutOfMemoryError"), text);
    }

    private static int countStatsLines(String log) {
        int n = 0;
        for (int i = log.indexOf(SUMMARY); i >= 0; i = log.indexOf(SUMMARY, i + 1)) {
            n++;
        }
        return n;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
