package io.kupgrade.orchestrator.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.engine.BrokerSummary;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.MutableClock;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.PauseCheck;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.GateSettings;
import io.kupgrade.plans.MaintenanceWindows;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.RolloutSpec;
import io.kupgrade.plans.ServiceSpec;
import io.kupgrade.plans.WaveSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EnsembleRollerTest {
    static final List<ZooKeeperServerSpec> SERVERS = List.of(new ZooKeeperServerSpec(1, "zk1", 2181),
            new ZooKeeperServerSpec(2, "zk2", 2181), new ZooKeeperServerSpec(3, "zk3", 2181));
    static final ServiceSpec SERVICE = new ServiceSpec("/zk/{server.id}/zoo.cfg", "stop {server.id}",
            "start {server.id}", "running {server.id}", Duration.ofSeconds(60), Duration.ofSeconds(30));
    static final ZooKeeperEnsembleSpec SPEC = new ZooKeeperEnsembleSpec(SERVERS, SERVICE,
            Map.of("maxClientCnxns", "100"), List.of(), null, null);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T07:00:00Z"));
    final FakeEnsemble ensemble = new FakeEnsemble(3, 1);
    final FencedJournal journal = new FencedJournal();
    final List<ProgressEvent> events = new ArrayList<>();
    final AtomicBoolean interrupted = new AtomicBoolean();
    KafkaHealth kafka = KafkaHealth.NONE;
    HostExecutor executor = ensemble;
    PauseCheck pause = PauseCheck.NEVER;

    @Test
    void shouldRollFollowersFirstAndTheLeaderLastWithOneElection() {
        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(2, 3, 1), serversDone());
        assertEquals(1, ensemble.elections, "one leader election per roll");
        assertEquals(List.of("stop 2", "write /zk/2/zoo.cfg", "start 2", "stop 3", "write /zk/3/zoo.cfg", "start 3",
                "stop 1", "write /zk/1/zoo.cfg", "start 1"), ensemble.actions());
        for (int id = 1; id <= 3; id++) {
            assertEquals(2, ensemble.incarnation.get(id), "server " + id + " restarted once");
            assertTrue(ensemble.files.get("/zk/" + id + "/zoo.cfg").contains("maxClientCnxns=100"));
        }
    }

    @Test
    void shouldKeepEveryPreviousZooCfgAndJournalWhere() {
        run(SPEC);

        List<JournalEntry> edits = journal.entries().stream().filter(e -> e.step().equals("edit-config")
                && e.event().equals("succeeded")).toList();
        assertEquals(3, edits.size());
        for (JournalEntry e : edits) {
            String backup = e.details().get("backup");
            assertTrue(backup.matches("/zk/\\d/zoo\\.cfg\\.kupgrade-zookeeper-ensemble-\\d{8}T\\d{6}Z\\.bak"), backup);
            assertTrue(ensemble.backups.get(backup).contains("maxClientCnxns=60"), "the previous file is kept");
        }
    }

    @Test
    void shouldJournalUnderTheEnsemblePhaseWithTheServerAsWaveAndNoBroker() {
        run(SPEC);

        List<JournalEntry> steps = journal.entries().stream().filter(e -> !e.step().equals("run")).toList();
        assertTrue(steps.stream().allMatch(e -> e.phase().equals("zookeeper-ensemble") && e.brokerId() == null),
                steps.toString());
        assertTrue(steps.stream().filter(e -> !e.step().equals("phase-done"))
                .allMatch(e -> e.wave().matches("server-[123]")));
        assertEquals("phase-done", steps.get(steps.size() - 1).step());
    }

    @Test
    void shouldHaltBeforeStoppingAnythingWhenAFollowerIsNotSynced() {
        ensemble.unsyncedReads.put(3, Integer.MAX_VALUE);

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(outcome.message().contains("leader 1 sees 1 of 2 followers synced"), outcome.message());
        assertEquals(List.of(), ensemble.actions());
    }

    @Test
    void shouldHaltWhenTheLeaderDoesNotAnswerMntr() {
        ensemble.mntrWhitelisted = false;

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(outcome.message().contains("4lw.commands.whitelist"), outcome.message());
        assertEquals(List.of(), ensemble.actions());
    }

    @Test
    void shouldHaltWhenKafkaHasNoController() {
        kafka = () -> Optional.of("the Kafka cluster has no active controller");

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(outcome.message().contains("no active controller"), outcome.message());
        assertEquals(List.of(), ensemble.actions());
    }

    @Test
    void shouldFailAndStopTheRollWhenARestartedServerDoesNotRejoin() {
        ensemble.neverStarts.add(2);

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("ZooKeeper server 2 may need attention"), outcome.message());
        assertFalse(ensemble.actions().contains("stop 3"), "no other server is stopped while one is down");
    }

    @Test
    void shouldResumeAnInterruptedServerWhereItStoppedAndNeverRedoAFinishedOne() {
        executor = new InterruptingExecutor(ensemble, "stop 3", interrupted);
        RollOutcome first = run(SPEC);
        assertEquals(OutcomeKind.INTERRUPTED, first.kind());
        interrupted.set(false);
        executor = ensemble;

        RollOutcome second = run(SPEC);

        assertEquals(OutcomeKind.DONE, second.kind(), second.message());
        assertEquals(List.of(2, 3, 1), serversDone());
        assertEquals(1, ensemble.actions().stream().filter(c -> c.equals("stop 3")).count());
        assertEquals(1, ensemble.actions().stream().filter(c -> c.equals("start 2")).count());
        assertTrue(second.brokers().get(0).resumed(), "server 3 is reported as resumed");
    }

    @Test
    void shouldDoNothingForAnEnsembleAlreadyRolled() {
        run(SPEC);
        int actions = ensemble.actions().size();

        RollOutcome again = run(SPEC);

        assertEquals(OutcomeKind.DONE, again.kind());
        assertTrue(again.message().startsWith("nothing to do"), again.message());
        assertEquals(actions, ensemble.actions().size());
    }

    @Test
    void shouldRestartWithoutEditingWhenThePlanChangesNoProperty() {
        ZooKeeperEnsembleSpec restart = new ZooKeeperEnsembleSpec(SERVERS, SERVICE, Map.of(), List.of(),
                "install {server.id}", null);

        run(restart);

        assertEquals(List.of("stop 2", "install 2", "start 2", "stop 3", "install 3", "start 3", "stop 1",
                "install 1", "start 1"), ensemble.actions());
    }

    @Test
    void shouldCloseThePlanWhenTheEnsembleIsItsOnlyChange() {
        RollOutcome outcome = new EnsembleRoller(plan(List.of()), SPEC, ports(), settings()).run(true);

        assertTrue(outcome.planDone());
        assertTrue(journal.entries().stream().anyMatch(e -> e.step().equals("plan-done") && e.phase() == null));
    }

    // ---- kupgrade pause: honoured between servers only, as the broker roll honours it between brokers ----

    @Test
    void shouldStopAfterServer1AndBeforeServer2sStopWhenPausedMeanwhile() {
        ensemble.leader = 3; // followers first in plan order: 1, 2, then the leader 3
        // the operator pauses while server 1 rolls: the marker is there from its start on
        pause = () -> ensemble.commands.contains("start 1") ? Optional.of("paused by alice@ops since 10:00:"
                + " consumers lagging") : Optional.empty();

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals("paused before the next ZooKeeper server's stop (paused by alice@ops since 10:00: consumers"
                + " lagging); ZooKeeper servers [1] rolled, [2, 3] still to roll, none is left half-done. Run kupgrade"
                + " resume, then apply to continue", outcome.message());
        assertEquals(List.of("stop 1", "write /zk/1/zoo.cfg", "start 1"), ensemble.actions(), "server 2 untouched");
        assertEquals(Set.of(1, 2, 3), ensemble.running, "no server left stopped");
        assertEquals(List.of(1), serversDone());
        assertTrue(journal.entries().stream().noneMatch(e -> "server-2".equals(e.wave())),
                "not even server 2's pre-stop gates started: " + journal.entries());
        JournalEntry last = journal.last().orElseThrow();
        assertEquals(List.of("run", "paused"), List.of(last.step(), last.event()));
        assertEquals("paused by alice@ops since 10:00: consumers lagging", last.details().get("pause"));
        assertEquals(outcome.message(), last.details().get("message"));
        ProgressEvent end = events.get(events.size() - 1);
        assertEquals(ProgressEvent.Type.RUN_FINISHED, end.type());
        assertTrue(end.message().startsWith("PAUSED: paused before"), end.message());
    }

    @Test
    void shouldNotBeginAServerOutsideThePlansMaintenanceWindows() {
        Plan p = plan(List.of(new PhaseSpec("restart", null, null, Map.of(), List.of(), false, null)));
        Plan windowed = new Plan(p.source(), p.sha256(), p.apiVersion(), p.cluster(), p.brokers(), p.access(),
                p.service(), p.waves(), p.gates(), p.phases(), p.warnings(), new RolloutSpec(1, true, true, false,
                MaintenanceWindows.of(java.time.ZoneId.of("UTC"), "22:00-06:00")), p.state());

        RollOutcome outcome = new EnsembleRoller(windowed, SPEC, ports(), settings()).run(false);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("not begun: the next ZooKeeper server's stop: outside the maintenance"
                + " windows (22:00-06:00 (UTC)); the next opens Wed 2026-11-25 22:00 UTC"), outcome.message());
        assertEquals(List.of(), ensemble.actions(), "no server touched");
        assertEquals(List.of("run", "halted"), List.of(journal.last().orElseThrow().step(),
                journal.last().orElseThrow().event()));
    }

    @Test
    void shouldContinueWithServer2WhenAppliedAgainAfterResume() {
        ensemble.leader = 3;
        AtomicBoolean resumed = new AtomicBoolean();
        pause = () -> !resumed.get() && ensemble.commands.contains("start 1") ? Optional.of("paused by alice")
                : Optional.empty();
        assertEquals(OutcomeKind.HALTED, run(SPEC).kind());

        resumed.set(true); // kupgrade resume
        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 1", "write /zk/1/zoo.cfg", "start 1", "stop 2", "write /zk/2/zoo.cfg", "start 2",
                "stop 3", "write /zk/3/zoo.cfg", "start 3"), ensemble.actions(), "server 2 next, server 1 not redone");
        assertEquals(List.of(1, 2, 3), serversDone());
        assertEquals(List.of(2, 3), outcome.brokers().stream().map(BrokerSummary::brokerId).toList(),
                "this run rolled servers 2 and 3");
    }

    @Test
    void shouldFinishTheServerInProgressWhenThePauseAppearsDuringItsRoll() {
        ensemble.leader = 3;
        pause = () -> ensemble.commands.contains("stop 1") ? Optional.of("paused") : Optional.empty();

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 1", "write /zk/1/zoo.cfg", "start 1"), ensemble.actions(),
                "server 1 was started and gated before the pause was honoured");
        assertEquals(List.of(1), serversDone());
    }

    @Test
    void shouldHaltWithoutStoppingAnythingWhenThePauseMarkerCannotBeRead() {
        pause = () -> {
            throw new ClusterUnreachableException("cannot read the pause marker zookeeper://zk:2181/kupgrade/test/pause:"
                    + " ZooKeeper did not answer", null);
        };

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals("cannot tell whether the cluster is paused (cannot read the pause marker"
                + " zookeeper://zk:2181/kupgrade/test/pause: ZooKeeper did not answer); halted before the next"
                + " ZooKeeper server's stop rather than go on without knowing; no ZooKeeper server rolled yet, none is"
                + " left half-done. Run apply again once the pause marker can be read",
                outcome.message());
        assertEquals(List.of(), ensemble.actions(), "nothing stopped");
        JournalEntry last = journal.last().orElseThrow();
        assertEquals(List.of("run", "halted"), List.of(last.step(), last.event()));
        assertTrue(events.stream().anyMatch(e -> e.type() == ProgressEvent.Type.INFO
                && e.message().startsWith("cannot tell whether the cluster is paused")), "told before journaling");
    }

    // ---- a lost lock: the run ends at once, FAILED, journaling nothing more (as RollRunner) ----

    @Test
    void shouldEndFailedAtOnceWhenTheJournalRefusesBecauseTheLockWasLost() {
        // the session expires while server 2 is being stopped: the stop's outcome can no longer be recorded
        journal.loseLockAt = e -> "stop".equals(e.step()) && Journaling.SUCCEEDED.equals(e.event());

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("lost the cluster's lock at zookeeper-ensemble server 2: stop: its ZooKeeper session expired."
                + " This run did nothing more; the journal holds everything it did until then. Run apply again once"
                + " no other run holds the lock: it resumes from the journal", outcome.message());
        assertEquals(List.of("stop 2"), ensemble.actions(), "nothing done after the refused append");
        JournalEntry last = journal.last().orElseThrow();
        assertEquals(List.of("server-2", "stop", "started"), List.of(last.wave(), last.step(), last.event()),
                "no failure entry either: another run may own the journal now");
        ProgressEvent end = events.get(events.size() - 1);
        assertEquals(ProgressEvent.Type.RUN_FINISHED, end.type());
        assertTrue(end.message().startsWith("FAILED: lost the cluster's lock"), end.message());
    }

    @Test
    void shouldNameTheChosenServerWhenTheLockIsLostAsItsGatesPass() {
        journal.loseLockAt = e -> "pre-stop-gates".equals(e.step()) && Journaling.SUCCEEDED.equals(e.event());

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("lost the cluster's lock at zookeeper-ensemble server 2:"
                + " pre-stop-gates: its ZooKeeper session expired."), outcome.message());
        assertEquals(List.of(), ensemble.actions(), "nothing stopped");
    }

    @Test
    void shouldLetTheNextRunResumeFromWhatWasJournaledBeforeTheLockWasLost() {
        journal.loseLockAt = e -> "start".equals(e.step()) && Journaling.STARTED.equals(e.event());
        assertEquals(OutcomeKind.FAILED, run(SPEC).kind());
        assertEquals(List.of("stop 2", "write /zk/2/zoo.cfg"), ensemble.actions(), "no start sent unjournaled");

        journal.regainLock();
        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 2", "write /zk/2/zoo.cfg", "start 2", "stop 3"), ensemble.actions().subList(0, 4),
                "the resumed run started server 2 without stopping it again");
        assertEquals(List.of(2, 3, 1), serversDone());
    }

    // ---- a host that drops the connection: a start or an install is never re-sent (as for brokers) ----

    @Test
    void shouldNeverResendAStartWhoseEffectIsUnknownAndFindItRunningOnTheNextApply() {
        ensemble.dropsAfter.put("start 2", 1);

        RollOutcome outcome = run(SPEC);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(1, count("start 2"), "not re-sent");
        String reason = "host zk2 unreachable (not re-sent; the next apply checks whether the server runs):"
                + " connection to zk2 dropped";
        assertEquals(reason, failedReason("start"));
        assertEquals("failed at ZooKeeper server 2's start: " + reason + ". ZooKeeper server 2 may need attention;"
                + " run apply again to resume it", outcome.message());

        RollOutcome next = run(SPEC);

        assertEquals(OutcomeKind.DONE, next.kind(), next.message());
        assertEquals(1, count("start 2"), "found running: not started again");
        JournalEntry start = journal.entries().stream().filter(e -> "start".equals(e.step())
                && "server-2".equals(e.wave()) && Journaling.SUCCEEDED.equals(e.event())).findFirst().orElseThrow();
        assertEquals("true", start.details().get("alreadyRunning"), start.details().toString());
        assertEquals(2, ensemble.incarnation.get(2), "server 2 started once");
    }

    @Test
    void shouldNeverResendAnInstallWhoseEffectIsUnknownAndRunItAgainOnTheStoppedServer() {
        ZooKeeperEnsembleSpec withInstall = new ZooKeeperEnsembleSpec(SERVERS, SERVICE, Map.of(), List.of(),
                "install {server.id}", null);
        ensemble.dropsAfter.put("install 2", 1);

        RollOutcome outcome = run(withInstall);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(1, count("install 2"), "not re-sent");
        assertEquals("host zk2 unreachable (not re-sent; the next apply checks whether the server runs): connection"
                + " to zk2 dropped", failedReason("install"));

        RollOutcome next = run(withInstall);

        assertEquals(OutcomeKind.DONE, next.kind(), next.message());
        assertEquals(List.of("stop 2", "install 2", "install 2", "start 2"), ensemble.actions().subList(0, 4),
                "checked: not running, so installed again, then started");
    }

    @Test
    void shouldNotInstallUnderAServerSomeoneStartedAfterAnInstallWhoseEffectIsUnknown() {
        ZooKeeperEnsembleSpec withInstall = new ZooKeeperEnsembleSpec(SERVERS, SERVICE, Map.of(), List.of(),
                "install {server.id}", null);
        ensemble.dropsAfter.put("install 2", 1);
        run(withInstall);
        ensemble.running.add(2); // started by hand meanwhile

        RollOutcome next = run(withInstall);

        assertEquals(OutcomeKind.FAILED, next.kind(), next.message());
        assertEquals(1, count("install 2"), "not run under a running server");
        assertTrue(failedReasons("install").get(1).startsWith("ZooKeeper server 2 is running again, though this roll"
                + " stopped it"), failedReasons("install").toString());
    }

    private long count(String command) {
        return ensemble.actions().stream().filter(command::equals).count();
    }

    /** The reasons of the step's {@code failed} entries, oldest first. */
    private List<String> failedReasons(String step) {
        return journal.entries().stream().filter(e -> step.equals(e.step()) && Journaling.FAILED.equals(e.event()))
                .map(e -> e.details().get("reason")).toList();
    }

    /** The reason of the step's one {@code failed} entry. */
    private String failedReason(String step) {
        List<String> reasons = failedReasons(step);
        assertEquals(1, reasons.size(), "one failed " + step + ": " + journal.entries());
        return reasons.get(0);
    }

    private RollOutcome run(ZooKeeperEnsembleSpec spec) {
        return new EnsembleRoller(plan(List.of(new PhaseSpec("restart", null, null, Map.of(), List.of(), false,
                null))), spec, ports(), settings()).pauseWhen(pause).run(false);
    }

    private EnsembleRoller.Ports ports() {
        return new EnsembleRoller.Ports(executor, ensemble, kafka, journal, clock, clock::advance, interrupted::get,
                events::add);
    }

    private static RunSettings settings() {
        return new RunSettings(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60), 0, Duration.ZERO, true);
    }

    private List<Integer> serversDone() {
        return new EnsembleRoll(SPEC).finishedOrder(journal.entries());
    }

    static Plan plan(List<PhaseSpec> phases) {
        ServiceSpec brokers = new ServiceSpec("/srv/{broker.id}/server.properties", "bstop {broker.id}",
                "bstart {broker.id}", "brunning {broker.id}", Duration.ofSeconds(60), Duration.ofSeconds(30));
        return new Plan(Path.of("plan.yaml"), "sha-Z", "kupgrade/v1", new ClusterSpec("test", "h1:9092", null,
                Map.of(), "zk1:2181,zk2:2181,zk3:2181"), List.of(new BrokerSpec(1, "h1", null, null)),
                new AccessSpec("local", null), brokers,
                List.of(new WaveSpec(null, new WaveSpec.WaveSize(1, false), Duration.ZERO)),
                new GateSettings(Duration.ofSeconds(1), Duration.ofSeconds(60), 1), phases, List.of());
    }
}
