package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {

    @Test
    void aMissingConfigIsOneLineAndExitTwo(@TempDir Path dir) {
        Cli r = Cli.run("agent", "--config", dir.resolve("none.yaml").toString());

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("none.yaml"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void aBadConfigNamesTheProblem(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "listen: nowhere\nbogus: 1\n");

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("agent.yaml"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }
}
