package eu.bborelay.receiver.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.bborelay.common.testing.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The deployment files name every setting of the receiver daemon, so a new variable cannot be forgotten there. */
class DeploymentFilesTest {
    @Test
    void envExampleAndReadmeNameEverySetting() throws Exception {
        String env = Files.readString(TestCerts.repoRoot().resolve(".env.example"), StandardCharsets.UTF_8);
        String readme = Files.readString(TestCerts.repoRoot().resolve("docs/OPERATING.md"), StandardCharsets.UTF_8);
        for (ReceiverDaemonConfig.Setting s : ReceiverDaemonConfig.Setting.values()) {
            assertTrue(env.contains(s.name() + "="), s.name() + " missing in .env.example");
            assertTrue(readme.contains("| `" + s.name() + "` | " + s.defaultValue + " |"),
                    s.name() + " missing in docs/OPERATING.md's receiver table, or with another default");
        }
    }
}
