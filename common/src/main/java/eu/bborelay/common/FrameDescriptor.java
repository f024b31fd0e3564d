package eu.bborelay.common;

import java.nio.charset.StandardCharsets;

/**
 * Layout of one frame on the sender-to-receiver TCP/TLS stream, and the msgpack keys it carries.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length N (unsigned 32-bit, big-endian)             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               ...
 *  ...      N bytes: exactly one msgpack map with string keys       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>{@code 1 <= N <= maxFrameLength} ({@link #DEFAULT_MAX_FRAME_LENGTH} unless configured). A frame whose map has
 * a {@link #KEY_TS} key is data (this is how the original Python receiver tells them apart); a frame without
 * {@code ts} and {@code seq} is control ({@code hello}, {@code hb}). See docs/PROTOCOL.md for the full contract.
 */
public final class FrameDescriptor {
    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD_LENGTH = 4;
    /** Default cap on N, the payload length in bytes. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 65_536;
    /** Largest cap a receiver may configure, in bytes. */
    public static final int MAX_MAX_FRAME_LENGTH = 16 * 1024 * 1024;
    /**
     * Protocol version announced in {@code hello}. 2 adds acknowledgements: {@code hello.acked}, the receiver's
     * {@code resume} answer and its {@code ack} frames (docs/PROTOCOL.md); a version-1 peer ignores all three.
     */
    public static final int PROTOCOL_VERSION = 2;
    /** The first protocol version with {@code acked}, {@code resume} and {@code ack}. */
    public static final int PROTOCOL_ACKS = 2;

    /** Our sequence number: gapless per sender session, starts at 1. Never Binance's update id. */
    public static final String KEY_SEQ = "seq";
    /** Sender wall clock when the frame is written, ns since the Unix epoch. */
    public static final String KEY_TS = "ts";
    public static final String KEY_SYMBOL = "symbol";
    public static final String KEY_MID = "mid";
    public static final String KEY_BID = "bid";
    public static final String KEY_ASK = "ask";
    /** Binance event time {@code E} in ms since the epoch, 0 when the message has none (spot bookTicker). */
    public static final String KEY_BINANCE_TS = "binance_ts";
    public static final String KEY_TYPE = "type";
    public static final String KEY_BID_QTY = "bid_qty";
    public static final String KEY_ASK_QTY = "ask_qty";
    /** Binance order book update id {@code u}. */
    public static final String KEY_UPDATE_ID = "update_id";
    // trade and agg_trade (binance_ts there is the trade time T)
    /** Trade price {@code p}. */
    public static final String KEY_PRICE = "price";
    /** Trade quantity {@code q}. */
    public static final String KEY_QTY = "qty";
    /** The taker's side, {@link #SIDE_BUY} or {@link #SIDE_SELL} (from Binance {@code m}). */
    public static final String KEY_SIDE = "side";
    /** Binance trade id {@code t} (type {@code trade}). */
    public static final String KEY_TRADE_ID = "trade_id";
    /** Binance aggregate trade id {@code a} (type {@code agg_trade}). */
    public static final String KEY_AGG_ID = "agg_id";
    /** First trade id {@code f} of an aggregate trade. */
    public static final String KEY_FIRST_ID = "first_id";
    /** Last trade id {@code l} of an aggregate trade. */
    public static final String KEY_LAST_ID = "last_id";
    /** Binance event time {@code E} of a trade, ms since the epoch. */
    public static final String KEY_EVENT_TS = "event_ts";
    /**
     * {@code true} on a trade the sender fetched from Binance's REST ({@code GET /api/v3/aggTrades}) to fill an
     * exchange gap, rather than received on the stream; absent otherwise (never {@code false} on the wire).
     */
    public static final String KEY_BACKFILLED = "backfilled";
    // hello
    public static final String KEY_SESSION = "session";
    public static final String KEY_PROTO = "proto";
    public static final String KEY_SYMBOLS = "symbols";
    public static final String KEY_LAST_SEQ = "last_seq";
    public static final String KEY_SENDER = "sender";
    // ping / pong (receiver-to-sender clock probes); never ts/seq, so old receivers ignore them
    /** Ping id, chosen by the pinging receiver; echoed in the pong. */
    public static final String KEY_ID = "id";
    /** Receiver clock when it wrote the ping, ns since the epoch. */
    public static final String KEY_T1 = "t1";
    /** Sender clock when it read the ping, ns since the epoch. */
    public static final String KEY_T2 = "t2";
    /** Sender clock when it wrote the pong, ns since the epoch. */
    public static final String KEY_T3 = "t3";
    /**
     * Pong key (optional): the id of the ping this sender answered with its previous pong on this connection. With
     * {@link #KEY_PREV_WRITE_NS}, the interleaved transmit stamp of NTP (RFC 5905, interleaved mode): {@code t3} is
     * stamped before the pong is encoded, encrypted and written, so the exact send time of a pong is only known after
     * its write and travels in the next pong.
     */
    public static final String KEY_PREV_ID = "prev_id";
    /**
     * Pong key (optional): how long after its {@code t3} the previous pong's write (encode, encrypt, write, flush)
     * returned, ns (monotonic clock, {@code >= 0}). The receiver moves that pong's {@code t3} by it, as it moves each
     * ping's {@code t1} to when the ping's write returned: both legs then start when the bytes left.
     */
    public static final String KEY_PREV_WRITE_NS = "prev_write_ns";

    /** {@code type} of a best bid/ask quote (Binance bookTicker). */
    public static final String TYPE_BBO = "bbo";
    /** {@code type} of a trade (Binance {@code @trade}); data, never conflated. */
    public static final String TYPE_TRADE = "trade";
    /** {@code type} of an aggregate trade (Binance {@code @aggTrade}); data, never conflated. */
    public static final String TYPE_AGG_TRADE = "agg_trade";
    /** {@code side} of a trade whose taker bought (Binance {@code m=false}). */
    public static final String SIDE_BUY = "buy";
    /** {@code side} of a trade whose taker sold (Binance {@code m=true}: the buyer was the maker). */
    public static final String SIDE_SELL = "sell";
    /** {@code type} of the control frame a sender writes first on every connection. */
    public static final String TYPE_HELLO = "hello";
    /** {@code type} of a heartbeat control frame. */
    public static final String TYPE_HEARTBEAT = "hb";
    /** {@code type} of a receiver's clock probe {@code {type, id, t1}}; also its heartbeat. */
    public static final String TYPE_PING = "ping";
    /** {@code type} of a sender's answer to a ping {@code {type, id, t1, t2, t3}}. */
    public static final String TYPE_PONG = "pong";
    /**
     * {@code type} of the receiver's answer to a version-2 hello {@code {type, seq}}: the highest {@code seq} of the
     * session it already has (delivered, or made durable by its host); the sender resends what is above it.
     */
    public static final String TYPE_RESUME = "resume";
    /** {@code type} of a receiver's acknowledgement {@code {type, seq}}: the highest {@code seq} delivered. */
    public static final String TYPE_ACK = "ack";
    /** Hello key (protocol 2): the highest {@code seq} the receiver acknowledged on an earlier connection. */
    public static final String KEY_ACKED = "acked";
    // depth (type "depth"): the sender's local book at an aligned second; binance_ts is E of the last applied event
    /** {@code type} of a depth frame: best bid/ask, top N levels and log-delta buckets of one symbol's book. */
    public static final String TYPE_DEPTH = "depth";
    /** The aligned second (Unix seconds) a depth frame is for. */
    public static final String KEY_EPOCH = "epoch";
    /** Best bid price of a depth frame (no {@code bid} key: old receivers must not take it for a quote). */
    public static final String KEY_BEST_BID = "best_bid";
    /** Best ask price of a depth frame. */
    public static final String KEY_BEST_ASK = "best_ask";
    /** Bid level prices, best first (array of float64). */
    public static final String KEY_BID_PRICES = "bid_prices";
    /** Bid level quantities, parallel to {@link #KEY_BID_PRICES}. */
    public static final String KEY_BID_SIZES = "bid_sizes";
    /** Ask level prices, best first. */
    public static final String KEY_ASK_PRICES = "ask_prices";
    /** Ask level quantities. */
    public static final String KEY_ASK_SIZES = "ask_sizes";
    /** Bid bucket notionals, nearest the mid first (array of float64, {@link #KEY_NUM_STEPS} long). */
    public static final String KEY_BID_BUCKETS = "bid_buckets";
    /** Ask bucket notionals. */
    public static final String KEY_ASK_BUCKETS = "ask_buckets";
    /** The buckets' log step in percent. */
    public static final String KEY_STEP_PCT = "step_pct";
    /** Buckets per side. */
    public static final String KEY_NUM_STEPS = "num_steps";
    /**
     * {@code type} of a sender's feed-outage control frame {@code {type, symbol, from_ms, to_ms, reason}}: a span of
     * wall-clock time during which no sender was connected to Binance for {@code symbol}, so updates from that span
     * are missing without a seq gap. A control frame: no {@code seq}, no {@code ts}. Receivers that do not know it
     * ignore it (an unknown {@code type}).
     */
    public static final String TYPE_OUTAGE = "outage";
    /** Outage key: start of the span, ms since the epoch (wall clock), inclusive. */
    public static final String KEY_FROM_MS = "from_ms";
    /** Outage key: end of the span, ms since the epoch (wall clock), exclusive. */
    public static final String KEY_TO_MS = "to_ms";
    /** Outage key: why there was no Binance connection, {@link #REASON_SENDER_RESTART} or {@link #REASON_BINANCE_RECONNECT}. */
    public static final String KEY_REASON = "reason";
    /** Outage reason: the sender process was down (a restart that kept its session through {@code JOURNAL_DIR}). */
    public static final String REASON_SENDER_RESTART = "sender_restart";
    /** Outage reason: the sender's Binance connection for the symbol dropped and was opened again. */
    public static final String REASON_BINANCE_RECONNECT = "binance_reconnect";

    private FrameDescriptor() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Validates a payload length read from the prefix; returns a reason, or null when acceptable. */
    public static String checkLength(long length, int maxFrameLength) {
        if (length < 1) {
            return "frame length " + length + " is below the minimum of 1";
        }
        if (length > maxFrameLength) {
            return "frame length " + length + " exceeds the maximum of " + maxFrameLength + " bytes";
        }
        return null;
    }
}
