package eu.bborelay.replay;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.PingFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binance's server-side heartbeat: a ping frame to every open connection each ping interval, and the drop (no close
 * frame, the client sees 1006) of a connection that has not echoed a ping within the pong timeout, or whose close
 * handshake has not completed {@value #CLOSING_GRACE_SECONDS} s after it started.
 *
 * <p><b>Threads.</b> Owner: the single scheduler thread {@code binance-replay-heartbeat} (a daemon thread), started
 * by the constructor and stopped by {@link #stop()}.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
    static final long CLOSING_GRACE_SECONDS = 5;
    private static final long CLOSING_GRACE_NANOS = TimeUnit.SECONDS.toNanos(CLOSING_GRACE_SECONDS);

    private final CopyOnWriteArrayList<Session> sessions;
    private final FaultInjector faults;
    private final Duration pongTimeout;
    private final ScheduledExecutorService scheduler;

    Heartbeat(CopyOnWriteArrayList<Session> sessions, FaultInjector faults, Duration pingInterval,
              Duration pongTimeout) {
        this.sessions = sessions;
        this.faults = faults;
        this.pongTimeout = pongTimeout;
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "binance-replay-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long pingNanos = pingInterval.toNanos();
        scheduler.scheduleAtFixedRate(this::sendPings, pingNanos, pingNanos, TimeUnit.NANOSECONDS);
        long checkNanos = Math.max(5_000_000L, Math.min(1_000_000_000L,
                Math.min(pingNanos, pongTimeout.toNanos()) / 4));
        scheduler.scheduleAtFixedRate(this::dropSilentConnections, checkNanos, checkNanos, TimeUnit.NANOSECONDS);
    }

    void stop() {
        scheduler.shutdownNow();
    }

    private void sendPings() {
        if (faults.pingsStopped()) {
            return;
        }
        long now = System.nanoTime();
        for (Session s : sessions) {
            if (!s.conn.isOpen() || s.stalledAt(now)) {
                continue;
            }
            PingFrame ping = new PingFrame();
            ping.setPayload(s.nextPing(now));
            try {
                s.conn.sendFrame(ping);
            } catch (WebsocketNotConnectedException e) {
                // closing
            } catch (RuntimeException e) {
                log.warn("Cannot ping {}: {}", s, e.toString());
            }
        }
    }

    private void dropSilentConnections() {
        long now = System.nanoTime();
        long timeout = pongTimeout.toNanos();
        for (Session s : sessions) {
            if (!s.conn.isOpen()) {
                if (!s.conn.isClosed() && s.closingLongerThan(now, CLOSING_GRACE_NANOS)) {
                    log.info("Client {} did not complete its close handshake within {} s: disconnecting", s,
                            CLOSING_GRACE_SECONDS);
                    try {
                        s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "close handshake not completed");
                    } catch (RuntimeException e) {
                        log.warn("Cannot drop {}: {}", s, e.toString());
                    }
                }
                continue;
            }
            if (s.pongOverdue(now, timeout)) {
                log.info("Client {} did not answer a ping within {} ms: disconnecting", s, pongTimeout.toMillis());
                try {
                    s.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "no pong within " + pongTimeout.toMillis()
                            + " ms");
                } catch (RuntimeException e) {
                    log.warn("Cannot drop {}: {}", s, e.toString());
                }
            }
        }
    }
}
