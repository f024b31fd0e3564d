package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's main command, {@code scripts/demo.sh --replay <recording>}, as a user would (three JVM
 * processes on loopback TLS), and the mistakes users make with it: every run must end with a verdict and an exit code
 * that tell the truth, leave no process and no certificate behind, and explain a misuse before starting anything.
 * Uses the jars that {@code mvn verify} packaged before this module's tests run; {@code --speed 0} and small
 * recordings keep it fast.
 */
class DemoScriptTest {
    private static final Pattern FINAL_BTC =
            Pattern.compile("BTCUSDT mid=[0-9,.]+ \\| .* \\| total=(\\d+) gaps=(\\d+)");
    private static final Pattern RUN_DIR = Pattern.compile("== certificates for 127\\.0\\.0\\.1 in (\\S+)/certs");
    private static final Pattern REPLAY_URL = Pattern.compile("== replay server on ws://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void demoReplaysEveryBookTickerOfTheRecordingWithoutGaps() throws Exception {
        Path recording = SharedData.binance(SharedData.SPOT_BTCUSDT_20240808);
        Result r = demo("--replay", recording.toString(), "--speed", "0", "--port", "0");
        String log = r.output;
        assertEquals(0, r.exit, log);
        assertTrue(log.contains("28040 bookTicker updates"), log);
        // the last BTCUSDT line is the receiver's final stats line, printed as it stops
        List<String> lines = log.lines().filter(l -> FINAL_BTC.matcher(l).find()).toList();
        assertTrue(!lines.isEmpty(), "no receiver stats line for BTCUSDT in:\n" + log);
        Matcher m = FINAL_BTC.matcher(lines.get(lines.size() - 1));
        assertTrue(m.find());
        assertEquals("28040", m.group(1), log);
        assertEquals("0", m.group(2), log);
        assertTrue(log.contains("== VERDICT: all 28040 bookTicker updates relayed, 0 gaps"), log);
        assertTrue(log.contains("exchange times shifted to now"), log);
        // the replay server stayed up until the sender had stopped: no reconnect after the end of the replay
        assertTrue(log.contains("binance{attempts=1 "), "the sender's last stats line shows one attempt:\n" + log);
        assertCleanedUp(r);
    }

    /** Item 1: the receiver cannot listen (port in use): exit 1 with its reason, and no replay server left behind. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void receiverThatCannotStartEndsTheDemoWithItsReasonAndStopsTheReplayServer() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Result r = demo("--replay", smallSpot().toString(), "--speed", "0", "--port",
                    String.valueOf(taken.getLocalPort()));
            assertEquals(1, r.exit, r.output);
            assertTrue(r.output.contains("demo: receiver exited"), r.output);
            assertTrue(r.output.contains("  | "), "the receiver's last log lines are shown:\n" + r.output);
            assertTrue(r.output.contains(String.valueOf(taken.getLocalPort())), r.output);
            Matcher replay = REPLAY_URL.matcher(r.output);
            assertTrue(replay.find(), r.output);
            assertNothingListens(Integer.parseInt(replay.group(1)), r.output);
            assertCleanedUp(r);
        }
    }

    /** Item 1: SIGTERM (as Ctrl-C) while relaying stops everything in order, gives the verdict so far, cleans up. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void interruptedDemoStopsEverythingAndSaysHowFarItGot() throws Exception {
        // a quarter of the recorded pace: the 30 s recording lasts 2 minutes
        Process p = start(Map.of(), "--replay", smallSpot().toString(), "--speed", "0.25", "--port", "0");
        Path out = outputs.get(p);
        Pattern relaying = Pattern.compile("total=[1-9]");
        Await.until("the receiver's first stats line with updates", Duration.ofSeconds(90),
                () -> relaying.matcher(read(out)).find(), () -> read(out));
        p.destroy(); // SIGTERM to the script
        Result r = finish(p);
        assertEquals(130, r.exit, r.output);
        assertTrue(r.output.contains("== interrupted"), r.output);
        assertTrue(Pattern.compile("== VERDICT: interrupted before the end of the replay: relayed \\d+ of 84, 0 gaps")
                .matcher(r.output).find(), r.output);
        Matcher replay = REPLAY_URL.matcher(r.output);
        assertTrue(replay.find(), r.output);
        assertNothingListens(Integer.parseInt(replay.group(1)), r.output);
        assertCleanedUp(r);
    }

    /** Item 2: a sender that dies at start (here a bad setting in the environment) fails the demo with its reason. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void senderThatDiesAtStartFailsTheDemoWithItsReason() throws Exception {
        Result r = demo(Map.of("BINANCE_RECONNECT_MAX_MS", "soon"), "--replay", smallSpot().toString(), "--speed", "0",
                "--port", "0");
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("demo: sender exited (status "), r.output);
        assertTrue(r.output.contains("BINANCE_RECONNECT_MAX_MS"), "the sender's reason is on the terminal:\n" + r.output);
        assertFalse(r.output.contains("VERDICT"), r.output);
        Matcher replay = REPLAY_URL.matcher(r.output);
        assertTrue(replay.find(), r.output);
        assertNothingListens(Integer.parseInt(replay.group(1)), r.output);
        assertCleanedUp(r);
    }

    /** Item 3: a recording cut short relays fewer updates than the demo counted: a shortfall verdict and exit 1. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void truncatedRecordingEndsWithAShortfallVerdict() throws Exception {
        byte[] whole = Files.readAllBytes(SharedData.binance(SharedData.SPOT_BTCUSDT_20240808));
        Path cut = Files.write(tmp.resolve("cut.ndjson.gz"), Arrays.copyOf(whole, 300_000));
        Result r = demo("--replay", cut.toString(), "--speed", "0", "--port", "0");
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("is a damaged gzip file"), r.output);
        Matcher m = Pattern.compile("VERDICT: relayed (\\d+) of the recording's (\\d+) bookTicker updates for btcusdt"
                + " \\(missing (\\d+), gaps 0; the replay server sent (\\d+)\\)").matcher(r.output);
        assertTrue(m.find(), r.output);
        long relayed = Long.parseLong(m.group(1));
        long expected = Long.parseLong(m.group(2));
        assertTrue(relayed < expected, r.output);
        assertEquals(expected - relayed, Long.parseLong(m.group(3)));
        // the relay lost nothing: the replay server could not read the end of the damaged file
        assertEquals(relayed, Long.parseLong(m.group(4)), r.output);
        assertTrue(r.output.contains("unreadable after line"), "the replay server's reason is shown:\n" + r.output);
        assertCleanedUp(r);
    }

    /** Items 4 and 10: two demos started together get their own folders; run/ is cleaned unless --keep. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoDemosStartedTogetherDoNotCollideAndCleanUpUnlessKept() throws Exception {
        String recording = smallSpot().toString();
        Process a = start(Map.of(), "--replay", recording, "--speed", "0", "--port", "0");
        Process b = start(Map.of(), "--replay", recording, "--speed", "0", "--port", "0", "--keep");
        Result ra = finish(a);
        Result rb = finish(b);
        assertEquals(0, ra.exit, ra.output);
        assertEquals(0, rb.exit, rb.output);
        assertTrue(ra.output.contains("== VERDICT: all 84 bookTicker updates relayed, 0 gaps"), ra.output);
        assertTrue(rb.output.contains("== VERDICT: all 84 bookTicker updates relayed, 0 gaps"), rb.output);
        Path kept = runDir(rb);
        assertFalse(runDir(ra).equals(kept));
        assertCleanedUp(ra);
        try {
            assertTrue(Files.isRegularFile(kept.resolve("certs/ca.key")), "--keep keeps the folder: " + kept);
            assertTrue(Files.isRegularFile(kept.resolve("receiver.log")), kept.toString());
            assertTrue(rb.output.contains("== kept " + kept), rb.output);
        } finally {
            deleteTree(kept);
        }
    }

    /** Item 5: every misuse is explained, with exit 2, before anything starts. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void misuseIsExplainedBeforeAnythingStarts() throws Exception {
        String spot = smallSpot().toString();
        Path notRecording = tmp.resolve("notes.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(notRecording))) {
            out.write("just some notes\n".getBytes(StandardCharsets.UTF_8));
        }
        assertMisuse("--replay needs a value", "--replay");
        assertMisuse("--port needs a value", "--replay", spot, "--port");
        assertMisuse("--speed needs a value", "--replay", spot, "--speed", "--port", "9001");
        assertMisuse("recording not found: /nonexistent.gz\n", "--replay", "/nonexistent.gz");
        Path parent = TestCerts.repoRoot().getParent();
        assertMisuse("recording not found: ../nosuchdir/x.gz (that is " + parent.resolve("nosuchdir/x.gz") + ")",
                "--replay", "../nosuchdir/x.gz");
        assertMisuse("not a Binance recording: " + notRecording, "--replay", notRecording.toString());
        assertMisuse("--speed takes a number >= 0", "--replay", spot, "--speed", "fast");
        assertMisuse("--port takes a TCP port 1..65535", "--replay", spot, "--port", "70000");
        assertMisuse("--duration takes whole seconds", "--replay", spot, "--duration", "1m");
        assertMisuse("no bookTicker updates for 'nosuchcoin' in the recording(s); they hold: blzeth,lrcbtc,nknusdt",
                "--replay", spot, "--symbols", "nosuchcoin");
        assertMisuse("unknown option: --replya", "--replya", spot);
    }

    /**
     * Item 6: a COIN-M recording (symbols such as {@code btcusd_perp}), generated here in COIN-M's shape: the demo
     * finds its symbols and counts its updates.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void coinMarginedRecordingIsRecognisedAndCounted() throws Exception {
        Path coinm = coinMarginedRecording(tmp.resolve("coinm_btcusd_perp_bookTicker.ndjson.gz"), 120);
        Result dry = demo("--replay", coinm.toString(), "--speed", "0", "--dry-run");
        assertEquals(0, dry.exit, dry.output);
        assertTrue(dry.output.contains("replay: 1 recording(s), symbols btcusd_perp,ethusd_perp, 120 bookTicker updates,"
                + " speed 0"), dry.output);
        Result one = demo("--replay", coinm.toString(), "--symbols", "BTCUSD_PERP", "--dry-run");
        assertTrue(one.output.contains("symbols btcusd_perp, 80 bookTicker updates"), one.output);

        // The whole relay: the sender takes COIN-M symbols ('_'), so every update is relayed.
        Result r = demo("--replay", coinm.toString(), "--speed", "0", "--port", "0");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("== VERDICT: all 120 bookTicker updates relayed, 0 gaps"), r.output);
        assertCleanedUp(r);
    }

    // -----------------------------------------------------------------------------------------------------------------

    private record Result(int exit, String output) {
    }

    private static Path smallSpot() {
        return SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012); // 84 bookTicker updates
    }

    /**
     * bookTicker lines as Binance's COIN-M streams send them ({@code dstream.binance.com}: {@code e, u, s, ps, b, B,
     * a, A, T, E}), two thirds btcusd_perp, the rest ethusd_perp, with trades between them that are not counted.
     */
    private static Path coinMarginedRecording(Path file, int quotes) throws IOException {
        List<String> lines = new ArrayList<>();
        long receiveNs = 1_722_470_400_000_000_000L;
        long eventMs = 1_722_470_400_000L;
        for (int i = 0; i < quotes; i++) {
            boolean btc = i % 3 != 2;
            String symbol = btc ? "BTCUSD_PERP" : "ETHUSD_PERP";
            String stream = symbol.toLowerCase() + "@bookTicker";
            long t = eventMs + 10L * i;
            lines.add((receiveNs + 10_000_000L * i) + " {\"stream\":\"" + stream + "\",\"data\":{\"e\":\"bookTicker\","
                    + "\"u\":" + (900_000_000_000L + i) + ",\"s\":\"" + symbol + "\",\"ps\":\"" + symbol.substring(0, 6)
                    + "\",\"b\":\"" + (btc ? "64000.1" : "3200.01") + "\",\"B\":\"" + (10 + i) + "\",\"a\":\""
                    + (btc ? "64000.2" : "3200.02") + "\",\"A\":\"" + (20 + i) + "\",\"T\":" + t + ",\"E\":" + (t + 1)
                    + "}}");
            if (i % 10 == 0) {
                lines.add((receiveNs + 10_000_000L * i + 1) + " {\"stream\":\"btcusd_perp@aggTrade\",\"data\":"
                        + "{\"e\":\"aggTrade\",\"E\":" + (t + 2) + ",\"a\":" + i + ",\"s\":\"BTCUSD_PERP\",\"p\":"
                        + "\"64000.1\",\"q\":\"1\",\"f\":1,\"l\":1,\"T\":" + (t + 2) + ",\"m\":true}}");
            }
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        // the recording reads back as written
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            assertEquals(lines, r.lines().toList());
        }
        return file;
    }

    private Result demo(String... args) throws Exception {
        return demo(Map.of(), args);
    }

    private Result demo(Map<String, String> env, String... args) throws Exception {
        return finish(start(env, args));
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        Path root = TestCerts.repoRoot();
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/demo.sh").toString(),
                "--no-build"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "demo", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        outputs.put(p, out);
        return p;
    }

    private final Map<Process, Path> outputs = new ConcurrentHashMap<>();

    private Result finish(Process p) throws Exception {
        boolean exited = p.waitFor(150, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        String log = Files.readString(outputs.get(p), StandardCharsets.UTF_8);
        assertTrue(exited, "demo did not finish:\n" + log);
        return new Result(p.exitValue(), log);
    }

    private void assertMisuse(String message, String... args) throws Exception {
        Result r = demo(args);
        assertEquals(2, r.exit, String.join(" ", args) + ":\n" + r.output);
        assertTrue(r.output.contains(message), "expected '" + message + "' for " + String.join(" ", args) + ", got:\n"
                + r.output);
        assertFalse(r.output.contains("== certificates"), "nothing starts:\n" + r.output);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path runDir(Result r) {
        Matcher m = RUN_DIR.matcher(r.output);
        assertTrue(m.find(), r.output);
        return Path.of(m.group(1));
    }

    /** The run folder (certificates with the CA key, logs) is gone. */
    private static void assertCleanedUp(Result r) {
        Path run = runDir(r);
        assertTrue(run.getFileName().toString().startsWith("demo-"), run.toString());
        assertFalse(Files.exists(run), run + " must be deleted at exit:\n" + r.output);
    }

    private static void assertNothingListens(int port, String output) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            throw new AssertionError("the replay server on port " + port + " outlived the demo:\n" + output);
        } catch (IOException expected) {
            // refused: stopped with the demo
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
