package eu.bborelay.common.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TCP ports for tests, without the race of the old {@code freePort()} copies (bind port 0, close, hand the number
 * on: between the close and the use any other process or test may take the port).
 * <ul>
 *   <li>A server the test starts itself binds port 0 and is asked for its bound port afterwards
 *       ({@code BinanceReplayServer.port()}, {@code Receiver.port()}); a daemon started with {@code PORT=0} logs
 *       {@code Listening on <host>:<port>}, read back by {@link #awaitListeningPort}.</li>
 *   <li>A port nobody listens on (a "connection refused" case) is {@link #refusing()}: a socket bound to it but not
 *       listening, held until closed, so nobody else can take it meanwhile.</li>
 *   <li>A server whose port must be known before it starts (the client is configured first, or the setting uses 0
 *       for "off") keeps a {@link #reserve() reservation} until the moment it binds, and
 *       {@link #startOn(Reservation, PortStarter)} retries that bind while the port is briefly taken; one that binds
 *       too late for that (a child JVM) is restarted on another port by {@link #retryOnBind}.</li>
 * </ul>
 * Everything is on the loopback address. Thread-safe (no state).
 */
public final class TestPorts {
    /** How long {@link #startOn} retries a bind that fails because the port is taken. */
    static final Duration BIND_RETRY = Duration.ofSeconds(5);
    private static final Pattern LISTENING = Pattern.compile("Listening on [^\\s:]*:(\\d+)");

    private TestPorts() {
    }

    /** Starts a server on a given port. */
    @FunctionalInterface
    public interface PortStarter<T> {
        /** Binds and starts on {@code port}; throws (an exception with a {@link BindException} cause) when taken. */
        T start(int port) throws Exception;
    }

    /**
     * A loopback port held by a socket that is bound but not listening, until {@link Reservation#close()}: a
     * connection to it is refused (RST) and no server can bind it meanwhile.
     *
     * @throws IOException when no port can be bound
     */
    public static Reservation refusing() throws IOException {
        return reserve();
    }

    /** The same as {@link #refusing()}, read as "keep this port for a server started later by the test". */
    public static Reservation reserve() throws IOException {
        Socket s = new Socket();
        try {
            s.setReuseAddress(false); // so that a listening socket (SO_REUSEADDR on by default) cannot share the port
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new Reservation(s);
    }

    /**
     * Releases {@code reservation} and starts the server on its port at once; while the bind fails because the port
     * is taken (another test's momentary socket, or a previous server of this test in TIME_WAIT), tries the same
     * port again every 50 ms for up to 5 s.
     *
     * @return what {@code starter} returned
     * @throws Exception what the last attempt threw, when the port stayed taken or the failure was not a bind failure
     */
    public static <T> T startOn(Reservation reservation, PortStarter<T> starter) throws Exception {
        int port = reservation.port();
        reservation.close();
        return startOn(port, starter);
    }

    /**
     * Starts the server on {@code port} (e.g. the port of a server the test closed and now restarts), retrying a
     * bind that fails because the port is taken every 50 ms for up to 5 s.
     */
    public static <T> T startOn(int port, PortStarter<T> starter) throws Exception {
        long deadline = System.nanoTime() + BIND_RETRY.toNanos();
        while (true) {
            try {
                return starter.start(port);
            } catch (Exception e) {
                if (!isBindFailure(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * For a server that binds later than the test can hold a reservation (a child JVM with a port setting where 0
     * means "off"): reserves a fresh port, releases it and starts; when that start fails because the port was taken
     * meanwhile, tries again with another fresh port, up to {@code attempts} times.
     *
     * @throws Exception what the last attempt threw
     */
    public static <T> T retryOnBind(int attempts, PortStarter<T> starter) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (Reservation r = reserve()) {
                port = r.port();
            }
            try {
                return starter.start(port);
            } catch (Exception e) {
                if (!isBindFailure(e) || attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    /** Whether {@code t} or one of its causes is a {@link BindException} ("Address already in use"). */
    public static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException
                    || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /**
     * The port of the first {@code Listening on <host>:<port>} line (what the receiver logs once bound), or -1.
     */
    public static int listeningPort(String log) {
        Matcher m = LISTENING.matcher(log);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Waits for a daemon started with port 0 to log {@code Listening on <host>:<port>} and returns that port.
     *
     * @param log the daemon's output so far, read again on each poll
     * @throws AssertionError after {@code timeout}, with the log
     */
    public static int awaitListeningPort(Supplier<String> log, Duration timeout) {
        int[] port = {-1};
        Await.until("a 'Listening on <host>:<port>' line", timeout, () -> (port[0] = listeningPort(log.get())) > 0,
                log);
        return port[0];
    }

    /** A port held by a bound, non-listening socket. Close it to release the port. */
    public static final class Reservation implements AutoCloseable {
        private final Socket socket;
        private final int port;

        private Reservation(Socket socket) {
            this.socket = socket;
            this.port = socket.getLocalPort();
        }

        /** The reserved loopback port. */
        public int port() {
            return port;
        }

        /** Releases the port. Idempotent. */
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket that never connected does not fail in practice; nothing to release otherwise
            }
        }
    }
}
