package eu.bborelay.receiver;

import eu.bborelay.common.BookTicker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The latest quote of one symbol as published by one writer, behind a seqlock: the writer takes no lock and
 * allocates nothing; readers on any thread copy optimistically and retry while a write overlaps.
 *
 * <p>One writer at a time: a connection's reader thread for its own slot, or a thread holding the
 * {@link SymbolState} monitor for the retired slot. {@code version} is even when stable, odd during a write, and
 * 0 before the first publish.
 */
final class QuoteSlot {
    private static final VarHandle VERSION;

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(QuoteSlot.class, "version", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String symbol;
    @SuppressWarnings("unused") // accessed through VERSION
    private volatile long version;
    private double bid;
    private double bidQty;
    private double ask;
    private double askQty;
    private double mid;
    private long seq;
    private long updateId;
    private long binanceEventTimeMs;
    private long sendEpochNanos;
    private long receiveEpochNanos;

    QuoteSlot(String symbol) {
        this.symbol = symbol;
    }

    /** Publishes {@code q}, which must be of this slot's symbol. Writer thread only. */
    void publish(BookTicker q) {
        long v = (long) VERSION.getOpaque(this);
        VERSION.setOpaque(this, v + 1);
        VarHandle.storeStoreFence(); // the odd version becomes visible before any field changes
        bid = q.bid();
        bidQty = q.bidQty();
        ask = q.ask();
        askQty = q.askQty();
        mid = q.mid();
        seq = q.seq();
        updateId = q.updateId();
        binanceEventTimeMs = q.binanceEventTimeMs();
        sendEpochNanos = q.sendEpochNanos();
        receiveEpochNanos = q.receiveEpochNanos();
        VERSION.setRelease(this, v + 2);
    }

    /**
     * Copies the latest quote into {@code into}, any thread.
     *
     * @return false (and {@code into} untouched) when nothing was published yet
     */
    boolean readInto(BookTicker into) {
        for (;;) {
            long before = (long) VERSION.getAcquire(this);
            if (before == 0) {
                return false;
            }
            if ((before & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            double b = bid;
            double bq = bidQty;
            double a = ask;
            double aq = askQty;
            double m = mid;
            long s = seq;
            long u = updateId;
            long e = binanceEventTimeMs;
            long sent = sendEpochNanos;
            long received = receiveEpochNanos;
            VarHandle.loadLoadFence(); // the field reads complete before the version is read again
            if ((long) VERSION.getOpaque(this) == before) {
                into.set(symbol, b, bq, a, aq, u, e).mid(m).seq(s).sendEpochNanos(sent).receiveEpochNanos(received);
                return true;
            }
        }
    }
}
