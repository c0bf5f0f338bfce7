package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.InMemoryJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoller;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.GateSettings;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ServiceSpec;
import io.kupgrade.plans.WaveSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What apply does about a plan's ensemble before anything is touched. */
class EnsembleFirstTest {
    static final ServiceSpec SERVICE = new ServiceSpec("/c/{server.id}", "stop", "start", "running",
            Duration.ofMinutes(1), Duration.ofMinutes(1));
    static final ZooKeeperEnsembleSpec ENSEMBLE = new ZooKeeperEnsembleSpec(List.of(
            new ZooKeeperServerSpec(1, "zk1", 2181), new ZooKeeperServerSpec(2, "zk2", 2181),
            new ZooKeeperServerSpec(3, "zk3", 2181)), SERVICE, Map.of(), List.of(), null, null);
    static final Supplier<EnsembleRoller> NEVER = () -> {
        throw new AssertionError("the ensemble roller must not run");
    };

    final InMemoryJournal journal = new InMemoryJournal();

    @Test
    void shouldLeaveAPlanWithoutEnsembleToTheBrokerPhases() {
        EnsembleFirst.Result r = EnsembleFirst.before(plan(null), Selection.all(), journal, NEVER);

        assertFalse(r.stop());
        assertNull(r.outcome());
    }

    @Test
    void shouldRefuseABrokerCanaryWhileTheEnsembleIsNotRolled() {
        RunRefusedException e = assertThrows(RunRefusedException.class, () -> EnsembleFirst.before(plan(ENSEMBLE),
                new Selection(null, "canary"), journal, NEVER));

        assertTrue(e.getMessage().contains("--phase zookeeper-ensemble"), e.getMessage());
        assertTrue(journal.entries().isEmpty());
    }

    @Test
    void shouldRefuseAWaveOfTheEnsemble() {
        RunRefusedException e = assertThrows(RunRefusedException.class, () -> EnsembleFirst.before(plan(ENSEMBLE),
                new Selection("zookeeper-ensemble", "canary"), journal, NEVER));

        assertTrue(e.getMessage().contains("one at a time"), e.getMessage());
    }

    @Test
    void shouldRefuseTheEnsemblePhaseForAPlanWithoutEnsemble() {
        assertThrows(RunRefusedException.class, () -> EnsembleFirst.before(plan(null),
                new Selection("zookeeper-ensemble", null), journal, NEVER));
    }

    @Test
    void shouldLetBrokerSelectionsRunOnceTheEnsembleIsDone() {
        journal.append(new JournalEntry(Instant.EPOCH, "sha-E", "zookeeper-ensemble", null, null, "phase-done",
                "succeeded", Map.of()));

        EnsembleFirst.Result r = EnsembleFirst.before(plan(ENSEMBLE), new Selection(null, "canary"), journal, NEVER);

        assertFalse(r.stop());
    }

    @Test
    void shouldRefuseApplyWhileAServerIsHalfWayThroughARollback() {
        journal.append(new JournalEntry(Instant.EPOCH, "sha-E", "zookeeper-ensemble", "server-3", null, "rollback-stop",
                "succeeded", Map.of()));

        RunRefusedException e = assertThrows(RunRefusedException.class, () -> EnsembleFirst.before(plan(ENSEMBLE),
                Selection.all(), journal, NEVER));

        assertTrue(e.getMessage().startsWith("ZooKeeper server(s) [3] are half-way through a rollback; finish it first"
                + " with `kupgrade rollback PLAN --phase zookeeper-ensemble`"), e.getMessage());
    }

    @Test
    void shouldShowTheEnsembleStepsWithTheRealZooCfgDiffBeforeTheBrokerPhases() {
        ZooKeeperEnsembleSpec raise = new ZooKeeperEnsembleSpec(ENSEMBLE.servers(), SERVICE,
                Map.of("maxClientCnxns", "500"), List.of(), null, null);
        List<String> notes = new java.util.ArrayList<>();

        List<DryRun.Step> steps = EnsembleFirst.dryRun(plan(raise), Selection.all(), List.of(), new ZooCfgHosts(),
                notes);

        assertTrue(notes.isEmpty(), notes.toString());
        assertEquals(3 * 7 + 1, steps.size(), "7 steps per server (no install), then phase-done");
        DryRun.Step edit = steps.stream().filter(s -> s.step().equals("edit-config")).findFirst().orElseThrow();
        assertEquals("server-1", edit.wave());
        assertEquals(List.of(new DryRun.ConfigChange("maxClientCnxns", "60", "500", true)), edit.configChanges());
        assertEquals("stop", steps.get(1).command());
    }

    @Test
    void shouldMaskZooCfgCredentialsInTheDryRun() {
        ZooKeeperEnsembleSpec tls = new ZooKeeperEnsembleSpec(ENSEMBLE.servers(), SERVICE, Map.of(
                "ssl.keyStore.password", "HUNTER2", "DigestAuthenticationProvider.superDigest", "super:HUNTER2DIGEST"),
                List.of(), null, null);

        List<DryRun.Step> steps = EnsembleFirst.dryRun(plan(tls), Selection.all(), List.of(), new ZooCfgHosts(),
                new java.util.ArrayList<>());

        List<DryRun.ConfigChange> changes = steps.stream().filter(s -> s.step().equals("edit-config")).findFirst()
                .orElseThrow().configChanges();
        assertEquals(2, changes.size(), changes.toString());
        assertTrue(changes.stream().allMatch(c -> Masking.MASK.equals(c.newValue())), changes.toString());
        assertTrue(steps.stream().noneMatch(s -> s.toString().contains("HUNTER2")), steps.toString());
    }

    /** Every server's zoo.cfg says maxClientCnxns=60. */
    static final class ZooCfgHosts implements io.kupgrade.orchestrator.executor.HostExecutor {
        @Override
        public io.kupgrade.orchestrator.executor.CommandResult run(String host, String command, Duration timeout) {
            throw new AssertionError("a dry run runs nothing");
        }

        @Override
        public String readFile(String host, String path) {
            return "dataDir=/d\nmaxClientCnxns=60\n";
        }

        @Override
        public void writeFile(String host, String path, String content, String backupPath) {
            throw new AssertionError("a dry run writes nothing");
        }

        @Override
        public void close() {
        }
    }

    static Plan plan(ZooKeeperEnsembleSpec ensemble) {
        return new Plan(Path.of("plan.yaml"), "sha-E", "kupgrade/v1", new ClusterSpec("test", "h1:9092", null,
                Map.of(), "zk1:2181,zk2:2181,zk3:2181"), List.of(new BrokerSpec(1, "h1", null, null)),
                new AccessSpec("local", null), SERVICE, List.of(new WaveSpec(null, new WaveSpec.WaveSize(1, false),
                Duration.ZERO)), new GateSettings(Duration.ofSeconds(1), Duration.ofSeconds(60), 1),
                List.of(new PhaseSpec("restart", null, null, Map.of(), List.of(), false, null)), List.of(), null, null,
                ensemble);
    }
}
