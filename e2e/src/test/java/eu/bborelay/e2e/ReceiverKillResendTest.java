package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.binance.StreamKind;
import eu.bborelay.binance.StreamSelection;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.sender.Sender;
import eu.bborelay.sender.SenderConfig;
import eu.bborelay.sender.SenderStats;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 10's acceptance for acknowledged delivery: a receiver host ({@link AckingHost}, a real child JVM that journals
 * each trade and then acknowledges it) is killed with {@code kill -9} while 1,000 trades/s flow, and restarted 2 s
 * later on the same port. The sender keeps every unacknowledged frame and resends what the restarted host lacks:
 * every trade id is journaled exactly once, {@code delivered + gaps == taken} exactly, and the sender's
 * {@code sent + dropped + conflated == taken}.
 *
 * <p>The host runs without the receiver's start-up warm-up ({@code -Dbborelay.warmup=false}), so that it listens
 * again about 2 s after the kill, as a crashed container restarted at once would.
 *
 * <p>Repetitions: {@code -Dacks.repetitions=N} (default 2, about 12 s each). Also reports how long the resend took:
 * from the restarted host's hello to the delivery of the last frame the sender had written before the reconnect.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class ReceiverKillResendTest {
    private static final Logger log = LoggerFactory.getLogger(ReceiverKillResendTest.class);
    private static final int TRADES = 7_000;
    private static final int PER_SECOND = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private FakeTradeFeed feed;
    private Sender sender;
    private Process host;

    @AfterEach
    void closeAll() throws Exception {
        if (host != null) {
            host.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        RelayFixture.closeAll(sender, feed);
    }

    @Test
    @Timeout(3_600) // each repetition is bounded by its waits (60 s each); -Dacks.repetitions=20 takes about 10 min
    void everyTradeExactlyOnceAcrossAKillNineOfTheReceiver() throws Exception {
        int repetitions = Integer.getInteger("acks.repetitions", 2);
        int passed = 0;
        List<Long> resendMillis = new ArrayList<>();
        for (int i = 1; i <= repetitions; i++) {
            resendMillis.add(runOnce(i));
            passed++;
            closeAll();
            host = null;
            sender = null;
            feed = null;
        }
        log.info("ACKS-RESULT {}/{} repetitions passed; resend after reconnect took {} ms", passed, repetitions,
                resendMillis);
    }

    private long runOnce(int repetition) throws Exception {
        Path journal = dir.resolve("journal-" + repetition + ".txt");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        feed = new FakeTradeFeed(TRADES, PER_SECOND);
        feed.start();
        host = startHost(port, journal, "first");
        TestCerts certs = TestCerts.project();
        SenderConfig config = SenderConfig.builder()
                .binanceWsUrl(feed.baseUri().toString())
                .symbols("btcusdt")
                .receiver("127.0.0.1", port)
                .tls(certs.caCert(), certs.senderCert(), certs.senderKey())
                .receiverReconnect(20, 200, TimeUnit.MILLISECONDS)
                .streams(StreamSelection.of(StreamKind.BOOK_TICKER, StreamKind.TRADE))
                .statsInterval(5, TimeUnit.SECONDS)
                .build();
        sender = Sender.start(config);

        Await.until("2,000 trades journaled by the first host", WAIT, () -> count(journal, "T") >= 2_000,
                () -> sender.stats());
        host.destroyForcibly(); // SIGKILL
        host.waitFor(10, TimeUnit.SECONDS);
        long killedAt = System.nanoTime();
        Await.until("the sender notices", WAIT, () -> !sender.stats().receiverConnected(), () -> sender.stats());
        long writtenBeforeRestart = sender.stats().sent(); // trades only, none dropped: the highest seq written
        Thread.sleep(Math.max(0, 2_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)));
        host = startHost(port, journal, "second");

        Await.until("the feed sent every trade", WAIT, feed::finished, () -> feed.sent());
        Await.until("the sender took every trade", WAIT, () -> sender.stats().taken() == TRADES,
                () -> sender.stats());
        Await.until("every trade journaled or counted as a gap", WAIT, () -> accounted(journal) == TRADES,
                () -> accounted(journal) + " / " + sender.stats());
        Await.until("the sender's counters add up", WAIT, () -> {
            SenderStats s = sender.stats();
            return s.sent() + s.dropped() + s.conflated() == s.taken();
        }, () -> sender.stats());

        SenderStats s = sender.stats();
        List<String> lines = AckingHost.lines(journal);
        Map<Long, Integer> byTradeId = new HashMap<>();
        long delivered = 0;
        long gaps = 0;
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f[0].equals("T")) {
                delivered++;
                byTradeId.merge(Long.parseLong(f[3]), 1, Integer::sum);
            } else if (f[0].equals("G")) {
                gaps += Long.parseLong(f[3]) - Long.parseLong(f[2]);
            }
        }
        assertEquals(1, feed.connections(), "the Binance connection was never closed");
        assertEquals(TRADES, s.taken());
        assertEquals(s.taken(), delivered + gaps, "delivered + gaps == taken; sender " + s);
        assertEquals(0, gaps, "no trade lost: every one was resent; sender " + s);
        for (long id = 1; id <= TRADES; id++) {
            assertEquals(1, byTradeId.getOrDefault(id, 0), "trade id " + id + " journaled exactly once");
        }
        assertEquals(s.taken(), s.sent() + s.dropped() + s.conflated(), s.toString());
        assertEquals(0, s.dropped(), s.toString());
        assertTrue(s.acks().resends() >= 1, "the restarted host answered with resume: " + s.acks());
        long resendMillis = resendMillis(lines, writtenBeforeRestart);
        log.info("Repetition {}: {} trades, resent {} frame(s), resend done {} ms after the second hello; sender {}",
                repetition, delivered, s.acks().resent(), resendMillis, s);
        return resendMillis;
    }

    /**
     * From the last hello (the restarted host's) to the delivery there of the last frame the sender had written before
     * the reconnect (the sender's {@code lastWrittenSeq} at the kill), in ms; -1 if it was never resent.
     */
    private static long resendMillis(List<String> lines, long lastSeq) {
        long helloMs = -1;
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("H")) {
                helloMs = Long.parseLong(f[3]);
                at = i;
            }
        }
        for (int i = at + 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("T") && Long.parseLong(f[2]) >= lastSeq) {
                return Long.parseLong(f[4]) - helloMs;
            }
        }
        return -1;
    }

    private Process startHost(int port, Path journal, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-Dbborelay.warmup=false", "-cp", System.getProperty("java.class.path"),
                AckingHost.class.getName(), String.valueOf(port), journal.toString(),
                TestCerts.project().receiverCert().toString(), TestCerts.project().receiverKey().toString(),
                TestCerts.project().caCert().toString()).redirectErrorStream(true);
        Path out = dir.resolve(journal.getFileName() + "." + name + ".log");
        Process p = pb.redirectOutput(out.toFile()).start();
        Await.until("the " + name + " host listens", WAIT, () -> read(out).contains("LISTENING"), () -> read(out));
        return p;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static long count(Path journal, String kind) {
        try {
            return AckingHost.lines(journal).stream().filter(l -> l.startsWith(kind + " ")).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Trades journaled plus the seqs counted as gaps. */
    private static long accounted(Path journal) {
        try {
            long n = 0;
            for (String line : AckingHost.lines(journal)) {
                String[] f = line.split(" ");
                if (f[0].equals("T")) {
                    n++;
                } else if (f[0].equals("G")) {
                    n += Long.parseLong(f[3]) - Long.parseLong(f[2]);
                }
            }
            return n;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
