package eu.bborelay.e2e;

import eu.bborelay.common.Trade;
import eu.bborelay.receiver.AckMode;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.ReceiverConfig;
import eu.bborelay.receiver.TickerListener;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A host that embeds the receiver with {@link AckMode#HOST} and journals every trade before it acknowledges it, run
 * as a child JVM so that a test can {@code kill -9} it. The journal is a text file, one line per event, each written
 * with one {@code write(2)} (a kill leaves at most a torn last line, which is ignored):
 *
 * <pre>
 * H &lt;session&gt; &lt;resume seq&gt; &lt;epoch ms&gt;     a sender said hello (protocol 2: onSession's resume point)
 * T &lt;session&gt; &lt;seq&gt; &lt;trade id&gt; &lt;epoch ms&gt;  a trade delivered (journaled, then acknowledged)
 * G &lt;session&gt; &lt;expected seq&gt; &lt;received seq&gt;    a gap
 * </pre>
 *
 * On start it reads the journal and tells the receiver, per session, the highest seq journaled
 * ({@link TickerListener#resumeFrom}), so a restarted host receives every trade exactly once.
 *
 * <p>Usage: {@code AckingHost <port> <journal> <receiver cert> <receiver key> <CA cert>}.
 */
public final class AckingHost {
    private AckingHost() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path journal = Path.of(args[1]);
        Map<String, Long> durable = durableSeqs(journal);
        FileOutputStream out = new FileOutputStream(journal.toFile(), true);
        Receiver[] receiver = new Receiver[1];
        String[] session = new String[1];
        TickerListener listener = new TickerListener() {
            @Override
            public void onBookTicker(eu.bborelay.common.BookTicker quote) {
            }

            @Override
            public long resumeFrom(String sessionId) {
                return durable.getOrDefault(sessionId, 0L);
            }

            @Override
            public void onSession(String sessionId, long lastSeq) {
                session[0] = sessionId;
                write(out, "H " + sessionId + " " + lastSeq + " " + System.currentTimeMillis() + "\n");
            }

            @Override
            public void onTrade(Trade trade) {
                write(out, "T " + session[0] + " " + trade.seq() + " " + trade.tradeId() + " "
                        + System.currentTimeMillis() + "\n");
                receiver[0].acknowledge(session[0], trade.seq());
            }

            @Override
            public void onGap(long expectedSeq, long receivedSeq) {
                write(out, "G " + session[0] + " " + expectedSeq + " " + receivedSeq + "\n");
            }
        };
        ReceiverConfig config = ReceiverConfig.builder().bindAddress("127.0.0.1").port(port)
                .tls(Path.of(args[2]), Path.of(args[3]), Path.of(args[4]))
                .statsInterval(0, TimeUnit.SECONDS)
                .ackMode(AckMode.HOST)
                .build();
        receiver[0] = Receiver.start(config, listener);
        System.out.println("LISTENING " + receiver[0].port());
        System.out.flush();
        new CountDownLatch(1).await(); // until killed
    }

    private static void write(FileOutputStream out, String line) {
        try {
            out.write(line.getBytes(StandardCharsets.US_ASCII)); // one write(2), no buffer to lose
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The complete lines of a journal (a torn last line is left out). */
    static List<String> lines(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return List.of();
        }
        String text = Files.readString(journal, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** Per session, the highest seq of a journaled trade. */
    static Map<String, Long> durableSeqs(Path journal) throws IOException {
        Map<String, Long> seqs = new HashMap<>();
        for (String line : lines(journal)) {
            String[] f = line.split(" ");
            if (f[0].equals("T")) {
                seqs.merge(f[1], Long.parseLong(f[2]), Math::max);
            }
        }
        return seqs;
    }
}
