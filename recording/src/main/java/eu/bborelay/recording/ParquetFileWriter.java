package eu.bborelay.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter.Mode;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * One Parquet file being written: rows go to {@code <final>.tmp} and {@link #commit()} makes the file durable and
 * renames it to its final name atomically, so a reader (and the uploader) only ever sees complete files.
 *
 * <p>Memory: parquet-java buffers the current row group on the heap. With {@link RecorderConfig#rowGroupBytes()} R,
 * page and dictionary-page size P and C body columns, an open writer holds about {@code R + 2·C·P} bytes plus its
 * buffers' slack: 0.84 MiB per open bbo file measured with the defaults (512 KiB, 32 KiB; docs/RECORDING.md).
 * Not thread-safe.
 */
final class ParquetFileWriter implements AutoCloseable {
    private final Path finalPath;
    private final Path tmpPath;
    private final ParquetWriter<ByteBuffer> writer;
    private long rows;
    private boolean closed;

    ParquetFileWriter(TableSchema schema, Path finalPath, RecorderConfig config) throws IOException {
        this.finalPath = finalPath;
        this.tmpPath = tmpOf(finalPath);
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        Builder builder = new Builder(new LocalOutputFile(tmpPath), new RowWriteSupport(schema));
        for (Column c : schema.bodyColumns()) {
            if (c.type() == ColumnType.INT64) {
                // timestamps, ids and seq are (nearly) unique: a dictionary only costs CPU before it falls back;
                // without one, writer version 2 encodes them DELTA_BINARY_PACKED from the start
                builder.withDictionaryEncoding(c.name(), false);
            }
        }
        this.writer = builder
                .withConf(conf)
                .withWriteMode(Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .config("parquet.compression.codec.zstd.level", Integer.toString(config.zstdLevel()))
                .withRowGroupSize((long) config.rowGroupBytes())
                .withPageSize(config.pageBytes())
                .withDictionaryPageSize(config.pageBytes())
                .withDictionaryEncoding(true)
                .withValidation(false)
                .withWriterVersion(config.parquetV2() ? WriterVersion.PARQUET_2_0 : WriterVersion.PARQUET_1_0)
                .build();
    }

    static Path tmpOf(Path finalPath) {
        return finalPath.resolveSibling(finalPath.getFileName() + ".tmp");
    }

    Path finalPath() {
        return finalPath;
    }

    long rows() {
        return rows;
    }

    /** Writes one encoded row body (see {@link Row}); consumes the buffer's remaining bytes. */
    void write(ByteBuffer rowBody) throws IOException {
        writer.write(rowBody);
        rows++;
    }

    /**
     * Closes the file (footer), forces it to disk, renames {@code .tmp} to the final name atomically and forces the
     * folder. After it returns the file is complete and durable. Returns its size in bytes.
     */
    long commit() throws IOException {
        closed = true;
        writer.close();
        try (FileChannel ch = FileChannel.open(tmpPath, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmpPath, finalPath, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(finalPath.getParent());
        return Files.size(finalPath);
    }

    /** Drops the file: closes what can be closed and deletes the temporary file. Never throws. */
    void abandon() {
        if (!closed) {
            closed = true;
            try {
                writer.close();
            } catch (IOException | RuntimeException ignored) {
                // the file is being thrown away; its rows are still in the journal
            }
        }
        try {
            Files.deleteIfExists(tmpPath);
        } catch (IOException ignored) {
            // retried by the next recovery scan, which deletes any .tmp it finds
        }
    }

    @Override
    public void close() throws IOException {
        commit();
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static final class Builder extends ParquetWriter.Builder<ByteBuffer, Builder> {
        private final WriteSupport<ByteBuffer> writeSupport;

        Builder(OutputFile file, WriteSupport<ByteBuffer> writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        @Deprecated
        protected WriteSupport<ByteBuffer> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return writeSupport;
        }

        @Override
        protected WriteSupport<ByteBuffer> getWriteSupport(ParquetConfiguration conf) {
            return writeSupport;
        }
    }
}
