package eu.bborelay.receiver;

/**
 * The exchange ids (trade ids, aggregate trade ids) of one symbol delivered recently: the highest one and a
 * {@value #SIZE}-wide bitmap below it, so a copy arriving out of order on a lagging path is recognised. Not
 * thread-safe (guarded by its {@link ArbiterSymbol}'s monitor); no allocation after construction.
 */
final class IdWindow {
    /** Ids remembered below the highest: 4,096 (512 bytes). */
    static final int SIZE = 4096;
    private static final int MASK = SIZE - 1;

    /** What {@link #offer} found. */
    enum Result {
        /** Not delivered before: deliver. */
        NEW,
        /** Delivered before: drop. */
        SEEN,
        /** More than {@link #SIZE} below the highest: unknown, dropped. */
        TOO_OLD
    }

    private final long[] bits = new long[SIZE / 64];
    private boolean any;
    private long highest;

    /** Marks {@code id} delivered if it was not. */
    Result offer(long id) {
        if (!any) {
            any = true;
            highest = id;
            set(id);
            return Result.NEW;
        }
        if (id > highest) {
            long step = id - highest;
            if (step >= SIZE) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long i = highest + 1; i <= id; i++) {
                    clear(i);
                }
            }
            highest = id;
            set(id);
            return Result.NEW;
        }
        if (highest - id >= SIZE) {
            return Result.TOO_OLD;
        }
        int i = (int) (id & MASK);
        long bit = 1L << (i & 63);
        if ((bits[i >>> 6] & bit) != 0) {
            return Result.SEEN;
        }
        bits[i >>> 6] |= bit;
        return Result.NEW;
    }

    private void set(long id) {
        int i = (int) (id & MASK);
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long id) {
        int i = (int) (id & MASK);
        bits[i >>> 6] &= ~(1L << (i & 63));
    }
}
