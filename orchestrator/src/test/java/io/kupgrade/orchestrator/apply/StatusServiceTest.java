package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.FileClusterLock;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WavePlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusServiceTest {
    @TempDir
    Path dir;
    Path planFile;
    Plan plan;
    FileJournal journal;
    List<Wave> waves;
    Instant at = Instant.parse("2026-11-25T07:00:00Z");

    @BeforeEach
    void plan() throws IOException {
        planFile = dir.resolve("plan.yaml");
        Files.writeString(planFile, DemoPlans.zookeeperUpgrade(PreviewServiceTest.SANDBOX_PLAN, "3.9.2", "3.8", "3.9"));
        plan = PlanParser.parse(planFile);
        journal = FileJournal.forCluster(dir.resolve("state"), "sb");
        waves = WavePlanner.expand(plan.waves(), plan.brokers(), OptionalInt.of(1));
    }

    void append(String phase, String wave, Integer broker, String step, String event, Map<String, String> details) {
        at = at.plusSeconds(1);
        journal.append(new JournalEntry(at, plan.sha256(), phase, wave, broker, step, event, details));
    }

    @Test
    void shouldListTheEnsembleFirstWithItsServersDoneAndTheNextOne() throws IOException {
        String zk = plan.cluster().zookeeper();
        Files.writeString(planFile, Files.readString(planFile) + """
                zookeeperEnsemble:
                  servers: [{id: 1, host: zk1}, {id: 2, host: zk2}, {id: 3, host: zk3}]
                  service: {configFile: "/zk/{server.id}/zoo.cfg", stop: s, start: s, isRunning: r}
                """);
        plan = PlanParser.parse(planFile);
        append("zookeeper-ensemble", "server-2", null, "server-done", "succeeded", Map.of());
        append("zookeeper-ensemble", "server-3", null, "pre-stop-gates", "succeeded", Map.of());
        append("zookeeper-ensemble", "server-3", null, "stop", "started", Map.of());

        StatusReport status = new StatusService().status(planFile, dir.resolve("state"));

        StatusReport.PhaseStatus ensemble = status.phases().get(0);
        assertEquals("zookeeper-ensemble", ensemble.name(), zk);
        assertEquals(StatusReport.State.IN_PROGRESS, ensemble.state());
        assertEquals(List.of(1, 2, 3), ensemble.waves().get(0).brokers());
        assertEquals(List.of(2), ensemble.waves().get(0).brokersDone());
        assertEquals("zookeeper-ensemble server 3: stop", status.next());
        assertEquals("binaries", status.phases().get(1).name());
    }

    @Test
    void shouldShowARolledBackEnsembleAsPendingAndAHalfRestoredServerAsTheNextThingToFinish() throws IOException {
        Files.writeString(planFile, Files.readString(planFile) + """
                zookeeperEnsemble:
                  servers: [{id: 1, host: zk1}, {id: 2, host: zk2}, {id: 3, host: zk3}]
                  service: {configFile: "/zk/{server.id}/zoo.cfg", stop: s, start: s, isRunning: r}
                """);
        plan = PlanParser.parse(planFile);
        for (int id = 1; id <= 3; id++) {
            append("zookeeper-ensemble", "server-" + id, null, "stop", "started", Map.of());
            append("zookeeper-ensemble", "server-" + id, null, "server-done", "succeeded", Map.of());
        }
        append("zookeeper-ensemble", null, null, "phase-done", "succeeded", Map.of());
        for (int id = 1; id <= 3; id++) {
            append("zookeeper-ensemble", "server-" + id, null, "rollback-stop", "succeeded", Map.of());
            append("zookeeper-ensemble", "server-" + id, null, "rolled-back", "succeeded", Map.of());
        }

        StatusReport.PhaseStatus rolledBack = new StatusService().status(planFile, dir.resolve("state")).phases()
                .get(0);
        append("zookeeper-ensemble", "server-2", null, "stop", "started", Map.of());
        append("zookeeper-ensemble", "server-2", null, "rollback-stop", "succeeded", Map.of());
        StatusReport halfRestored = new StatusService().status(planFile, dir.resolve("state"));

        assertEquals(StatusReport.State.PENDING, rolledBack.state());
        assertEquals(List.of(), rolledBack.waves().get(0).brokersDone());
        assertEquals(StatusReport.State.IN_PROGRESS, halfRestored.phases().get(0).state());
        assertEquals("zookeeper-ensemble: finish the rollback of server(s) [2] (kupgrade rollback PLAN --phase"
                + " zookeeper-ensemble)", halfRestored.next());
    }

    @Test
    void shouldSayNothingRanAndTheCanaryIsNextForAFreshJournal() {
        StatusReport status = new StatusService().status(planFile, dir.resolve("state"));

        assertFalse(status.planDone());
        assertNull(status.lastRun());
        assertNull(status.inProgress());
        assertEquals(StatusReport.State.PENDING, status.phases().get(0).state());
        assertEquals("binaries: phase-start", status.next());
    }

    @Test
    void shouldNameTheHolderOfTheLockWhileARunHoldsItAndNobodyOnceReleased() {
        StatusReport.Lock held;
        try (FileClusterLock lock = FileClusterLock.acquire(dir.resolve("state"), "sb", "kupgrade apply plan.yaml")) {
            held = new StatusService().status(planFile, dir.resolve("state")).lock();
        }
        StatusReport released = new StatusService().status(planFile, dir.resolve("state"));

        assertEquals(ProcessHandle.current().pid(), held.holder().pid());
        assertEquals("kupgrade apply plan.yaml", held.holder().command());
        assertFalse(held.holderGone());
        assertNull(released.lock());
    }

    @Test
    void shouldShowTheBrokerAKilledRunLeftDownAndThatTheNextApplyResumesIt() {
        BrokerSpec canary = waves.get(0).brokers().get(0);
        journal.append(Journaling.runEntry(at, plan.sha256(), "started", Map.of("selection", "--wave canary")));
        append("binaries", null, null, "phase-start", "succeeded", Journaling.layoutDetails(waves));
        append("binaries", "canary", canary.id(), "pre-stop-gates", "started", Map.of());
        append("binaries", "canary", canary.id(), "pre-stop-gates", "succeeded", Map.of());
        append("binaries", "canary", canary.id(), "stop", "started", Map.of());
        append("binaries", "canary", canary.id(), "stop", "succeeded", Map.of());
        append("binaries", "canary", canary.id(), "await-exit", "started", Map.of());

        StatusReport status = new StatusService().status(planFile, dir.resolve("state"));

        assertEquals("unfinished", status.lastRun().outcome());
        assertEquals("apply --wave canary", status.lastRun().commandLine());
        assertEquals(canary.id(), status.inProgress().brokerId());
        assertEquals("await-exit", status.inProgress().lastStep());
        assertEquals(StatusReport.State.IN_PROGRESS, status.phases().get(0).state());
        assertEquals(StatusReport.State.IN_PROGRESS, status.phases().get(0).waves().get(0).state());
        assertEquals(StatusReport.State.PENDING, status.phases().get(0).waves().get(1).state());
        assertTrue(status.next().endsWith("broker " + canary.id() + ": probe (resumed)"), status.next());
    }

    @Test
    void shouldShowAPausedRollbackAsTheLastRunRatherThanTheApplyBeforeIt() {
        journal.append(Journaling.runEntry(at, plan.sha256(), "started", Map.of("selection", "all")));
        append(null, null, null, "run", "failed", Map.of("message", "failed at binaries/canary broker 2"));
        append(null, null, null, "rollback", "started", Map.of("phase", "binaries", "selection",
                "rollback --phase binaries"));
        append(null, null, null, "rollback", "paused", Map.of("message", "rollback paused before broker 3"
                + " (paused by alice: audit); no broker is left half-done", "pause", "paused by alice: audit"));

        StatusReport.LastRun last = new StatusService().status(planFile, dir.resolve("state")).lastRun();

        assertEquals("rollback", last.command());
        assertEquals("rollback --phase binaries", last.commandLine());
        assertEquals("paused", last.outcome());
        assertTrue(last.message().startsWith("rollback paused before broker 3"), last.message());
    }

    @Test
    void shouldListATopicFormatChangeWithoutTakingItForTheRunsLastStep() {
        BrokerSpec canary = waves.get(0).brokers().get(0);
        journal.append(Journaling.runEntry(at, plan.sha256(), "started", Map.of("selection", "--wave canary")));
        append("binaries", null, null, "phase-start", "succeeded", Journaling.layoutDetails(waves));
        append("binaries", "canary", canary.id(), "stop", "started", Map.of());
        journal.append(new JournalEntry(at.plusSeconds(5), "another-plan-sha", null, null, null, "topic-format",
                "succeeded", Map.of("operation", "set 2.8", "topics", "orders", "topicCount", "1", "by", "bob@ops-2")));

        StatusReport status = new StatusService().status(planFile, dir.resolve("state"));

        assertNull(status.problem(), "not an unfinished run of another plan");
        assertEquals("unfinished", status.lastRun().outcome());
        assertEquals("stop", status.inProgress().lastStep());
        assertEquals(1, status.topicFormats().size());
        assertEquals("set 2.8", status.topicFormats().get(0).operation());
        assertEquals("bob@ops-2", status.topicFormats().get(0).by());
    }

    @Test
    void shouldReportAJournalOfAnotherUnfinishedPlanInsteadOfFailing() {
        journal.append(new JournalEntry(at, "another-plan-sha", null, null, null, "run", "started", Map.of()));
        // a broker of it was stopped: the other plan left a trace (one that touched nothing would not block)
        journal.append(new JournalEntry(at, "another-plan-sha", "binaries", "canary", 1, "stop", "started", Map.of()));

        StatusReport status = new StatusService().status(planFile, dir.resolve("state"));

        assertTrue(status.problem().contains("unfinished run of a different plan"), status.problem());
    }
}
