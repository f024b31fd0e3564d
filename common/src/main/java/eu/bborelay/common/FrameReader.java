package eu.bborelay.common;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads length-prefixed frames from a blocking stream into one reused buffer of {@code maxFrameLength} bytes.
 * Not thread-safe: owned by the thread that reads the connection.
 */
public final class FrameReader {
    private final InputStream in;
    private final int maxFrameLength;
    private final byte[] header = new byte[FrameDescriptor.LENGTH_FIELD_LENGTH];
    private final byte[] payload;
    private long framesRead;

    /**
     * @param in the connection's input stream
     * @param maxFrameLength largest accepted payload in bytes, 1 to {@link FrameDescriptor#MAX_MAX_FRAME_LENGTH}
     */
    public FrameReader(InputStream in, int maxFrameLength) {
        if (maxFrameLength < 1 || maxFrameLength > FrameDescriptor.MAX_MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength must be 1.." + FrameDescriptor.MAX_MAX_FRAME_LENGTH
                    + " bytes, was " + maxFrameLength);
        }
        this.in = in;
        this.maxFrameLength = maxFrameLength;
        this.payload = new byte[maxFrameLength];
    }

    /**
     * Blocks until one whole frame has been read.
     *
     * @return the payload length N (the bytes are {@code payload()[0, N)}), or -1 at a clean end of stream
     *         between frames
     * @throws FrameFormatException reason BAD_LENGTH for a length of 0 or above the maximum: the stream is no
     *         longer trustworthy and must be closed
     * @throws EOFException when the stream ends inside a frame
     */
    public int read() throws IOException {
        int n = readFully(header, header.length);
        if (n == 0) {
            return -1;
        }
        if (n < header.length) {
            throw new EOFException("connection closed inside a frame's length prefix (" + n + " of 4 bytes)");
        }
        long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8)
                | (header[3] & 0xFF);
        String problem = FrameDescriptor.checkLength(length, maxFrameLength);
        if (problem != null) {
            throw new FrameFormatException(FrameFormatException.Reason.BAD_LENGTH, problem
                    + " (prefix bytes " + String.format("%02x %02x %02x %02x", header[0], header[1], header[2],
                    header[3]) + "): not a frame of this protocol, or a corrupt stream");
        }
        int len = (int) length;
        int got = readFully(payload, len);
        if (got < len) {
            throw new EOFException("connection closed inside a frame (" + got + " of " + len + " payload bytes)");
        }
        framesRead++;
        return len;
    }

    /** Reads until {@code len} bytes or end of stream; returns the count read (streams may override readNBytes). */
    private int readFully(byte[] buf, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(buf, n, len - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** The reused payload buffer; the last frame read is at {@code [0, N)}. */
    public byte[] payload() {
        return payload;
    }

    /** Frames read so far. */
    public long framesRead() {
        return framesRead;
    }
}
