package eu.bborelay.sender;

import java.util.Arrays;

/**
 * What the receiver has acknowledged (protocol 2): the highest acknowledged {@code seq} of this session (the next
 * hello's {@code acked}), the current connection's resume answer, and the seqs that fell out of the
 * {@link UnackedFrames} buffer before they were acknowledged.
 *
 * <p><b>Threads.</b> {@link #onAck}/{@link #onResume} are called by the connection's reader thread
 * ({@code relay-sender-link-reader}) and only raise a volatile maximum; everything else belongs to the holder of the
 * link's baton (the writer). The evicted list is the writer's alone.
 */
final class AckTracker {
    /** {@link #resumeSeq()} before the receiver answered the hello. */
    static final long NO_RESUME = -1;

    private volatile long ackedSeq;
    private volatile long resumeSeq = NO_RESUME;
    private volatile long acksReceived;
    /** Evicted, not yet known to have arrived: seqs in increasing order, {@code [evictedHead, evictedSize)}. */
    private long[] evicted = new long[64];
    private int evictedHead;
    private int evictedSize;
    private volatile long evictedTotal;

    /** Reader thread: an {@code ack} frame. */
    void onAck(long seq) {
        acksReceived++;
        if (seq > ackedSeq) {
            ackedSeq = seq;
        }
    }

    /**
     * Before the link starts, for a session continued from a journal: what the receiver had acknowledged, and the last
     * seq of the earlier lives (their frames, evicted from the ring before a resend, are gaps at the receiver but in
     * none of this life's counters: not noted as evicted).
     */
    void continueSession(long acked, long inheritedSeq) {
        ackedSeq = acked;
        this.inheritedSeq = inheritedSeq;
    }

    /** Seqs at or below this were taken by an earlier life of the session (journal); 0 otherwise. */
    private long inheritedSeq;

    /** Reader thread: the receiver's answer to this connection's hello; also an acknowledgement. */
    void onResume(long seq) {
        resumeSeq = seq;
        if (seq > ackedSeq) {
            ackedSeq = seq;
        }
    }

    /** Writer, before each connection's hello: forgets the previous connection's resume answer. */
    void newConnection() {
        resumeSeq = NO_RESUME;
    }

    /** The highest seq the receiver acknowledged on any connection of this session; 0 before any. */
    long ackedSeq() {
        return ackedSeq;
    }

    /** This connection's resume answer, or {@link #NO_RESUME}. */
    long resumeSeq() {
        return resumeSeq;
    }

    long acksReceived() {
        return acksReceived;
    }

    /** Writer: {@code seq} fell out of the resend buffer before it was acknowledged. Seqs arrive in increasing order. */
    void evicted(long seq) {
        evictedTotal++;
        if (seq <= ackedSeq || seq <= inheritedSeq) {
            return;
        }
        if (evictedSize == evicted.length) {
            if (evictedHead > 0) {
                System.arraycopy(evicted, evictedHead, evicted, 0, evictedSize - evictedHead);
                evictedSize -= evictedHead;
                evictedHead = 0;
            } else {
                evicted = Arrays.copyOf(evicted, evicted.length * 2);
            }
        }
        evicted[evictedSize++] = seq;
    }

    /**
     * Writer: of the evicted seqs, how many are above {@code haveSeq} (the receiver does not have them: lost);
     * forgets them all.
     */
    long lostAbove(long haveSeq) {
        long lost = 0;
        for (int i = evictedHead; i < evictedSize; i++) {
            if (evicted[i] > haveSeq) {
                lost++;
            }
        }
        evictedHead = 0;
        evictedSize = 0;
        return lost;
    }

    /** Writer: forgets the evicted seqs at or below {@code ackedSeq} (they arrived). */
    void releaseEvicted(long acked) {
        while (evictedHead < evictedSize && evicted[evictedHead] <= acked) {
            evictedHead++;
        }
        if (evictedHead == evictedSize) {
            evictedHead = 0;
            evictedSize = 0;
        }
    }

    /** Writer: whether evicted seqs may still be missing at the receiver. */
    boolean hasEvicted() {
        return evictedSize > evictedHead;
    }

    /** Entries pushed out of the resend buffer unacknowledged, since start. */
    long evictedTotal() {
        return evictedTotal;
    }
}
