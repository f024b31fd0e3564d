package eu.bborelay.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.value.ValueType;

/**
 * Decodes one frame payload (the msgpack map after the length prefix) into a reused {@link BookTicker} or
 * {@link Trade}, or a control frame.
 *
 * <p>Accepts the original Python sender's quotes (seven keys, no {@code type}) and ours; ignores unknown keys;
 * takes {@code mid} from the frame when present, else computes it. Required in a data frame: {@code seq, ts,
 * symbol, bid, ask}; in a trade frame ({@code type} "trade" or "agg_trade"): {@code seq, ts, symbol, price, qty,
 * side} and {@code trade_id}, or {@code agg_id, first_id, last_id}; optional {@code backfilled} (a boolean); in a depth
 * frame ({@code type} "depth"): {@code seq, ts, symbol, update_id, best_bid, best_ask}, the four level arrays (prices
 * and sizes of equal length per side) and the two bucket arrays (of equal length, {@code num_steps} when present).
 * Quote, trade and depth decoding allocate nothing in steady state: keys are compared as bytes and symbols
 * are interned. Not thread-safe: one decoder per connection, used by the thread that reads it.
 *
 * <p>Size: about 710 lines because every frame type is read in one pass over one map (a key is matched once, as
 * bytes, whatever the type), so the key table, the per-key reads and each type's required keys sit together; the
 * javadoc of the accessors is a third. The next seam: the per-type checks after the pass (required keys, value
 * ranges, the depth arrays' lengths, about 150 lines) into a validator fed the seen-key mask.
 */
public final class FrameDecoder {
    private static final byte[][] KEYS = {
        FrameDescriptor.utf8(FrameDescriptor.KEY_SEQ),
        FrameDescriptor.utf8(FrameDescriptor.KEY_TS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_SYMBOL),
        FrameDescriptor.utf8(FrameDescriptor.KEY_MID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ASK),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BINANCE_TS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_TYPE),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BID_QTY),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_QTY),
        FrameDescriptor.utf8(FrameDescriptor.KEY_UPDATE_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_SESSION),
        FrameDescriptor.utf8(FrameDescriptor.KEY_PROTO),
        FrameDescriptor.utf8(FrameDescriptor.KEY_SYMBOLS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_LAST_SEQ),
        FrameDescriptor.utf8(FrameDescriptor.KEY_SENDER),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_T1),
        FrameDescriptor.utf8(FrameDescriptor.KEY_T2),
        FrameDescriptor.utf8(FrameDescriptor.KEY_T3),
        FrameDescriptor.utf8(FrameDescriptor.KEY_PRICE),
        FrameDescriptor.utf8(FrameDescriptor.KEY_QTY),
        FrameDescriptor.utf8(FrameDescriptor.KEY_SIDE),
        FrameDescriptor.utf8(FrameDescriptor.KEY_TRADE_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_AGG_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_FIRST_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_LAST_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_EVENT_TS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BACKFILLED),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ACKED),
        FrameDescriptor.utf8(FrameDescriptor.KEY_EPOCH),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BEST_BID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BEST_ASK),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BID_PRICES),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BID_SIZES),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_PRICES),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_SIZES),
        FrameDescriptor.utf8(FrameDescriptor.KEY_BID_BUCKETS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_BUCKETS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_STEP_PCT),
        FrameDescriptor.utf8(FrameDescriptor.KEY_NUM_STEPS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_FROM_MS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_TO_MS),
        FrameDescriptor.utf8(FrameDescriptor.KEY_REASON),
        FrameDescriptor.utf8(FrameDescriptor.KEY_PREV_ID),
        FrameDescriptor.utf8(FrameDescriptor.KEY_PREV_WRITE_NS),
    };
    private static final int SEQ = 0;
    private static final int TS = 1;
    private static final int SYMBOL = 2;
    private static final int MID = 3;
    private static final int BID = 4;
    private static final int ASK = 5;
    private static final int BINANCE_TS = 6;
    private static final int TYPE = 7;
    private static final int BID_QTY = 8;
    private static final int ASK_QTY = 9;
    private static final int UPDATE_ID = 10;
    private static final int SESSION = 11;
    private static final int PROTO = 12;
    private static final int SYMBOLS = 13;
    private static final int LAST_SEQ = 14;
    private static final int SENDER = 15;
    private static final int ID = 16;
    private static final int T1 = 17;
    private static final int T2 = 18;
    private static final int T3 = 19;
    private static final int PRICE = 20;
    private static final int QTY = 21;
    private static final int SIDE = 22;
    private static final int TRADE_ID = 23;
    private static final int AGG_ID = 24;
    private static final int FIRST_ID = 25;
    private static final int LAST_ID = 26;
    private static final int EVENT_TS = 27;
    private static final int BACKFILLED = 28;
    private static final int ACKED = 29;
    private static final int EPOCH = 30;
    private static final int BEST_BID = 31;
    private static final int BEST_ASK = 32;
    private static final int BID_PRICES = 33;
    private static final int BID_SIZES = 34;
    private static final int ASK_PRICES = 35;
    private static final int ASK_SIZES = 36;
    private static final int BID_BUCKETS = 37;
    private static final int ASK_BUCKETS = 38;
    private static final int STEP_PCT = 39;
    private static final int NUM_STEPS = 40;
    private static final int FROM_MS = 41;
    private static final int TO_MS = 42;
    private static final int REASON = 43;
    private static final int PREV_ID = 44;
    private static final int PREV_WRITE_NS = 45;
    private static final int UNKNOWN_KEY = -1;
    private static final String[] REQUIRED_NAMES = {"seq", "ts", "symbol", "bid", "ask"};

    private static final int T_NONE = 0;
    private static final int T_BBO = 1;
    private static final int T_HELLO = 2;
    private static final int T_HB = 3;
    private static final int T_PING = 5;
    private static final int T_PONG = 6;
    private static final int T_OTHER = 4;
    private static final int T_TRADE = 7;
    private static final int T_AGG_TRADE = 8;
    private static final int T_RESUME = 9;
    private static final int T_ACK = 10;
    private static final int T_DEPTH = 11;
    private static final int T_OUTAGE = 12;
    private static final int SIDE_BUY = 1;
    private static final int SIDE_SELL = 2;
    private static final int[] TRADE_REQUIRED = {SEQ, TS, SYMBOL, PRICE, QTY, SIDE, TRADE_ID};
    private static final int[] AGG_TRADE_REQUIRED = {SEQ, TS, SYMBOL, PRICE, QTY, SIDE, AGG_ID, FIRST_ID, LAST_ID};
    private static final int[] DEPTH_REQUIRED = {SEQ, TS, SYMBOL, UPDATE_ID, BEST_BID, BEST_ASK, BID_PRICES, BID_SIZES,
        ASK_PRICES, ASK_SIZES, BID_BUCKETS, ASK_BUCKETS};
    private static final byte[] V_DEPTH = FrameDescriptor.utf8(FrameDescriptor.TYPE_DEPTH);
    private static final byte[] V_BBO = FrameDescriptor.utf8(FrameDescriptor.TYPE_BBO);
    private static final byte[] V_HELLO = FrameDescriptor.utf8(FrameDescriptor.TYPE_HELLO);
    private static final byte[] V_HB = FrameDescriptor.utf8(FrameDescriptor.TYPE_HEARTBEAT);
    private static final byte[] V_PING = FrameDescriptor.utf8(FrameDescriptor.TYPE_PING);
    private static final byte[] V_PONG = FrameDescriptor.utf8(FrameDescriptor.TYPE_PONG);
    private static final byte[] V_RESUME = FrameDescriptor.utf8(FrameDescriptor.TYPE_RESUME);
    private static final byte[] V_ACK = FrameDescriptor.utf8(FrameDescriptor.TYPE_ACK);
    private static final byte[] V_OUTAGE = FrameDescriptor.utf8(FrameDescriptor.TYPE_OUTAGE);
    private static final byte[] V_TRADE = FrameDescriptor.utf8(FrameDescriptor.TYPE_TRADE);
    private static final byte[] V_AGG_TRADE = FrameDescriptor.utf8(FrameDescriptor.TYPE_AGG_TRADE);
    private static final byte[] V_BUY = FrameDescriptor.utf8(FrameDescriptor.SIDE_BUY);
    private static final byte[] V_SELL = FrameDescriptor.utf8(FrameDescriptor.SIDE_SELL);

    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.DEFAULT_UNPACKER_CONFIG.newUnpacker(input);
    private final SymbolTable symbols = new SymbolTable();
    /** Where the three-argument {@link #decode(byte[], int, BookTicker)} puts trades. */
    private final Trade ownTrade = new Trade();
    /** Where the shorter forms of decode put depth frames (allocated at the first one). */
    private Depth ownDepth;
    private byte[] scratch = new byte[64];
    private byte[] wrappedArray;
    private MessageBuffer wrapped;
    private Hello hello;
    private long pingId;
    private long t1;
    private long t2;
    private long t3;
    private long prevPingId;
    private long prevWriteNanos;
    private long controlSeq;
    private int frameLength;
    private String outageSymbol;
    private long outageFromMs;
    private long outageToMs;
    private String outageReason;

    /**
     * Decodes {@code payload[0, length)}.
     *
     * @param payload the frame payload, without the length prefix; the decoder may keep a reference to the array
     *                and reuses its wrapper while the same array is passed again
     * @param length payload length in bytes, at least 1
     * @param quote filled when the result is {@link FrameType#QUOTE}; left partly written otherwise
     * @return what the frame was
     * @throws FrameFormatException with reason MALFORMED_MSGPACK, MISSING_KEY or BAD_VALUE; the decoder stays usable
     */
    public FrameType decode(byte[] payload, int length, BookTicker quote) throws FrameFormatException {
        return decode(payload, length, quote, ownTrade);
    }

    /**
     * Decodes {@code payload[0, length)}, trades included. The three-argument form decodes trades into an instance
     * of the decoder that callers cannot reach: use this one to receive them.
     *
     * @param payload the frame payload, without the length prefix; the decoder may keep a reference to the array
     *                and reuses its wrapper while the same array is passed again
     * @param length payload length in bytes, at least 1
     * @param quote filled when the result is {@link FrameType#QUOTE}; left partly written otherwise
     * @param trade filled when the result is {@link FrameType#TRADE}; untouched otherwise
     * @return what the frame was
     * @throws FrameFormatException with reason MALFORMED_MSGPACK, MISSING_KEY or BAD_VALUE; the decoder stays usable
     */
    public FrameType decode(byte[] payload, int length, BookTicker quote, Trade trade) throws FrameFormatException {
        if (ownDepth == null) {
            ownDepth = new Depth();
        }
        return decode(payload, length, quote, trade, ownDepth);
    }

    /**
     * Decodes {@code payload[0, length)}, trades and depth frames included.
     *
     * @param payload the frame payload, without the length prefix; the decoder may keep a reference to the array
     *                and reuses its wrapper while the same array is passed again
     * @param length payload length in bytes, at least 1
     * @param quote filled when the result is {@link FrameType#QUOTE}; left partly written otherwise
     * @param trade filled when the result is {@link FrameType#TRADE}; untouched otherwise
     * @param depth filled when the result is {@link FrameType#DEPTH}; its arrays may be partly written otherwise
     * @return what the frame was
     * @throws FrameFormatException with reason MALFORMED_MSGPACK, MISSING_KEY or BAD_VALUE; the decoder stays usable
     */
    public FrameType decode(byte[] payload, int length, BookTicker quote, Trade trade, Depth depth)
            throws FrameFormatException {
        if (payload != wrappedArray) {
            wrappedArray = payload;
            wrapped = MessageBuffer.wrap(payload);
        }
        // The whole array is exposed; a frame that claims more bytes than it has reads past length and is
        // caught by the position check below.
        try {
            input.reset(wrapped);
            unpacker.reset(input);
            frameLength = length;
            FrameType type = decodeMap(quote, trade, depth);
            long read = unpacker.getTotalReadBytes();
            if (read != length) {
                throw new FrameFormatException(FrameFormatException.Reason.MALFORMED_MSGPACK, read > length
                        ? "msgpack map is truncated: it needs more than the frame's " + length + " bytes"
                        : "frame has " + (length - read) + " bytes after its msgpack map");
            }
            return type;
        } catch (FrameFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // MessageTypeException, MessageSizeException, MessageInsufficientBufferException, EOF...
            throw new FrameFormatException(FrameFormatException.Reason.MALFORMED_MSGPACK,
                    "payload is not a well-formed msgpack map: " + e, e);
        }
    }

    /** The hello decoded by the last call that returned {@link FrameType#HELLO}; null before. */
    public Hello hello() {
        return hello;
    }

    /** The id of the last ping or pong decoded. */
    public long pingId() {
        return pingId;
    }

    /** t1 of the last ping or pong decoded: the receiver's clock when it wrote the ping, ns since the epoch. */
    public long t1() {
        return t1;
    }

    /** t2 of the last pong decoded: the sender's clock when it read the ping, ns since the epoch. */
    public long t2() {
        return t2;
    }

    /** t3 of the last pong decoded: the sender's clock when it wrote the pong, ns since the epoch. */
    public long t3() {
        return t3;
    }

    /**
     * {@code prev_id} of the last pong decoded: the ping id its sender answered with the pong before it on this
     * connection; 0 when the pong did not carry it (a sender before this key, the first pong of a connection).
     */
    public long prevPingId() {
        return prevPingId;
    }

    /**
     * {@code prev_write_ns} of the last pong decoded: ns from that earlier pong's {@code t3} to the return of its
     * write (sender's monotonic clock); 0 when {@link #prevPingId()} is 0.
     */
    public long prevWriteNanos() {
        return prevWriteNanos;
    }

    /** The {@code seq} of the last {@link FrameType#RESUME} or {@link FrameType#ACK} decoded. */
    public long controlSeq() {
        return controlSeq;
    }

    /** The symbol of the last {@link FrameType#FEED_OUTAGE} decoded; null before. */
    public String outageSymbol() {
        return outageSymbol;
    }

    /** Start of the last feed outage decoded: ms since the epoch, the sender's wall clock. */
    public long outageFromMs() {
        return outageFromMs;
    }

    /** End of the last feed outage decoded: ms since the epoch, the sender's wall clock; at least {@code from_ms}. */
    public long outageToMs() {
        return outageToMs;
    }

    /**
     * Why the last feed outage decoded happened: {@value FrameDescriptor#REASON_SENDER_RESTART},
     * {@value FrameDescriptor#REASON_BINANCE_RECONNECT}, or another string a newer sender wrote ("" when absent).
     */
    public String outageReason() {
        return outageReason;
    }

    private FrameType decodeMap(BookTicker q, Trade trade, Depth depth) throws IOException {
        if (unpacker.getNextFormat().getValueType() != ValueType.MAP) {
            throw new FrameFormatException(FrameFormatException.Reason.MALFORMED_MSGPACK,
                    "frame payload is a msgpack " + unpacker.getNextFormat().getValueType() + ", expected a map");
        }
        int entries = unpacker.unpackMapHeader();
        long seen = 0; // bit per key index
        long seq = 0;
        long ts = 0;
        String symbol = null;
        double mid = Double.NaN;
        double bid = Double.NaN;
        double ask = Double.NaN;
        long binanceTs = 0;
        double bidQty = Double.NaN;
        double askQty = Double.NaN;
        long updateId = BookTicker.NO_UPDATE_ID;
        int type = T_NONE;
        String session = null;
        int proto = 0;
        List<String> symbolList = null;
        long lastSeq = 0;
        String sender = "";
        double price = Double.NaN;
        double qty = Double.NaN;
        int side = 0;
        long tradeId = Trade.NO_ID;
        long aggId = Trade.NO_ID;
        long firstId = Trade.NO_ID;
        long lastId = Trade.NO_ID;
        long eventTs = 0;
        boolean backfilled = false;
        long ackedSeq = Hello.NO_ACKED_SEQ;
        long epoch = 0;
        double bestBid = Double.NaN;
        double bestAsk = Double.NaN;
        int bidPrices = 0;
        int bidSizes = 0;
        int askPrices = 0;
        int askSizes = 0;
        int bidBuckets = 0;
        int askBuckets = 0;
        double stepPct = Double.NaN;
        long numSteps = -1;
        long fromMs = 0;
        long toMs = 0;
        String reason = "";
        for (int i = 0; i < entries; i++) {
            if (unpacker.getNextFormat().getValueType() != ValueType.STRING) {
                throw new FrameFormatException(FrameFormatException.Reason.MALFORMED_MSGPACK,
                        "map key #" + i + " is a msgpack " + unpacker.getNextFormat().getValueType()
                                + ", expected a string");
            }
            int key = readKey();
            if (key == UNKNOWN_KEY || unpacker.tryUnpackNil()) {
                if (key == UNKNOWN_KEY) {
                    unpacker.skipValue();
                }
                continue;
            }
            seen |= 1L << key;
            switch (key) {
                case SEQ -> seq = readLong(key);
                case TS -> ts = readLong(key);
                case SYMBOL -> symbol = readSymbol();
                case MID -> mid = readDouble(key);
                case BID -> bid = readDouble(key);
                case ASK -> ask = readDouble(key);
                case BINANCE_TS -> binanceTs = readLong(key);
                case TYPE -> type = readType();
                case BID_QTY -> bidQty = readDouble(key);
                case ASK_QTY -> askQty = readDouble(key);
                case UPDATE_ID -> updateId = readLong(key);
                case SESSION -> session = readString(key);
                case PROTO -> proto = (int) readLong(key);
                case SYMBOLS -> symbolList = readStringArray(key);
                case LAST_SEQ -> lastSeq = readLong(key);
                case SENDER -> sender = readString(key);
                case ID -> pingId = readLong(key);
                case T1 -> t1 = readLong(key);
                case T2 -> t2 = readLong(key);
                case T3 -> t3 = readLong(key);
                case PREV_ID -> prevPingId = readLong(key);
                case PREV_WRITE_NS -> prevWriteNanos = readLong(key);
                case PRICE -> price = readDouble(key);
                case QTY -> qty = readDouble(key);
                case SIDE -> side = readSide();
                case TRADE_ID -> tradeId = readLong(key);
                case AGG_ID -> aggId = readLong(key);
                case FIRST_ID -> firstId = readLong(key);
                case LAST_ID -> lastId = readLong(key);
                case EVENT_TS -> eventTs = readLong(key);
                case BACKFILLED -> backfilled = readBoolean(key);
                case ACKED -> ackedSeq = readLong(key);
                case EPOCH -> epoch = readLong(key);
                case BEST_BID -> bestBid = readDouble(key);
                case BEST_ASK -> bestAsk = readDouble(key);
                case BID_PRICES -> bidPrices = readDoubles(key, depth, 0);
                case BID_SIZES -> bidSizes = readDoubles(key, depth, 1);
                case ASK_PRICES -> askPrices = readDoubles(key, depth, 2);
                case ASK_SIZES -> askSizes = readDoubles(key, depth, 3);
                case BID_BUCKETS -> bidBuckets = readDoubles(key, depth, 4);
                case ASK_BUCKETS -> askBuckets = readDoubles(key, depth, 5);
                case STEP_PCT -> stepPct = readDouble(key);
                case NUM_STEPS -> numSteps = readLong(key);
                case FROM_MS -> fromMs = readLong(key);
                case TO_MS -> toMs = readLong(key);
                case REASON -> reason = readString(key);
                default -> unpacker.skipValue();
            }
        }
        if ((seen & (1L << TS)) != 0) {
            if (type == T_DEPTH) {
                requireKeys(seen, "depth", DEPTH_REQUIRED);
                if (seq < 1) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            "depth has seq " + seq + ", sequence numbers start at 1");
                }
                if (bidPrices != bidSizes || askPrices != askSizes || bidBuckets != askBuckets
                        || numSteps >= 0 && numSteps != bidBuckets) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE, "depth for " + symbol
                            + " has arrays of different lengths: bid_prices " + bidPrices + ", bid_sizes " + bidSizes
                            + ", ask_prices " + askPrices + ", ask_sizes " + askSizes + ", bid_buckets " + bidBuckets
                            + ", ask_buckets " + askBuckets + ", num_steps " + numSteps);
                }
                if (!Double.isFinite(bestBid) || !Double.isFinite(bestAsk)) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            "depth for " + symbol + " has a non-finite best price: " + bestBid + "/" + bestAsk);
                }
                depth.set(symbol, epoch, binanceTs, updateId, bestBid, bestAsk).levels(bidPrices, askPrices)
                        .buckets(bidBuckets, stepPct).seq(seq).sendEpochNanos(ts);
                return FrameType.DEPTH;
            }
            if (type == T_TRADE || type == T_AGG_TRADE) {
                boolean agg = type == T_AGG_TRADE;
                requireKeys(seen, agg ? "agg_trade" : "trade", agg ? AGG_TRADE_REQUIRED : TRADE_REQUIRED);
                if (seq < 1) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            "trade has seq " + seq + ", sequence numbers start at 1");
                }
                if (!Double.isFinite(price) || !Double.isFinite(qty)) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            "trade for " + symbol + " has a non-finite number: price=" + price + " qty=" + qty);
                }
                Trade.Side takerSide = side == SIDE_BUY ? Trade.Side.BUY : Trade.Side.SELL;
                if (agg) {
                    trade.setAggTrade(symbol, price, qty, takerSide, aggId, firstId, lastId, binanceTs, eventTs);
                } else {
                    trade.setTrade(symbol, price, qty, takerSide, tradeId, binanceTs, eventTs);
                }
                trade.seq(seq).sendEpochNanos(ts).backfilled(backfilled);
                return FrameType.TRADE;
            }
            if (type != T_NONE && type != T_BBO) {
                return FrameType.UNKNOWN;
            }
            long required = (1L << SEQ) | (1L << TS) | (1L << SYMBOL) | (1L << BID) | (1L << ASK);
            if ((seen & required) != required) {
                throw missing(seen);
            }
            if (seq < 1) {
                throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                        "quote has seq " + seq + ", sequence numbers start at 1");
            }
            if (!Double.isFinite(bid) || !Double.isFinite(ask)) {
                throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                        "quote for " + symbol + " has a non-finite price: bid=" + bid + " ask=" + ask);
            }
            q.set(symbol, bid, bidQty, ask, askQty, updateId, binanceTs).seq(seq).sendEpochNanos(ts);
            if (!Double.isNaN(mid)) {
                q.mid(mid);
            }
            return FrameType.QUOTE;
        }
        switch (type) {
            case T_HELLO:
                if (session == null) {
                    throw new FrameFormatException(FrameFormatException.Reason.MISSING_KEY,
                            "hello frame misses required key 'session'");
                }
                if (ackedSeq < Hello.NO_ACKED_SEQ) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            "hello has acked " + ackedSeq + ", expected >= 0");
                }
                hello = new Hello(session, proto, symbolList == null ? List.of() : symbolList, lastSeq, sender,
                        ackedSeq);
                return FrameType.HELLO;
            case T_HB:
                return FrameType.HEARTBEAT;
            case T_PING:
                requireKeys(seen, "ping", ID, T1);
                return FrameType.PING;
            case T_PONG:
                requireKeys(seen, "pong", ID, T1, T2, T3);
                if ((seen & (1L << PREV_ID)) == 0 || (seen & (1L << PREV_WRITE_NS)) == 0 || prevWriteNanos < 0) {
                    prevPingId = 0; // optional, both or neither: a pong of a sender without them, or a bad value
                    prevWriteNanos = 0;
                }
                return FrameType.PONG;
            case T_RESUME:
            case T_ACK:
                requireKeys(seen, type == T_ACK ? "ack" : "resume", SEQ);
                if (seq < 0) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            (type == T_ACK ? "ack" : "resume") + " has seq " + seq + ", expected >= 0");
                }
                controlSeq = seq;
                return type == T_ACK ? FrameType.ACK : FrameType.RESUME;
            case T_OUTAGE:
                requireKeys(seen, "outage", SYMBOL, FROM_MS, TO_MS);
                if (fromMs < 0 || toMs < fromMs) {
                    throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                            "outage for " + symbol + " has from_ms " + fromMs + " and to_ms " + toMs
                                    + ", expected 0 <= from_ms <= to_ms");
                }
                outageSymbol = symbol;
                outageFromMs = fromMs;
                outageToMs = toMs;
                outageReason = FrameDescriptor.REASON_SENDER_RESTART.equals(reason)
                        ? FrameDescriptor.REASON_SENDER_RESTART
                        : FrameDescriptor.REASON_BINANCE_RECONNECT.equals(reason)
                                ? FrameDescriptor.REASON_BINANCE_RECONNECT : reason;
                return FrameType.FEED_OUTAGE;
            default:
                return FrameType.UNKNOWN;
        }
    }

    private static void requireKeys(long seen, String frame, int... keys) throws FrameFormatException {
        for (int k : keys) {
            if ((seen & (1L << k)) == 0) {
                throw new FrameFormatException(FrameFormatException.Reason.MISSING_KEY, frame
                        + " frame misses required key '" + new String(KEYS[k], StandardCharsets.UTF_8) + "'");
            }
        }
    }

    private static FrameFormatException missing(long seen) {
        int[] required = {SEQ, TS, SYMBOL, BID, ASK};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < required.length; i++) {
            if ((seen & (1L << required[i])) == 0) {
                sb.append(sb.length() == 0 ? "'" : ", '").append(REQUIRED_NAMES[i]).append('\'');
            }
        }
        return new FrameFormatException(FrameFormatException.Reason.MISSING_KEY,
                "quote frame misses required key(s) " + sb);
    }

    private int readKey() throws IOException {
        int len = readRawString();
        for (int k = 0; k < KEYS.length; k++) {
            byte[] candidate = KEYS[k];
            if (candidate.length == len && Arrays.equals(candidate, 0, len, scratch, 0, len)) {
                return k;
            }
        }
        return UNKNOWN_KEY;
    }

    private int readType() throws IOException {
        requireString(TYPE);
        int len = readRawString();
        if (eq(V_BBO, len)) {
            return T_BBO;
        } else if (eq(V_HELLO, len)) {
            return T_HELLO;
        } else if (eq(V_HB, len)) {
            return T_HB;
        } else if (eq(V_PING, len)) {
            return T_PING;
        } else if (eq(V_PONG, len)) {
            return T_PONG;
        } else if (eq(V_ACK, len)) {
            return T_ACK;
        } else if (eq(V_RESUME, len)) {
            return T_RESUME;
        } else if (eq(V_OUTAGE, len)) {
            return T_OUTAGE;
        } else if (eq(V_TRADE, len)) {
            return T_TRADE;
        } else if (eq(V_AGG_TRADE, len)) {
            return T_AGG_TRADE;
        } else if (eq(V_DEPTH, len)) {
            return T_DEPTH;
        }
        return T_OTHER;
    }

    private int readSide() throws IOException {
        requireString(SIDE);
        int len = readRawString();
        if (eq(V_BUY, len)) {
            return SIDE_BUY;
        } else if (eq(V_SELL, len)) {
            return SIDE_SELL;
        }
        throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE, "key 'side' holds \""
                + new String(scratch, 0, Math.min(len, 32), StandardCharsets.UTF_8) + "\", expected \"buy\" or \"sell\"");
    }

    private boolean eq(byte[] v, int len) {
        return v.length == len && Arrays.equals(v, 0, len, scratch, 0, len);
    }

    private String readSymbol() throws IOException {
        requireString(SYMBOL);
        int len = readRawString();
        return symbols.intern(scratch, len);
    }

    private String readString(int key) throws IOException {
        requireString(key);
        return unpacker.unpackString();
    }

    private List<String> readStringArray(int key) throws IOException {
        if (unpacker.getNextFormat().getValueType() != ValueType.ARRAY) {
            throw badType(key, "an array of strings");
        }
        int n = unpacker.unpackArrayHeader();
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(readString(key));
        }
        return list;
    }

    private int readRawString() throws IOException {
        int len = unpacker.unpackRawStringHeader();
        if (len > scratch.length) {
            if (len > FrameDescriptor.MAX_MAX_FRAME_LENGTH) {
                throw new FrameFormatException(FrameFormatException.Reason.MALFORMED_MSGPACK,
                        "string of " + len + " bytes is longer than any frame");
            }
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        unpacker.readPayload(scratch, 0, len);
        return len;
    }

    private void requireString(int key) throws IOException {
        if (unpacker.getNextFormat().getValueType() != ValueType.STRING) {
            throw badType(key, "a string");
        }
    }

    private long readLong(int key) throws IOException {
        MessageFormat f = unpacker.getNextFormat();
        if (f.getValueType() != ValueType.INTEGER) {
            throw badType(key, "an integer");
        }
        if (f == MessageFormat.UINT64) {
            // values above Long.MAX_VALUE make unpackLong throw, which we report as BAD_VALUE
            try {
                return unpacker.unpackLong();
            } catch (RuntimeException e) {
                throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                        "key '" + new String(KEYS[key], java.nio.charset.StandardCharsets.UTF_8)
                                + "' holds an integer above 2^63-1", e);
            }
        }
        return unpacker.unpackLong();
    }

    /** Reads an array of numbers into {@code depth}'s array {@code which}; returns its length. */
    private int readDoubles(int key, Depth depth, int which) throws IOException {
        if (unpacker.getNextFormat().getValueType() != ValueType.ARRAY) {
            throw badType(key, "an array of numbers");
        }
        int n = unpacker.unpackArrayHeader();
        if (n > frameLength) { // each number takes at least one byte
            throw new FrameFormatException(FrameFormatException.Reason.MALFORMED_MSGPACK,
                    "array of " + n + " numbers in a frame of " + frameLength + " bytes");
        }
        double[] into = depth.arrayFor(which, n);
        for (int i = 0; i < n; i++) {
            double v = readDouble(key);
            if (!Double.isFinite(v)) {
                throw new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                        "key '" + new String(KEYS[key], StandardCharsets.UTF_8) + "' holds a non-finite number " + v);
            }
            into[i] = v;
        }
        return n;
    }

    private boolean readBoolean(int key) throws IOException {
        if (unpacker.getNextFormat().getValueType() != ValueType.BOOLEAN) {
            throw badType(key, "a boolean");
        }
        return unpacker.unpackBoolean();
    }

    private double readDouble(int key) throws IOException {
        ValueType vt = unpacker.getNextFormat().getValueType();
        if (vt == ValueType.FLOAT) {
            return unpacker.unpackDouble();
        }
        if (vt == ValueType.INTEGER) {
            return unpacker.unpackLong();
        }
        throw badType(key, "a number");
    }

    private FrameFormatException badType(int key, String expected) throws IOException {
        return new FrameFormatException(FrameFormatException.Reason.BAD_VALUE,
                "key '" + new String(KEYS[key], java.nio.charset.StandardCharsets.UTF_8) + "' holds a msgpack "
                        + unpacker.getNextFormat().getValueType() + ", expected " + expected);
    }
}
