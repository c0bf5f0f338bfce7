package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PauseCommandTest {
    static final String PLAN = "../examples/zookeeper-3.8-to-3.9.yaml";

    @Test
    void aPausedClusterRefusesApplyShowsThePauseInStatusAndResumes(@TempDir Path state) throws Exception {
        Cli pause = Cli.run("pause", "--state-dir", state.toString(), "--reason", "consumers lagging", PLAN);
        Cli apply = Cli.run("apply", "--yes", "--state-dir", state.toString(), PLAN);
        Cli status = Cli.run("status", "--state-dir", state.toString(), PLAN);
        Cli resume = Cli.run("resume", "--state-dir", state.toString(), PLAN);
        Cli statusAfter = Cli.run("status", "--state-dir", state.toString(), PLAN);

        assertEquals(0, pause.exitCode(), pause.err());
        assertTrue(pause.out().contains("consumers lagging"), pause.out());
        assertEquals(3, apply.exitCode(), apply.err());
        assertTrue(apply.err().contains("paused by ") && apply.err().contains("kupgrade resume"), apply.err());
        assertTrue(apply.noStackTrace(), apply.err());
        assertTrue(status.out().contains("PAUSED   consumers lagging"), status.out());
        assertEquals(0, resume.exitCode(), resume.err());
        assertTrue(resume.out().contains("resumed"), resume.out());
        assertFalse(statusAfter.out().contains("PAUSED"), statusAfter.out());
        try (var files = Files.list(state)) {
            assertTrue(files.allMatch(Files::isDirectory));
        }
    }

    @Test
    void resumeWithoutAPauseSaysSo(@TempDir Path state) {
        Cli resume = Cli.run("resume", "--state-dir", state.toString(), PLAN);

        assertEquals(0, resume.exitCode(), resume.err());
        assertTrue(resume.out().contains("was not paused"), resume.out());
    }
}
