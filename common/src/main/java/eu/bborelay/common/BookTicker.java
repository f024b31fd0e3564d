package eu.bborelay.common;

/**
 * One best bid/ask (BBO) update for one symbol, as relayed from Binance's bookTicker stream.
 *
 * <p><b>Mutable and reused.</b> The receiver passes the same instance to every
 * {@code TickerListener.onBookTicker} call on a connection: it is valid only during the callback. Call
 * {@link #copy()} to keep it. Not thread-safe; owned by the thread that fills it.
 *
 * <p>Sources: {@code bid}/{@code ask}/{@code bidQty}/{@code askQty} are Binance fields {@code b}/{@code a}/{@code
 * B}/{@code A}; {@code updateId} is {@code u}; {@code binanceEventTimeMs} is {@code E} (USD-M only; spot bookTicker
 * has no event time). {@code seq} and {@code sendEpochNanos} are ours, set by the sender.
 */
public final class BookTicker {
    /** Value of {@link #updateId()} when the frame carried none (the original Python sender). */
    public static final long NO_UPDATE_ID = -1;

    private String symbol = "";
    private double bid;
    private double ask;
    private double mid;
    private double bidQty = Double.NaN;
    private double askQty = Double.NaN;
    private long seq;
    private long updateId = NO_UPDATE_ID;
    private long binanceEventTimeMs;
    private long sendEpochNanos;
    private long receiveEpochNanos;

    /**
     * Sets every field. {@code mid} is computed as {@code (bid + ask) / 2}.
     *
     * @param symbol Binance symbol, upper case (field {@code s}), e.g. {@code BTCUSDT}; not null
     * @param bid best bid price ({@code b})
     * @param bidQty best bid quantity ({@code B}), NaN when unknown
     * @param ask best ask price ({@code a})
     * @param askQty best ask quantity ({@code A}), NaN when unknown
     * @param updateId Binance order book update id ({@code u}), {@link #NO_UPDATE_ID} when unknown
     * @param binanceEventTimeMs Binance event time ({@code E}) in ms since the epoch, 0 when absent
     * @return this
     */
    public BookTicker set(String symbol, double bid, double bidQty, double ask, double askQty, long updateId,
                          long binanceEventTimeMs) {
        this.symbol = symbol;
        this.bid = bid;
        this.bidQty = bidQty;
        this.ask = ask;
        this.askQty = askQty;
        this.mid = (bid + ask) / 2;
        this.updateId = updateId;
        this.binanceEventTimeMs = binanceEventTimeMs;
        return this;
    }

    /** Sets our sequence number (gapless per sender session, from 1). */
    public BookTicker seq(long seq) {
        this.seq = seq;
        return this;
    }

    /** Sets the sender wall clock at write time, ns since the Unix epoch (wire key {@code ts}). */
    public BookTicker sendEpochNanos(long sendEpochNanos) {
        this.sendEpochNanos = sendEpochNanos;
        return this;
    }

    /** Sets the receiver wall clock when the frame was decoded, ns since the Unix epoch (not on the wire). */
    public BookTicker receiveEpochNanos(long receiveEpochNanos) {
        this.receiveEpochNanos = receiveEpochNanos;
        return this;
    }

    /** Overrides the mid price (wire key {@code mid}); normally derived from bid and ask by {@link #set}. */
    public BookTicker mid(double mid) {
        this.mid = mid;
        return this;
    }

    /** Copies every field of {@code other} into this instance. */
    public BookTicker copyFrom(BookTicker other) {
        symbol = other.symbol;
        bid = other.bid;
        ask = other.ask;
        mid = other.mid;
        bidQty = other.bidQty;
        askQty = other.askQty;
        seq = other.seq;
        updateId = other.updateId;
        binanceEventTimeMs = other.binanceEventTimeMs;
        sendEpochNanos = other.sendEpochNanos;
        receiveEpochNanos = other.receiveEpochNanos;
        return this;
    }

    /** A new instance with the same values, safe to keep after the callback returns. */
    public BookTicker copy() {
        return new BookTicker().copyFrom(this);
    }

    /** Binance symbol, upper case, e.g. {@code BTCUSDT}. Never null. */
    public String symbol() {
        return symbol;
    }

    public double bid() {
        return bid;
    }

    public double ask() {
        return ask;
    }

    /** {@code (bid + ask) / 2} as computed by the sender. */
    public double mid() {
        return mid;
    }

    /** Best bid quantity, NaN when the sender did not send it (the original Python sender). */
    public double bidQty() {
        return bidQty;
    }

    /** Best ask quantity, NaN when the sender did not send it (the original Python sender). */
    public double askQty() {
        return askQty;
    }

    /** Our sequence number: gapless per sender session, starts at 1. */
    public long seq() {
        return seq;
    }

    /** Binance order book update id {@code u}; jumps, never gapless. {@link #NO_UPDATE_ID} when unknown. */
    public long updateId() {
        return updateId;
    }

    /** Binance event time {@code E}, ms since the epoch; 0 when Binance sent none (spot bookTicker). */
    public long binanceEventTimeMs() {
        return binanceEventTimeMs;
    }

    /** Sender wall clock when the frame was written, ns since the epoch (wire key {@code ts}). */
    public long sendEpochNanos() {
        return sendEpochNanos;
    }

    /** Receiver wall clock when the frame was decoded, ns since the epoch; 0 on the sender side. */
    public long receiveEpochNanos() {
        return receiveEpochNanos;
    }

    @Override
    public String toString() {
        return "BookTicker{" + symbol + " seq=" + seq + " bid=" + bid + "x" + bidQty + " ask=" + ask + "x" + askQty
                + " mid=" + mid + " u=" + updateId + " E=" + binanceEventTimeMs + " ts=" + sendEpochNanos + '}';
    }
}
