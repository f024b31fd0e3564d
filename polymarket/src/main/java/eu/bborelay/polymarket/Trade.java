package eu.bborelay.polymarket;

/**
 * One {@code last_trade_price} message of the market channel. Mutable and <b>reused</b> by the client: valid only
 * during {@link MarketListener#onTrade}; {@link #copy()} keeps one. Prices and sizes in millionths
 * ({@link Decimals}).
 */
public final class Trade {
    String assetId;
    String market;
    long price;
    long size;
    Side side;
    long feeRateBps;
    long exchangeTimestampMillis;
    String transactionHash;
    long receiveEpochNanos;

    /** {@code asset_id}. */
    public String assetId() { return assetId; }

    /** {@code market} (condition id); null when absent. */
    public String market() { return market; }

    /** {@code price}, millionths. */
    public long price() { return price; }

    /** {@code size} (shares), millionths. */
    public long size() { return size; }

    /** {@code side} as Polymarket sends it; null when absent. */
    public Side side() { return side; }

    /** {@code fee_rate_bps}, basis points; -1 when absent. */
    public long feeRateBps() { return feeRateBps; }

    /** {@code timestamp}, ms since the Unix epoch; 0 when absent. */
    public long exchangeTimestampMillis() { return exchangeTimestampMillis; }

    /** {@code transaction_hash}; null when absent (older messages have none). */
    public String transactionHash() { return transactionHash; }

    /** Local wall-clock receive time of the frame, ns since the Unix epoch. */
    public long receiveEpochNanos() { return receiveEpochNanos; }

    /** An independent copy. */
    public Trade copy() {
        Trade t = new Trade();
        t.assetId = assetId;
        t.market = market;
        t.price = price;
        t.size = size;
        t.side = side;
        t.feeRateBps = feeRateBps;
        t.exchangeTimestampMillis = exchangeTimestampMillis;
        t.transactionHash = transactionHash;
        t.receiveEpochNanos = receiveEpochNanos;
        return t;
    }

    @Override
    public String toString() {
        return "Trade{" + assetId + " " + side + " " + Decimals.toString(size) + " @ " + Decimals.toString(price)
                + " fee=" + feeRateBps + "bps ts=" + exchangeTimestampMillis + "}";
    }
}
