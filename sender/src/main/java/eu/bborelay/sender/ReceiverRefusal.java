package eu.bborelay.sender;

import java.io.EOFException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Words a receiver connection that failed or ended while it opened, for the log: what to check. Pure.
 *
 * <p>TLS cannot say "at capacity": a receiver that refuses a connection for capacity (too many connections in their
 * TLS handshake, from this address or in all, or its handshake deadline passed; or, after the handshake,
 * {@code MAX_CONNECTIONS} senders already connected) just closes it, without a TLS alert. A receiver that refuses
 * this sender's certificate sends an alert ({@code bad_certificate}, {@code certificate_required},
 * {@code unknown_ca}); a receiver certificate this sender does not trust fails here, in PKIX or host name checks. So
 * a close without an alert is worded as capacity first, never only as a certificate problem.
 */
final class ReceiverRefusal {
    private ReceiverRefusal() {
    }

    /**
     * A failed connection attempt (TCP connect or TLS handshake).
     *
     * @param failure what the attempt threw
     * @param why {@code failure} described (its chain of messages)
     * @param host the receiver host dialled ({@code AMS_HOST})
     */
    static String attemptFailed(Throwable failure, String why, String host) {
        if (!(failure instanceof SSLException)) {
            return why;
        }
        String m = messages(failure);
        if (closedWithoutAlert(failure, m)) {
            return "TLS handshake refused: " + why + " (the receiver closed the connection during the handshake"
                    + " without a TLS alert: it is at capacity, e.g. too many connections in their handshake from"
                    + " strangers on its port (its log says so), or its handshake deadline passed; a certificate it"
                    + " refuses would have drawn an alert)";
        }
        if (m.contains("pkix") || m.contains("certification path") || m.contains("subject alternative")
                || m.contains("no name matching") || m.contains("certificate") || m.contains("unknown_ca")) {
            return "TLS handshake refused: " + why + " (the receiver's certificate must be issued by CA_CERT and"
                    + " name AMS_HOST=" + host + "; or the receiver refused this sender's CERT)";
        }
        return "TLS handshake refused: " + why + " (check the certificates, AMS_HOST=" + host
                + ", or a receiver at capacity; its log says which)";
    }

    /**
     * A hint for a connection that ended within its first second, or before it was up: empty when there is none.
     *
     * @param cause why it ended
     * @param upForNanos how long it had been up, ns (0 when it never was)
     */
    static String endedEarly(Throwable cause, long upForNanos) {
        if (cause instanceof SSLException) {
            // TLS 1.3: a receiver that refuses our certificate says so with an alert after our handshake
            return " (if the receiver refused this sender's certificate: it must trust the CA that issued CERT)";
        }
        if (upForNanos < 1_000_000_000L && closedWithoutAlert(cause, messages(cause))) {
            return " (a receiver with MAX_CONNECTIONS senders connected closes a new one right after its handshake:"
                    + " at capacity, not a certificate problem; its log says so)";
        }
        return "";
    }

    private static boolean closedWithoutAlert(Throwable t, String m) {
        return m.contains("remote host terminated the handshake") || m.contains("peer shut down incorrectly")
                || m.contains("closed the connection") || hasCause(t, EOFException.class);
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < 16; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < 16; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
