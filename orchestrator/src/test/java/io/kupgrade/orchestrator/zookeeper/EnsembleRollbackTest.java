package io.kupgrade.orchestrator.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.RestoreStep;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.RollbackPlanner;
import io.kupgrade.orchestrator.engine.RollbackRefusedException;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.GateSettings;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.WaveSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The pure decisions of the ensemble's rollback: which rollback, what is refused, which server, which steps. */
class EnsembleRollbackTest {
    static final PhaseSpec BINARIES = new PhaseSpec("binaries", "switch 3.9.2", "3.9.2", Map.of(), List.of(), false,
            null);
    static final PhaseSpec PROTOCOL = new PhaseSpec("protocol", null, null,
            Map.of("inter.broker.protocol.version", "3.9"), List.of(), true, null, List.of("raises the protocol"));
    static final ZooKeeperEnsembleSpec SPEC = new ZooKeeperEnsembleSpec(EnsembleRollerTest.SERVERS,
            EnsembleRollerTest.SERVICE, Map.of("maxClientCnxns", "100"), List.of(), "install {server.id}", null,
            "uninstall {server.id}");
    static final Plan PLAN = plan(SPEC);

    final List<JournalEntry> journal = new ArrayList<>();
    final EnsembleRollback rollback = new EnsembleRollback(SPEC);
    final RollbackPlanner planner = new RollbackPlanner(new RollEngine(PLAN, PLAN.brokers(), Map.of()),
            PLAN.brokers());

    @Test
    void shouldBeChosenWithoutPhaseOnceNoBrokerPhaseIsLeftToRollBack() {
        rolled(2);

        assertTrue(EnsembleRollback.selected(PLAN, view(), null));
        assertTrue(EnsembleRollback.selected(PLAN, view(), "zookeeper-ensemble"));
        assertFalse(EnsembleRollback.selected(PLAN, view(), "binaries"));
    }

    @Test
    void shouldLeaveTheDefaultToTheLastBrokerPhaseThatTouchedABroker() {
        rolled(2);
        brokerStopped("binaries", 1);

        assertFalse(EnsembleRollback.selected(PLAN, view(), null));
        assertEquals("binaries", planner.check(view(), null, false).name());
    }

    @Test
    void shouldNotBeChosenWhenTheRollTouchedNoServer() {
        assertFalse(EnsembleRollback.selected(PLAN, view(), null));
        assertEquals(List.of(), rollback.remaining(view()));
    }

    @Test
    void shouldRefuseWhileABrokerPhaseAppliedAfterTheEnsembleTouchedABroker() {
        rolled(2);
        brokerStopped("binaries", 1);

        RollbackRefusedException e = assertThrows(RollbackRefusedException.class,
                () -> EnsembleRollback.check(PLAN, planner, view(), null, false));

        assertEquals("rollback of the ZooKeeper ensemble refused, nothing was touched: the later phase binaries"
                + " already touched broker(s) [1]: roll it back first (kupgrade rollback PLAN --phase binaries)."
                + " Still possible: finish the upgrade forward (kupgrade apply PLAN); or roll back phase binaries"
                + " (kupgrade rollback PLAN --phase binaries). --force overrides this refusal (loudly, journaled)",
                e.getMessage());
    }

    @Test
    void shouldRefuseBeneathAPointOfNoReturnAndSaySo() {
        rolled(2);
        brokerStopped("binaries", 1);
        brokerStopped("protocol", 1);

        RollbackRefusedException e = assertThrows(RollbackRefusedException.class,
                () -> EnsembleRollback.check(PLAN, planner, view(), null, false));

        assertTrue(e.getMessage().contains("the later phase protocol is a point of no return (raises the protocol)"
                + " and already touched broker(s) [1]: the ZooKeeper ensemble cannot be rolled back beneath it"),
                e.getMessage());
    }

    @Test
    void shouldReturnWhatForceOverrides() {
        rolled(2);
        brokerStopped("binaries", 1);

        List<String> forced = EnsembleRollback.check(PLAN, planner, view(), null, true);

        assertEquals(List.of("the later phase binaries already touched broker(s) [1]: roll it back first (kupgrade"
                + " rollback PLAN --phase binaries)"), forced);
    }

    @Test
    void shouldAllowItOnceTheBrokerPhasesWereRolledBack() {
        rolled(2);
        brokerStopped("binaries", 1);
        journal.add(entry("binaries", "canary", 1, Rollbacks.ROLLED_BACK, "succeeded", Map.of("by", "rollback")));

        assertEquals(List.of(), EnsembleRollback.check(PLAN, planner, view(), null, false));
        assertTrue(EnsembleRollback.selected(PLAN, view(), null));
    }

    @Test
    void shouldRefuseAToWaveAndAPlanWithoutEnsemble() {
        rolled(2);

        RunRefusedException wave = assertThrows(RunRefusedException.class,
                () -> EnsembleRollback.check(PLAN, planner, view(), "canary", false));
        RunRefusedException none = assertThrows(RunRefusedException.class,
                () -> EnsembleRollback.check(plan(null), planner, view(), null, false));

        assertTrue(wave.getMessage().contains("the ZooKeeper ensemble has no waves"), wave.getMessage());
        assertEquals("--phase zookeeper-ensemble: the plan has no zookeeperEnsemble section", none.getMessage());
    }

    @Test
    void shouldTakeTheLastRolledFirstAndTheLeaderLast() {
        rolled(2);
        rolled(3);
        rolled(1);

        assertEquals(List.of(1, 3, 2), rollback.remaining(view()));
        assertEquals(List.of(3, 2, 1), rollback.order(view(), OptionalInt.of(1)));
        assertEquals(3, rollback.choose(view(), OptionalInt.of(1)).id());
        assertEquals(1, rollback.choose(view(), OptionalInt.of(2)).id());
    }

    @Test
    void shouldFinishAServerHalfWayThroughItsRestoreFirstEvenIfItLeads() {
        rolled(2);
        rolled(3);
        journal.add(entry("zookeeper-ensemble", "server-2", null, "rollback-pre-stop-gates", "succeeded", Map.of()));
        journal.add(entry("zookeeper-ensemble", "server-2", null, "rollback-stop", "started", Map.of()));

        assertEquals(OptionalInt.of(2), rollback.inProgress(view()));
        assertEquals(2, rollback.choose(view(), OptionalInt.of(2)).id());
        assertEquals(List.of(2, 3), rollback.order(view(), OptionalInt.of(2)));
    }

    @Test
    void shouldRestoreTheBackupTheFirstEditKeptAndTheBinariesTheInstallReplaced() {
        rolled(2);

        EnsembleRollback.ServerPlan sp = rollback.planFor(view(), SPEC.server(2));

        assertEquals(List.of(RestoreStep.values()), sp.steps());
        assertEquals("/zk/2/zoo.cfg", sp.configFile());
        assertEquals("/zk/2/zoo.cfg.bak-2", sp.backup());
        assertTrue(sp.backupCertain());
        assertEquals("uninstall 2", sp.installCommand());
        assertFalse(sp.binariesNotRestored());
        assertTrue(sp.rolled());
    }

    @Test
    void shouldSkipTheConfigWhenTheRollNeverEditedItAndTheInstallWhenItNeverRan() {
        touchedOnly(3);

        EnsembleRollback.ServerPlan sp = rollback.planFor(view(), SPEC.server(3));

        assertEquals(List.of(RestoreStep.PRE_STOP_GATES, RestoreStep.STOP, RestoreStep.AWAIT_EXIT, RestoreStep.START,
                RestoreStep.POST_START_GATES), sp.steps());
        assertNull(sp.backup());
        assertFalse(sp.rolled());
    }

    @Test
    void shouldResumeAfterTheLastStepThatSucceededButGateAgainWhenTheStopNeverStarted() {
        rolled(2);
        journal.add(entry("zookeeper-ensemble", "server-2", null, "rollback-pre-stop-gates", "succeeded", Map.of()));
        assertEquals(RestoreStep.PRE_STOP_GATES, rollback.planFor(view(), SPEC.server(2)).steps().get(0),
                "gates of an earlier run say nothing about now");

        journal.add(entry("zookeeper-ensemble", "server-2", null, "rollback-stop", "started", Map.of()));
        journal.add(entry("zookeeper-ensemble", "server-2", null, "rollback-stop", "succeeded", Map.of()));

        assertEquals(List.of(RestoreStep.AWAIT_EXIT, RestoreStep.INSTALL, RestoreStep.CONFIG, RestoreStep.START,
                RestoreStep.POST_START_GATES), rollback.planFor(view(), SPEC.server(2)).steps());
    }

    @Test
    void shouldUndoTheServersRollEntriesWithItsMarkerSoThatApplyRollsItAgain() {
        rolled(2);
        rolled(3);
        rolled(1);
        journal.add(entry("zookeeper-ensemble", null, null, "phase-done", "succeeded", Map.of()));
        journal.add(entry("zookeeper-ensemble", "server-1", null, Rollbacks.ROLLED_BACK, "succeeded", Map.of()));

        List<JournalEntry> left = view().entries();
        EnsembleRoll roll = new EnsembleRoll(SPEC);

        assertFalse(left.stream().anyMatch(e -> "server-1".equals(e.wave()) && !e.step().equals("rolled-back")));
        assertFalse(roll.done(left), "the ensemble's phase-done is undone");
        assertEquals(List.of(2, 3), roll.finishedOrder(left));
        assertEquals(EnsembleStepKind.PRE_STOP_GATES, roll.next(left).kind());
        assertNull(roll.next(left).server(), "server 1 is chosen live again, not resumed");
        assertEquals(List.of(3, 2), rollback.remaining(view()));
    }

    @Test
    void shouldCountAHalfRestoredServerAsATraceOfThePlan() {
        journal.add(entry("zookeeper-ensemble", "server-2", null, "rollback-start", "started", Map.of()));

        assertFalse(Rollbacks.leftNoTrace(journal, "sha-R"));
        assertTrue(Rollbacks.applyBlocked(view()).orElseThrow().startsWith("ZooKeeper server(s) [2] are half-way"));
    }

    private void rolled(int id) {
        String w = "server-" + id;
        journal.add(entry("zookeeper-ensemble", w, null, "pre-stop-gates", "succeeded", Map.of()));
        journal.add(entry("zookeeper-ensemble", w, null, "stop", "started", Map.of()));
        journal.add(entry("zookeeper-ensemble", w, null, "stop", "succeeded", Map.of()));
        journal.add(entry("zookeeper-ensemble", w, null, "install", "succeeded", Map.of()));
        journal.add(entry("zookeeper-ensemble", w, null, "edit-config", "started",
                Map.of("backup", "/zk/" + id + "/zoo.cfg.bak-" + id)));
        journal.add(entry("zookeeper-ensemble", w, null, "edit-config", "succeeded",
                Map.of("backup", "/zk/" + id + "/zoo.cfg.bak-" + id)));
        journal.add(entry("zookeeper-ensemble", w, null, "start", "succeeded", Map.of()));
        journal.add(entry("zookeeper-ensemble", w, null, "server-done", "succeeded", Map.of()));
    }

    /** A roll that stopped the server and failed before it edited or installed anything. */
    private void touchedOnly(int id) {
        journal.add(entry("zookeeper-ensemble", "server-" + id, null, "stop", "started", Map.of()));
        journal.add(entry("zookeeper-ensemble", "server-" + id, null, "stop", "failed", Map.of()));
    }

    private void brokerStopped(String phase, int broker) {
        journal.add(entry(phase, "canary", broker, "stop", "started", Map.of()));
    }

    private JournalView view() {
        return JournalView.of(journal, PLAN.sha256());
    }

    private static JournalEntry entry(String phase, String wave, Integer broker, String step, String event,
                                      Map<String, String> details) {
        return new JournalEntry(Instant.parse("2026-11-25T07:00:00Z"), "sha-R", phase, wave, broker, step, event,
                details);
    }

    static Plan plan(ZooKeeperEnsembleSpec ensemble) {
        return new Plan(Path.of("plan.yaml"), "sha-R", "kupgrade/v1", new ClusterSpec("test", "h1:9092", null,
                Map.of(), "zk1:2181,zk2:2181,zk3:2181"), List.of(new BrokerSpec(1, "h1", null, null)),
                new AccessSpec("local", null), EnsembleRollerTest.SERVICE, List.of(new WaveSpec(null,
                new WaveSpec.WaveSize(1, false), Duration.ZERO)), new GateSettings(Duration.ofSeconds(1),
                Duration.ofSeconds(60), 1), List.of(BINARIES, PROTOCOL), List.of(), null, null, ensemble);
    }
}
