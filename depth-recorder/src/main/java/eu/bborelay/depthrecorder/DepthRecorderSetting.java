package eu.bborelay.depthrecorder;

import eu.bborelay.ops.settings.Setting;

/**
 * The depth recorder's settings (environment variable = the constant's name; a flag {@code --lower-case-name}
 * overrides each, except {@code LOG_FORMAT}). Names shared with the other daemons mean the same thing there:
 * {@code SYMBOLS}, {@code BINANCE_WS_URL}, {@code BINANCE_REST_URL} as the sender's; {@code DATA_DIR}, {@code S3_*},
 * {@code KEEP_LOCAL_HOURS}, {@code CLOSE_GRACE_SECONDS}, {@code MAX_OPEN_FILES}, {@code PARQUET_V1},
 * {@code UPLOAD_*} as the collector's; {@code HTTP_PORT}, {@code HEALTH_MAX_AGE_SECONDS}, {@code RUN_SECONDS},
 * {@code LOG_FORMAT} as the receiver daemon's. The bucket parameters are the original depth collector's
 * ({@code --step 0.00002 --steps 40 --interval 1}). AWS credentials are not settings (the SDK's default chain).
 */
public enum DepthRecorderSetting implements Setting {
    SYMBOLS("btcusdt", "comma-separated Binance symbols of MARKET, any case (BTCUSDT; COIN-M: BTCUSD_PERP)"),
    MARKET("spot", "spot, usdm (USD-M futures) or coinm (COIN-M futures): the sync procedure, the REST paths and the"
            + " folder binance/<market>/"),
    BINANCE_WS_URL("", "Binance market-stream base URL; empty = the market's (wss://stream.binance.com:9443,"
            + " wss://fstream.binance.com, wss://dstream.binance.com)"),
    BINANCE_REST_URL("", "Binance REST base URL of depth snapshots and exchangeInfo; empty = the market's"
            + " (https://api.binance.com, https://fapi.binance.com, https://dapi.binance.com)"),
    DIFF_STREAM("depth@100ms", "diff depth stream recorded and applied to the books: depth@100ms, depth (spot 1000"
            + " ms, futures 250 ms), depth@500ms or depth@0ms (futures)"),
    PARTIAL_STREAM("depth20@100ms", "partial book depth stream recorded as it comes (never applied to a book):"
            + " depth5@100ms, depth10@100ms, depth20@100ms, depth20, or none"),
    SNAPSHOT_LIMIT("1000", "levels per side of every REST snapshot (sync and recorded): spot 1..5000 (weight 5, 25,"
            + " 50, 250), futures 5, 10, 20, 50, 100, 500 or 1000 (weight 2, 2, 2, 2, 5, 10, 20)"),
    SNAPSHOT_INTERVAL_SECONDS("60", "a REST snapshot of every symbol is recorded this often (004: once a minute),"
            + " 0 = only the ones a resync needs; checked against the weight budget at start"),
    SNAPSHOT_WEIGHT_SHARE("0.5", "share of Binance's REQUEST_WEIGHT per minute (exchangeInfo; spot 6000, futures"
            + " 2400) the snapshots may use, 0.05..1; the start fails when the regular snapshots alone exceed it"),
    BUCKET_STEP("0.00002", "log distance per depth bucket (0.00002 = 0.002 %), 0.000001..0.1"),
    BUCKET_STEPS("40", "depth buckets per side, 1..1000"),
    BUCKET_INTERVAL_SECONDS("1", "a bucket row per synced book every this many seconds, aligned to the epoch"
            + " second, 1..3600"),
    ZSTD_LEVEL("9", "ZSTD level of the Parquet files, 1..22 (004: 9)"),
    DATA_DIR("/data", "folder (a volume) of the journal, the open and closed Parquet files and the upload markers"),
    S3_BUCKET("", "S3 bucket the closed files are uploaded to (required)"),
    S3_PREFIX("", "key prefix in the bucket, e.g. depth/ams1 (empty = the bucket's root)"),
    S3_REGION("", "S3 region, e.g. eu-central-1 (auto for Cloudflare R2); empty = the SDK's chain (AWS_REGION,"
            + " profile)"),
    S3_ENDPOINT("", "endpoint URL of an S3-compatible store (R2, MinIO; path-style addressing); empty = AWS"),
    KEEP_LOCAL_HOURS("0", "keep uploaded files on disk this many hours after the end of their hour (0 = delete"
            + " once the upload is confirmed)"),
    CLOSE_GRACE_SECONDS("10", "an hour's files are closed (and then uploaded) this many seconds after the hour ends,"
            + " 0..3600"),
    MAX_OPEN_FILES("64", "Parquet files open at once, 1..1024 (about 0.85 MiB of heap each; up to 4 per symbol);"
            + " beyond it the least recently written is closed early (its hour goes on in a new data_NNN file)"),
    PARQUET_V1("false", "true writes Parquet version 1 pages, for readers older than Spark 3.3"),
    UPLOAD_MAX_AGE_SECONDS("3600", "/health fails when a closed file has waited longer than this for its upload"),
    UPLOAD_DRAIN_SECONDS("8", "at shutdown, wait up to this long for closed files to upload (the rest go at the"
            + " next start), 0..60"),
    HTTP_PORT("8083", "port of GET /health and GET /metrics (0 = off)"),
    HEALTH_MAX_AGE_SECONDS("60", "/health fails when a Binance connection has been down, or a book unsynced, for"
            + " longer than this many seconds, 5..3600"),
    RUN_SECONDS("0", "stop after this many seconds (0 = run until SIGTERM)"),
    LOG_FORMAT("text", "text or json (one JSON object per line); environment only: read when logging starts");

    private final String defaultValue;
    private final String help;

    DepthRecorderSetting(String defaultValue, String help) {
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

    /** LOG_FORMAT is read from the environment only: logging starts before the flags are parsed. */
    @Override
    public boolean hasFlag() {
        return this != LOG_FORMAT;
    }
}
