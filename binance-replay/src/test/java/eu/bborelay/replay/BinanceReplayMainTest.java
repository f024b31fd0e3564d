package eu.bborelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The command line, run in-process (exit codes returned instead of exiting). */
@ExtendWith(UncaughtExceptionsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BinanceReplayMainTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private TestClient client;

    @AfterEach
    void closeClient() throws InterruptedException {
        if (client != null) {
            client.closeAndAwait();
        }
    }

    private String out() {
        synchronized (outBytes) {
            return outBytes.toString(StandardCharsets.UTF_8);
        }
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldExitWithCode2OnBadArguments() {
        String recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012).toString();
        assertEquals(2, BinanceReplayMain.run(new String[0], out, err, false));
        assertTrue(err().contains("Missing required option: '--recording=FILE'"), err());

        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", "/no/such/file.ndjson.gz"}, out, err,
                false));
        assertTrue(err().contains("Recording not found (or not a file): /no/such/file.ndjson.gz"), err());

        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", recording, "--speed", "-1"}, out, err,
                false));
        assertTrue(err().contains("--speed must be >= 0"), err());

        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", recording, "--port", "http"}, out, err,
                false));
        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", recording, "--bogus"}, out, err, false));
        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", recording, "--exit-when-done",
                "--print-when-done"}, out, err, false));
        assertTrue(err().contains("--exit-when-done and --print-when-done exclude each other"), err());
        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", recording, "--withhold", "depth:NKNUSDT"},
                out, err, false));
        assertTrue(err().contains("--withhold: expected KIND:SYMBOL:NUMBER"), err());
        assertEquals(2, BinanceReplayMain.run(new String[] {"--recording", recording, "--rest-port", "70000"}, out,
                err, false));
        assertTrue(err().contains("--rest-port must be 0..65535"), err());
        assertEquals("", out(), "nothing on stdout when the arguments are bad");
    }

    @Test
    void shouldPrintTheListeningLineReplayAndExitWhenDone() throws Exception {
        String recording = SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012).toString();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> BinanceReplayMain.run(
                new String[] {"--recording", recording, "--speed", "0", "--ping-interval-ms", "500",
                        "--withhold", "depth:NKNUSDT:3", "--exit-when-done"}, out, err, false));

        Pattern listening = Pattern.compile("^REPLAY_LISTENING (ws://127\\.0\\.0\\.1:(\\d+))\\n");
        Await.until("the REPLAY_LISTENING line", Duration.ofSeconds(10), () -> listening.matcher(out()).find(),
                this::out);
        Matcher m = listening.matcher(out());
        assertTrue(m.find());
        client = TestClient.connect(URI.create(m.group(1) + "/stream?streams=nknusdt@bookTicker"));

        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        assertEquals("REPLAY_LISTENING " + m.group(1) + "\nREPLAY_DONE messages=74\n", out());
        client.awaitClosed(Duration.ofSeconds(5));
        assertEquals(1000, client.closeCode);
        assertEquals(74, client.messagesAtClose);
    }
}
