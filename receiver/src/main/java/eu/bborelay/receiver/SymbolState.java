package eu.bborelay.receiver;

import eu.bborelay.common.BookTicker;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the receiver keeps about one symbol across connections: latency, the delivered-quote count, and
 * the latest quote.
 *
 * <p>The latest quote lives in one {@link QuoteSlot} per connection that carries the symbol (so each slot has a
 * single writer and publishing takes no lock), plus a retired slot keeping the freshest quote of connections that
 * have ended. {@link #latest()} returns the freshest of them by receive time. Slots are added and retired under
 * this object's monitor, once per connection and symbol, never per quote.
 */
final class SymbolState {
    final String symbol;
    final LatencyStats latency = new LatencyStats();
    final LongAdder quotes = new LongAdder();
    /** Guarded by the StatsReporter's lock. */
    long quotesAtLastReport;

    private volatile QuoteSlot[] slots = new QuoteSlot[0];
    private final QuoteSlot retired;

    SymbolState(String symbol) {
        this.symbol = symbol;
        this.retired = new QuoteSlot(symbol);
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
