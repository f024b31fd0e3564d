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
 * <p><b>Threads.</b> Owned by the holder of the link's baton (the {@code relay-sender-link} writer thread, or a
 * Binance WebSocket thread during a direct write), like the rest of the writer's state. {@link #frames()} and
 * {@link #bytes()} are volatile, for the stats from any thread.
 */
final class UnackedFrames {
    /** A trade's {@link #symbolIndex}: never conflated on resend. */
    static final int TRADE = -1;
    /** Smallest frame we ever write (a quote or trade is 130 bytes and more): sizes the entry index. */
    private static final int MIN_FRAME_BYTES = 96;

    private final byte[] slab;
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
    private volatile int frames;
    private volatile long bytes;

    /**
     * @param maxBytes the slab's size in bytes ({@code RESEND_BUFFER_BYTES}); 0 turns the buffer off
     * @param maxAgeNanos entries older than this are pushed out ({@code RESEND_BUFFER_MAX_AGE_MS})
     * @param acks where evicted seqs are noted
     */
    UnackedFrames(int maxBytes, long maxAgeNanos, AckTracker acks) {
        this.slab = new byte[maxBytes];
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
        if (length > slab.length) {
            acks.evicted(seq); // cannot be kept at all
            return;
        }
        while (head < tail && nowNanos - writtenNanos[(int) head & mask] > maxAgeNanos) {
            evictHead();
        }
        int at = writeOffset;
        if (at + length > slab.length) {
            at = 0; // the frame does not fit before the end: wrap (the end's bytes stay unused)
        }
        while (head < tail && (tail - head > mask || overlapsHead(at, length))) {
            evictHead();
        }
        if (head == tail) {
            at = writeOffset + length <= slab.length ? writeOffset : 0;
        }
        System.arraycopy(frame, 0, slab, at, length);
        int i = (int) tail & mask;
        seqs[i] = seq;
        offsets[i] = at;
        lengths[i] = length;
        symbols[i] = symbolIndex;
        writtenNanos[i] = nowNanos;
        tail++;
        writeOffset = at + length;
        frames = (int) (tail - head);
        bytes += length;
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
    }

    /** Drops the entries with {@code seq <= ackedSeq}: the receiver has them. */
    void release(long ackedSeq) {
        while (head < tail && seqs[(int) head & mask] <= ackedSeq) {
            bytes -= lengths[(int) head & mask];
            head++;
        }
        frames = (int) (tail - head);
        if (head == tail) {
            writeOffset = 0;
        }
    }

    /** Drops every entry without noting anything (after they were all accounted otherwise). */
    void clear() {
        head = tail;
        writeOffset = 0;
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

    /** The slab the entries' bytes live in, {@code [offset(e), offset(e) + length(e))}; may be patched in place. */
    byte[] slab() {
        return slab;
    }

    /**
     * Rewrites the {@code ts} of the frame of {@code entry} in place (a resend is stamped with the time it is
     * written, like any frame). Our frames start {@code seq}, {@code ts} (uint64): see {@code FrameEncoder}.
     */
    void restamp(long entry, long sendEpochNanos) {
        int p = offsets[(int) entry & mask] + FrameDescriptor.LENGTH_FIELD_LENGTH + 1 + 4; // map header, "seq" key
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
