/**
 * Binance local order books: depth events and REST snapshots parsed to exact scaled longs ({@link
 * eu.bborelay.depth.Decimals}), a sorted book per symbol ({@link eu.bborelay.depth.OrderBook}), kept in sync with
 * Binance's documented procedures by {@link eu.bborelay.depth.DepthBook}, the snapshot request policy ({@link
 * eu.bborelay.depth.SnapshotRequestPolicy}), and the log-delta depth buckets of the original collector ({@link
 * eu.bborelay.depth.DepthBuckets}, {@link eu.bborelay.depth.BigtableDepthRow}).
 *
 * <p>Usage, on the one thread that owns the books (a recorder's Binance read thread):
 * <pre>{@code
 * DepthParser parser = new DepthParser();
 * DepthEvent event = new DepthEvent();
 * DepthBook book = new DepthBook(DepthBook.Market.SPOT, "BTCUSDT", Decimals.DEFAULT_SCALE, Decimals.DEFAULT_SCALE,
 *         b -> restClient.requestSnapshotLater(b.symbol()), DepthBookListener.NO_OP);
 * // for every text message of the stream:
 * if (parser.parseEvent(text, event) == DepthParser.Result.DEPTH_UPDATE) {
 *     book.onEvent(event);
 * }
 * // when the REST snapshot arrives (handed to the owner thread):
 * DepthSnapshot snapshot = new DepthSnapshot();
 * if (parser.parseSnapshot(body, snapshot)) {
 *     book.onSnapshot(snapshot);
 * }
 * if (book.isSynced()) { long bestBid = book.book().bids().bestPrice(); }
 * }</pre>
 *
 * <p>Nothing here accepts or returns {@code null} unless documented. No class is thread-safe: each book, parser and
 * policy has one owning thread. Prices and quantities are scaled longs ({@code value × 10^scale}); times are Binance
 * milliseconds since the Unix epoch unless a name says otherwise.
 */
package eu.bborelay.depth;
