/**
 * The embeddable receiver of the relayed Binance best bid/ask stream: it accepts senders over mutual TLS 1.3,
 * decodes their frames, counts every lost update as a gap, measures one-way latency and hands each quote to a
 * {@link eu.bborelay.receiver.TickerListener}.
 *
 * <pre>{@code
 * ReceiverConfig config = ReceiverConfig.builder()
 *         .port(9001)
 *         .tls(Path.of("/certs/receiver.crt"), Path.of("/certs/receiver.key"), Path.of("/certs/ca.crt"))
 *         .build();
 * try (Receiver receiver = Receiver.start(config, quote -> strategy.onMid(quote.symbol(), quote.mid()))) {
 *     BookTicker btc = receiver.latest("BTCUSDT"); // or poll from any thread
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: {@code relay-receiver-acceptor} accepts connections; each sender connection gets its own reader
 * thread {@code relay-receiver-conn-<n>}, which decodes, tracks sequence numbers, records latency and calls the
 * listener; {@code relay-receiver-stats} logs the periodic stats lines. See {@code docs/CONCURRENCY.md}.
 *
 * <p>Nothing in this package accepts or returns null unless its documentation says so.
 */
package eu.bborelay.receiver;
