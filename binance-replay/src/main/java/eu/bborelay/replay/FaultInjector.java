package eu.bborelay.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay's fault injection, for tests: abrupt closes, {@code serverShutdown} events, raw frames, stalls, stopped
 * pings and refused WebSocket upgrades (HTTP 429/418 with {@code Retry-After}). Each action acts on the connections
 * open at the call; later connections are unaffected (except the upgrade refusals, which count down).
 *
 * <p><b>Threads.</b> No thread of its own: the inject methods run on the caller's (test) thread;
 * {@link #nextRefusalResponse()} on Java-WebSocket's selector thread during a handshake; {@link #pingsStopped()} on the
 * heartbeat thread. The refusal state is guarded by its own lock; the rest is volatile or atomic.
 */
final class FaultInjector {
    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

    private final CopyOnWriteArrayList<Session> sessions;
    private final AtomicLong upgradeRequests = new AtomicLong();
    private final AtomicLong upgradesRefused = new AtomicLong();
    private final Object refusalLock = new Object();
    private int refusalStatus;
    private int refusalRetryAfterSeconds = -1; // -1: no header
    private int refusalsLeft;
    private volatile boolean pingsStopped;

    FaultInjector(CopyOnWriteArrayList<Session> sessions) {
        this.sessions = sessions;
    }

    int abruptClose() {
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "abrupt close injected");
                n++;
            }
        }
        log.info("Injected an abrupt close of {} connection(s)", n);
        return n;
    }

    int serverShutdown(boolean combinedShape) {
        String event = "{\"e\":\"serverShutdown\",\"E\":" + System.currentTimeMillis() + "}";
        return raw(combinedShape ? "{\"stream\":\"!serverShutdown\",\"data\":" + event + "}" : event);
    }

    int raw(String text) {
        Objects.requireNonNull(text, "text");
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                try {
                    s.conn.send(text);
                    n++;
                } catch (WebsocketNotConnectedException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    int stall(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        int n = 0;
        for (Session s : sessions) {
            if (s.conn.isOpen()) {
                s.stallUntil(until);
                n++;
            }
        }
        log.info("Stalling {} connection(s) for {} ms", n, duration.toMillis());
        return n;
    }

    void stopPings() {
        pingsStopped = true;
    }

    boolean pingsStopped() {
        return pingsStopped;
    }

    void refuseUpgrades(int status, Duration retryAfter, int count) {
        if (status < 400 || status > 599 || count < 0) {
            throw new IllegalArgumentException("need an HTTP error status and count >= 0");
        }
        synchronized (refusalLock) {
            refusalStatus = status;
            refusalRetryAfterSeconds = retryAfter == null ? -1 : (int) retryAfter.toSeconds();
            refusalsLeft = count;
        }
    }

    long upgradeRequests() {
        return upgradeRequests.get();
    }

    long upgradesRefused() {
        return upgradesRefused.get();
    }

    /**
     * Counts an upgrade request and returns the raw HTTP response refusing it, or null to accept it. Selector thread.
     */
    byte[] nextRefusalResponse() {
        upgradeRequests.incrementAndGet();
        String response;
        synchronized (refusalLock) {
            if (refusalsLeft <= 0) {
                return null;
            }
            refusalsLeft--;
            response = "HTTP/1.1 " + refusalStatus + (refusalStatus == 429 ? " Too Many Requests" : " Refused")
                    + "\r\n" + (refusalRetryAfterSeconds >= 0 ? "Retry-After: " + refusalRetryAfterSeconds + "\r\n"
                    : "") + "Content-Length: 0\r\nConnection: close\r\n\r\n";
        }
        upgradesRefused.incrementAndGet();
        log.info("Refusing WebSocket upgrade (injected): {}", response.lines().findFirst().orElse(""));
        return response.getBytes(StandardCharsets.US_ASCII);
    }
}
