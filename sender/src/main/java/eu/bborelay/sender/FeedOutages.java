package eu.bborelay.sender;

import eu.bborelay.common.FrameDescriptor;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feed outages: per symbol, the wall-clock spans during which no sender was connected to Binance, reported to the
 * receiver as {@code outage} control frames (docs/PROTOCOL.md) instead of leaving a silent hole in the data. Two
 * causes: a restart of a sender that kept its session ({@code JOURNAL_DIR}; from the previous life's last taken
 * update to the new connection's open, {@value FrameDescriptor#REASON_SENDER_RESTART}) and a Binance connection that
 * closed and was opened again (from its close to the reopen, {@value FrameDescriptor#REASON_BINANCE_RECONNECT}). A
 * rollover (make-before-break) has no outage.
 *
 * <p>Times are ms since the epoch on this host's wall clock. A span is reported once its connection is open again;
 * one still open when the sender stops is not reported.
 *
 * <p><b>Threads.</b> {@link #down} and {@link #up} are called by the Binance legs (scheduler and WebSocket threads) and
 * the start-up, under this object's monitor; {@link #peek}/{@link #remove} only by the receiver link's writer. Rare
 * events: nothing here is on the per-update path.
 */
final class FeedOutages {
    private static final Logger log = LoggerFactory.getLogger(FeedOutages.class);

    /** One span: {@code [fromMs, toMs)} without a Binance connection for {@code symbol}. */
    record Outage(String symbol, long fromMs, long toMs, String reason) {
    }

    /** Per upper-case symbol: since when it has had no connection (ms) and why; absent while connected. */
    private final Map<String, Long> downSince = new HashMap<>();
    private final Map<String, String> downReason = new HashMap<>();
    private final ConcurrentLinkedQueue<Outage> pending = new ConcurrentLinkedQueue<>();
    private volatile long reported;
    private volatile long reportedMillis;
    private volatile Runnable onPending = () -> { };

    /** Called (on any thread) after an outage ended and waits to be written: wakes the link's writer. */
    void onPending(Runnable r) {
        this.onPending = r;
    }

    /**
     * The connection carrying {@code symbols} is gone since {@code sinceMs}. A symbol already down keeps its earlier
     * start and reason.
     */
    synchronized void down(Collection<String> symbols, long sinceMs, String reason) {
        for (String s : symbols) {
            String key = s.toUpperCase(Locale.ROOT);
            if (!downSince.containsKey(key)) {
                downSince.put(key, sinceMs);
                downReason.put(key, reason);
            }
        }
    }

    /** A connection carrying {@code symbols} is open at {@code nowMs}: the symbols that were down get their outage. */
    void up(Collection<String> symbols, long nowMs) {
        int added = 0;
        synchronized (this) {
            for (String s : symbols) {
                String key = s.toUpperCase(Locale.ROOT);
                Long since = downSince.remove(key);
                String reason = downReason.remove(key);
                if (since == null) {
                    continue;
                }
                long from = Math.min(since, nowMs); // a wall clock stepped back: an empty span, still reported
                Outage o = new Outage(key, from, nowMs, reason);
                pending.add(o);
                reported++;
                reportedMillis += nowMs - from;
                added++;
                log.info("Feed outage of {}: no Binance connection for {} ms ({}), reported to the receiver", key,
                        nowMs - from, reason);
            }
        }
        if (added > 0) {
            onPending.run();
        }
    }

    /** Writer: the oldest outage not yet written, or null. */
    Outage peek() {
        return pending.peek();
    }

    /** Writer: the outage from {@link #peek} was written and flushed. */
    void remove() {
        pending.poll();
    }

    /** Writer: whether an outage waits to be written. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** Outages that ended (reported, or waiting to be written), since start. */
    long reported() {
        return reported;
    }

    /** Their summed length, ms. */
    long reportedMillis() {
        return reportedMillis;
    }

    /** Symbols currently without a Binance connection that will get an outage when it opens. */
    synchronized int down() {
        return downSince.size();
    }
}
