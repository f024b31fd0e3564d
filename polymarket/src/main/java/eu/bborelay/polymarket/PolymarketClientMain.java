package eu.bborelay.polymarket;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

/**
 * A console check of the client: subscribes to {@value PolymarketClient#ENV_TOKENS} at {@value
 * PolymarketClient#ENV_URL} (default production) and prints, every interval, the counters, each asset's top of book
 * and this process's CPU use. Used to point the client at Polymarket by hand and to measure its CPU (docs/POLYMARKET.md).
 *
 * <p>Usage: {@code java -cp ... eu.bborelay.polymarket.PolymarketClientMain [seconds [intervalSeconds]]}
 * (default: run until killed, report every 10 s). Exit status 2 on invalid settings.
 */
public final class PolymarketClientMain {
    private PolymarketClientMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE / 2_000_000_000L;
        long every = args.length > 1 ? Long.parseLong(args[1]) : 10;
        Map<String, String> env = System.getenv();
        PolymarketClient client;
        try {
            client = PolymarketClient.builder().fromEnvironment(env).build();
        } catch (IllegalArgumentException e) {
            System.err.println("invalid setting: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (client.assets().isEmpty()) {
            System.err.println("set " + PolymarketClient.ENV_TOKENS + " to the token ids to subscribe");
            System.exit(2);
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        client.start();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long lastCpu = os.getProcessCpuTime();
        long lastWall = System.nanoTime();
        long lastFrames = 0;
        try {
            while (System.nanoTime() - end < 0) {
                Thread.sleep(Math.min(every * 1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                long cpu = os.getProcessCpuTime();
                long wall = System.nanoTime();
                long frames = client.stats().frames();
                System.out.printf("cpu %.2f%% of a core, %.1f frames/s, %s%n", 100.0 * (cpu - lastCpu) / (wall - lastWall),
                        (frames - lastFrames) * 1e9 / (wall - lastWall), client.stats());
                for (String a : client.assets()) {
                    BookSnapshot b = client.latest(a);
                    System.out.printf("  %s %s bid %s ask %s (%d/%d levels)%n", a, b.synced() ? "synced" : "UNSYNCED",
                            b.bestBid() < 0 ? "-" : Decimals.toString(b.bestBid()),
                            b.bestAsk() < 0 ? "-" : Decimals.toString(b.bestAsk()), b.bidCount(), b.askCount());
                }
                lastCpu = cpu;
                lastWall = wall;
                lastFrames = frames;
            }
        } finally {
            client.close();
        }
    }
}
