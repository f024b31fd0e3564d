package eu.bborelay.recording;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads every closed Parquet file to {@code s3://<bucket>/<prefix>/<path relative to the data folder>} on its own
 * thread ({@code s3-uploader}), one file at a time, oldest first, retrying with exponential backoff until it succeeds.
 *
 * <p>A file counts as uploaded only once S3 has confirmed it: the PUT (or the multipart completion) succeeded, with the
 * SDK's default CRC32 checksum checked by the server, and a HEAD returns the same size. Then an empty marker
 * {@code data_NNN.parquet.uploaded} is created (so a restart neither uploads it again nor reuses its number) and the
 * file is deleted, at once or after {@link S3UploaderConfig#keepLocal()}. Files of at least
 * {@link S3UploaderConfig#multipartThresholdBytes()} go as a multipart upload (aborted on failure).
 *
 * <p>On {@link #start} every {@code *.parquet} under the data folder without a marker is queued: files closed before a
 * restart, or while S3 was down, are uploaded. {@link #pendingFiles()} and {@link #pendingBytes()} say what waits (for
 * {@code /health} and {@code /metrics}). Thread-safe; {@link #enqueue} never blocks.
 */
public final class S3Uploader implements ClosedFileListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Uploader.class);
    private static final String MARKER = ".uploaded";
    private static final Pattern HOUR = Pattern.compile(".*/date=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/[^/]+$");
    /** Markers (and empty folders) of hours older than this are pruned: nothing writes to such an hour again. */
    private static final Duration MARKER_RETENTION = Duration.ofHours(48);

    private final S3UploaderConfig config;
    private final S3Client client;
    private final boolean ownsClient;
    private final LinkedBlockingDeque<Path> queue = new LinkedBlockingDeque<>();
    /** Files waiting, with the wall-clock ms when each was queued. */
    private final Map<Path, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong filesUploaded = new AtomicLong();
    private final AtomicLong bytesUploaded = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;
    private volatile String lastError;
    private volatile long lastSuccessEpochMs;
    private volatile boolean running = true;
    private volatile long nextHousekeepingNanos;

    private S3Uploader(S3UploaderConfig config, S3Client client, boolean ownsClient) {
        this.config = config;
        this.client = client;
        this.ownsClient = ownsClient;
        this.thread = new Thread(this::run, "s3-uploader");
        this.thread.setDaemon(true);
    }

    /**
     * Starts an uploader with an {@link S3Client} built from {@code config}: URL-connection HTTP client, the SDK's
     * default credential chain ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profile, instance role),
     * default CRC32 request checksums and retries, path-style when an endpoint is set.
     */
    public static S3Uploader start(S3UploaderConfig config) throws IOException {
        return start(config, buildClient(config), true);
    }

    /** Starts an uploader over the caller's client (which it does not close). */
    public static S3Uploader start(S3UploaderConfig config, S3Client client) throws IOException {
        return start(config, client, false);
    }

    private static S3Uploader start(S3UploaderConfig config, S3Client client, boolean owns) throws IOException {
        S3Uploader u = new S3Uploader(config, client, owns);
        u.queueLeftovers();
        u.thread.start();
        return u;
    }

    /** The client {@link #start(S3UploaderConfig)} builds. */
    public static S3Client buildClient(S3UploaderConfig config) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (config.region() != null && !config.region().isBlank()) {
            b.region(Region.of(config.region()));
        }
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint()).forcePathStyle(true);
        }
        return b.build();
    }

    /** Queues a closed file (idempotent: a file already queued is not queued twice). */
    public void enqueue(Path file) {
        Path f = file.toAbsolutePath().normalize();
        if (pending.putIfAbsent(f, System.currentTimeMillis()) == null) {
            try {
                pendingBytes.addAndGet(Files.size(f));
            } catch (IOException e) {
                // counted as 0 bytes; the upload notices a missing file
            }
            queue.addLast(f);
        }
    }

    @Override
    public void onFileClosed(Path file, long bytes) {
        enqueue(file);
    }

    /** Files closed and not yet confirmed in S3. */
    public int pendingFiles() {
        return pending.size();
    }

    /** Their total size in bytes. */
    public long pendingBytes() {
        return pendingBytes.get();
    }

    /**
     * How long the oldest waiting file has waited since it was queued (closed, or found at start), in ms of wall
     * clock; 0 when nothing waits. A {@code /health} check can fail when this exceeds, say, an hour.
     */
    public long oldestPendingAgeMs() {
        long oldest = Long.MAX_VALUE;
        for (long queuedAt : pending.values()) {
            oldest = Math.min(oldest, queuedAt);
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }

    /** Files confirmed in S3 since start. */
    public long filesUploaded() {
        return filesUploaded.get();
    }

    /** Bytes confirmed in S3 since start. */
    public long bytesUploaded() {
        return bytesUploaded.get();
    }

    /** Failed upload attempts since start (each retried). */
    public long failures() {
        return failures.get();
    }

    /** The last upload error, or null if the last attempt succeeded. */
    public String lastError() {
        return lastError;
    }

    /** Wall-clock ms of the last confirmed upload, 0 if none. */
    public long lastSuccessEpochMs() {
        return lastSuccessEpochMs;
    }

    /** The object key of a file under the data folder. */
    public String keyOf(Path file) {
        Path rel = config.dataDir().toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        String path = rel.toString().replace(java.io.File.separatorChar, '/');
        return config.prefix().isEmpty() ? path : config.prefix() + "/" + path;
    }

    /** Stops the thread (an upload in progress is abandoned and retried at the next start). */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsClient) {
            client.close();
        }
    }

    private void queueLeftovers() throws IOException {
        Path root = config.dataDir();
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        for (Path f : files) {
            if (!Files.exists(marker(f))) {
                enqueue(f);
            }
        }
        if (!files.isEmpty()) {
            LOG.info("{} file(s) left from before the start wait for upload ({} bytes)", pending.size(),
                    pendingBytes.get());
        }
    }

    private void run() {
        long backoffMs = config.minBackoff().toMillis();
        while (running) {
            Path next;
            try {
                housekeeping();
                next = queue.pollFirst(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Uploader housekeeping failed: {}", e.toString());
                continue;
            }
            if (next == null) {
                continue;
            }
            try {
                upload(next);
                backoffMs = config.minBackoff().toMillis();
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                long n = failures.incrementAndGet();
                String error = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (lastError == null) {
                    LOG.warn("Upload of {} failed ({}); retrying with backoff, files wait on disk", next, error);
                } else if (n % 100 == 0) {
                    LOG.warn("Uploads still failing after {} attempts ({} files, {} bytes wait): {}", n,
                            pending.size(), pendingBytes.get(), error);
                }
                lastError = error;
                queue.addFirst(next);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    return;
                }
                backoffMs = Math.min(config.maxBackoff().toMillis(), Math.max(1, backoffMs * 2));
            }
        }
    }

    private void upload(Path file) throws IOException {
        if (!Files.exists(file)) {
            done(file, 0);
            return;
        }
        long size = Files.size(file);
        String key = keyOf(file);
        if (size >= config.multipartThresholdBytes()) {
            multipart(file, key, size);
        } else {
            client.putObject(b -> b.bucket(config.bucket()).key(key).contentLength(size), RequestBody.fromFile(file));
        }
        HeadObjectResponse head = client.headObject(b -> b.bucket(config.bucket()).key(key));
        if (head.contentLength() == null || head.contentLength() != size) {
            throw new IOException("s3://" + config.bucket() + "/" + key + " has " + head.contentLength()
                    + " bytes after upload, expected " + size);
        }
        try {
            Files.createFile(marker(file));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // a crash between the marker and the delete, then an explicit enqueue: uploaded twice, same bytes
        }
        if (config.keepLocal().isZero()) {
            Files.delete(file);
        }
        if (lastError != null) {
            LOG.info("Uploads work again after {} failed attempts", failures.get());
        }
        lastError = null;
        filesUploaded.incrementAndGet();
        bytesUploaded.addAndGet(size);
        lastSuccessEpochMs = System.currentTimeMillis();
        done(file, size);
    }

    private void done(Path file, long size) {
        if (pending.remove(file) != null) {
            pendingBytes.addAndGet(-size);
        }
    }

    private void multipart(Path file, String key, long size) throws IOException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += config.partBytes(), partNumber++) {
                long length = Math.min(config.partBytes(), size - offset);
                long from = offset;
                int number = partNumber;
                UploadPartResponse r = client.uploadPart(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                                .partNumber(number).contentLength(length).checksumAlgorithm(ChecksumAlgorithm.CRC32),
                        RequestBody.fromContentProvider(() -> range(file, from, length), length,
                                "application/octet-stream"));
                parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag())
                        .checksumCRC32(r.checksumCRC32()).build());
            }
            client.completeMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            try {
                client.abortMultipartUpload(b -> b.bucket(config.bucket()).key(key).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static InputStream range(Path file, long offset, long length) {
        try {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    if (b >= 0) {
                        left--;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) {
                        left -= n;
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    long s = super.skip(Math.min(n, left));
                    left -= s;
                    return s;
                }

                @Override
                public int available() throws IOException {
                    return (int) Math.min(super.available(), left);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path marker(Path file) {
        return file.resolveSibling(file.getFileName() + MARKER);
    }

    /** Runs the housekeeping now (tests, after moving the clock). */
    void housekeepingNow() {
        nextHousekeepingNanos = System.nanoTime();
        housekeeping();
    }

    /** Deletes kept files past {@code keepLocal} and markers past 48 h, at most once a minute. */
    private synchronized void housekeeping() {
        long now = System.nanoTime();
        if (now - nextHousekeepingNanos < 0) {
            return;
        }
        nextHousekeepingNanos = now + 60_000_000_000L;
        Path root = config.dataDir();
        if (!Files.isDirectory(root)) {
            return;
        }
        long nowMs = config.clock().millis();
        List<Path> markers;
        try (Stream<Path> s = Files.walk(root)) {
            markers = s.filter(p -> p.getFileName().toString().endsWith(MARKER)).toList();
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("housekeeping scan failed: {}", e.toString());
            return;
        }
        for (Path m : markers) {
            long hourEndMs = hourEndMs(m);
            if (hourEndMs < 0) {
                continue;
            }
            String name = m.getFileName().toString();
            Path file = m.resolveSibling(name.substring(0, name.length() - MARKER.length()));
            try {
                if (nowMs >= hourEndMs + config.keepLocal().toMillis()) {
                    Files.deleteIfExists(file);
                }
                if (nowMs >= hourEndMs + Math.max(config.keepLocal().toMillis(), MARKER_RETENTION.toMillis())) {
                    Files.deleteIfExists(m);
                    deleteEmptyFolders(m.getParent(), root);
                }
            } catch (IOException e) {
                LOG.debug("housekeeping of {} failed: {}", m, e.toString());
            }
        }
    }

    private static void deleteEmptyFolders(Path dir, Path root) {
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            } catch (IOException e) {
                return;
            }
            try {
                Files.delete(d);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The end of the hour of a file's {@code date=/hour=} folder in epoch ms, or -1. */
    static long hourEndMs(Path file) {
        Matcher m = HOUR.matcher(file.toString().replace(java.io.File.separatorChar, '/'));
        if (!m.matches()) {
            return -1;
        }
        long day = LocalDate.parse(m.group(1)).toEpochDay();
        return (day * 24 + Integer.parseInt(m.group(2)) + 1) * 3_600_000L;
    }
}
