package eu.bborelay.replay;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of the replay: upgrades ({@code /stream?streams=...}, {@code /ws/...}; unknown paths and
 * injected refusals are refused), one {@link Session} per connection, live requests ({@link ControlRequests}) and
 * pongs.
 *
 * <p><b>Threads.</b> Owners: Java-WebSocket's selector thread (handshakes, open, close, errors) and its worker threads
 * (messages, pongs), all daemon threads. The session list is copy-on-write, read by the replay and heartbeat threads.
 */
final class StreamEndpoint extends WebSocketServer {
    private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);

    private final CopyOnWriteArrayList<Session> sessions;
    private final Timeline timeline;
    private final FaultInjector faults;
    private final AtomicLong connectionsOpened;
    private final boolean closeWhenDone;
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile Exception bindError;
    private volatile boolean stopping;

    StreamEndpoint(InetSocketAddress address, CopyOnWriteArrayList<Session> sessions, Timeline timeline,
                   FaultInjector faults, AtomicLong connectionsOpened, boolean closeWhenDone) {
        super(address);
        this.sessions = sessions;
        this.timeline = timeline;
        this.faults = faults;
        this.connectionsOpened = connectionsOpened;
        this.closeWhenDone = closeWhenDone;
        setReuseAddr(true);
        setTcpNoDelay(true);
        setConnectionLostTimeout(0); // the heartbeat is ours, see Heartbeat
        setDaemon(true);
    }

    @Override
    public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
            ClientHandshake request) throws InvalidDataException {
        byte[] refused = faults.nextRefusalResponse();
        if (refused != null && conn instanceof WebSocketImpl impl) {
            // Java-WebSocket can only answer 101 or 404: queue our own response first, then let it close
            impl.outQueue.add(ByteBuffer.wrap(refused));
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "upgrade refused (injected)");
        }
        if (StreamNames.parseEndpoint(request.getResourceDescriptor()) == null) {
            log.info("Refusing WebSocket upgrade for unknown path {}", request.getResourceDescriptor());
            throw new InvalidDataException(CloseFrame.POLICY_VALIDATION,
                    "unknown path " + request.getResourceDescriptor());
        }
        return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
    }

    @Override
    public void onStart() {
        bound.countDown();
    }

    /** Waits until the socket is bound or binding failed; {@code false} on timeout. See {@link #bindError()}. */
    boolean awaitBound(long timeout, TimeUnit unit) throws InterruptedException {
        return bound.await(timeout, unit);
    }

    /** Why binding failed, or null (listening, or not yet known). */
    Exception bindError() {
        return bindError;
    }

    /** The owner is closing: errors of the listening socket from now on are expected, not logged. */
    void stopping() {
        stopping = true;
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        StreamNames.Endpoint ep = StreamNames.parseEndpoint(handshake.getResourceDescriptor());
        if (ep == null) { // refused at the handshake already
            conn.close(CloseFrame.POLICY_VALIDATION, "unknown path");
            return;
        }
        long n = connectionsOpened.get() + 1; // for the log label only
        Session s = new Session(conn, "#" + n + " " + conn.getRemoteSocketAddress(), ep.combined(), ep.streams(),
                System.nanoTime());
        conn.setAttachment(s);
        sessions.add(s);
        connectionsOpened.incrementAndGet(); // after sessions.add: a counted connection is registered
        log.info("Client {} connected to {} ({} payloads), streams {}", s, handshake.getResourceDescriptor(),
                ep.combined() ? "combined" : "raw", ep.streams());
        if (timeline.isFinished() && closeWhenDone) {
            conn.close(CloseFrame.NORMAL, "replay finished");
        }
        timeline.connectionOpened();
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        Session s = conn.getAttachment();
        if (s == null) {
            return;
        }
        sessions.remove(s);
        log.info("Client {} disconnected (code {}{}, by {}), {} messages sent to it", s, code,
                reason == null || reason.isEmpty() ? "" : " " + reason, remote ? "client" : "server", s.sent.get());
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        Session s = conn.getAttachment();
        if (s == null) {
            return;
        }
        String response = ControlRequests.handle(message, s);
        try {
            conn.send(response);
        } catch (WebsocketNotConnectedException e) {
            // closed meanwhile
        }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        Session s = conn.getAttachment();
        log.debug("Ignoring a binary frame of {} bytes from {}", message.remaining(), s);
    }

    @Override
    public void onWebsocketPong(WebSocket conn, Framedata f) {
        Session s = conn.getAttachment();
        if (s != null) {
            s.onPong(f.getPayloadData());
        }
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            if (bound.getCount() > 0) {
                bindError = ex;
                bound.countDown();
            } else if (!stopping) {
                log.error("WebSocket server error", ex);
            }
            return;
        }
        Session s = conn.getAttachment();
        log.warn("WebSocket error on connection {}: {}", s == null ? conn.getRemoteSocketAddress() : s,
                ex.toString());
    }
}
