package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
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
 * failed write, disconnect and reconnect (successful or failed opening batch). After every step each seq up to the
 * accounted one is counted exactly once; after stop, {@code sent + dropped + conflated == taken}.
 */
class LinkAccountingTest {
    private static final long MAX_AGE_NANOS = 1_000;

    enum Kind { TAKE, AGE, WRITE, WRITE_FAILS, DISCONNECT, RECONNECT, RECONNECT_FAILS }

    record Step(Kind kind, int symbol) {
    }

    @Property(tries = 2_000)
    void everySeqIsCountedOnceInEveryInterleaving(@ForAll("steps") List<Step> steps,
                                                 @ForAll("symbols") int symbols,
                                                 @ForAll("backlogs") int maxBacklog) {
        Writer w = new Writer(symbols, maxBacklog);
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

        Writer(int symbols, int maxBacklog) {
            slots = new QuoteSlots(symbols, maxBacklog, MAX_AGE_NANOS, () -> now[0]);
            accounting = new LinkAccounting(symbols);
            collector = new BatchCollector(slots, accounting);
        }

        void apply(Kind kind, int symbol) {
            switch (kind) {
                case TAKE -> {
                    slots.publish(symbol, new BookTicker());
                    now[0]++;
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
            if (n == 0) {
                return;
            }
            accounting.account(collector.batch(), n, ok, false);
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
            n = collector.addReplays(n);
            helloLastSeq = accounting.highestWrittenSeq();
            accounting.account(collector.batch(), n, ok, true);
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

        private void wire(int n) {
            QuoteSlots.Entry[] batch = collector.batch();
            for (int k = 0; k < n; k++) {
                long seq = batch[k].quote.seq();
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
            if (hi > accounting.accountedSeq()) {
                accounting.unwrittenAtStop(hi, collector.drainAtStop());
            }
        }

        void checkAccounted() {
            long accounted = accounting.accountedSeq();
            assertTrue(accounted <= slots.lastPublishedSeq());
            assertEquals(accounted, accounting.sent() + accounting.dropped() + accounting.conflated(),
                    "every seq up to " + accounted + " counted exactly once");
            assertEquals(firstWrites.size(), accounting.sent(), "sent = seqs written once");
        }

        void checkDrained() {
            long taken = slots.lastPublishedSeq();
            assertEquals(taken, accounting.sent() + accounting.dropped() + accounting.conflated(),
                    "sent + dropped + conflated == taken");
            assertEquals(slots.displaced() + accounting.discardedByWriter(), accounting.lostInGaps(),
                    "every displaced or discarded quote is a gap");
            assertEquals(0, accounting.unaccountedDisplaced(slots.displaced()));
        }
    }
}
