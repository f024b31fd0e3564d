package eu.bborelay.sender;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import eu.bborelay.common.PemTls;
import eu.bborelay.ops.OpsServer;
import eu.bborelay.ops.settings.DaemonCommandLine;
import eu.bborelay.ops.settings.SettingException;
import eu.bborelay.ops.settings.Settings;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender daemon: {@code java -jar relay-sender.jar [--flag value ...]}. Settings come from the environment
 * ({@link SenderSetting}); a flag overrides its variable. Runs until SIGTERM/Ctrl-C or
 * {@code RUN_SECONDS}, then closes the sender, which logs the final stats.
 *
 * <p>Exit codes: 0 after a normal stop, 1 on a runtime failure, 2 on a bad setting (the message names it).
 */
public final class SenderMain {
    private static final Logger log = LoggerFactory.getLogger(SenderMain.class);
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_CONFIG = 2;

    private SenderMain() {
    }

    public static void main(String[] args) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        int[] exitCode = {EXIT_OK};
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                // let main close the sender and log the final stats, then exit with its code (not 143)
                if (done.await(15, TimeUnit.SECONDS)) {
                    Runtime.getRuntime().halt(exitCode[0]);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "relay-sender-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Charset cs = Charset.defaultCharset();
        int code;
        try {
            code = run(args, System.getenv(), new PrintWriter(System.out, true, cs),
                    new PrintWriter(System.err, true, cs), stop);
        } catch (Throwable t) { // an Error at start (a class missing from the jar, out of memory): exit, never linger
            t.printStackTrace();
            code = EXIT_FAILURE;
        }
        exitCode[0] = code;
        done.countDown();
        System.exit(code);
    }

    /**
     * Parses flags and environment, runs the sender until {@code stop} is released or {@code RUN_SECONDS} elapse,
     * and returns the exit code.
     */
    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, CountDownLatch stop) {
        Map<String, String> flags;
        try {
            flags = commandLine().parse(args, out);
        } catch (SettingException e) {
            err.println(e.getMessage());
            err.println("Run with --help for the settings.");
            return EXIT_CONFIG;
        }
        if (flags == null) {
            return EXIT_OK; // --help or --version, printed
        }
        Settings settings = Settings.of(env, flags);
        SenderConfig config;
        SenderOps.Settings ops;
        BinanceLegSettings binanceSettings;
        try {
            config = SenderConfig.from(settings);
            ops = SenderOps.Settings.from(settings);
            binanceSettings = BinanceLegSettings.from(settings);
        } catch (SettingException e) {
            err.println("Invalid setting: " + e.getMessage());
            return EXIT_CONFIG;
        }
        try {
            PemTls.clientContext(config.caCert(), config.cert(), config.key()); // bad files first: exit 2 at once
        } catch (PemTls.TlsConfigException e) {
            return tlsError(e, err);
        }
        int checked = checkSymbols(settings, config, err);
        if (checked != EXIT_OK) {
            return checked;
        }
        return run(config, ops, binanceSettings, stop, err);
    }

    /** The start-up symbol check ({@link SymbolCheck}): exit code 2 naming unknown symbols, 1 when REST fails. */
    static int checkSymbols(Settings settings, SenderConfig config, PrintWriter err) {
        URI uri;
        boolean skip;
        try {
            skip = SymbolCheck.skip(settings);
            uri = SymbolCheck.exchangeInfoUri(settings, config.binanceBaseUri());
        } catch (SettingException e) {
            err.println("Invalid setting: " + e.getMessage());
            return EXIT_CONFIG;
        }
        if (skip) {
            log.warn("SKIP_SYMBOL_CHECK=true: not checking that {} exist and are TRADING", config.symbols());
            return EXIT_OK;
        }
        if (uri == null) {
            log.warn("No Binance REST URL known for {}: symbols not checked (set BINANCE_REST_URL to check them)",
                    config.binanceBaseUri());
            return EXIT_OK;
        }
        try {
            List<String> problems = SymbolCheck.problems(uri, config.symbols(), Duration.ofSeconds(10));
            if (!problems.isEmpty()) {
                err.println("Invalid setting: SYMBOLS: not trading on Binance (" + uri + "): "
                        + String.join(", ", problems));
                return EXIT_CONFIG;
            }
            log.info("Symbols {} are TRADING on Binance ({})", config.symbols(), uri);
            return EXIT_OK;
        } catch (IOException e) {
            err.println("Cannot check the symbols at " + uri + ": " + e.getMessage()
                    + "; set SKIP_SYMBOL_CHECK=true to start without the check");
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILURE;
        }
    }

    private static int run(SenderConfig config, SenderOps.Settings opsSettings, BinanceLegSettings binanceSettings,
                           CountDownLatch stop, PrintWriter err) {
        long runNanos = config.runDuration().toNanos();
        long deadline = System.nanoTime() + runNanos;
        try (Sender sender = Sender.start(config, binanceSettings);
             OpsServer ops = SenderOps.start(sender, opsSettings)) {
            if (ops != null) {
                log.debug("HTTP endpoint on port {}", ops.port());
            }
            while (!stop.await(200, TimeUnit.MILLISECONDS)) {
                if (sender.failure() != null) {
                    return EXIT_FAILURE; // already logged by the thread that failed
                }
                if (runNanos > 0 && System.nanoTime() - deadline >= 0) {
                    log.info("RUN_SECONDS={} elapsed", config.runDuration().toSeconds());
                    break;
                }
            }
            return sender.failure() == null ? EXIT_OK : EXIT_FAILURE;
        } catch (PemTls.TlsConfigException e) {
            return tlsError(e, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        } catch (RuntimeException e) {
            log.error("Sender failed", e);
            return EXIT_FAILURE;
        }
    }

    private static int tlsError(PemTls.TlsConfigException e, PrintWriter err) {
        err.println("Invalid setting: TLS files (" + SenderSetting.CA_CERT + ", "
                + SenderSetting.CERT + ", " + SenderSetting.KEY + "): " + e.getMessage());
        return EXIT_CONFIG;
    }

    /** Flags and {@code --help} generated from {@link SenderSetting}, so names, defaults and help exist once. */
    static DaemonCommandLine commandLine() {
        return new DaemonCommandLine("relay-sender", Sender.NAME, List.of(
                "Relays Binance bookTicker updates to the receiver over mutual TLS 1.3.",
                "Every setting is an environment variable; a flag overrides it."), List.of(SenderSetting.values()));
    }
}
