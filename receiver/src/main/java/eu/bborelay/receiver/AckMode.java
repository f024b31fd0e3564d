package eu.bborelay.receiver;

/**
 * When this receiver acknowledges a {@code seq} to a sender that asks for acknowledgements (protocol 2; see
 * docs/PROTOCOL.md, "Acknowledgements and resend"). The sender keeps every frame until it is acknowledged and resends
 * what the receiver lacks after a reconnect, so the mode decides what a crash of this process can lose.
 */
public enum AckMode {
    /**
     * After the listener's {@code onBookTicker}/{@code onTrade} returned (the default). A crash of the host loses what
     * the listener took but the host had not acted on; a restart after a {@code kill -9} receives again (at least
     * once) what was delivered in the last acknowledgement interval.
     */
    DELIVERED,
    /**
     * When the host calls {@link Receiver#acknowledge(String, long)} (e.g. after it journaled the update): nothing the
     * host did not make durable is acknowledged, and a restarted host that tells the receiver where it stands
     * ({@link TickerListener#resumeFrom}) receives every update exactly once.
     */
    HOST
}
