package eu.bborelay.receiver;

import eu.bborelay.common.testing.ConnectionAttacker;
import eu.bborelay.common.testing.TestCerts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures what 500 idle TCP connections (10 loopback addresses x 50, opened 50 at a time, never writing) hold in a
 * receiver, and whether a sender with a certificate still gets in meanwhile. A measurement, not a test: run it by
 * hand (see docs/CONCURRENCY.md for the command and figures). Only the public {@link ReceiverConfig} API is used,
 * so the same file measures older versions too.
 *
 * <p>Arguments: {@code [maxConnections]} (default: the receiver's default). Prints one line: threads of this JVM
 * and {@code relay-receiver-conn-*} threads, heap used after a GC, resident set, before and with the connections
 * open, and the sender's result.
 */
public final class IdleConnectionsFootprint {
    private IdleConnectionsFootprint() {
    }

    public static void main(String[] args) throws Exception {
        TestCerts certs = TestCerts.project();
        ReceiverConfig.Builder b = ReceiverConfig.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.receiverCert(), certs.receiverKey(), certs.caCert()).statsInterval(0, TimeUnit.SECONDS)
                .handshakeTimeout(60, TimeUnit.SECONDS);
        if (args.length > 0) {
            b.maxConnections(Integer.parseInt(args[0]));
        }
        AtomicLong delivered = new AtomicLong();
        List<ConnectionAttacker> attackers = new ArrayList<>();
        try (Receiver receiver = Receiver.start(b.build(), q -> delivered.set(q.seq()))) {
            // warm up TLS once (key loading, first handshake), as a running receiver would have done
            try (FakeSender warm = FakeSender.connect(receiver.port())) {
                warm.hello("warm", 0, "BTCUSDT").quote(1, "BTCUSDT", 1, 2);
                await(() -> delivered.get() == 1);
            }
            Thread.sleep(500);
            String before = footprint();
            for (int i = 0; i < 10; i++) {
                attackers.add(ConnectionAttacker.start("idle-" + i, receiver.port(), List.of("127.0.0." + (2 + i)),
                        50, ConnectionAttacker.Mode.IDLE, Duration.ofSeconds(1), false, 50, Duration.ofMinutes(2)));
                Thread.sleep(200);
            }
            Thread.sleep(1_000);
            String during = footprint();
            long start = System.nanoTime();
            String sender;
            try (FakeSender s = FakeSender.connect(receiver.port())) {
                s.hello("legit", 1, "BTCUSDT").quote(2, "BTCUSDT", 1, 2);
                sender = await(() -> delivered.get() == 2) ? "in after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms" : "not delivered in 5 s";
            } catch (IOException e) {
                sender = "refused after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (" + e
                        + ")";
            }
            System.out.println("maxConnections="
                    + (args.length > 0 ? args[0] : "default") + " before: " + before + " | 500 idle open: " + during
                    + " | a sender with a certificate: " + sender);
        } finally {
            for (ConnectionAttacker a : attackers) {
                a.close();
            }
        }
    }

    private static String footprint() throws IOException {
        System.gc();
        long rss = Arrays.stream(Files.readString(Path.of("/proc/self/status")).split("\n"))
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst().orElse(-1);
        int conn = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("relay-receiver-conn-")) {
                conn++;
            }
        }
        return "threads=" + ManagementFactory.getThreadMXBean().getThreadCount() + " receiver-conn-threads=" + conn
                + " heapUsedKiB=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024
                + " rssKiB=" + rss + nmtThreads();
    }

    /** The "Thread" line of native memory tracking (run with -XX:NativeMemoryTracking=summary), or "". */
    private static String nmtThreads() {
        try {
            javax.management.ObjectName name = new javax.management.ObjectName(
                    "com.sun.management:type=DiagnosticCommand");
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(name, "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            return Arrays.stream(out.split("\n")).filter(l -> l.contains("- ") && l.contains("Thread ("))
                    .map(l -> " nmt" + l.trim().replaceAll("\\s+", " ")).findFirst().orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
