package eu.bborelay.receiver.daemon;

import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's settings. Deployments set them as environment variables (the compose files do); a command-line flag
 * overrides each one for local runs. {@link Setting} keeps every variable's name, flag, default and help line
 * together; {@link #parse} validates them all once, at start, with the daemons' shared parser
 * ({@link eu.bborelay.ops.settings.Settings}) and a message naming the variable.
 *
 * <p>Public so that a daemon embedding the receiver (the collector) offers exactly these settings next to its own.
 */
public final class ReceiverDaemonConfig {

    /** Every setting: environment variable name (the constant's name), flag, default, help. */
    public enum Setting implements eu.bborelay.ops.settings.Setting {
        PORT("--port", "9001", "TCP port to listen on for senders, 0..65535 (0 = an ephemeral port)"),
        BIND_HOST("--bind-host", "0.0.0.0", "local address to listen on (0.0.0.0 = all IPv4 addresses)"),
        CERT("--cert", "/certs/receiver.crt", "this receiver's certificate (chain), PEM; senders check that it names"
                + " the host they dial"),
        KEY("--key", "/certs/receiver.key", "its private key, PEM (PKCS#8, unencrypted, mode 0600)"),
        CA_CERT("--ca-cert", "/certs/ca.crt", "CA certificate that verifies senders' client certificates, PEM (not"
                + " read when REQUIRE_CLIENT_CERT=false)"),
        REQUIRE_CLIENT_CERT("--require-client-cert", "true", "true or false; false only for a sender without a"
                + " certificate (the original Python one): then anyone who reaches the port can inject prices"),
        MAX_FRAME_LENGTH("--max-frame-length", String.valueOf(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH),
                "largest accepted frame payload in bytes, 1.." + FrameDescriptor.MAX_MAX_FRAME_LENGTH),
        STATS_INTERVAL_SECONDS("--stats-interval-seconds", "10", "seconds between stats lines (0 = none)"),
        MAX_CONNECTIONS("--max-connections", String.valueOf(ReceiverConfig.DEFAULT_MAX_CONNECTIONS),
                "most sender connections at once whose TLS handshake succeeded, 1..1024; a further sender is closed"
                + " right after its handshake and retries (connections still in their handshake count against"
                + " MAX_PENDING_HANDSHAKES instead)"),
        HANDSHAKE_TIMEOUT_MS("--handshake-timeout-ms",
                String.valueOf(TimeUnit.NANOSECONDS.toMillis(ReceiverConfig.DEFAULT_HANDSHAKE_TIMEOUT_NANOS)),
                "a connecting client must complete its TLS handshake within this many ms of connecting (a total"
                + " deadline, however slowly it sends), else it is closed; 1..600000"),
        MAX_PENDING_HANDSHAKES("--max-pending-handshakes",
                String.valueOf(ReceiverConfig.DEFAULT_MAX_PENDING_HANDSHAKES), "most connections in their TLS"
                + " handshake at once, 1..1024; when all are taken a newcomer evicts the oldest handshake of the"
                + " address holding the most (if it holds 2 more than the newcomer's), else is refused"),
        MAX_PENDING_HANDSHAKES_PER_ADDRESS("--max-pending-handshakes-per-address",
                String.valueOf(ReceiverConfig.DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS), "most connections in"
                + " their TLS handshake at once from one source address (IPv6: one /64),"
                + " at most MAX_PENDING_HANDSHAKES; more are refused at once"),
        SILENCE_TIMEOUT_MS("--silence-timeout-ms", "5000", "close a sender connection (one that said hello) after"
                + " this many ms without any frame: dead or half-open (0 = never)"),
        ARBITRATION("--arbitration", "false", "true or false; true when two or more senders (each its own Binance"
                + " connection) relay the same symbols: the first copy of each update by its Binance id is delivered,"
                + " later copies dropped, and an update no sender delivered counted as a merged gap (A/B senders)"),
        RUN_SECONDS("--run-seconds", "0", "stop after this many seconds (0 = run until stopped; for demos)"),
        HTTP_PORT("--http-port", "8081", "TCP port of GET /health and GET /metrics (Prometheus), all addresses;"
                + " 0 = no HTTP endpoint"),
        HEALTH_MAX_AGE_SECONDS("--health-max-age-seconds", "10", "/health is 503 when no sender is connected or"
                + " the freshest quote of any symbol is older than this"),
        LOG_FORMAT(null, "text", "text (the original's lines) or json (one JSON object per line); environment only:"
                + " read when logging starts");

        final String flag;
        final String defaultValue;
        final String help;

        Setting(String flag, String defaultValue, String help) {
            this.flag = flag;
            this.defaultValue = defaultValue;
            this.help = help;
        }

        @Override
        public String defaultValue() {
            return defaultValue;
        }

        @Override
        public String help() {
            return help;
        }

        @Override
        public boolean hasFlag() {
            return flag != null;
        }

        @Override
        public String optionName() {
            return flag;
        }
    }

    final int port;
    final String bindHost;
    final Path cert;
    final Path key;
    final Path caCert;
    final boolean requireClientCert;
    final int maxFrameLength;
    final long statsIntervalSeconds;
    final int maxConnections;
    final long handshakeTimeoutMillis;
    final int maxPendingHandshakes;
    /** 0 when not set: the library's default (8, or MAX_PENDING_HANDSHAKES if smaller). */
    final int maxPendingHandshakesPerAddress;
    final long silenceTimeoutMillis;
    final boolean arbitration;
    final long runSeconds;
    final int httpPort;
    final long healthMaxAgeSeconds;
    final String logFormat;

    private ReceiverDaemonConfig(Settings v) {
        String hint = "make one with scripts/generate-certs.sh";
        port = v.integer(Setting.PORT, 0, 65_535, "a whole number");
        bindHost = v.text(Setting.BIND_HOST);
        requireClientCert = v.bool(Setting.REQUIRE_CLIENT_CERT);
        maxFrameLength = v.integer(Setting.MAX_FRAME_LENGTH, 1, FrameDescriptor.MAX_MAX_FRAME_LENGTH,
                "a whole number");
        statsIntervalSeconds = v.longInteger(Setting.STATS_INTERVAL_SECONDS, 0, TimeUnit.DAYS.toSeconds(1),
                "a whole number");
        maxConnections = v.integer(Setting.MAX_CONNECTIONS, 1, 1024, "a whole number");
        handshakeTimeoutMillis = v.longInteger(Setting.HANDSHAKE_TIMEOUT_MS, 1, TimeUnit.MINUTES.toMillis(10),
                "a whole number");
        maxPendingHandshakes = v.integer(Setting.MAX_PENDING_HANDSHAKES, 1, 1024, "a whole number");
        maxPendingHandshakesPerAddress = v.isSet(Setting.MAX_PENDING_HANDSHAKES_PER_ADDRESS)
                ? v.integer(Setting.MAX_PENDING_HANDSHAKES_PER_ADDRESS, 1, maxPendingHandshakes, "a whole number")
                : 0;
        silenceTimeoutMillis = v.longInteger(Setting.SILENCE_TIMEOUT_MS, 0, TimeUnit.HOURS.toMillis(1),
                "a whole number");
        arbitration = v.bool(Setting.ARBITRATION);
        runSeconds = v.longInteger(Setting.RUN_SECONDS, 0, Long.MAX_VALUE / 1_000_000_000L, "a whole number");
        httpPort = v.integer(Setting.HTTP_PORT, 0, 65_535, "a whole number");
        healthMaxAgeSeconds = v.longInteger(Setting.HEALTH_MAX_AGE_SECONDS, 1, TimeUnit.DAYS.toSeconds(1),
                "a whole number");
        logFormat = v.oneOf(Setting.LOG_FORMAT, "text", "json");
        cert = v.readableFile(Setting.CERT, hint);
        key = v.readableFile(Setting.KEY, hint);
        caCert = requireClientCert ? v.readableFile(Setting.CA_CERT, hint) : null;
    }

    /**
     * Reads and validates every setting with the daemons' shared parser ({@link Settings}: flag, then environment,
     * then default; blank = unset; booleans true or false).
     *
     * @param env environment variables; a blank value counts as unset
     * @param overrides values given as flags, which win over {@code env} unless blank
     * @throws SettingException naming the first variable with an unusable value
     */
    static ReceiverDaemonConfig parse(Map<String, String> env, Map<Setting, String> overrides) {
        Map<String, String> flags = new HashMap<>();
        overrides.forEach((s, v) -> flags.put(s.name(), v));
        return parse(Settings.of(env, flags));
    }

    /** As {@link #parse(Map, Map)} from flags already keyed by variable name. */
    public static ReceiverDaemonConfig parse(Settings settings) {
        return new ReceiverDaemonConfig(settings);
    }

    /** {@code HTTP_PORT}: port of {@code /health} and {@code /metrics}, 0 = none. */
    public int httpPort() {
        return httpPort;
    }

    /** {@code HEALTH_MAX_AGE_SECONDS}: the freshest quote older than this makes {@code /health} fail, seconds. */
    public long healthMaxAgeSeconds() {
        return healthMaxAgeSeconds;
    }

    /** {@code ARBITRATION}: A/B arbitration of several senders ({@link ReceiverConfig#arbitration()}). */
    public boolean arbitration() {
        return arbitration;
    }

    /** {@code RUN_SECONDS}: stop after this many seconds, 0 = until stopped. */
    public long runSeconds() {
        return runSeconds;
    }

    /** The library configuration these settings describe. */
    public ReceiverConfig toReceiverConfig() {
        ReceiverConfig.Builder b = ReceiverConfig.builder()
                .bindAddress(bindHost)
                .port(port)
                .tls(cert, key, caCert)
                .requireClientCertificate(requireClientCert)
                .maxFrameLength(maxFrameLength)
                .statsInterval(statsIntervalSeconds, TimeUnit.SECONDS)
                .maxConnections(maxConnections)
                .handshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS)
                .maxPendingHandshakes(maxPendingHandshakes)
                .silenceTimeout(silenceTimeoutMillis, TimeUnit.MILLISECONDS)
                .arbitration(arbitration);
        if (maxPendingHandshakesPerAddress > 0) {
            b.maxPendingHandshakesPerAddress(maxPendingHandshakesPerAddress);
        }
        return b.build();
    }

    /** The table {@code --help} prints: every variable with its default and help ({@link Settings#table}). */
    static String helpTable() {
        return Settings.table(List.of(Setting.values()));
    }

    @Override
    public String toString() {
        return "PORT=" + port + " BIND_HOST=" + bindHost + " CERT=" + cert + " KEY=" + key + " CA_CERT="
                + (caCert == null ? "(not used)" : caCert) + " REQUIRE_CLIENT_CERT=" + requireClientCert
                + " MAX_FRAME_LENGTH=" + maxFrameLength + " STATS_INTERVAL_SECONDS=" + statsIntervalSeconds
                + " MAX_CONNECTIONS=" + maxConnections + " HANDSHAKE_TIMEOUT_MS=" + handshakeTimeoutMillis
                + " MAX_PENDING_HANDSHAKES=" + maxPendingHandshakes + " MAX_PENDING_HANDSHAKES_PER_ADDRESS="
                + (maxPendingHandshakesPerAddress > 0 ? String.valueOf(maxPendingHandshakesPerAddress)
                : "(default)") + " SILENCE_TIMEOUT_MS=" + silenceTimeoutMillis + " ARBITRATION=" + arbitration
                + " RUN_SECONDS=" + runSeconds + " HTTP_PORT=" + httpPort + " HEALTH_MAX_AGE_SECONDS="
                + healthMaxAgeSeconds + " LOG_FORMAT=" + logFormat;
    }
}
