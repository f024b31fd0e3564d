package eu.bborelay.receiver.daemon;

import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.receiver.ReceiverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's settings. Deployments set them as environment variables (the compose files do); a command-line flag
 * overrides each one for local runs. {@link Setting} keeps every variable's name, flag, default and help line
 * together; {@link #parse} validates them all once, at start, with a message naming the variable.
 */
final class ReceiverDaemonConfig {

    /** Every setting: environment variable name (the constant's name), flag, default, help. */
    enum Setting {
        PORT("--port", "9001", "TCP port to listen on, 0..65535 (0 = an ephemeral port)"),
        BIND_HOST("--bind-host", "0.0.0.0", "local address to listen on"),
        CERT("--cert", "/certs/receiver.crt", "this receiver's certificate, PEM"),
        KEY("--key", "/certs/receiver.key", "its private key, PEM (PKCS#8, unencrypted)"),
        CA_CERT("--ca-cert", "/certs/ca.crt", "CA certificate that verifies senders' client certificates, PEM"),
        REQUIRE_CLIENT_CERT("--require-client-cert", "true", "true; false only for a sender without a certificate"
                + " (the original Python one): then anyone who reaches the port can inject prices"),
        MAX_FRAME_LENGTH("--max-frame-length", String.valueOf(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH),
                "largest accepted frame payload in bytes, 1.." + FrameDescriptor.MAX_MAX_FRAME_LENGTH),
        STATS_INTERVAL_SECONDS("--stats-interval-seconds", "10", "seconds between stats lines (0 = none)"),
        MAX_CONNECTIONS("--max-connections", String.valueOf(ReceiverConfig.DEFAULT_MAX_CONNECTIONS),
                "most sender connections at once, 1..1024; more are refused"),
        SILENCE_TIMEOUT_MS("--silence-timeout-ms", "5000", "close a sender connection (one that said hello) after"
                + " this many ms without any frame: dead or half-open (0 = never)"),
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
    }

    /** A setting with a value the daemon cannot use; the message names the variable and what it expects. */
    static final class InvalidSettingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidSettingException(Setting setting, String value, String expected) {
            super(setting.name() + (setting.flag == null ? "" : " (" + setting.flag + ")") + " " + expected
                    + ", got '" + value + "'");
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
    final long silenceTimeoutMillis;
    final long runSeconds;
    final int httpPort;
    final long healthMaxAgeSeconds;
    final String logFormat;

    private ReceiverDaemonConfig(Values v) {
        port = (int) v.integer(Setting.PORT, 0, 65_535);
        bindHost = v.nonBlank(Setting.BIND_HOST);
        requireClientCert = v.bool(Setting.REQUIRE_CLIENT_CERT);
        maxFrameLength = (int) v.integer(Setting.MAX_FRAME_LENGTH, 1, FrameDescriptor.MAX_MAX_FRAME_LENGTH);
        statsIntervalSeconds = v.integer(Setting.STATS_INTERVAL_SECONDS, 0, TimeUnit.DAYS.toSeconds(1));
        maxConnections = (int) v.integer(Setting.MAX_CONNECTIONS, 1, 1024);
        silenceTimeoutMillis = v.integer(Setting.SILENCE_TIMEOUT_MS, 0, TimeUnit.HOURS.toMillis(1));
        runSeconds = v.integer(Setting.RUN_SECONDS, 0, Long.MAX_VALUE / 1_000_000_000L);
        httpPort = (int) v.integer(Setting.HTTP_PORT, 0, 65_535);
        healthMaxAgeSeconds = v.integer(Setting.HEALTH_MAX_AGE_SECONDS, 1, TimeUnit.DAYS.toSeconds(1));
        logFormat = v.oneOf(Setting.LOG_FORMAT, "text", "json");
        cert = v.readableFile(Setting.CERT);
        key = v.readableFile(Setting.KEY);
        caCert = requireClientCert ? v.readableFile(Setting.CA_CERT) : null;
    }

    /**
     * Reads and validates every setting.
     *
     * @param env environment variables; a blank value counts as unset
     * @param overrides values given as flags, which win over {@code env}
     * @throws InvalidSettingException naming the first variable with an unusable value
     */
    static ReceiverDaemonConfig parse(Map<String, String> env, Map<Setting, String> overrides) {
        return new ReceiverDaemonConfig(new Values(env, overrides));
    }

    /** The library configuration these settings describe. */
    ReceiverConfig toReceiverConfig() {
        return ReceiverConfig.builder()
                .bindAddress(bindHost)
                .port(port)
                .tls(cert, key, caCert)
                .requireClientCertificate(requireClientCert)
                .maxFrameLength(maxFrameLength)
                .statsInterval(statsIntervalSeconds, TimeUnit.SECONDS)
                .maxConnections(maxConnections)
                .silenceTimeout(silenceTimeoutMillis, TimeUnit.MILLISECONDS)
                .build();
    }

    /** The table {@code --help} prints: every variable with its default and help line. */
    static String helpTable() {
        StringBuilder sb = new StringBuilder();
        for (Setting s : Setting.values()) {
            sb.append(String.format(Locale.ROOT, "  %-32s %s%n", s.name() + "=" + s.defaultValue, s.help));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "PORT=" + port + " BIND_HOST=" + bindHost + " CERT=" + cert + " KEY=" + key + " CA_CERT="
                + (caCert == null ? "(not used)" : caCert) + " REQUIRE_CLIENT_CERT=" + requireClientCert
                + " MAX_FRAME_LENGTH=" + maxFrameLength + " STATS_INTERVAL_SECONDS=" + statsIntervalSeconds
                + " MAX_CONNECTIONS=" + maxConnections + " SILENCE_TIMEOUT_MS=" + silenceTimeoutMillis
                + " RUN_SECONDS=" + runSeconds + " HTTP_PORT=" + httpPort + " HEALTH_MAX_AGE_SECONDS="
                + healthMaxAgeSeconds + " LOG_FORMAT=" + logFormat;
    }

    /** Raw values with precedence flag, then environment, then default. */
    private static final class Values {
        private final Map<String, String> env;
        private final Map<Setting, String> overrides;

        Values(Map<String, String> env, Map<Setting, String> overrides) {
            this.env = env;
            this.overrides = overrides;
        }

        String raw(Setting s) {
            String v = s.flag == null ? null : overrides.get(s);
            if (v == null || v.isBlank()) {
                v = env.get(s.name());
            }
            return v == null || v.isBlank() ? s.defaultValue : v.trim();
        }

        long integer(Setting s, long min, long max) {
            String v = raw(s);
            try {
                long n = Long.parseLong(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidSettingException(s, v, "must be a whole number " + min + ".." + max);
        }

        boolean bool(Setting s) {
            String v = raw(s);
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> {
                    return true;
                }
                case "false", "no", "0" -> {
                    return false;
                }
                default -> throw new InvalidSettingException(s, v, "must be true or false");
            }
        }

        String oneOf(Setting s, String... allowed) {
            String v = raw(s);
            for (String a : allowed) {
                if (a.equals(v)) {
                    return a;
                }
            }
            throw new InvalidSettingException(s, v, "must be one of " + String.join(", ", allowed));
        }

        String nonBlank(Setting s) {
            return raw(s); // blank falls back to the default
        }

        Path readableFile(Setting s) {
            String v = raw(s);
            Path p;
            try {
                p = Path.of(v);
            } catch (RuntimeException e) {
                throw new InvalidSettingException(s, v, "must be a file path");
            }
            if (!Files.isRegularFile(p)) {
                throw new InvalidSettingException(s, v, "must name an existing file (" + s.help
                        + "; make one with scripts/generate-certs.sh)");
            }
            if (!Files.isReadable(p)) {
                throw new InvalidSettingException(s, v, "must name a file this user can read (" + s.help + ")");
            }
            return p;
        }
    }
}
