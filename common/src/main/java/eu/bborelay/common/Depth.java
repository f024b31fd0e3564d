package eu.bborelay.common;

import java.util.Arrays;

/**
 * The order book of one symbol at one aligned second, as the sender's local book (Binance diff depth stream plus REST
 * snapshot, synced by Binance's documented procedure) stood then: best bid/ask, the top N levels of each side, and
 * the log-delta depth buckets of the original depth collector (wire {@code type} {@code "depth"}).
 *
 * <p><b>Mutable and reused</b>, like {@link BookTicker}: the receiver passes the same instance to every
 * {@code TickerListener.onDepth} call on a connection, valid only during the callback; {@link #copy()} to keep it.
 * Not thread-safe; owned by the thread that fills it. The arrays grow to the largest frame seen and are then reused,
 * so steady state allocates nothing.
 *
 * <p>Sources: levels are the local book's ({@code bids}/{@code asks} of {@code GET /api/v3/depth}, then the
 * {@code b}/{@code a} of every {@code <symbol>@depth@100ms} event), prices and quantities as the nearest double of the
 * exact decimals Binance sent. {@link #updateId()} is the book's update id (the snapshot's {@code lastUpdateId}, then
 * each applied event's {@code u}); {@link #binanceEventTimeMs()} is {@code E} of the last applied event. Bucket
 * {@code k} of a side is the quote-currency notional ({@code price × quantity}) of the levels whose log distance from
 * the mid lies in {@code [k·step, (k+1)·step)}, {@code step = stepPct / 100} (binance-depth's {@code DepthBuckets}).
 */
public final class Depth {
    private String symbol = "";
    private long seq;
    private long sendEpochNanos;
    private long receiveEpochNanos;
    private long epochSecond;
    private long binanceEventTimeMs;
    private long updateId;
    private double bestBid;
    private double bestAsk;
    private int bidLevels;
    private int askLevels;
    private double[] bidPrices;
    private double[] bidSizes;
    private double[] askPrices;
    private double[] askSizes;
    private int numSteps;
    private double[] bidBuckets;
    private double[] askBuckets;
    private double stepPct;

    /** An empty depth with room for 20 levels and 40 buckets per side (it grows on demand). */
    public Depth() {
        this(20, 40);
    }

    /**
     * @param levels levels per side held before the arrays grow
     * @param steps buckets per side held before the arrays grow
     */
    public Depth(int levels, int steps) {
        int l = Math.max(1, levels);
        int s = Math.max(1, steps);
        bidPrices = new double[l];
        bidSizes = new double[l];
        askPrices = new double[l];
        askSizes = new double[l];
        bidBuckets = new double[s];
        askBuckets = new double[s];
    }

    /**
     * Sets the scalar fields; the levels and buckets are filled with {@link #levels} and {@link #buckets}.
     *
     * @param symbol Binance symbol, upper case, not null
     * @param epochSecond the aligned second (Unix seconds) this book is for (wire {@code epoch})
     * @param binanceEventTimeMs {@code E} of the last event applied to the book, ms since the epoch; 0 when none
     * @param updateId the book's update id
     * @param bestBid best bid price
     * @param bestAsk best ask price
     * @return this
     */
    public Depth set(String symbol, long epochSecond, long binanceEventTimeMs, long updateId, double bestBid,
                     double bestAsk) {
        this.symbol = symbol;
        this.epochSecond = epochSecond;
        this.binanceEventTimeMs = binanceEventTimeMs;
        this.updateId = updateId;
        this.bestBid = bestBid;
        this.bestAsk = bestAsk;
        return this;
    }

    /**
     * Makes room for {@code bids} and {@code asks} levels and sets the counts; fill them through
     * {@link #bidPrices()} etc. ({@code [0, bidLevels())}).
     */
    public Depth levels(int bids, int asks) {
        if (bids < 0 || asks < 0) {
            throw new IllegalArgumentException("negative level count " + bids + "/" + asks);
        }
        bidPrices = grown(bidPrices, bids);
        bidSizes = grown(bidSizes, bids);
        askPrices = grown(askPrices, asks);
        askSizes = grown(askSizes, asks);
        bidLevels = bids;
        askLevels = asks;
        return this;
    }

    /**
     * Makes room for {@code steps} buckets per side and sets the step; fill them through {@link #bidBuckets()} and
     * {@link #askBuckets()} ({@code [0, numSteps())}).
     *
     * @param stepPct the log step in percent (0.002 for a step of 0.00002)
     */
    public Depth buckets(int steps, double stepPct) {
        if (steps < 0) {
            throw new IllegalArgumentException("negative number of steps " + steps);
        }
        if (steps > bidBuckets.length) {
            bidBuckets = Arrays.copyOf(bidBuckets, steps);
        }
        if (steps > askBuckets.length) {
            askBuckets = Arrays.copyOf(askBuckets, steps);
        }
        numSteps = steps;
        this.stepPct = stepPct;
        return this;
    }

    /** Sets our sequence number (gapless per sender session, shared with quotes and trades). */
    public Depth seq(long seq) {
        this.seq = seq;
        return this;
    }

    /** Sets the sender wall clock at write time, ns since the Unix epoch (wire key {@code ts}). */
    public Depth sendEpochNanos(long sendEpochNanos) {
        this.sendEpochNanos = sendEpochNanos;
        return this;
    }

    /** Sets the receiver wall clock when the frame was decoded, ns since the Unix epoch (not on the wire). */
    public Depth receiveEpochNanos(long receiveEpochNanos) {
        this.receiveEpochNanos = receiveEpochNanos;
        return this;
    }

    /** Copies every field of {@code other} into this instance (growing the arrays when needed). */
    public Depth copyFrom(Depth other) {
        set(other.symbol, other.epochSecond, other.binanceEventTimeMs, other.updateId, other.bestBid, other.bestAsk);
        levels(other.bidLevels, other.askLevels);
        System.arraycopy(other.bidPrices, 0, bidPrices, 0, other.bidLevels);
        System.arraycopy(other.bidSizes, 0, bidSizes, 0, other.bidLevels);
        System.arraycopy(other.askPrices, 0, askPrices, 0, other.askLevels);
        System.arraycopy(other.askSizes, 0, askSizes, 0, other.askLevels);
        buckets(other.numSteps, other.stepPct);
        System.arraycopy(other.bidBuckets, 0, bidBuckets, 0, other.numSteps);
        System.arraycopy(other.askBuckets, 0, askBuckets, 0, other.numSteps);
        seq = other.seq;
        sendEpochNanos = other.sendEpochNanos;
        receiveEpochNanos = other.receiveEpochNanos;
        return this;
    }

    /** A new instance with the same values, safe to keep after the callback returns. */
    public Depth copy() {
        return new Depth(Math.max(bidLevels, askLevels), numSteps).copyFrom(this);
    }

    /** Binance symbol, upper case, e.g. {@code BTCUSDT}. Never null. */
    public String symbol() {
        return symbol;
    }

    /** Our sequence number: gapless per sender session, shared with quotes and trades. */
    public long seq() {
        return seq;
    }

    /** Sender wall clock when the frame was written, ns since the epoch (wire key {@code ts}). */
    public long sendEpochNanos() {
        return sendEpochNanos;
    }

    /** Receiver wall clock when the frame was decoded, ns since the epoch; 0 on the sender side. */
    public long receiveEpochNanos() {
        return receiveEpochNanos;
    }

    /** The aligned second this book is for, Unix seconds (a multiple of the sender's interval; wire {@code epoch}). */
    public long epochSecond() {
        return epochSecond;
    }

    /** {@code E} of the last depth event applied to the book, ms since the epoch (wire {@code binance_ts}). */
    public long binanceEventTimeMs() {
        return binanceEventTimeMs;
    }

    /** The book's Binance update id ({@code lastUpdateId}, then each applied {@code u}; wire {@code update_id}). */
    public long updateId() {
        return updateId;
    }

    /** Best bid price (wire {@code best_bid}). */
    public double bestBid() {
        return bestBid;
    }

    /** Best ask price (wire {@code best_ask}). */
    public double bestAsk() {
        return bestAsk;
    }

    /** Bid levels held, best first; at most the sender's {@code DEPTH_LEVELS}. */
    public int bidLevels() {
        return bidLevels;
    }

    /** Ask levels held, best first. */
    public int askLevels() {
        return askLevels;
    }

    /** Bid prices, best (highest) first, valid in {@code [0, bidLevels())}; the array may be longer. */
    public double[] bidPrices() {
        return bidPrices;
    }

    /** Bid quantities (base asset; contracts on COIN-M), parallel to {@link #bidPrices()}. */
    public double[] bidSizes() {
        return bidSizes;
    }

    /** Ask prices, best (lowest) first, valid in {@code [0, askLevels())}. */
    public double[] askPrices() {
        return askPrices;
    }

    /** Ask quantities, parallel to {@link #askPrices()}. */
    public double[] askSizes() {
        return askSizes;
    }

    /** Buckets per side (wire {@code num_steps}). */
    public int numSteps() {
        return numSteps;
    }

    /** Bid bucket notionals, nearest the mid first, valid in {@code [0, numSteps())}. */
    public double[] bidBuckets() {
        return bidBuckets;
    }

    /** Ask bucket notionals, nearest the mid first, valid in {@code [0, numSteps())}. */
    public double[] askBuckets() {
        return askBuckets;
    }

    /** The buckets' log step in percent (wire {@code step_pct}; 0.002 for a step of 0.00002). */
    public double stepPct() {
        return stepPct;
    }

    /**
     * For the decoder: array {@code which} (0 bid prices, 1 bid sizes, 2 ask prices, 3 ask sizes, 4 bid buckets,
     * 5 ask buckets) with room for at least {@code n} values; the counts are set afterwards by {@link #levels} and
     * {@link #buckets}, which then do not grow it again.
     */
    double[] arrayFor(int which, int n) {
        switch (which) {
            case 0 -> bidPrices = grown(bidPrices, n);
            case 1 -> bidSizes = grown(bidSizes, n);
            case 2 -> askPrices = grown(askPrices, n);
            case 3 -> askSizes = grown(askSizes, n);
            case 4 -> bidBuckets = grown(bidBuckets, n);
            case 5 -> askBuckets = grown(askBuckets, n);
            default -> throw new IllegalArgumentException("no array " + which);
        }
        return switch (which) {
            case 0 -> bidPrices;
            case 1 -> bidSizes;
            case 2 -> askPrices;
            case 3 -> askSizes;
            case 4 -> bidBuckets;
            default -> askBuckets;
        };
    }

    private static double[] grown(double[] a, int n) {
        return n <= a.length ? a : Arrays.copyOf(a, Math.max(n, a.length * 2));
    }

    @Override
    public String toString() {
        return "Depth{" + symbol + " seq=" + seq + " epoch=" + epochSecond + " u=" + updateId + " " + bestBid + "/"
                + bestAsk + " levels=" + bidLevels + "/" + askLevels + " steps=" + numSteps + " ts=" + sendEpochNanos
                + '}';
    }
}
