package eu.bborelay.depth;

import java.util.Arrays;

/**
 * One side of an {@link OrderBook}: price levels with absolute quantities, best first, as scaled longs.
 *
 * <p><b>Layout.</b> Levels are kept sorted in fixed-size blocks of {@value #BLOCK} slots inside two flat
 * {@code long[]} arrays (keys and quantities), plus an {@code int[]} giving the blocks' order: a two-level sorted
 * array. Keys are prices for asks and negated prices for bids, so both sides sort ascending, best first. Setting a
 * level is a binary search over the blocks' last keys (kept in one dense array), a binary search inside one block and a shift of at most one
 * block; a full block splits in two, a block that empties (or falls under a quarter while its neighbour has room) is
 * merged away. So a level costs O(log n + {@value #BLOCK}) wherever it is in the book: one flat sorted array would
 * shift up to 5,000 levels (80 KB) for a deep insert, and a tree would allocate a node per level. Nothing is allocated
 * per level; the arrays double when every block is in use (rare: the book's largest size sets them).
 *
 * <p>Not thread-safe: the owning {@link DepthBook}'s thread writes and reads it. Readers of an unsynced book see it
 * empty (the book is cleared on every break).
 */
public final class BookSide {
    /** Slots per block. */
    static final int BLOCK = 64;
    private static final int MERGE_BELOW = BLOCK / 4;

    private final boolean bids;
    private long[] keys;
    private long[] quantities;
    private int[] counts; // per physical block
    private int[] order; // logical block index -> physical block
    private long[] lastKeys; // logical block index -> its last (largest) key: the block search stays in L1
    private int blocks; // logical blocks in use
    private int[] free; // physical blocks not in use
    private int freeCount;
    private int size;

    BookSide(boolean bids, int initialLevels) {
        this.bids = bids;
        int physical = Math.max(4, (initialLevels * 2) / BLOCK + 1);
        allocate(physical);
    }

    private void allocate(int physical) {
        keys = new long[physical * BLOCK];
        quantities = new long[physical * BLOCK];
        counts = new int[physical];
        order = new int[physical];
        lastKeys = new long[physical];
        free = new int[physical];
        freeCount = physical;
        for (int i = 0; i < physical; i++) {
            free[i] = physical - 1 - i; // hand out 0, 1, 2... first
        }
        blocks = 0;
        size = 0;
    }

    /** True for the bid side (best = highest price). */
    public boolean isBids() {
        return bids;
    }

    /** Number of price levels. */
    public int size() {
        return size;
    }

    /** True when the side has no level. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Best price (highest bid, lowest ask), scaled; throws {@link IllegalStateException} when empty. */
    public long bestPrice() {
        if (size == 0) {
            throw new IllegalStateException((bids ? "bid" : "ask") + " side is empty");
        }
        return price(keys[order[0] * BLOCK]);
    }

    /** Quantity at the best price, scaled; throws {@link IllegalStateException} when empty. */
    public long bestQuantity() {
        if (size == 0) {
            throw new IllegalStateException((bids ? "bid" : "ask") + " side is empty");
        }
        return quantities[order[0] * BLOCK];
    }

    /** Quantity at {@code price} (scaled), 0 when there is no such level. */
    public long quantityAt(long price) {
        if (size == 0) {
            return 0;
        }
        long key = key(price);
        int lb = findBlock(key);
        int base = order[lb] * BLOCK;
        int i = Arrays.binarySearch(keys, base, base + counts[order[lb]], key);
        return i >= 0 ? quantities[i] : 0;
    }

    /**
     * Copies up to {@code n} levels, best first, into the arrays.
     *
     * @return the number of levels copied, {@code min(n, size(), arrays' length)}
     */
    public int top(int n, long[] pricesOut, long[] quantitiesOut) {
        int limit = Math.min(Math.min(n, size), Math.min(pricesOut.length, quantitiesOut.length));
        int k = 0;
        for (int lb = 0; lb < blocks && k < limit; lb++) {
            int base = order[lb] * BLOCK;
            int c = counts[order[lb]];
            for (int i = 0; i < c && k < limit; i++, k++) {
                pricesOut[k] = price(keys[base + i]);
                quantitiesOut[k] = quantities[base + i];
            }
        }
        return k;
    }

    /** Visits levels best first until the visitor returns false. Allocates nothing itself. */
    public void forEach(LevelVisitor visitor) {
        for (int lb = 0; lb < blocks; lb++) {
            int base = order[lb] * BLOCK;
            int c = counts[order[lb]];
            for (int i = 0; i < c; i++) {
                if (!visitor.visit(price(keys[base + i]), quantities[base + i])) {
                    return;
                }
            }
        }
    }

    /** Receives levels from {@link #forEach}. */
    @FunctionalInterface
    public interface LevelVisitor {
        /**
         * @param price scaled price
         * @param quantity scaled quantity, above 0
         * @return false to stop
         */
        boolean visit(long price, long quantity);
    }

    /** Removes every level, keeping the arrays. */
    void clear() {
        for (int lb = 0; lb < blocks; lb++) {
            free[freeCount++] = order[lb];
            counts[order[lb]] = 0;
        }
        blocks = 0;
        size = 0;
    }

    /**
     * Sets the absolute quantity at {@code price}; quantity 0 removes the level (removing an absent level is
     * normal: Binance sends removals of levels outside the snapshot's depth).
     *
     * @return true when a level was removed or its quantity changed or it was added; false for removing an absent
     *     level or setting the quantity it already has
     */
    boolean set(long price, long quantity) {
        long key = key(price);
        if (blocks == 0) {
            if (quantity == 0) {
                return false;
            }
            int phys = takeBlock();
            order[0] = phys;
            lastKeys[0] = key;
            blocks = 1;
            keys[phys * BLOCK] = key;
            quantities[phys * BLOCK] = quantity;
            counts[phys] = 1;
            size = 1;
            return true;
        }
        int lb = findBlock(key);
        int phys = order[lb];
        int base = phys * BLOCK;
        int n = counts[phys];
        int i = Arrays.binarySearch(keys, base, base + n, key);
        if (i >= 0) {
            if (quantity == 0) {
                removeAt(lb, phys, i - base);
                return true;
            }
            if (quantities[i] == quantity) {
                return false;
            }
            quantities[i] = quantity;
            return true;
        }
        if (quantity == 0) {
            return false;
        }
        int pos = -(i + 1) - base;
        if (n == BLOCK) {
            int newPhys = split(lb);
            if (pos > BLOCK / 2) {
                lb++;
                phys = newPhys;
                base = phys * BLOCK;
                pos -= BLOCK / 2;
            }
            n = counts[phys];
        }
        System.arraycopy(keys, base + pos, keys, base + pos + 1, n - pos);
        System.arraycopy(quantities, base + pos, quantities, base + pos + 1, n - pos);
        keys[base + pos] = key;
        quantities[base + pos] = quantity;
        counts[phys] = n + 1;
        if (pos == n) {
            lastKeys[lb] = key;
        }
        size++;
        return true;
    }

    /** Logical block that holds or should hold {@code key}: the first whose last key is >= key, else the last. */
    private int findBlock(long key) {
        int lo = 0;
        int hi = blocks - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (lastKeys[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Moves the upper half of logical block {@code lb} into a new block placed after it; returns its physical id. */
    private int split(int lb) {
        int newPhys = takeBlock(); // may reallocate: read arrays after
        int phys = order[lb];
        int half = BLOCK / 2;
        System.arraycopy(keys, phys * BLOCK + half, keys, newPhys * BLOCK, BLOCK - half);
        System.arraycopy(quantities, phys * BLOCK + half, quantities, newPhys * BLOCK, BLOCK - half);
        counts[phys] = half;
        counts[newPhys] = BLOCK - half;
        System.arraycopy(order, lb + 1, order, lb + 2, blocks - lb - 1);
        System.arraycopy(lastKeys, lb + 1, lastKeys, lb + 2, blocks - lb - 1);
        order[lb + 1] = newPhys;
        lastKeys[lb + 1] = lastKeys[lb];
        lastKeys[lb] = keys[phys * BLOCK + half - 1];
        blocks++;
        return newPhys;
    }

    private void removeAt(int lb, int phys, int pos) {
        int base = phys * BLOCK;
        int n = counts[phys];
        System.arraycopy(keys, base + pos + 1, keys, base + pos, n - pos - 1);
        System.arraycopy(quantities, base + pos + 1, quantities, base + pos, n - pos - 1);
        n--;
        counts[phys] = n;
        size--;
        if (n == 0) {
            dropBlock(lb);
            return;
        }
        lastKeys[lb] = keys[base + n - 1];
        if (n < MERGE_BELOW && lb + 1 < blocks) {
            int next = order[lb + 1];
            int m = counts[next];
            if (n + m <= BLOCK / 2) {
                System.arraycopy(keys, next * BLOCK, keys, base + n, m);
                System.arraycopy(quantities, next * BLOCK, quantities, base + n, m);
                counts[phys] = n + m;
                counts[next] = 0;
                lastKeys[lb] = lastKeys[lb + 1];
                dropBlock(lb + 1);
            }
        }
    }

    private void dropBlock(int lb) {
        free[freeCount++] = order[lb];
        System.arraycopy(order, lb + 1, order, lb, blocks - lb - 1);
        System.arraycopy(lastKeys, lb + 1, lastKeys, lb, blocks - lb - 1);
        blocks--;
    }

    private int takeBlock() {
        if (freeCount == 0) {
            grow();
        }
        return free[--freeCount];
    }

    private void grow() {
        int old = counts.length;
        int physical = old * 2;
        keys = Arrays.copyOf(keys, physical * BLOCK);
        quantities = Arrays.copyOf(quantities, physical * BLOCK);
        counts = Arrays.copyOf(counts, physical);
        order = Arrays.copyOf(order, physical);
        lastKeys = Arrays.copyOf(lastKeys, physical);
        free = new int[physical];
        freeCount = 0;
        for (int i = physical - 1; i >= old; i--) {
            free[freeCount++] = i;
        }
    }

    private long key(long price) {
        return bids ? -price : price;
    }

    private long price(long key) {
        return bids ? -key : key;
    }

    /** Internal consistency (tests): sorted strictly, counts add up, no zero quantity. */
    void verify() {
        int total = 0;
        long prev = Long.MIN_VALUE;
        boolean first = true;
        for (int lb = 0; lb < blocks; lb++) {
            int phys = order[lb];
            int c = counts[phys];
            if (c <= 0 || c > BLOCK) {
                throw new AssertionError("block " + lb + " has count " + c);
            }
            for (int i = 0; i < c; i++) {
                long k = keys[phys * BLOCK + i];
                if (!first && k <= prev) {
                    throw new AssertionError("keys not strictly ascending at block " + lb + " slot " + i);
                }
                if (quantities[phys * BLOCK + i] <= 0) {
                    throw new AssertionError("non-positive quantity at block " + lb + " slot " + i);
                }
                prev = k;
                first = false;
            }
            if (lastKeys[lb] != keys[phys * BLOCK + c - 1]) {
                throw new AssertionError("block " + lb + " last key index is stale");
            }
            total += c;
        }
        if (total != size) {
            throw new AssertionError("size " + size + " but blocks hold " + total);
        }
        if (blocks + freeCount != counts.length) {
            throw new AssertionError("blocks " + blocks + " + free " + freeCount + " != " + counts.length);
        }
    }
}
