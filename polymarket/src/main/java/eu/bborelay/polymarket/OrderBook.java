package eu.bborelay.polymarket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The local L2 book of one asset: two sorted arrays of (price, size) in millionths, best level first. A level
 * update is a binary search plus, for an insert or removal, one {@link System#arraycopy}; nothing is allocated
 * unless a side outgrows its arrays (they double, and never shrink).
 *
 * <p><b>Threads.</b> One writer: the client's read thread (the {@code apply}/{@code begin}/{@code end} methods).
 * Any thread may call {@link #snapshot()}: the writer brackets every change with a version counter (a seqlock, as
 * {@link java.util.concurrent.locks.StampedLock}'s optimistic read) and the reader retries until it copied a
 * version that did not change under it; the writer never waits. The {@link BookView} methods read the live
 * arrays without that check and are for the writer's thread (the listener) only.
 */
final class OrderBook implements BookView {
    private static final VarHandle VERSION;
    private static final int INITIAL_LEVELS = 64;
    private static final int MAX_TAG_CHARS = 128;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(OrderBook.class, "version", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String assetId;
    @SuppressWarnings("unused") // through VERSION
    private volatile long version;
    private long[] bidPrices = new long[INITIAL_LEVELS];
    private long[] bidSizes = new long[INITIAL_LEVELS];
    private long[] askPrices = new long[INITIAL_LEVELS];
    private long[] askSizes = new long[INITIAL_LEVELS];
    private int bidCount;
    private int askCount;
    private boolean synced;
    private boolean crossed;
    private long exchangeTimestampMillis;
    private long receiveEpochNanos;
    private String eventType;
    private String market;
    private final char[] hash = new char[MAX_TAG_CHARS];
    private int hashLength = -1; // -1: none
    private long tickSize;
    private long changes;

    OrderBook(String assetId) {
        this.assetId = assetId;
    }

    // ---------------------------------------------------------------- writer (read thread)

    /** Opens a change: readers retry until {@link #endChange()}. */
    void beginChange() {
        long v = (long) VERSION.getOpaque(this);
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence();
    }

    /** Closes a change opened by {@link #beginChange()} and recomputes {@link #crossed()}. */
    void endChange() {
        crossed = bidCount > 0 && askCount > 0 && bidPrices[0] >= askPrices[0];
        long v = (long) VERSION.getOpaque(this);
        VERSION.setRelease(this, v + 1);
    }

    /** Inside a change: drops every level (before a snapshot's levels are {@link #set set}). */
    void clearLevels() {
        bidCount = 0;
        askCount = 0;
    }

    /**
     * Inside a change: sets the absolute size of one level; size 0 removes it (removing an absent level is a no-op).
     *
     * @param bid true for the bid side ({@code BUY}), false for asks ({@code SELL})
     * @param price millionths, &gt; 0
     * @param size millionths, &ge; 0
     */
    void set(boolean bid, long price, long size) {
        if (bid) {
            int i = search(bidPrices, bidCount, price, true);
            if (i >= 0) {
                if (size == 0) {
                    System.arraycopy(bidPrices, i + 1, bidPrices, i, bidCount - i - 1);
                    System.arraycopy(bidSizes, i + 1, bidSizes, i, bidCount - i - 1);
                    bidCount--;
                } else {
                    bidSizes[i] = size;
                }
            } else if (size != 0) {
                int at = -i - 1;
                if (bidCount == bidPrices.length) {
                    bidPrices = Arrays.copyOf(bidPrices, bidCount * 2);
                    bidSizes = Arrays.copyOf(bidSizes, bidCount * 2);
                }
                System.arraycopy(bidPrices, at, bidPrices, at + 1, bidCount - at);
                System.arraycopy(bidSizes, at, bidSizes, at + 1, bidCount - at);
                bidPrices[at] = price;
                bidSizes[at] = size;
                bidCount++;
            }
        } else {
            int i = search(askPrices, askCount, price, false);
            if (i >= 0) {
                if (size == 0) {
                    System.arraycopy(askPrices, i + 1, askPrices, i, askCount - i - 1);
                    System.arraycopy(askSizes, i + 1, askSizes, i, askCount - i - 1);
                    askCount--;
                } else {
                    askSizes[i] = size;
                }
            } else if (size != 0) {
                int at = -i - 1;
                if (askCount == askPrices.length) {
                    askPrices = Arrays.copyOf(askPrices, askCount * 2);
                    askSizes = Arrays.copyOf(askSizes, askCount * 2);
                }
                System.arraycopy(askPrices, at, askPrices, at + 1, askCount - at);
                System.arraycopy(askSizes, at, askSizes, at + 1, askCount - at);
                askPrices[at] = price;
                askSizes[at] = size;
                askCount++;
            }
        }
    }

    /** Binary search in a side sorted best first (descending for bids); as {@link Arrays#binarySearch}. */
    private static int search(long[] prices, int n, long price, boolean descending) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long p = prices[mid];
            if (p == price) {
                return mid;
            }
            if (descending ? p > price : p < price) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -(lo + 1);
    }

    /** Inside a change: the tags of the message being applied. */
    void tag(String eventType, String market, long exchangeTimestampMillis, long receiveEpochNanos) {
        this.eventType = eventType;
        if (market != null) {
            this.market = market;
        }
        this.exchangeTimestampMillis = exchangeTimestampMillis;
        this.receiveEpochNanos = receiveEpochNanos;
        this.changes++;
    }

    /** Inside a change: the hash tag, copied (length -1: none; longer than 128 chars: truncated). */
    void hash(char[] chars, int offset, int length) {
        if (length < 0) {
            hashLength = -1;
            return;
        }
        int n = Math.min(length, MAX_TAG_CHARS);
        System.arraycopy(chars, offset, hash, 0, n);
        hashLength = n;
    }

    /** Inside a change. */
    void synced(boolean synced) {
        this.synced = synced;
    }

    /** Inside a change; ignored when {@code tickSize} &le; 0. */
    void tickSize(long tickSize) {
        if (tickSize > 0) {
            this.tickSize = tickSize;
        }
    }

    // ---------------------------------------------------------------- any thread

    /** A consistent immutable copy; safe from any thread, never blocks the writer. */
    BookSnapshot snapshot() {
        while (true) {
            long v1 = (long) VERSION.getAcquire(this);
            if ((v1 & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            BookSnapshot s;
            try {
                s = copyUnchecked();
            } catch (RuntimeException e) { // arrays swapped under us (growth): retry
                s = null;
            }
            VarHandle.loadLoadFence();
            long v2 = (long) VERSION.getOpaque(this);
            if (v1 == v2 && s != null) {
                return s;
            }
            Thread.onSpinWait();
        }
    }

    private BookSnapshot copyUnchecked() {
        long[] bp = bidPrices;
        long[] bs = bidSizes;
        long[] ap = askPrices;
        long[] as = askSizes;
        int nb = Math.min(bidCount, Math.min(bp.length, bs.length));
        int na = Math.min(askCount, Math.min(ap.length, as.length));
        int hl = hashLength;
        String h = hl < 0 ? null : new String(hash, 0, Math.min(hl, MAX_TAG_CHARS));
        return new BookSnapshot(assetId, market, Arrays.copyOf(bp, nb), Arrays.copyOf(bs, nb), Arrays.copyOf(ap, na),
                Arrays.copyOf(as, na), synced, crossed, exchangeTimestampMillis, receiveEpochNanos, eventType, h,
                tickSize, changes);
    }

    // ---------------------------------------------------------------- live view (writer thread)

    @Override public String assetId() { return assetId; }
    @Override public String market() { return market; }
    @Override public int bidCount() { return bidCount; }

    @Override
    public long bidPrice(int i) {
        return bidPrices[Math.max(0, i) < bidCount ? i : outside(i, bidCount)];
    }

    @Override
    public long bidSize(int i) {
        return bidSizes[Math.max(0, i) < bidCount ? i : outside(i, bidCount)];
    }

    @Override public int askCount() { return askCount; }

    @Override
    public long askPrice(int i) {
        return askPrices[Math.max(0, i) < askCount ? i : outside(i, askCount)];
    }

    @Override
    public long askSize(int i) {
        return askSizes[Math.max(0, i) < askCount ? i : outside(i, askCount)];
    }

    private static int outside(int i, int n) {
        throw new IndexOutOfBoundsException("level " + i + " of " + n);
    }

    @Override public boolean synced() { return synced; }
    @Override public boolean crossed() { return crossed; }
    @Override public long exchangeTimestampMillis() { return exchangeTimestampMillis; }
    @Override public long receiveEpochNanos() { return receiveEpochNanos; }
    @Override public String eventType() { return eventType; }

    @Override
    public String hash() {
        return hashLength < 0 ? null : new String(hash, 0, hashLength);
    }

    /** The hash tag's length, -1 when none; with {@link #hashChar(int)}, reads it without allocating. */
    int hashLength() {
        return hashLength;
    }

    char hashChar(int i) {
        return hash[i];
    }

    @Override public long tickSize() { return tickSize; }
    @Override public long changes() { return changes; }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
