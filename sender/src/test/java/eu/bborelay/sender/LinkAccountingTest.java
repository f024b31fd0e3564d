package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The loss accounting without sockets: {@link LinkAccounting} and {@link BatchCollector} driven over real
 * {@link QuoteSlots} exactly as {@link ReceiverLink}'s writer drives them, by {@link Writer} below, for every
 * interleaving of take (publish), conflate (a slot's chain replaced: link down, backlog full or too old), write,
 * failed write, disconnect and reconnect (successful or failed opening batch), with trades in the same seq space
 * through a {@link TradeQueue} small enough to overflow. After every step each seq up to the accounted one is
 * counted exactly once, and no trade is ever counted as conflated; after stop,
 * {@code sent + dropped + conflated == taken}, every trade is written once or dropped, and every trade the queue
 * dropped is in {@code dropped}.
 */
class LinkAccountingTest {
    private static final long MAX_AGE_NANOS = 1_000;

    enum Kind { TAKE, TRADE, AGE, WRITE, WRITE_FAILS, DISCONNECT, RECONNECT, RECONNECT_FAILS }

    record Step(Kind kind, int symbol) {
    }

    @Property(tries = 2_000)
    void everySeqIsCountedOnceInEveryInterleaving(@ForAll("steps") List<Step> steps,
                                                 @ForAll("symbols") int symbols,
                                                 @ForAll("backlogs") int maxBacklog,
                                                 @ForAll("backlogs") int tradeCapacity) {
        Writer w = new Writer(symbols, maxBacklog, tradeCapacity);
        for (Step s : steps) {
            w.apply(s.kind(), s.symbol() % symbols);
            w.checkAccounted();
        }
        w.stop();
        w.checkAccounted();
        w.checkDrained();
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(8, Kind.TAKE),
                Tuple.of(6, Kind.TRADE),
                Tuple.of(1, Kind.AGE),
                Tuple.of(3, Kind.WRITE),
                Tuple.of(1, Kind.WRITE_FAILS),
                Tuple.of(1, Kind.DISCONNECT),
                Tuple.of(2, Kind.RECONNECT),
                Tuple.of(1, Kind.RECONNECT_FAILS));
        return Combinators.combine(kinds, Arbitraries.integers().between(0, 7)).as(Step::new).list().ofMaxSize(200);
    }

    @Provide
    Arbitrary<Integer> symbols() {
        return Arbitraries.integers().between(1, 4);
    }

    @Provide
    Arbitrary<Integer> backlogs() {
        return Arbitraries.integers().between(1, 4);
    }

    @Test
    void tradesAreNeverConflatedAndAnOverflowIsDroppedExactly() {
        Writer w = new Writer(1, 1, 2); // backlog of one quote, two trades
        w.apply(Kind.RECONNECT, 0);
        w.apply(Kind.TAKE, 0); // 1, replaced by 5
        w.apply(Kind.TRADE, 0); // 2, dropped by 4's arrival
        w.apply(Kind.TRADE, 0); // 3
        w.apply(Kind.TRADE, 0); // 4
        w.apply(Kind.TAKE, 0); // 5
        w.apply(Kind.WRITE, 0);
        assertEquals(List.of(3L, 4L, 5L), w.lastConnectionWire);
        assertEquals(3, w.accounting.sent());
        assertEquals(1, w.accounting.conflated(), "quote 1, replaced while up");
        assertEquals(1, w.accounting.dropped(), "trade 2, dropped by the full queue");
        assertEquals(2, w.accounting.tradesSent());
        w.apply(Kind.DISCONNECT, 0);
        w.apply(Kind.TRADE, 0); // 6
        w.apply(Kind.TRADE, 0); // 7
        w.apply(Kind.RECONNECT, 0);
        assertEquals(List.of(5L, 6L, 7L), w.lastConnectionWire, "replayed quote, then the trades that waited");
        assertEquals(5, w.accounting.sent());
        w.stop();
        w.checkDrained();
    }

    @Test
    void quotesWhileDownAreDroppedAndTheLatestIsWrittenOnReconnect() {
        Writer w = new Writer(1, 16);
        w.apply(Kind.RECONNECT, 0);
        w.apply(Kind.TAKE, 0); // seq 1
        w.apply(Kind.WRITE, 0);
        w.apply(Kind.DISCONNECT, 0);
        w.apply(Kind.TAKE, 0); // 2, replaced by 3 while down
        w.apply(Kind.TAKE, 0); // 3
        w.apply(Kind.RECONNECT, 0);
        assertEquals(List.of(3L), w.lastConnectionWire, "the latest quote, the first after the hello");
        assertEquals(1, w.helloLastSeq);
        assertEquals(2, w.accounting.sent());
        assertEquals(1, w.accounting.dropped(), "firstSeqAfter - hello.lastSeq - 1 = 3 - 1 - 1");
        assertEquals(0, w.accounting.conflated());
        w.stop();
        w.checkDrained();
    }

    @Test
    void replacedWhileUpIsConflatedAndAFailedWriteIsDropped() {
        Writer w = new Writer(1, 1); // backlog of one quote: every new one replaces the waiting one
        w.apply(Kind.RECONNECT, 0);
        w.apply(Kind.TAKE, 0); // 1, replaced
        w.apply(Kind.TAKE, 0); // 2
        w.apply(Kind.WRITE, 0);
        assertEquals(1, w.accounting.sent());
        assertEquals(1, w.accounting.conflated());
        w.apply(Kind.TAKE, 0); // 3
        w.apply(Kind.WRITE_FAILS, 0);
        assertEquals(1, w.accounting.dropped());
        w.apply(Kind.RECONNECT, 0);
        assertEquals(List.of(2L), w.lastConnectionWire, "the last written quote is resent with its seq");
        assertEquals(1, w.accounting.sent(), "a replay is not counted again");
        w.apply(Kind.DISCONNECT, 0);
        w.apply(Kind.TAKE, 0); // 4, replaced by 5 while down
        w.apply(Kind.TAKE, 0); // 5, unwritten at stop
        w.stop();
        assertEquals(1, w.accounting.sent());
        assertEquals(3, w.accounting.dropped(), "3 failed, 4 and 5 never written");
        assertEquals(1, w.accounting.conflated());
        w.checkDrained();
    }

    /** Drives the accounting the way {@link ReceiverLink}'s writer does, and models what a receiver would get. */
    static final class Writer {
        final QuoteSlots slots;
        final LinkAccounting accounting;
        final BatchCollector collector;
        final long[] now = {1};
        boolean up;
        long helloLastSeq;
        List<Long> lastConnectionWire = new ArrayList<>();
        long lastOnWire;
        final Set<Long> firstWrites = new HashSet<>();

        final TradeQueue trades;
        /** The seq of every trade published, and of every trade written. */
        final Set<Long> tradeSeqs = new HashSet<>();
        final Set<Long> tradesOnWire = new HashSet<>();
        long tradesFailed;
        long tradesWaitingAtStop;

        Writer(int symbols, int maxBacklog) {
            this(symbols, maxBacklog, 0);
        }

        /** @param tradeCapacity the trade queue's capacity; 0: no trades */
        Writer(int symbols, int maxBacklog, int tradeCapacity) {
            trades = tradeCapacity == 0 ? null : new TradeQueue(tradeCapacity);
            slots = new QuoteSlots(symbols, maxBacklog, MAX_AGE_NANOS, trades, () -> now[0]);
            accounting = new LinkAccounting(symbols);
            collector = new BatchCollector(slots, accounting);
        }

        void apply(Kind kind, int symbol) {
            switch (kind) {
                case TAKE -> {
                    slots.publish(symbol, new BookTicker());
                    now[0]++;
                }
                case TRADE -> {
                    if (trades != null) {
                        tradeSeqs.add(slots.publishTrade(new Trade().setTrade("S" + symbol, 1, 1, Trade.Side.BUY,
                                tradeSeqs.size() + 1, 0, 0)));
                    }
                }
                case AGE -> now[0] += MAX_AGE_NANOS;
                case WRITE -> write(true);
                case WRITE_FAILS -> write(false);
                case DISCONNECT -> {
                    if (up) {
                        down();
                    }
                }
                case RECONNECT -> connect(true);
                case RECONNECT_FAILS -> connect(false);
                default -> throw new AssertionError(kind);
            }
        }

        private void write(boolean ok) {
            if (!up) {
                return;
            }
            int n = collector.collect(false);
            if (n == 0 && collector.tradeCount() == 0) {
                return;
            }
            account(n, ok, false);
            if (!ok) {
                tradesFailed += collector.tradeCount();
            }
            if (ok) {
                wire(n);
            }
            collector.clear(n);
            if (!ok) {
                down();
            }
        }

        private void connect(boolean ok) {
            if (up) {
                return;
            }
            slots.backlog(true);
            int n = collector.collect(true);
            n = collector.addReplays(n, Long.MAX_VALUE);
            helloLastSeq = accounting.highestWrittenSeq();
            account(n, ok, true);
            if (!ok) {
                tradesFailed += collector.tradeCount();
            }
            lastConnectionWire = new ArrayList<>();
            lastOnWire = 0;
            if (ok) {
                wire(n);
                up = true;
            }
            collector.clear(n);
            if (!ok) {
                down();
            }
        }

        private void account(int n, boolean ok, boolean opening) {
            accounting.account(collector.batch(), n, collector.trades(), collector.tradePositions(),
                    collector.tradeCount(), ok, opening);
        }

        private void wire(int n) {
            QuoteSlots.Entry[] batch = collector.batch();
            List<Long> seqs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                seqs.add(batch[k].quote.seq());
            }
            for (int j = 0; j < collector.tradeCount(); j++) {
                long seq = collector.trades()[j].seq();
                seqs.add(seq);
                assertTrue(tradeSeqs.contains(seq), "a trade's seq: " + seq);
                assertTrue(tradesOnWire.add(seq), "trade " + seq + " written twice");
            }
            seqs.sort(null);
            for (long seq : seqs) {
                assertTrue(seq > lastOnWire, "seq strictly increases on a connection: " + seq + " after "
                        + lastOnWire);
                lastOnWire = seq;
                lastConnectionWire.add(seq);
                if (seq > helloLastSeq) {
                    assertTrue(firstWrites.add(seq), "seq " + seq + " written twice (not as a replay)");
                } else {
                    assertTrue(firstWrites.contains(seq), "a replay of a seq never written: " + seq);
                }
            }
        }

        private void down() {
            up = false;
            slots.backlog(false);
        }

        /** As the writer's stop: write what is left if up, then count every unwritten seq as dropped. */
        void stop() {
            write(true);
            down();
            long hi = slots.lastPublishedSeq();
            tradesWaitingAtStop = trades == null ? 0 : trades.size();
            if (hi > accounting.accountedSeq()) {
                accounting.unwrittenAtStop(hi, collector.drainAtStop(), trades == null ? 0 : trades.dropped());
            }
        }

        void checkAccounted() {
            long accounted = accounting.accountedSeq();
            assertTrue(accounted <= slots.lastPublishedSeq());
            assertEquals(accounted, accounting.sent() + accounting.dropped() + accounting.conflated(),
                    "every seq up to " + accounted + " counted exactly once");
            assertEquals(firstWrites.size(), accounting.sent(), "sent = seqs written once");
            assertEquals(tradesOnWire.size(), accounting.tradesSent());
            assertTrue(accounting.conflated() <= slots.displaced() + accounting.discardedByWriter(),
                    "no trade is ever counted as conflated");
        }

        void checkDrained() {
            long taken = slots.lastPublishedSeq();
            assertEquals(taken, accounting.sent() + accounting.dropped() + accounting.conflated(),
                    "sent + dropped + conflated == taken");
            long tradeDrops = trades == null ? 0 : trades.dropped();
            assertEquals(slots.displaced() + accounting.discardedByWriter() + tradeDrops, accounting.lostInGaps(),
                    "every displaced or discarded quote and every trade the queue dropped is a gap");
            assertEquals(0, accounting.unaccountedDisplaced(slots.displaced(), tradeDrops));
            assertEquals(0, accounting.unaccountedTradeDrops(tradeDrops));
            assertEquals(tradeSeqs.size(), tradesOnWire.size() + tradeDrops + tradesFailed + tradesWaitingAtStop,
                    "every trade written once, dropped by the queue, lost in a failed write or left at stop");
        }
    }
}
