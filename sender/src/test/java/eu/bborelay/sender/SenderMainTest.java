package eu.bborelay.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.Await;
import eu.bborelay.common.testing.SharedData;
import eu.bborelay.common.testing.TestPorts;
import eu.bborelay.common.testing.UncaughtExceptionsExtension;
import eu.bborelay.replay.BinanceReplayServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The daemon's entry point, run in-process (no System.exit, no shutdown hook). */
@ExtendWith(UncaughtExceptionsExtension.class)
class SenderMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private RecordingFrameServer receiver;
    private BinanceReplayServer replay;

    @AfterEach
    void closeAll() {
        if (receiver != null) {
            receiver.close();
        }
        if (replay != null) {
            replay.close();
        }
    }

    @Test
    void badEnvironmentValueExitsWithTwoAndNamesTheVariable() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("AMS_PORT", "ninety-oh-one");
        assertEquals(2, run(env));
        assertTrue(err.toString().contains("AMS_PORT must be a TCP port number"), err.toString());
    }

    @Test
    void flagOverridesItsVariableAndIsValidatedTheSameWay() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        assertEquals(2, run(env, "--symbols", "btc/usdt"));
        assertTrue(err.toString().contains("SYMBOLS symbols are letters, digits and _ only"), err.toString());
    }

    @Test
    void unknownFlagExitsWithTwo() {
        assertEquals(2, run(Map.of(), "--no-such-flag"));
        assertTrue(err.toString().contains("--no-such-flag"), err.toString());
    }

    @Test
    void missingCertificateFileExitsWithTwo() {
        assertEquals(2, run(Map.of()));
        assertTrue(err.toString().contains("CA_CERT=/certs/ca.crt is not a readable file"), err.toString());
    }

    @Test
    void unreadableCertificateContentExitsWithTwo() {
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("CA_CERT", env.get("KEY")); // a key where the CA certificate belongs
        assertEquals(2, run(env));
        assertTrue(err.toString().contains("TLS files (CA_CERT, CERT, KEY)"), err.toString());
        assertTrue(err.toString().contains("is not a readable PEM certificate"), err.toString());
    }

    @Test
    void helpPrintsEveryVariableAndExitsWithZero() {
        assertEquals(0, run(Map.of(), "--help"));
        String help = out.toString();
        for (SenderSetting v : SenderSetting.values()) {
            assertTrue(help.contains(v.name()), v.name());
            assertTrue(v == SenderSetting.LOG_FORMAT || help.contains(v.optionName()), v.optionName());
        }
        assertTrue(help.contains("wss://stream.binance.com:9443"), help);
        assertTrue(help.contains("Exit codes"), help);
    }

    @Test
    @Timeout(30)
    void runsUntilStoppedThenExitsWithZero() throws Exception {
        receiver = RecordingFrameServer.project().start();
        replay = BinanceReplayServer.builder().recording(SharedData.binance(SharedData.SPOT_4SYMBOLS_20211012))
                .speed(0).build();
        replay.start();
        Map<String, String> env = SenderConfigTest.tlsEnv();
        env.put("BINANCE_WS_URL", replay.baseUri().toString());
        env.put("SYMBOLS", "nknusdt,blzeth,lrcbtc");
        env.put("AMS_PORT", Integer.toString(receiver.port()));
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> run(env, stop));
        Await.until("hello received", EndToEndSupport.WAIT, () -> receiver.queued() > 0);
        stop.countDown(); // what the shutdown hook does on SIGTERM
        assertEquals(0, code.get(10, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(30)
    void runSecondsStopsTheDaemon() throws Exception {
        receiver = RecordingFrameServer.project().start();
        Map<String, String> env = SenderConfigTest.tlsEnv();
        try (TestPorts.Reservation binance = TestPorts.refusing()) {
            env.put("BINANCE_WS_URL", "ws://127.0.0.1:" + binance.port());
            env.put("AMS_PORT", Integer.toString(receiver.port()));
            env.put("RUN_SECONDS", "1");
            long start = System.nanoTime();
            assertEquals(0, run(env, new CountDownLatch(1)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 1_000 && ms < 10_000, ms + " ms");
        }
    }

    private int run(Map<String, String> env, String... args) {
        return SenderMain.run(args, noHttp(env), new PrintWriter(out, true), new PrintWriter(err, true),
                new CountDownLatch(0));
    }

    private int run(Map<String, String> env, CountDownLatch stop) {
        return SenderMain.run(new String[0], noHttp(env), new PrintWriter(out, true), new PrintWriter(err, true),
                stop);
    }

    /** No HTTP endpoint unless a test asks: the default port 8080 may be taken on a shared machine. */
    private static Map<String, String> noHttp(Map<String, String> env) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.putIfAbsent("HTTP_PORT", "0");
        return copy;
    }
}
