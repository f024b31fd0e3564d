package eu.bborelay.receiver;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.FrameDecoder;
import eu.bborelay.common.FrameEncoder;
import eu.bborelay.common.FrameReader;
import eu.bborelay.common.FrameType;
import eu.bborelay.common.Hello;
import eu.bborelay.common.PemTls;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A sender for tests: a real TLS 1.3 client socket on loopback with the project's sender certificate (or another,
 * or none, or plain TCP), writing frames with the project's {@link FrameEncoder}. Used by the test thread only.
 */
final class FakeSender implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final FrameEncoder encoder = new FrameEncoder();
    private final BookTicker quote = new BookTicker();
    private final FrameDecoder pingDecoder = new FrameDecoder();
    private int pings;

    private FakeSender(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects with the project's sender certificate and completes the handshake. */
    static FakeSender connect(int port) throws IOException {
        TestCerts certs = TestCerts.project();
        return tls(port, PemTls.clientContext(certs.caCert(), certs.senderCert(), certs.senderKey()));
    }

    /** Connects over TLS presenting no client certificate (trusting the project's CA). */
    static FakeSender withoutCertificate(int port) throws IOException {
        return tls(port, PemTls.clientContext(TestCerts.project().caCert(), null, null));
    }

    /** Connects over TLS with a sender certificate of another CA (trusting the project's CA for the server). */
    static FakeSender withForeignCertificate(int port) throws IOException {
        TestCerts foreign = TestCerts.foreign();
        return tls(port, PemTls.clientContext(TestCerts.project().caCert(), foreign.senderCert(),
                foreign.senderKey()));
    }

    /** Connects over plain TCP, as the original Python sender would to a plaintext server. */
    static FakeSender plaintext(int port) throws IOException {
        Socket s = SocketFactory.getDefault().createSocket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        return new FakeSender(s);
    }

    private static FakeSender tls(int port, SSLContext ctx) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        PemTls.configureClient(s);
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return new FakeSender(s);
    }

    FakeSender hello(String sessionId, long lastSeq, String... symbols) throws IOException {
        int n = encoder.encodeHello(new Hello(sessionId, 1, List.of(symbols), lastSeq, "fake-sender/test"));
        return write(encoder.buffer(), 0, n);
    }

    /** A protocol-2 hello: asks for acknowledgements, {@code acked} = the highest seq acknowledged before. */
    FakeSender helloAcked(String sessionId, long lastSeq, long acked, String... symbols) throws IOException {
        int n = encoder.encodeHello(new Hello(sessionId, 2, List.of(symbols), lastSeq, "fake-sender/test", acked));
        return write(encoder.buffer(), 0, n);
    }

    /**
     * Reads the receiver's frames until one of {@code type} (RESUME or ACK) with a seq of at least {@code minSeq}
     * arrives: returns its seq, or -1 when none came within {@code timeout}. Other frames are skipped.
     */
    long awaitControl(FrameType type, long minSeq, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        FrameReader reader = new FrameReader(socket.getInputStream(), 4096);
        while (System.nanoTime() - deadline < 0) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            int len;
            try {
                len = reader.read();
            } catch (SocketTimeoutException e) {
                return -1;
            }
            if (len < 0) {
                return -1;
            }
            FrameType t = pingDecoder.decode(reader.payload(), len, new BookTicker());
            if (t == FrameType.PING) {
                pings++;
            }
            if (t == type && pingDecoder.controlSeq() >= minSeq) {
                return pingDecoder.controlSeq();
            }
        }
        return -1;
    }

    /** A quote stamped with the sender's wall clock now; bid/ask quantities 1.5 and 2.5, update id 1000 + seq. */
    FakeSender quote(long seq, String symbol, double bid, double ask) throws IOException {
        quote.set(symbol, bid, 1.5, ask, 2.5, 1000 + seq, 1_723_161_254_087L).seq(seq)
                .sendEpochNanos(eu.bborelay.common.EpochNanoClock.SYSTEM.epochNanos());
        return quote(quote);
    }

    FakeSender quote(BookTicker q) throws IOException {
        int n = encoder.encodeQuote(q);
        return write(encoder.buffer(), 0, n);
    }

    /** Quotes {@code fromSeq..toSeq} for one symbol, bid = 100 + seq. */
    FakeSender quotes(long fromSeq, long toSeq, String symbol) throws IOException {
        for (long s = fromSeq; s <= toSeq; s++) {
            quote(s, symbol, 100 + s, 101 + s);
        }
        return this;
    }

    /** A trade stamped with the sender's wall clock now: price 100 + seq, qty 0.5, the taker sold, id 5000 + seq. */
    FakeSender trade(long seq, String symbol) throws IOException {
        Trade t = new Trade().setTrade(symbol, 100 + seq, 0.5, Trade.Side.SELL, 5000 + seq, 1_723_161_255_342L,
                1_723_161_255_343L).seq(seq).sendEpochNanos(eu.bborelay.common.EpochNanoClock.SYSTEM.epochNanos());
        int n = encoder.encodeTrade(t);
        return write(encoder.buffer(), 0, n);
    }

    /** An aggregate trade: price 200 + seq, qty 3, the taker bought, ids 7000 + seq (first 9000, last 9002). */
    FakeSender aggTrade(long seq, String symbol) throws IOException {
        Trade t = new Trade().setAggTrade(symbol, 200 + seq, 3, Trade.Side.BUY, 7000 + seq, 9000, 9002,
                1_723_161_255_342L, 0).seq(seq).sendEpochNanos(eu.bborelay.common.EpochNanoClock.SYSTEM.epochNanos());
        int n = encoder.encodeTrade(t);
        return write(encoder.buffer(), 0, n);
    }

    FakeSender heartbeat() throws IOException {
        int n = encoder.encodeHeartbeat();
        return write(encoder.buffer(), 0, n);
    }

    FakeSender raw(byte[] bytes) throws IOException {
        return write(bytes, 0, bytes.length);
    }

    FakeSender hex(String hex) throws IOException {
        return raw(HexFormat.of().parseHex(hex));
    }

    /** A frame: 4-byte big-endian length, then {@code payload}. */
    FakeSender frame(byte[] payload) throws IOException {
        int n = payload.length;
        raw(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        return raw(payload);
    }

    private FakeSender write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        out.flush();
        return this;
    }

    /**
     * Reads the receiver's frames until a ping arrives: returns {@code {id, t1}}, or null when none came within
     * {@code timeout} or the connection ended. Other frames are skipped.
     */
    long[] awaitPing(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        FrameReader reader = new FrameReader(socket.getInputStream(), 4096);
        while (System.nanoTime() - deadline < 0) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            int len;
            try {
                len = reader.read();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (len < 0) {
                return null;
            }
            if (pingDecoder.decode(reader.payload(), len, new BookTicker()) == FrameType.PING) {
                pings++;
                return new long[] {pingDecoder.pingId(), pingDecoder.t1()};
            }
        }
        return null;
    }

    /** Pings read by {@link #awaitPing} so far. */
    int pings() {
        return pings;
    }

    FakeSender pong(long id, long t1, long t2, long t3) throws IOException {
        int n = encoder.encodePong(id, t1, t2, t3);
        return write(encoder.buffer(), 0, n);
    }

    /** Waits until the receiver closes the connection (end of stream or an error on read). */
    boolean awaitClosedByPeer(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            socket.setSoTimeout(50);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[256];
            while (System.nanoTime() - deadline < 0) {
                try {
                    if (in.read(buf) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    // still open
                }
            }
            return false;
        } catch (IOException e) {
            return true; // reset, TLS alert...: closed
        }
    }

    String localAddress() {
        return String.valueOf(socket.getLocalSocketAddress());
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test teardown
        }
    }
}
