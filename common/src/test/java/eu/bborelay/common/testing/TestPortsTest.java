package eu.bborelay.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TestPortsTest {
    private static ServerSocket listen(int port) throws IOException {
        return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
    }

    @Test
    void aRefusingPortRefusesConnectionsAndCannotBeBoundWhileHeld() throws Exception {
        try (TestPorts.Reservation r = TestPorts.refusing()) {
            assertTrue(r.port() > 0);
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), r.port()).close());
            assertThrows(BindException.class, () -> listen(r.port()).close());
        }
    }

    @Test
    void startOnAReservationBindsItsPort() throws Exception {
        TestPorts.Reservation r = TestPorts.reserve();
        try (ServerSocket server = TestPorts.startOn(r, TestPortsTest::listen)) {
            assertEquals(r.port(), server.getLocalPort());
            new Socket(InetAddress.getLoopbackAddress(), r.port()).close();
        }
    }

    @Test
    void startOnRetriesWhileThePortIsTaken() throws Exception {
        TestPorts.Reservation r = TestPorts.reserve();
        int port = r.port();
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket server = TestPorts.startOn(r, p -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("cannot listen", new BindException("Address already in use"));
            }
            return listen(p);
        })) {
            assertEquals(port, server.getLocalPort());
            assertEquals(3, attempts.get());
        }
    }

    @Test
    void retryOnBindTriesAnotherPortWhenTheFirstIsTaken() throws Exception {
        try (TestPorts.Reservation taken = TestPorts.reserve()) {
            AtomicInteger attempts = new AtomicInteger();
            int[] ports = new int[2];
            try (ServerSocket server = TestPorts.retryOnBind(3, p -> {
                ports[attempts.get()] = p;
                // the first port "was taken meanwhile": bind the held one instead
                return attempts.incrementAndGet() == 1 ? listen(taken.port()) : listen(p);
            })) {
                assertEquals(2, attempts.get());
                assertEquals(ports[1], server.getLocalPort());
            }
            assertThrows(BindException.class, () -> TestPorts.retryOnBind(2, p -> listen(taken.port())));
        }
    }

    @Test
    void startOnDoesNotRetryOtherFailures() {
        AtomicInteger attempts = new AtomicInteger();
        UncheckedIOException failure = new UncheckedIOException(new IOException("no such recording"));
        UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () -> TestPorts.startOn(1, p -> {
            attempts.incrementAndGet();
            throw failure;
        }));
        assertSame(failure, thrown);
        assertEquals(1, attempts.get());
    }

    @Test
    void bindFailuresAreToldApart() {
        assertTrue(TestPorts.isBindFailure(new IllegalStateException(new BindException())));
        assertTrue(TestPorts.isBindFailure(new IOException("cannot listen on 127.0.0.1:1: Address already in use")));
        assertFalse(TestPorts.isBindFailure(new IOException("Connection refused")));
    }

    @Test
    void theListeningPortIsReadFromTheDaemonLog() {
        String log = "12:00:00.000 INFO  [main] e.b.r.Receiver - Listening on 127.0.0.1:40123 (TLS 1.3, ...)\n";
        assertEquals(40123, TestPorts.listeningPort(log));
        assertEquals(-1, TestPorts.listeningPort("Starting relay-receiver"));
        assertEquals(40123, TestPorts.awaitListeningPort(() -> log, Duration.ofSeconds(1)));
        assertThrows(AssertionError.class, () -> TestPorts.awaitListeningPort(() -> "", Duration.ofMillis(50)));
    }
}
