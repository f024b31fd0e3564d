package eu.bborelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and peak RSS of a Linux process, from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}. */
final class ProcStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s utime and stime ({@code getconf CLK_TCK}). */
    static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private ProcStats() {
    }

    /** User + system CPU time of {@code pid} so far, in seconds; -1 when the process is gone. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: fields after the last ')' start with field 3 (state)
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long utime = Long.parseLong(f[14 - 3]);
            long stime = Long.parseLong(f[15 - 3]);
            return (utime + stime) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A {@code kB} line of {@code /proc/<pid>/status}, e.g. {@code VmHWM} (peak RSS), in MiB; -1 when unknown. */
    static double statusMiB(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key + ":")) {
                    String kb = line.substring(key.length() + 1).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
