package eu.bborelay.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.java_websocket.framing.CloseFrame;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Command line of the replay server, the main class of {@code binance-replay/target/binance-replay.jar}:
 * <pre>
 * java -jar binance-replay.jar --recording FILE [--recording FILE ...] [--host 127.0.0.1] [--port 0] [--rest-port 0]
 *     [--speed 1.0]
 *     [--ping-interval-ms 20000] [--pong-timeout-ms 60000] [--start-immediately] [--shift-times]
 *     [--close-when-done] [--exit-when-done | --print-when-done] [--withhold KIND:SYMBOL:N ...]
 * </pre>
 * Once listening it prints exactly one line {@code REPLAY_LISTENING ws://<host>:<port>} to stdout (scripts parse it);
 * logs go to stderr. With {@code --exit-when-done}, after the whole recording has been sent it waits for the outbound
 * queues to drain (at most 2 s), closes every connection with 1000, prints {@code REPLAY_DONE messages=<n>} and exits
 * 0. With {@code --print-when-done} it prints the same {@code REPLAY_DONE} line once the recording is sent and flushed
 * but keeps serving (connections stay open and pinged) until stopped, so that a client is never left reconnecting
 * to a server that went away. {@code --shift-times} moves every exchange timestamp so that the first one is the
 * current time (see {@link BinanceReplayServer.Builder#shiftTimes(boolean)}). {@code --withhold depth:BTCUSDT:1500}
 * keeps one recorded message from every connection while REST still answers it ({@link Withhold}). The REST side
 * ({@code --rest-port}) is named in the first log line. SIGTERM / Ctrl-C close the server cleanly. Exit codes: 0
 * done, 2 bad arguments (including a missing recording or a bad {@code --withhold}), 1 other failures (e.g. the port
 * is taken).
 */
@Command(name = "binance-replay", mixinStandardHelpOptions = true, version = "binance-replay 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Replays recorded Binance market-stream messages on a local WebSocket server speaking Binance's"
                + " protocol (/stream?streams=..., /ws/..., SUBSCRIBE, ping/pong).")
public final class BinanceReplayMain implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--recording", paramLabel = "FILE", required = true,
            description = "Recording file (<receive time> <json> per line, gzip or plain). Repeat to replay several"
                    + " files in order as one timeline.")
    private List<Path> recordings = new ArrayList<>();

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "TCP port, 0 = ephemeral (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "0",
            description = "TCP port of the REST side (exchangeInfo, depth, aggTrades; its URL is logged), 0 ="
                    + " ephemeral (default: ${DEFAULT-VALUE}).")
    private int restPort;

    @Option(names = "--speed", paramLabel = "FACTOR", defaultValue = "1.0",
            description = "1.0 = recorded pace, 10 = ten times faster, 0 = as fast as possible (default:"
                    + " ${DEFAULT-VALUE}).")
    private double speed;

    @Option(names = "--ping-interval-ms", paramLabel = "MS", defaultValue = "20000",
            description = "Interval of the server's ping frames (default: ${DEFAULT-VALUE}).")
    private long pingIntervalMs;

    @Option(names = "--pong-timeout-ms", paramLabel = "MS", defaultValue = "60000",
            description = "Drop a connection that has not answered a ping for this long (default: ${DEFAULT-VALUE}).")
    private long pongTimeoutMs;

    @Option(names = "--start-immediately",
            description = "Start the timeline now instead of when the first client connects.")
    private boolean startImmediately;

    @Option(names = "--shift-times",
            description = "Shift every exchange timestamp (E, T, kline t/T, ...) by one amount so that the first"
                    + " message carrying one has the current time (default: send the recorded bytes unchanged).")
    private boolean shiftTimes;

    @Option(names = "--close-when-done",
            description = "After the last message, close every connection with 1000 (default: keep them open).")
    private boolean closeWhenDone;

    @Option(names = "--exit-when-done",
            description = "After the last message, flush, close connections with 1000, print REPLAY_DONE and exit 0.")
    private boolean exitWhenDone;

    @Option(names = "--print-when-done",
            description = "After the last message, flush, print REPLAY_DONE and keep serving until stopped.")
    private boolean printWhenDone;

    @Option(names = "--withhold", paramLabel = "KIND:SYMBOL:N",
            description = "Withhold one recorded message from every WebSocket connection while REST still answers"
                    + " with it: depth:SYMBOL:N (the N-th diff depth message, from 1), trade:SYMBOL:ID (trade id t),"
                    + " aggTrade:SYMBOL:ID (aggregate trade id a). Repeatable.")
    private List<String> withhold = new ArrayList<>();

    private final PrintStream out;
    private final boolean installShutdownHook;
    private final CountDownLatch stop = new CountDownLatch(1);

    BinanceReplayMain(PrintStream out, boolean installShutdownHook) {
        this.out = out;
        this.installShutdownHook = installShutdownHook;
    }

    /** Entry point of the executable jar; exits the JVM with the command's exit code. */
    public static void main(String[] args) {
        // Before any logger exists. The configuration is not named logback.xml so that modules which use this
        // server in their tests keep their own logging setup.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "binance-replay-logback.xml");
        }
        int code = run(args, System.out, System.err, true);
        System.exit(code);
    }

    /** Runs the command with the given streams and returns its exit code instead of exiting (used by tests). */
    static int run(String[] args, PrintStream out, PrintStream err, boolean installShutdownHook) {
        CommandLine cl = new CommandLine(new BinanceReplayMain(out, installShutdownHook));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter w = ex.getCommandLine().getErr();
            w.println("binance-replay: " + ex.getMessage());
            w.println("Run with --help for usage.");
            w.flush();
            return CommandLine.ExitCode.USAGE;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        validate();
        BinanceReplayServer.Builder builder = BinanceReplayServer.builder();
        for (String w : withhold) {
            try {
                builder.withhold(Withhold.parse(w));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--withhold: " + e.getMessage());
            }
        }
        BinanceReplayServer server = builder
                .recording(recordings.get(0), recordings.subList(1, recordings.size()).toArray(new Path[0]))
                .host(host)
                .port(port)
                .restPort(restPort)
                .speed(speed)
                .pingInterval(Duration.ofMillis(pingIntervalMs))
                .pongTimeout(Duration.ofMillis(pongTimeoutMs))
                .startOnFirstConnection(!startImmediately)
                .closeWhenDone(closeWhenDone)
                .shiftTimes(shiftTimes)
                .build();
        Thread hook = null;
        try {
            try {
                server.start();
            } catch (NoSuchFileException e) {
                throw new ParameterException(spec.commandLine(), "Recording not found: " + e.getFile());
            } catch (IOException | IllegalStateException e) {
                spec.commandLine().getErr().println("binance-replay: " + e.getMessage());
                return 1;
            }
            if (installShutdownHook) {
                hook = new Thread(() -> {
                    server.close();
                    stop.countDown();
                }, "binance-replay-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
            }
            out.println("REPLAY_LISTENING " + server.baseUri());
            out.flush();
            if (!exitWhenDone && !printWhenDone) {
                stop.await(); // until SIGTERM / Ctrl-C
                return 0;
            }
            while (!server.awaitFinished(Duration.ofSeconds(1))) {
                if (stop.getCount() == 0) {
                    return 1;
                }
            }
            server.awaitOutboundFlushed(Duration.ofSeconds(2));
            if (printWhenDone) {
                out.println("REPLAY_DONE messages=" + server.messagesSent());
                out.flush();
                stop.await(); // until SIGTERM / Ctrl-C
                return 0;
            }
            server.closeAllConnections(CloseFrame.NORMAL, "replay finished");
            server.awaitAllClosed(Duration.ofSeconds(2));
            out.println("REPLAY_DONE messages=" + server.messagesSent());
            out.flush();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            server.close();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        if (Double.isNaN(speed) || speed < 0) {
            throw new ParameterException(cl, "--speed must be >= 0 (0 = as fast as possible), got " + speed);
        }
        if (exitWhenDone && printWhenDone) {
            throw new ParameterException(cl, "--exit-when-done and --print-when-done exclude each other");
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(cl, "--port must be 0..65535, got " + port);
        }
        if (restPort < 0 || restPort > 65535) {
            throw new ParameterException(cl, "--rest-port must be 0..65535, got " + restPort);
        }
        if (pingIntervalMs <= 0) {
            throw new ParameterException(cl, "--ping-interval-ms must be positive, got " + pingIntervalMs);
        }
        if (pongTimeoutMs <= 0) {
            throw new ParameterException(cl, "--pong-timeout-ms must be positive, got " + pongTimeoutMs);
        }
        for (Path p : recordings) {
            if (!p.toFile().isFile()) {
                throw new ParameterException(cl, "Recording not found (or not a file): " + p);
            }
        }
    }
}
