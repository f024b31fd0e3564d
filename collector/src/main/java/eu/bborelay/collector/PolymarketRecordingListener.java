package eu.bborelay.collector;

import eu.bborelay.polymarket.BookView;
import eu.bborelay.polymarket.Decimals;
import eu.bborelay.polymarket.MarketListener;
import eu.bborelay.polymarket.StaleReason;
import eu.bborelay.polymarket.Trade;
import eu.bborelay.recording.PolymarketTables;
import eu.bborelay.recording.PolymarketTables.L2Columns;
import eu.bborelay.recording.PolymarketTables.TradeColumns;
import eu.bborelay.recording.Recorder;
import eu.bborelay.recording.Row;
import java.util.HashMap;
import java.util.Map;

/**
 * The collector's Polymarket {@link MarketListener}: every book change and every trade of the market channel becomes
 * one row, appended to the {@link Recorder} (journal {@code write(2)} before it returns, then Parquet) on the
 * client's read thread.
 *
 * <p>{@link #onBook} → {@code polymarket/l2}: {@code recv_ts} = {@link BookView#receiveEpochNanos()} (this host's
 * wall clock when the frame was received, ns), {@code bids}/{@code asks} = the local book after the change, best
 * level first, prices and sizes as the nearest doubles of the exact decimals; {@code exch_ts} = Polymarket's
 * {@code timestamp} (ms; null when absent), {@code market}, {@code event_type} ({@code book} or
 * {@code price_change}), {@code hash} (null when absent). {@link #onTrade} → {@code polymarket/trades}. Columns:
 * {@link PolymarketTables}.
 *
 * <p><b>Top N levels</b> ({@code levels > 0}, the collector's {@code POLYMARKET_L2_LEVELS}): each side is cut to its
 * best {@code levels} levels, and a {@code price_change} that leaves those levels (prices and sizes) of both sides as
 * in the token's previous row writes no row: counted in {@link #unchangedTopSkipped()}, never silently. A {@code book}
 * snapshot is always written (it marks a resync). With {@code levels = 0} every change is a row.
 *
 * <p>A crossed book (best bid at or above best ask, which Polymarket's channel really shows at moments) is recorded
 * as it is. Changes that arrive while a book is unsynced (after a reconnect, before its snapshot) never reach this
 * listener: the client counts them ({@code changesWhileUnsynced}); the snapshot that resyncs the book is a row.
 *
 * <p>Threading: called on the client's one read thread (calls never overlap); the counters are readable from any
 * thread. After the first rows of the deepest book, nothing is allocated per message except the {@code hash} text.
 */
final class PolymarketRecordingListener implements MarketListener {
    private final Recorder recorder;
    private final int levels;
    private final Row l2 = new Row(PolymarketTables.L2);
    private final Row trade = new Row(PolymarketTables.TRADES);
    private double[] bidPrices = new double[64];
    private double[] bidSizes = new double[64];
    private double[] askPrices = new double[64];
    private double[] askSizes = new double[64];
    /** Top-N mode: per token, the levels of its last row (millionths): bid count, ask count, then 2 longs a level. */
    private final Map<String, long[]> lastTop = new HashMap<>();
    private volatile long l2Rows;
    private volatile long tradeRows;
    private volatile long refusedRows;
    private volatile long unchangedTopSkipped;
    private volatile long staleEvents;

    /**
     * @param recorder opened with {@link PolymarketTables#ALL}
     * @param levels   best levels kept per side, 0 = the whole book
     */
    PolymarketRecordingListener(Recorder recorder, int levels) {
        if (levels < 0) {
            throw new IllegalArgumentException("levels must be >= 0: " + levels);
        }
        this.recorder = recorder;
        this.levels = levels;
    }

    @Override
    public void onBook(String assetId, BookView book) {
        int bids = levels == 0 ? book.bidCount() : Math.min(levels, book.bidCount());
        int asks = levels == 0 ? book.askCount() : Math.min(levels, book.askCount());
        boolean snapshot = "book".equals(book.eventType());
        if (levels > 0 && !topChanged(assetId, book, bids, asks) && !snapshot) {
            unchangedTopSkipped++;
            return;
        }
        ensureCapacity(Math.max(bids, asks));
        for (int i = 0; i < bids; i++) {
            bidPrices[i] = Decimals.toDouble(book.bidPrice(i));
            bidSizes[i] = Decimals.toDouble(book.bidSize(i));
        }
        for (int i = 0; i < asks; i++) {
            askPrices[i] = Decimals.toDouble(book.askPrice(i));
            askSizes[i] = Decimals.toDouble(book.askSize(i));
        }
        Row r = l2.clear().setLong(L2Columns.RECV_TS, book.receiveEpochNanos()).setString(L2Columns.TOKEN_ID, assetId)
                .setLevels(L2Columns.BIDS, bidPrices, bidSizes, bids)
                .setLevels(L2Columns.ASKS, askPrices, askSizes, asks)
                .setString(L2Columns.MARKET, book.market())
                .setString(L2Columns.EVENT_TYPE, book.eventType() == null ? "book" : book.eventType())
                .setString(L2Columns.HASH, book.hash());
        if (book.exchangeTimestampMillis() > 0) {
            r.setLong(L2Columns.EXCH_TS, book.exchangeTimestampMillis());
        }
        if (recorder.append(r)) {
            l2Rows++;
        } else {
            refusedRows++;
        }
    }

    @Override
    public void onTrade(Trade t) {
        Row r = trade.clear().setLong(TradeColumns.RECV_TS, t.receiveEpochNanos())
                .setString(TradeColumns.TOKEN_ID, t.assetId())
                .setDouble(TradeColumns.PRICE, Decimals.toDouble(t.price()))
                .setDouble(TradeColumns.SIZE, Decimals.toDouble(t.size()))
                .setString(TradeColumns.SIDE, t.side() == null ? null : t.side().name())
                .setString(TradeColumns.MARKET, t.market());
        if (t.exchangeTimestampMillis() > 0) {
            r.setLong(TradeColumns.EXCH_TS, t.exchangeTimestampMillis());
        }
        if (t.feeRateBps() >= 0) {
            r.setLong(TradeColumns.FEE_RATE_BPS, t.feeRateBps());
        }
        if (recorder.append(r)) {
            tradeRows++;
        } else {
            refusedRows++;
        }
    }

    @Override
    public void onStale(String assetId, StaleReason reason) {
        staleEvents++;
    }

    /** Top-N mode: compares with, and then stores, the token's last recorded levels. */
    private boolean topChanged(String assetId, BookView book, int bids, int asks) {
        long[] last = lastTop.get(assetId);
        int need = 2 + 2 * (2 * levels);
        if (last == null) {
            last = new long[need];
            last[0] = -1;
            lastTop.put(assetId, last);
        }
        boolean changed = last[0] != bids || last[1] != asks;
        int k = 2;
        for (int i = 0; i < bids; i++, k += 2) {
            changed |= last[k] != book.bidPrice(i) || last[k + 1] != book.bidSize(i);
            last[k] = book.bidPrice(i);
            last[k + 1] = book.bidSize(i);
        }
        k = 2 + 2 * levels;
        for (int i = 0; i < asks; i++, k += 2) {
            changed |= last[k] != book.askPrice(i) || last[k + 1] != book.askSize(i);
            last[k] = book.askPrice(i);
            last[k + 1] = book.askSize(i);
        }
        last[0] = bids;
        last[1] = asks;
        return changed;
    }

    private void ensureCapacity(int n) {
        if (n > bidPrices.length) {
            int size = Math.max(n, bidPrices.length * 2);
            bidPrices = new double[size];
            bidSizes = new double[size];
            askPrices = new double[size];
            askSizes = new double[size];
        }
    }

    /** Rows written to {@code polymarket/l2}. */
    long l2Rows() {
        return l2Rows;
    }

    /** Rows written to {@code polymarket/trades}. */
    long tradeRows() {
        return tradeRows;
    }

    /** Rows the recorder refused (bad input such as a NaN, storage failure; the recorder says which). */
    long refusedRows() {
        return refusedRows;
    }

    /** Top-N mode: book changes beyond the recorded levels, not written (0 with the whole book). */
    long unchangedTopSkipped() {
        return unchangedTopSkipped;
    }

    /** {@code onStale} calls (disconnects, unsynced books, crossed books). */
    long staleEvents() {
        return staleEvents;
    }

    /** The best levels kept per side; 0 = the whole book. */
    int levels() {
        return levels;
    }
}
