package eu.bborelay.depth;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The books of one Binance connection, fed with raw text: the entry point a recorder calls from the shared Binance
 * client's read thread with every WebSocket text message (combined-stream or raw), and with every REST snapshot body
 * it fetched. Routes depth events by their symbol {@code s} to that symbol's {@link DepthBook}; other messages (the
 * bookTicker and trade streams on the same connection, partial book depth streams, subscription replies) are
 * counted and ignored.
 *
 * <p>Malformed depth messages are counted, the first of each run is logged with the parser's reason, and nothing else
 * is disturbed: the book concerned notices the missing update at its next event (a gap) and resyncs.
 *
 * <p>Not thread-safe: one owning thread for the feed, its parser and all its books. A snapshot fetched on another
 * thread is handed to this thread (as text) before {@link #onSnapshot} is called.
 */
public final class DepthFeed {
    private static final Logger LOG = LoggerFactory.getLogger(DepthFeed.class);

    private final DepthParser parser;
    private final DepthEvent event = new DepthEvent();
    private final DepthSnapshot snapshot = new DepthSnapshot();
    private final Map<String, DepthBook> books = new HashMap<>();

    private long depthEvents;
    private long otherMessages;
    private long partialDepthMessages;
    private long malformedMessages;
    private long unknownSymbolEvents;
    private long badSnapshots;
    private boolean lastWasMalformed;

    /** @param parser prices and quantities are parsed at its scales; every book must use the same scales */
    public DepthFeed(DepthParser parser) {
        this.parser = parser;
    }

    /**
     * Adds a book; its symbol must be unique in this feed and its scales must be the parser's.
     *
     * @throws IllegalArgumentException on a duplicate symbol or different scales
     */
    public DepthFeed add(DepthBook book) {
        if (book.book().priceScale() != parser.priceScale() || book.book().quantityScale() != parser.quantityScale()) {
            throw new IllegalArgumentException(book.symbol() + ": book scales " + book.book().priceScale() + "/"
                    + book.book().quantityScale() + " differ from the parser's " + parser.priceScale() + "/"
                    + parser.quantityScale());
        }
        if (books.putIfAbsent(book.symbol(), book) != null) {
            throw new IllegalArgumentException("a book for " + book.symbol() + " is already in this feed");
        }
        return this;
    }

    /** The book of {@code symbol} ({@code BTCUSDT}), or null. */
    public DepthBook book(String symbol) {
        return books.get(symbol);
    }

    /** All books, unmodifiable. */
    public Collection<DepthBook> books() {
        return Collections.unmodifiableCollection(books.values());
    }

    /**
     * One WebSocket text message, exactly as received.
     *
     * @return what it was
     */
    public DepthParser.Result onMessage(String json) {
        DepthParser.Result r = parser.parseEvent(json, event);
        switch (r) {
            case DEPTH_UPDATE -> {
                lastWasMalformed = false;
                DepthBook book = books.get(event.symbol());
                if (book == null) {
                    unknownSymbolEvents++;
                } else {
                    depthEvents++;
                    book.onEvent(event);
                }
            }
            case NOT_DEPTH -> otherMessages++;
            case PARTIAL_DEPTH -> partialDepthMessages++;
            case MALFORMED -> {
                malformedMessages++;
                if (!lastWasMalformed) {
                    LOG.warn("malformed depth message ({} so far): {}", malformedMessages, parser.error());
                }
                lastWasMalformed = true;
            }
        }
        return r;
    }

    /**
     * A REST snapshot body for {@code symbol}. A body that is not a snapshot (a Binance error, truncated JSON) is
     * reported to the book as a failed request, so it asks again through its requester.
     *
     * @return true when it was a snapshot and was handed to the book
     * @throws IllegalArgumentException if the feed has no book for {@code symbol}
     */
    public boolean onSnapshot(String symbol, String json) {
        DepthBook book = books.get(symbol);
        if (book == null) {
            throw new IllegalArgumentException("no book for " + symbol + " in this feed");
        }
        if (!parser.parseSnapshot(json, snapshot)) {
            badSnapshots++;
            book.onSnapshotFailed(parser.error());
            return false;
        }
        book.onSnapshot(snapshot);
        return true;
    }

    /** The connection was lost or replaced: every book breaks ({@link BreakReason#STREAM_RESET}). */
    public void onStreamReset() {
        for (DepthBook b : books.values()) {
            b.onStreamReset();
        }
    }

    /** Depth events routed to a book. */
    public long depthEvents() {
        return depthEvents;
    }

    /** Well-formed messages that were not depth events. */
    public long otherMessages() {
        return otherMessages;
    }

    /** Partial book depth messages ({@code @depth20...}), never applied to a book. */
    public long partialDepthMessages() {
        return partialDepthMessages;
    }

    /** Messages meant as depth events but unusable. */
    public long malformedMessages() {
        return malformedMessages;
    }

    /** Depth events of a symbol without a book here. */
    public long unknownSymbolEvents() {
        return unknownSymbolEvents;
    }

    /** Snapshot bodies that did not parse. */
    public long badSnapshots() {
        return badSnapshots;
    }
}
