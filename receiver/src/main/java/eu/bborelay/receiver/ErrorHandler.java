package eu.bborelay.receiver;

/**
 * Receives errors raised inside the receiver that the host may want to see: exceptions thrown by a
 * {@link TickerListener}, and unexpected failures of the receiver's own threads. Wire problems (malformed
 * frames, refused handshakes) are counted in {@link ReceiverStats} and logged instead.
 *
 * <p>Called on the thread that hit the error (a connection's reader thread for listener exceptions), so it must
 * be quick, thread-safe and must not throw. The default (see {@link ReceiverConfig.Builder#errorHandler}) logs
 * the first error with its stack trace and later ones as a count per stats interval.
 */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * @param t the error; valid beyond the call
     */
    void onError(Throwable t);
}
