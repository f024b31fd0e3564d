package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.BookTicker;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.TestPorts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.receiver.TickerListener;
import eu.bborelay.replay.BinanceReplayServer;
import eu.bborelay.sender.Sender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The embedding guide's example (docs/EMBEDDING.md, linked from the README) is the body of {@link #embed}: this test
 * checks that docs/EMBEDDING.md shows exactly those lines, then runs them against a real sender relaying a recording.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ReadmeEmbeddingExampleTest {

    /** What an executor's strategy needs from the feed; a test double here. */
    interface Strategy {
        void onMid(String symbol, double mid, long receiveEpochNanos);

        void onMissedUpdates(long count);

        void runUntilStopped() throws InterruptedException;
    }

    static void embed(Path certs, int port, Strategy strategy) throws InterruptedException {
        // README:begin
        ReceiverConfig config = ReceiverConfig.builder()
                .port(port)                                  // 9001 in production
                .tls(certs.resolve("receiver.crt"), certs.resolve("receiver.key"), certs.resolve("ca.crt"))
                .build();
        TickerListener listener = new TickerListener() {
            @Override
            public void onBookTicker(BookTicker quote) {
                // On the receiver's connection thread: must not block. `quote` is reused: copy() to keep it.
                strategy.onMid(quote.symbol(), quote.mid(), quote.receiveEpochNanos());
            }

            @Override
            public void onGap(long expectedSeq, long receivedSeq) {
                strategy.onMissedUpdates(receivedSeq - expectedSeq);
            }
        };
        try (Receiver receiver = Receiver.start(config, listener)) {
            strategy.runUntilStopped();                      // the executor's own work
            BookTicker btc = receiver.latest("BTCUSDT");     // a copy, from any thread; null before the first quote
            ReceiverStats stats = receiver.stats();          // counts, gaps, one-way latency percentiles
            System.out.printf("BTCUSDT mid %.2f: %d quotes, %d gaps, one-way p99 %d us%n",
                    btc.mid(), stats.quotesDelivered(), stats.gaps(), stats.p99OneWayNanos() / 1_000);
        }
        // README:end
    }

    @Test
    void readmeShowsExactlyTheExampleThatThisTestRuns() throws IOException {
        Path source = TestCerts.repoRoot().resolve("e2e/src/test/java/eu/bborelay/e2e/ReadmeEmbeddingExampleTest.java");
        List<String> example = between(Files.readAllLines(source, StandardCharsets.UTF_8), "// README:begin",
                "// README:end");
        List<String> readme = Files.readAllLines(TestCerts.repoRoot().resolve("docs/EMBEDDING.md"),
                StandardCharsets.UTF_8);
        String readmeText = String.join("\n", readme);
        String exampleText = String.join("\n", example);
        assertTrue(readmeText.contains("```java\n" + exampleText + "\n```"),
                "docs/EMBEDDING.md must contain this block verbatim (from " + source + "):\n```java\n" + exampleText
                        + "\n```");
    }

    @Test
    @Timeout(60)
    void theExampleRunsAgainstARealSender() throws Exception {
        TestCerts certs = TestCerts.project();
        // the example takes a port before it binds: reserved (connections refused) until the receiver binds it
        TestPorts.Reservation port = TestPorts.reserve();
        AtomicLong quotes = new AtomicLong();
        AtomicLong missed = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1_000);
        try (BinanceReplayServer replay = RelayFixture.replay(SharedData.SPOT_BTCUSDT_20240808, 0)) {
            int receiverPort = port.port();
            Thread senderThread = new Thread(() -> {
                Sender sender = Sender.start(RelayFixture.senderConfig("btcusdt", replay, receiverPort).build());
                try {
                    enough.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    sender.close();
                }
            }, "example-sender");
            senderThread.start();
            TestPorts.startOn(port, p -> embedReturning(certs.dir(), p, new Strategy() {
                @Override
                public void onMid(String symbol, double mid, long receiveEpochNanos) {
                    quotes.incrementAndGet();
                    enough.countDown();
                }

                @Override
                public void onMissedUpdates(long count) {
                    missed.addAndGet(count);
                }

                @Override
                public void runUntilStopped() throws InterruptedException {
                    assertTrue(enough.await(30, TimeUnit.SECONDS), "1,000 quotes");
                }
            }));
            senderThread.join(10_000);
        }
        assertTrue(quotes.get() >= 1_000, quotes + " quotes");
        assertEquals(0, missed.get());
    }

    private static Void embedReturning(Path certs, int port, Strategy strategy) throws InterruptedException {
        embed(certs, port, strategy);
        return null;
    }

    /** The lines strictly between the markers, with their common indentation removed. */
    static List<String> between(List<String> lines, String begin, String end) {
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(begin)) {
                from = i + 1;
            } else if (lines.get(i).trim().equals(end)) {
                to = i;
            }
        }
        List<String> block = lines.subList(from, to);
        int indent = block.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return Arrays.asList(block.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toArray(String[]::new));
    }
}
