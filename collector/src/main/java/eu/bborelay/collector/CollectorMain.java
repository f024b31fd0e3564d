package eu.bborelay.collector;

import eu.bborelay.common.PemTls;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.settings.DaemonCommandLine;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import eu.bborelay.receiver.daemon.ReceiverMain;
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
 * The data collector daemon: {@code java -jar relay-collector.jar [--help]}. The receiver daemon (same settings,
 * logs, health rule and metrics) whose every received update is recorded to Parquet and uploaded to S3
 * ({@link Collector}). Runs as {@link ReceiverMain} does: configuration, start, wait on a latch released by the
 * shutdown hook (SIGTERM, Ctrl-C) or after {@code RUN_SECONDS}, close (which commits every open file and waits up to
 * {@code UPLOAD_DRAIN_SECONDS} for their uploads).
 *
 * <p>Exit codes: 0 after a requested stop, 1 on a runtime failure (port taken, {@code DATA_DIR} unusable), 2 on a
 * bad setting.
 */
public final class CollectorMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_SETTING = 2;
    /** The shutdown hook's wait: closing files plus UPLOAD_DRAIN_SECONDS (at most 60) plus the receiver's close. */
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 75;

    private CollectorMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", ReceiverMain.LOGBACK_CONFIGURATION);
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
            Runtime.getRuntime().halt(exitCode.get());
        }, "relay-collector-shutdown"));
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err, stop, collector -> {
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
     * The daemon, returning instead of exiting.
     *
     * @param started called with the running collector on this thread (tests learn the port from it)
     * @return the exit code
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, CountDownLatch stop,
                   Consumer<Collector> started) {
        CollectorConfig config;
        try {
            Map<String, String> flags = commandLine().parse(args, new PrintWriter(out, true));
            if (flags == null) {
                return EXIT_OK;
            }
            config = CollectorConfig.parse(Settings.of(env, flags));
        } catch (SettingException e) {
            err.println("relay-collector: " + e.getMessage());
            return EXIT_BAD_SETTING;
        }
        Logger log = LoggerFactory.getLogger(CollectorMain.class);
        log.info("Starting relay-collector {}: {}", version(), config);
        try (Collector collector = Collector.start(config)) {
            OpsServer ops = CollectorOps.start(collector, config.receiver().httpPort(),
                    config.receiver().healthMaxAgeSeconds(), config.uploadMaxAgeSeconds());
            try {
                started.accept(collector);
                long runSeconds = config.receiver().runSeconds();
                if (runSeconds > 0) {
                    if (!stop.await(runSeconds, TimeUnit.SECONDS)) {
                        log.info("RUN_SECONDS={} elapsed, stopping", runSeconds);
                    }
                } else {
                    stop.await();
                }
            } finally {
                if (ops != null) {
                    ops.close();
                }
            }
            log.info("Stopping relay-collector: closing the open files and uploading them");
        } catch (PemTls.TlsConfigException e) {
            log.error("Cannot use the TLS files (CERT, KEY, CA_CERT): {}", e.getMessage());
            err.println("relay-collector: CERT/KEY/CA_CERT: " + e.getMessage());
            return EXIT_BAD_SETTING;
        } catch (UncheckedIOException e) {
            log.error("relay-collector failed: {}", e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (RuntimeException e) {
            log.error("relay-collector failed", e);
            return EXIT_FAILURE;
        }
        log.info("Stopped relay-collector");
        return EXIT_OK;
    }

    /** Flags and {@code --help} from every setting (the receiver's, then the collector's). */
    static DaemonCommandLine commandLine() {
        return new DaemonCommandLine("relay-collector", "relay-collector " + version(), List.of(
                "Receives the relayed Binance stream from the collection sender over mutual TLS 1.3 (exactly as the"
                        + " receiver daemon: gaps, latency, health, metrics) and records every update to Parquet"
                        + " (binance/bbo/symbol=/date=/hour=/data_NNN.parquet, ZSTD) in DATA_DIR, journaled before it"
                        + " is written and uploaded to S3 once its hour is closed. With POLYMARKET_TOKENS set it also"
                        + " records Polymarket's CLOB market channel (polymarket/l2 and polymarket/trades"
                        + "/token=/date=/hour=).",
                "Every setting is an environment variable; a flag overrides it. AWS credentials come from the SDK's"
                        + " default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profile, instance role)."),
                CollectorConfig.settings());
    }

    private static String version() {
        String v = CollectorMain.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
