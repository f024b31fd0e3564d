package eu.bborelay.common;

import java.util.List;

/**
 * The control frame a sender writes first on every connection.
 *
 * @param sessionId identifies one sender process lifetime; a new id means {@code seq} restarts at 1
 * @param protocolVersion {@link FrameDescriptor#PROTOCOL_VERSION} of the sender
 * @param symbols the symbols the sender relays, upper case
 * @param lastSeq the highest {@code seq} this sender wrote on any earlier connection of this session, 0 if none.
 *                A receiver that has not seen the session counts gaps from here.
 * @param sender free-form sender name and version, e.g. {@code bbo-relay-sender/0.1.0}; empty when absent
 * @param ackedSeq protocol 2: the highest {@code seq} a receiver acknowledged on an earlier connection of this
 *                 session, 0 if none; {@link #NO_ACKED_SEQ} when absent (protocol 1 and the original sender)
 */
public record Hello(String sessionId, int protocolVersion, List<String> symbols, long lastSeq, String sender,
                    long ackedSeq) {
    /** {@link #ackedSeq()} of a hello without the {@code acked} key (protocol 1). */
    public static final long NO_ACKED_SEQ = -1;

    public Hello {
        symbols = List.copyOf(symbols);
    }

    /** A protocol-1 hello: no {@code acked}. */
    public Hello(String sessionId, int protocolVersion, List<String> symbols, long lastSeq, String sender) {
        this(sessionId, protocolVersion, symbols, lastSeq, sender, NO_ACKED_SEQ);
    }

    /** Whether the sender acknowledges (protocol 2 or later, with {@code acked}): it waits for a resume. */
    public boolean acknowledged() {
        return ackedSeq >= 0;
    }
}
