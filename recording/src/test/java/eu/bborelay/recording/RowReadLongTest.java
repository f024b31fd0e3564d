package eu.bborelay.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.recording.BinanceTables.Trades;
import eu.bborelay.recording.PolymarketTables.L2Columns;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** {@link Row#readLong} finds an int64 column past strings, lists and nulls in a row's binary form. */
class RowReadLongTest {
    @Test
    void readsPastAStringAndSeesANull() {
        Row row = new Row(BinanceTables.TRADES).setLong(Trades.RECV_TS, 11).setLong(Trades.EXCH_TS, 12)
                .setString(Trades.SYMBOL, "BTCUSDT").setDouble(Trades.PRICE, 1.5).setDouble(Trades.QTY, 2)
                .setString(Trades.SIDE, "sell").setLong(Trades.TRADE_ID, 777).setLong(Trades.SEQ, 42)
                .setLong(Trades.SEND_TS, 13);
        ByteBuffer body = encode(row);
        int at = body.position();
        assertEquals(42, Row.readLong(BinanceTables.TRADES, body, Trades.SEQ, -1));
        assertEquals(777, Row.readLong(BinanceTables.TRADES, body, Trades.TRADE_ID, -1));
        assertEquals(11, Row.readLong(BinanceTables.TRADES, body, Trades.RECV_TS, -1));
        assertEquals(-1, Row.readLong(BinanceTables.TRADES, body, Trades.EVENT_TS, -1), "unset nullable = null");
        assertEquals(at, body.position(), "the position is left alone");
        assertThrows(IllegalArgumentException.class, () -> Row.readLong(BinanceTables.TRADES, body, Trades.PRICE, 0));
        assertThrows(IllegalArgumentException.class, () -> Row.readLong(BinanceTables.TRADES, body, Trades.SYMBOL, 0),
                "the partition column is not in the body");
    }

    @Test
    void readsPastLevelLists() {
        Row row = new Row(PolymarketTables.L2).setLong(L2Columns.RECV_TS, 5).setString(L2Columns.TOKEN_ID, "123")
                .setLevels(L2Columns.BIDS, new double[] {0.5, 0.49}, new double[] {10, 20}, 2)
                .setLevels(L2Columns.ASKS, new double[] {0.51}, new double[] {7}, 1)
                .setLong(L2Columns.EXCH_TS, 1_790_658_827_000L).setString(L2Columns.EVENT_TYPE, "book");
        assertEquals(1_790_658_827_000L, Row.readLong(PolymarketTables.L2, encode(row), L2Columns.EXCH_TS, -1));
    }

    private static ByteBuffer encode(Row row) {
        assertEquals(null, row.validate());
        ByteBuffer buf = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(3); // not at 0: the journal's header precedes a body
        assertTrue(row.encode(buf));
        buf.limit(buf.position()).position(3);
        return buf;
    }
}
