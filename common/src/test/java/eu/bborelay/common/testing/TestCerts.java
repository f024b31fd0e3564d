package eu.bborelay.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for tests, made by the project's own {@code scripts/generate-certs.sh} (so every test run also
 * exercises the script) into a temporary directory, once per JVM and per name.
 *
 * <p>{@link #project()} is the PKI the relay under test uses; {@link #foreign()} is an unrelated CA with its own
 * receiver and sender certificates, for refusal tests. Needs {@code openssl} and {@code bash} on the PATH.
 */
public final class TestCerts {
    private static TestCerts project;
    private static TestCerts foreign;

    private final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** The relay's PKI: receiver certificate valid for 127.0.0.1 and localhost. */
    public static synchronized TestCerts project() {
        if (project == null) {
            project = generate("project", "127.0.0.1", "localhost");
        }
        return project;
    }

    /** A second, unrelated PKI (another CA). */
    public static synchronized TestCerts foreign() {
        if (foreign == null) {
            foreign = generate("foreign", "127.0.0.1", "localhost");
        }
        return foreign;
    }

    /** A PKI whose receiver certificate names only {@code names} (e.g. a host the test does not dial). */
    public static TestCerts generate(String label, String... names) {
        try {
            Path dir = Files.createTempDirectory("relay-certs-" + label + "-");
            List<String> cmd = new ArrayList<>(List.of("bash", script().toString(), "-o", dir.toString(), "-d", "2"));
            cmd.addAll(List.of(names));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("scripts/generate-certs.sh failed: " + output);
            }
            return new TestCerts(dir);
        } catch (IOException e) {
            throw new AssertionError("cannot run scripts/generate-certs.sh (needs bash and openssl): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The repository's {@code scripts/generate-certs.sh}. */
    public static Path script() {
        return repoRoot().resolve("scripts").resolve("generate-certs.sh");
    }

    /** The repository root: system property {@code relay.repo.root} (set by the build) or a parent of the cwd. */
    public static Path repoRoot() {
        String root = System.getProperty("relay.repo.root");
        if (root != null && Files.isRegularFile(Path.of(root, "scripts", "generate-certs.sh"))) {
            return Path.of(root);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts").resolve("generate-certs.sh"))) {
                return d;
            }
        }
        throw new AssertionError("repository root (with scripts/generate-certs.sh) not found from "
                + Path.of("").toAbsolutePath());
    }

    public Path dir() {
        return dir;
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path receiverCert() {
        return dir.resolve("receiver.crt");
    }

    public Path receiverKey() {
        return dir.resolve("receiver.key");
    }

    public Path senderCert() {
        return dir.resolve("sender.crt");
    }

    public Path senderKey() {
        return dir.resolve("sender.key");
    }
}
