package eu.bborelay.sender;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.EpochNanoClock;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameFormatException;
import eu.bborelay.common.FrameReader;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.PemTls;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One TLS connection from the sender to the receiver: the socket, the buffered output the link writes frames to, and
 * its reader thread, {@value #READER_THREAD_NAME}, which only reads the receiver's frames: a ping is stamped
 * {@code t2} on arrival and handed to the writer ({@link #pendingPing}), any frame marks the receiver as heard
 * ({@link #lastHeardNanos}), {@code resume} and {@code ack} go to the {@link AckTracker}, and any end or error marks the connection {@link #broken}. Each event unparks the
 * writer thread.
 *
 * <p><b>Threads.</b> The output side ({@link #out}) belongs to the holder of the link's baton (see
 * {@link ReceiverLink}); the input side to the reader thread; {@link #broken}, {@link #lastHeardNanos} and
 * {@link #pendingPing} are the hand-over, safe from any thread. {@link #closeRaw()} may be called from any thread.
 */
final class ReceiverConnection {
    static final String READER_THREAD_NAME = "relay-sender-link-reader";
    /** Large enough that a normal batch is one socket write at flush. */
    static final int OUTPUT_BUFFER_BYTES = 64 * 1024;
    /** Largest frame accepted from the receiver (it writes only small control frames). */
    static final int RECEIVER_FRAME_MAX_BYTES = 4096;

    final Socket raw;
    final SSLSocket ssl;
    final OutputStream out;
    private final Thread reader;
    private final EpochNanoClock clock;
    private final Thread writer;
    private final AckTracker acks;
    volatile Throwable broken;
    /** System.nanoTime (never 0) of the last frame from the receiver; 0 until it writes one. */
    volatile long lastHeardNanos;
    /** The latest unanswered ping {id, t1, t2}, set by the reader, taken by the writer. */
    final AtomicReference<long[]> pendingPing = new AtomicReference<>();
    /** Writer thread only: the ping id the last pong on this connection answered; 0 before the first pong. */
    long lastPongId;
    /** Writer thread only: ns from the last pong's {@code t3} stamp to the return of its write and flush. */
    long lastPongWriteNanos;

    private ReceiverConnection(Socket raw, SSLSocket ssl, EpochNanoClock clock, Thread writer, AckTracker acks)
            throws IOException {
        this.acks = acks;
        this.raw = raw;
        this.ssl = ssl;
        this.out = new BufferedOutputStream(ssl.getOutputStream(), OUTPUT_BUFFER_BYTES);
        this.clock = clock;
        this.writer = writer;
        this.reader = new Thread(this::readUntilClosed, READER_THREAD_NAME);
        this.reader.setDaemon(true);
    }

    /**
     * Opens TCP and TLS 1.3 to {@code host:port} (the receiver's certificate must name {@code host}) and starts the
     * reader thread. {@code raw} is the caller's unconnected socket, so that another thread can close it to cut a
     * connect or handshake short.
     *
     * @param timeoutMillis limit for the TCP connect and, separately, the TLS handshake
     * @param writer the thread to unpark when the receiver writes or the connection ends
     * @param acks told of the receiver's {@code resume} and {@code ack} frames (protocol 2)
     * @throws IOException when the connect or the handshake fails (the caller closes {@code raw})
     */
    static ReceiverConnection open(Socket raw, String host, int port, SSLContext sslContext, int timeoutMillis,
                                   EpochNanoClock clock, Thread writer, AckTracker acks) throws IOException {
        raw.setTcpNoDelay(true);
        raw.connect(new InetSocketAddress(host, port), timeoutMillis);
        SSLSocket ssl = (SSLSocket) sslContext.getSocketFactory().createSocket(raw, host, port, true);
        PemTls.configureClient(ssl); // TLS 1.3; the certificate must name the host/IP we dialled
        ssl.setSoTimeout(timeoutMillis);
        ssl.startHandshake();
        ssl.setSoTimeout(0);
        ReceiverConnection c = new ReceiverConnection(raw, ssl, clock, writer, acks);
        c.reader.start();
        return c;
    }

    /** Marks the connection broken with {@code cause}, unless it already is. */
    void breakWith(Throwable cause) {
        if (broken == null) {
            broken = cause;
        }
    }

    /** Closes the TCP socket under TLS: unblocks a writer or reader at once, without a close_notify. */
    void closeRaw() {
        closeQuietly(raw);
    }

    /** TLS close_notify when the connection is healthy (never waits for the receiver's), then closes. */
    void closeGracefully() {
        if (broken == null) {
            try {
                ssl.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                // closing anyway
            }
        }
        closeRaw();
    }

    /** Waits up to 1 s for the reader thread to end (after a close). */
    void joinReader() {
        if (reader != Thread.currentThread()) {
            try {
                reader.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reader thread: reads the receiver's frames (pings; the original receiver writes nothing). Any end or error means
     * the connection is gone.
     */
    private void readUntilClosed() {
        Throwable cause;
        try {
            FrameReader frames = new FrameReader(ssl.getInputStream(), RECEIVER_FRAME_MAX_BYTES);
            FrameDecoder decoder = new FrameDecoder();
            BookTicker unused = new BookTicker();
            for (;;) {
                int len = frames.read();
                if (len < 0) {
                    break;
                }
                long t2 = clock.epochNanos();
                lastHeardNanos = nonZeroNanoTime();
                FrameType type;
                try {
                    type = decoder.decode(frames.payload(), len, unused);
                } catch (FrameFormatException e) {
                    continue; // a frame this version does not understand: ignore it, the stream is in sync
                }
                if (type == FrameType.PING) {
                    pendingPing.set(new long[] {decoder.pingId(), decoder.t1(), t2});
                    LockSupport.unpark(writer);
                } else if (type == FrameType.ACK) {
                    acks.onAck(decoder.controlSeq());
                } else if (type == FrameType.RESUME) {
                    acks.onResume(decoder.controlSeq());
                    LockSupport.unpark(writer); // it waits for this after its hello
                }
            }
            cause = new EOFException("the receiver closed the connection");
        } catch (IOException e) {
            cause = e;
        }
        breakWith(cause);
        LockSupport.unpark(writer);
    }

    /** {@link System#nanoTime()}, never 0 (0 means "never" in the fields that hold it). */
    static long nonZeroNanoTime() {
        long t = System.nanoTime();
        return t == 0 ? 1 : t;
    }

    static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
