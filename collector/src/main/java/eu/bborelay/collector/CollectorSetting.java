package eu.bborelay.collector;

import eu.bborelay.ops.settings.Setting;

/**
 * The collector's own settings (environment variable = the constant's name), next to the receiver daemon's
 * ({@link eu.bborelay.receiver.daemon.ReceiverDaemonConfig.Setting}: {@code PORT}, {@code CERT}, {@code KEY},
 * {@code CA_CERT}, {@code HTTP_PORT}, ...), which the collector offers unchanged. Names from the original design
 * ({@code S3_BUCKET}, {@code S3_REGION}) and docs/RECORDING.md. Credentials are not settings: the AWS SDK's default
 * chain reads {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} (or a profile, or an instance role).
 */
public enum CollectorSetting implements Setting {
    DATA_DIR("/data", "folder (a volume) of the journal, the open and closed Parquet files and the upload markers"),
    S3_BUCKET("", "S3 bucket the closed files are uploaded to (required)"),
    S3_PREFIX("", "key prefix in the bucket, e.g. collector/ams1 (empty = the bucket's root)"),
    S3_REGION("", "S3 region, e.g. eu-central-1 (auto for Cloudflare R2); empty = the SDK's chain (AWS_REGION,"
            + " profile)"),
    S3_ENDPOINT("", "endpoint URL of an S3-compatible store (R2, MinIO; path-style addressing); empty = AWS"),
    KEEP_LOCAL_HOURS("0", "keep uploaded files on disk this many hours after the end of their hour (0 = delete"
            + " once the upload is confirmed)"),
    CLOSE_GRACE_SECONDS("10", "an hour's files are closed (and then uploaded) this many seconds after the hour ends,"
            + " for late frames, 0..3600"),
    MAX_OPEN_FILES("32", "Parquet files open at once, 1..1024 (about 0.85 MiB of heap each); beyond it the least"
            + " recently written is closed early"),
    PARQUET_V1("false", "true writes Parquet version 1 pages, for readers older than Spark 3.3 (only new files"
            + " change)"),
    UPLOAD_MAX_AGE_SECONDS("3600", "/health fails when a closed file has waited longer than this for its upload"
            + " (S3 down, wrong credentials)"),
    UPLOAD_DRAIN_SECONDS("8", "at shutdown, wait up to this long for closed files to upload (the rest go at the"
            + " next start), 0..60"),
    POLYMARKET_TOKENS("", "Polymarket token (asset) ids to record from the CLOB market channel, separated by commas"
            + " or spaces, into polymarket/l2 and polymarket/trades; empty = no Polymarket recording"),
    POLYMARKET_WS_URL("wss://ws-subscriptions-clob.polymarket.com/ws/market", "Polymarket market-channel URL"
            + " (ws:// or wss://); used when POLYMARKET_TOKENS is set"),
    POLYMARKET_L2_LEVELS("0", "best levels per side recorded in polymarket/l2, 0 = the whole book; with N > 0 a"
            + " change below the best N levels writes no row (counted), 0..1000");

    private final String defaultValue;
    private final String help;

    CollectorSetting(String defaultValue, String help) {
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
}
