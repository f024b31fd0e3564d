package eu.bborelay.e2e;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A fake Binance market-stream server on loopback (Java-WebSocket's own server, port 0) that sends {@code trades}
 * spot {@code @trade} messages for BTCUSDT with consecutive trade ids 1..trades at {@code perSecond}, in 10 ms steps,
 * to its first connection (or, with {@code everyConnection}, to each connection, the ids continuing where the previous
 * one stopped: a sender that restarts finds the market went on). Nothing else (no bookTicker). For tests that need to
 * know exactly which trades Binance sent: the trade id is the truth.
 */
final class FakeTradeFeed extends WebSocketServer implements AutoCloseable {
    private final int trades;
    private final int perSecond;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-trade-feed");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger connections = new AtomicInteger();
    private volatile int sent;
    private final boolean everyConnection;

    FakeTradeFeed(int trades, int perSecond) {
        this(trades, perSecond, false);
    }

    FakeTradeFeed(int trades, int perSecond, boolean everyConnection) {
        super(new InetSocketAddress("127.0.0.1", 0));
        this.trades = trades;
        this.perSecond = perSecond;
        this.everyConnection = everyConnection;
        setReuseAddr(true);
    }

    URI baseUri() {
        return URI.create("ws://127.0.0.1:" + getPort());
    }

    /** Trades sent so far. */
    int sent() {
        return sent;
    }

    int connections() {
        return connections.get();
    }

    boolean finished() {
        return sent >= trades;
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        if (connections.incrementAndGet() != 1 && !everyConnection) {
            return; // the test asserts a single connection
        }
        int perTick = Math.max(1, perSecond / 100);
        ticker.scheduleAtFixedRate(() -> {
            if (!conn.isOpen()) {
                return;
            }
            for (int i = 0; i < perTick && sent < trades && conn.isOpen(); i++) {
                int id = sent + 1;
                long now = System.currentTimeMillis();
                conn.send("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":" + now
                        + ",\"s\":\"BTCUSDT\",\"t\":" + id + ",\"p\":\"61837.63000000\",\"q\":\"0.02000000\",\"T\":"
                        + now + ",\"m\":" + (id % 2 == 0) + ",\"M\":true}}");
                sent = id;
            }
        }, 10, 10, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }

    @Override
    public void onStart() {
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            stop(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
