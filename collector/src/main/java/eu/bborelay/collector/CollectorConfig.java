package eu.bborelay.collector;

import eu.bborelay.ops.settings.Setting;
import eu.bborelay.polymarket.PolymarketClient;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.receiver.daemon.ReceiverDaemonConfig;
import eu.bborelay.recording.RecorderConfig;
import eu.bborelay.recording.S3UploaderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The collector's settings: the receiver daemon's ({@link ReceiverDaemonConfig}, parsed by its own code) plus
 * {@link CollectorSetting}, read once at start by the daemons' one parser ({@link Settings}). Immutable.
 */
public final class CollectorConfig {
    private final ReceiverDaemonConfig receiver;
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
    private final PolymarketSource.Config polymarket;

    private CollectorConfig(Settings v) {
        receiver = ReceiverDaemonConfig.parse(v);
        if (receiver.arbitration()) {
            throw new SettingException("ARBITRATION must be false for the collector: it records each sender session"
                    + " by seq and acknowledges what it journaled, which A/B arbitration (one merged stream of several"
                    + " sessions) does not support yet; run one sender per collector");
        }
        String dir = v.text(CollectorSetting.DATA_DIR);
        try {
            dataDir = Path.of(dir);
        } catch (InvalidPathException e) {
            throw SettingException.mustBe(CollectorSetting.DATA_DIR, dir, "a folder path (" + e.getMessage() + ")");
        }
        bucket = v.text(CollectorSetting.S3_BUCKET);
        if (bucket.isEmpty()) {
            throw new SettingException("S3_BUCKET must be set: the bucket the Parquet files are uploaded to ("
                    + CollectorSetting.S3_BUCKET.help() + ")");
        }
        prefix = v.text(CollectorSetting.S3_PREFIX);
        region = v.text(CollectorSetting.S3_REGION);
        endpoint = endpoint(v.text(CollectorSetting.S3_ENDPOINT));
        keepLocalHours = v.integer(CollectorSetting.KEEP_LOCAL_HOURS, 0, 24 * 366, "a whole number of hours");
        closeGraceSeconds = v.integer(CollectorSetting.CLOSE_GRACE_SECONDS, 0, 3600, "a whole number of seconds");
        maxOpenFiles = v.integer(CollectorSetting.MAX_OPEN_FILES, 1, 1024, "a whole number");
        parquetV1 = v.bool(CollectorSetting.PARQUET_V1);
        uploadMaxAgeSeconds = v.longInteger(CollectorSetting.UPLOAD_MAX_AGE_SECONDS, 60, 30L * 24 * 3600,
                "a whole number of seconds");
        uploadDrainSeconds = v.integer(CollectorSetting.UPLOAD_DRAIN_SECONDS, 0, 60, "a whole number of seconds");
        polymarket = polymarket(v);
    }

    /** The Polymarket settings, validated by the client's own rules; null when no token is set. */
    private static PolymarketSource.Config polymarket(Settings v) {
        int levels = v.integer(CollectorSetting.POLYMARKET_L2_LEVELS, 0, 1000, "a whole number of levels (0 = all)");
        String url = v.text(CollectorSetting.POLYMARKET_WS_URL).trim();
        URI uri;
        try {
            uri = new URI(url);
            PolymarketClient.builder().uri(uri);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw SettingException.mustBe(CollectorSetting.POLYMARKET_WS_URL, url,
                    "a ws:// or wss:// URL such as " + PolymarketClient.DEFAULT_URI);
        }
        String text = v.text(CollectorSetting.POLYMARKET_TOKENS).trim();
        if (text.isEmpty()) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        for (String t : text.split("[,\\s]+")) {
            if (!t.isEmpty() && !tokens.contains(t)) {
                tokens.add(t);
            }
        }
        try {
            PolymarketClient.builder().assets(tokens);
        } catch (IllegalArgumentException e) {
            throw SettingException.mustBe(CollectorSetting.POLYMARKET_TOKENS, text,
                    "token ids (decimal digits, as in the market channel's asset_id) separated by commas ("
                            + e.getMessage() + ")");
        }
        return new PolymarketSource.Config(tokens, uri, levels);
    }

    private static URI endpoint(String value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw SettingException.mustBe(CollectorSetting.S3_ENDPOINT, value,
                "an http:// or https:// URL such as https://<account>.r2.cloudflarestorage.com");
    }

    /**
     * Reads and validates every setting: flag, then environment, then default.
     *
     * @throws SettingException naming the first variable with an unusable value
     */
    public static CollectorConfig parse(Settings settings) {
        return new CollectorConfig(Objects.requireNonNull(settings, "settings"));
    }

    /** Every setting, the receiver's first, in the order {@code --help} lists them. */
    public static List<Setting> settings() {
        List<Setting> all = new ArrayList<>(List.of(ReceiverDaemonConfig.Setting.values()));
        all.addAll(List.of(CollectorSetting.values()));
        return all;
    }

    /** The receiver daemon's settings (port, TLS, health age, ...). */
    public ReceiverDaemonConfig receiver() {
        return receiver;
    }

    /** {@code DATA_DIR}. */
    public Path dataDir() {
        return dataDir;
    }

    /** The recorder's configuration: grace, open files, Parquet version. */
    public RecorderConfig recorderConfig() {
        return RecorderConfig.defaults(dataDir).withGrace(Duration.ofSeconds(closeGraceSeconds))
                .withMaxOpenFiles(maxOpenFiles).withParquetV2(!parquetV1);
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

    /** What to record from Polymarket ({@code POLYMARKET_*}); null when {@code POLYMARKET_TOKENS} is empty. */
    PolymarketSource.Config polymarket() {
        return polymarket;
    }

    /** {@code UPLOAD_DRAIN_SECONDS}. */
    public int uploadDrainSeconds() {
        return uploadDrainSeconds;
    }

    @Override
    public String toString() {
        return receiver + " DATA_DIR=" + dataDir + " S3_BUCKET=" + bucket + " S3_PREFIX=" + prefix + " S3_REGION="
                + (region.isEmpty() ? "(SDK chain)" : region) + " S3_ENDPOINT=" + (endpoint == null ? "(AWS)" : endpoint)
                + " KEEP_LOCAL_HOURS=" + keepLocalHours + " CLOSE_GRACE_SECONDS=" + closeGraceSeconds
                + " MAX_OPEN_FILES=" + maxOpenFiles + " PARQUET_V1=" + parquetV1 + " UPLOAD_MAX_AGE_SECONDS="
                + uploadMaxAgeSeconds + " UPLOAD_DRAIN_SECONDS=" + uploadDrainSeconds
                + (polymarket == null ? " POLYMARKET_TOKENS=(none)" : " POLYMARKET_TOKENS=" + polymarket.tokens().size()
                + " token(s) POLYMARKET_WS_URL=" + polymarket.uri() + " POLYMARKET_L2_LEVELS=" + polymarket.l2Levels());
    }
}
