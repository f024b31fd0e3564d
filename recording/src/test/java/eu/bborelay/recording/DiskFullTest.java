package eu.bborelay.recording;

import eu.bborelay.recording.testing.Duck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the recorder runs in a child JVM whose data folder is a 4 MiB tmpfs mounted in a private
 * user and mount namespace ({@code unshare --user --map-root-user --mount}, no privileges needed). Writing must stop
 * with a clear error and a failing health, refuse and count rows, never leave a corrupt file, and resume once space
 * is freed.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskStopsWritingWithAFailingHealthNoCorruptFileAndWritingResumesWhenSpaceIsFreed() throws Exception {
        Assumptions.assumeTrue(unshareWorks(), "unshare --user --map-root-user --mount is not permitted here");
        Path mount = Files.createDirectories(dir.resolve("tmpfs"));
        Path out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "mount -t tmpfs -o size=4m tmpfs \"$0\" && exec \"$@\"", mount.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), ChildRecorder.class.getName(),
                "diskfull", mount.resolve("data").toString(), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> said = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            long t0 = System.nanoTime();
            while ((line = in.readLine()) != null) {
                System.out.println("child after " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + line);
                int sp = line.indexOf(' ');
                said.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "child output: " + said);
        assertTrue(said.get("failed").contains("No space left on device"), said.get("failed"));
        assertTrue(said.get("failed").contains("free space in"), said.get("failed"));
        assertEquals("false", said.get("healthy"));
        assertEquals("11", said.get("refused"), "the row that hit the full disk and the 10 after it");
        assertEquals("true", said.get("recovered"));
        long accepted = Long.parseLong(said.get("accepted"));
        assertTrue(accepted > 10_000, "the 3 MiB free held rows before the disk was full: " + accepted);
        try (Duck duck = new Duck()) {
            // every file reads (none corrupt), and holds exactly the accepted rows, each once
            List<List<Object>> r = duck.rows("SELECT count(*), count(DISTINCT seq) FROM read_parquet('" + out
                    + "/*.parquet')");
            assertEquals(List.of(List.of(accepted, accepted)), r);
        }
    }

    private static boolean unshareWorks() {
        try {
            Process p = new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "true")
                    .redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
