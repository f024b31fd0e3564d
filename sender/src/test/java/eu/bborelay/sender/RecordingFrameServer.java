package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.fail;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.common.FrameReader;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.Hello;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.testing.TestCerts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A fake receiver for tests: a TLS 1.3 server that requires a client certificate, reads frames with the common
 * module's {@link FrameReader}/{@link FrameDecoder} and records every hello and quote in a queue (heartbeats are
 * only counted). Can be stopped and started again on the same port, and can stop reading (to stall the sender).
 *
 * <p>Threads: one accept thread per start, one thread per connection; all are daemons, ended by {@link #stop()}.
 * Decoding errors are collected in {@link #errors()}, never thrown.
 */
final class RecordingFrameServer implements AutoCloseable {
    /** One recorded frame; {@code quote} for QUOTE (a copy), {@code hello} for HELLO. */
    record Frame(FrameType type, BookTicker quote, Hello hello, int connection) {
    }

    private final SSLContext context;
    private final int receiveBufferBytes;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Throwable> handshakeFailures = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong heartbeats = new AtomicLong();
    /** Feed outages received: "SYMBOL reason from_ms to_ms", kept apart from {@link #frames} (control frames). */
    private final List<String> outages = new CopyOnWriteArrayList<>();
    private final Object readGate = new Object();
    private volatile boolean reading = true;
    private final boolean requireClientCert;
    private volatile SSLServerSocket server;
    private Thread acceptThread;
    private int port;

    /**
     * @param cert the receiver's certificate chain
     * @param key its key
     * @param clientCa the CA whose client certificates are accepted; null: no client certificate is asked for (a
     *                 receiver with REQUIRE_CLIENT_CERT=false, such as the original Python one)
     * @param receiveBufferBytes socket receive buffer of accepted connections, 0 for the system default
     */
    RecordingFrameServer(Path cert, Path key, Path clientCa, int receiveBufferBytes) {
        this.context = PemTls.serverContext(cert, key, clientCa);
        this.requireClientCert = clientCa != null;
        this.receiveBufferBytes = receiveBufferBytes;
    }

    /** The project's receiver certificate, accepting the project's sender certificate. */
    static RecordingFrameServer project() {
        TestCerts c = TestCerts.project();
        return new RecordingFrameServer(c.receiverCert(), c.receiverKey(), c.caCert(), 0);
    }

    /** Binds (an ephemeral port the first time, the same port afterwards) and accepts in the background. */
    synchronized RecordingFrameServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        s.setReuseAddress(true);
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes);
        }
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        s.setSSLParameters(PemTls.serverParameters(context, requireClientCert));
        port = s.getLocalPort();
        server = s;
        acceptThread = new Thread(() -> acceptLoop(s), "fake-receiver-accept");
        acceptThread.setDaemon(true);
        acceptThread.start();
        return this;
    }

    /** Closes the listening socket and every connection (the sender sees its peer vanish). */
    synchronized void stop() {
        SSLServerSocket s = server;
        server = null;
        if (s == null) {
            return;
        }
        closeQuietly(s);
        for (Socket c : open) {
            closeQuietly(c);
        }
        resumeReading();
        try {
            acceptThread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    int port() {
        return port;
    }

    /** Connections accepted (TCP), over every start. */
    int connections() {
        return connections.get();
    }

    List<Throwable> handshakeFailures() {
        return handshakeFailures;
    }

    /** Feed outage frames received, as "SYMBOL reason from_ms to_ms", in order. */
    List<String> outages() {
        return outages;
    }

    List<Throwable> errors() {
        return errors;
    }

    long heartbeats() {
        return heartbeats.get();
    }

    /** Stops reading from every connection after the TLS handshake: TCP windows fill, the sender's writes block. */
    void pauseReading() {
        reading = false;
    }

    void resumeReading() {
        synchronized (readGate) {
            reading = true;
            readGate.notifyAll();
        }
    }

    /** The next recorded frame; fails after {@code timeout}. */
    Frame next(Duration timeout) throws InterruptedException {
        Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
            fail("no frame within " + timeout + " (connections=" + connections() + ", handshake failures="
                    + handshakeFailures + ", errors=" + errors + ")");
        }
        return f;
    }

    /** Every frame recorded so far, removed from the queue. */
    List<Frame> drain() {
        List<Frame> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    int queued() {
        return frames.size();
    }

    private void acceptLoop(SSLServerSocket s) {
        while (!s.isClosed()) {
            SSLSocket c;
            try {
                c = (SSLSocket) s.accept();
            } catch (IOException e) {
                return; // stopped
            }
            int id = connections.incrementAndGet();
            open.add(c);
            Thread t = new Thread(() -> serve(c, id), "fake-receiver-conn-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SSLSocket c, int id) {
        try {
            c.startHandshake();
            FrameReader reader = new FrameReader(c.getInputStream(), FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
            FrameDecoder decoder = new FrameDecoder();
            BookTicker quote = new BookTicker();
            while (true) {
                awaitReading(c);
                int n = reader.read();
                if (n < 0) {
                    return;
                }
                FrameType type = decoder.decode(reader.payload(), n, quote);
                switch (type) {
                    case QUOTE -> frames.add(new Frame(type, quote.copy(), null, id));
                    case HELLO -> frames.add(new Frame(type, null, decoder.hello(), id));
                    case HEARTBEAT -> heartbeats.incrementAndGet();
                    case FEED_OUTAGE -> outages.add(decoder.outageSymbol() + " " + decoder.outageReason() + " "
                            + decoder.outageFromMs() + " " + decoder.outageToMs());
                    default -> errors.add(new AssertionError("unexpected frame type " + type));
                }
            }
        } catch (SSLHandshakeException e) {
            handshakeFailures.add(e);
        } catch (eu.bborelay.common.FrameFormatException e) {
            errors.add(e);
        } catch (IOException e) {
            // connection closed by either side (or stop()); nothing to record
        } catch (RuntimeException e) {
            errors.add(e);
        } finally {
            closeQuietly(c);
            open.remove(c);
        }
    }

    private void awaitReading(Socket c) throws IOException {
        synchronized (readGate) {
            while (!reading) {
                if (c.isClosed()) {
                    throw new IOException("closed while paused");
                }
                try {
                    readGate.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
