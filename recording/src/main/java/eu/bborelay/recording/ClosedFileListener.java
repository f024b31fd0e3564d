package eu.bborelay.recording;

import java.nio.file.Path;

/**
 * Told of every Parquet file the {@link Recorder} has closed: complete, durable and under its final name. The
 * {@link S3Uploader} is one ({@code S3Uploader::enqueue}). Called on the thread that closed the file, with the
 * recorder's lock held: it must only queue the file, never upload inline.
 */
@FunctionalInterface
public interface ClosedFileListener {
    /** {@code file} is a closed Parquet file under the data folder; {@code bytes} its size. */
    void onFileClosed(Path file, long bytes);
}
