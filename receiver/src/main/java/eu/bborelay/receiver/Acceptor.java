package eu.bborelay.receiver;

import static eu.bborelay.receiver.ReceiverContext.LOG;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The acceptor thread {@code relay-receiver-acceptor}: accepts TCP connections, admits each to the
 * {@link PendingHandshakes} (per-address limit, eviction when all pending places are taken, total deadline), layers
 * TLS over it (server mode, TLS 1.3, client certificate as configured) and hands it to a new {@link Connection}
 * thread, which does the handshake, so a slow or hostile client never holds up the next accept. Keeping the plain
 * socket lets {@link Connection#close} (and the deadline) end a blocked read at once. Owns the pending handshakes
 * and their deadline thread: stops it when it ends ({@link Receiver#close()} then closes what is still pending).
 */
final class Acceptor implements Runnable {
    private final ReceiverContext ctx;
    private final ServerSocket server;
    private final SSLSocketFactory factory;
    private final SSLParameters parameters;
    private final PendingHandshakes handshakes;

    Acceptor(ReceiverContext ctx, ServerSocket server, SSLSocketFactory factory, SSLParameters parameters) {
        this.ctx = ctx;
        this.server = server;
        this.factory = factory;
        this.parameters = parameters;
        this.handshakes = ctx.handshakes;
    }

    @Override
    public void run() {
        try {
            acceptLoop();
        } finally {
            handshakes.close();
        }
    }

    private void acceptLoop() {
        while (!ctx.closing) {
            Socket raw;
            try {
                raw = server.accept();
            } catch (IOException e) {
                if (ctx.closing || server.isClosed()) {
                    return;
                }
                ctx.reportError(new IOException("accept failed on " + server.getLocalSocketAddress(), e));
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            try {
                serve(raw);
            } catch (IOException | RuntimeException e) {
                closeQuietly(raw);
                ctx.reportError(e);
            }
        }
    }

    private void serve(Socket raw) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(),
                true);
        ssl.setUseClientMode(false);
        ssl.setSSLParameters(parameters);
        Connection connection = new Connection(ctx, raw, ssl, ctx.connectionNumbers.incrementAndGet(), handshakes);
        PendingHandshakes.Ticket ticket = handshakes.admit(connection, raw.getInetAddress());
        if (ticket == null) { // counted and logged as capacity
            closeQuietly(raw);
            return;
        }
        ctx.connections.add(connection);
        connection.start(ticket);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
