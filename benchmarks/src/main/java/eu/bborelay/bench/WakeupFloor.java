package eu.bborelay.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under the relay's latency on this machine, without any relay code: how long it takes, at a given
 * message rate, for (1) a parked thread to run after {@code LockSupport.unpark} (the hand-over inside the sender) and
 * (2) a thread blocked in a socket read to get one byte written on loopback TCP (each hop between the three
 * processes of the end-to-end benchmark). Also the CPU time the woken thread uses per wake-up.
 *
 * <p>Usage: {@code java -cp benchmarks/target/relay-benchmarks.jar eu.bborelay.bench.WakeupFloor [rate [count]]}
 * (default 100 per second, 2,000 wake-ups). Prints one line per kind: p50, p90, p99 in µs and CPU µs per wake-up.
 * The measuring thread sleeps between wake-ups (it does not spin), so both threads start from idle as in the relay.
 */
public final class WakeupFloor {
    private static volatile long woken;

    private WakeupFloor() {
    }

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 100;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        long gapNanos = (long) (1e9 / rate);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[1];

        Thread parked = new Thread(() -> {
            long start = mx.getCurrentThreadCpuTime();
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.park();
                woken = System.nanoTime();
                cpu[0] = mx.getCurrentThreadCpuTime() - start;
            }
        }, "floor-parked");
        parked.setDaemon(true);
        parked.start();
        long[] unpark = measure(count, gapNanos, () -> LockSupport.unpark(parked));
        report("unpark -> running", rate, unpark, cpu[0], count);

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setTcpNoDelay(true);
            accepted.setTcpNoDelay(true);
            InputStream in = accepted.getInputStream();
            OutputStream out = client.getOutputStream();
            long[] readerCpu = new long[1];
            Thread reader = new Thread(() -> {
                long start = mx.getCurrentThreadCpuTime();
                try {
                    while (in.read() >= 0) {
                        woken = System.nanoTime();
                        readerCpu[0] = mx.getCurrentThreadCpuTime() - start;
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "floor-reader");
            reader.setDaemon(true);
            reader.start();
            long[] tcp = measure(count, gapNanos, () -> {
                try {
                    out.write(1);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            report("loopback TCP write -> blocked reader running", rate, tcp, readerCpu[0], count);
        }
    }

    private static long[] measure(int count, long gapNanos, Runnable wake) {
        long[] delays = new long[count];
        long next = System.nanoTime() + gapNanos;
        for (int i = 0; i < count; i++) {
            for (long now = System.nanoTime(); now < next; now = System.nanoTime()) {
                LockSupport.parkNanos(next - now);
            }
            woken = 0;
            long t = System.nanoTime();
            wake.run();
            LockSupport.parkNanos(Math.min(gapNanos / 2, 5_000_000)); // idle meanwhile, as the relay's threads are
            while (woken == 0) {
                Thread.onSpinWait();
            }
            delays[i] = woken - t;
            next += gapNanos;
        }
        Arrays.sort(delays);
        return delays;
    }

    private static void report(String what, double rate, long[] sorted, long cpuNanos, int count) {
        System.out.printf(Locale.ROOT, "%-46s at %.0f/s: p50 %d us, p90 %d us, p99 %d us; woken thread CPU %.1f us"
                        + " per wake-up%n", what, rate, sorted[sorted.length / 2] / 1000,
                sorted[sorted.length * 9 / 10] / 1000, sorted[sorted.length * 99 / 100] / 1000,
                cpuNanos / 1000.0 / count);
    }
}
