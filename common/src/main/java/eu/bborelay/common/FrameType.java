package eu.bborelay.common;

/** What {@link FrameDecoder#decode} found in a frame. */
public enum FrameType {
    /** A best bid/ask quote ({@code type} "bbo" or absent, with {@code ts}); the {@link BookTicker} was filled. */
    QUOTE,
    /**
     * A trade or aggregate trade ({@code type} "trade" or "agg_trade", with {@code ts}); the {@link Trade} was
     * filled ({@link Trade#type()} says which).
     */
    TRADE,
    /** A sender's hello; see {@link FrameDecoder#hello()}. */
    HELLO,
    /** A heartbeat control frame. */
    HEARTBEAT,
    /** A receiver's clock probe; see {@link FrameDecoder#pingId()}, {@link FrameDecoder#t1()}. */
    PING,
    /** A sender's answer to a ping; see {@link FrameDecoder#pingId()}, {@link FrameDecoder#t1()} .. {@code t3()}. */
    PONG,
    /** Receiver to sender (protocol 2): its answer to a hello, {@link FrameDecoder#controlSeq()}. */
    RESUME,
    /** Receiver to sender (protocol 2): the highest seq delivered, {@link FrameDecoder#controlSeq()}. */
    ACK,
    /**
     * Sender to receiver: a feed outage, a wall-clock span with no Binance connection for one symbol; see
     * {@link FrameDecoder#outageSymbol()}, {@link FrameDecoder#outageFromMs()}, {@link FrameDecoder#outageToMs()},
     * {@link FrameDecoder#outageReason()}. A control frame (no seq).
     */
    FEED_OUTAGE,
    /**
     * The sender's order book of one symbol at an aligned second ({@code type} "depth", with {@code ts}): the
     * {@link Depth} was filled.
     */
    DEPTH,
    /** A well-formed map of a type this version does not handle (e.g. a future frame type); to be ignored. */
    UNKNOWN
}
