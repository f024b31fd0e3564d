package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.FrameReader;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.Trade;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resend buffer and the resend, without sockets: real encoded frames, decoded back. */
class UnackedFramesTest {
    private static final long SECOND = 1_000_000_000L;
    private final FrameEncoder encoder = new FrameEncoder();
    private final AckTracker acks = new AckTracker();

    @Test
    void keepsFramesUntilAcknowledged() {
        UnackedFrames u = new UnackedFrames(64 * 1024, 60 * SECOND, acks);
        for (long seq = 1; seq <= 10; seq++) {
            appendTrade(u, seq, 0);
        }
        assertEquals(10, u.frames());
        long bytes = u.bytes();
        u.release(4);
        assertEquals(6, u.frames());
        assertEquals(5, u.seq(u.first()));
        assertTrue(u.bytes() < bytes);
        u.release(10);
        assertEquals(0, u.frames());
        assertEquals(0, u.bytes());
        assertEquals(0, acks.evictedTotal());
    }

    @Test
    void aFullRingEvictsTheOldestAndNotesThem() {
        UnackedFrames u = new UnackedFrames(1_000, 60 * SECOND, acks); // about 7 trades of ~140 bytes
        for (long seq = 1; seq <= 100; seq++) {
            appendTrade(u, seq, 0);
            assertTrue(u.bytes() <= 1_000, "bounded: " + u.bytes());
        }
        long kept = u.frames();
        assertTrue(kept >= 5 && kept <= 7, "kept " + kept);
        assertEquals(100 - kept, acks.evictedTotal());
        assertEquals(100, u.seq(u.end() - 1));
        for (long e = u.first(); e < u.end(); e++) { // the survivors are intact after wrapping many times
            assertEquals(u.seq(e), decodeTrade(u, e).seq());
        }
        assertEquals(100 - kept - 40, acks.lostAbove(40), "evicted above what the receiver has");
    }

    @Test
    void framesOlderThanTheMaxAgeLeave() {
        UnackedFrames u = new UnackedFrames(64 * 1024, 60 * SECOND, acks);
        appendTrade(u, 1, 0);
        appendTrade(u, 2, 30 * SECOND);
        appendTrade(u, 3, 61 * SECOND); // seq 1 is now 61 s old
        assertEquals(2, u.frames());
        assertEquals(1, acks.evictedTotal());
        assertEquals(1, acks.lostAbove(0));
    }

    @Test
    void restampRewritesTsOnly() throws Exception {
        UnackedFrames u = new UnackedFrames(64 * 1024, 60 * SECOND, acks);
        for (long seq : new long[] {1, 200, 70_000, 5_000_000_000L}) { // every msgpack width of seq
            appendTrade(u, seq, 0);
            long e = u.end() - 1;
            byte[] copy = new byte[u.length(e)];
            u.copyFrame(e, copy);
            UnackedFrames.restamp(copy, 1_800_000_000_123_456_789L);
            Trade t = decodeTrade(copy);
            assertEquals(seq, decodeTrade(u, e).seq(), "the stored frame keeps its bytes");
            assertEquals(seq, t.seq());
            assertEquals(1_800_000_000_123_456_789L, t.sendEpochNanos());
            assertEquals(1000 + seq, t.tradeId());
        }
    }

    @Test
    void resendWritesEveryTradeAndTheLatestQuotePerSymbolInSeqOrder() throws Exception {
        UnackedFrames u = new UnackedFrames(64 * 1024, 60 * SECOND, acks);
        LinkAccounting accounting = new LinkAccounting(2);
        // seq: 1 q0, 2 t, 3 q1, 4 q0, 5 t, 6 q1, 7 q0, 8 t
        appendQuote(u, 1, 0);
        appendTrade(u, 2, 0);
        appendQuote(u, 3, 1);
        appendQuote(u, 4, 0);
        appendTrade(u, 5, 0);
        appendQuote(u, 6, 1);
        appendQuote(u, 7, 0);
        appendTrade(u, 8, 0);
        Resender resender = new Resender(u, acks, accounting, EpochNanoClock.SYSTEM, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = resender.resend(2, out); // the receiver has 1 and 2
        assertEquals(4, n);
        assertEquals(List.of(5L, 6L, 7L, 8L), seqs(out.toByteArray()));
        assertEquals(2, accounting.conflated(), "seq 3 (q1) and 4 (q0): a newer quote of their symbol was resent");
        assertEquals(2, resender.conflated());
        assertEquals(0, accounting.dropped());
        assertEquals(2, resender.resentTrades());
    }

    @Test
    void resendCountsEvictedFramesTheReceiverLacksAsDropped() throws Exception {
        UnackedFrames u = new UnackedFrames(1_000, 60 * SECOND, acks);
        LinkAccounting accounting = new LinkAccounting(1);
        for (long seq = 1; seq <= 20; seq++) {
            appendTrade(u, seq, 0);
        }
        long kept = u.frames();
        Resender resender = new Resender(u, acks, accounting, EpochNanoClock.SYSTEM, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(kept, resender.resend(5, out));
        assertEquals(20 - kept - 5, accounting.dropped(), "evicted 6.." + (20 - kept) + ": never arrived");
        assertEquals(-(20 - kept - 5), accounting.sent(), "moved out of sent");
    }

    private void appendTrade(UnackedFrames u, long seq, long nowNanos) {
        Trade t = new Trade().setTrade("BTCUSDT", 61837.63, 0.02, Trade.Side.SELL, 1000 + seq, 1723161255342L,
                1723161255343L).seq(seq).sendEpochNanos(1723161254088012345L);
        int len = encoder.encodeTrade(t);
        u.append(seq, encoder.buffer(), len, UnackedFrames.TRADE, nowNanos);
    }

    private void appendQuote(UnackedFrames u, long seq, int symbol) {
        BookTicker q = new BookTicker().set(symbol == 0 ? "BTCUSDT" : "ETHUSDT", 1, 1, 2, 1, seq, 0);
        q.seq(seq).sendEpochNanos(1723161254088012345L);
        int len = encoder.encodeQuote(q);
        u.append(seq, encoder.buffer(), len, symbol, 0);
    }

    private static Trade decodeTrade(UnackedFrames u, long e) {
        byte[] copy = new byte[u.length(e)];
        u.copyFrame(e, copy);
        return decodeTrade(copy);
    }

    private static Trade decodeTrade(byte[] lengthPrefixed) {
        byte[] frame = java.util.Arrays.copyOfRange(lengthPrefixed, 4, lengthPrefixed.length);
        Trade t = new Trade();
        try {
            assertEquals(FrameType.TRADE, new FrameDecoder().decode(frame, frame.length, new BookTicker(), t));
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
        return t;
    }

    private static List<Long> seqs(byte[] stream) throws Exception {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(stream), 65_536);
        FrameDecoder decoder = new FrameDecoder();
        BookTicker q = new BookTicker();
        Trade t = new Trade();
        List<Long> seqs = new ArrayList<>();
        for (int len = reader.read(); len >= 0; len = reader.read()) {
            FrameType type = decoder.decode(reader.payload(), len, q, t);
            seqs.add(type == FrameType.TRADE ? t.seq() : q.seq());
        }
        return seqs;
    }
}
