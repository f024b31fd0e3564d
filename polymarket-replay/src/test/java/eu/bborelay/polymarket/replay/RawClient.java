package eu.bborelay.polymarket.replay;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A bare WebSocket client that records what the server sends and how it closed. */
final class RawClient extends WebSocketClient {
    final List<String> received = new CopyOnWriteArrayList<>();
    volatile int closeCode = -1;
    volatile String closeReason;

    RawClient(URI uri) {
        super(uri);
        setDaemon(true);
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
    }

    @Override
    public void onMessage(String message) {
        received.add(message);
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closeReason = reason;
        closeCode = code;
    }

    @Override
    public void onError(Exception ex) {
    }
}
