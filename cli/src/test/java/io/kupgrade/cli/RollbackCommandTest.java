package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackCommandTest {
    static final Path PLAN = Path.of("../examples/zookeeper-3.8-to-3.9.yaml");

    /** A journal in which the protocol phase (a point of no return) stopped broker 3. */
    static void protocolTouched(Path state) {
        Plan plan = PlanParser.parse(PLAN);
        FileJournal journal = FileJournal.forCluster(state, plan.cluster().name());
        Instant at = Instant.parse("2026-11-25T08:00:00Z");
        journal.append(new JournalEntry(at, plan.sha256(), null, null, null, "run", "started", Map.of()));
        journal.append(new JournalEntry(at, plan.sha256(), "protocol", "canary", 3, "stop", "started",
                Map.of("command", "stop")));
    }

    @Test
    void aRollbackAcrossThePointOfNoReturnIsRefusedInOneLineWithTheRefusedExitCode(@TempDir Path state)
            throws Exception {
        protocolTouched(state);
        Path journal = Files.list(state).findFirst().orElseThrow();
        List<String> before = Files.readAllLines(Files.list(journal).filter(p -> p.toString().endsWith(".jsonl"))
                .findFirst().orElseThrow());

        Cli cli = Cli.run("rollback", "--yes", "--state-dir", state.toString(), PLAN.toString());
        Cli dry = Cli.run("rollback", "--dry-run", "--state-dir", state.toString(), PLAN.toString());

        assertEquals(ExitCode.REFUSED.code(), cli.exitCode(), cli.err());
        assertEquals(ExitCode.REFUSED.code(), dry.exitCode(), dry.err());
        assertEquals(1, cli.err().strip().lines().count(), cli.err());
        assertTrue(cli.err().startsWith("kupgrade: rollback of phase protocol refused, nothing was touched: phase"
                + " protocol is a point of no return"), cli.err());
        assertTrue(cli.err().contains("Still possible: finish the upgrade forward"), cli.err());
        assertTrue(cli.noStackTrace(), cli.err());
        List<String> after = Files.readAllLines(Files.list(journal).filter(p -> p.toString().endsWith(".jsonl"))
                .findFirst().orElseThrow());
        assertEquals(before, after, "the refusal wrote nothing");
    }

    @Test
    void anUnknownPhaseIsInvalidInput(@TempDir Path state) {
        Cli cli = Cli.run("rollback", "--yes", "--phase", "nope", "--state-dir", state.toString(), PLAN.toString());

        assertEquals(ExitCode.INVALID_INPUT.code(), cli.exitCode(), cli.err());
        assertTrue(cli.err().contains("--phase nope: the plan has no such phase (phases: binaries, protocol)"),
                cli.err());
    }
}
