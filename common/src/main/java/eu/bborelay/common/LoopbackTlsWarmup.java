package eu.bborelay.common;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS 1.3 connection from this process to itself over loopback, used once at start to run the JDK's TLS record
 * code (AES-GCM encryption and decryption, the record layer), the frame reader and whatever the caller does with
 * the frames before a daemon's first real connection, so that its first real quotes do not find that code cold
 * (interpreted, classes not yet loaded). Nothing leaves the host: the server socket is bound to the loopback
 * address on an ephemeral port and closed at the end.
 *
 * <p>The server side uses the daemon's own {@link SSLContext} (its certificate), without asking for a client
 * certificate; the client trusts that certificate without checking it (it is this process on the other end of a
 * loopback socket it opened itself). In each round the client writes one frame the caller makes
 * ({@link Frames#clientFrame}), the server reads it and hands it to the caller, and every
 * {@code serverEvery}-th round the server writes one frame back that the client reads, as the relay's two
 * directions do (quotes one way, pings and pongs the other).
 *
 * <p>Single use, on the calling thread (plus one short-lived thread for the handshake); not thread-safe.
 */
public final class LoopbackTlsWarmup {
    /** Largest frame the warm-up reads. */
    private static final int MAX_FRAME = 4096;

    /** What the warm-up writes and does with what it reads. */
    public interface Frames {
        /** Encodes the client's frame of {@code round} into {@code encoder}; returns its length. */
        int clientFrame(FrameEncoder encoder, long round);

        /** The server read a frame ({@code payload[0, length)}). */
        void serverRead(byte[] payload, int length) throws IOException;

        /** Encodes the server's answer of {@code round} into {@code encoder}; returns its length. */
        int serverFrame(FrameEncoder encoder, long round);

        /** The client read the server's frame ({@code payload[0, length)}). */
        void clientRead(byte[] payload, int length) throws IOException;
    }

    private LoopbackTlsWarmup() {
    }

    /**
     * Runs up to {@code rounds} rounds, stopping early at {@code maxNanos}.
     *
     * @param serverContext the daemon's context (its key and certificate serve the loopback server side)
     * @param rounds client frames to write
     * @param serverEvery the server answers every this many rounds (1 = every round)
     * @param maxNanos time limit (monotonic ns) for the whole warm-up, handshake included
     * @return rounds completed
     * @throws IOException when the loopback connection or its handshake fails (e.g. a context without a key: a
     *         sender with {@code CERT=none}); the caller goes on without this warm-up
     */
    public static long run(SSLContext serverContext, long rounds, int serverEvery, long maxNanos, Frames frames)
            throws IOException {
        long deadline = System.nanoTime() + maxNanos;
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(PemTls.PROTOCOLS);
            server.setNeedClientAuth(false);
            server.setWantClientAuth(false);
            server.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(maxNanos)));
            CompletableFuture<SSLSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    s.setTcpNoDelay(true);
                    s.startHandshake();
                    return s;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> {
                Thread t = new Thread(r, "relay-warmup-tls-accept");
                t.setDaemon(true);
                t.start();
            });
            try (Socket raw = new Socket()) {
                raw.setTcpNoDelay(true);
                raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                        (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(maxNanos)));
                try (SSLSocket client = (SSLSocket) trustingClient().getSocketFactory()
                        .createSocket(raw, "localhost", server.getLocalPort(), true)) {
                    client.setEnabledProtocols(PemTls.PROTOCOLS);
                    client.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(maxNanos)));
                    client.startHandshake();
                    SSLSocket serverSide;
                    try {
                        serverSide = accepted.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (Exception e) {
                        throw new IOException("loopback TLS warm-up: the server side did not complete its handshake",
                                e.getCause() != null ? e.getCause() : e);
                    }
                    try (serverSide) {
                        return exchange(client, serverSide, rounds, Math.max(1, serverEvery), deadline, frames);
                    }
                }
            }
        }
    }

    private static long exchange(SSLSocket client, SSLSocket server, long rounds, int serverEvery, long deadline,
                                 Frames frames) throws IOException {
        OutputStream clientOut = client.getOutputStream();
        OutputStream serverOut = server.getOutputStream();
        FrameReader serverIn = new FrameReader(server.getInputStream(), MAX_FRAME);
        FrameReader clientIn = new FrameReader(client.getInputStream(), MAX_FRAME);
        FrameEncoder clientEncoder = new FrameEncoder();
        FrameEncoder serverEncoder = new FrameEncoder();
        long done = 0;
        // One thread plays both ends: each write is small enough for the socket buffers, so a read never waits.
        for (long round = 0; round < rounds; round++) {
            int len = frames.clientFrame(clientEncoder, round);
            clientOut.write(clientEncoder.buffer(), 0, len);
            clientOut.flush();
            int n = serverIn.read();
            if (n < 0) {
                throw new IOException("loopback TLS warm-up: the client side closed");
            }
            frames.serverRead(serverIn.payload(), n);
            if (round % serverEvery == 0) {
                int back = frames.serverFrame(serverEncoder, round);
                serverOut.write(serverEncoder.buffer(), 0, back);
                serverOut.flush();
                int m = clientIn.read();
                if (m < 0) {
                    throw new IOException("loopback TLS warm-up: the server side closed");
                }
                frames.clientRead(clientIn.payload(), m);
            }
            done++;
            if ((round & 63) == 0 && System.nanoTime() - deadline > 0) {
                break;
            }
        }
        return done;
    }

    /** A client context that accepts the loopback server's certificate unchecked: this process is the server. */
    private static SSLContext trustingClient() throws IOException {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the warm-up's own server socket, on loopback, opened by this very method
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, new TrustManager[] {trustAll}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("loopback TLS warm-up: no TLS 1.3 context: " + e.getMessage(), e);
        }
    }
}
