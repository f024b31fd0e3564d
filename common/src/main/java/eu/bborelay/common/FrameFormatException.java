package eu.bborelay.common;

/**
 * A frame that breaks the wire contract. {@link #reason()} says which rule, for counting; the message is one
 * clear sentence for the log. Thrown by {@link FrameDecoder} and {@link FrameReader}.
 */
public final class FrameFormatException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    /** Which rule a frame broke. */
    public enum Reason {
        /** Length prefix is 0 or above the maximum: the stream cannot be trusted any more; close it. */
        BAD_LENGTH,
        /** The payload is not one well-formed msgpack map with string keys. */
        MALFORMED_MSGPACK,
        /** A data frame lacks a required key ({@code seq}, {@code ts}, {@code symbol}, {@code bid}, {@code ask}). */
        MISSING_KEY,
        /** A known key holds a value of the wrong type or out of range. */
        BAD_VALUE
    }

    private final Reason reason;

    public FrameFormatException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public FrameFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
