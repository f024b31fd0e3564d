package eu.bborelay.polymarket;

/**
 * The {@code side} field of Polymarket's market channel. In a {@code price_change} entry it names the book side of
 * the level ({@code BUY} = bids, {@code SELL} = asks); in a {@code last_trade_price} it is Polymarket's {@code side}
 * of the trade, passed on unchanged.
 */
public enum Side {
    BUY,
    SELL
}
