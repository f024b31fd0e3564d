package eu.bborelay.bench;

import eu.bborelay.common.testing.FaultProxy;
import java.io.IOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Soak test (issue 3): the relay for a long time at a fixed rate with faults injected periodically, watching for
 * lost accounting, duplicates and resource leaks. Three processes as in the end-to-end benchmark, the
 * {@link LoadGenerator} in {@code --soak} mode (fake Binance, any number of reconnects), the real sender jar and
 * the {@link BenchReceiver} in {@code --soak} mode (receiver library, a bitmap of delivered seqs), plus a
 * {@link FaultProxy} in this process between sender and receiver.
 *
 * <p>Faults, cycling, the first at {@code --first-fault-seconds}, then every {@code --fault-every-seconds}:
 * {@code stall} (the proxy moves nothing for 8 s: both sides' 5 s silence timeouts fire, the sender redials),
 * {@code reset} (RST on every proxied connection), {@code binance-drop} (the generator closes the sender's
 * WebSocket's TCP connection abruptly; the sender's Binance leg reconnects) and {@code throttle} (sender to
 * receiver limited to 50,000 B/s for 10 s: the sender's backlog fills and conflates).
 *
 * <p>Every {@code --sample-seconds}, for the sender and the receiver: RSS ({@code VmRSS}), threads
 * ({@code Threads}), open file descriptors ({@code /proc/<pid>/fd}) and {@code jstat -gc} (heap used, old
 * generation used, GC counts); plus the generator's, sender's (last stats line) and receiver's counts. Heap after a
 * full GC ({@code jcmd GC.run}, then {@code jstat -gc}) at the baseline and at the end only. At the end: the
 * generator stops, the relay drains, the end snapshot is taken, the sender is stopped with SIGTERM (its last stats
 * line is then exact) and the receiver's counts are read. Run through {@code scripts/soak.sh}.
 */
public final class Soak {
    private static final String HELP = String.join("\n",
            "Usage: java -cp relay-benchmarks.jar eu.bborelay.bench.Soak --sender-jar JAR --certs DIR"
                    + " --recording FILE [options]",
            "  --minutes N               run length (default 30)",
            "  --rate N                  updates per second from the generator (default 5000)",
            "  --fault-every-seconds N   seconds between faults (default 180)",
            "  --first-fault-seconds N   time of the first fault (default: --fault-every-seconds)",
            "  --sample-seconds N        sampling period (default 10)",
            "  --daemon-jvm-flags S      JVM flags of sender and receiver",
            "  --generator-jvm-flags S   JVM flags of the generator (default -Xmx1g)",
            "  --out-dir DIR             results (default run/soak-<UTC time>)",
            "  --label S                 free text stored in the JSON");

    static final long STALL_MS = 8_000;
    static final long THROTTLE_MS = 10_000;
    static final long THROTTLE_BYTES_PER_SECOND = 50_000;
    static final String[] FAULTS = {"stall", "reset", "binance-drop", "throttle"};

    private final Path outDir;
    private final long t0Nanos = System.nanoTime();
    private final List<Map<String, Object>> faultLog = new ArrayList<>();
    private final List<Map<String, Object>> samples = new ArrayList<>();
    private Writer csv;

    private Soak(Path outDir) {
        this.outDir = outDir;
    }

    public static void main(String[] argv) throws Exception {
        if (Arrays.asList(argv).contains("--help")) {
            System.out.println(HELP);
            return;
        }
        Args a = new Args(argv);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path outDir = Path.of(a.value("--out-dir", "run/soak-" + stamp)).toAbsolutePath();
        Files.createDirectories(outDir);
        new Soak(outDir).run(a);
    }

    private double now() {
        return (System.nanoTime() - t0Nanos) / 1e9;
    }

    private void run(Args a) throws Exception {
        Path senderJar = Path.of(a.required("--sender-jar")).toAbsolutePath();
        Path certs = Path.of(a.required("--certs")).toAbsolutePath();
        Path recording = Path.of(a.required("--recording")).toAbsolutePath();
        double minutes = a.doubleValue("--minutes", 30);
        double rate = a.doubleValue("--rate", 5_000);
        long faultEvery = a.longValue("--fault-every-seconds", 180);
        long firstFault = a.longValue("--first-fault-seconds", faultEvery);
        long sampleSeconds = a.longValue("--sample-seconds", 10);
        String daemonFlags = a.value("--daemon-jvm-flags", "").trim();
        String generatorFlags = a.value("--generator-jvm-flags", "-Xmx1g").trim();
        long durationMs = (long) (minutes * 60_000);
        long baselineMs = Math.min(30_000, firstFault * 1_000 - 5_000);
        if (baselineMs < 5_000) {
            throw new IllegalArgumentException("--first-fault-seconds must be >= 10");
        }
        String cp = System.getProperty("java.class.path");
        long capacityBits = (long) (rate * minutes * 60 * 1.5) + 1_000_000;

        // fault schedule: each ends before the generator stops
        List<long[]> schedule = new ArrayList<>(); // {atMs, type, endMs}
        for (long t = firstFault * 1_000, k = 0; ; t += faultEvery * 1_000, k++) {
            int type = (int) (k % FAULTS.length);
            long len = type == 0 ? STALL_MS : type == 3 ? THROTTLE_MS : 0;
            if (t >= durationMs || t + len > durationMs) { // the loop stops at durationMs: nothing starts then
                break;
            }
            schedule.add(new long[] {t, type, t + len});
        }

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tool", "bbo-relay soak (scripts/soak.sh)");
        doc.put("started", Instant.now().toString());
        doc.put("label", a.value("--label", ""));
        doc.put("machine", BenchRunner.machine());
        doc.put("minutes", minutes);
        doc.put("rate_per_s", rate);
        doc.put("fault_every_s", faultEvery);
        doc.put("first_fault_s", firstFault);
        doc.put("sample_s", sampleSeconds);
        doc.put("baseline_s", baselineMs / 1000.0);
        doc.put("daemon_jvm_flags", daemonFlags);
        doc.put("generator_jvm_flags", generatorFlags);
        doc.put("sender_jar", senderJar.toString());
        doc.put("recording", recording.toString());
        doc.put("heap_method", "heap_used_mib/old_used_mib every sample: jstat -gc (EU+S0U+S1U+OU, OU), i.e."
                + " including garbage not yet collected; heap after full GC: jcmd GC.run then jstat -gc, at the"
                + " baseline and at the end only");
        doc.put("faults_planned", schedule.size());
        Path json = outDir.resolve("soak.json");

        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        csv = Files.newBufferedWriter(outDir.resolve("timeseries.csv"));
        csv.write(String.join(",", "t_s", "utc", "fault_active", "gen_generated", "gen_written", "gen_unserved",
                "sender_taken", "sender_sent", "sender_dropped", "sender_conflated", "sender_receiver_reconnects",
                "sender_binance_reconnects", "recv_delivered", "recv_max_seq", "recv_gaps",
                "sender_rss_mib", "sender_threads", "sender_fds", "sender_heap_used_mib", "sender_old_used_mib",
                "sender_ygc", "sender_fgc",
                "recv_rss_mib", "recv_threads", "recv_fds", "recv_heap_used_mib", "recv_old_used_mib",
                "recv_ygc", "recv_fgc", "sender_metrics_http") + "\n");

        try (BenchRunner.Child receiver = new BenchRunner.Child("receiver", BenchRunner.java(daemonFlags, "-cp", cp,
                BenchReceiver.class.getName(), "--soak", "--certs", certs.toString(), "--capacity",
                Long.toString(capacityBits)), Map.of(), outDir.resolve("receiver.log"))) {
            int receiverPort = Integer.parseInt(receiver.await("RECV_LISTENING", 30_000)[1]);
            try (FaultProxy proxy = FaultProxy.start("127.0.0.1", receiverPort);
                 BenchRunner.Child generator = new BenchRunner.Child("generator", BenchRunner.java(generatorFlags,
                         "-cp", cp, LoadGenerator.class.getName(), "--soak", "--recording", recording.toString(),
                         "--rate", Double.toString(rate), "--out", outDir.resolve("unused.bin").toString()),
                         Map.of(), outDir.resolve("generator.log"))) {
                int generatorPort = Integer.parseInt(generator.await("GEN_LISTENING", 60_000)[1]);
                Map<String, String> env = new LinkedHashMap<>();
                env.put("BINANCE_WS_URL", "ws://127.0.0.1:" + generatorPort);
                env.put("SYMBOLS", "btcusdt");
                env.put("AMS_HOST", "127.0.0.1");
                env.put("AMS_PORT", Integer.toString(proxy.port()));
                env.put("CA_CERT", certs.resolve("ca.crt").toString());
                env.put("CERT", certs.resolve("sender.crt").toString());
                env.put("KEY", certs.resolve("sender.key").toString());
                env.put("STATS_INTERVAL_SECONDS", "5");
                env.put("HTTP_PORT", Integer.toString(httpPort));
                env.put("RUN_SECONDS", "0");
                doc.put("sender_env", env);
                try (BenchRunner.Child sender = new BenchRunner.Child("sender", BenchRunner.java(daemonFlags, "-jar",
                        senderJar.toString()), env, outDir.resolve("sender.log"))) {
                    generator.await("GEN_CONNECTED", 60_000);
                    double connectedAt = now();
                    System.out.printf("Relay up after %.1f s; %d faults planned; samples every %d s; %s%n",
                            connectedAt, schedule.size(), sampleSeconds, outDir);
                    long startMs = System.currentTimeMillis();
                    long loopStart = System.nanoTime();
                    long nextSampleMs = 0;
                    int nextFault = 0;
                    long[] activeFault = null;
                    Map<String, Object> baseline = null;
                    String active = "";
                    while (true) {
                        long el = (System.nanoTime() - loopStart) / 1_000_000;
                        if (activeFault != null && el >= activeFault[2]) {
                            endFault(proxy, (int) activeFault[1]);
                            activeFault = null;
                            active = "";
                        }
                        if (el >= durationMs && activeFault == null) {
                            break;
                        }
                        if (baseline == null && el >= baselineMs) {
                            baseline = snapshot("baseline", sender, receiver);
                        }
                        if (activeFault == null && nextFault < schedule.size() && el >= schedule.get(nextFault)[0]) {
                            activeFault = schedule.get(nextFault++);
                            active = FAULTS[(int) activeFault[1]];
                            startFault(proxy, generator, (int) activeFault[1]);
                            if (activeFault[2] == activeFault[0]) {
                                activeFault = null;
                                active = "";
                            }
                        }
                        if (el >= nextSampleMs) {
                            sample(generator, sender, receiver, active, httpPort);
                            nextSampleMs += sampleSeconds * 1_000;
                            doc.put("faults", faultLog);
                            writeJsonQuietly(json, doc);
                        }
                        Thread.sleep(100);
                    }
                    // end: stop the generator, drain, snapshot, stop the sender
                    generator.stdin.println("stop");
                    generator.await("GEN_STOPPED", 30_000);
                    String[] gen = generator.await("GEN_COUNTS", 30_000);
                    double stoppedAt = now();
                    System.out.printf("[%7.1f s] generator stopped: generated=%s written=%s unserved=%s%n",
                            stoppedAt, gen[1], gen[2], gen[3]);
                    String drain = drain(sender, receiver);
                    System.out.printf("[%7.1f s] drain: %s%n", now(), drain);
                    sample(generator, sender, receiver, "", httpPort);
                    Map<String, Object> end = snapshot("end", sender, receiver);
                    double runSeconds = (System.currentTimeMillis() - startMs) / 1000.0;

                    sender.stop();
                    String senderFinal = BenchRunner.lastLine(sender.log, "Stats: ");
                    Map<String, Long> sf = keyValues(senderFinal);
                    receiver.stdin.println("soakstats");
                    Map<String, Long> rf = keyValues(String.join(" ", receiver.await("RECV_SOAK", 30_000)));

                    Map<String, Object> generatorCounts = new LinkedHashMap<>();
                    generatorCounts.put("generated", Long.parseLong(gen[1]));
                    generatorCounts.put("written_to_a_client", Long.parseLong(gen[2]));
                    generatorCounts.put("unserved_no_client", Long.parseLong(gen[3]));
                    generatorCounts.put("connections_accepted", Long.parseLong(gen[4]));
                    generatorCounts.put("max_queued_frames", Long.parseLong(gen[7]));
                    doc.put("run_seconds", round(runSeconds, 1));
                    doc.put("drain", drain);
                    doc.put("generator", generatorCounts);
                    doc.put("sender_final_stats_line", senderFinal);
                    doc.put("sender_final", sf);
                    doc.put("receiver_final", rf);
                    doc.put("proxy", Map.of("connections_accepted", proxy.accepted(),
                            "bytes_upstream", proxy.bytes(FaultProxy.Direction.UPSTREAM),
                            "bytes_downstream", proxy.bytes(FaultProxy.Direction.DOWNSTREAM)));
                    doc.put("faults", faultLog);
                    doc.put("baseline", baseline);
                    doc.put("end", end);
                    doc.put("series_summary", seriesSummary());
                    doc.put("checks", checks(sf, rf, baseline, end));
                    writeJsonQuietly(json, doc);
                }
            } finally {
                receiver.stdin.println("quit");
                csv.close();
            }
        }
        System.out.println("Results: " + json + " and " + outDir.resolve("timeseries.csv"));
        printSummary(doc);
    }

    // ---- faults ----

    private void startFault(FaultProxy proxy, BenchRunner.Child generator, int type) throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", FAULTS[type]);
        f.put("t_s", round(now(), 1));
        f.put("utc", Instant.now().toString());
        switch (type) {
            case 0 -> {
                proxy.stall(true);
                f.put("detail", "proxy stalled both directions for " + STALL_MS + " ms; " + proxy.open()
                        + " proxied connection(s) open");
            }
            case 1 -> f.put("detail", "proxy reset " + proxy.resetAll() + " connection(s)");
            case 2 -> {
                generator.stdin.println("drop");
                f.put("detail", "generator dropped " + generator.await("GEN_DROPPED", 10_000)[1]
                        + " WebSocket connection(s) abruptly");
            }
            default -> {
                proxy.throttle(FaultProxy.Direction.UPSTREAM, THROTTLE_BYTES_PER_SECOND);
                f.put("detail", "sender->receiver throttled to " + THROTTLE_BYTES_PER_SECOND + " B/s for "
                        + THROTTLE_MS + " ms");
            }
        }
        faultLog.add(f);
        System.out.printf("[%7.1f s] fault %s: %s%n", now(), f.get("type"), f.get("detail"));
    }

    private void endFault(FaultProxy proxy, int type) {
        if (type == 0) {
            proxy.stall(false);
        } else if (type == 3) {
            proxy.throttle(FaultProxy.Direction.UPSTREAM, 0);
        }
        faultLog.get(faultLog.size() - 1).put("ended_t_s", round(now(), 1));
        System.out.printf("[%7.1f s] fault %s ended%n", now(), FAULTS[type]);
    }

    // ---- sampling ----

    private void sample(BenchRunner.Child generator, BenchRunner.Child sender, BenchRunner.Child receiver,
                        String active, int httpPort) throws Exception {
        double t = now();
        generator.stdin.println("counts");
        String[] gen;
        try {
            gen = generator.await("GEN_COUNTS", 10_000);
        } catch (IOException e) {
            gen = new String[] {"", "-1", "-1", "-1"};
        }
        receiver.stdin.println("status");
        String[] rs = receiver.await("RECV_STATUS", 10_000);
        Map<String, Long> ss = keyValues(BenchRunner.lastLine(sender.log, "Stats: "));
        Map<String, Object> sp = proc(sender.pid());
        Map<String, Object> rp = proc(receiver.pid());
        int http = httpStatus(httpPort);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("t_s", round(t, 1));
        row.put("utc", Instant.now().toString());
        row.put("fault_active", active);
        row.put("gen_generated", Long.parseLong(gen[1]));
        row.put("gen_written", Long.parseLong(gen[2]));
        row.put("gen_unserved", Long.parseLong(gen[3]));
        row.put("sender_taken", ss.getOrDefault("taken", -1L));
        row.put("sender_sent", ss.getOrDefault("sent", -1L));
        row.put("sender_dropped", ss.getOrDefault("dropped", -1L));
        row.put("sender_conflated", ss.getOrDefault("conflated", -1L));
        row.put("sender_receiver_reconnects", ss.getOrDefault("receiver", -1L));
        row.put("sender_binance_reconnects", ss.getOrDefault("binance", -1L));
        row.put("recv_delivered", Long.parseLong(rs[1]));
        row.put("recv_max_seq", Long.parseLong(rs[2]));
        row.put("recv_gaps", Long.parseLong(rs[3]));
        for (String k : List.of("rss_mib", "threads", "fds", "heap_used_mib", "old_used_mib", "ygc", "fgc")) {
            row.put("sender_" + k, sp.get(k));
        }
        for (String k : List.of("rss_mib", "threads", "fds", "heap_used_mib", "old_used_mib", "ygc", "fgc")) {
            row.put("recv_" + k, rp.get(k));
        }
        row.put("sender_metrics_http", http);
        samples.add(row);
        StringBuilder line = new StringBuilder();
        for (Object v : row.values()) {
            line.append(line.length() == 0 ? "" : ",").append(v);
        }
        csv.write(line + "\n");
        csv.flush();
        System.out.printf("[%7.1f s] %s taken=%s delivered=%s gaps=%s | sender rss=%s thr=%s fd=%s heap=%s |"
                        + " receiver rss=%s thr=%s fd=%s heap=%s%n", t, active.isEmpty() ? "" : "(" + active + ")",
                row.get("sender_taken"), row.get("recv_delivered"), row.get("recv_gaps"), sp.get("rss_mib"),
                sp.get("threads"), sp.get("fds"), sp.get("heap_used_mib"), rp.get("rss_mib"), rp.get("threads"),
                rp.get("fds"), rp.get("heap_used_mib"));
    }

    /** RSS, threads, fds and jstat -gc of a process. */
    private static Map<String, Object> proc(long pid) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("rss_mib", round(ProcStats.statusMiB(pid, "VmRSS"), 1));
        p.put("threads", statusValue(pid, "Threads"));
        p.put("fds", fds(pid));
        Map<String, Double> gc = jstat(pid);
        p.put("heap_used_mib", round((gc.getOrDefault("EU", -1024.0) + gc.getOrDefault("S0U", 0.0)
                + gc.getOrDefault("S1U", 0.0) + gc.getOrDefault("OU", 0.0)) / 1024, 2));
        p.put("old_used_mib", round(gc.getOrDefault("OU", -1024.0) / 1024, 2));
        p.put("ygc", gc.getOrDefault("YGC", -1.0).longValue());
        p.put("fgc", gc.getOrDefault("FGC", -1.0).longValue());
        return p;
    }

    /** Full GC (jcmd GC.run), then the process figures; the GC.heap_info text is kept next to the results. */
    private Map<String, Object> snapshot(String name, BenchRunner.Child sender, BenchRunner.Child receiver) {
        Map<String, Object> snap = new LinkedHashMap<>();
        snap.put("t_s", round(now(), 1));
        snap.put("utc", Instant.now().toString());
        for (BenchRunner.Child c : List.of(sender, receiver)) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pid", c.pid());
            jcmd(c.pid(), outDir.resolve(name + "-" + c.name + "-gc-run.txt"), "GC.run");
            jcmd(c.pid(), outDir.resolve(name + "-" + c.name + "-heap-info.txt"), "GC.heap_info");
            Map<String, Object> after = proc(c.pid());
            p.put("heap_after_full_gc_mib", after.get("heap_used_mib"));
            p.put("old_after_full_gc_mib", after.get("old_used_mib"));
            p.put("rss_mib", after.get("rss_mib"));
            p.put("threads", after.get("threads"));
            p.put("fds", after.get("fds"));
            p.put("thread_names", threadNames(c.pid()));
            p.put("fd_targets", fdTargets(c.pid()));
            snap.put(c.name, p);
        }
        System.out.printf("[%7.1f s] %s snapshot (after full GC): %s%n", now(), name, brief(snap));
        return snap;
    }

    @SuppressWarnings("unchecked")
    private static String brief(Map<String, Object> snap) {
        StringBuilder sb = new StringBuilder();
        for (String k : List.of("sender", "receiver")) {
            Map<String, Object> p = (Map<String, Object>) snap.get(k);
            sb.append(String.format("%s heap=%s MiB rss=%s MiB threads=%s fds=%s; ", k,
                    p.get("heap_after_full_gc_mib"), p.get("rss_mib"), p.get("threads"), p.get("fds")));
        }
        return sb.toString();
    }

    private static void jcmd(long pid, Path out, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // recorded as missing figures
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code jstat -gc pid}: column name to value (KiB for sizes). */
    private static Map<String, Double> jstat(long pid) {
        Map<String, Double> m = new LinkedHashMap<>();
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        try {
            Process p = new ProcessBuilder(jstat.toString(), "-gc", Long.toString(pid)).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            String[] lines = out.trim().split("\n");
            if (lines.length >= 2) {
                String[] h = lines[0].trim().split("\\s+");
                String[] v = lines[1].trim().split("\\s+");
                for (int i = 0; i < Math.min(h.length, v.length); i++) {
                    try {
                        m.put(h[i], Double.parseDouble(v[i]));
                    } catch (NumberFormatException ignored) {
                        // "-"
                    }
                }
            }
        } catch (IOException e) {
            // missing figures
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return m;
    }

    private static long statusValue(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long fds(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Thread names and how many of each (digits replaced by #), from /proc/<pid>/task/<tid>/comm. */
    private static Map<String, Object> threadNames(long pid) {
        Map<String, Object> names = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) s::iterator) {
                try {
                    String n = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    names.merge(n, 1L, (x, y) -> (Long) x + (Long) y);
                } catch (IOException ignored) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            // gone
        }
        return names;
    }

    /** Kinds of open fds (socket, pipe, anon_inode:..., files by path) and how many of each. */
    private static Map<String, Object> fdTargets(long pid) {
        Map<String, Object> kinds = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString().replaceAll("\\[[0-9]+\\]", "");
                    kinds.merge(target, 1L, (x, y) -> (Long) x + (Long) y);
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // gone
        }
        return kinds;
    }

    /** GET /metrics of the sender, as a Prometheus scrape would: the HTTP status, or -1. */
    private static int httpStatus(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics")
                    .openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(2_000);
            int code = c.getResponseCode();
            try (var in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            c.disconnect();
            return code;
        } catch (IOException e) {
            return -1;
        }
    }

    // ---- end ----

    /**
     * Waits until the receiver's counts stopped moving and the sender, in a stats line written after the generator
     * stopped, reports the receiver's highest seq as its last seq (nothing left to write); at most 90 s.
     */
    private String drain(BenchRunner.Child sender, BenchRunner.Child receiver) throws Exception {
        long start = System.nanoTime();
        int linesAtStop = countLines(sender.log, "Stats: ");
        String last = "";
        long stableSince = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90)) {
            receiver.stdin.println("status");
            String[] rs = receiver.await("RECV_STATUS", 10_000);
            String now = rs[1] + " " + rs[2] + " " + rs[3];
            if (!now.equals(last)) {
                last = now;
                stableSince = System.nanoTime();
            }
            long maxSeq = Long.parseLong(rs[2]);
            Map<String, Long> ss = keyValues(BenchRunner.lastLine(sender.log, "Stats: "));
            boolean senderDone = countLines(sender.log, "Stats: ") > linesAtStop
                    && ss.getOrDefault("seq", -1L) == maxSeq;
            if (senderDone && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(3)) {
                return "complete (receiver's highest seq = sender's last seq " + maxSeq + ")";
            }
            Thread.sleep(500);
        }
        return "timeout after 90 s (receiver " + last + ")";
    }

    private static int countLines(Path log, String marker) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(log)) {
            if (line.contains(marker)) {
                n++;
            }
        }
        return n;
    }

    /** {@code key=value} pairs with integer values of a line (nested braces flattened: last key wins). */
    static Map<String, Long> keyValues(String line) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String tok : line.replace("{", " ").replace("}", " ").split("\\s+")) {
            int i = tok.indexOf('=');
            if (i > 0) {
                try {
                    m.put(tok.substring(0, i), Long.parseLong(tok.substring(i + 1)));
                } catch (NumberFormatException ignored) {
                    // connected/disconnected
                }
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> checks(Map<String, Long> sf, Map<String, Long> rf, Map<String, Object> baseline,
                                       Map<String, Object> end) {
        Map<String, Object> c = new LinkedHashMap<>();
        long taken = sf.getOrDefault("taken", -1L);
        long delivered = rf.getOrDefault("lib_quotes_delivered", -1L);
        long gaps = rf.getOrDefault("lib_gaps", -1L);
        c.put("taken", taken);
        c.put("delivered", delivered);
        c.put("gaps", gaps);
        c.put("delivered_plus_gaps_equals_taken", delivered + gaps == taken);
        c.put("delivered_plus_gaps_minus_taken", delivered + gaps - taken);
        long dups = rf.getOrDefault("lib_duplicates", -1L) + rf.getOrDefault("listener_duplicates", -1L);
        c.put("duplicates_zero", dups == 0);
        c.put("listener_agrees_with_library", rf.getOrDefault("listener_delivered", -1L).equals(delivered)
                && rf.getOrDefault("listener_missing_seqs", -1L).equals(gaps)
                && rf.getOrDefault("listener_max_seq", -1L) == taken);
        long sent = sf.getOrDefault("sent", -1L);
        long dropped = sf.getOrDefault("dropped", -1L);
        long conflated = sf.getOrDefault("conflated", -1L);
        c.put("sender_sent_plus_dropped_plus_conflated_equals_taken", sent + dropped + conflated == taken);
        c.put("receiver_gaps_equals_sender_dropped_plus_conflated", gaps == dropped + conflated);
        if (baseline != null && end != null) {
            for (String k : List.of("sender", "receiver")) {
                Map<String, Object> b = (Map<String, Object>) baseline.get(k);
                Map<String, Object> e = (Map<String, Object>) end.get(k);
                c.put(k + "_threads_equal", b.get("threads").equals(e.get("threads")));
                c.put(k + "_fds_equal", b.get("fds").equals(e.get("fds")));
                c.put(k + "_heap_after_full_gc_delta_mib", round(((Number) e.get("heap_after_full_gc_mib"))
                        .doubleValue() - ((Number) b.get("heap_after_full_gc_mib")).doubleValue(), 2));
            }
        }
        return c;
    }

    /** First/last/min/max of each numeric series, and RSS slope over the run (MiB per hour, least squares). */
    private Map<String, Object> seriesSummary() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (samples.isEmpty()) {
            return out;
        }
        for (String k : List.of("sender_rss_mib", "sender_threads", "sender_fds", "sender_heap_used_mib",
                "sender_old_used_mib", "recv_rss_mib", "recv_threads", "recv_fds", "recv_heap_used_mib",
                "recv_old_used_mib")) {
            double first = num(samples.get(0).get(k));
            double last = num(samples.get(samples.size() - 1).get(k));
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double n = 0;
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (Map<String, Object> r : samples) {
                double y = num(r.get(k));
                double x = num(r.get("t_s")) / 3600;
                min = Math.min(min, y);
                max = Math.max(max, y);
                n++;
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("first", first);
            s.put("last", last);
            s.put("min", min);
            s.put("max", max);
            double den = n * sxx - sx * sx;
            s.put("slope_per_hour", den > 0 ? round((n * sxy - sx * sy) / den, 2) : 0);
            out.put(k, s);
        }
        return out;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static void printSummary(Map<String, Object> doc) {
        System.out.println("checks: " + doc.get("checks"));
        System.out.println("sender: " + doc.get("sender_final_stats_line"));
        System.out.println("receiver: " + doc.get("receiver_final"));
        System.out.println("generator: " + doc.get("generator"));
        Map<String, Object> s = (Map<String, Object>) doc.get("series_summary");
        s.forEach((k, v) -> System.out.println("  " + k + ": " + v));
    }

    private static void writeJsonQuietly(Path json, Map<String, Object> doc) {
        try {
            BenchRunner.writeJson(json, doc);
        } catch (IOException e) {
            System.err.println("soak: cannot write " + json + ": " + e);
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
