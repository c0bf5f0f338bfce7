package io.kupgrade.orchestrator.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.InMemoryJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    final TestClock clock = new TestClock();
    final FakeEnsemble ensemble = new FakeEnsemble(3, 1);
    final InMemoryJournal journal = new InMemoryJournal();
    final List<ProgressEvent> events = new ArrayList<>();
    final AtomicBoolean interrupted = new AtomicBoolean();
    KafkaHealth kafka = KafkaHealth.NONE;
    HostExecutor executor = ensemble;

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

    private RollOutcome run(ZooKeeperEnsembleSpec spec) {
        return new EnsembleRoller(plan(List.of(new PhaseSpec("restart", null, null, Map.of(), List.of(), false,
                null))), spec, ports(), settings()).run(false);
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

    /** A clock the roller's sleeper advances. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T07:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
