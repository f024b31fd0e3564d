package eu.bborelay.sender;

import eu.bborelay.common.Trade;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-over of trades between the Binance WebSocket thread (producer) and the receiver link's writer: a bounded
 * ring, in {@code seq} order, that <b>never conflates</b>. A trade waits here while the link is down or slow; when
 * the ring is full the producer drops the <em>oldest</em> trade to make room (the newest are the most useful after
 * an outage, and the producer never waits for the receiver) and counts it in {@link #dropped()}. A dropped trade's
 * {@code seq} is never written, so the receiver counts it as a gap.
 *
 * <p><b>Allocation.</b> Each slot is a {@link Trade} created the first time the ring reaches it and reused after:
 * {@link #offer} copies the trade in, {@link #poll} copies it out. Nothing is allocated once the ring has been round.
 *
 * <p><b>Threads.</b> One producer at a time (whoever assigns {@code seq}: the owner of the Binance ingest, or its
 * callers serialised by a monitor when several Binance connections publish), one consumer (the writer). Lock-free:
 * <ul>
 *   <li>{@code tail}: the next position to fill; written only by the producer, with a release store after the slot
 *       is filled, so a consumer that reads {@code tail} sees every slot below it.</li>
 *   <li>{@code head}: the next position to take; advanced by compare-and-set, by the consumer when it takes a trade
 *       and by the producer when it drops the oldest. Positions grow for ever, so there is no ABA.</li>
 *   <li>The producer writes a slot again only after it has moved {@code head} past the slot's previous trade. The
 *       consumer copies a slot, then moves {@code head} past it with a compare-and-set: if that succeeds no producer
 *       dropped (and so could have overwritten) the trade meanwhile, and the copy is whole; if it fails the copy is
 *       discarded and the consumer tries again. A seqlock, with {@code head} as its version.</li>
 * </ul>
 * Every trade offered ends exactly once: taken by {@link #poll} or counted in {@link #dropped()}.
 *
 * <p><b>Positions.</b> The k-th trade offered has position k - 1 ({@link #offered()} before it,
 * {@link #lastPolledPosition()} after the poll that took it). The writer uses them to tell, exactly, how many trades
 * a gap in seq holds: those were dropped here (see {@link LinkAccounting}).
 */
final class TradeQueue {
    private final Trade[] ring;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    private volatile long dropped;
    /** Consumer only: the position of the trade the last successful {@link #poll} took. */
    private long lastPolledPosition = -1;

    /**
     * @param capacity most trades waiting at once, at least 1; rounded up to a power of two
     * @throws IllegalArgumentException when {@code capacity} is below 1 or above 2^30
     */
    TradeQueue(int capacity) {
        if (capacity < 1 || capacity > 1 << 30) {
            throw new IllegalArgumentException("trade queue capacity " + capacity + " is not in [1, 2^30]");
        }
        int size = Integer.highestOneBit(capacity);
        if (size < capacity) {
            size <<= 1;
        }
        ring = new Trade[size];
        mask = size - 1;
    }

    /**
     * Producer: appends a copy of {@code trade} (its {@code seq} already assigned, above every trade offered
     * before). When the ring is full, the oldest waiting trade is dropped first and counted. Never blocks.
     *
     * @return true when a trade was dropped to make room
     */
    boolean offer(Trade trade) {
        long t = tail.getPlain(); // only this thread writes tail
        boolean droppedOne = false;
        long h = head.get();
        if (t - h >= ring.length) {
            // full: drop the oldest, unless the consumer has just taken it (then there is room)
            if (head.compareAndSet(h, h + 1)) {
                dropped = dropped + 1; // single writer
                droppedOne = true;
            }
        }
        int i = (int) t & mask;
        Trade slot = ring[i];
        if (slot == null) {
            slot = new Trade();
            ring[i] = slot;
        }
        slot.copyFrom(trade);
        tail.lazySet(t + 1); // release: the slot's contents before the new tail
        return droppedOne;
    }

    /**
     * Consumer: copies the oldest waiting trade into {@code into} and removes it, if its {@code seq} is at most
     * {@code maxSeq}.
     *
     * @param maxSeq the highest seq the caller may take now (the writer's {@code hi}, so that frames leave in seq
     *               order); {@link Long#MAX_VALUE} for any
     * @param into the consumer's own instance; written even when the result is false
     * @return true when a trade was taken
     */
    boolean poll(long maxSeq, Trade into) {
        for (;;) {
            long h = head.get();
            if (h >= tail.get()) {
                return false;
            }
            into.copyFrom(ring[(int) h & mask]);
            if (into.seq() > maxSeq) {
                VarHandle.acquireFence(); // the copy's reads before the check of head
                if (head.get() == h) {
                    return false; // a whole copy: the oldest trade is too new
                }
                continue; // dropped while we copied: look again
            }
            if (head.compareAndSet(h, h + 1)) {
                lastPolledPosition = h;
                return true;
            }
        }
    }

    /**
     * Consumer: the position of the trade the last successful {@link #poll} took. Positions count the trades
     * offered: the k-th trade ever offered has position k - 1, so the trades offered before it number its position.
     */
    long lastPolledPosition() {
        return lastPolledPosition;
    }

    /**
     * Producer (or a thread serialised with it): the trades offered so far, which is also the position the next one
     * gets.
     */
    long offered() {
        return tail.getPlain();
    }

    /** Trades dropped to make room since start; any thread. */
    long dropped() {
        return dropped;
    }

    /** Trades waiting; a racy snapshot for statistics, any thread. */
    int size() {
        long t = tail.get();
        long h = head.get();
        return (int) Math.max(0, Math.min(ring.length, t - h));
    }

    /** Slots in the ring: the most trades that can wait. */
    int capacity() {
        return ring.length;
    }
}
