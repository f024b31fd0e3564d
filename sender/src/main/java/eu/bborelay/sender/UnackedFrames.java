package eu.bborelay.sender;

import eu.bborelay.common.FrameDescriptor;

/**
 * The frames written to the receiver and not acknowledged yet, encoded as they went out, so that they can be resent
 * after a reconnect (protocol 2, {@link Resender}). A ring of entries over one preallocated byte slab: appending
 * copies the frame's bytes in and allocates nothing.
 *
 * <p>Bounded twice ({@code RESEND_BUFFER_BYTES}, {@code RESEND_BUFFER_MAX_AGE_MS}): an append that does not fit, or an
 * entry older than the age bound, pushes the oldest entries out. An entry pushed out before it was acknowledged is
 * <em>evicted</em>: its seq goes to {@link AckTracker#evicted}, and if the receiver's resume later shows it never
 * arrived, it is counted as dropped (it was counted as sent when written).
 *
 * <p>Entries are kept in seq order (the writer writes in strictly increasing seq). {@link #release} drops every entry
 * at or below an acknowledged seq.
 *
 * <p><b>Journal.</b> With {@code JOURNAL_DIR} the slab is the {@link SenderJournal}'s memory-mapped ring instead of a heap
 * array: each entry is a journal record (a 28-byte header with its CRC, then the frame), written before the frame goes
 * to the socket, so the frames survive a {@code kill -9} and a restarted sender resends them. The entry index (these
 * arrays) stays on the heap and is rebuilt from the journal at start.
 *
 * <p><b>Threads.</b> Owned by the holder of the link's baton (the {@code relay-sender-link} writer thread, or a
 * Binance WebSocket thread during a direct write), like the rest of the writer's state. {@link #frames()} and
 * {@link #bytes()} are volatile, for the stats from any thread.
 */
final class UnackedFrames {
    /** A trade's {@link #symbolIndex}: never conflated on resend. */
    static final int TRADE = -1;
    /** Smallest frame we ever write (a quote or trade is 130 bytes and more): sizes the entry index. */
    private static final int MIN_FRAME_BYTES = 96;

    /** The heap slab; null with a journal. */
    private final byte[] slab;
    /** The journal whose ring is the slab; null without one. */
    private final SenderJournal journal;
    /** Bytes of the slab (the journal's ring). */
    private final int capacity;
    /** Bytes before each frame in the slab: the journal record header, or 0. */
    private final int overhead;
    private final long maxAgeNanos;
    private final AckTracker acks;
    private final long[] seqs;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] symbols;
    private final long[] writtenNanos;
    private final int mask;
    /** Entry indexes, increasing forever: entries are {@code [head, tail)}. */
    private long head;
    private long tail;
    /** Next free byte in the slab; the used bytes run from the head entry's offset to here (wrapping). */
    private int writeOffset;
    /** The seq of the newest entry appended (or the journal's last taken seq before any). */
    private long lastSeq;
    private volatile int frames;
    private volatile long bytes;

    /**
     * @param maxBytes the slab's size in bytes ({@code RESEND_BUFFER_BYTES}); 0 turns the buffer off
     * @param maxAgeNanos entries older than this are pushed out ({@code RESEND_BUFFER_MAX_AGE_MS})
     * @param acks where evicted seqs are noted
     */
    UnackedFrames(int maxBytes, long maxAgeNanos, AckTracker acks) {
        this(new byte[maxBytes], null, maxBytes, maxAgeNanos, acks);
    }

    /**
     * Over a journal's ring: adopts the frames the previous life left in it (not acknowledged then), in seq order,
     * as if just written.
     *
     * @param symbolCount the number of configured symbols: a recovered frame with another symbol index (or when the
     *                    symbols changed) is kept as a {@link #TRADE}, i.e. never conflated on resend
     */
    UnackedFrames(SenderJournal journal, long maxAgeNanos, AckTracker acks, int symbolCount) {
        this(null, journal, journal.capacity(), maxAgeNanos, acks);
        SenderJournal.Recovered r = journal.recovered();
        long now = System.nanoTime();
        lastSeq = r.takenSeq();
        for (SenderJournal.Entry e : r.entries()) {
            if (tail - head > mask) {
                break; // cannot happen: the index is sized for the smallest frame
            }
            int i = (int) tail & mask;
            seqs[i] = e.seq();
            offsets[i] = e.offset();
            lengths[i] = e.length();
            symbols[i] = r.symbolsChanged() || e.symbolIndex() < 0 || e.symbolIndex() >= symbolCount ? TRADE
                    : e.symbolIndex();
            writtenNanos[i] = now;
            tail++;
            writeOffset = e.offset() + overhead + e.length();
            bytes += e.length();
            lastSeq = Math.max(lastSeq, e.seq());
        }
        frames = (int) (tail - head);
        noteHead();
    }

    private UnackedFrames(byte[] slab, SenderJournal journal, int maxBytes, long maxAgeNanos, AckTracker acks) {
        this.slab = slab;
        this.journal = journal;
        this.capacity = maxBytes;
        this.overhead = journal == null ? 0 : SenderJournal.RECORD_HEADER_BYTES;
        this.maxAgeNanos = maxAgeNanos;
        this.acks = acks;
        int entries = Integer.highestOneBit(Math.max(16, maxBytes / MIN_FRAME_BYTES - 1)) << 1;
        this.seqs = new long[entries];
        this.offsets = new int[entries];
        this.lengths = new int[entries];
        this.symbols = new int[entries];
        this.writtenNanos = new long[entries];
        this.mask = entries - 1;
    }

    /**
     * Copies a written frame in. Pushes out the oldest entries while it does not fit, and those older than the age
     * bound.
     *
     * @param frame the encoded frame, length prefix included, {@code frame[0, length)}
     * @param symbolIndex the quote's symbol index, or {@link #TRADE}
     * @param nowNanos {@link System#nanoTime()} of the write
     */
    void append(long seq, byte[] frame, int length, int symbolIndex, long nowNanos) {
        int need = length + overhead;
        if (need > capacity) {
            acks.evicted(seq); // cannot be kept at all
            return;
        }
        while (head < tail && nowNanos - writtenNanos[(int) head & mask] > maxAgeNanos) {
            evictHead();
        }
        int at = writeOffset;
        if (at + need > capacity) {
            at = 0; // the frame does not fit before the end: wrap (the end's bytes stay unused)
        }
        while (head < tail && (tail - head > mask || overlapsHead(at, need))) {
            evictHead();
        }
        if (head == tail) {
            at = writeOffset + need <= capacity ? writeOffset : 0;
        }
        if (journal == null) {
            System.arraycopy(frame, 0, slab, at, length);
        } else {
            if (head == tail) {
                journal.head(at, seq); // the new record becomes the head: named before it is written
            }
            journal.write(at, seq, symbolIndex, System.currentTimeMillis(), frame, length);
        }
        lastSeq = seq;
        int i = (int) tail & mask;
        seqs[i] = seq;
        offsets[i] = at;
        lengths[i] = length;
        symbols[i] = symbolIndex;
        writtenNanos[i] = nowNanos;
        tail++;
        writeOffset = at + need;
        frames = (int) (tail - head);
        bytes += length;
    }

    /**
     * Journal: names the current head (or, when empty, the lower bound of the next seq). Called whenever the head
     * moves, before a new record may overwrite the old head's bytes.
     */
    private void noteHead() {
        if (head < tail) {
            int i = (int) head & mask;
            journal.head(offsets[i], seqs[i]);
        } else {
            journal.head(-1, lastSeq + 1);
        }
    }

    /** Whether writing {@code [at, at + length)} would overwrite the bytes of a live entry. */
    private boolean overlapsHead(int at, int length) {
        int headOffset = offsets[(int) head & mask];
        int used = writeOffset; // end of the newest entry
        if (headOffset < used) { // live bytes [headOffset, used): no wrap
            return at < used && at + length > headOffset;
        }
        // live bytes [headOffset, end) and [0, used)
        return at < used || at + length > headOffset;
    }

    private void evictHead() {
        int i = (int) head & mask;
        acks.evicted(seqs[i]);
        bytes -= lengths[i];
        head++;
        frames = (int) (tail - head);
        if (journal != null) {
            noteHead();
        }
    }

    /** Drops the entries with {@code seq <= ackedSeq}: the receiver has them. */
    void release(long ackedSeq) {
        long before = head;
        while (head < tail && seqs[(int) head & mask] <= ackedSeq) {
            bytes -= lengths[(int) head & mask];
            head++;
        }
        frames = (int) (tail - head);
        if (head == tail && journal == null) {
            writeOffset = 0; // with a journal the next record goes after the last one: the ring stays in seq order
        }
        if (journal != null && head != before) {
            noteHead();
            journal.acked(ackedSeq);
        }
    }

    /** Drops every entry without noting anything (after they were all accounted otherwise). */
    void clear() {
        head = tail;
        if (journal == null) {
            writeOffset = 0;
        } else {
            noteHead();
        }
        bytes = 0;
        frames = 0;
    }

    /** Entries not acknowledged yet. */
    int frames() {
        return frames;
    }

    /** Bytes of the entries not acknowledged yet. */
    long bytes() {
        return bytes;
    }

    /** The first entry index; entries are {@code [first(), end())}. */
    long first() {
        return head;
    }

    long end() {
        return tail;
    }

    long seq(long entry) {
        return seqs[(int) entry & mask];
    }

    int symbolIndex(long entry) {
        return symbols[(int) entry & mask];
    }

    int offset(long entry) {
        return offsets[(int) entry & mask];
    }

    int length(long entry) {
        return lengths[(int) entry & mask];
    }

    /**
     * Copies the frame of {@code entry} into {@code dst[0, length(entry))} (from the heap slab or the journal's
     * mapped ring); the journal's copy stays as written (its CRC covers it).
     */
    void copyFrame(long entry, byte[] dst) {
        int i = (int) entry & mask;
        if (journal == null) {
            System.arraycopy(slab, offsets[i], dst, 0, lengths[i]);
        } else {
            journal.readFrame(offsets[i], lengths[i], dst);
        }
    }

    /**
     * Rewrites the {@code ts} of a frame copied to {@code slab[0, ...)} (a resend is stamped with the time it is
     * written, like any frame). Our frames start {@code seq}, {@code ts} (uint64): see {@code FrameEncoder}.
     */
    static void restamp(byte[] slab, long sendEpochNanos) {
        int p = FrameDescriptor.LENGTH_FIELD_LENGTH + 1 + 4; // map header, "seq" key
        int f = slab[p] & 0xff;
        p += f < 0x80 ? 1 : f == 0xcc ? 2 : f == 0xcd ? 3 : f == 0xce ? 5 : 9;
        p += 3; // "ts" key
        if ((slab[p] & 0xff) != 0xcf) {
            return; // not a uint64 ts (a clock before 2262 always is): leave it
        }
        for (int k = 8; k >= 1; k--) {
            slab[p + k] = (byte) sendEpochNanos;
            sendEpochNanos >>>= 8;
        }
    }
}
