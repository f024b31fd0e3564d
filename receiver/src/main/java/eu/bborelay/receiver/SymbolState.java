package eu.bborelay.receiver;

import eu.bborelay.common.BookTicker;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the receiver keeps about one symbol across connections: latency, the delivered-quote and trade
 * counts, and the latest quote.
 *
 * <p>The latest quote lives in one {@link QuoteSlot} per connection that carries the symbol (so each slot has a
 * single writer and publishing takes no lock), plus a retired slot keeping the freshest quote of connections that
 * have ended. {@link #latest()} returns the freshest of them by receive time. Slots are added and retired under
 * this object's monitor, once per connection and symbol, never per quote.
 */
final class SymbolState {
    final String symbol;
    final LatencyStats latency = new LatencyStats(LatencyHistograms.PER_SYMBOL_SIGNIFICANT_DIGITS);
    final LongAdder quotes = new LongAdder();
    /** Trades of this symbol delivered ({@code type} "trade"). */
    final LongAdder trades = new LongAdder();
    /** Aggregate trades of this symbol delivered ({@code type} "agg_trade"). */
    final LongAdder aggTrades = new LongAdder();
    /** Trade and aggregate trade ids that never arrived, over every connection of this symbol. */
    final ExchangeGapTracker exchangeGaps = new ExchangeGapTracker();
    /** Guarded by the StatsReporter's lock. */
    long quotesAtLastReport;

    /** System.nanoTime (never 0) when the latest quote was delivered; 0 before the first. */
    private volatile long lastQuoteNanoTime;
    /** True between onStale and onFresh; changed only under {@link #staleLock}. */
    private volatile boolean stale;
    private final Object staleLock = new Object();

    private volatile QuoteSlot[] slots = new QuoteSlot[0];
    private final QuoteSlot retired;

    SymbolState(String symbol) {
        this.symbol = symbol;
        this.retired = new QuoteSlot(symbol);
    }

    /**
     * A quote was delivered (reader thread, per quote): stamps its arrival; a stale symbol turns fresh, with
     * {@code onFresh} called here, before the quote's {@code onBookTicker}. Takes a lock only on that transition.
     */
    void touch(long nanoTime, TickerListener listener, Connection connection) {
        lastQuoteNanoTime = nanoTime == 0 ? 1 : nanoTime;
        if (stale) { // read after the write above; checkStale writes stale, then reads the time (Dekker)
            synchronized (staleLock) {
                if (stale) {
                    stale = false;
                    try {
                        listener.onFresh(symbol);
                    } catch (Throwable t) {
                        connection.listenerFailedOnReader(t);
                    }
                }
            }
        }
    }

    /** Age of the latest quote on the monotonic clock, ns; -1 before the first. Any thread. */
    long ageNanos(long nanoTime) {
        long last = lastQuoteNanoTime;
        return last == 0 ? -1 : Math.max(0, nanoTime - last);
    }

    /**
     * Staleness thread: reports the symbol stale when its latest quote is older than {@code staleAfterNanos}. If a
     * quote arrived meanwhile (its reader may have missed the flag), reports it fresh again at once, so onStale and
     * onFresh always alternate and a fresh symbol is never left marked stale.
     */
    void checkStale(long staleAfterNanos, TickerListener listener, ReceiverContext ctx) {
        if (stale || lastQuoteNanoTime == 0 || System.nanoTime() - lastQuoteNanoTime <= staleAfterNanos) {
            return;
        }
        synchronized (staleLock) {
            long age = System.nanoTime() - lastQuoteNanoTime;
            if (stale || age <= staleAfterNanos) {
                return;
            }
            stale = true;
            ctx.counters.staleEvents.increment();
            call(() -> listener.onStale(symbol, age), ctx);
            if (System.nanoTime() - lastQuoteNanoTime <= staleAfterNanos) {
                stale = false;
                call(() -> listener.onFresh(symbol), ctx);
            }
        }
    }

    private static void call(Runnable r, ReceiverContext ctx) {
        try {
            r.run();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError) {
                throw (VirtualMachineError) t;
            }
            ctx.counters.listenerErrors.increment();
            ctx.reportError(t);
        }
    }

    /** A slot for a connection that starts carrying this symbol; give it back with {@link #retire}. */
    synchronized QuoteSlot newSlot() {
        QuoteSlot slot = new QuoteSlot(symbol);
        QuoteSlot[] s = Arrays.copyOf(slots, slots.length + 1);
        s[s.length - 1] = slot;
        slots = s;
        return slot;
    }

    /** The connection that wrote {@code slot} ended: keep its quote if it is the freshest, drop the slot. */
    synchronized void retire(QuoteSlot slot) {
        BookTicker mine = new BookTicker();
        BookTicker kept = new BookTicker();
        if (slot.readInto(mine)
                && (!retired.readInto(kept) || mine.receiveEpochNanos() >= kept.receiveEpochNanos())) {
            retired.publish(mine);
        }
        QuoteSlot[] s = slots;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == slot) {
                QuoteSlot[] n = new QuoteSlot[s.length - 1];
                System.arraycopy(s, 0, n, 0, i);
                System.arraycopy(s, i + 1, n, i, s.length - i - 1);
                slots = n;
                return;
            }
        }
    }

    /** A copy of the freshest quote of this symbol (by receive time), or null if none was delivered. Any thread. */
    BookTicker latest() {
        QuoteSlot[] live = slots; // before the retired slot: a slot retired meanwhile is still read from here
        BookTicker best = null;
        BookTicker candidate = new BookTicker();
        if (retired.readInto(candidate)) {
            best = candidate;
            candidate = new BookTicker();
        }
        for (QuoteSlot slot : live) {
            if (slot.readInto(candidate)
                    && (best == null || candidate.receiveEpochNanos() > best.receiveEpochNanos())) {
                BookTicker swap = best == null ? new BookTicker() : best;
                best = candidate;
                candidate = swap;
            }
        }
        return best;
    }
}
