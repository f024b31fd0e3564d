package eu.bborelay.collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The durable position of the recording in the sender's stream: the session id of the sender being recorded and the
 * highest {@code seq} of that session whose row the {@link eu.bborelay.recording.Recorder} accepted. Kept in a small
 * memory-mapped file ({@code DATA_DIR/relay-session.mark}), so that updating it is a store into the page cache: no
 * system call per update, and it outlives a {@code kill -9} exactly as the recorder's journal does (the page cache
 * belongs to the kernel); {@link #force()} (once a second) bounds what a power cut loses, as the journal's sync does.
 *
 * <p>Why: a restarted collector is a receiver that has never seen the sender's session, so it would start counting
 * at the sender's {@code hello.last_seq}: the frames the sender had written into the killed process's socket would be
 * lost without a gap, and the latest quote per symbol the sender replays would be recorded a second time. With the
 * mark the collector skips what it had recorded and counts the rest as gaps ({@link RecordingListener}).
 *
 * <p><b>The row in flight.</b> A row is journaled first and marked after: a kill between the two would leave the
 * journal one row ahead of the mark, and the restarted collector would count that recorded row as a gap too. So
 * before each append the row's {@code seq} and {@code recv_ts} are stored as <i>pending</i> ({@link #pending}); after
 * a restart, {@link Collector} looks for that exact row among those the recorder rebuilds from its journal
 * ({@link #resolvePending}): found, the mark moves up to it; not found, it was never recorded.
 *
 * <p>Layout: {@code int64 seq | int32 id length | id (ASCII, at most 128 bytes) | int64 pending seq | int64 pending
 * recv_ts (ns)}. Written by the receiver's reader threads (one at a time for one session in practice); the stores are
 * plain, read back only after a restart.
 */
final class SessionMark implements AutoCloseable {
    static final String FILE_NAME = "relay-session.mark";
    private static final int SEQ_OFFSET = 0;
    private static final int LENGTH_OFFSET = 8;
    private static final int ID_OFFSET = 12;
    private static final int MAX_ID_BYTES = 128;
    private static final int PENDING_SEQ_OFFSET = ID_OFFSET + MAX_ID_BYTES;
    private static final int PENDING_TS_OFFSET = PENDING_SEQ_OFFSET + 8;
    private static final int SIZE = PENDING_TS_OFFSET + 8;

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final String recoveredSession;
    private final long pendingSeq;
    private final long pendingRecvTs;
    private long recoveredSeq;

    private SessionMark(FileChannel channel, MappedByteBuffer map) {
        this.channel = channel;
        this.map = map;
        int length = map.getInt(LENGTH_OFFSET);
        if (length > 0 && length <= MAX_ID_BYTES) {
            byte[] id = new byte[length];
            map.get(ID_OFFSET, id);
            recoveredSession = new String(id, StandardCharsets.US_ASCII);
            recoveredSeq = Math.max(0, map.getLong(SEQ_OFFSET));
            pendingSeq = map.getLong(PENDING_SEQ_OFFSET);
            pendingRecvTs = map.getLong(PENDING_TS_OFFSET);
        } else {
            recoveredSession = null;
            recoveredSeq = 0;
            pendingSeq = 0;
            pendingRecvTs = 0;
        }
    }

    /** Opens (or creates) the mark in {@code dataDir} and reads what a previous run left. */
    static SessionMark open(Path dataDir) {
        try {
            FileChannel ch = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new SessionMark(ch, ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + dataDir.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /** The session a previous run was recording, or null. */
    String recoveredSession() {
        return recoveredSession;
    }

    /**
     * The highest seq of {@link #recoveredSession()} the previous run had recorded (0 if none), including the row in
     * flight if {@link #resolvePending} found it in the journal.
     */
    long recoveredSeq() {
        return recoveredSeq;
    }

    /**
     * Told of a row rebuilt from the journal (its {@code seq} and {@code recv_ts}, ns): when it is the row that was in
     * flight at the crash, the recovered seq moves up to it. Call before {@link #recoveredSeq()} is used.
     */
    void resolvePending(long seq, long recvTs) {
        if (recoveredSession != null && seq == pendingSeq && recvTs == pendingRecvTs && seq > recoveredSeq) {
            recoveredSeq = seq;
        }
    }

    /** Starts marking {@code sessionId} at {@code seq}. */
    void session(String sessionId, long seq) {
        byte[] id = sessionId.getBytes(StandardCharsets.US_ASCII);
        int length = Math.min(id.length, MAX_ID_BYTES);
        map.putInt(LENGTH_OFFSET, 0); // a crash in between leaves no session rather than a wrong one
        map.putLong(SEQ_OFFSET, seq);
        map.putLong(PENDING_SEQ_OFFSET, 0); // the previous session's row in flight is not this one's
        map.putLong(PENDING_TS_OFFSET, 0);
        map.put(ID_OFFSET, id, 0, length);
        map.putInt(LENGTH_OFFSET, length);
    }

    /** The row of {@code seq}, received at {@code recvTs} (ns), is about to be appended (two stores). */
    void pending(long seq, long recvTs) {
        map.putLong(PENDING_TS_OFFSET, recvTs);
        map.putLong(PENDING_SEQ_OFFSET, seq);
    }

    /** The row of {@code seq} was recorded (called per update: one store). */
    void seq(long seq) {
        map.putLong(SEQ_OFFSET, seq);
    }

    /** Writes the page to disk (power-cut safety; a kill needs nothing). */
    void force() {
        map.force();
    }

    @Override
    public void close() {
        try {
            map.force();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
