package eu.bborelay.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    @Test
    void readsFramesSplitIntoOneByteReads() throws Exception {
        FrameEncoder enc = new FrameEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int seq = 1; seq <= 3; seq++) {
            int n = enc.encodeQuote(new BookTicker().set("BTCUSDT", 1, 1, 2, 1, seq, 0).seq(seq).sendEpochNanos(7));
            out.write(enc.buffer(), 0, n);
        }
        InputStream trickle = new ByteArrayInputStream(out.toByteArray()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
        FrameReader reader = new FrameReader(trickle, 1024);
        FrameDecoder decoder = new FrameDecoder();
        BookTicker q = new BookTicker();
        for (int seq = 1; seq <= 3; seq++) {
            int n = reader.read();
            assertEquals(FrameType.QUOTE, decoder.decode(reader.payload(), n, q));
            assertEquals(seq, q.seq());
        }
        assertEquals(-1, reader.read());
        assertEquals(3, reader.framesRead());
    }

    @Test
    void zeroLengthIsBadLength() {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(new byte[] {0, 0, 0, 0}), 1024);
        FrameFormatException e = assertThrows(FrameFormatException.class, reader::read);
        assertEquals(FrameFormatException.Reason.BAD_LENGTH, e.reason());
        assertTrue(e.getMessage().contains("below the minimum"), e.getMessage());
    }

    @Test
    void frameLongerThanMaxIsBadLength() {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(new byte[] {0, 0, 4, 1}), 1024);
        FrameFormatException e = assertThrows(FrameFormatException.class, reader::read);
        assertEquals(FrameFormatException.Reason.BAD_LENGTH, e.reason());
        assertTrue(e.getMessage().contains("1025") && e.getMessage().contains("1024"), e.getMessage());
    }

    @Test
    void lengthWithTheTopBitSetIsBadLengthNotNegative() {
        byte[] b = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        FrameFormatException e = assertThrows(FrameFormatException.class,
                () -> new FrameReader(new ByteArrayInputStream(b), 1024).read());
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void endOfStreamInsideAFrameIsEof() {
        byte[] b = {0, 0, 0, 10, 1, 2, 3};
        assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(b), 1024).read());
        byte[] half = {0, 0};
        assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(half), 1024).read());
    }

    @Test
    void rejectsAMaxFrameLengthOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(InputStream.nullInputStream(), 0));
        assertThrows(IllegalArgumentException.class,
                () -> new FrameReader(InputStream.nullInputStream(), FrameDescriptor.MAX_MAX_FRAME_LENGTH + 1));
    }
}
