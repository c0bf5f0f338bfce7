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

    @Test
    void theEnsembleRollbackIsRefusedWhileABrokerPhaseAppliedAfterItTouchedABroker(@TempDir Path dir)
            throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, Files.readString(PLAN) + """
                zookeeperEnsemble:
                  servers:
                    - {id: 1, host: zk-1.eu1.example}
                    - {id: 2, host: zk-2.eu1.example}
                    - {id: 3, host: zk-3.eu1.example}
                  service: {configFile: /etc/zookeeper/zoo.cfg, stop: s, start: s, isRunning: r}
                  set: {maxClientCnxns: 500}
                """);
        Plan parsed = PlanParser.parse(plan);
        Path state = dir.resolve("state");
        FileJournal journal = FileJournal.forCluster(state, parsed.cluster().name());
        Instant at = Instant.parse("2026-11-25T08:00:00Z");
        journal.append(new JournalEntry(at, parsed.sha256(), "zookeeper-ensemble", "server-2", null, "stop",
                "started", Map.of()));
        journal.append(new JournalEntry(at, parsed.sha256(), "binaries", "canary", 3, "stop", "started", Map.of()));

        Cli cli = Cli.run("rollback", "--yes", "--phase", "zookeeper-ensemble", "--state-dir", state.toString(),
                plan.toString());
        Cli wave = Cli.run("rollback", "--yes", "--phase", "zookeeper-ensemble", "--to-wave", "canary",
                "--state-dir", state.toString(), plan.toString());

        assertEquals(ExitCode.REFUSED.code(), cli.exitCode(), cli.err());
        assertEquals(1, cli.err().strip().lines().count(), cli.err());
        assertTrue(cli.err().startsWith("kupgrade: rollback of the ZooKeeper ensemble refused, nothing was touched:"
                + " the later phase binaries already touched broker(s) [3]: roll it back first (kupgrade rollback"
                + " PLAN --phase binaries)"), cli.err());
        assertTrue(cli.noStackTrace(), cli.err());
        assertEquals(ExitCode.INVALID_INPUT.code(), wave.exitCode(), wave.err());
        assertTrue(wave.err().contains("the ZooKeeper ensemble has no waves"), wave.err());
    }

    @Test
    void theEnsemblePhaseOfAPlanWithoutEnsembleIsInvalidInput(@TempDir Path state) {
        Cli cli = Cli.run("rollback", "--yes", "--phase", "zookeeper-ensemble", "--state-dir", state.toString(),
                PLAN.toString());

        assertEquals(ExitCode.INVALID_INPUT.code(), cli.exitCode(), cli.err());
        assertTrue(cli.err().contains("--phase zookeeper-ensemble: the plan has no zookeeperEnsemble section"),
                cli.err());
    }
}
