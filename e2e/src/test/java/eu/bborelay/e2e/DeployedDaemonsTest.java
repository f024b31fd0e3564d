package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.TestPorts;
import eu.bborelay.replay.BinanceReplayServer;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deployment as the compose files run it, minus Docker: both daemon jars that {@code mvn verify} packaged, as
 * child JVMs with the settings of {@code .env.example} (overriding ports, certificate paths, the Binance URL and
 * receiver host, and two timings so the test is quick), the real replay server on a real recording. Checks
 * {@code /health} and {@code /metrics}, the images' HEALTHCHECK command (run with bash, as Docker would), health
 * following the feed when the Binance side stops and resumes, JSON log lines, and SIGTERM (what {@code docker
 * stop} sends) ending each daemon with exit code 0 and its final stats.
 */
class DeployedDaemonsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern HEALTHCHECK =
            Pattern.compile("HEALTHCHECK [^\\n]*\\\\\\n\\s*CMD (.*)\\n");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private BinanceReplayServer replay;

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (replay != null) {
            replay.close();
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void daemonsRunWithTheExampleSettingsAndHealthFollowsTheFeed() throws Exception {
        Path root = TestCerts.repoRoot();
        TestCerts certs = TestCerts.project();
        replay = startReplay(0);
        int replayPort = replay.port();

        Map<String, String> receiverEnv = envExample(root);
        receiverEnv.put("PORT", "0"); // the bound port is read back from its 'Listening on' line
        receiverEnv.put("CERT", certs.receiverCert().toString());
        receiverEnv.put("KEY", certs.receiverKey().toString());
        receiverEnv.put("CA_CERT", certs.caCert().toString());
        receiverEnv.put("HEALTH_MAX_AGE_SECONDS", "3"); // timing: the test waits for staleness
        Path receiverLog = Files.createTempFile("receiver", ".log");
        Process receiver = daemonWithHttp(root.resolve("receiver/target/relay-receiver-daemon.jar"), receiverEnv,
                receiverLog);
        int receiverHttp = Integer.parseInt(receiverEnv.get("HTTP_PORT"));
        int receiverPort = TestPorts.awaitListeningPort(() -> read(receiverLog), WAIT);

        Map<String, String> senderEnv = envExample(root);
        senderEnv.put("AMS_HOST", "127.0.0.1");
        senderEnv.put("AMS_PORT", String.valueOf(receiverPort));
        senderEnv.put("BINANCE_WS_URL", "ws://127.0.0.1:" + replayPort);
        senderEnv.put("CERT", certs.senderCert().toString());
        senderEnv.put("KEY", certs.senderKey().toString());
        senderEnv.put("CA_CERT", certs.caCert().toString());
        senderEnv.put("BINANCE_RECONNECT_MAX_MS", "1000"); // timing: reconnect soon after the feed resumes
        senderEnv.put("LOG_FORMAT", "json");
        Path senderLog = Files.createTempFile("sender", ".log");
        Process sender = daemonWithHttp(root.resolve("sender/target/relay-sender.jar"), senderEnv, senderLog);
        int senderHttp = Integer.parseInt(senderEnv.get("HTTP_PORT"));
        assertTrue(receiver.isAlive(), read(receiverLog));

        awaitStatus("receiver healthy", receiverHttp, 200, receiverLog);
        awaitStatus("sender healthy", senderHttp, 200, senderLog);
        String receiverHealth = get(receiverHttp, "/health").body();
        assertTrue(receiverHealth.matches("\\{\"status\":\"healthy\",\"reason\":\"1 sender connected, freshest quote"
                + " BTCUSDT [0-9.]+ s old, gaps 0\"}\\n"), receiverHealth);
        assertEquals(0, dockerHealthcheck(root.resolve("receiver/Dockerfile"), receiverHttp));
        assertEquals(0, dockerHealthcheck(root.resolve("sender/Dockerfile"), senderHttp));

        String receiverMetrics = get(receiverHttp, "/metrics").body();
        for (String line : List.of("bbo_relay_receiver_connections_open 1.0", "bbo_relay_receiver_gaps_total 0.0",
                "bbo_relay_receiver_one_way_latency_seconds{quantile=\"0.99\"} ",
                "bbo_relay_receiver_last_update_age_seconds{symbol=\"BTCUSDT\"} ",
                "bbo_relay_receiver_symbol_quotes_total{symbol=\"BTCUSDT\"} ",
                "bbo_relay_receiver_malformed_frames_total{reason=\"bad_length\"} 0.0")) {
            assertTrue(receiverMetrics.contains(line), line + " in:\n" + receiverMetrics);
        }
        assertTrue(metric(receiverMetrics, "bbo_relay_receiver_quotes_total") > 0, receiverMetrics);
        String senderMetrics = get(senderHttp, "/metrics").body();
        for (String line : List.of("bbo_relay_sender_connected{leg=\"binance\"} 1.0",
                "bbo_relay_sender_connected{leg=\"receiver\"} 1.0", "bbo_relay_sender_dropped_total 0.0",
                "bbo_relay_sender_invalid_total{reason=\"crossed_book\"} 0.0",
                "bbo_relay_sender_reconnects_total{leg=\"binance\"} 0.0")) {
            assertTrue(senderMetrics.contains(line), line + " in:\n" + senderMetrics);
        }
        assertTrue(metric(senderMetrics, "bbo_relay_sender_sent_total") > 0, senderMetrics);

        // The Binance side stops: the sender says so at once, the receiver once its freshest quote is too old.
        replay.close();
        awaitStatus("sender unhealthy", senderHttp, 503, senderLog);
        assertTrue(get(senderHttp, "/health").body().contains("Binance not connected"));
        awaitStatus("receiver unhealthy", receiverHttp, 503, receiverLog);
        String stale = get(receiverHttp, "/health").body();
        assertTrue(stale.contains("1 sender connected, freshest quote BTCUSDT") && stale.contains("(limit 3 s)"),
                stale);
        assertNotEquals(0, dockerHealthcheck(root.resolve("receiver/Dockerfile"), receiverHttp));
        assertNotEquals(0, dockerHealthcheck(root.resolve("sender/Dockerfile"), senderHttp));

        // It resumes: the sender reconnects by itself and both are healthy again.
        replay = TestPorts.startOn(replayPort, DeployedDaemonsTest::startReplay); // the sender's URL
        awaitStatus("sender healthy again", senderHttp, 200, senderLog);
        awaitStatus("receiver healthy again", receiverHttp, 200, receiverLog);
        assertEquals(0, dockerHealthcheck(root.resolve("receiver/Dockerfile"), receiverHttp));
        assertTrue(metric(get(senderHttp, "/metrics").body(),
                "bbo_relay_sender_reconnects_total{leg=\"binance\"}") >= 1);

        // docker stop: SIGTERM, then exit 0 within 10 s with the final stats logged.
        sender.destroy();
        assertTrue(sender.waitFor(10, TimeUnit.SECONDS), "sender still running 10 s after SIGTERM");
        assertEquals(0, sender.exitValue(), read(senderLog));
        receiver.destroy();
        assertTrue(receiver.waitFor(10, TimeUnit.SECONDS), "receiver still running 10 s after SIGTERM");
        assertEquals(0, receiver.exitValue(), read(receiverLog));

        String rlog = read(receiverLog);
        assertTrue(rlog.contains("relay: totals since start"), rlog);
        assertTrue(Pattern.compile("BTCUSDT mid=[0-9,.]+ \\| p50=").matcher(rlog).find(), rlog);
        Set<String> senderMessages = jsonLines(read(senderLog));
        assertTrue(senderMessages.stream().anyMatch(m -> m.startsWith("Stats: received=")), senderMessages::toString);
        assertTrue(senderMessages.stream().anyMatch(m -> m.startsWith("Stopped session ")), senderMessages::toString);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void receiverLogsParseableJsonLines() throws Exception {
        Path root = TestCerts.repoRoot();
        TestCerts certs = TestCerts.project();
        Map<String, String> env = envExample(root);
        env.put("PORT", "0");
        env.put("HTTP_PORT", "0");
        env.put("CERT", certs.receiverCert().toString());
        env.put("KEY", certs.receiverKey().toString());
        env.put("CA_CERT", certs.caCert().toString());
        env.put("LOG_FORMAT", "json");
        env.put("RUN_SECONDS", "1");
        Path log = Files.createTempFile("receiver-json", ".log");
        Process p = daemon(root.resolve("receiver/target/relay-receiver-daemon.jar"), env, log);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), read(log));
        assertEquals(0, p.exitValue(), read(log));
        Set<String> messages = jsonLines(read(log));
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("Starting relay-receiver")), messages::toString);
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("relay: totals since start")), messages::toString);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void badLogFormatStopsTheDaemonNamingTheVariable() throws Exception {
        Path root = TestCerts.repoRoot();
        TestCerts certs = TestCerts.project();
        Map<String, String> env = envExample(root);
        env.put("CERT", certs.senderCert().toString());
        env.put("KEY", certs.senderKey().toString());
        env.put("CA_CERT", certs.caCert().toString());
        env.put("LOG_FORMAT", "xml");
        Path log = Files.createTempFile("sender-bad", ".log");
        Process p = daemon(root.resolve("sender/target/relay-sender.jar"), env, log);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), read(log));
        assertEquals(2, p.exitValue(), read(log));
        assertTrue(read(log).contains("LOG_FORMAT must be text or json, got 'xml'"), read(log));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void imageEntryPointRunsMainClassFromEnvironmentOrFirstArgument() throws Exception {
        Path root = TestCerts.repoRoot();
        Path entrypoint = root.resolve("deploy/docker/entrypoint.sh");
        assertTrue(Files.isExecutable(entrypoint), entrypoint + " must be executable (the images COPY it as is)");
        // MAIN_CLASS from the image's ENV, flags passed through: the receiver daemon's --help
        String help = runEntryPoint(entrypoint, root.resolve("receiver/target/relay-receiver-daemon.jar"),
                "eu.bborelay.receiver.daemon.ReceiverMain", "--help");
        // the shared settings table (eu.bborelay.ops.settings.Settings#table): variable, default, meaning
        assertTrue(java.util.regex.Pattern.compile("(?m)^HEALTH_MAX_AGE_SECONDS\\s+10\\s").matcher(help).find()
                && java.util.regex.Pattern.compile("(?m)^LOG_FORMAT\\s+text\\s").matcher(help).find(), help);
        // a first argument that is not a flag names another main class of the jar
        String version = runEntryPoint(entrypoint, root.resolve("sender/target/relay-sender.jar"), "no.such.Main",
                "eu.bborelay.sender.SenderMain", "--version");
        assertTrue(version.startsWith("bbo-relay-sender/"), version);
    }

    private static String runEntryPoint(Path entrypoint, Path jar, String mainClass, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", entrypoint.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("APP_JAR", jar.toString());
        pb.environment().put("MAIN_CLASS", mainClass);
        pb.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -XX:ActiveProcessorCount=1 -Xms32m -Xmx96m");
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The uncommented {@code NAME=value} lines of {@code .env.example}, as Docker's env_file reads them. */
    static Map<String, String> envExample(Path root) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve(".env.example"), StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            assertTrue(eq > 0, "not NAME=value in .env.example: " + line);
            env.put(t.substring(0, eq), t.substring(eq + 1));
        }
        return env;
    }

    private Process daemon(Path jar, Map<String, String> env, Path log) throws IOException {
        assertTrue(Files.isRegularFile(jar), jar + " missing: run mvn verify (it packages the jars before e2e)");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1", "-Xms32m", "-Xmx96m", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /**
     * Starts a daemon with {@code HTTP_PORT} on a free port (0 would mean no endpoint) and waits until its endpoint
     * is up; when the port was taken between the reservation and the child JVM's bind, starts it again on another.
     * Leaves the port used in {@code env}.
     */
    private Process daemonWithHttp(Path jar, Map<String, String> env, Path log) throws Exception {
        return TestPorts.retryOnBind(3, httpPort -> {
            env.put("HTTP_PORT", String.valueOf(httpPort));
            Process p = daemon(jar, env, log); // the log file is truncated on each start
            Await.until("the HTTP endpoint of " + jar.getFileName() + " on port " + httpPort, WAIT,
                    () -> read(log).contains("Health and metrics on http://") || !p.isAlive(), () -> read(log));
            if (!p.isAlive() && read(log).contains("Address already in use")) {
                processes.remove(p);
                throw new BindException("HTTP_PORT " + httpPort + " taken: " + read(log));
            }
            return p;
        });
    }

    /** Runs the Dockerfile's HEALTHCHECK command with bash, as Docker would (CMD shell form: /bin/sh -c). */
    private static int dockerHealthcheck(Path dockerfile, int httpPort) throws Exception {
        Matcher m = HEALTHCHECK.matcher(Files.readString(dockerfile, StandardCharsets.UTF_8));
        assertTrue(m.find(), "no HEALTHCHECK ... CMD in " + dockerfile);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", m.group(1)).redirectErrorStream(true);
        pb.environment().put("HTTP_PORT", String.valueOf(httpPort));
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "health check command hangs");
        return p.exitValue();
    }

    private void awaitStatus(String what, int port, int status, Path log) {
        Await.until(what, WAIT, () -> {
            try {
                return get(port, "/health").statusCode() == status;
            } catch (IOException e) {
                return false;
            }
        }, () -> read(log));
    }

    private HttpResponse<String> get(int port, String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static double metric(String exposition, String nameAndLabels) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
            }
        }
        throw new AssertionError(nameAndLabels + " not in:\n" + exposition);
    }

    /** Parses every line as one JSON object with the logstash fields; returns the messages. */
    private static Set<String> jsonLines(String log) throws IOException {
        JsonFactory json = new JsonFactory();
        Set<String> messages = new HashSet<>();
        assertFalse(log.isBlank(), "no log lines");
        for (String line : log.split("\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            try (JsonParser p = json.createParser(line)) {
                assertEquals(JsonToken.START_OBJECT, p.nextToken(), line);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value.isStructStart()) {
                        p.skipChildren();
                    } else {
                        fields.put(name, p.getText());
                    }
                }
                assertEquals(null, p.nextToken(), "one object per line: " + line);
            }
            for (String field : List.of("@timestamp", "level", "logger_name", "thread_name", "message")) {
                assertTrue(fields.containsKey(field), field + " missing in " + line);
            }
            messages.add(fields.get("message"));
        }
        return messages;
    }

    private static BinanceReplayServer startReplay(int port) throws Exception {
        BinanceReplayServer server = BinanceReplayServer.builder()
                .recording(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808)).port(port).speed(1).build();
        server.start();
        return server;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
