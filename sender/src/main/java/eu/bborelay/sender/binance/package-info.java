/**
 * Binance market-stream client parts with no relay concern, to be shared with the order-book recorders:
 * {@link eu.bborelay.sender.binance.BinanceStreamClient} (one WebSocket connection: liveness, read thread, refused
 * upgrades), {@link eu.bborelay.sender.binance.UpgradeRefusal} (429/418 and {@code Retry-After}),
 * {@link eu.bborelay.sender.binance.BinanceMarket} (spot, USD-M, COIN-M: limits, REST, routing),
 * {@link eu.bborelay.sender.binance.StreamKind} and {@link eu.bborelay.sender.binance.StreamSelection} (which streams
 * per symbol, as data). Nothing here knows the receiver link, seq numbers or frames.
 */
package eu.bborelay.sender.binance;
