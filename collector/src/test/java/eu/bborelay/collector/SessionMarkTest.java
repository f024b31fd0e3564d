package eu.bborelay.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import eu.bborelay.recording.BinanceTables;
import eu.bborelay.recording.BinanceTables.Bbo;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.RecorderConfig;
import eu.bborelay.recording.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state a {@code kill -9} leaves between the journal and the mark, made exactly: the data folder of a live
 * recorder and mark is copied (the journal is {@code write(2)}n, the mark is in the page cache: what a kill leaves),
 * then opened as a restarted collector opens it.
 */
class SessionMarkTest {
    private static final long HOUR_NS = 3_600_000_000_000L;
    private static final long T0 = 1_790_000_000L * 1_000_000_000L / HOUR_NS * HOUR_NS + 60_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aRowJournaledButNotYetMarkedIsRecoveredAsRecorded() throws Exception {
        Path killed = crashAfter(6, true);
        assertEquals(6, restart(killed).recoveredSeq(), "the journal holds seq 6: it is recorded, not a gap");
    }

    @Test
    void aRowPendingButNeverJournaledIsNotRecorded() throws Exception {
        Path killed = crashAfter(6, false);
        assertEquals(5, restart(killed).recoveredSeq(), "seq 6 never reached the journal");
    }

    @Test
    void aNewSessionForgetsThePreviousSessionsRowInFlight() throws Exception {
        Path live = dir.resolve("live");
        try (SessionMark mark = SessionMark.open(Files.createDirectories(live))) {
            mark.session("old", 0);
            mark.pending(9, T0 + 9);
            mark.session("new", 0);
        }
        try (SessionMark mark = SessionMark.open(live)) {
            mark.resolvePending(9, T0 + 9);
            assertEquals("new", mark.recoveredSession());
            assertEquals(0, mark.recoveredSeq());
        }
    }

    @Test
    void anEmptyFolderHasNoSession() throws Exception {
        try (SessionMark mark = SessionMark.open(dir)) {
            mark.resolvePending(0, 0);
            assertNull(mark.recoveredSession());
            assertEquals(0, mark.recoveredSeq());
        }
    }

    /** Records seq 1..n-1 fully, then seq n pending and, if {@code journaled}, appended; returns a copy of it all. */
    private Path crashAfter(long n, boolean journaled) throws IOException {
        Path live = dir.resolve("live");
        Path copy = dir.resolve("killed");
        try (SessionMark mark = SessionMark.open(Files.createDirectories(live));
             Recorder recorder = Recorder.open(RecorderConfig.defaults(live), Collector.TABLES, (f, b) -> { })) {
            mark.session("session-1", 0);
            Row row = new Row(BinanceTables.BBO);
            for (long seq = 1; seq <= n; seq++) {
                row.clear().setLong(Bbo.RECV_TS, T0 + seq).setString(Bbo.SYMBOL, "BTCUSDT").setDouble(Bbo.BID, 100)
                        .setDouble(Bbo.ASK, 101).setDouble(Bbo.BID_QTY, 1).setDouble(Bbo.ASK_QTY, 1)
                        .setLong(Bbo.UPDATE_ID, 1000 + seq).setLong(Bbo.SEQ, seq).setLong(Bbo.SEND_TS, T0 + seq);
                mark.pending(seq, T0 + seq);
                if (seq < n || journaled) {
                    assertEquals(true, recorder.append(row));
                }
                if (seq < n) {
                    mark.seq(seq);
                }
            }
            copyTree(live, copy);
        }
        return copy;
    }

    private static SessionMark restart(Path data) throws IOException {
        SessionMark mark = SessionMark.open(data);
        try (Recorder recorder = Recorder.open(RecorderConfig.defaults(data), Collector.TABLES, (f, b) -> { },
                (table, body) -> Collector.resolvePending(mark, table, body))) {
            assertEquals("session-1", mark.recoveredSession());
            assertEquals(1, recorder.stats().filesRebuilt(), "the journal was rebuilt");
        }
        mark.close();
        return mark;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
