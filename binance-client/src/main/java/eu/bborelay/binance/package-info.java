/**
 * The one Binance market-stream client (module {@code binance-client}), with no relay concern:
 * {@link eu.bborelay.binance.BinanceStreamClient} (one WebSocket connection: liveness, read thread, refused
 * upgrades), {@link eu.bborelay.binance.UpgradeRefusal} (429/418 and {@code Retry-After}),
 * {@link eu.bborelay.binance.BinanceMarket} (spot, USD-M, COIN-M: limits, REST, routing),
 * {@link eu.bborelay.binance.StreamKind} and {@link eu.bborelay.binance.StreamSelection} (which streams
 * per symbol, as data), {@link eu.bborelay.binance.Backoff} (reconnect delays with jitter) and
 * {@link eu.bborelay.binance.ConnectionBudget} (connection attempts per IP). Nothing here knows the receiver link, seq
 * numbers, frames or order books. Used by the relay sender and the depth recorder.
 */
package eu.bborelay.binance;
