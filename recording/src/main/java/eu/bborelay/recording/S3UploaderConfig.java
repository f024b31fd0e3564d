package eu.bborelay.recording;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link S3Uploader}. Immutable; start from {@link #defaults(Path, String)}.
 *
 * @param dataDir                 the recorder's data folder; object keys are paths relative to it
 * @param bucket                  {@code S3_BUCKET}
 * @param prefix                  {@code S3_PREFIX}: key prefix without leading or trailing '/', may be empty
 * @param region                  {@code S3_REGION}; null = the SDK's default region chain ({@code AWS_REGION}, profile)
 * @param endpoint                {@code S3_ENDPOINT} for S3-compatible stores (R2, MinIO); null = AWS. When set,
 *                                path-style addressing is used ({@code https://host/bucket/key})
 * @param keepLocal               {@code KEEP_LOCAL_HOURS}: how long after the end of its hour an uploaded file stays
 *                                on disk (0 = deleted as soon as the upload is confirmed)
 * @param multipartThresholdBytes files of at least this size are sent as a multipart upload (default 64 MiB)
 * @param partBytes               multipart part size (default 16 MiB; S3's minimum is 5 MiB)
 * @param minBackoff              first retry delay after a failed upload (default 1 s), doubled per failure
 * @param maxBackoff              the longest retry delay (default 60 s)
 * @param clock                   wall clock for the keep-local rule
 */
public record S3UploaderConfig(Path dataDir, String bucket, String prefix, String region, URI endpoint,
                               Duration keepLocal, long multipartThresholdBytes, long partBytes, Duration minBackoff,
                               Duration maxBackoff, Clock clock) {

    /** Validates; throws {@link IllegalArgumentException} or {@link NullPointerException}. */
    public S3UploaderConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(keepLocal, "keepLocal");
        Objects.requireNonNull(minBackoff, "minBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(clock, "clock");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3_BUCKET is required");
        }
        prefix = prefix == null ? "" : trimSlashes(prefix);
        if (partBytes < 5L << 20 || multipartThresholdBytes < partBytes) {
            throw new IllegalArgumentException("partBytes must be >= 5 MiB and <= multipartThresholdBytes");
        }
        if (keepLocal.isNegative() || minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("negative durations or maxBackoff < minBackoff");
        }
    }

    /** Defaults: no prefix, default region chain, AWS endpoint, delete after upload, 64 MiB multipart threshold. */
    public static S3UploaderConfig defaults(Path dataDir, String bucket) {
        return new S3UploaderConfig(dataDir, bucket, "", null, null, Duration.ZERO, 64L << 20, 16L << 20,
                Duration.ofSeconds(1), Duration.ofSeconds(60), Clock.systemUTC());
    }

    public S3UploaderConfig withPrefix(String value) {
        return new S3UploaderConfig(dataDir, bucket, value, region, endpoint, keepLocal, multipartThresholdBytes,
                partBytes, minBackoff, maxBackoff, clock);
    }

    public S3UploaderConfig withRegion(String value) {
        return new S3UploaderConfig(dataDir, bucket, prefix, value, endpoint, keepLocal, multipartThresholdBytes,
                partBytes, minBackoff, maxBackoff, clock);
    }

    public S3UploaderConfig withEndpoint(URI value) {
        return new S3UploaderConfig(dataDir, bucket, prefix, region, value, keepLocal, multipartThresholdBytes,
                partBytes, minBackoff, maxBackoff, clock);
    }

    public S3UploaderConfig withKeepLocal(Duration value) {
        return new S3UploaderConfig(dataDir, bucket, prefix, region, endpoint, value, multipartThresholdBytes,
                partBytes, minBackoff, maxBackoff, clock);
    }

    public S3UploaderConfig withMultipart(long thresholdBytes, long partSizeBytes) {
        return new S3UploaderConfig(dataDir, bucket, prefix, region, endpoint, keepLocal, thresholdBytes,
                partSizeBytes, minBackoff, maxBackoff, clock);
    }

    public S3UploaderConfig withBackoff(Duration min, Duration max) {
        return new S3UploaderConfig(dataDir, bucket, prefix, region, endpoint, keepLocal, multipartThresholdBytes,
                partBytes, min, max, clock);
    }

    public S3UploaderConfig withClock(Clock value) {
        return new S3UploaderConfig(dataDir, bucket, prefix, region, endpoint, keepLocal, multipartThresholdBytes,
                partBytes, minBackoff, maxBackoff, value);
    }

    private static String trimSlashes(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '/') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == '/') {
            b--;
        }
        return s.substring(a, b);
    }
}
