package eu.bborelay.collector;

import eu.bborelay.recording.testing.S3ProxyServer;
import eu.bborelay.common.testing.TestCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector daemon as a real child JVM ({@link CollectorMain} from this test class path, settings as environment
 * variables), its output in a log file next to the data folder, so that a test can {@code kill -9} it ({@link #kill()}) or stop it with
 * SIGTERM ({@link #stop()}).
 */
final class ChildCollector implements AutoCloseable {
    private final Process process;
    private final Path log;

    ChildCollector(Path dataDir, int port, S3ProxyServer s3, String bucket) throws Exception {
        this(dataDir, port, s3, bucket, Map.of());
    }

    /** With more settings ({@code extraEnv} overrides the defaults above, e.g. POLYMARKET_TOKENS, HTTP_PORT). */
    ChildCollector(Path dataDir, int port, S3ProxyServer s3, String bucket, Map<String, String> extraEnv)
            throws Exception {
        TestCerts certs = TestCerts.project();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                CollectorMain.class.getName()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PORT", String.valueOf(port));
        env.put("BIND_HOST", "127.0.0.1");
        env.put("CERT", certs.receiverCert().toString());
        env.put("KEY", certs.receiverKey().toString());
        env.put("CA_CERT", certs.caCert().toString());
        env.put("HTTP_PORT", "0");
        env.put("STATS_INTERVAL_SECONDS", "1");
        env.put("DATA_DIR", dataDir.toString());
        env.put("S3_BUCKET", bucket);
        env.put("S3_PREFIX", "collector");
        env.put("S3_REGION", "us-east-1");
        env.put("S3_ENDPOINT", s3.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
        env.put("UPLOAD_DRAIN_SECONDS", "30");
        env.putAll(extraEnv);
        log = Files.createTempFile(dataDir.getParent(), "collector-", ".log");
        process = pb.redirectOutput(log.toFile()).start();
    }

    /** The first match of {@code pattern}'s group 1 in the output, waiting up to {@code timeout}; null if none. */
    String await(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String found = last(pattern);
            if (found != null) {
                return found;
            }
            if (!process.isAlive()) {
                Thread.sleep(200); // let the reader drain the last lines
                return last(pattern);
            }
            Thread.sleep(50);
        }
        return null;
    }

    /** Group 1 of the last line matching {@code pattern}, or null. */
    String last(Pattern pattern) {
        List<String> lines = lines();
        {
            for (int i = lines.size() - 1; i >= 0; i--) {
                Matcher m = pattern.matcher(lines.get(i));
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    String output() {
        return String.join("\n", lines());
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kill -9}: SIGKILL, no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the collector did not stop within " + timeout);
        }
        Thread.sleep(200);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        System.out.println("[child " + process.pid() + " output]\n" + output());
    }
}
