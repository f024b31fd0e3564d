package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Producer side of the sender: every Binance text message goes through {@link #onMessage}, on Java-WebSocket's
 * read thread. Parses it, counts it, and hands each valid update to {@link QuoteSlots}, which gives it the next
 * {@code seq}; then wakes the writer. Never blocks on the receiver.
 *
 * <p><b>Threads.</b> Per Binance connection shard, one producer, no lock: at any time one thread owns a shard's
 * symbols (the read thread of the shard's Binance connection that is the <em>owner</em>; briefly the scheduler
 * while it hands ownership over). {@link BinanceLeg} makes a new connection the owner only after the previous
 * owner's read thread has terminated, so calls for a shard never overlap and each happens-before the next. A
 * sender with several shards calls this concurrently from their read threads: each passes its own connection's
 * parser, per-symbol state is only touched for the caller's own symbols, counters are {@link LongAdder}s, and
 * {@link QuoteSlots} serialises the publishing (docs/CONCURRENCY.md).
 *
 * <p><b>Duplicates.</b> While two connections overlap (a rollover) both carry the same updates. An update whose
 * Binance update id {@code u} is not above the last forwarded {@code u} of its symbol is a duplicate: counted
 * ({@link #duplicates()}), not given a seq. Binance's {@code u} grows per symbol, so this never drops a new update.
 *
 * <p><b>Trades</b> (when the sender relays them): a message of a {@code @trade} or {@code @aggTrade} stream
 * ({@link TradeParser#isTradeStream}, from its first bytes) goes to the connection's {@link TradeParser} instead, into
 * the connection's scratch {@link Trade}, and a valid trade is handed to {@link QuoteSlots#publishTrade} (next seq,
 * then the never-conflating {@link TradeQueue}). Duplicates from overlapping connections are dropped the same way,
 * by the trade id {@code t} (aggregate id {@code a}), which Binance numbers consecutively per symbol; a jump in those
 * ids is an exchange gap, counted by the {@link TradeIdTracker}, and a jump in aggregate ids is fetched from REST by
 * the {@link AggTradeBackfill} and comes back through {@link #publishBackfilled}, off the read threads.
 */
final class QuoteIngest {
    private static final Logger log = LoggerFactory.getLogger(QuoteIngest.class);
    /** Longest raw text kept as the logged example of an invalid message. */
    static final int EXAMPLE_MAX_CHARS = 300;
    /** Binance-to-sender latencies above this (ms) are recorded as this. */
    static final long MAX_LATENCY_MS = 3_600_000;

    /** The parser of the one-argument {@link #onMessage(String)}, for single-threaded callers (tests). */
    private final BookTickerParser parser = new BookTickerParser();
    private final Map<String, Integer> symbolIndex = new HashMap<>();
    private final QuoteSlots slots;
    private final Runnable onPublished;
    private final Runnable onPublishedOffReadThread;
    private final AtomicLongArray invalid = new AtomicLongArray(InvalidReason.values().length);
    private final AtomicReference<String> invalidExample = new AtomicReference<>();
    private final LongAdder received = new LongAdder();
    private final LongAdder notData = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    /** Receive wall clock minus Binance's event time E, in ms, for updates that carry E (USD-M); wait-free. */
    private final Recorder binanceLatency = new Recorder(MAX_LATENCY_MS, 3);
    private final LongSupplier epochMillis;
    private volatile boolean sawEventTime;
    private final LongAdder latencyClamped = new LongAdder();
    /** Per symbol: {@link System#nanoTime()} of the last forwarded update (0: none); read by the watchdog. */
    private final AtomicLongArray lastQuoteNanos;
    /**
     * Per symbol: the last forwarded update id ({@link Long#MIN_VALUE} before the first). Written by the symbol's
     * shard owner thread (a lazy set, a plain store on x86), read by it for deduplication and by the scheduler for
     * the rollover's overlap check.
     */
    private final AtomicLongArray forwardedUpdateId;
    /** Per symbol: the last trade ids taken (duplicates dropped by them) and the exchange gaps between them. */
    private final TradeIdTracker tradeIds;
    private final LongAdder tradesTaken = new LongAdder();
    private final LongAdder aggTradesBackfilled = new LongAdder();
    private final LongAdder aggTradesTaken = new LongAdder();
    private final LongAdder tradeDuplicates = new LongAdder();
    private volatile boolean warnedUnknownSymbol;
    private volatile boolean closed;

    /**
     * @param symbols upper-case symbols, in slot order
     * @param slots where valid updates go
     * @param onPublished called after each update is published (wakes the writer); must not block
     */
    QuoteIngest(List<String> symbols, QuoteSlots slots, Runnable onPublished) {
        this(symbols, slots, onPublished, onPublished, System::currentTimeMillis);
    }

    /**
     * As above, with what to call after a quote published off a WebSocket read thread (the scheduler draining a
     * hand-over buffer: it must only wake the writer, never write itself), and the wall clock (ms since the epoch)
     * that Binance's event times are compared with.
     */
    QuoteIngest(List<String> symbols, QuoteSlots slots, Runnable onPublished, Runnable onPublishedOffReadThread,
                LongSupplier epochMillis) {
        this(symbols, slots, onPublished, onPublishedOffReadThread, epochMillis, null);
    }

    /**
     * As above, with where holes of aggregate trade ids (exchange gaps) go to be fetched from REST; null to count
     * them only. The backfill's trades come back through {@link #publishBackfilled}.
     */
    QuoteIngest(List<String> symbols, QuoteSlots slots, Runnable onPublished, Runnable onPublishedOffReadThread,
                LongSupplier epochMillis, AggTradeBackfill backfill) {
        this.tradeIds = new TradeIdTracker(symbols, backfill);
        this.onPublishedOffReadThread = onPublishedOffReadThread;
        this.epochMillis = epochMillis;
        for (int i = 0; i < symbols.size(); i++) {
            symbolIndex.put(symbols.get(i), i);
        }
        this.lastQuoteNanos = new AtomicLongArray(symbols.size());
        this.forwardedUpdateId = new AtomicLongArray(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            forwardedUpdateId.set(i, Long.MIN_VALUE);
        }
        this.slots = slots;
        this.onPublished = onPublished;
    }

    /** One WebSocket text message from Binance, received now; single-threaded callers only (the ingest's parser). */
    BookTickerParser.Result onMessage(String text) {
        return onMessage(text, System.nanoTime(), parser);
    }

    /**
     * One WebSocket text message from Binance.
     *
     * @param text the message
     * @param nowNanos {@link System#nanoTime()} at its arrival
     * @param parser the calling connection's parser: never used by two threads at once
     * @return what the message was ({@link BookTickerParser.Result#SERVER_SHUTDOWN} asks the caller to roll over)
     */
    BookTickerParser.Result onMessage(String text, long nowNanos, BookTickerParser parser) {
        return onMessage(text, nowNanos, parser, true);
    }

    /**
     * As {@link #onMessage(String, long, BookTickerParser)}; {@code onReadThread} false when the caller is not a
     * WebSocket read thread (the hand-over drain on the scheduler).
     */
    BookTickerParser.Result onMessage(String text, long nowNanos, BookTickerParser parser, boolean onReadThread) {
        return onMessage(text, nowNanos, parser, null, null, onReadThread);
    }

    /**
     * One WebSocket text message from Binance, trades included.
     *
     * @param tradeParser the calling connection's trade parser, or null when trades are not relayed (a trade
     *                    message is then not data)
     * @param trade the calling connection's scratch instance for the trade parser (copied into the queue)
     */
    BookTickerParser.Result onMessage(String text, long nowNanos, BookTickerParser parser, TradeParser tradeParser,
                                      Trade trade, boolean onReadThread) {
        if (closed) {
            return BookTickerParser.Result.NOT_DATA;
        }
        received.increment();
        if (tradeParser != null && TradeParser.isTradeStream(text)) {
            onTradeMessage(text, tradeParser, trade, onReadThread);
            return BookTickerParser.Result.NOT_DATA; // not a quote; never a serverShutdown
        }
        BookTicker quote = new BookTicker();
        BookTickerParser.Result result = parser.parse(text, quote);
        switch (result) {
            case QUOTE -> {
                Integer index = symbolIndex.get(quote.symbol());
                if (index == null) {
                    notData.increment();
                    if (!warnedUnknownSymbol) {
                        warnedUnknownSymbol = true;
                        log.warn("Ignoring bookTicker for {}, a symbol not subscribed (further ones counted as"
                                + " not_data silently): {}", quote.symbol(), truncate(text));
                    }
                    return result;
                }
                int i = index;
                if (quote.updateId() <= forwardedUpdateId.get(i)) {
                    duplicates.increment(); // the same update from the other connection of a rollover
                    return result;
                }
                lastQuoteNanos.lazySet(i, nowNanos);
                forwardedUpdateId.lazySet(i, quote.updateId());
                long eventMs = quote.binanceEventTimeMs();
                if (eventMs > 0) {
                    recordLatency(epochMillis.getAsLong() - eventMs);
                }
                slots.publish(i, quote);
                (onReadThread ? onPublished : onPublishedOffReadThread).run();
            }
            case NOT_DATA, SERVER_SHUTDOWN -> notData.increment();
            case INVALID -> {
                InvalidReason reason = parser.invalidReason();
                invalid.incrementAndGet(reason.ordinal());
                if (invalidExample.get() == null) {
                    invalidExample.compareAndSet(null, reason + ": " + truncate(text));
                }
            }
        }
        return result;
    }

    private void onTradeMessage(String text, TradeParser parser, Trade trade, boolean onReadThread) {
        switch (parser.parse(text, trade)) {
            case TRADE -> {
                Integer index = symbolIndex.get(trade.symbol());
                if (index == null) {
                    notData.increment();
                    if (!warnedUnknownSymbol) {
                        warnedUnknownSymbol = true;
                        log.warn("Ignoring a trade of {}, a symbol not subscribed (further ones counted as not_data"
                                + " silently): {}", trade.symbol(), truncate(text));
                    }
                    return;
                }
                int i = index;
                boolean agg = trade.type() == Trade.Type.AGG_TRADE;
                if (!tradeIds.take(i, agg, agg ? trade.aggId() : trade.tradeId())) {
                    tradeDuplicates.increment(); // the same trade from the other connection of a rollover
                    return;
                }
                slots.publishTrade(trade);
                (agg ? aggTradesTaken : tradesTaken).increment();
                (onReadThread ? onPublished : onPublishedOffReadThread).run();
            }
            case NOT_DATA -> notData.increment();
            case INVALID -> {
                InvalidReason reason = parser.invalidReason();
                invalid.incrementAndGet(reason.ordinal());
                if (invalidExample.get() == null) {
                    invalidExample.compareAndSet(null, reason + ": " + truncate(text));
                }
            }
        }
    }

    /** Trades ({@code @trade}) taken: each got a seq. */
    long tradesTaken() {
        return tradesTaken.sum();
    }

    /** Aggregate trades ({@code @aggTrade}) taken: each got a seq. */
    long aggTradesTaken() {
        return aggTradesTaken.sum();
    }

    /** Trades (of either kind) received twice (overlapping connections) and forwarded once. */
    long tradeDuplicates() {
        return tradeDuplicates.sum();
    }

    /** The last trade id ({@code t}) forwarded for symbol {@code index}, {@link Long#MIN_VALUE} before the first. */
    long forwardedTradeId(int index) {
        return tradeIds.lastTradeId(index);
    }

    /** The last aggregate trade id ({@code a}) forwarded for symbol {@code index}, {@link Long#MIN_VALUE} before. */
    long forwardedAggId(int index) {
        return tradeIds.lastAggId(index);
    }

    /** The per-symbol trade ids and the exchange gaps found between them. */
    TradeIdTracker tradeIds() {
        return tradeIds;
    }

    /**
     * An aggregate trade fetched from REST to fill an exchange gap ({@link AggTradeBackfill}'s thread): gets the next
     * seq like any trade (the {@link QuoteSlots} of a sender with a backfill serialise their producers) and wakes the
     * writer. Dropped after {@link #close()}.
     *
     * @param trade marked {@link Trade#backfilled()}; copied into the trade queue
     */
    void publishBackfilled(Trade trade) {
        if (closed) {
            return;
        }
        slots.publishTrade(trade);
        aggTradesBackfilled.increment();
        onPublishedOffReadThread.run();
    }

    /** Aggregate trades fetched from REST to fill exchange gaps and taken (each got a seq). */
    long aggTradesBackfilled() {
        return aggTradesBackfilled.sum();
    }

    private void recordLatency(long ms) {
        if (!sawEventTime) {
            sawEventTime = true;
        }
        if (ms < 0 || ms > MAX_LATENCY_MS) {
            latencyClamped.increment(); // clocks apart (or a replayed recording): counted, recorded at the bound
            ms = ms < 0 ? 0 : MAX_LATENCY_MS;
        }
        binanceLatency.recordValue(ms);
    }

    /** Whether any update carried Binance's event time E (USD-M does, spot bookTicker does not). */
    boolean sawEventTime() {
        return sawEventTime;
    }

    /** Latencies outside [0, {@value #MAX_LATENCY_MS}] ms, recorded at the bound. */
    long latencyClamped() {
        return latencyClamped.sum();
    }

    /**
     * Binance-to-sender latency (ms) since the last call, for the stats line. Callers serialise (the sender's
     * stats method is synchronized); {@code recycle} may be the previous result or null.
     */
    Histogram binanceLatencyInterval(Histogram recycle) {
        return binanceLatency.getIntervalHistogram(recycle);
    }

    /** Index of an upper-case subscribed symbol, or -1. */
    int symbolIndex(String symbol) {
        Integer i = symbolIndex.get(symbol);
        return i == null ? -1 : i;
    }

    /** {@link System#nanoTime()} of the last update forwarded for symbol {@code index}; 0 before the first. */
    long lastQuoteNanos(int index) {
        return lastQuoteNanos.get(index);
    }

    /** The last update id forwarded for symbol {@code index} ({@link Long#MIN_VALUE} before the first); any thread. */
    long forwardedUpdateId(int index) {
        return forwardedUpdateId.get(index);
    }

    /** Updates received twice (overlapping connections) and forwarded once. */
    long duplicates() {
        return duplicates.sum();
    }

    /** A binary WebSocket message: Binance sends none; counted as received and not data. */
    void onBinaryMessage() {
        if (!closed) {
            received.increment();
            notData.increment();
        }
    }

    /**
     * Nanoseconds since the freshest valid update of any symbol was forwarded, or -1 before the first. For the
     * health check; any thread.
     */
    long nanosSinceLastQuote() {
        long now = System.nanoTime();
        long youngest = -1;
        for (int i = 0; i < lastQuoteNanos.length(); i++) {
            long last = lastQuoteNanos.get(i); // 0: none yet; nanoTime values may be negative
            if (last != 0 && (youngest < 0 || now - last < youngest)) {
                youngest = now - last;
            }
        }
        return youngest;
    }

    /**
     * Ignores every later message. Call after the Binance leg has closed (its read thread has ended), so that no
     * quote is published after this returns.
     */
    void close() {
        closed = true;
    }

    long received() {
        return received.sum();
    }

    long notData() {
        return notData.sum();
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
