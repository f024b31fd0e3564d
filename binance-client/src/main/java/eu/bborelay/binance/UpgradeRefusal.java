package eu.bborelay.binance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.handshake.Handshakedata;

/**
 * The HTTP status and {@code Retry-After} of a refused WebSocket upgrade. Binance answers 429 when an IP exceeds its
 * connection-attempt limit and 418 when the IP is banned for it, both with {@code Retry-After} in seconds (Binance
 * WebSocket Streams, "WebSocket Limits"; REST "LIMITS"). Java-WebSocket reports a refused upgrade only as an exception
 * message, so {@link #draft(int)} returns a {@link Draft_6455} that notes both here before it fails the handshake.
 *
 * <p>Written by the connection's read thread during the handshake, read by any thread afterwards (volatile fields).
 */
public final class UpgradeRefusal {
    private volatile int status;
    private volatile int retryAfterSeconds = -1;

    /** The refused upgrade's HTTP status, 0 when the upgrade was not refused (or not yet). */
    public int status() {
        return status;
    }

    /** {@code Retry-After} in whole seconds, -1 when absent (or an HTTP date, which Binance does not send). */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Whether Binance refused for the attempt rate: 429 (too many) or 418 (banned for it). */
    public boolean rateLimited() {
        return status == 429 || status == 418;
    }

    /**
     * How long to wait before the next attempt, in ms: for a rate-limit refusal its {@code Retry-After}, or
     * {@code fallbackMillis} without one; 0 for any other outcome.
     */
    public long retryAfterMillis(long fallbackMillis) {
        if (!rateLimited()) {
            return 0;
        }
        int seconds = retryAfterSeconds;
        return seconds >= 0 ? seconds * 1000L : fallbackMillis;
    }

    /** For log lines: {@code ", HTTP 429 Retry-After 30 s"}, or an empty string when the upgrade was not refused. */
    public String describe() {
        int s = status;
        if (s <= 0) {
            return "";
        }
        int retry = retryAfterSeconds;
        return ", HTTP " + s + (retry >= 0 ? " Retry-After " + retry + " s" : "");
    }

    /**
     * A draft for one connection that records a refusal here. Java-WebSocket copies the draft per connection with
     * {@link Draft#copyInstance()}; the copy reports to the same object.
     *
     * @param maxFrameBytes largest WebSocket frame accepted
     */
    public Draft draft(int maxFrameBytes) {
        return new RefusalDraft(this, maxFrameBytes);
    }

    private static final class RefusalDraft extends Draft_6455 {
        private final UpgradeRefusal refusal;
        private final int maxFrameBytes;

        RefusalDraft(UpgradeRefusal refusal, int maxFrameBytes) {
            super(List.of(), maxFrameBytes);
            this.refusal = refusal;
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        public Draft copyInstance() {
            return new RefusalDraft(refusal, maxFrameBytes);
        }

        @Override
        public Handshakedata translateHandshake(ByteBuffer buf) throws InvalidHandshakeException {
            ByteBuffer copy = buf.duplicate();
            try {
                return super.translateHandshake(buf);
            } catch (InvalidHandshakeException e) {
                noteRefusal(copy);
                throw e;
            }
        }

        private void noteRefusal(ByteBuffer b) {
            String head = StandardCharsets.ISO_8859_1.decode(b).toString();
            String[] lines = head.split("\r\n");
            String[] status = lines[0].split(" ", 3);
            if (status.length < 2) {
                return;
            }
            try {
                refusal.status = Integer.parseInt(status[1]);
            } catch (NumberFormatException e) {
                return;
            }
            for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("retry-after")) {
                    try {
                        refusal.retryAfterSeconds = Math.max(0, Integer.parseInt(lines[i].substring(colon + 1)
                                .trim()));
                    } catch (NumberFormatException e) {
                        // an HTTP date: not sent by Binance; the caller falls back to its backoff ceiling
                    }
                }
            }
        }
    }
}
