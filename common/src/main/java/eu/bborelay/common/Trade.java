package eu.bborelay.common;

/**
 * One trade for one symbol, as relayed from Binance's {@code <symbol>@trade} stream (one fill) or its
 * {@code <symbol>@aggTrade} stream (the fills of one taker order at one price, aggregated).
 *
 * <p><b>Mutable and reused</b>, like {@link BookTicker}: the receiver passes the same instance to every
 * {@code TickerListener.onTrade} call on a connection; it is valid only during the callback. Call {@link #copy()}
 * to keep it. Not thread-safe; owned by the thread that fills it.
 *
 * <p>Sources (Binance spot "Trade Streams" / "Aggregate Trade Streams"; USD-M and COIN-M send the same letters):
 * {@code price}/{@code qty} are {@code p}/{@code q} (for COIN-M, {@code q} counts contracts); {@code tradeId} is
 * {@code t}; {@code aggId}/{@code firstTradeId}/{@code lastTradeId} are {@code a}/{@code f}/{@code l};
 * {@code tradeTimeMs} is {@code T}; {@code eventTimeMs} is {@code E}; the taker side comes from {@code m} ("is the
 * buyer the market maker?"): {@code m=true} means the seller was the taker ({@link Side#SELL}). {@code seq} and
 * {@code sendEpochNanos} are ours, set by the sender; {@code seq} shares one space with the quotes' (docs/PROTOCOL.md).
 */
public final class Trade {
    /** Value of an id that the trade's {@link Type} does not carry. */
    public static final long NO_ID = -1;

    /** Which Binance stream the trade came from; also its wire {@code type}. */
    public enum Type {
        /** {@code <symbol>@trade}: one fill, with its trade id {@code t}. Wire type {@code "trade"}. */
        TRADE(FrameDescriptor.TYPE_TRADE),
        /** {@code <symbol>@aggTrade}: fills aggregated by Binance, ids {@code a, f, l}. Wire type {@code "agg_trade"}. */
        AGG_TRADE(FrameDescriptor.TYPE_AGG_TRADE);

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        /** The frame's {@code type} value: {@code "trade"} or {@code "agg_trade"}. */
        public String wireName() {
            return wireName;
        }
    }

    /** The taker's side: the side of the order that crossed the spread. */
    public enum Side {
        /** The buyer was the taker (Binance {@code m=false}). Wire value {@code "buy"}. */
        BUY(FrameDescriptor.SIDE_BUY),
        /** The seller was the taker (Binance {@code m=true}: the buyer was the maker). Wire value {@code "sell"}. */
        SELL(FrameDescriptor.SIDE_SELL);

        private final String wireName;

        Side(String wireName) {
            this.wireName = wireName;
        }

        /** The frame's {@code side} value: {@code "buy"} or {@code "sell"}. */
        public String wireName() {
            return wireName;
        }

        /** The taker side from Binance's {@code m} (buyer is maker). */
        public static Side fromBuyerIsMaker(boolean buyerIsMaker) {
            return buyerIsMaker ? SELL : BUY;
        }
    }

    private Type type = Type.TRADE;
    private String symbol = "";
    private double price;
    private double qty;
    private Side takerSide = Side.BUY;
    private long tradeId = NO_ID;
    private long aggId = NO_ID;
    private long firstTradeId = NO_ID;
    private long lastTradeId = NO_ID;
    private long tradeTimeMs;
    private long eventTimeMs;
    private long seq;
    private long sendEpochNanos;
    private long receiveEpochNanos;
    private boolean backfilled;

    /**
     * Sets every Binance field of a single trade ({@code @trade}). {@link #firstTradeId()} and
     * {@link #lastTradeId()} become {@code tradeId}, {@link #aggId()} {@link #NO_ID}.
     *
     * @param symbol Binance symbol, upper case ({@code s}), e.g. {@code BTCUSDT}; not null
     * @param price trade price ({@code p})
     * @param qty trade quantity ({@code q}); contracts for COIN-M
     * @param takerSide the taker's side (from {@code m}); not null
     * @param tradeId Binance trade id ({@code t}); consecutive per symbol
     * @param tradeTimeMs trade time ({@code T}), ms since the epoch
     * @param eventTimeMs event time ({@code E}), ms since the epoch, 0 when absent
     * @return this
     */
    public Trade setTrade(String symbol, double price, double qty, Side takerSide, long tradeId, long tradeTimeMs,
                          long eventTimeMs) {
        this.type = Type.TRADE;
        this.symbol = symbol;
        this.price = price;
        this.qty = qty;
        this.takerSide = takerSide;
        this.tradeId = tradeId;
        this.aggId = NO_ID;
        this.firstTradeId = tradeId;
        this.lastTradeId = tradeId;
        this.tradeTimeMs = tradeTimeMs;
        this.eventTimeMs = eventTimeMs;
        this.backfilled = false;
        return this;
    }

    /**
     * Sets every Binance field of an aggregate trade ({@code @aggTrade}). {@link #tradeId()} becomes
     * {@link #NO_ID}.
     *
     * @param symbol Binance symbol, upper case ({@code s}); not null
     * @param price price ({@code p})
     * @param qty quantity ({@code q}); contracts for COIN-M
     * @param takerSide the taker's side (from {@code m}); not null
     * @param aggId aggregate trade id ({@code a}); consecutive per symbol
     * @param firstTradeId first trade id ({@code f})
     * @param lastTradeId last trade id ({@code l})
     * @param tradeTimeMs trade time ({@code T}), ms since the epoch
     * @param eventTimeMs event time ({@code E}), ms since the epoch, 0 when absent
     * @return this
     */
    public Trade setAggTrade(String symbol, double price, double qty, Side takerSide, long aggId, long firstTradeId,
                             long lastTradeId, long tradeTimeMs, long eventTimeMs) {
        this.type = Type.AGG_TRADE;
        this.symbol = symbol;
        this.price = price;
        this.qty = qty;
        this.takerSide = takerSide;
        this.tradeId = NO_ID;
        this.aggId = aggId;
        this.firstTradeId = firstTradeId;
        this.lastTradeId = lastTradeId;
        this.tradeTimeMs = tradeTimeMs;
        this.eventTimeMs = eventTimeMs;
        this.backfilled = false;
        return this;
    }

    /** Sets our sequence number (one gapless space with the quotes, per sender session, from 1). */
    public Trade seq(long seq) {
        this.seq = seq;
        return this;
    }

    /** Sets the sender wall clock at write time, ns since the Unix epoch (wire key {@code ts}). */
    public Trade sendEpochNanos(long sendEpochNanos) {
        this.sendEpochNanos = sendEpochNanos;
        return this;
    }

    /**
     * Marks the trade as backfilled: fetched from Binance's REST ({@code GET /api/v3/aggTrades}, {@code
     * /fapi/v1/aggTrades}, {@code /dapi/v1/aggTrades}) to fill an exchange gap, not received on the stream. Wire key
     * {@code backfilled}. {@link #setTrade} and {@link #setAggTrade} clear it.
     */
    public Trade backfilled(boolean backfilled) {
        this.backfilled = backfilled;
        return this;
    }

    /** Sets the receiver wall clock when the frame was decoded, ns since the Unix epoch (not on the wire). */
    public Trade receiveEpochNanos(long receiveEpochNanos) {
        this.receiveEpochNanos = receiveEpochNanos;
        return this;
    }

    /** Copies every field of {@code other} into this instance. */
    public Trade copyFrom(Trade other) {
        type = other.type;
        symbol = other.symbol;
        price = other.price;
        qty = other.qty;
        takerSide = other.takerSide;
        tradeId = other.tradeId;
        aggId = other.aggId;
        firstTradeId = other.firstTradeId;
        lastTradeId = other.lastTradeId;
        tradeTimeMs = other.tradeTimeMs;
        eventTimeMs = other.eventTimeMs;
        seq = other.seq;
        sendEpochNanos = other.sendEpochNanos;
        receiveEpochNanos = other.receiveEpochNanos;
        backfilled = other.backfilled;
        return this;
    }

    /** A new instance with the same values, safe to keep after the callback returns. */
    public Trade copy() {
        return new Trade().copyFrom(this);
    }

    /** {@link Type#TRADE} or {@link Type#AGG_TRADE}. Never null. */
    public Type type() {
        return type;
    }

    /** Binance symbol, upper case, e.g. {@code BTCUSDT} or {@code BTCUSD_PERP}. Never null. */
    public String symbol() {
        return symbol;
    }

    /** Trade price ({@code p}). */
    public double price() {
        return price;
    }

    /** Trade quantity ({@code q}): base asset for spot and USD-M, contracts for COIN-M. */
    public double qty() {
        return qty;
    }

    /** The taker's side. Never null. */
    public Side takerSide() {
        return takerSide;
    }

    /** Binance trade id {@code t} of a {@link Type#TRADE}; {@link #NO_ID} for an aggregate trade. */
    public long tradeId() {
        return tradeId;
    }

    /** Binance aggregate trade id {@code a} of a {@link Type#AGG_TRADE}; {@link #NO_ID} for a single trade. */
    public long aggId() {
        return aggId;
    }

    /** First trade id covered ({@code f}); a single trade's own id. */
    public long firstTradeId() {
        return firstTradeId;
    }

    /** Last trade id covered ({@code l}); a single trade's own id. */
    public long lastTradeId() {
        return lastTradeId;
    }

    /** Binance trade time {@code T}, ms since the epoch (wire key {@code binance_ts}). */
    public long tradeTimeMs() {
        return tradeTimeMs;
    }

    /** Binance event time {@code E}, ms since the epoch (wire key {@code event_ts}); 0 when absent. */
    public long eventTimeMs() {
        return eventTimeMs;
    }

    /** Our sequence number: one gapless space with the quotes per sender session, starts at 1. */
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

    /**
     * Whether the sender fetched this trade from Binance's REST to fill an exchange gap (an aggregate trade id that
     * never arrived on the stream) instead of receiving it on the stream. Such a trade arrives after trades with higher
     * ids, has {@link #eventTimeMs()} 0 (REST gives no event time) and its own, later, {@link #seq()}.
     */
    public boolean backfilled() {
        return backfilled;
    }

    @Override
    public String toString() {
        return "Trade{" + type.wireName + ' ' + symbol + " seq=" + seq + ' ' + takerSide.wireName + ' ' + qty + '@'
                + price + (type == Type.TRADE ? " t=" + tradeId : " a=" + aggId + " f=" + firstTradeId + " l="
                + lastTradeId) + " T=" + tradeTimeMs + " E=" + eventTimeMs + " ts=" + sendEpochNanos + (backfilled ? " backfilled" : "") + '}';
    }
}
