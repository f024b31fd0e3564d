package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.FrameDescriptor;
import eu.bborelay.common.Trade;
import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.FaultProxy;
import eu.bborelay.common.testing.TestCerts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverStats;
import eu.bborelay.receiver.TickerListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 10 part 3's acceptance: a real sender process ({@code SenderMain} in a child JVM, {@code JOURNAL_DIR} set) is
 * killed with {@code kill -9} while about 1,000 trades/s flow from a fake Binance, and started again 1.5 s later with
 * the same journal. The second life continues the session and its seq and resends what the receiver had not
 * acknowledged (a {@link FaultProxy} holds the last 0.4 s before the kill and then resets the connection, so that a
 * few hundred frames the first life wrote never arrive), so that at the receiver {@code delivered + gaps == taken by both lives} (the second life's last seq),
 * no seq is delivered twice, no trade id twice; and the time without a sender is reported once, as a
 * {@code sender_restart} feed outage of BTCUSDT that spans the kill.
 */
@ExtendWith(UncaughtExceptionsExtension.class)
class SenderKillJournalTest {
    private static final Logger log = LoggerFactory.getLogger(SenderKillJournalTest.class);
    private static final int TRADES = 12_000;
    private static final int PER_SECOND = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern STATS_SEQ = Pattern.compile("Stats: .* seq=(\\d+) ");
    private static final Pattern CONTINUING = Pattern.compile("continuing session (\\w+) after seq (\\d+)");
    private static final Pattern RESENT = Pattern.compile("resent (\\d+) frame\\(s\\)");

    @TempDir
    Path dir;
    private FakeTradeFeed feed;
    private Receiver receiver;
    private Process sender;
    private FaultProxy proxy;

    @AfterEach
    void closeAll() throws Exception {
        if (sender != null) {
            sender.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        RelayFixture.closeAll(proxy, receiver, feed);
    }

    /** Every seq and trade id delivered, gaps, outages; thread-safe. */
    static final class Listener implements TickerListener {
        final Map<Long, Integer> seqs = new ConcurrentHashMap<>();
        final Map<Long, Integer> tradeIds = new ConcurrentHashMap<>();
        final AtomicLong gaps = new AtomicLong();
        final List<String> outages = new CopyOnWriteArrayList<>();
        final List<long[]> outageSpans = new CopyOnWriteArrayList<>();

        @Override
        public void onBookTicker(eu.bborelay.common.BookTicker quote) {
            seqs.merge(quote.seq(), 1, Integer::sum);
        }

        @Override
        public void onTrade(Trade trade) {
            seqs.merge(trade.seq(), 1, Integer::sum);
            tradeIds.merge(trade.tradeId(), 1, Integer::sum);
        }

        @Override
        public void onGap(long expectedSeq, long receivedSeq) {
            gaps.addAndGet(receivedSeq - expectedSeq);
        }

        @Override
        public void onFeedOutage(String symbol, long fromEpochMs, long toEpochMs, String reason) {
            outages.add(symbol + " " + reason);
            outageSpans.add(new long[] {fromEpochMs, toEpochMs});
        }

        long delivered() {
            return seqs.size();
        }
    }

    @Test
    @Timeout(120)
    void aKilledSenderRestartedWithItsJournalLosesNothingUncountedAndReportsTheOutage() throws Exception {
        Listener listener = new Listener();
        receiver = Receiver.start(RelayFixture.receiverConfig(0).build(), listener);
        proxy = FaultProxy.start("127.0.0.1", receiver.port());
        feed = new FakeTradeFeed(TRADES, PER_SECOND, true);
        feed.start();
        Await.until("the fake Binance listens", WAIT, () -> feed.getPort() > 0);
        Path journal = dir.resolve("journal");
        Path firstLog = dir.resolve("sender-1.log");
        Path secondLog = dir.resolve("sender-2.log");

        sender = startSender(journal, firstLog);
        Await.until("the first sender relays 3,000 trades", WAIT, () -> listener.delivered() >= 3_000,
                () -> listener.delivered() + " delivered; " + read(firstLog));
        proxy.stall(true); // what the sender writes from now on stays in the proxy, unacknowledged
        Thread.sleep(400);
        sender.destroyForcibly(); // SIGKILL: no shutdown hook, no final flush
        sender.waitFor(10, TimeUnit.SECONDS);
        long killedAtMs = System.currentTimeMillis();
        proxy.resetAll(); // ... and is lost with the connection: only the journal has it
        proxy.stall(false);
        long deliveredAtKill = listener.delivered();
        Thread.sleep(1_500);

        sender = startSender(journal, secondLog);
        Matcher continuing = await(secondLog, CONTINUING);
        long firstLifeSeq = Long.parseLong(continuing.group(2));
        Await.until("the feed sent every trade", WAIT, feed::finished, () -> feed.sent() + "; " + read(secondLog));
        Await.until("the last trade delivered", WAIT, () -> listener.tradeIds.containsKey((long) TRADES),
                () -> listener.delivered() + " delivered, " + listener.gaps.get() + " gaps; " + lastStats(secondLog));
        Thread.sleep(300); // let the last acknowledged frames arrive before the stop
        sender.destroy(); // SIGTERM: the sender closes and logs its final stats
        assertTrue(sender.waitFor(20, TimeUnit.SECONDS), "the second sender stops on SIGTERM");
        sender = null;
        long lastSeq = lastSeq(secondLog);
        Await.until("delivered + gaps reach the last seq", WAIT,
                () -> listener.delivered() + listener.gaps.get() >= lastSeq,
                () -> listener.delivered() + " + " + listener.gaps.get() + " < " + lastSeq);

        long delivered = listener.delivered();
        long gaps = listener.gaps.get();
        String second = read(secondLog);
        Matcher resent = RESENT.matcher(second);
        long resentFrames = resent.find() ? Long.parseLong(resent.group(1)) : 0;
        assertEquals(lastSeq, delivered + gaps, "receiver delivered + gaps == taken by both sender lives (first life"
                + " took " + firstLifeSeq + ")");
        listener.seqs.forEach((seq, n) -> assertEquals(1, n, "seq " + seq + " delivered once"));
        listener.tradeIds.forEach((id, n) -> assertEquals(1, n, "trade id " + id + " delivered once"));
        assertTrue(resentFrames > 0, "the second life resent what the first had written into the void: " + second);
        assertTrue(firstLifeSeq >= deliveredAtKill, "the first life's journal knows every seq it had taken: "
                + firstLifeSeq + " >= " + deliveredAtKill + " delivered at the kill");

        assertEquals(List.of("BTCUSDT " + FrameDescriptor.REASON_SENDER_RESTART), listener.outages,
                "one outage, the restart's");
        long[] span = listener.outageSpans.get(0);
        assertTrue(span[0] <= killedAtMs && span[1] >= killedAtMs + 1_500,
                "the outage spans the kill and the 1.5 s without a sender: " + span[0] + ".." + span[1] + ", killed at "
                        + killedAtMs);
        ReceiverStats stats = receiver.stats();
        assertEquals(1, stats.feedOutages(), stats.toString());
        assertEquals(span[1] - span[0], stats.feedOutageMillis());

        log.info("SENDER-JOURNAL-RESULT taken by both lives {} (first life {}), delivered {}, gaps {}, resent {},"
                        + " outage {} ms ({} .. {}), receiver {}", lastSeq, firstLifeSeq, delivered, gaps, resentFrames,
                span[1] - span[0], span[0], span[1], stats.feedOutages());
    }

    private Process startSender(Path journal, Path logFile) throws IOException {
        TestCerts certs = TestCerts.project();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "-Dbborelay.warmup=false", "-cp", System.getProperty("java.class.path"),
                "eu.bborelay.sender.SenderMain").redirectErrorStream(true).redirectOutput(logFile.toFile());
        Map<String, String> env = pb.environment();
        env.put("BINANCE_WS_URL", feed.baseUri().toString());
        env.put("SYMBOLS", "btcusdt");
        env.put("INCLUDE_TRADES", "true");
        env.put("SKIP_SYMBOL_CHECK", "true");
        env.put("AMS_HOST", "127.0.0.1");
        env.put("AMS_PORT", String.valueOf(proxy.port()));
        env.put("CA_CERT", certs.caCert().toString());
        env.put("CERT", certs.senderCert().toString());
        env.put("KEY", certs.senderKey().toString());
        env.put("HTTP_PORT", "0");
        env.put("STATS_INTERVAL_SECONDS", "1");
        env.put("RECEIVER_RECONNECT_MAX_MS", "200");
        env.put("JOURNAL_DIR", journal.toString());
        return pb.start();
    }

    private static Matcher await(Path logFile, Pattern pattern) {
        Matcher[] found = new Matcher[1];
        Await.until(pattern.pattern() + " in " + logFile.getFileName(), WAIT, () -> {
            Matcher m = pattern.matcher(read(logFile));
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        }, () -> read(logFile));
        return found[0];
    }

    private static String lastStats(Path logFile) {
        String last = null;
        for (String line : read(logFile).split("\n")) {
            if (STATS_SEQ.matcher(line).find()) {
                last = line;
            }
        }
        return last;
    }

    private static long lastSeq(Path logFile) {
        String line = lastStats(logFile);
        assertNotNull(line, "no stats line in " + logFile);
        Matcher m = STATS_SEQ.matcher(line);
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

}
