package eu.bborelay.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The journal segment of one Parquet file: an append-only file of the rows that file will hold, written before the
 * row goes into the Parquet writer.
 *
 * <p>Record layout (little-endian): {@code int32 length} of the body, {@code int32 CRC-32C} of the body, then the
 * body (a {@link Row}'s encoded form). Each {@link #append} is one {@code write(2)} into the kernel's page cache, so a
 * killed process ({@code kill -9}) loses nothing that append returned for; {@link #sync()} ({@code fdatasync}) makes
 * it survive a power cut and is called at least once a second by the recorder. A torn tail (a crash inside a write, a
 * full disk) fails the length or CRC check and ends {@link #read}: the records before it are intact.
 *
 * <p>Not thread-safe, except that {@link #sync()} may run on another thread concurrently with appends.
 */
final class JournalSegment implements AutoCloseable {
    /** Bytes before a record's body. */
    static final int HEADER_BYTES = 8;

    private final Path path;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private long size;
    private volatile boolean dirty;

    private JournalSegment(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Creates a new, empty segment; fails if the file exists. */
    static JournalSegment create(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new JournalSegment(path, ch, 0);
    }

    Path path() {
        return path;
    }

    /** Bytes of complete records written. */
    long size() {
        return size;
    }

    /**
     * Appends one record whose body is {@code record}'s bytes from {@code HEADER_BYTES} to its limit; the caller leaves
     * the first {@code HEADER_BYTES} free and this method fills them. On an I/O error the segment is truncated back to
     * its last complete record where possible, and the error is rethrown.
     */
    void append(ByteBuffer record) throws IOException {
        int bodyLength = record.limit() - HEADER_BYTES;
        record.putInt(0, bodyLength);
        crc.reset();
        record.position(HEADER_BYTES);
        crc.update(record); // advances the position to the limit
        record.putInt(4, (int) crc.getValue());
        record.position(0);
        try {
            while (record.hasRemaining()) {
                channel.write(record);
            }
        } catch (IOException e) {
            try {
                channel.truncate(size);
            } catch (IOException ignored) {
                // the torn tail fails its CRC when read
            }
            throw e;
        }
        size += record.limit();
        dirty = true;
    }

    /** Forces the appended records to the storage device ({@code fdatasync}) if anything was appended since. */
    void sync() throws IOException {
        if (dirty) {
            dirty = false;
            channel.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Calls {@code onRecord} with each complete record body of the segment at {@code path} (a little-endian buffer
     * holding exactly the body; valid only during the call) and returns how many it read. Stops at the first torn or
     * corrupt record.
     */
    static long read(Path path, int maxRecordBytes, Consumer<ByteBuffer> onRecord) throws IOException {
        long count = 0;
        CRC32C crc = new CRC32C();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer body = ByteBuffer.allocate(Math.min(maxRecordBytes, 64 * 1024)).order(ByteOrder.LITTLE_ENDIAN);
            long position = 0;
            long fileSize = ch.size();
            while (position + HEADER_BYTES <= fileSize) {
                header.clear();
                readFully(ch, header, position);
                int length = header.getInt(0);
                int expectedCrc = header.getInt(4);
                if (length <= 0 || length > maxRecordBytes || position + HEADER_BYTES + length > fileSize) {
                    break;
                }
                if (body.capacity() < length) {
                    body = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
                }
                body.clear().limit(length);
                readFully(ch, body, position + HEADER_BYTES);
                body.flip();
                crc.reset();
                crc.update(body.duplicate());
                if ((int) crc.getValue() != expectedCrc) {
                    break;
                }
                onRecord.accept(body);
                count++;
                position += HEADER_BYTES + length;
            }
        }
        return count;
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, p);
            if (n < 0) {
                throw new IOException("unexpected end of journal");
            }
            p += n;
        }
    }
}
