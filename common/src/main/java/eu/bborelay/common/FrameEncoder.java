package eu.bborelay.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;

/**
 * Encodes frames (length prefix plus one msgpack map) into one reused buffer.
 *
 * <p>Usage, on the single thread that owns the encoder and the socket:
 * <pre>{@code
 * int n = encoder.encodeQuote(quote);      // quote.seq() and quote.sendEpochNanos() must be set
 * out.write(encoder.buffer(), 0, n);
 * }</pre>
 * ({@link #encodeTrade} likewise for trades.)
 * The bytes in {@link #buffer()} are valid until the next encode call. Quotes are written with the original
 * Python relay's seven keys first and in its order ({@code seq, ts, symbol, mid, bid, ask, binance_ts}), then
 * {@code type, bid_qty, ask_qty, update_id}; integers in their smallest msgpack form and prices as float64, as
 * Python's msgpack does. Steady state allocates nothing per quote. Not thread-safe.
 */
public final class FrameEncoder {
    private static final byte[] K_SEQ = FrameDescriptor.utf8(FrameDescriptor.KEY_SEQ);
    private static final byte[] K_TS = FrameDescriptor.utf8(FrameDescriptor.KEY_TS);
    private static final byte[] K_SYMBOL = FrameDescriptor.utf8(FrameDescriptor.KEY_SYMBOL);
    private static final byte[] K_MID = FrameDescriptor.utf8(FrameDescriptor.KEY_MID);
    private static final byte[] K_BID = FrameDescriptor.utf8(FrameDescriptor.KEY_BID);
    private static final byte[] K_ASK = FrameDescriptor.utf8(FrameDescriptor.KEY_ASK);
    private static final byte[] K_BINANCE_TS = FrameDescriptor.utf8(FrameDescriptor.KEY_BINANCE_TS);
    private static final byte[] K_TYPE = FrameDescriptor.utf8(FrameDescriptor.KEY_TYPE);
    private static final byte[] K_BID_QTY = FrameDescriptor.utf8(FrameDescriptor.KEY_BID_QTY);
    private static final byte[] K_ASK_QTY = FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_QTY);
    private static final byte[] K_UPDATE_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_UPDATE_ID);
    private static final byte[] K_PRICE = FrameDescriptor.utf8(FrameDescriptor.KEY_PRICE);
    private static final byte[] K_QTY = FrameDescriptor.utf8(FrameDescriptor.KEY_QTY);
    private static final byte[] K_SIDE = FrameDescriptor.utf8(FrameDescriptor.KEY_SIDE);
    private static final byte[] K_TRADE_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_TRADE_ID);
    private static final byte[] K_AGG_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_AGG_ID);
    private static final byte[] K_FIRST_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_FIRST_ID);
    private static final byte[] K_LAST_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_LAST_ID);
    private static final byte[] K_EVENT_TS = FrameDescriptor.utf8(FrameDescriptor.KEY_EVENT_TS);
    private static final byte[] K_BACKFILLED = FrameDescriptor.utf8(FrameDescriptor.KEY_BACKFILLED);
    private static final byte[] V_BBO = FrameDescriptor.utf8(FrameDescriptor.TYPE_BBO);
    private static final byte[] V_TRADE = FrameDescriptor.utf8(FrameDescriptor.TYPE_TRADE);
    private static final byte[] V_AGG_TRADE = FrameDescriptor.utf8(FrameDescriptor.TYPE_AGG_TRADE);
    private static final byte[] V_BUY = FrameDescriptor.utf8(FrameDescriptor.SIDE_BUY);
    private static final byte[] V_SELL = FrameDescriptor.utf8(FrameDescriptor.SIDE_SELL);
    private static final byte[] V_HB = FrameDescriptor.utf8(FrameDescriptor.TYPE_HEARTBEAT);
    private static final byte[] V_PING = FrameDescriptor.utf8(FrameDescriptor.TYPE_PING);
    private static final byte[] V_PONG = FrameDescriptor.utf8(FrameDescriptor.TYPE_PONG);
    private static final byte[] V_RESUME = FrameDescriptor.utf8(FrameDescriptor.TYPE_RESUME);
    private static final byte[] V_ACK = FrameDescriptor.utf8(FrameDescriptor.TYPE_ACK);
    private static final byte[] V_DEPTH = FrameDescriptor.utf8(FrameDescriptor.TYPE_DEPTH);
    private static final byte[] K_EPOCH = FrameDescriptor.utf8(FrameDescriptor.KEY_EPOCH);
    private static final byte[] K_BEST_BID = FrameDescriptor.utf8(FrameDescriptor.KEY_BEST_BID);
    private static final byte[] K_BEST_ASK = FrameDescriptor.utf8(FrameDescriptor.KEY_BEST_ASK);
    private static final byte[] K_BID_PRICES = FrameDescriptor.utf8(FrameDescriptor.KEY_BID_PRICES);
    private static final byte[] K_BID_SIZES = FrameDescriptor.utf8(FrameDescriptor.KEY_BID_SIZES);
    private static final byte[] K_ASK_PRICES = FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_PRICES);
    private static final byte[] K_ASK_SIZES = FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_SIZES);
    private static final byte[] K_BID_BUCKETS = FrameDescriptor.utf8(FrameDescriptor.KEY_BID_BUCKETS);
    private static final byte[] K_ASK_BUCKETS = FrameDescriptor.utf8(FrameDescriptor.KEY_ASK_BUCKETS);
    private static final byte[] K_STEP_PCT = FrameDescriptor.utf8(FrameDescriptor.KEY_STEP_PCT);
    private static final byte[] K_NUM_STEPS = FrameDescriptor.utf8(FrameDescriptor.KEY_NUM_STEPS);
    private static final byte[] V_OUTAGE = FrameDescriptor.utf8(FrameDescriptor.TYPE_OUTAGE);
    private static final byte[] K_FROM_MS = FrameDescriptor.utf8(FrameDescriptor.KEY_FROM_MS);
    private static final byte[] K_TO_MS = FrameDescriptor.utf8(FrameDescriptor.KEY_TO_MS);
    private static final byte[] K_REASON = FrameDescriptor.utf8(FrameDescriptor.KEY_REASON);
    private static final byte[] K_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_ID);
    private static final byte[] K_T1 = FrameDescriptor.utf8(FrameDescriptor.KEY_T1);
    private static final byte[] K_T2 = FrameDescriptor.utf8(FrameDescriptor.KEY_T2);
    private static final byte[] K_T3 = FrameDescriptor.utf8(FrameDescriptor.KEY_T3);
    private static final byte[] K_PREV_ID = FrameDescriptor.utf8(FrameDescriptor.KEY_PREV_ID);
    private static final byte[] K_PREV_WRITE_NS = FrameDescriptor.utf8(FrameDescriptor.KEY_PREV_WRITE_NS);

    private final FrameOutput output = new FrameOutput();
    private final MessagePacker packer;
    private final SymbolTable symbols = new SymbolTable();
    private int length;

    public FrameEncoder() {
        packer = new MessagePack.PackerConfig().withStr8FormatSupport(true).withBufferSize(512).newPacker(output);
    }

    /**
     * Encodes a quote frame with every key of this sender.
     *
     * @return the frame length in bytes, length prefix included; the bytes are {@code buffer()[0, return)}
     */
    public int encodeQuote(BookTicker q) {
        try {
            begin();
            boolean hasQty = !Double.isNaN(q.bidQty()) && !Double.isNaN(q.askQty());
            boolean hasUpdateId = q.updateId() != BookTicker.NO_UPDATE_ID;
            packer.packMapHeader(8 + (hasQty ? 2 : 0) + (hasUpdateId ? 1 : 0));
            key(K_SEQ).packLong(q.seq());
            key(K_TS).packLong(q.sendEpochNanos());
            key(K_SYMBOL);
            str(symbols.bytes(q.symbol()));
            key(K_MID).packDouble(q.mid());
            key(K_BID).packDouble(q.bid());
            key(K_ASK).packDouble(q.ask());
            key(K_BINANCE_TS).packLong(q.binanceEventTimeMs());
            key(K_TYPE);
            str(V_BBO);
            if (hasQty) {
                key(K_BID_QTY).packDouble(q.bidQty());
                key(K_ASK_QTY).packDouble(q.askQty());
            }
            if (hasUpdateId) {
                key(K_UPDATE_ID).packLong(q.updateId());
            }
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // FrameOutput never throws
        }
    }

    /**
     * Encodes a trade frame: {@code seq, ts, symbol, type, price, qty, side}, then {@code trade_id} (type
     * {@code trade}) or {@code agg_id, first_id, last_id} (type {@code agg_trade}), then {@code binance_ts} (the
     * trade time T) and {@code event_ts} (E), then {@code backfilled: true} only for a trade fetched from REST to fill
     * an exchange gap ({@link Trade#backfilled()}). No {@code bid}, {@code ask} or {@code mid}: a trade is not a quote
     * (docs/PROTOCOL.md says what the original Python receiver makes of that). Allocates nothing.
     *
     * @param t a trade whose {@code seq} and {@code sendEpochNanos} are set
     * @return the frame length in bytes, length prefix included; the bytes are {@code buffer()[0, return)}
     */
    public int encodeTrade(Trade t) {
        try {
            begin();
            boolean agg = t.type() == Trade.Type.AGG_TRADE;
            packer.packMapHeader((agg ? 12 : 10) + (t.backfilled() ? 1 : 0));
            key(K_SEQ).packLong(t.seq());
            key(K_TS).packLong(t.sendEpochNanos());
            key(K_SYMBOL);
            str(symbols.bytes(t.symbol()));
            key(K_TYPE);
            str(agg ? V_AGG_TRADE : V_TRADE);
            key(K_PRICE).packDouble(t.price());
            key(K_QTY).packDouble(t.qty());
            key(K_SIDE);
            str(t.takerSide() == Trade.Side.BUY ? V_BUY : V_SELL);
            if (agg) {
                key(K_AGG_ID).packLong(t.aggId());
                key(K_FIRST_ID).packLong(t.firstTradeId());
                key(K_LAST_ID).packLong(t.lastTradeId());
            } else {
                key(K_TRADE_ID).packLong(t.tradeId());
            }
            key(K_BINANCE_TS).packLong(t.tradeTimeMs());
            key(K_EVENT_TS).packLong(t.eventTimeMs());
            if (t.backfilled()) {
                key(K_BACKFILLED).packBoolean(true);
            }
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // FrameOutput never throws
        }
    }

    /**
     * Encodes a depth frame: {@code seq, ts, symbol, type ("depth"), epoch, binance_ts, update_id, best_bid,
     * best_ask, bid_prices, bid_sizes, ask_prices, ask_sizes, bid_buckets, ask_buckets, step_pct, num_steps}; the
     * six arrays of float64. No {@code bid}, {@code ask} or {@code mid}: a depth frame is not a quote (docs/PROTOCOL.md
     * says what older receivers make of it). About 1.6 KB with 20 levels and 40 buckets per side. Allocates nothing
     * once the buffer has grown to the largest frame.
     *
     * @param d a depth whose {@code seq} and {@code sendEpochNanos} are set
     * @return the frame length in bytes, length prefix included; the bytes are {@code buffer()[0, return)}
     */
    public int encodeDepth(Depth d) {
        try {
            begin();
            packer.packMapHeader(17);
            key(K_SEQ).packLong(d.seq());
            key(K_TS).packLong(d.sendEpochNanos());
            key(K_SYMBOL);
            str(symbols.bytes(d.symbol()));
            key(K_TYPE);
            str(V_DEPTH);
            key(K_EPOCH).packLong(d.epochSecond());
            key(K_BINANCE_TS).packLong(d.binanceEventTimeMs());
            key(K_UPDATE_ID).packLong(d.updateId());
            key(K_BEST_BID).packDouble(d.bestBid());
            key(K_BEST_ASK).packDouble(d.bestAsk());
            doubles(K_BID_PRICES, d.bidPrices(), d.bidLevels());
            doubles(K_BID_SIZES, d.bidSizes(), d.bidLevels());
            doubles(K_ASK_PRICES, d.askPrices(), d.askLevels());
            doubles(K_ASK_SIZES, d.askSizes(), d.askLevels());
            doubles(K_BID_BUCKETS, d.bidBuckets(), d.numSteps());
            doubles(K_ASK_BUCKETS, d.askBuckets(), d.numSteps());
            key(K_STEP_PCT).packDouble(d.stepPct());
            key(K_NUM_STEPS).packInt(d.numSteps());
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // FrameOutput never throws
        }
    }

    private void doubles(byte[] key, double[] values, int n) throws IOException {
        key(key).packArrayHeader(n);
        for (int i = 0; i < n; i++) {
            packer.packDouble(values[i]);
        }
    }

    /** Encodes a hello control frame. Allocation here is fine: once per connection. */
    public int encodeHello(Hello hello) {
        try {
            begin();
            boolean acked = hello.acknowledged();
            packer.packMapHeader(acked ? 7 : 6);
            key(K_TYPE);
            str(FrameDescriptor.utf8(FrameDescriptor.TYPE_HELLO));
            key(FrameDescriptor.utf8(FrameDescriptor.KEY_SESSION)).packString(hello.sessionId());
            key(FrameDescriptor.utf8(FrameDescriptor.KEY_PROTO)).packInt(hello.protocolVersion());
            key(FrameDescriptor.utf8(FrameDescriptor.KEY_SYMBOLS)).packArrayHeader(hello.symbols().size());
            for (String s : hello.symbols()) {
                packer.packString(s);
            }
            key(FrameDescriptor.utf8(FrameDescriptor.KEY_LAST_SEQ)).packLong(hello.lastSeq());
            key(FrameDescriptor.utf8(FrameDescriptor.KEY_SENDER)).packString(hello.sender());
            if (acked) {
                key(FrameDescriptor.utf8(FrameDescriptor.KEY_ACKED)).packLong(hello.ackedSeq());
            }
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes a heartbeat control frame {@code {"type":"hb"}}. */
    public int encodeHeartbeat() {
        try {
            begin();
            packer.packMapHeader(1);
            key(K_TYPE);
            str(V_HB);
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a ping control frame {@code {"type":"ping","id":id,"t1":t1}} (receiver to sender).
     *
     * @param id ping id, echoed by the pong
     * @param t1EpochNanos the receiver's clock when it writes the ping, ns since the epoch
     */
    public int encodePing(long id, long t1EpochNanos) {
        try {
            begin();
            packer.packMapHeader(3);
            key(K_TYPE);
            str(V_PING);
            key(K_ID).packLong(id);
            key(K_T1).packLong(t1EpochNanos);
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a pong control frame {@code {"type":"pong","id","t1","t2","t3"}} (sender to receiver).
     *
     * @param id the ping's id
     * @param t1EpochNanos the ping's t1, echoed
     * @param t2EpochNanos the sender's clock when it read the ping, ns since the epoch
     * @param t3EpochNanos the sender's clock when it writes this pong, ns since the epoch
     */
    public int encodePong(long id, long t1EpochNanos, long t2EpochNanos, long t3EpochNanos) {
        return encodePong(id, t1EpochNanos, t2EpochNanos, t3EpochNanos, 0, 0);
    }

    /**
     * Encodes a pong that also carries when the previous pong left ({@code "prev_id"}, {@code "prev_write_ns"}, see
     * {@link FrameDescriptor#KEY_PREV_ID}); with {@code prevPingId <= 0} the same 5 keys as
     * {@link #encodePong(long, long, long, long)}.
     *
     * @param prevPingId the ping id the previous pong on this connection answered; 0: none
     * @param prevWriteNanos ns from that pong's {@code t3} to the return of its write and flush (monotonic), {@code >= 0}
     */
    public int encodePong(long id, long t1EpochNanos, long t2EpochNanos, long t3EpochNanos, long prevPingId,
            long prevWriteNanos) {
        try {
            begin();
            boolean prev = prevPingId > 0 && prevWriteNanos >= 0;
            packer.packMapHeader(prev ? 7 : 5);
            key(K_TYPE);
            str(V_PONG);
            key(K_ID).packLong(id);
            key(K_T1).packLong(t1EpochNanos);
            key(K_T2).packLong(t2EpochNanos);
            key(K_T3).packLong(t3EpochNanos);
            if (prev) {
                key(K_PREV_ID).packLong(prevPingId);
                key(K_PREV_WRITE_NS).packLong(prevWriteNanos);
            }
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes a resume control frame {@code {"type":"resume","seq":seq}} (receiver to sender, protocol 2): the
     * answer to a hello, the highest seq of the session the receiver already has. Allocates nothing.
     */
    public int encodeResume(long seq) {
        return encodeControlSeq(V_RESUME, seq);
    }

    /**
     * Encodes an acknowledgement {@code {"type":"ack","seq":seq}} (receiver to sender, protocol 2): the highest seq
     * delivered (or made durable by the host). Allocates nothing.
     */
    public int encodeAck(long seq) {
        return encodeControlSeq(V_ACK, seq);
    }

    /**
     * Encodes a feed outage {@code {"type":"outage","symbol":..,"from_ms":..,"to_ms":..,"reason":..}} (sender to
     * receiver): a wall-clock span, ms since the epoch, with no Binance connection for {@code symbol}. A control frame
     * (no seq, no ts). Allocates only for the strings' encoding; outages are rare.
     *
     * @throws IllegalArgumentException if {@code fromMs < 0} or {@code toMs < fromMs}
     */
    public int encodeFeedOutage(String symbol, long fromMs, long toMs, String reason) {
        if (fromMs < 0 || toMs < fromMs) {
            throw new IllegalArgumentException("outage span must be 0 <= from_ms <= to_ms, got " + fromMs + ".." + toMs);
        }
        try {
            begin();
            packer.packMapHeader(5);
            key(K_TYPE);
            str(V_OUTAGE);
            key(K_SYMBOL).packString(symbol);
            key(K_FROM_MS).packLong(fromMs);
            key(K_TO_MS).packLong(toMs);
            key(K_REASON).packString(reason);
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int encodeControlSeq(byte[] type, long seq) {
        try {
            begin();
            packer.packMapHeader(2);
            key(K_TYPE);
            str(type);
            key(K_SEQ).packLong(seq);
            return end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last encoded frame occupies {@code [0, length())}. */
    public byte[] buffer() {
        return output.array;
    }

    /** Length of the last encoded frame, prefix included. */
    public int length() {
        return length;
    }

    private void begin() throws IOException {
        output.committed = 0;
    }

    private int end() throws IOException {
        packer.flush();
        int n = output.committed;
        byte[] a = output.array;
        a[0] = (byte) (n >>> 24);
        a[1] = (byte) (n >>> 16);
        a[2] = (byte) (n >>> 8);
        a[3] = (byte) n;
        length = n + FrameDescriptor.LENGTH_FIELD_LENGTH;
        return length;
    }

    private MessagePacker key(byte[] utf8) throws IOException {
        return str(utf8);
    }

    private MessagePacker str(byte[] utf8) throws IOException {
        packer.packRawStringHeader(utf8.length);
        packer.writePayload(utf8);
        return packer;
    }

    /**
     * Output that places the packer's bytes right after a 4-byte hole for the length prefix, in one array that
     * grows only when a frame outgrows it. The common case hands the packer the same {@link MessageBuffer}
     * every time, so encoding allocates nothing.
     */
    private static final class FrameOutput implements MessageBufferOutput {
        byte[] array = new byte[1024];
        int committed; // payload bytes written after the prefix
        private MessageBuffer whole = MessageBuffer.wrap(array, 4, array.length - 4);

        @Override
        public MessageBuffer next(int minimumSize) {
            int start = 4 + committed;
            ensure(start + minimumSize);
            if (committed == 0) {
                return whole;
            }
            return MessageBuffer.wrap(array, start, array.length - start);
        }

        @Override
        public void writeBuffer(int length) {
            committed += length;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            ensure(4 + committed + length);
            System.arraycopy(buffer, offset, array, 4 + committed, length);
            committed += length;
        }

        @Override
        public void add(byte[] buffer, int offset, int length) {
            write(buffer, offset, length);
        }

        @Override
        public void close() {
        }

        @Override
        public void flush() {
        }

        private void ensure(int capacity) {
            if (capacity > array.length) {
                array = Arrays.copyOf(array, Math.max(capacity, array.length * 2));
                whole = MessageBuffer.wrap(array, 4, array.length - 4);
            }
        }
    }
}
