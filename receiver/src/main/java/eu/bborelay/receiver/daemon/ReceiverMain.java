package eu.bborelay.receiver.daemon;

import eu.bborelay.common.PemTls;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.settings.DaemonCommandLine;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.receiver.Receiver;
import eu.bborelay.receiver.TickerListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiver daemon: {@code java -jar relay-receiver-daemon.jar [--help]}. Configured by environment variables
 * (see {@link ReceiverDaemonConfig}), each overridable by a flag. Runs the way aeron's {@code MediaDriver.main}
 * does: build the configuration, start the {@link Receiver} in try-with-resources, wait on a latch released by a
 * JVM shutdown hook (SIGTERM, Ctrl-C) or after {@code RUN_SECONDS}, then close it, which logs the final stats.
 *
 * <p>Exit codes: 0 after a requested stop, 1 on a runtime failure (e.g. the port is taken), 2 on a bad setting.
 * The receiver's own log lines are its output; the daemon's listener does nothing else.
 */
public final class ReceiverMain {
    /** The daemon's logback configuration, a class path resource not named logback.xml (see the pom). */
    public static final String LOGBACK_CONFIGURATION = "relay-receiver-logback.xml";
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_SETTING = 2;
    /** How long the shutdown hook waits for the receiver to close and log its final stats. */
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 15;

    private ReceiverMain() {
    }

    public static void main(String[] args) {
        // Before any logger exists: point logback at the daemon's configuration unless the operator chose one.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION);
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(EXIT_OK);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                finished.await(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.flush();
            System.err.flush();
            // A signal would otherwise end the JVM with 128+signal; a requested stop is a success.
            Runtime.getRuntime().halt(exitCode.get());
        }, "relay-receiver-shutdown"));
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err, stop, receiver -> {
            });
        } catch (Throwable t) { // an Error at start (a class missing from the jar, out of memory): exit, never linger
            t.printStackTrace();
            code = EXIT_FAILURE;
        }
        exitCode.set(code);
        finished.countDown();
        System.exit(code);
    }

    /**
     * The daemon, returning instead of exiting: parses, validates, runs until {@code stop} is released or
     * {@code RUN_SECONDS} pass, closes.
     *
     * @param env the environment variables to read
     * @param out where {@code --help} goes
     * @param err where a bad setting is reported
     * @param stop released to stop the daemon
     * @param started called with the running receiver, on this thread (tests use it to learn the port)
     * @return the exit code
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, CountDownLatch stop,
                   Consumer<Receiver> started) {
        ReceiverDaemonConfig config;
        try {
            Map<String, String> flags = commandLine().parse(args, new PrintWriter(out, true));
            if (flags == null) {
                return EXIT_OK; // --help or --version, printed
            }
            config = ReceiverDaemonConfig.parse(Settings.of(env, flags));
        } catch (SettingException e) {
            err.println("relay-receiver: " + e.getMessage());
            return EXIT_BAD_SETTING;
        }

        Logger log = LoggerFactory.getLogger(ReceiverMain.class);
        log.info("Starting relay-receiver {}: {}", version(), config);
        try (Receiver receiver = Receiver.start(config.toReceiverConfig(), TickerListener.NO_OP)) {
            OpsServer ops = ReceiverOps.start(receiver, config.httpPort, config.healthMaxAgeSeconds);
            try {
                started.accept(receiver);
                if (config.runSeconds > 0) {
                    if (!stop.await(config.runSeconds, TimeUnit.SECONDS)) {
                        log.info("RUN_SECONDS={} elapsed, stopping", config.runSeconds);
                    }
                } else {
                    stop.await();
                }
            } finally {
                if (ops != null) {
                    ops.close();
                }
            }
            log.info("Stopping relay-receiver");
        } catch (PemTls.TlsConfigException e) {
            log.error("Cannot use the TLS files (CERT, KEY, CA_CERT): {}", e.getMessage());
            err.println("relay-receiver: CERT/KEY/CA_CERT: " + e.getMessage());
            return EXIT_BAD_SETTING;
        } catch (UncheckedIOException e) {
            log.error("relay-receiver failed: {}", e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("Interrupted, stopped");
            return EXIT_OK;
        } catch (RuntimeException e) {
            log.error("relay-receiver failed", e);
            return EXIT_FAILURE;
        }
        return EXIT_OK;
    }

    /** Flags and {@code --help} generated from {@link ReceiverDaemonConfig.Setting} by the daemons' shared parser. */
    static DaemonCommandLine commandLine() {
        return new DaemonCommandLine("relay-receiver", "relay-receiver " + version(), List.of(
                "Receives the relayed Binance best bid/ask stream from senders over mutual TLS 1.3, counts every lost"
                        + " update as a gap and logs latency and stats lines.",
                "Every setting is an environment variable; a flag overrides it."),
                List.of(ReceiverDaemonConfig.Setting.values()));
    }

    private static String version() {
        String v = ReceiverMain.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
