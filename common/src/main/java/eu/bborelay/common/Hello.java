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
 */
public record Hello(String sessionId, int protocolVersion, List<String> symbols, long lastSeq, String sender) {
    public Hello {
        symbols = List.copyOf(symbols);
    }
}
