package eu.bborelay.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Orchestrates the end-to-end benchmark: per scenario and repetition it starts three processes on loopback, the
 * {@link BenchReceiver} (receiver library), the {@link LoadGenerator} (fake Binance) and the real sender jar, waits
 * for the generator's warm-up to end, measures, lets the relay drain, matches every measured update id from the
 * generator's write times to the receiver's listener times, and writes one JSON file with every run and, per
 * scenario, the median of the runs. Run through {@code scripts/bench.sh}; {@code --help} lists the options.
 *
 * <p>Size: about 730 lines, a tool rather than the relay: the orchestration of one run (three child processes and
 * their marker lines) and its analysis (latency histograms, the per-hop split, slow hops, CPU and RSS, the JSON and
 * the console line). The next seam: the analysis of one run's two time files ({@code analyse} and its helpers,
 * about 200 lines) into its own class.
 */
public final class BenchRunner {
    /** The sender's DIRECT_WRITES: this process's DIRECT_WRITES environment variable, else the default false. */
    private static final String SENDER_DIRECT_WRITES = System.getenv().getOrDefault("DIRECT_WRITES", "false");

    /** Scenario: {@code rate} messages per second (0 = as fast as possible) for {@code messages} messages. */
    record Scenario(String name, double rate, long messages, long warmupMessages, double warmupRate) {
        /** Cold: no warm-up and no pause, every message counted from the first, as a restarted daemon gets. */
        boolean cold() {
            return warmupMessages == 0;
        }
    }

    private static final long WARMUP_MESSAGES = 50_000;
    private static final double WARMUP_RATE = 25_000;
    private static final List<Scenario> ALL = List.of(
            new Scenario("rate-100", 100, 20 * 100, WARMUP_MESSAGES, WARMUP_RATE),
            new Scenario("rate-1000", 1_000, 20 * 1_000, WARMUP_MESSAGES, WARMUP_RATE),
            new Scenario("rate-10000", 10_000, 10 * 10_000, WARMUP_MESSAGES, WARMUP_RATE),
            new Scenario("max", 0, 200_000, WARMUP_MESSAGES, WARMUP_RATE));
    private static final Scenario SMOKE = new Scenario("smoke", 1_000, 2 * 1_000, 2_000, 2_000);
    /** What users get (issue 14): fresh JVMs, no warm-up excluded, image flags. */
    private static final List<Scenario> COLD = List.of(
            new Scenario("cold-100", 100, 20 * 100, 0, 0),
            new Scenario("cold-1000", 1_000, 20 * 1_000, 0, 0),
            new Scenario("cold-5000", 5_000, 10 * 5_000, 0, 0),
            new Scenario("cold-10000", 10_000, 10 * 10_000, 0, 0));
    /** 100 msg/s for 10 minutes, cold. */
    private static final Scenario LONG = new Scenario("long-100", 100, 600 * 100, 0, 0);

    private static final String HELP = String.join("\n",
            "Usage: java -cp relay-benchmarks.jar eu.bborelay.bench.BenchRunner --sender-jar JAR --certs DIR"
                    + " --recording FILE [options]",
            "  --scenario NAME        all (default: the warm ones) | rate-100 | rate-1000 | rate-10000 | max | smoke |"
                    + " custom | cold (cold-100, cold-1000, cold-5000, cold-10000) | cold-N | long-100",
            "  --rate N --messages N  the custom scenario (rate 0 = as fast as possible)",
            "  --warmup-messages N    override the warm-up size (default 50000 at 25000/s; smoke: 2000)",
            "  --repeat N             runs per scenario; the JSON holds every run and their medians (default 1)",
            "  --daemon-jvm-flags S   JVM flags of sender and receiver (default: none = the JVM's defaults)",
            "  --generator-jvm-flags S JVM flags of the load generator (default: -Xmx1g)",
            "  --daemon-java FILE     java executable of sender and receiver (default: this JVM's; e.g. a JDK 25)",
            "  --sender-jvm-flags S   appended to the sender's flags only (e.g. its -XX:AOTCache=...)",
            "  --receiver-jvm-flags S appended to the receiver's flags only",
            "  --stop-receiver-ms N   SIGSTOP the receiver for N ms during the measured phase (proves loss counting)",
            "  --out FILE             JSON result (default run/bench-<time>.json); logs go to FILE minus .json/",
            "  --jfr                  also record a JFR file (settings=profile) of sender and receiver per run",
            "  --label S              free text stored in the JSON (e.g. image-flags or default-flags)");

    private BenchRunner() {
    }

    public static void main(String[] argv) throws Exception {
        if (Arrays.asList(argv).contains("--help")) {
            System.out.println(HELP);
            return;
        }
        Args a = new Args(argv);
        Config c = new Config(a);
        List<Scenario> scenarios = switch (a.value("--scenario", "all")) {
            case "all" -> ALL;
            case "smoke" -> List.of(SMOKE);
            case "cold" -> COLD;
            case "long-100" -> List.of(LONG);
            case "custom" -> List.of(new Scenario("custom-" + a.value("--rate", "0"), a.doubleValue("--rate", 0),
                    a.longValue("--messages", 100_000), WARMUP_MESSAGES, WARMUP_RATE));
            default -> java.util.stream.Stream.concat(ALL.stream(), COLD.stream())
                    .filter(s -> s.name().equals(a.value("--scenario", ""))).findFirst()
                    .map(List::of).orElseThrow(() -> new IllegalArgumentException("unknown scenario '"
                            + a.value("--scenario", "") + "'\n" + HELP));
        };
        if (a.value("--warmup-messages", null) != null) {
            long w = a.longValue("--warmup-messages", 0);
            scenarios = scenarios.stream().map(s -> new Scenario(s.name(), s.rate(), s.messages(), w,
                    s.warmupRate())).toList();
        }
        int repeat = a.intValue("--repeat", 1);
        Files.createDirectories(c.logDir);

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tool", "bbo-relay end-to-end benchmark (scripts/bench.sh)");
        doc.put("started", Instant.now().toString());
        doc.put("label", a.value("--label", ""));
        doc.put("machine", machine());
        doc.put("daemon_jvm_flags", c.daemonFlags);
        doc.put("daemon_java", c.daemonJava);
        doc.put("sender_jvm_flags", c.senderFlags);
        doc.put("receiver_jvm_flags", c.receiverFlags);
        doc.put("sender_direct_writes", SENDER_DIRECT_WRITES);
        doc.put("generator_jvm_flags", c.generatorFlags);
        doc.put("sender_jar", c.senderJar.toString());
        doc.put("recording", c.recording.toString());
        doc.put("repeat", repeat);
        doc.put("stop_receiver_ms", c.stopReceiverMs);
        doc.put("jfr", c.jfr);
        doc.put("notes", "latency = receiver listener wall clock - generator wall clock just before the WebSocket"
                + " write, same host (CLOCK_REALTIME); matched by Binance update id u; warm-up excluded; CPU over"
                + " the measured window (measure start to drained); peak RSS = VmHWM over the whole run; split_*:"
                + " the same latency cut at the sender's frame timestamp ts (sender wall clock when it writes the"
                + " frame)");
        List<Object> scenarioResults = new ArrayList<>();
        doc.put("scenarios", scenarioResults);

        for (Scenario s : scenarios) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int r = 1; r <= repeat; r++) {
                System.out.printf("== %s run %d/%d (rate %s, %d messages, warm-up %d)%n", s.name(), r, repeat,
                        s.rate() > 0 ? String.format("%.0f/s", s.rate()) : "max", s.messages(),
                        s.warmupMessages());
                Map<String, Object> run = runOnce(c, s, r);
                runs.add(run);
                System.out.println("   " + summary(run));
            }
            Map<String, Object> sr = new LinkedHashMap<>();
            sr.put("name", s.name());
            sr.put("target_rate_per_s", s.rate() > 0 ? s.rate() : "max");
            sr.put("messages", s.messages());
            sr.put("warmup_messages", s.warmupMessages());
            sr.put("warmup_rate_per_s", s.warmupRate());
            sr.put("median", median(runs));
            sr.put("runs", runs);
            scenarioResults.add(sr);
            writeJson(c.out, doc); // after every scenario, so an interrupted run keeps what it has
        }
        System.out.println("Results: " + c.out);
        for (Object o : scenarioResults) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sr = (Map<String, Object>) o;
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) sr.get("median");
            System.out.printf("%-12s %s%n", sr.get("name"), summary(m));
        }
    }

    /** Settings shared by all runs. */
    private static final class Config {
        final Path senderJar;
        final Path certs;
        final Path recording;
        final Path out;
        final Path logDir;
        final String daemonFlags;
        /** java executable of the daemons. */
        final String daemonJava;
        final String senderFlags;
        final String receiverFlags;
        final String generatorFlags;
        final long stopReceiverMs;
        final boolean jfr;
        final String benchClasspath;

        Config(Args a) throws IOException {
            senderJar = Path.of(a.required("--sender-jar")).toAbsolutePath();
            certs = Path.of(a.required("--certs")).toAbsolutePath();
            recording = Path.of(a.required("--recording")).toAbsolutePath();
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                    .format(Instant.now());
            out = Path.of(a.value("--out", "run/bench-" + stamp + ".json")).toAbsolutePath();
            String base = out.getFileName().toString().replaceFirst("\\.json$", "");
            logDir = out.resolveSibling(base);
            daemonFlags = a.value("--daemon-jvm-flags", "").trim();
            String java = a.value("--daemon-java", "").trim();
            daemonJava = java.isEmpty() ? thisJava() : java;
            senderFlags = a.value("--sender-jvm-flags", "").trim();
            receiverFlags = a.value("--receiver-jvm-flags", "").trim();
            generatorFlags = a.value("--generator-jvm-flags", "-Xmx1g").trim();
            stopReceiverMs = a.longValue("--stop-receiver-ms", 0);
            jfr = a.flag("--jfr");
            benchClasspath = System.getProperty("java.class.path");
            for (Path p : List.of(senderJar, certs.resolve("receiver.crt"), recording)) {
                if (!Files.isReadable(p)) {
                    throw new IOException("not readable: " + p);
                }
            }
        }
    }

    /** A child process whose stdout lines starting with GEN_/RECV_ are queued; all output is logged to a file. */
    static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final BlockingQueue<String> markers = new LinkedBlockingQueue<>();
        final PrintWriter stdin;
        final Path log;
        private final Thread pump;

        Child(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
            this.name = name;
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            process = pb.start();
            stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.log = log;
            pump = new Thread(() -> pump(log), "pump-" + name);
            pump.setDaemon(true);
            pump.start();
        }

        private void pump(Path log) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); Writer w = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                    if (line.startsWith("GEN_") || line.startsWith("RECV_")) {
                        markers.add(line);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }

        long pid() {
            return process.pid();
        }

        /** The next marker line starting with {@code prefix}, split on spaces. */
        String[] await(String prefix, long timeoutMs) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (true) {
                long left = deadline - System.nanoTime();
                String line = markers.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IOException(name + ": no " + prefix + " within " + timeoutMs + " ms"
                            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; see its log");
                }
                if (line.startsWith(prefix)) {
                    return line.split(" ");
                }
            }
        }

        /** SIGTERM (the daemons shut down cleanly), SIGKILL after 5 s. */
        void stop() {
            try {
                if (process.isAlive()) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                }
                pump.join(2_000); // the last lines (final stats) reach the log
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** The java executable of this JVM. */
    static String thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static List<String> java(String flags, String... rest) {
        return javaWith(thisJava(), flags, rest);
    }

    static List<String> javaWith(String javaExecutable, String flags, String... rest) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        if (!flags.isBlank()) {
            cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
        }
        cmd.addAll(Arrays.asList(rest));
        return cmd;
    }

    private static Map<String, Object> runOnce(Config c, Scenario s, int runIndex) throws Exception {
        String tag = s.name() + "-" + runIndex;
        Path genTimes = c.logDir.resolve(tag + "-generator.bin");
        Path recvTimes = c.logDir.resolve(tag + "-receiver.bin");
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, s.warmupMessages() + s.messages() + 10_000);
        String receiverFlags = c.daemonFlags + " " + c.receiverFlags + jfrFlag(c, tag + "-receiver");
        String senderFlags = c.daemonFlags + " " + c.senderFlags + jfrFlag(c, tag + "-sender");
        try (Child receiver = new Child("receiver", javaWith(c.daemonJava, receiverFlags, "-cp", c.benchClasspath,
                BenchReceiver.class.getName(), "--certs", c.certs.toString(), "--capacity",
                Integer.toString(capacity)), Map.of(), c.logDir.resolve(tag + "-receiver.log"))) {
            int receiverPort = Integer.parseInt(receiver.await("RECV_LISTENING", 30_000)[1]);
            try (Child generator = new Child("generator", java(c.generatorFlags, "-cp", c.benchClasspath,
                    LoadGenerator.class.getName(), "--recording", c.recording.toString(),
                    "--warmup-messages", Long.toString(s.warmupMessages()),
                    "--warmup-rate", Double.toString(s.warmupRate()),
                    // cold: the first message as soon as the sender subscribed, as Binance does
                    "--warmup-pause-ms", s.cold() ? "0" : "2000", "--start-delay-ms", s.cold() ? "0" : "1000",
                    "--messages", Long.toString(s.messages()), "--rate", Double.toString(s.rate()),
                    "--out", genTimes.toString()), Map.of(), c.logDir.resolve(tag + "-generator.log"))) {
                int generatorPort = Integer.parseInt(generator.await("GEN_LISTENING", 60_000)[1]);
                Map<String, String> env = new LinkedHashMap<>();
                env.put("BINANCE_WS_URL", "ws://127.0.0.1:" + generatorPort);
                env.put("SYMBOLS", "btcusdt");
                env.put("AMS_HOST", "127.0.0.1");
                env.put("AMS_PORT", Integer.toString(receiverPort));
                env.put("CA_CERT", c.certs.resolve("ca.crt").toString());
                env.put("CERT", c.certs.resolve("sender.crt").toString());
                env.put("KEY", c.certs.resolve("sender.key").toString());
                env.put("STATS_INTERVAL_SECONDS", "1"); // one short line a second: its counters go into the JSON
                env.put("RUN_SECONDS", "0");
                env.put("DIRECT_WRITES", SENDER_DIRECT_WRITES);
                try (Child sender = new Child("sender", javaWith(c.daemonJava, senderFlags, "-jar", c.senderJar.toString()), env,
                        c.logDir.resolve(tag + "-sender.log"))) {
                    generator.await("GEN_CONNECTED", 30_000);
                    long firstId = Long.parseLong(generator.await("GEN_MEASURE_START",
                            60_000 + (s.cold() ? 0 : (long) (s.warmupMessages() / s.warmupRate() * 1000)))[1]);
                    Map<String, Child> procs = new LinkedHashMap<>();
                    procs.put("generator", generator);
                    procs.put("sender", sender);
                    procs.put("receiver", receiver);
                    Map<String, Double> cpuStart = new LinkedHashMap<>();
                    procs.forEach((k, v) -> cpuStart.put(k, ProcStats.cpuSeconds(v.pid())));
                    long windowStartNanos = System.nanoTime();
                    Thread stopper = c.stopReceiverMs > 0 ? stopLater(receiver.pid(), c.stopReceiverMs) : null;

                    long expectedSeconds = s.rate() > 0 ? (long) (s.messages() / s.rate()) : 60;
                    String[] done = generator.await("GEN_DONE", 120_000 + expectedSeconds * 2_000);
                    long lastId = Long.parseLong(done[1]) + Long.parseLong(done[2]) - 1;
                    if (stopper != null) {
                        stopper.join();
                    }
                    String drain = drain(receiver, lastId);
                    double windowSeconds = (System.nanoTime() - windowStartNanos) / 1e9;
                    Map<String, Object> processes = new LinkedHashMap<>();
                    procs.forEach((k, v) -> {
                        Map<String, Object> p = new LinkedHashMap<>();
                        double cpu = ProcStats.cpuSeconds(v.pid()) - cpuStart.get(k);
                        p.put("pid", v.pid());
                        p.put("cpu_s", round(cpu, 3));
                        p.put("cpu_pct_of_one_core", round(100 * cpu / windowSeconds, 2));
                        p.put("peak_rss_mib", round(ProcStats.statusMiB(v.pid(), "VmHWM"), 1));
                        p.put("rss_mib", round(ProcStats.statusMiB(v.pid(), "VmRSS"), 1));
                        processes.put(k, p);
                    });
                    dumpJfr(c, sender, tag + "-sender");
                    dumpJfr(c, receiver, tag + "-receiver");
                    receiver.stdin.println("dump " + recvTimes);
                    String[] dumped = receiver.await("RECV_DUMPED", 60_000);
                    Map<String, Object> run = analyse(genTimes, recvTimes, firstId);
                    run.put("receiver_gaps_total", Long.parseLong(dumped[2]));
                    if (dumped.length >= 9) { // the library's clock check; one host: the true offset is 0
                        Map<String, Object> clock = new LinkedHashMap<>();
                        long corrected = Long.parseLong(dumped[4]);
                        long uncorrected = Long.parseLong(dumped[5]);
                        clock.put("offset_known", Boolean.parseBoolean(dumped[8]));
                        clock.put("offset_us", us(Long.parseLong(dumped[6])));
                        clock.put("p50_corrected_us", us(corrected));
                        clock.put("p50_uncorrected_us", us(uncorrected));
                        clock.put("p50_corrected_minus_uncorrected_us", us(corrected - uncorrected));
                        clock.put("clamped", Long.parseLong(dumped[7]));
                        run.put("receiver_clock", clock);
                    }
                    // frames waiting in the generator's own WebSocket queue at worst: large = the generator (or the
                    // TCP back-pressure from the sender) was behind, and that wait is inside the latency
                    run.put("generator_max_queued_frames", Long.parseLong(done[3]));
                    run.put("drain", drain);
                    run.put("window_s", round(windowSeconds, 3));
                    run.put("processes", processes);
                    Thread.sleep(1_200); // one more stats line from the sender, after the drain
                    run.put("sender_stats", lastLine(sender.log, "Stats: "));
                    sender.stop();
                    return run;
                }
            } finally {
                receiver.stdin.println("quit");
            }
        }
    }

    private static String jfrFlag(Config c, String name) {
        return c.jfr ? " -XX:StartFlightRecording=name=bench,settings=profile" : "";
    }

    /** Dumps the JFR recording of a live process (the sender halts in its shutdown hook: no dump on exit). */
    private static void dumpJfr(Config c, Child child, String name) throws IOException, InterruptedException {
        if (c.jfr) {
            Path jcmd = Path.of(c.daemonJava).resolveSibling("jcmd"); // the daemon's JDK: attach needs the same
            new ProcessBuilder(jcmd.toString(), Long.toString(child.pid()), "JFR.dump", "name=bench",
                    "filename=" + c.logDir.resolve(name + ".jfr")).redirectErrorStream(true)
                    .redirectOutput(c.logDir.resolve(name + "-jcmd.log").toFile()).start().waitFor();
        }
    }

    /** The text after {@code marker} on the last line of {@code log} holding it; empty when none. */
    static String lastLine(Path log, String marker) throws IOException {
        String found = "";
        for (String line : Files.readAllLines(log)) {
            int i = line.indexOf(marker);
            if (i >= 0) {
                found = line.substring(i + marker.length());
            }
        }
        return found;
    }

    /** Sends SIGSTOP to {@code pid} 500 ms from now and SIGCONT {@code ms} later. */
    private static Thread stopLater(long pid, long ms) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(500);
                signal("STOP", pid);
                Thread.sleep(ms);
                signal("CONT", pid);
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
        }, "stop-receiver");
        t.start();
        return t;
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor();
        System.out.println("   sent SIG" + sig + " to the receiver (pid " + pid + ")");
    }

    /** Polls the receiver until it got {@code lastId}, or made no progress for 3 s (then the rest is lost). */
    private static String drain(Child receiver, long lastId) throws Exception {
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        long start = System.nanoTime();
        while (true) {
            receiver.stdin.println("status");
            String[] st = receiver.await("RECV_STATUS", 10_000);
            long count = Long.parseLong(st[1]);
            long last = Long.parseLong(st[2]);
            if (last >= lastId) {
                return "complete";
            }
            if (count != lastCount) {
                lastCount = count;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(3)) {
                return "stalled (last update id not received)";
            }
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                return "timeout";
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, Object> analyse(Path genFile, Path recvFile, long firstId) throws IOException {
        long[] writeNanos;
        long genFirstId;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(genFile),
                1 << 16))) {
            genFirstId = in.readLong();
            int n = (int) in.readLong();
            writeNanos = new long[n];
            for (int i = 0; i < n; i++) {
                writeNanos[i] = in.readLong();
            }
        }
        if (genFirstId != firstId) {
            throw new IOException("generator file first id " + genFirstId + " != announced " + firstId);
        }
        int produced = writeNanos.length;
        boolean[] seen = new boolean[produced];
        Histogram latencyNanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram toSenderWriteNanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram fromSenderWriteNanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        // the start (cold scenarios): messages written in the first second, and the rest after the first 5 s
        Histogram firstSecondNanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        Histogram after5sNanos = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long startWrite = writeNanos.length > 0 ? writeNanos[0] : 0;
        long delivered = 0;
        long duplicates = 0;
        long negative = 0;
        long stallsFirstSecond = 0;
        long slowFirstHop = 0;
        long slowSecondHop = 0;
        long slowBothHops = 0;
        long outsideMeasured = 0;
        long lastReceive = Long.MIN_VALUE;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(recvFile),
                1 << 16))) {
            long n = in.readLong();
            for (long i = 0; i < n; i++) {
                long id = in.readLong();
                long recv = in.readLong();
                long senderTs = in.readLong();
                long idx = id - firstId;
                if (idx < 0 || idx >= produced) {
                    outsideMeasured++; // warm-up, or a replayed latest quote
                    continue;
                }
                if (seen[(int) idx]) {
                    duplicates++;
                    continue;
                }
                seen[(int) idx] = true;
                delivered++;
                long lat = recv - writeNanos[(int) idx];
                if (lat < 0) {
                    negative++;
                    lat = 0;
                }
                record(latencyNanos, lat);
                long sinceStart = writeNanos[(int) idx] - startWrite;
                if (sinceStart < TimeUnit.SECONDS.toNanos(1)) {
                    record(firstSecondNanos, lat);
                    if (lat > TimeUnit.MILLISECONDS.toNanos(5)) {
                        stallsFirstSecond++;
                    }
                } else if (sinceStart >= TimeUnit.SECONDS.toNanos(5)) {
                    record(after5sNanos, lat);
                }
                record(toSenderWriteNanos, senderTs - writeNanos[(int) idx]);
                record(fromSenderWriteNanos, recv - senderTs);
                boolean slowIn = senderTs - writeNanos[(int) idx] > SLOW_HOP_NANOS;
                boolean slowOut = recv - senderTs > SLOW_HOP_NANOS;
                slowFirstHop += slowIn ? 1 : 0;
                slowSecondHop += slowOut ? 1 : 0;
                slowBothHops += slowIn && slowOut ? 1 : 0;
                lastReceive = Math.max(lastReceive, recv);
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        double sendSeconds = produced > 1 ? (writeNanos[produced - 1] - writeNanos[0]) / 1e9 : 0;
        run.put("produced", produced);
        run.put("delivered", delivered);
        run.put("lost", produced - delivered);
        run.put("duplicates", duplicates);
        run.put("negative_latencies_clamped", negative);
        run.put("received_outside_measured_ids", outsideMeasured);
        run.put("send_duration_s", round(sendSeconds, 3));
        run.put("achieved_rate_per_s", round(sendSeconds > 0 ? (produced - 1) / sendSeconds : 0, 1));
        double deliverSeconds = delivered > 0 ? (lastReceive - writeNanos[0]) / 1e9 : 0;
        run.put("delivered_rate_per_s", round(deliverSeconds > 0 ? delivered / deliverSeconds : 0, 1));
        run.put("latency_us", percentiles(latencyNanos));
        run.put("split_generator_to_sender_ts_us", percentiles(toSenderWriteNanos));
        run.put("split_sender_ts_to_listener_us", percentiles(fromSenderWriteNanos));
        run.put("first_second_latency_us", percentiles(firstSecondNanos));
        run.put("first_second_over_5ms", stallsFirstSecond);
        run.put("after_5s_latency_us", percentiles(after5sNanos));
        // Slow hops (> 2 ms): generator -> sender ts, sender ts -> listener, both for the same message, and how many
        // would be slow on both if the two hops' delays were independent. Far more than that: a stall of the whole
        // machine (every thread of every process), not of one relay thread (docs/BENCHMARKS.md).
        Map<String, Object> slow = new LinkedHashMap<>();
        slow.put("first_hop", slowFirstHop);
        slow.put("second_hop", slowSecondHop);
        slow.put("both", slowBothHops);
        slow.put("both_if_independent", round(delivered > 0 ? (double) slowFirstHop * slowSecondHop / delivered : 0, 1));
        run.put("hops_over_2ms", slow);
        return run;
    }

    /** A hop slower than this counts in {@code hops_over_2ms}. */
    private static final long SLOW_HOP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.max(0, Math.min(nanos, h.getHighestTrackableValue())));
    }

    private static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("count", h.getTotalCount());
        lat.put("p50", us(h.getValueAtPercentile(50)));
        lat.put("p90", us(h.getValueAtPercentile(90)));
        lat.put("p99", us(h.getValueAtPercentile(99)));
        lat.put("p99_9", us(h.getValueAtPercentile(99.9)));
        lat.put("max", us(h.getMaxValue()));
        lat.put("mean", round(h.getMean() / 1_000, 1));
        return lat;
    }

    private static double us(long nanos) {
        return round(nanos / 1_000.0, 1);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** Same shape as one run, numeric leaves replaced by the median over the runs (pids dropped). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> median(List<Map<String, Object>> runs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : runs.get(0).entrySet()) {
            String key = e.getKey();
            if (key.equals("pid")) {
                continue;
            }
            if (e.getValue() instanceof Map) {
                List<Map<String, Object>> sub = new ArrayList<>();
                for (Map<String, Object> r : runs) {
                    sub.add((Map<String, Object>) r.get(key));
                }
                out.put(key, median(sub));
            } else if (e.getValue() instanceof Number) {
                double[] v = runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
                double m = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
                out.put(key, m == Math.rint(m) && Math.abs(m) < 1e15 ? (Object) (long) m : (Object) round(m, 3));
            } else {
                List<Object> all = new ArrayList<>();
                runs.forEach(r -> all.add(r.get(key)));
                out.put(key, all.stream().distinct().count() == 1 ? e.getValue() : all);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> run) {
        Map<String, Object> lat = (Map<String, Object>) run.get("latency_us");
        Map<String, Object> procs = (Map<String, Object>) run.get("processes");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("produced=%s delivered=%s lost=%s rate=%s/s | us p50=%s p90=%s p99=%s p99.9=%s"
                        + " max=%s", run.get("produced"), run.get("delivered"), run.get("lost"),
                run.get("achieved_rate_per_s"), lat.get("p50"), lat.get("p90"), lat.get("p99"), lat.get("p99_9"),
                lat.get("max")));
        Object first = run.get("first_second_latency_us");
        if (first instanceof Map<?, ?> f) {
            sb.append(String.format(" | 1st s max=%s over5ms=%s", f.get("max"), run.get("first_second_over_5ms")));
        }
        if (run.get("hops_over_2ms") instanceof Map<?, ?> h) {
            sb.append(String.format(" | hops>2ms in=%s out=%s both=%s (independent: %s)", h.get("first_hop"),
                    h.get("second_hop"), h.get("both"), h.get("both_if_independent")));
        }
        if (run.get("receiver_clock") instanceof Map<?, ?> clk) {
            sb.append(String.format(" | clock offset=%sus corr-uncorr p50=%sus clamped=%s", clk.get("offset_us"),
                    clk.get("p50_corrected_minus_uncorrected_us"), clk.get("clamped")));
        }
        procs.forEach((k, v) -> {
            Map<String, Object> p = (Map<String, Object>) v;
            sb.append(String.format(" | %s cpu=%ss (%s%%) rss=%sMiB", k, p.get("cpu_s"),
                    p.get("cpu_pct_of_one_core"), p.get("peak_rss_mib")));
        });
        return sb.toString();
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        String model = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        m.put("cpu_model", model);
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("clock_ticks_per_s", ProcStats.CLOCK_TICKS_PER_SECOND);
        return m;
    }

    static void writeJson(Path out, Map<String, Object> doc) throws IOException {
        Files.createDirectories(out.getParent());
        File tmp = out.resolveSibling(out.getFileName() + ".tmp").toFile();
        try (JsonGenerator g = new JsonFactory().createGenerator(tmp, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            write(g, doc);
        }
        Files.move(tmp.toPath(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @SuppressWarnings("unchecked")
    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List) {
            g.writeStartArray();
            for (Object o : (List<Object>) v) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v == null) {
            g.writeNull();
        } else {
            g.writeString(v.toString());
        }
    }
}
