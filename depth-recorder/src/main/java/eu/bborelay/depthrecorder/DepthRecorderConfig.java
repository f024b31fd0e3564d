package eu.bborelay.depthrecorder;

import eu.bborelay.binance.BinanceMarket;
import eu.bborelay.binance.StreamKind;
import eu.bborelay.depth.DepthBook;
import eu.bborelay.depth.SnapshotRequestPolicy;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.recording.RecorderConfig;
import eu.bborelay.recording.S3UploaderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The depth recorder's settings ({@link DepthRecorderSetting}), read once at start by the daemons' one parser
 * ({@link Settings}) and validated with messages that name the variable. Immutable; tests change a few fields with
 * the {@code with...} methods.
 */
public final class DepthRecorderConfig {
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9_.-]{1,30}");

    /** A Binance market: its sync procedure, folder, default URLs, REST path and weights. */
    public enum Market {
        SPOT("spot", DepthBook.Market.SPOT, "wss://stream.binance.com:9443", "https://api.binance.com", "/api/v3",
                SnapshotRequestPolicy.SPOT_WEIGHT_LIMIT_PER_MINUTE),
        USDM("usdm", DepthBook.Market.USDM, "wss://fstream.binance.com", "https://fapi.binance.com", "/fapi/v1",
                SnapshotRequestPolicy.FUTURES_WEIGHT_LIMIT_PER_MINUTE),
        COINM("coinm", DepthBook.Market.COINM, "wss://dstream.binance.com", "https://dapi.binance.com", "/dapi/v1",
                SnapshotRequestPolicy.FUTURES_WEIGHT_LIMIT_PER_MINUTE);

        private final String folder;
        private final DepthBook.Market bookMarket;
        private final String wsBase;
        private final String restBase;
        private final String restPath;
        private final int defaultWeightLimit;

        Market(String folder, DepthBook.Market bookMarket, String wsBase, String restBase, String restPath,
               int defaultWeightLimit) {
            this.folder = folder;
            this.bookMarket = bookMarket;
            this.wsBase = wsBase;
            this.restBase = restBase;
            this.restPath = restPath;
            this.defaultWeightLimit = defaultWeightLimit;
        }

        /** {@code spot}, {@code usdm}, {@code coinm}: the {@code MARKET} value and the table folder. */
        public String folder() {
            return folder;
        }

        /** The book's sync procedure. */
        public DepthBook.Market bookMarket() {
            return bookMarket;
        }

        /** {@code /api/v3}, {@code /fapi/v1}, {@code /dapi/v1}. */
        public String restPath() {
            return restPath;
        }

        /** Binance's {@code REQUEST_WEIGHT} per minute when exchangeInfo cannot be read. */
        public int defaultWeightLimit() {
            return defaultWeightLimit;
        }

        /** Weight of one depth snapshot at {@code limit}; throws {@link IllegalArgumentException} for a bad limit. */
        public int depthWeight(int limit) {
            return this == SPOT ? SnapshotRequestPolicy.spotDepthWeight(limit)
                    : SnapshotRequestPolicy.futuresDepthWeight(limit);
        }

        static Market of(String folder) {
            for (Market m : values()) {
                if (m.folder.equals(folder)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(folder);
        }
    }

    private final List<String> symbols;
    private final Market market;
    private final URI wsBase;
    private final URI restBase;
    private final StreamKind diffStream;
    private final StreamKind partialStream;
    private final int snapshotLimit;
    private final int snapshotIntervalSeconds;
    private final double snapshotWeightShare;
    private final double bucketStep;
    private final int bucketSteps;
    private final int bucketIntervalSeconds;
    private final int zstdLevel;
    private final Path dataDir;
    private final String bucket;
    private final String prefix;
    private final String region;
    private final URI endpoint;
    private final int keepLocalHours;
    private final int closeGraceSeconds;
    private final int maxOpenFiles;
    private final boolean parquetV1;
    private final long uploadMaxAgeSeconds;
    private final int uploadDrainSeconds;
    private final int httpPort;
    private final int healthMaxAgeSeconds;
    private final long runSeconds;
    private final String logFormat;
    private Duration minSnapshotBackoff = Duration.ofSeconds(1);

    private DepthRecorderConfig(Settings v) {
        symbols = symbols(v.text(DepthRecorderSetting.SYMBOLS));
        market = Market.of(v.oneOf(DepthRecorderSetting.MARKET, "spot", "usdm", "coinm"));
        wsBase = url(v, DepthRecorderSetting.BINANCE_WS_URL, market.wsBase, "ws", "wss");
        restBase = url(v, DepthRecorderSetting.BINANCE_REST_URL, market.restBase, "http", "https");
        checkHostMatchesMarket(DepthRecorderSetting.BINANCE_WS_URL, wsBase, BinanceMarket.ofStreamUri(wsBase));
        checkHostMatchesMarket(DepthRecorderSetting.BINANCE_REST_URL, restBase, BinanceMarket.ofRestUri(restBase));
        diffStream = stream(v, DepthRecorderSetting.DIFF_STREAM, false);
        partialStream = stream(v, DepthRecorderSetting.PARTIAL_STREAM, true);
        if (market == Market.SPOT && diffStream != StreamKind.DEPTH_100MS && diffStream != StreamKind.DEPTH) {
            throw SettingException.mustBe(DepthRecorderSetting.DIFF_STREAM, diffStream.suffix(),
                    "depth@100ms or depth on spot (depth@500ms and depth@0ms are futures streams)");
        }
        snapshotLimit = v.integer(DepthRecorderSetting.SNAPSHOT_LIMIT, 1, 5000, "a number of levels");
        try {
            market.depthWeight(snapshotLimit);
        } catch (IllegalArgumentException e) {
            throw SettingException.mustBe(DepthRecorderSetting.SNAPSHOT_LIMIT, String.valueOf(snapshotLimit),
                    market == Market.SPOT ? "1..5000 on spot" : "5, 10, 20, 50, 100, 500 or 1000 on futures");
        }
        snapshotIntervalSeconds = v.integer(DepthRecorderSetting.SNAPSHOT_INTERVAL_SECONDS, 0, 86_400,
                "a whole number of seconds");
        snapshotWeightShare = decimal(v, DepthRecorderSetting.SNAPSHOT_WEIGHT_SHARE, 0.05, 1);
        bucketStep = decimal(v, DepthRecorderSetting.BUCKET_STEP, 0.000001, 0.1);
        bucketSteps = v.integer(DepthRecorderSetting.BUCKET_STEPS, 1, 1000, "a whole number");
        bucketIntervalSeconds = v.integer(DepthRecorderSetting.BUCKET_INTERVAL_SECONDS, 1, 3600,
                "a whole number of seconds");
        zstdLevel = v.integer(DepthRecorderSetting.ZSTD_LEVEL, 1, 22, "a ZSTD level");
        String dir = v.text(DepthRecorderSetting.DATA_DIR);
        try {
            dataDir = Path.of(dir);
        } catch (InvalidPathException e) {
            throw SettingException.mustBe(DepthRecorderSetting.DATA_DIR, dir, "a folder path (" + e.getMessage() + ")");
        }
        bucket = v.text(DepthRecorderSetting.S3_BUCKET);
        if (bucket.isEmpty()) {
            throw new SettingException("S3_BUCKET must be set: the bucket the Parquet files are uploaded to ("
                    + DepthRecorderSetting.S3_BUCKET.help() + ")");
        }
        prefix = v.text(DepthRecorderSetting.S3_PREFIX);
        region = v.text(DepthRecorderSetting.S3_REGION);
        String ep = v.text(DepthRecorderSetting.S3_ENDPOINT);
        endpoint = ep.isEmpty() ? null : url(v, DepthRecorderSetting.S3_ENDPOINT, "", "http", "https");
        keepLocalHours = v.integer(DepthRecorderSetting.KEEP_LOCAL_HOURS, 0, 24 * 366, "a whole number of hours");
        closeGraceSeconds = v.integer(DepthRecorderSetting.CLOSE_GRACE_SECONDS, 0, 3600, "a whole number of seconds");
        maxOpenFiles = v.integer(DepthRecorderSetting.MAX_OPEN_FILES, 1, 1024, "a whole number");
        parquetV1 = v.bool(DepthRecorderSetting.PARQUET_V1);
        uploadMaxAgeSeconds = v.longInteger(DepthRecorderSetting.UPLOAD_MAX_AGE_SECONDS, 60, 30L * 24 * 3600,
                "a whole number of seconds");
        uploadDrainSeconds = v.integer(DepthRecorderSetting.UPLOAD_DRAIN_SECONDS, 0, 60, "a whole number of seconds");
        httpPort = v.integer(DepthRecorderSetting.HTTP_PORT, 0, 65535, "a TCP port number");
        healthMaxAgeSeconds = v.integer(DepthRecorderSetting.HEALTH_MAX_AGE_SECONDS, 5, 3600,
                "a whole number of seconds");
        runSeconds = v.longInteger(DepthRecorderSetting.RUN_SECONDS, 0, Long.MAX_VALUE / 1_000_000_000L,
                "a whole number of seconds");
        logFormat = v.oneOf(DepthRecorderSetting.LOG_FORMAT, "text", "json");
    }

    private DepthRecorderConfig(DepthRecorderConfig o) {
        symbols = o.symbols;
        market = o.market;
        wsBase = o.wsBase;
        restBase = o.restBase;
        diffStream = o.diffStream;
        partialStream = o.partialStream;
        snapshotLimit = o.snapshotLimit;
        snapshotIntervalSeconds = o.snapshotIntervalSeconds;
        snapshotWeightShare = o.snapshotWeightShare;
        bucketStep = o.bucketStep;
        bucketSteps = o.bucketSteps;
        bucketIntervalSeconds = o.bucketIntervalSeconds;
        zstdLevel = o.zstdLevel;
        dataDir = o.dataDir;
        bucket = o.bucket;
        prefix = o.prefix;
        region = o.region;
        endpoint = o.endpoint;
        keepLocalHours = o.keepLocalHours;
        closeGraceSeconds = o.closeGraceSeconds;
        maxOpenFiles = o.maxOpenFiles;
        parquetV1 = o.parquetV1;
        uploadMaxAgeSeconds = o.uploadMaxAgeSeconds;
        uploadDrainSeconds = o.uploadDrainSeconds;
        httpPort = o.httpPort;
        healthMaxAgeSeconds = o.healthMaxAgeSeconds;
        runSeconds = o.runSeconds;
        logFormat = o.logFormat;
        minSnapshotBackoff = o.minSnapshotBackoff;
    }

    /**
     * Reads and validates every setting: flag, then environment, then default.
     *
     * @throws SettingException naming the first variable with an unusable value
     */
    public static DepthRecorderConfig parse(Settings settings) {
        return new DepthRecorderConfig(Objects.requireNonNull(settings, "settings"));
    }

    /** Every setting, in the order {@code --help} lists them. */
    public static List<DepthRecorderSetting> settings() {
        return List.of(DepthRecorderSetting.values());
    }

    private static List<String> symbols(String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            String sym = s.strip().toUpperCase(Locale.ROOT);
            if (sym.isEmpty()) {
                continue;
            }
            if (!SYMBOL.matcher(sym).matches()) {
                throw SettingException.mustBe(DepthRecorderSetting.SYMBOLS, value,
                        "comma-separated Binance symbols such as btcusdt,ethusdt ('" + s.strip() + "' is not one)");
            }
            out.add(sym);
        }
        if (out.isEmpty()) {
            throw SettingException.mustBe(DepthRecorderSetting.SYMBOLS, value, "at least one symbol");
        }
        return List.copyOf(out);
    }

    private static URI url(Settings v, DepthRecorderSetting s, String dflt, String scheme1, String scheme2) {
        String value = v.text(s);
        if (value.isEmpty()) {
            value = dflt;
        }
        while (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        try {
            URI uri = new URI(value);
            if ((scheme1.equals(uri.getScheme()) || scheme2.equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw SettingException.mustBe(s, value, "a " + scheme1 + ":// or " + scheme2 + ":// URL without query");
    }

    /** A Binance host of another market (the sender's spot URL left in a shared .env with MARKET=usdm) is refused. */
    private void checkHostMatchesMarket(DepthRecorderSetting s, URI uri, BinanceMarket hostMarket) {
        if (!BinanceMarket.isBinanceHost(uri)) {
            return; // a replay server or a proxy: the operator knows
        }
        BinanceMarket expected = switch (market) {
            case SPOT -> BinanceMarket.SPOT;
            case USDM -> BinanceMarket.USDM;
            case COINM -> BinanceMarket.COINM;
        };
        if (hostMarket != expected) {
            throw new SettingException(s.name() + "=" + uri + " is a " + hostMarket.name().toLowerCase(Locale.ROOT)
                    + " host but MARKET=" + market.folder + "; set " + s.name() + " for " + market.folder
                    + " or leave it empty (the market's own URL)");
        }
    }

    private static StreamKind stream(Settings v, DepthRecorderSetting s, boolean partial) {
        String value = v.text(s);
        if (partial && value.equals("none")) {
            return null;
        }
        try {
            StreamKind k = StreamKind.ofSuffix(value);
            if (partial ? k.partialDepth() : k.diffDepth()) {
                return k;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw SettingException.mustBe(s, value, partial
                ? "a partial depth stream: depth5@100ms, depth10@100ms, depth20@100ms, depth20 or none"
                : "a diff depth stream: depth@100ms, depth, depth@500ms or depth@0ms");
    }

    private static double decimal(Settings v, DepthRecorderSetting s, double min, double max) {
        String value = v.text(s);
        try {
            double d = Double.parseDouble(value);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SettingException.mustBe(s, value, "a number from " + min + " to " + max);
    }

    /**
     * A copy with the shortest snapshot backoff changed (tests: a resync within milliseconds, not a second).
     * The backoff of the n-th consecutive request of one book is a random time in {@code [c/2, c]},
     * {@code c = min(60 s, value × 2^(n-2))}.
     */
    public DepthRecorderConfig withMinSnapshotBackoff(Duration value) {
        DepthRecorderConfig c = new DepthRecorderConfig(this);
        c.minSnapshotBackoff = Objects.requireNonNull(value, "value");
        return c;
    }

    /** {@code SYMBOLS}, upper case, without duplicates. */
    public List<String> symbols() {
        return symbols;
    }

    /** {@code MARKET}. */
    public Market market() {
        return market;
    }

    /** {@code BINANCE_WS_URL} or the market's. */
    public URI wsBase() {
        return wsBase;
    }

    /** {@code BINANCE_REST_URL} or the market's. */
    public URI restBase() {
        return restBase;
    }

    /** {@code DIFF_STREAM}. */
    public StreamKind diffStream() {
        return diffStream;
    }

    /** {@code PARTIAL_STREAM}; null for {@code none}. */
    public StreamKind partialStream() {
        return partialStream;
    }

    /** The streams per symbol, diff first. */
    public List<StreamKind> streams() {
        List<StreamKind> kinds = new ArrayList<>();
        kinds.add(diffStream);
        if (partialStream != null) {
            kinds.add(partialStream);
        }
        return kinds;
    }

    /** {@code SNAPSHOT_LIMIT}. */
    public int snapshotLimit() {
        return snapshotLimit;
    }

    /** {@code SNAPSHOT_INTERVAL_SECONDS}; 0 = no regular snapshots. */
    public int snapshotIntervalSeconds() {
        return snapshotIntervalSeconds;
    }

    /** {@code SNAPSHOT_WEIGHT_SHARE}. */
    public double snapshotWeightShare() {
        return snapshotWeightShare;
    }

    /** Shortest snapshot backoff (1 s). */
    public Duration minSnapshotBackoff() {
        return minSnapshotBackoff;
    }

    /** {@code BUCKET_STEP}. */
    public double bucketStep() {
        return bucketStep;
    }

    /** {@code BUCKET_STEPS}. */
    public int bucketSteps() {
        return bucketSteps;
    }

    /** {@code BUCKET_INTERVAL_SECONDS}. */
    public int bucketIntervalSeconds() {
        return bucketIntervalSeconds;
    }

    /** {@code DATA_DIR}. */
    public Path dataDir() {
        return dataDir;
    }

    /** The recorder's configuration: grace, open files, Parquet version, ZSTD level. */
    public RecorderConfig recorderConfig() {
        return RecorderConfig.defaults(dataDir).withGrace(Duration.ofSeconds(closeGraceSeconds))
                .withMaxOpenFiles(maxOpenFiles).withParquetV2(!parquetV1).withZstdLevel(zstdLevel);
    }

    /** The uploader's configuration: bucket, prefix, region, endpoint, local retention. */
    public S3UploaderConfig uploaderConfig() {
        return S3UploaderConfig.defaults(dataDir, bucket).withPrefix(prefix)
                .withRegion(region.isEmpty() ? null : region).withEndpoint(endpoint)
                .withKeepLocal(Duration.ofHours(keepLocalHours));
    }

    /** {@code UPLOAD_MAX_AGE_SECONDS}. */
    public long uploadMaxAgeSeconds() {
        return uploadMaxAgeSeconds;
    }

    /** {@code UPLOAD_DRAIN_SECONDS}. */
    public int uploadDrainSeconds() {
        return uploadDrainSeconds;
    }

    /** {@code HTTP_PORT}; 0 = off. */
    public int httpPort() {
        return httpPort;
    }

    /** {@code HEALTH_MAX_AGE_SECONDS}. */
    public int healthMaxAgeSeconds() {
        return healthMaxAgeSeconds;
    }

    /** {@code RUN_SECONDS}; 0 = until stopped. */
    public long runSeconds() {
        return runSeconds;
    }

    /** {@code LOG_FORMAT}. */
    public String logFormat() {
        return logFormat;
    }

    @Override
    public String toString() {
        return "SYMBOLS=" + String.join(",", symbols) + " MARKET=" + market.folder + " BINANCE_WS_URL=" + wsBase
                + " BINANCE_REST_URL=" + restBase + " DIFF_STREAM=" + diffStream.suffix() + " PARTIAL_STREAM="
                + (partialStream == null ? "none" : partialStream.suffix()) + " SNAPSHOT_LIMIT=" + snapshotLimit
                + " SNAPSHOT_INTERVAL_SECONDS=" + snapshotIntervalSeconds + " SNAPSHOT_WEIGHT_SHARE="
                + snapshotWeightShare + " BUCKET_STEP=" + bucketStep + " BUCKET_STEPS=" + bucketSteps
                + " BUCKET_INTERVAL_SECONDS=" + bucketIntervalSeconds + " ZSTD_LEVEL=" + zstdLevel + " DATA_DIR="
                + dataDir + " S3_BUCKET=" + bucket + " S3_PREFIX=" + prefix + " S3_REGION="
                + (region.isEmpty() ? "(SDK chain)" : region) + " S3_ENDPOINT=" + (endpoint == null ? "(AWS)" : endpoint)
                + " KEEP_LOCAL_HOURS=" + keepLocalHours + " CLOSE_GRACE_SECONDS=" + closeGraceSeconds
                + " MAX_OPEN_FILES=" + maxOpenFiles + " PARQUET_V1=" + parquetV1 + " UPLOAD_MAX_AGE_SECONDS="
                + uploadMaxAgeSeconds + " UPLOAD_DRAIN_SECONDS=" + uploadDrainSeconds + " HTTP_PORT=" + httpPort
                + " HEALTH_MAX_AGE_SECONDS=" + healthMaxAgeSeconds + " RUN_SECONDS=" + runSeconds + " LOG_FORMAT="
                + logFormat;
    }
}
