package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A/B arbitration ({@link ReceiverConfig#arbitration()}): several senders (paths) relay the same Binance streams to
 * this receiver, each in its own session and seq space; the listener gets one merged stream, the first copy of each
 * update by its exchange id, and what no path delivered is counted as a merged gap. See docs/PROTOCOL.md, "A/B
 * senders", for the rules; the per-symbol decisions are {@link ArbiterSymbol}'s.
 *
 * <p>Thread-safety: {@link #path} and {@link #paths} take this object's monitor (once per hello, and per stats
 * snapshot); the per-symbol state is found lock-free ({@link ConcurrentHashMap}, cached per connection) and used
 * under its own monitor by the reader threads. One instance per {@link Receiver}.
 */
final class Arbiter {
    /** Paths kept at most (and so label sets in /metrics); a further session reuses the slot of an idle path. */
    static final int MAX_PATHS = 8;

    private final ArbiterPath[] slots = new ArbiterPath[MAX_PATHS];
    private final ConcurrentHashMap<String, ArbiterSymbol> quotes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ArbiterSymbol> trades = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ArbiterSymbol> aggTrades = new ConcurrentHashMap<>();
    /** Merged gaps of quotes: ranges of update ids in which no path can prove it received every quote. */
    final LongAdder quoteGaps = new LongAdder();
    /** Merged gaps of trades: trade ids no path delivered. */
    final LongAdder tradeIdGaps = new LongAdder();
    /** Merged gaps of aggregate trades: aggregate trade ids no path delivered. */
    final LongAdder aggIdGaps = new LongAdder();
    /** Sessions that found every path slot taken by a connected path: delivered without arbitration. */
    final LongAdder unarbitratedSessions = new LongAdder();

    /**
     * A path for a new session named {@code name}: a free slot, else the slot of the path idle the longest (which is
     * forgotten). Null when all {@link #MAX_PATHS} paths are connected: that session is then not arbitrated (its
     * updates are delivered as without arbitration), counted and logged.
     */
    ArbiterPath path(String name) {
        ArbiterPath old;
        ArbiterPath p;
        synchronized (this) {
            int free = freeSlot();
            if (free < 0) {
                unarbitratedSessions.increment();
                LOG.warn("A/B arbitration: {} paths are connected already (at most {}); the session {} is delivered"
                        + " without arbitration (duplicates of other paths reach the listener)", MAX_PATHS, MAX_PATHS,
                        name);
                return null;
            }
            old = slots[free];
            p = new ArbiterPath(name, free);
            slots[free] = p;
            if (old != null) {
                old.forgotten = true;
            }
        }
        if (old != null) { // outside this monitor: a reader may hold a symbol's monitor while its listener calls stats()
            forget(old);
        }
        return p;
    }

    /** A free slot, else the one of the path idle the longest; -1 when every path is connected. */
    private int freeSlot() {
        int free = -1;
        for (int i = 0; i < slots.length && free < 0; i++) {
            if (slots[i] == null) {
                free = i;
            }
        }
        if (free < 0) {
            for (int i = 0; i < slots.length; i++) {
                if (!slots[i].connectedNow() && (free < 0 || slots[i].lastChangeNanos < slots[free].lastChangeNanos)) {
                    free = i;
                }
            }
        }
        return free;
    }

    /** Clears {@code old}'s state from every symbol (its slot went to a new path, which also resets it on use). */
    private void forget(ArbiterPath old) {
        LOG.info("A/B arbitration: forgetting idle path {} (more than {} sessions seen)", old.name, MAX_PATHS);
        for (var map : List.of(quotes, trades, aggTrades)) {
            for (ArbiterSymbol s : map.values()) {
                synchronized (s) {
                    s.forget(old);
                }
            }
        }
    }

    /** The arbitration state of {@code symbol}'s quotes. */
    ArbiterSymbol quotes(String symbol) {
        ArbiterSymbol known = quotes.get(symbol);
        return known != null ? known
                : quotes.computeIfAbsent(symbol, s -> new ArbiterSymbol(s, ArbiterSymbol.Kind.QUOTE, quoteGaps));
    }

    /** The arbitration state of {@code symbol}'s trades ({@code agg} false) or aggregate trades. */
    ArbiterSymbol trades(String symbol, boolean agg) {
        ArbiterSymbol known = (agg ? aggTrades : trades).get(symbol);
        if (known != null) {
            return known;
        }
        return agg
                ? aggTrades.computeIfAbsent(symbol, s -> new ArbiterSymbol(s, ArbiterSymbol.Kind.AGG_TRADE, aggIdGaps))
                : trades.computeIfAbsent(symbol, s -> new ArbiterSymbol(s, ArbiterSymbol.Kind.TRADE, tradeIdGaps));
    }

    /** The paths kept now, in slot order. */
    synchronized List<ArbiterPath> paths() {
        List<ArbiterPath> out = new ArrayList<>();
        for (ArbiterPath p : slots) {
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }
}
