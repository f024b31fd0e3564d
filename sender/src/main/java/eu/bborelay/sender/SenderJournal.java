package eu.bborelay.sender;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender's journal ({@code JOURNAL_DIR}/{@value #FILE_NAME}): a memory-mapped, append-only ring that is the backing
 * store of the resend buffer ({@link UnackedFrames}: one copy of each unacknowledged frame, in the file's pages), plus a
 * header with the session id, the last seq taken and the last acknowledged seq. A sender restarted with the same
 * journal continues its session and seq and resends what the receiver had not acknowledged.
 *
 * <p><b>Layout.</b> A 4096-byte header, then a data ring of {@link #capacity()} bytes (RESEND_BUFFER_BYTES × 1.25: the
 * per-record overhead). A record is {@code [length int][seq long][symbol int][written_ms long][crc int][frame]}:
 * {@code crc} is the CRC32C of the 24 bytes before it and of the frame, so a record torn by a {@code kill -9} in the
 * middle of its write, or by a host crash, is detected and cut off with everything after it. A record that does not
 * fit before the ring's end goes to offset 0 (the end's bytes stay unused). Records carry strictly increasing seqs;
 * every byte in the ring that is not a live record is stale (a lower seq) or garbage. The header's head (offset and a
 * lower bound of its seq) names the oldest live record; it is written before any record overwrites the old head.
 * Recovery ({@link #open}) reads from the head while records are intact and their seqs increase, trying offset 0 when
 * the next record does not follow (the wrap).
 *
 * <p><b>Durability.</b> Writes go to the mapped pages (the OS page cache) without a system call: a {@code kill -9}
 * or a crash of the JVM loses nothing the process had written. A background thread ({@value #SYNC_THREAD_NAME})
 * calls {@link MappedByteBuffer#force()} once a second: a host crash or power loss can lose up to the last second of
 * the journal; the receiver then counts those seqs as gaps (nothing is lost uncounted, as long as the header's last
 * taken seq reached the disk; else the next life reuses those seqs, which the receiver drops as replays: the one loss
 * a host crash can hide).
 *
 * <p><b>Threads.</b> {@link #taken} is called by the producer of the quote slots (one at a time: the slots serialise
 * producers); the record and head methods by the holder of the receiver link's baton (the writer), like
 * {@link UnackedFrames}; {@link #force()} by the sync thread. Header fields are 8-byte-aligned plain stores.
 */
final class SenderJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SenderJournal.class);
    static final String FILE_NAME = "sender.journal";
    /** Held (an OS file lock) while a sender uses the journal: two senders on one journal would corrupt it. */
    static final String LOCK_FILE_NAME = "sender.journal.lock";
    static final String SYNC_THREAD_NAME = "relay-sender-journal-sync";
    static final int HEADER_BYTES = 4096;
    /** Record header: length, seq, symbol, written_ms, crc. */
    static final int RECORD_HEADER_BYTES = 4 + 8 + 4 + 8 + 4;
    private static final long MAGIC = 0x42424f534a524e31L; // "BBOSJRN1"
    private static final int VERSION = 1;
    private static final int MAX_SESSION_BYTES = 64;

    // header offsets
    private static final int H_MAGIC = 0;
    private static final int H_VERSION = 8;
    private static final int H_CAPACITY = 12;
    private static final int H_SYMBOLS_HASH = 16;
    private static final int H_SESSION_LENGTH = 20;
    private static final int H_SESSION = 24; // 64 bytes
    private static final int H_TAKEN_SEQ = 96;
    private static final int H_ACKED_SEQ = 104;
    private static final int H_LAST_TAKEN_MS = 112;
    private static final int H_HEAD_SEQ = 120;
    private static final int H_HEAD_OFFSET = 128;
    private static final int H_CREATED_MS = 136;

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final RandomAccessFile raf;
    private final MappedByteBuffer map;
    private final int capacity;
    private final String sessionId;
    private final Recovered recovered;
    /** The data ring: a view of {@link #map} after the header (writer only). */
    private final ByteBuffer ring;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER_BYTES);
    private final Thread sync;
    private volatile boolean closing;
    private volatile long forces;

    /** A record found at open, in the data ring. */
    record Entry(int offset, int length, long seq, int symbolIndex, long writtenEpochMs) {
    }

    /**
     * What a previous life left: empty when the journal is new.
     *
     * @param sessionId the session to continue; null when the journal is new
     * @param takenSeq the last seq the previous life took (assigned), 0 when new
     * @param ackedSeq the highest seq the receiver had acknowledged
     * @param lastTakenEpochMs wall-clock ms of the previous life's last taken update, 0 when none
     * @param entries the unacknowledged frames in the ring, in seq order (offsets in this journal's ring)
     * @param cutBytes bytes of a torn or corrupt record found after the last good one (0 when the tail was clean)
     */
    record Recovered(String sessionId, long takenSeq, long ackedSeq, long lastTakenEpochMs, List<Entry> entries,
                     boolean symbolsChanged, long cutBytes) {
        long lastEntrySeq() {
            return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq;
        }
    }

    private SenderJournal(Path file, FileChannel lockChannel, FileLock lock, RandomAccessFile raf, MappedByteBuffer map,
                          int capacity, String sessionId, Recovered recovered) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.raf = raf;
        this.map = map;
        this.capacity = capacity;
        this.sessionId = sessionId;
        this.recovered = recovered;
        this.ring = map.slice(HEADER_BYTES, capacity);
        this.sync = new Thread(this::syncLoop, SYNC_THREAD_NAME);
        this.sync.setDaemon(true);
    }

    /** The ring size for a resend buffer of {@code resendBufferBytes}: × 1.25, for the records' headers. */
    static int capacityFor(int resendBufferBytes) {
        return (int) Math.min(Integer.MAX_VALUE - HEADER_BYTES, resendBufferBytes + (long) resendBufferBytes / 4);
    }

    /**
     * Opens (or creates) {@code dir}/{@value #FILE_NAME} and recovers what a previous life left. A journal of another
     * size (RESEND_BUFFER_BYTES changed) is copied into a new one of this size (through a temporary file and an
     * atomic rename; records that no longer fit are left out, oldest first). An unreadable file (not a journal, another
     * version) is renamed {@code sender.journal.bad-<ms>} and a new session starts, logged.
     *
     * @param newSessionId the session id to use when there is nothing to continue
     * @param symbolsHash {@code List.hashCode()} of the configured symbols: recovered frames keep their symbol index
     *                    only if it is unchanged
     * @throws UncheckedIOException when the directory or file cannot be created, mapped or written
     */
    static SenderJournal open(Path dir, int capacity, String newSessionId, int symbolsHash) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("another sender uses this journal (" + dir.resolve(LOCK_FILE_NAME)
                        + " is locked); give each sender its own JOURNAL_DIR");
            }
            Recovered old = null;
            if (Files.exists(file) && Files.size(file) > 0) {
                old = read(file, symbolsHash);
                if (old == null) {
                    Path bad = dir.resolve(FILE_NAME + ".bad-" + System.currentTimeMillis());
                    Files.move(file, bad);
                    log.warn("{} is not a sender journal of version {} (or its header is damaged): moved to {}; a new"
                            + " session starts", file, VERSION, bad);
                } else if (readCapacity(file) != capacity) {
                    old = copyResized(file, old, capacity, symbolsHash);
                }
            }
            RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
            try {
                boolean fresh = old == null;
                raf.setLength((long) HEADER_BYTES + capacity);
                MappedByteBuffer map = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0,
                        (long) HEADER_BYTES + capacity);
                String session = fresh ? newSessionId : old.sessionId;
                if (fresh) {
                    writeNewHeader(map, capacity, session, symbolsHash);
                    map.force();
                    old = new Recovered(null, 0, 0, 0, List.of(), false, 0);
                } else {
                    map.putInt(H_SYMBOLS_HASH, symbolsHash);
                }
                SenderJournal j = new SenderJournal(file, lockChannel, lock, raf, map, capacity, session, old);
                j.sync.start();
                return j;
            } catch (IOException | RuntimeException e) {
                raf.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (lockChannel != null) {
                try {
                    lockChannel.close(); // releases the lock
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedIOException("JOURNAL_DIR " + dir + ": the sender journal cannot be used: "
                    + e.getMessage(), (IOException) e);
        }
    }

    private static void writeNewHeader(ByteBuffer map, int capacity, String session, int symbolsHash) {
        for (int i = 0; i < HEADER_BYTES; i += 8) {
            map.putLong(i, 0);
        }
        byte[] s = session.getBytes(StandardCharsets.UTF_8);
        if (s.length > MAX_SESSION_BYTES) {
            throw new IllegalArgumentException("session id longer than " + MAX_SESSION_BYTES + " bytes");
        }
        map.putInt(H_VERSION, VERSION);
        map.putInt(H_CAPACITY, capacity);
        map.putInt(H_SYMBOLS_HASH, symbolsHash);
        map.putInt(H_SESSION_LENGTH, s.length);
        map.put(H_SESSION, s);
        map.putLong(H_HEAD_OFFSET, -1);
        map.putLong(H_CREATED_MS, System.currentTimeMillis());
        map.putLong(H_MAGIC, MAGIC); // last: a header torn at creation is not taken for a journal
    }

    private static int readCapacity(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            ch.read(b, H_CAPACITY);
            return b.flip().getInt();
        }
    }

    /** Reads a journal's header and records; null when it is not a journal of this version. */
    static Recovered read(Path file, int symbolsHash) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                return null;
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            ch.read(h, 0);
            if (h.getLong(H_MAGIC) != MAGIC || h.getInt(H_VERSION) != VERSION) {
                return null;
            }
            int capacity = h.getInt(H_CAPACITY);
            int sessionLength = h.getInt(H_SESSION_LENGTH);
            if (capacity < 0 || size < (long) HEADER_BYTES + capacity || sessionLength <= 0
                    || sessionLength > MAX_SESSION_BYTES) {
                return null;
            }
            String session = new String(h.array(), H_SESSION, sessionLength, StandardCharsets.UTF_8);
            ByteBuffer ring = ch.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, capacity);
            boolean symbolsChanged = h.getInt(H_SYMBOLS_HASH) != symbolsHash;
            List<Entry> entries = new ArrayList<>();
            long cut = scan(ring, capacity, h.getLong(H_HEAD_OFFSET), h.getLong(H_HEAD_SEQ), entries);
            long acked = h.getLong(H_ACKED_SEQ);
            // The producer notes a seq just after publishing it: a kill in between leaves the writer's journaled frame
            // (or the receiver's ack) ahead of the header. The next life must never reuse a seq.
            long taken = Math.max(h.getLong(H_TAKEN_SEQ), Math.max(acked,
                    entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq));
            return new Recovered(session, taken, acked, h.getLong(H_LAST_TAKEN_MS), List.copyOf(entries),
                    symbolsChanged, cut);
        }
    }

    /**
     * Collects the live records from {@code headOffset}: intact, seqs strictly increasing, the first at least
     * {@code headSeq}. Returns the bytes of a torn record found where the next one should be (0 when none).
     */
    static long scan(ByteBuffer ring, int capacity, long headOffset, long headSeq, List<Entry> out) {
        if (headOffset < 0 || headOffset >= capacity) {
            return 0;
        }
        CRC32C crc = new CRC32C();
        int p = (int) headOffset;
        long prev = headSeq - 1;
        boolean triedWrap = false;
        for (;;) {
            Entry e = recordAt(ring, capacity, p, crc);
            if (e != null && e.seq > prev) {
                out.add(e);
                prev = e.seq;
                p = e.offset + RECORD_HEADER_BYTES + e.length;
                triedWrap = false;
                continue;
            }
            long torn = e == null && p + 4 <= capacity ? tornLength(ring, capacity, p, prev) : 0;
            if (!triedWrap && p != 0) {
                Entry w = recordAt(ring, capacity, 0, crc);
                if (w != null && w.seq > prev) {
                    p = 0;
                    triedWrap = true;
                    continue;
                }
            }
            return torn;
        }
    }

    /**
     * A record that would have been the next one (plausible length, a seq above {@code prev}) but fails its CRC: a
     * write cut short. Its claimed size, else 0 (stale bytes of an older lap carry lower seqs).
     */
    private static long tornLength(ByteBuffer ring, int capacity, int p, long prev) {
        int length = ring.getInt(p);
        long seq = p + 12 <= capacity ? ring.getLong(p + 4) : 0;
        return length > 0 && seq > prev && (long) p + RECORD_HEADER_BYTES + length <= capacity
                ? RECORD_HEADER_BYTES + length : 0;
    }

    private static Entry recordAt(ByteBuffer ring, int capacity, int p, CRC32C crc) {
        if (p < 0 || (long) p + RECORD_HEADER_BYTES > capacity) {
            return null;
        }
        int length = ring.getInt(p);
        if (length <= 0 || (long) p + RECORD_HEADER_BYTES + length > capacity) {
            return null;
        }
        crc.reset();
        crc.update(ring.slice(p, RECORD_HEADER_BYTES - 4));
        crc.update(ring.slice(p + RECORD_HEADER_BYTES, length));
        if ((int) crc.getValue() != ring.getInt(p + RECORD_HEADER_BYTES - 4)) {
            return null;
        }
        return new Entry(p, length, ring.getLong(p + 4), ring.getInt(p + 12), ring.getLong(p + 16));
    }

    /** Writes the records of {@code old} that fit into a new journal of {@code capacity}; renames it over the old. */
    private static Recovered copyResized(Path file, Recovered old, int capacity, int symbolsHash) throws IOException {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        List<Entry> kept = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file);
             RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
            ByteBuffer oldRing = in.map(FileChannel.MapMode.READ_ONLY, HEADER_BYTES, in.size() - HEADER_BYTES);
            raf.setLength((long) HEADER_BYTES + capacity);
            MappedByteBuffer map = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0,
                    (long) HEADER_BYTES + capacity);
            writeNewHeader(map, capacity, old.sessionId, symbolsHash);
            map.putLong(H_TAKEN_SEQ, old.takenSeq);
            map.putLong(H_ACKED_SEQ, old.ackedSeq);
            map.putLong(H_LAST_TAKEN_MS, old.lastTakenEpochMs);
            // keep the newest records that fit
            long bytes = 0;
            int first = old.entries.size();
            while (first > 0 && bytes + RECORD_HEADER_BYTES + old.entries.get(first - 1).length <= capacity) {
                first--;
                bytes += RECORD_HEADER_BYTES + old.entries.get(first).length;
            }
            ByteBuffer ring = map.slice(HEADER_BYTES, capacity);
            CRC32C crc = new CRC32C();
            int at = 0;
            for (int i = first; i < old.entries.size(); i++) {
                Entry e = old.entries.get(i);
                byte[] frame = new byte[e.length];
                oldRing.get(e.offset + RECORD_HEADER_BYTES, frame);
                writeRecord(ring, at, e.seq, e.symbolIndex, e.writtenEpochMs, frame, e.length, crc,
                        ByteBuffer.allocate(RECORD_HEADER_BYTES));
                kept.add(new Entry(at, e.length, e.seq, e.symbolIndex, e.writtenEpochMs));
                at += RECORD_HEADER_BYTES + e.length;
            }
            map.putLong(H_HEAD_SEQ, kept.isEmpty() ? old.takenSeq + 1 : kept.get(0).seq);
            map.putLong(H_HEAD_OFFSET, kept.isEmpty() ? -1 : 0);
            map.force();
            log.info("Sender journal resized to {} bytes (RESEND_BUFFER_BYTES changed): {} of {} unacknowledged"
                    + " frame(s) kept", capacity, kept.size(), old.entries.size());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Recovered(old.sessionId, old.takenSeq, old.ackedSeq, old.lastTakenEpochMs, List.copyOf(kept),
                old.symbolsChanged, old.cutBytes);
    }

    /**
     * Writes one record; {@code scratch} is a reused 28-byte heap buffer for its header (nothing allocated). The CRC
     * goes in last, so a record cut short by a kill fails it.
     */
    private static void writeRecord(ByteBuffer ring, int at, long seq, int symbol, long epochMs, byte[] frame,
                                    int length, CRC32C crc, ByteBuffer scratch) {
        scratch.putInt(0, length).putLong(4, seq).putInt(12, symbol).putLong(16, epochMs);
        crc.reset();
        crc.update(scratch.array(), 0, RECORD_HEADER_BYTES - 4);
        crc.update(frame, 0, length);
        ring.put(at + RECORD_HEADER_BYTES, frame, 0, length);
        ring.put(at, scratch.array(), 0, RECORD_HEADER_BYTES - 4);
        ring.putInt(at + RECORD_HEADER_BYTES - 4, (int) crc.getValue());
    }

    /** What the previous life left (empty entries and a null session when the journal is new). */
    Recovered recovered() {
        return recovered;
    }

    /** The session id: the previous life's, or the new one given to {@link #open}. */
    String sessionId() {
        return sessionId;
    }

    /** Bytes of the data ring. */
    int capacity() {
        return capacity;
    }

    Path file() {
        return file;
    }

    /**
     * Producer: the update of {@code seq} was taken (assigned its seq) at wall-clock {@code epochMs}. Two plain
     * stores into the mapped header; no system call, no allocation.
     */
    void taken(long seq, long epochMs) {
        map.putLong(H_TAKEN_SEQ, seq);
        map.putLong(H_LAST_TAKEN_MS, epochMs);
    }

    /** Writer: the receiver acknowledged up to {@code seq}. */
    void acked(long seq) {
        map.putLong(H_ACKED_SEQ, seq);
    }

    /**
     * Writer: the oldest live record is now at {@code offset} with {@code seq} (or, with {@code offset} -1, there is
     * none and the next seq written will be at least {@code seq}). Written before any record may overwrite the old
     * head: offset first, then the seq bound, so that a kill between the two leaves a bound that still holds.
     */
    void head(int offset, long seq) {
        map.putLong(H_HEAD_OFFSET, offset);
        map.putLong(H_HEAD_SEQ, seq);
        VarHandle.storeStoreFence();
    }

    /**
     * Writer: writes a record at ring offset {@code at} (the caller keeps the ring's geometry); the frame's bytes
     * are at {@code at + RECORD_HEADER_BYTES}. The CRC is written last.
     */
    void write(int at, long seq, int symbolIndex, long epochMs, byte[] frame, int length) {
        writeRecord(ring, at, seq, symbolIndex, epochMs, frame, length, crc, recordHeader);
    }

    /** Copies the frame of the record at ring offset {@code at} ({@code length} bytes) into {@code dst[0, length)}. */
    void readFrame(int at, int length, byte[] dst) {
        map.get(HEADER_BYTES + at + RECORD_HEADER_BYTES, dst, 0, length);
    }

    /** Flushes the mapped pages to the disk ({@code msync}); what a host crash can lose is what came after. */
    void force() {
        map.force();
        forces++;
    }

    long forces() {
        return forces;
    }

    private void syncLoop() {
        while (!closing) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            try {
                force();
            } catch (RuntimeException e) { // an I/O error on msync: keep running, the kill -9 promise still holds
                log.warn("Sender journal {}: flushing to disk failed: {}", file, e.toString());
            }
        }
    }

    /** Stops the sync thread, forces once more and closes the file. */
    @Override
    public void close() {
        closing = true;
        sync.interrupt();
        try {
            sync.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            map.force();
        } catch (RuntimeException e) {
            log.warn("Sender journal {}: final flush failed: {}", file, e.toString());
        }
        try {
            raf.close();
        } catch (IOException e) {
            log.warn("Sender journal {}: close failed: {}", file, e.toString());
        }
        releaseLock();
    }

    /**
     * For tests: what a {@code kill -9} leaves. Stops the sync thread and releases the lock without forcing or closing
     * anything else (the mapped pages are in the page cache, as after a kill).
     */
    void abandon() {
        closing = true;
        sync.interrupt();
        releaseLock();
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("Sender journal {}: releasing its lock failed: {}", file, e.toString());
        }
    }
}
