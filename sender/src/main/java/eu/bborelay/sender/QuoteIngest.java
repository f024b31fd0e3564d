package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producer side of the sender: every Binance text message goes through {@link #onMessage}, on Java-WebSocket's
 * read thread. Parses it, counts it, and hands each valid update to {@link QuoteSlots}, which gives it the next
 * {@code seq}; then wakes the writer. Never blocks on the receiver.
 *
 * <p>Single producer, no lock: {@link BinanceLeg} runs one WebSocket client at a time and creates the next one on
 * its scheduler only after the previous client's {@code onClose}, which Java-WebSocket calls on the read thread
 * after its last {@code onMessage}; so calls never overlap and each happens-before the next (through the
 * scheduler's queue). That is what keeps {@code seq} gapless and ordered. Counters are plain fields written by
 * that one thread and read by others as volatiles.
 */
final class QuoteIngest {
    private static final Logger log = LoggerFactory.getLogger(QuoteIngest.class);
    /** Longest raw text kept as the logged example of an invalid message. */
    static final int EXAMPLE_MAX_CHARS = 300;

    private final BookTickerParser parser = new BookTickerParser();
    private final Map<String, Integer> symbolIndex = new HashMap<>();
    private final QuoteSlots slots;
    private final Runnable onPublished;
    private final AtomicLongArray invalid = new AtomicLongArray(InvalidReason.values().length);
    private final AtomicReference<String> invalidExample = new AtomicReference<>();
    private volatile long received;
    private volatile long notData;
    /** {@link System#nanoTime()} when the latest valid update was published; read by the health check. */
    private volatile long lastQuoteNanos;
    private boolean warnedUnknownSymbol;
    private volatile boolean closed;

    /**
     * @param symbols upper-case symbols, in slot order
     * @param slots where valid updates go
     * @param onPublished called after each update is published (wakes the writer); must not block
     */
    QuoteIngest(List<String> symbols, QuoteSlots slots, Runnable onPublished) {
        for (int i = 0; i < symbols.size(); i++) {
            symbolIndex.put(symbols.get(i), i);
        }
        this.slots = slots;
        this.onPublished = onPublished;
    }

    /** One WebSocket text message from Binance. */
    void onMessage(String text) {
        if (closed) {
            return;
        }
        received++;
        BookTicker quote = new BookTicker();
        switch (parser.parse(text, quote)) {
            case QUOTE -> {
                Integer index = symbolIndex.get(quote.symbol());
                if (index == null) {
                    notData++;
                    if (!warnedUnknownSymbol) {
                        warnedUnknownSymbol = true;
                        log.warn("Ignoring bookTicker for {}, a symbol not subscribed (further ones counted as"
                                + " not_data silently): {}", quote.symbol(), truncate(text));
                    }
                    return;
                }
                slots.publish(index, quote);
                lastQuoteNanos = System.nanoTime();
                onPublished.run();
            }
            case NOT_DATA -> notData++;
            case INVALID -> {
                InvalidReason reason = parser.invalidReason();
                invalid.incrementAndGet(reason.ordinal());
                if (invalidExample.get() == null) {
                    invalidExample.compareAndSet(null, reason + ": " + truncate(text));
                }
            }
        }
    }

    /** A binary WebSocket message: Binance sends none; counted as received and not data. */
    void onBinaryMessage() {
        if (!closed) {
            received++;
            notData++;
        }
    }

    /**
     * Ignores every later message. Call after the Binance leg has closed (its read thread has ended), so that no
     * quote is published after this returns.
     */
    void close() {
        closed = true;
    }

    long received() {
        return received;
    }

    long notData() {
        return notData;
    }

    long lastQuoteNanos() {
        return lastQuoteNanos;
    }

    long invalid(InvalidReason reason) {
        return invalid.get(reason.ordinal());
    }

    /** The first invalid message seen since the last call ("REASON: raw text"), or null; clears it. */
    String takeInvalidExample() {
        return invalidExample.getAndSet(null);
    }

    static String truncate(String text) {
        return text.length() <= EXAMPLE_MAX_CHARS ? text : text.substring(0, EXAMPLE_MAX_CHARS) + "...";
    }
}
