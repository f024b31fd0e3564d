/**
 * The sender daemon: reads Binance bookTicker over WebSocket and relays every update as frames (see
 * {@code eu.bborelay.common.FrameDescriptor}) over mutual TLS 1.3 to the receiver.
 *
 * <p>Public types: {@link eu.bborelay.sender.Sender} (start/stats/close), {@link eu.bborelay.sender.SenderConfig}
 * (builder and environment), {@link eu.bborelay.sender.SenderStats}, {@link eu.bborelay.sender.InvalidReason} and
 * the daemon's {@link eu.bborelay.sender.SenderMain}. Everything else is package-private.
 *
 * <p>Nothing here accepts or returns null unless documented.
 */
package eu.bborelay.sender;
