package eu.bborelay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestCerts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the README's main command, {@code scripts/demo.sh --replay <recording>}, as a user would (three JVM
 * processes on loopback TLS), on the acceptance recording, and checks what the receiver's final stats line says.
 * Uses the jars that {@code mvn verify} packaged before this module's tests run.
 */
class DemoScriptTest {
    private static final Pattern FINAL_BTC =
            Pattern.compile("BTCUSDT mid=[0-9,.]+ \\| .* \\| total=(\\d+) gaps=(\\d+)");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void demoReplaysEveryBookTickerOfTheRecordingWithoutGaps() throws Exception {
        Path root = TestCerts.repoRoot();
        Path recording = SharedData.binance(SharedData.SPOT_BTCUSDT_20240808);
        Path out = Files.createTempFile("demo", ".log");
        Process p = new ProcessBuilder("bash", root.resolve("scripts/demo.sh").toString(), "--no-build",
                "--replay", recording.toString(), "--speed", "0", "--port", String.valueOf(freePort()))
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(170, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(exited, "demo did not finish:\n" + log);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("28040 bookTicker updates"), log);
        // the last BTCUSDT line is the receiver's final stats line, printed as it stops
        List<String> lines = log.lines().filter(l -> FINAL_BTC.matcher(l).find()).toList();
        assertTrue(!lines.isEmpty(), "no receiver stats line for BTCUSDT in:\n" + log);
        Matcher m = FINAL_BTC.matcher(lines.get(lines.size() - 1));
        assertTrue(m.find());
        assertEquals("28040", m.group(1), log);
        assertEquals("0", m.group(2), log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
