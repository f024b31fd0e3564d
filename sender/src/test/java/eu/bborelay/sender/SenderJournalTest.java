package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender journal on real files: a reopened journal gives back the session, the last taken seq and exactly the
 * unacknowledged frames, byte for byte, also after the ring wrapped many times; a torn or corrupted record is detected
 * by its CRC and cut off with what follows; a resized or foreign file is handled. "Reopen without close" is what a
 * {@code kill -9} leaves: the mapped pages are in the file.
 */
class SenderJournalTest {
    private static final String SESSION = "0123456789abcdef0123456789abcdef";
    private static final long MAX_AGE = 3_600_000_000_000L;

    @TempDir
    Path dir;
    private final List<SenderJournal> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (SenderJournal j : open) {
            try {
                j.close();
            } catch (RuntimeException e) {
                // abandoned ones: their lock is gone already
            }
        }
    }

    private SenderJournal open(int capacity) {
        SenderJournal j = SenderJournal.open(dir, capacity, SESSION.replace('0', 'f'), 42);
        open.add(j);
        return j;
    }

    /** A frame of {@code length} bytes whose content depends on {@code seq}. */
    private static byte[] frame(long seq, int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (seq * 31 + i);
        }
        return f;
    }

    private static List<Long> seqs(SenderJournal.Recovered r) {
        return r.entries().stream().map(SenderJournal.Entry::seq).toList();
    }

    private static List<Long> range(long from, long to) {
        return Stream.iterate(from, s -> s <= to, s -> s + 1).toList();
    }

    @Test
    void aNewJournalStartsANewSession() {
        SenderJournal j = open(4096);
        assertNull(j.recovered().sessionId());
        assertEquals(SESSION.replace('0', 'f'), j.sessionId());
        assertEquals(0, j.recovered().takenSeq());
        assertTrue(j.recovered().entries().isEmpty());
    }

    @Test
    void reopenGivesBackTheSessionTheTakenSeqAndTheUnacknowledgedFrames() {
        SenderJournal j = open(8192);
        String session = j.sessionId();
        AckTracker acks = new AckTracker();
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, acks, 3);
        for (long seq = 1; seq <= 10; seq++) {
            u.append(seq, frame(seq, 100 + (int) seq), 100 + (int) seq, (int) (seq % 3), System.nanoTime());
            j.taken(seq, 1_700_000_000_000L + seq);
        }
        j.taken(12, 1_700_000_000_012L); // 11 and 12 taken, never written: the receiver will count them as gaps
        u.release(3);
        j.abandon(); // no close(): what a kill -9 leaves

        SenderJournal again = SenderJournal.open(dir, 8192, "another", 42);
        open.add(again);
        SenderJournal.Recovered r = again.recovered();
        assertEquals(session, r.sessionId());
        assertEquals(session, again.sessionId());
        assertEquals(12, r.takenSeq());
        assertEquals(3, r.ackedSeq());
        assertEquals(1_700_000_000_012L, r.lastTakenEpochMs());
        assertEquals(range(4, 10), seqs(r));
        assertEquals(0, r.cutBytes());
        UnackedFrames v = new UnackedFrames(again, MAX_AGE, new AckTracker(), 3);
        assertEquals(7, v.frames());
        for (long e = v.first(); e < v.end(); e++) {
            long seq = v.seq(e);
            byte[] copy = new byte[v.length(e)];
            v.copyFrame(e, copy);
            assertArrayEquals(frame(seq, 100 + (int) seq), copy, "frame of seq " + seq);
            assertEquals((int) (seq % 3), v.symbolIndex(e));
        }
    }

    @Test
    void theRingWrapsManyTimesAndReopenFindsExactlyTheLiveFrames() {
        int capacity = 2000;
        SenderJournal j = open(capacity);
        AckTracker acks = new AckTracker();
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, acks, 1);
        long seq = 0;
        for (int i = 0; i < 500; i++) {
            seq++;
            int length = 96 + (i * 37) % 90; // varied sizes: wraps at every kind of boundary
            u.append(seq, frame(seq, length), length, 0, System.nanoTime());
            if (i % 7 == 0) {
                u.release(seq - 5); // the receiver acknowledges, a little behind
            }
            if (i % 50 == 49) { // reopen now and then (a restart mid-wrap) and compare
                List<Long> live = new ArrayList<>();
                for (long e = u.first(); e < u.end(); e++) {
                    live.add(u.seq(e));
                }
                SenderJournal.Recovered r = assertReopens(capacity);
                assertEquals(live, seqs(r), "after " + (i + 1) + " appends");
            }
        }
        assertTrue(acks.evictedTotal() > 0, "the ring was full at times: " + acks.evictedTotal());
    }

    private SenderJournal.Recovered assertReopens(int capacity) {
        try {
            return SenderJournal.read(dir.resolve(SenderJournal.FILE_NAME), 42);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTornLastRecordIsCutOff() throws Exception {
        SenderJournal j = open(8192);
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, new AckTracker(), 1);
        for (long seq = 1; seq <= 5; seq++) {
            u.append(seq, frame(seq, 120), 120, 0, System.nanoTime());
        }
        j.taken(5, 1L);
        int lastOffset = u.offset(u.end() - 1);
        j.abandon();
        // the kill came in the middle of the last frame's bytes: its tail is still what the ring held before (zeros)
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SenderJournal.FILE_NAME).toFile(), "rw")) {
            f.seek(SenderJournal.HEADER_BYTES + lastOffset + SenderJournal.RECORD_HEADER_BYTES + 60);
            f.write(new byte[60]);
        }
        SenderJournal again = SenderJournal.open(dir, 8192, "x", 42);
        open.add(again);
        assertEquals(range(1, 4), seqs(again.recovered()));
        assertEquals(SenderJournal.RECORD_HEADER_BYTES + 120, again.recovered().cutBytes());
        // and the next life appends after the good records: a later reopen sees them, not the torn one
        UnackedFrames v = new UnackedFrames(again, MAX_AGE, new AckTracker(), 1);
        v.append(6, frame(6, 110), 110, 0, System.nanoTime());
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L), seqs(assertReopens(8192)));
    }

    @Test
    void aCorruptedRecordFailsItsCrcAndEndsTheRecovery() throws Exception {
        SenderJournal j = open(8192);
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, new AckTracker(), 1);
        for (long seq = 1; seq <= 6; seq++) {
            u.append(seq, frame(seq, 100), 100, 0, System.nanoTime());
        }
        int third = u.offset(u.first() + 2);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SenderJournal.FILE_NAME).toFile(), "rw")) {
            long at = SenderJournal.HEADER_BYTES + third + SenderJournal.RECORD_HEADER_BYTES + 10;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x04); // one bit flipped in seq 3's frame
        }
        assertEquals(List.of(1L, 2L), seqs(assertReopens(8192)),
                "seq 3 fails its CRC; what follows cannot be trusted to be in order and is left out (gaps, counted)");
    }

    @Test
    void aJournalOfAnotherSizeIsCopiedIntoOneOfTheNewSize() {
        SenderJournal j = open(8192);
        String session = j.sessionId();
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, new AckTracker(), 1);
        for (long seq = 1; seq <= 40; seq++) {
            u.append(seq, frame(seq, 150), 150, 0, System.nanoTime());
        }
        j.taken(40, 7L);
        j.close();
        open.remove(j);
        SenderJournal small = SenderJournal.open(dir, 1000, "x", 42); // room for 5 records of 178 bytes
        open.add(small);
        assertEquals(session, small.sessionId());
        assertEquals(40, small.recovered().takenSeq());
        assertEquals(range(36, 40), seqs(small.recovered()), "the newest that fit");
        UnackedFrames v = new UnackedFrames(small, MAX_AGE, new AckTracker(), 1);
        byte[] copy = new byte[150];
        v.copyFrame(v.end() - 1, copy);
        assertArrayEquals(frame(40, 150), copy);
    }

    @Test
    void aFileThatIsNoJournalIsMovedAsideAndANewSessionStarts() throws Exception {
        Files.writeString(dir.resolve(SenderJournal.FILE_NAME), "not a journal ".repeat(400));
        SenderJournal j = open(4096);
        assertNull(j.recovered().sessionId());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith(SenderJournal.FILE_NAME + ".bad-"))
                    .count());
        }
    }

    @Test
    void aSecondSenderOnTheSameJournalIsRefused() {
        open(4096);
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> SenderJournal.open(dir, 4096, "x", 42));
        assertTrue(e.getMessage().contains("another sender uses this journal"), e.getMessage());
    }

    @Test
    void theNextLifeNeverReusesAJournaledSeqEvenIfTheHeaderLagged() {
        SenderJournal j = open(4096);
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, new AckTracker(), 1);
        j.taken(4, 1L);
        u.append(5, frame(5, 100), 100, 0, System.nanoTime()); // the producer died before noting seq 5
        j.abandon();
        SenderJournal again = SenderJournal.open(dir, 4096, "x", 42);
        open.add(again);
        assertEquals(5, again.recovered().takenSeq());
    }

    @Test
    void recoveredQuotesOfChangedSymbolsAreKeptAsTradesNeverConflated() {
        SenderJournal j = open(4096);
        UnackedFrames u = new UnackedFrames(j, MAX_AGE, new AckTracker(), 2);
        u.append(1, frame(1, 100), 100, 1, System.nanoTime());
        j.abandon();
        SenderJournal again = SenderJournal.open(dir, 4096, "x", 43); // another symbols hash
        open.add(again);
        assertTrue(again.recovered().symbolsChanged());
        UnackedFrames v = new UnackedFrames(again, MAX_AGE, new AckTracker(), 2);
        assertEquals(UnackedFrames.TRADE, v.symbolIndex(v.first()));
    }
}
