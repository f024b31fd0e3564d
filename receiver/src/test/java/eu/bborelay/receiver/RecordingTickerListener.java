package eu.bborelay.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.Trade;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TickerListener} that records copies of what it is given, as okhttp's {@code WebSocketRecorder}: quotes,
 * trades and gaps in arrival order on one queue, connection events on another. Assertions wait up to 5 s for the next
 * event. Thread-safe.
 */
final class RecordingTickerListener implements TickerListener {
    private static final long TIMEOUT_SECONDS = 5;

    record Gap(long expectedSeq, long receivedSeq) {
    }

    record Connected(String remoteAddress, String threadName) {
    }

    record Disconnected(String remoteAddress, Throwable cause) {
    }

    private final BlockingQueue<Object> data = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> connections = new LinkedBlockingQueue<>();
    private final AtomicInteger failNext = new AtomicInteger();
    volatile String lastThreadName;

    /** The next {@code n} calls of {@link #onBookTicker} record the quote, then throw. */
    void failNextQuotes(int n) {
        failNext.set(n);
    }

    @Override
    public void onBookTicker(BookTicker quote) {
        lastThreadName = Thread.currentThread().getName();
        data.add(quote.copy());
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("listener failure for seq " + quote.seq() + " (test)");
        }
    }

    @Override
    public void onTrade(Trade trade) {
        lastThreadName = Thread.currentThread().getName();
        data.add(trade.copy());
    }

    @Override
    public void onGap(long expectedSeq, long receivedSeq) {
        data.add(new Gap(expectedSeq, receivedSeq));
    }

    @Override
    public void onConnected(String remoteAddress) {
        connections.add(new Connected(remoteAddress, Thread.currentThread().getName()));
    }

    @Override
    public void onDisconnected(String remoteAddress, Throwable cause) {
        connections.add(new Disconnected(remoteAddress, cause));
    }

    /** The next data event, which must be a quote. */
    BookTicker nextQuote() {
        Object e = next(data, "a quote");
        if (!(e instanceof BookTicker q)) {
            throw new AssertionError("expected a quote, got " + e);
        }
        return q;
    }

    /** The next data event must be a quote of {@code symbol} with sequence number {@code seq}. */
    BookTicker assertNextQuote(String symbol, long seq) {
        BookTicker q = nextQuote();
        assertEquals(symbol, q.symbol(), () -> "symbol of " + q);
        assertEquals(seq, q.seq(), () -> "seq of " + q);
        return q;
    }

    /** The next data events must be quotes of {@code symbol} with sequence numbers {@code from..to}. */
    void assertNextQuotes(String symbol, long from, long to) {
        for (long s = from; s <= to; s++) {
            assertNextQuote(symbol, s);
        }
    }

    /** The next data event must be a trade of {@code symbol} with sequence number {@code seq}. */
    Trade assertNextTrade(String symbol, long seq) {
        Object e = next(data, "a trade");
        if (!(e instanceof Trade t)) {
            throw new AssertionError("expected a trade, got " + e);
        }
        assertEquals(symbol, t.symbol(), () -> "symbol of " + t);
        assertEquals(seq, t.seq(), () -> "seq of " + t);
        return t;
    }

    /** The next data event must be a gap report. */
    void assertGap(long expectedSeq, long receivedSeq) {
        assertEquals(new Gap(expectedSeq, receivedSeq), next(data, "a gap"));
    }

    Connected assertConnected() {
        Object e = next(connections, "onConnected");
        if (!(e instanceof Connected c)) {
            throw new AssertionError("expected onConnected, got " + e);
        }
        return c;
    }

    Disconnected assertDisconnected() {
        Object e = next(connections, "onDisconnected");
        if (!(e instanceof Disconnected d)) {
            throw new AssertionError("expected onDisconnected, got " + e);
        }
        return d;
    }

    /** Nothing recorded that was not asserted. */
    void assertNoMoreEvents() {
        assertTrue(data.isEmpty(), () -> "unexpected quotes/gaps: " + data);
        assertTrue(connections.isEmpty(), () -> "unexpected connection events: " + connections);
    }

    /** No quote or gap recorded that was not asserted. */
    void assertNoMoreQuotes() {
        assertTrue(data.isEmpty(), () -> "unexpected quotes/gaps: " + data);
    }

    /** Removes and returns the quotes and gaps recorded so far. */
    java.util.List<Object> drainQuotes() {
        java.util.List<Object> out = new java.util.ArrayList<>();
        data.drainTo(out);
        return out;
    }

    private static Object next(BlockingQueue<Object> queue, String what) {
        try {
            Object e = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (e == null) {
                fail("no " + what + " within " + TIMEOUT_SECONDS + " s");
            }
            assertNotNull(e);
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
