package eu.bborelay.sender;

import java.util.Locale;

/**
 * Why a Binance message that claimed to be a bookTicker update was rejected. Such a message takes no {@code seq}:
 * it is counted per reason in {@link SenderStats#invalid()} and one example per stats interval is logged.
 */
public enum InvalidReason {
    /** A required field ({@code u, s, b, B, a, A}) is absent or null, or a known field has the wrong JSON type. */
    MISSING_FIELD,
    /** A price is unparsable, NaN, infinite, zero or negative; or a quantity is unparsable, NaN, infinite or negative. */
    BAD_PRICE,
    /** Best bid at or above best ask. */
    CROSSED_BOOK,
    /** The text is not well-formed JSON (or is a bare JSON scalar). */
    MALFORMED_JSON;

    /** Lower-case name used in the stats line, e.g. {@code bad_price}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
