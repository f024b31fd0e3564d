package eu.bborelay.collector;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.Trade;
import eu.bborelay.receiver.TickerListener;
import eu.bborelay.recording.BinanceTables;
import eu.bborelay.recording.BinanceTables.AggTrades;
import eu.bborelay.recording.BinanceTables.Bbo;
import eu.bborelay.recording.BinanceTables.FeedOutages;
import eu.bborelay.recording.BinanceTables.Trades;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.Row;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's {@link TickerListener}: every delivered update becomes one row, appended to the
 * {@link Recorder} (journal {@code write(2)} before it returns, then Parquet) on the receiver's reader thread.
 *
 * <p>bookTicker → {@code binance/bbo}: {@code recv_ts} = {@link BookTicker#receiveEpochNanos()} (this host's wall
 * clock when the frame was decoded, ns), {@code exch_ts} = Binance's event time {@code E} in ms (USD-M and COIN-M;
 * null for spot, whose bookTicker has none), {@code update_id} = {@code u}, {@code seq} and {@code send_ts} (the
 * relay frame's {@code seq} and {@code ts}). A trade → {@code binance/trades} ({@code trade_id} = {@code t}), an
 * aggregate trade → {@code binance/agg_trades} ({@code agg_id}, {@code first_id}, {@code last_id} = {@code a},
 * {@code f}, {@code l}): {@code exch_ts} = trade time {@code T} (ms), {@code side} = the taker's side
 * ({@code buy}/{@code sell}), {@code event_ts} = {@code E} (ms, null when absent); an aggregate trade's
 * {@code backfilled} = {@link Trade#backfilled()} (fetched by the sender from Binance's REST to fill an exchange gap).
 * Trades are never conflated by the sender, so every trade id is recorded once unless counted as a gap.
 *
 * <p><b>Restart without loss or duplicate.</b> With the {@link SessionMark} it resumes the sender session it was
 * recording before a restart or {@code kill -9}: an update with {@code seq} at or below the recorded mark is skipped
 * ({@link #alreadyRecorded()}: the sender replays its latest quote per symbol on reconnection), and the updates the
 * sender wrote before this process existed but that were never recorded (in the dead process's socket) are counted
 * as gaps ({@link #restartGaps()}), which the receiver itself cannot see. So, per sender session:
 * {@code rows recorded + rows refused + receiver gaps + restart gaps = updates the sender took}.
 *
 * <p>A feed outage the sender reports ({@link #onFeedOutage}) → {@code binance/feed_outages}, {@code recv_ts} = this
 * host's wall clock at receipt (ns). It has no seq: it is not in the count above, and the session mark ignores it.
 *
 * <p>Threading: called on the receiver's reader threads (one per sender connection); each thread fills its own
 * {@link Row}. Nothing is allocated per update after a connection's first.
 */
final class RecordingListener implements TickerListener {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingListener.class);

    /** The state of one reader thread, i.e. of one sender connection. */
    private static final class PerConnection {
        final Row bbo = new Row(BinanceTables.BBO);
        final Row trade = new Row(BinanceTables.TRADES);
        final Row aggTrade = new Row(BinanceTables.AGG_TRADES);
        final Row outage = new Row(BinanceTables.FEED_OUTAGES);
        String session;
        long skipUpTo;
        long replayHigh;
    }

    private final Recorder recorder;
    private final SessionMark mark;
    private final ThreadLocal<PerConnection> perConnection = ThreadLocal.withInitial(PerConnection::new);
    private final LongAdder alreadyRecorded = new LongAdder();
    private final LongAdder restartGaps = new LongAdder();
    private final LongAdder feedOutages = new LongAdder();
    /** The session whose seq the mark holds (the same String instance as its connection's {@code session}). */
    private volatile String markedSession;
    /** The session a previous run recorded and the highest seq it recorded; resumed at its first hello. */
    private final String resumeSession;
    private final long resumeSeq;
    private boolean resumed;
    private long markedSeq;

    RecordingListener(Recorder recorder, SessionMark mark) {
        this.recorder = recorder;
        this.mark = mark;
        this.resumeSession = mark.recoveredSession();
        this.resumeSeq = mark.recoveredSeq();
        if (resumeSession != null) {
            LOG.info("A previous run recorded sender session {} up to seq {}: resumed if that sender reconnects",
                    resumeSession, resumeSeq);
        }
    }

    /**
     * Protocol 2: the receiver starts a session new to it (this process restarted) at what the previous run recorded,
     * so the sender resends what is above it and the receiver counts the rest as gaps; {@code onSession} then gets that
     * resume point as {@code lastSeq}, and no restart gap is left to count here.
     */
    @Override
    public long resumeFrom(String sessionId) {
        return sessionId.equals(resumeSession) ? resumeSeq : 0;
    }

    @Override
    public void onSession(String sessionId, long lastSeq) {
        PerConnection c = perConnection.get();
        c.session = sessionId;
        c.skipUpTo = 0;
        c.replayHigh = 0;
        synchronized (this) {
            boolean previousRun = sessionId.equals(resumeSession);
            if (previousRun) {
                c.skipUpTo = resumeSeq;
                if (!resumed) {
                    resumed = true;
                    long lost = Math.max(0, lastSeq - resumeSeq);
                    c.replayHigh = lastSeq;
                    restartGaps.add(lost);
                    LOG.info("Resuming sender session {}: recorded up to seq {} before the restart, the sender wrote"
                            + " up to {}; {} update(s) not recorded count as gaps unless replayed now", sessionId,
                            resumeSeq, lastSeq, lost);
                }
            }
            if (!sessionId.equals(markedSession)) {
                markedSeq = previousRun ? resumeSeq : 0;
                mark.session(sessionId, markedSeq);
            }
            markedSession = sessionId;
            c.session = sessionId;
        }
    }

    @Override
    public void onBookTicker(BookTicker q) {
        PerConnection c = perConnection.get();
        long seq = q.seq();
        if (!admit(c, seq)) {
            return;
        }
        Row row = c.bbo.clear()
                .setLong(Bbo.RECV_TS, q.receiveEpochNanos())
                .setString(Bbo.SYMBOL, q.symbol())
                .setDouble(Bbo.BID, q.bid())
                .setDouble(Bbo.ASK, q.ask())
                .setDouble(Bbo.BID_QTY, q.bidQty())
                .setDouble(Bbo.ASK_QTY, q.askQty())
                .setLong(Bbo.UPDATE_ID, q.updateId())
                .setLong(Bbo.SEQ, seq)
                .setLong(Bbo.SEND_TS, q.sendEpochNanos());
        if (q.binanceEventTimeMs() != 0) {
            row.setLong(Bbo.EXCH_TS, q.binanceEventTimeMs());
        }
        pending(c, seq, q.receiveEpochNanos());
        if (recorder.append(row)) {
            recorded(c, seq);
        }
    }

    @Override
    public void onTrade(Trade t) {
        PerConnection c = perConnection.get();
        long seq = t.seq();
        if (!admit(c, seq)) {
            return;
        }
        Row row;
        if (t.type() == Trade.Type.AGG_TRADE) {
            row = c.aggTrade.clear()
                    .setLong(AggTrades.RECV_TS, t.receiveEpochNanos())
                    .setLong(AggTrades.EXCH_TS, t.tradeTimeMs())
                    .setString(AggTrades.SYMBOL, t.symbol())
                    .setDouble(AggTrades.PRICE, t.price())
                    .setDouble(AggTrades.QTY, t.qty())
                    .setString(AggTrades.SIDE, t.takerSide().wireName())
                    .setLong(AggTrades.AGG_ID, t.aggId())
                    .setLong(AggTrades.FIRST_ID, t.firstTradeId())
                    .setLong(AggTrades.LAST_ID, t.lastTradeId())
                    .setLong(AggTrades.SEQ, seq)
                    .setLong(AggTrades.SEND_TS, t.sendEpochNanos())
                    .setBoolean(AggTrades.BACKFILLED, t.backfilled());
            if (t.eventTimeMs() != 0) {
                row.setLong(AggTrades.EVENT_TS, t.eventTimeMs());
            }
        } else {
            row = c.trade.clear()
                    .setLong(Trades.RECV_TS, t.receiveEpochNanos())
                    .setLong(Trades.EXCH_TS, t.tradeTimeMs())
                    .setString(Trades.SYMBOL, t.symbol())
                    .setDouble(Trades.PRICE, t.price())
                    .setDouble(Trades.QTY, t.qty())
                    .setString(Trades.SIDE, t.takerSide().wireName())
                    .setLong(Trades.TRADE_ID, t.tradeId())
                    .setLong(Trades.SEQ, seq)
                    .setLong(Trades.SEND_TS, t.sendEpochNanos());
            if (t.eventTimeMs() != 0) {
                row.setLong(Trades.EVENT_TS, t.eventTimeMs());
            }
        }
        pending(c, seq, t.receiveEpochNanos());
        if (recorder.append(row)) {
            recorded(c, seq);
        }
    }

    @Override
    public void onFeedOutage(String symbol, long fromEpochMs, long toEpochMs, String reason) {
        PerConnection c = perConnection.get();
        Row row = c.outage.clear()
                .setLong(FeedOutages.RECV_TS, EpochNanoClock.SYSTEM.epochNanos())
                .setString(FeedOutages.SYMBOL, symbol)
                .setLong(FeedOutages.FROM_MS, fromEpochMs)
                .setLong(FeedOutages.TO_MS, toEpochMs)
                .setString(FeedOutages.REASON, reason)
                .setString(FeedOutages.SESSION, c.session == null ? "" : c.session);
        if (recorder.append(row)) {
            feedOutages.increment();
        }
    }

    /** Feed outages recorded (rows of {@code binance/feed_outages}). */
    long feedOutages() {
        return feedOutages.sum();
    }

    /** False for an update a previous run recorded; counts a replayed update the crash had lost as not lost. */
    private boolean admit(PerConnection c, long seq) {
        if (seq <= c.skipUpTo) {
            alreadyRecorded.increment();
            return false;
        }
        if (seq <= c.replayHigh) {
            restartGaps.decrement(); // sent before the restart and not recorded, replayed now: not lost after all
        }
        return true;
    }

    /** Before the append: should the process die between journal and mark, the restart finds this row. */
    private void pending(PerConnection c, long seq, long recvTs) {
        if (c.session != null && c.session == markedSession && seq > markedSeq) {
            mark.pending(seq, recvTs);
        }
    }

    private void recorded(PerConnection c, long seq) {
        if (c.session != null && c.session == markedSession && seq > markedSeq) {
            markedSeq = seq;
            mark.seq(seq);
        }
    }

    /** Updates skipped because a previous run had recorded them (replays after a restart). */
    long alreadyRecorded() {
        return alreadyRecorded.sum();
    }

    /** Updates the sender wrote before this process started that no run recorded: gaps the receiver cannot see. */
    long restartGaps() {
        return restartGaps.sum();
    }
}
