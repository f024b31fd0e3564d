package eu.bborelay.receiver;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/**
 * Turns a failed server-side TLS handshake into one log line that says what to fix. Pure. Refusals for capacity
 * are not handshake failures and are worded by {@link PendingHandshakes} and {@link Connection} themselves.
 */
final class HandshakeFailures {
    private HandshakeFailures() {
    }

    /**
     * @param peer the client's address, e.g. {@code /1.2.3.4:5555}
     * @param failure what {@code startHandshake()} threw
     * @param handshakeTimeoutMillis the configured timeout, for the timeout case
     */
    static String describe(String peer, Throwable failure, long handshakeTimeoutMillis) {
        return "TLS handshake with " + peer + " failed: " + hint(failure, handshakeTimeoutMillis) + " (" + failure
                + ")";
    }

    /**
     * The line for a handshake closed at its total deadline by the deadline thread.
     *
     * @param peer the client's address, e.g. {@code /1.2.3.4:5555}
     * @param handshakeTimeoutMillis the configured total deadline
     */
    static String describeDeadline(String peer, long handshakeTimeoutMillis) {
        return "TLS handshake with " + peer + " failed: " + deadlineHint(handshakeTimeoutMillis);
    }

    static String hint(Throwable failure, long handshakeTimeoutMillis) {
        if (failure instanceof SocketTimeoutException) {
            return deadlineHint(handshakeTimeoutMillis);
        }
        if (hasCause(failure, CertificateExpiredException.class)
                || hasCause(failure, CertificateNotYetValidException.class)) {
            return "the sender's client certificate is expired or not yet valid; issue a new one with"
                    + " scripts/generate-certs.sh";
        }
        String m = messages(failure);
        if (m.contains("empty client certificate") || m.contains("certificate_required")) {
            return "no client certificate; the sender needs CERT/KEY signed by this receiver's CA_CERT";
        }
        if (m.contains("pkix") || m.contains("certification path") || m.contains("certpath")
                || m.contains("signature check failed")) {
            return "the sender's client certificate is not signed by this receiver's CA_CERT; the sender needs"
                    + " CERT/KEY issued by the same CA (scripts/generate-certs.sh)";
        }
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext")) {
            return "not TLS (plaintext connection?); the sender must connect with TLS 1.3";
        }
        if (m.contains("certificate_unknown") || m.contains("bad_certificate") || m.contains("unknown_ca")
                || m.contains("decrypt_error")) {
            return "the sender rejected this receiver's certificate; the sender's CA_CERT must be the CA that signed"
                    + " this receiver's CERT, and CERT must name the address the sender dials";
        }
        if (m.contains("protocol_version") || m.contains("no appropriate protocol")
                || m.contains("is not enabled or supported")) {
            return "the sender does not offer TLS 1.3";
        }
        if (m.contains("remote host terminated the handshake") || m.contains("peer shut down incorrectly")
                || failure instanceof EOFException) {
            return "the sender closed the connection during the handshake (does it trust this receiver's CA?)";
        }
        if (failure instanceof SocketException) {
            return "connection lost during the handshake";
        }
        return "unexpected handshake error";
    }

    private static String deadlineHint(long handshakeTimeoutMillis) {
        return "no complete TLS handshake within " + handshakeTimeoutMillis + " ms of connecting (handshakeTimeout,"
                + " a total deadline): a client that never speaks TLS or sends too slowly (slow-loris?), or a very"
                + " slow network; closed";
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth++ < 16; c = c.getCause()) {
            sb.append(c.getMessage()).append(" | ");
        }
        return sb.toString().toLowerCase(java.util.Locale.ROOT);
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
