package eu.bborelay.depthrecorder;

import eu.bborelay.depth.bigtable.BigtableDepthConfig;
import eu.bborelay.depth.bigtable.BigtableDepthSink;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.settings.DaemonCommandLine;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The depth recorder daemon: {@code java -jar depth-recorder.jar [--help]}. Configuration ({@link
 * DepthRecorderConfig}), start ({@link DepthRecorder}, plus the Bigtable sink of the depth buckets when
 * {@code BIGTABLE_PROJECT_ID} and {@code BIGTABLE_INSTANCE_ID} are set, docs/BIGTABLE.md), {@code /health} and {@code /metrics}, then wait on a latch released by the shutdown hook
 * (SIGTERM, Ctrl-C) or after {@code RUN_SECONDS}, and close (every open file committed, then up to
 * {@code UPLOAD_DRAIN_SECONDS} for the uploads).
 *
 * <p>Exit codes: 0 after a requested stop, 1 on a runtime failure ({@code DATA_DIR} unusable), 2 on a bad setting
 * (including a symbol unknown to exchangeInfo and snapshots beyond the weight budget).
 */
public final class DepthRecorderMain {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_SETTING = 2;
    /** The logback configuration in this jar (LOG_FORMAT picks text or json). */
    public static final String LOGBACK_CONFIGURATION = "depth-recorder-logback.xml";
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 75;

    private DepthRecorderMain() {
    }

    public static void main(String[] args) {
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
            Runtime.getRuntime().halt(exitCode.get());
        }, "depth-recorder-shutdown"));
        int code;
        try {
            code = run(args, System.getenv(), System.out, System.err, stop, r -> {
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
     * @param started called with the running recorder on this thread
     * @return the exit code
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, CountDownLatch stop,
                   Consumer<DepthRecorder> started) {
        DepthRecorderConfig config;
        Optional<BigtableDepthConfig> bigtable;
        try {
            Map<String, String> flags = commandLine().parse(args, new PrintWriter(out, true));
            if (flags == null) {
                return EXIT_OK;
            }
            Settings settings = Settings.of(env, flags);
            config = DepthRecorderConfig.parse(settings);
            bigtable = BigtableDepthConfig.parse(settings);
        } catch (SettingException e) {
            err.println("depth-recorder: " + e.getMessage());
            return EXIT_BAD_SETTING;
        }
        Logger log = LoggerFactory.getLogger(DepthRecorderMain.class);
        log.info("Starting depth-recorder {}: {}", version(), config);
        BigtableBucketSink bigtableSink = null;
        if (bigtable.isPresent()) {
            try {
                bigtableSink = new BigtableBucketSink(BigtableDepthSink.start(bigtable.get()));
            } catch (IOException e) {
                log.error("Bigtable sink not started: {}", e.getMessage());
                err.println("depth-recorder: " + e.getMessage());
                return EXIT_BAD_SETTING;
            }
            log.info("Depth buckets also go to Bigtable {}", bigtable.get());
        }
        List<DepthBucketSink> extraSinks = bigtableSink == null ? List.of() : List.of(bigtableSink);
        try (DepthRecorder recorder = DepthRecorder.start(config, extraSinks)) {
            OpsServer ops = DepthRecorderOps.start(recorder,
                    bigtableSink == null ? null : bigtableSink.sink(), config.httpPort());
            try {
                started.accept(recorder);
                if (config.runSeconds() > 0) {
                    if (!stop.await(config.runSeconds(), TimeUnit.SECONDS)) {
                        log.info("RUN_SECONDS={} elapsed, stopping", config.runSeconds());
                    }
                } else {
                    stop.await();
                }
            } finally {
                if (ops != null) {
                    ops.close();
                }
            }
            log.info("Stopping depth-recorder: closing the connections and the open files, uploading them");
        } catch (SettingException e) {
            log.error("Bad setting: {}", e.getMessage());
            err.println("depth-recorder: " + e.getMessage());
            return EXIT_BAD_SETTING;
        } catch (UncheckedIOException e) {
            log.error("depth-recorder failed: {}", e.getMessage());
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (RuntimeException e) {
            log.error("depth-recorder failed", e);
            return EXIT_FAILURE;
        }
        log.info("Stopped depth-recorder");
        return EXIT_OK;
    }

    /** Flags and {@code --help} from every setting. */
    static DaemonCommandLine commandLine() {
        return new DaemonCommandLine("depth-recorder", "depth-recorder " + version(), List.of(
                "Records Binance order-book depth of one market (MARKET): every diff depth event, every partial"
                        + " book depth message and a REST snapshot of every symbol each SNAPSHOT_INTERVAL_SECONDS, to"
                        + " Parquet (binance/<market>/diff_orderbooks, partial_orderbooks, orderbooks;"
                        + " symbol=/date=/hour=, ZSTD), and every BUCKET_INTERVAL_SECONDS the log-delta depth buckets"
                        + " of each synced local book (binance/<market>/depth_buckets). Files are journaled in"
                        + " DATA_DIR and uploaded to S3 once their hour is closed.",
                "Every setting is an environment variable; a flag overrides it. AWS credentials come from the SDK's"
                        + " default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profile, instance role)."),
                Stream.concat(DepthRecorderConfig.settings().stream(), BigtableDepthConfig.settings().stream())
                        .toList());
    }

    private static String version() {
        String v = DepthRecorderMain.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
