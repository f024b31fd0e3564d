package eu.bborelay.common.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy between a real client socket and a real echo server on loopback. Delays are asserted as lower bounds. */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FaultProxyTest {
    private ServerSocket echoServer;
    private Thread echo;
    private FaultProxy proxy;
    private Socket client;

    @BeforeEach
    void startEcho() throws IOException {
        echoServer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        echo = new Thread(() -> {
            try (Socket s = echoServer.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) >= 0;) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // reset or closed: the test decides what that means
            }
        }, "echo-server");
        echo.setDaemon(true);
        echo.start();
        proxy = FaultProxy.start("127.0.0.1", echoServer.getLocalPort());
        client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setTcpNoDelay(true);
        client.setSoTimeout(10_000);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        proxy.close();
        echoServer.close();
        echo.join(2_000);
    }

    private byte[] roundTrip(byte[] data) throws IOException {
        client.getOutputStream().write(data);
        client.getOutputStream().flush();
        return client.getInputStream().readNBytes(data.length);
    }

    @Test
    void forwardsBytesUnchangedBothWays() throws IOException {
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        Thread writer = new Thread(() -> {
            try {
                client.getOutputStream().write(data);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        writer.start();
        assertArrayEquals(data, client.getInputStream().readNBytes(data.length));
        assertEquals(data.length, proxy.bytes(FaultProxy.Direction.UPSTREAM));
        Await.until("downstream counted", Duration.ofSeconds(5),
                () -> proxy.bytes(FaultProxy.Direction.DOWNSTREAM) == data.length);
        assertEquals(1, proxy.accepted());
    }

    @Test
    void addsTheConfiguredDelayToEachDirection() throws IOException {
        roundTrip(new byte[] {1}); // connection established
        proxy.delay(FaultProxy.Direction.UPSTREAM, 60);
        long t0 = System.nanoTime();
        roundTrip(new byte[] {2});
        long upOnly = System.nanoTime() - t0;
        proxy.delay(FaultProxy.Direction.DOWNSTREAM, 90);
        t0 = System.nanoTime();
        roundTrip(new byte[] {3});
        long both = System.nanoTime() - t0;
        assertTrue(upOnly >= TimeUnit.MILLISECONDS.toNanos(60), "upstream delay: " + upOnly + " ns");
        assertTrue(both >= TimeUnit.MILLISECONDS.toNanos(150), "both delays: " + both + " ns");
    }

    @Test
    void stallHoldsBytesWithoutClosingAndReleasesThemAfterwards() throws IOException {
        roundTrip(new byte[] {1});
        proxy.stall(true);
        client.getOutputStream().write(new byte[] {42});
        client.setSoTimeout(500);
        assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
        assertEquals(1, proxy.open(), "a stall closes nothing");
        proxy.stall(false);
        client.setSoTimeout(10_000);
        assertEquals(42, client.getInputStream().read());
    }

    @Test
    void resetAbortsTheConnection() throws IOException {
        roundTrip(new byte[] {1});
        assertEquals(1, proxy.resetAll());
        IOException e = assertThrows(IOException.class, () -> {
            // the RST may arrive before or after the next write; either way the stream breaks, never a clean EOF
            for (int i = 0; i < 100; i++) {
                client.getOutputStream().write(1);
                if (client.getInputStream().read() < 0) {
                    throw new AssertionError("clean end of stream instead of a reset");
                }
            }
        });
        assertTrue(e.getMessage() != null, e.toString());
        Await.until("link removed", Duration.ofSeconds(5), () -> proxy.open() == 0);
    }

    @Test
    void throttleLimitsTheRateOfOneDirection() throws IOException {
        roundTrip(new byte[] {1});
        proxy.throttle(FaultProxy.Direction.DOWNSTREAM, 20_000); // 20 KB/s
        byte[] data = new byte[20_000];
        long t0 = System.nanoTime();
        client.getOutputStream().write(data);
        assertEquals(data.length, client.getInputStream().readNBytes(data.length).length);
        long took = System.nanoTime() - t0;
        // 20 KB at 20 KB/s is 1 s; the first 20 ms may go at once
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(900), "took " + took + " ns");
    }
}
