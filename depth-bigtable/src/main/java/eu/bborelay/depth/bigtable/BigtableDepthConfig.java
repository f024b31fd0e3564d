package eu.bborelay.depth.bigtable;

import eu.bborelay.ops.settings.Setting;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and how {@link BigtableDepthSink} writes: the {@link BigtableSetting}s, read once at start by the daemons'
 * one parser, plus a few tuning values set from code ({@code with...}, defaults in code). Immutable and thread-safe.
 *
 * <p>The sink is optional: {@link #parse} returns empty unless both {@code BIGTABLE_PROJECT_ID} and
 * {@code BIGTABLE_INSTANCE_ID} are set, as in the original collector. Setting only one of them, or setting
 * {@code BIGTABLE_EMULATOR_HOST} without them, is an error (a half-configured sink is a mistake, not "off").
 */
public final class BigtableDepthConfig {
    /** Cloud Bigtable table ids: letters, digits, {@code _ - .}, not starting with {@code - .}, 1..50 characters. */
    private static final Pattern TABLE_ID = Pattern.compile("[_a-zA-Z0-9][-_.a-zA-Z0-9]{0,49}");
    /** Project ids: 6..30 lower-case letters, digits, dashes; also legacy {@code domain.com:project} ids. */
    private static final Pattern PROJECT_ID = Pattern.compile("([a-z0-9.-]+:)?[a-z][-a-z0-9]{4,28}[a-z0-9]");
    /** Instance ids: 6..33 lower-case letters, digits, dashes, starting with a letter. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[a-z][-a-z0-9]{4,31}[a-z0-9]");

    /** Default {@link #callTimeout()}: 20 s. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(20);
    /** Default {@link #drainTimeout()}: 5 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #firstRetryDelay()}: 1 s. */
    public static final Duration DEFAULT_FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    /** Default {@link #batchRows()}: 100 rows per MutateRows call. */
    public static final int DEFAULT_BATCH_ROWS = 100;

    private final String projectId;
    private final String instanceId;
    private final String table;
    private final String appProfileId;
    private final String emulatorHost;
    private final int emulatorPort;
    private final boolean createTable;
    private final int queueRows;
    private final Duration maxRetryDelay;
    private final Duration firstRetryDelay;
    private final Duration callTimeout;
    private final Duration drainTimeout;
    private final int batchRows;

    private BigtableDepthConfig(String projectId, String instanceId, String table, String appProfileId,
            String emulatorHost, int emulatorPort, boolean createTable, int queueRows, Duration maxRetryDelay,
            Duration firstRetryDelay, Duration callTimeout, Duration drainTimeout, int batchRows) {
        this.projectId = projectId;
        this.instanceId = instanceId;
        this.table = table;
        this.appProfileId = appProfileId;
        this.emulatorHost = emulatorHost;
        this.emulatorPort = emulatorPort;
        this.createTable = createTable;
        this.queueRows = queueRows;
        this.maxRetryDelay = maxRetryDelay;
        this.firstRetryDelay = firstRetryDelay;
        this.callTimeout = callTimeout;
        this.drainTimeout = drainTimeout;
        this.batchRows = batchRows;
    }

    /**
     * Reads and validates the {@link BigtableSetting}s: flag, then environment, then default.
     *
     * @return empty when Bigtable is off (neither {@code BIGTABLE_PROJECT_ID} nor {@code BIGTABLE_INSTANCE_ID} set)
     * @throws SettingException naming the first variable with an unusable value
     */
    public static Optional<BigtableDepthConfig> parse(Settings v) {
        Objects.requireNonNull(v, "settings");
        boolean project = v.isSet(BigtableSetting.BIGTABLE_PROJECT_ID);
        boolean instance = v.isSet(BigtableSetting.BIGTABLE_INSTANCE_ID);
        if (!project && !instance) {
            if (v.isSet(BigtableSetting.BIGTABLE_EMULATOR_HOST)) {
                throw new SettingException("BIGTABLE_EMULATOR_HOST is set but BIGTABLE_PROJECT_ID and"
                        + " BIGTABLE_INSTANCE_ID are not: set both to turn the Bigtable sink on (any valid ids work"
                        + " with the emulator, e.g. local-project and local-instance), or unset"
                        + " BIGTABLE_EMULATOR_HOST");
            }
            return Optional.empty();
        }
        if (!project || !instance) {
            BigtableSetting missing = project ? BigtableSetting.BIGTABLE_INSTANCE_ID
                    : BigtableSetting.BIGTABLE_PROJECT_ID;
            throw new SettingException(missing.name() + " must be set too: the Bigtable sink needs both"
                    + " BIGTABLE_PROJECT_ID and BIGTABLE_INSTANCE_ID (or neither, for no Bigtable)");
        }
        String projectId = matching(v, BigtableSetting.BIGTABLE_PROJECT_ID, PROJECT_ID,
                "a Google Cloud project id (6 to 30 lower-case letters, digits and dashes)");
        String instanceId = matching(v, BigtableSetting.BIGTABLE_INSTANCE_ID, INSTANCE_ID,
                "a Bigtable instance id (6 to 33 lower-case letters, digits and dashes, starting with a letter)");
        String table = matching(v, BigtableSetting.BIGTABLE_TABLE, TABLE_ID,
                "a Bigtable table id (1 to 50 letters, digits, '_', '-', '.')");
        String appProfile = v.text(BigtableSetting.BIGTABLE_APP_PROFILE_ID);
        if (!appProfile.isEmpty() && !TABLE_ID.matcher(appProfile).matches()) {
            throw SettingException.mustBe(BigtableSetting.BIGTABLE_APP_PROFILE_ID, appProfile,
                    "an app profile id (letters, digits, '_', '-', '.')");
        }
        String host = null;
        int port = 0;
        String hostPort = v.text(BigtableSetting.BIGTABLE_EMULATOR_HOST);
        if (!hostPort.isEmpty()) {
            int colon = hostPort.lastIndexOf(':');
            String h = colon > 0 ? hostPort.substring(0, colon) : "";
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            try {
                port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 0;
            } catch (NumberFormatException e) {
                port = 0;
            }
            if (h.isEmpty() || port < 1 || port > 65535) {
                throw SettingException.mustBe(BigtableSetting.BIGTABLE_EMULATOR_HOST, hostPort,
                        "host:port of the emulator, e.g. localhost:8086");
            }
            host = h;
        }
        boolean create = v.bool(BigtableSetting.BIGTABLE_CREATE_TABLE);
        int queue = v.integer(BigtableSetting.BIGTABLE_QUEUE_ROWS, 1, 1_000_000, "a whole number of rows");
        int retry = v.integer(BigtableSetting.BIGTABLE_RETRY_SECONDS, 1, 3600, "a whole number of seconds");
        return Optional.of(new BigtableDepthConfig(projectId, instanceId, table, appProfile, host, port, create, queue,
                Duration.ofSeconds(retry), DEFAULT_FIRST_RETRY_DELAY, DEFAULT_CALL_TIMEOUT, DEFAULT_DRAIN_TIMEOUT,
                DEFAULT_BATCH_ROWS));
    }

    /**
     * {@link #parse} of the environment alone, e.g. {@code fromEnv(System.getenv())}.
     *
     * @return empty when Bigtable is off
     * @throws SettingException naming the first variable with an unusable value
     */
    public static Optional<BigtableDepthConfig> fromEnv(Map<String, String> env) {
        return parse(Settings.of(env));
    }

    /** Every setting, in the order {@code --help} and docs/BIGTABLE.md list them. */
    public static List<Setting> settings() {
        return List.of(BigtableSetting.values());
    }

    private static String matching(Settings v, BigtableSetting s, Pattern p, String what) {
        String value = v.text(s);
        if (!p.matcher(value).matches()) {
            throw SettingException.mustBe(s, value, what);
        }
        return value;
    }

    /**
     * How long one write (one MutateRows call, with the client's own quick retries) may take before it counts as
     * failed and the sink's backoff takes over; at least 100 ms.
     */
    public BigtableDepthConfig withCallTimeout(Duration timeout) {
        return new BigtableDepthConfig(projectId, instanceId, table, appProfileId, emulatorHost, emulatorPort,
                createTable, queueRows, maxRetryDelay, firstRetryDelay, atLeast(timeout, 100, "callTimeout"),
                drainTimeout, batchRows);
    }

    /** How long {@link BigtableDepthSink#close()} keeps writing what is queued; 0 or more. */
    public BigtableDepthConfig withDrainTimeout(Duration timeout) {
        return new BigtableDepthConfig(projectId, instanceId, table, appProfileId, emulatorHost, emulatorPort,
                createTable, queueRows, maxRetryDelay, firstRetryDelay, callTimeout,
                atLeast(timeout, 0, "drainTimeout"), batchRows);
    }

    /**
     * The backoff between retries of a failed write: {@code first}, doubling up to {@code max} (BIGTABLE_RETRY_SECONDS
     * sets {@code max}); both at least 10 ms, {@code first <= max}.
     */
    public BigtableDepthConfig withRetryDelays(Duration first, Duration max) {
        atLeast(first, 10, "firstRetryDelay");
        atLeast(max, 10, "maxRetryDelay");
        if (first.compareTo(max) > 0) {
            throw new SettingException("firstRetryDelay must not exceed maxRetryDelay, got " + first + " > " + max);
        }
        return new BigtableDepthConfig(projectId, instanceId, table, appProfileId, emulatorHost, emulatorPort,
                createTable, queueRows, max, first, callTimeout, drainTimeout, batchRows);
    }

    /** Rows per MutateRows call, 1..33000 (Bigtable allows 100,000 mutations per call; a row here is 3). */
    public BigtableDepthConfig withBatchRows(int rows) {
        if (rows < 1 || rows > 33_000) {
            throw new SettingException("batchRows must be from 1 to 33000, got " + rows);
        }
        return new BigtableDepthConfig(projectId, instanceId, table, appProfileId, emulatorHost, emulatorPort,
                createTable, queueRows, maxRetryDelay, firstRetryDelay, callTimeout, drainTimeout, rows);
    }

    private static Duration atLeast(Duration d, long millis, String field) {
        Objects.requireNonNull(d, field);
        if (d.toMillis() < millis) {
            throw new SettingException(field + " must be at least " + millis + " ms, got " + d);
        }
        return d;
    }

    /** {@code BIGTABLE_PROJECT_ID}. */
    public String projectId() {
        return projectId;
    }

    /** {@code BIGTABLE_INSTANCE_ID}. */
    public String instanceId() {
        return instanceId;
    }

    /** {@code BIGTABLE_TABLE}. */
    public String table() {
        return table;
    }

    /** {@code BIGTABLE_APP_PROFILE_ID}; empty for the instance's default profile. */
    public String appProfileId() {
        return appProfileId;
    }

    /** Whether {@code BIGTABLE_EMULATOR_HOST} is set. */
    public boolean usesEmulator() {
        return emulatorHost != null;
    }

    /** The emulator's host; null unless {@link #usesEmulator()}. */
    public String emulatorHost() {
        return emulatorHost;
    }

    /** The emulator's port; 0 unless {@link #usesEmulator()}. */
    public int emulatorPort() {
        return emulatorPort;
    }

    /** {@code BIGTABLE_CREATE_TABLE}. */
    public boolean createTable() {
        return createTable;
    }

    /** {@code BIGTABLE_QUEUE_ROWS}. */
    public int queueRows() {
        return queueRows;
    }

    /** {@code BIGTABLE_RETRY_SECONDS} as a duration. */
    public Duration maxRetryDelay() {
        return maxRetryDelay;
    }

    public Duration firstRetryDelay() {
        return firstRetryDelay;
    }

    public Duration callTimeout() {
        return callTimeout;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }

    public int batchRows() {
        return batchRows;
    }

    /** Where the rows go, for logs: {@code projects/p/instances/i/tables/t} (and the emulator's address). */
    public String target() {
        return "projects/" + projectId + "/instances/" + instanceId + "/tables/" + table
                + (usesEmulator() ? " on the emulator at " + emulatorHost + ":" + emulatorPort : "");
    }

    @Override
    public String toString() {
        return "BIGTABLE_PROJECT_ID=" + projectId + " BIGTABLE_INSTANCE_ID=" + instanceId + " BIGTABLE_TABLE=" + table
                + " BIGTABLE_APP_PROFILE_ID=" + (appProfileId.isEmpty() ? "(default)" : appProfileId)
                + " BIGTABLE_EMULATOR_HOST=" + (usesEmulator() ? emulatorHost + ":" + emulatorPort : "(none)")
                + " BIGTABLE_CREATE_TABLE=" + createTable + " BIGTABLE_QUEUE_ROWS=" + queueRows
                + " BIGTABLE_RETRY_SECONDS=" + maxRetryDelay.toSeconds();
    }
}
