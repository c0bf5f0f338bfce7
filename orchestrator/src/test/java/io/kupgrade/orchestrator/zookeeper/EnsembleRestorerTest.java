package io.kupgrade.orchestrator.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.MutableClock;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.PauseCheck;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code kupgrade rollback --phase zookeeper-ensemble} on a scripted ensemble: the roll (EnsembleRoller) runs first
 * on the same journal, then the rollback (EnsembleRestorer). Leader 1 at the start: the roll takes 2, 3, 1 and leaves
 * 2 leading, so the rollback takes 1, 3 (last rolled first) and then the leader, 2.
 */
@Timeout(30)
class EnsembleRestorerTest {
    static final ZooKeeperEnsembleSpec SPEC = EnsembleRollerTest.SPEC;
    static final ZooKeeperEnsembleSpec BINARIES = new ZooKeeperEnsembleSpec(EnsembleRollerTest.SERVERS,
            EnsembleRollerTest.SERVICE, Map.of("maxClientCnxns", "100"), List.of(), "install {server.id}", null,
            "uninstall {server.id}");

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T07:00:00Z"));
    final FakeEnsemble ensemble = new FakeEnsemble(3, 1);
    final FencedJournal journal = new FencedJournal();
    final List<ProgressEvent> events = new ArrayList<>();
    final AtomicBoolean interrupted = new AtomicBoolean();
    final Map<String, String> before = new HashMap<>(ensemble.files);
    KafkaHealth kafka = KafkaHealth.NONE;
    HostExecutor executor = ensemble;
    RollRunner.Confirmer confirmer = RollRunner.Confirmer.NEVER;
    boolean yes = true;
    int afterRoll;

    @Test
    void shouldGiveEveryServerItsZooCfgBackFollowersFirstAndTheLeaderLast() {
        roll(SPEC);

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(1, 3, 2), outcome.restored(), "last rolled first, the leader (2) last");
        assertEquals(List.of("stop 1", "write /zk/1/zoo.cfg", "start 1", "stop 3", "write /zk/3/zoo.cfg", "start 3",
                "stop 2", "write /zk/2/zoo.cfg", "start 2"), rollbackActions());
        for (int id = 1; id <= 3; id++) {
            String cfg = "/zk/" + id + "/zoo.cfg";
            assertEquals(before.get(cfg), ensemble.files.get(cfg), "server " + id + ": the pre-roll file");
            assertEquals(3, ensemble.incarnation.get(id), "server " + id + ": restarted once by the roll, once here");
        }
        assertEquals(2, ensemble.elections, "one election in the roll, one in the rollback");
    }

    @Test
    void shouldKeepTheReplacedZooCfgAsANewBackupAndJournalIt() {
        roll(SPEC);

        rollback();

        List<JournalEntry> configs = succeeded("rollback-config");
        assertEquals(3, configs.size());
        for (JournalEntry e : configs) {
            String kept = e.details().get("backup");
            assertTrue(kept.matches("/zk/\\d/zoo\\.cfg\\.kupgrade-zookeeper-ensemble-rollback-\\d{8}T\\d{6}Z\\.bak"),
                    kept);
            assertTrue(ensemble.backups.get(kept).contains("maxClientCnxns=100"), "the rolled file is kept");
            assertTrue(e.details().get("from").contains(".kupgrade-zookeeper-ensemble-2"), e.details().toString());
        }
    }

    @Test
    void shouldJournalEachStepAsRollbackUnderTheServerAndEndEachWithAMarker() {
        roll(SPEC);

        rollback();

        List<JournalEntry> markers = succeeded(Rollbacks.ROLLED_BACK);
        assertEquals(List.of("server-1", "server-3", "server-2"), markers.stream().map(JournalEntry::wave).toList());
        assertTrue(markers.stream().allMatch(m -> m.phase().equals("zookeeper-ensemble") && m.brokerId() == null
                && m.details().get("by").equals("rollback")));
        assertEquals(List.of("rollback-pre-stop-gates", "rollback-stop", "rollback-await-exit", "rollback-config",
                "rollback-start", "rollback-post-start-gates"), succeeded("server-1").stream()
                .map(JournalEntry::step).filter(s -> s.startsWith("rollback-")).toList());
        JournalEntry gates = succeeded("rollback-pre-stop-gates").get(2);
        assertEquals("leader", gates.details().get("role"), "the leader's gates saw it lead: " + gates.details());
    }

    @Test
    void shouldRestoreThePreviousBinariesWithTheRollbackInstall() {
        roll(BINARIES);
        assertEquals("new", ensemble.binaries.get(2));

        RollbackOutcome outcome = rollback(BINARIES);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 1", "uninstall 1", "write /zk/1/zoo.cfg", "start 1"), rollbackActions().subList(0, 4));
        ensemble.binaries.forEach((id, b) -> assertEquals("old", b, "server " + id));
        assertEquals(List.of("3.8.4", "3.8.4", "3.8.4"), succeeded("pre-stop-gates").stream()
                .map(e -> e.details().get("version")).toList(), "the roll noted what each server ran before");
        assertEquals(List.of("3.8.4", "3.8.4", "3.8.4"), succeeded("rollback-post-start-gates").stream()
                .map(e -> e.details().get("version")).toList(), "the rollback checked each runs it again");
    }

    @Test
    void shouldFailWhenARestoredServerDoesNotRunItsVersionFromBeforeTheRollAndStopNoOther() {
        roll(BINARIES);
        ensemble.uninstallKeepsNew = true;

        RollbackOutcome outcome = rollback(BINARIES);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("server 1 reports ZooKeeper 3.9.2, not 3.8.4 (its version before the"
                + " roll)"), outcome.message());
        assertEquals(List.of("stop 1", "uninstall 1", "write /zk/1/zoo.cfg", "start 1"), rollbackActions(),
                "no other server stopped");
    }

    @Test
    void shouldSayLoudlyThatBinariesWereNotRestoredWithoutRollbackInstall() {
        ZooKeeperEnsembleSpec noWayBack = new ZooKeeperEnsembleSpec(EnsembleRollerTest.SERVERS,
                EnsembleRollerTest.SERVICE, Map.of("maxClientCnxns", "100"), List.of(), "install {server.id}", null);
        roll(noWayBack);

        RollbackOutcome outcome = rollback(noWayBack);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("WARNING") && outcome.message().contains("binaries not"),
                outcome.message());
        assertEquals(3, outcome.notes().size(), outcome.notes().toString());
        assertTrue(succeeded(Rollbacks.ROLLED_BACK).stream().allMatch(m -> "binaries".equals(m.details()
                .get("notRestored"))));
        assertEquals(before.get("/zk/1/zoo.cfg"), ensemble.files.get("/zk/1/zoo.cfg"));
    }

    @Test
    void shouldHaltBeforeStoppingAnythingWhenAFollowerIsNotSynced() {
        roll(SPEC);
        ensemble.unsyncedReads.put(3, Integer.MAX_VALUE);

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(outcome.message().contains("leader 2 sees 1 of 2 followers synced"), outcome.message());
        assertEquals(List.of(), rollbackActions());
    }

    @Test
    void shouldHaltWhenKafkaLostItsController() {
        roll(SPEC);
        kafka = () -> Optional.of("the Kafka cluster has no active controller");

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(outcome.message().contains("no active controller"), outcome.message());
        assertEquals(List.of(), rollbackActions());
    }

    @Test
    void shouldFailNamingTheServerWhenARestoredServerDoesNotComeBack() {
        roll(SPEC);
        ensemble.neverStarts.add(1);

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("ZooKeeper server 1 needs attention"), outcome.message());
        assertFalse(rollbackActions().contains("stop 3"), "no other server is stopped while one is down");
        assertEquals(Optional.of("ZooKeeper server(s) [1] are half-way through a rollback; finish it first with"
                + " `kupgrade rollback PLAN --phase zookeeper-ensemble`, then apply again"),
                Rollbacks.applyBlocked(view()));
    }

    @Test
    void shouldResumeAnInterruptedRollbackWithTheServerWhereItStopped() {
        roll(SPEC);
        executor = new InterruptingExecutor(ensemble, "stop 1", interrupted);
        RollbackOutcome first = rollback();
        assertEquals(OutcomeKind.INTERRUPTED, first.kind(), first.message());
        interrupted.set(false);
        executor = ensemble;

        RollbackOutcome second = rollback();

        assertEquals(OutcomeKind.DONE, second.kind(), second.message());
        assertEquals(List.of(1, 3, 2), second.restored());
        assertEquals(1, rollbackActions().stream().filter(c -> c.equals("stop 1")).count(), "stop 1 sent once");
        assertEquals(before.get("/zk/1/zoo.cfg"), ensemble.files.get("/zk/1/zoo.cfg"));
    }

    @Test
    void shouldRestoreOnlyTheServersARollThatFailedTouched() {
        ensemble.neverStarts.add(3);
        RollOutcome failed = roll(SPEC);
        assertEquals(OutcomeKind.FAILED, failed.kind(), failed.message());
        ensemble.neverStarts.clear();

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(3, 2), outcome.restored(), "server 3 (down, out of the quorum) first; 1 never touched");
        assertFalse(rollbackActions().contains("stop 3"), "a server that is not running is not stopped");
        assertEquals(1, ensemble.incarnation.get(1), "server 1 untouched");
        assertEquals("out of the quorum", succeeded("rollback-pre-stop-gates").get(0).details().get("role"));
        for (int id = 1; id <= 3; id++) {
            assertEquals(before.get("/zk/" + id + "/zoo.cfg"), ensemble.files.get("/zk/" + id + "/zoo.cfg"));
        }
    }

    @Test
    void shouldLetApplyRollTheEnsembleAgainAfterTheRollback() {
        roll(SPEC);
        rollback();
        int actions = ensemble.actions().size();

        RollOutcome again = roll(SPEC);

        assertEquals(OutcomeKind.DONE, again.kind(), again.message());
        // the rollback's restart of leader 2 elected 1
        assertEquals(List.of("stop 2", "write /zk/2/zoo.cfg", "start 2", "stop 3", "write /zk/3/zoo.cfg", "start 3",
                "stop 1", "write /zk/1/zoo.cfg", "start 1"), ensemble.actions().subList(actions,
                ensemble.actions().size()), "followers first, the leader (1) last, every server rolled anew");
        assertTrue(ensemble.files.get("/zk/2/zoo.cfg").contains("maxClientCnxns=100"));
        assertTrue(new EnsembleRoll(SPEC).done(view().entries()));
    }

    @Test
    void shouldHaveNothingToRollBackTwice() {
        roll(SPEC);
        rollback();
        int actions = ensemble.actions().size();

        RollbackOutcome again = rollback();

        assertEquals(OutcomeKind.DONE, again.kind());
        assertTrue(again.message().startsWith("nothing to roll back"), again.message());
        assertEquals(actions, ensemble.actions().size());
    }

    @Test
    void shouldTouchNothingWhenNotConfirmed() {
        roll(SPEC);
        yes = false;
        List<String> asked = new ArrayList<>();
        confirmer = (phase, question) -> {
            asked.add(phase.name() + ": " + question);
            return false;
        };
        int entries = journal.entries().size();

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.DECLINED, outcome.kind());
        assertEquals(1, asked.size());
        assertTrue(asked.get(0).startsWith("zookeeper-ensemble: Roll back the ZooKeeper ensemble on server(s)"
                + " [1, 3, 2]"), asked.get(0));
        assertEquals(entries, journal.entries().size(), "nothing journaled");
        assertEquals(List.of(), rollbackActions());
    }

    @Test
    void shouldJournalTheRefusalsAForcedRollbackOverrode() {
        roll(SPEC);

        rollback(SPEC, List.of("the later phase binaries already touched broker(s) [1]: roll it back first"));

        JournalEntry forced = journal.entries().stream().filter(e -> e.step().equals(Rollbacks.FORCED)).findFirst()
                .orElseThrow();
        assertEquals("zookeeper-ensemble", forced.phase());
        assertTrue(forced.details().get("overrode.0").contains("binaries"));
    }

    // ---- a lost lock ends the rollback at once, as RollbackRunner ends a broker rollback ----

    @Test
    void shouldEndARollbackAtOnceWhenTheJournalRefusesBecauseTheLockWasLost() {
        roll(SPEC);
        int entries = journal.entries().size();
        journal.loseLockAt = e -> "rollback-start".equals(e.step()) && Journaling.STARTED.equals(e.event());

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("lost the cluster's lock: its ZooKeeper session expired. This rollback did nothing more; run it"
                + " again once no other run holds the lock", outcome.message());
        assertEquals(List.of("stop 1", "write /zk/1/zoo.cfg"), rollbackActions(), "no start sent unjournaled");
        assertTrue(journal.entries().size() > entries, "the rollback journaled until the refusal");
        assertTrue(journal.entries().stream().skip(entries).noneMatch(e -> Journaling.FAILED.equals(e.event())),
                "and nothing after it");

        journal.regainLock();
        RollbackOutcome again = rollback();

        assertEquals(OutcomeKind.DONE, again.kind(), again.message());
        assertEquals(List.of(1, 3, 2), again.restored(), "resumed with server 1's start");
        assertEquals(1, rollbackActions().stream().filter("stop 1"::equals).count(), "server 1 not stopped twice");
    }

    // ---- a host that drops the connection: a start is never re-sent ----

    @Test
    void shouldNeverResendARollbackStartWhoseEffectIsUnknownAndFindItRunningNextTime() {
        roll(SPEC);
        ensemble.dropsAfter.put("start 1", 1);

        RollbackOutcome outcome = rollback();

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        String reason = "host zk1 unreachable (not re-sent; the next rollback checks whether the server runs):"
                + " connection to zk1 dropped";
        assertEquals(List.of(reason), journal.entries().stream().filter(e -> "rollback-start".equals(e.step())
                && Journaling.FAILED.equals(e.event())).map(e -> e.details().get("reason")).toList());
        assertEquals("rollback failed at ZooKeeper server 1's rollback-start: " + reason + ". ZooKeeper server 1 needs"
                + " attention; run rollback again to resume it", outcome.message());

        RollbackOutcome again = rollback();

        assertEquals(OutcomeKind.DONE, again.kind(), again.message());
        assertEquals(1, rollbackActions().stream().filter("start 1"::equals).count(), "found running: not re-sent");
    }

    @Test
    void shouldPauseBetweenServersNeverLeavingOneStopped() {
        roll(SPEC);
        // the operator pauses while server 1 (the first to roll back) is down: honoured once it is back
        PauseCheck operator = () -> rollbackActions().contains("stop 1") ? Optional.of("paused by alice: audit")
                : Optional.empty();

        RollbackOutcome outcome = restorer(SPEC).pauseWhen(operator).run("rollback --phase"
                + " zookeeper-ensemble", List.of());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals(List.of(1), outcome.restored());
        assertTrue(outcome.message().contains("audit"), outcome.message());
        assertEquals(List.of("stop 1", "write /zk/1/zoo.cfg", "start 1"), rollbackActions());
        JournalEntry last = journal.entries().get(journal.entries().size() - 1);
        assertEquals(List.of("rollback", "paused"), List.of(last.step(), last.event()));

        RollbackOutcome resumed = rollback();

        assertEquals(OutcomeKind.DONE, resumed.kind(), resumed.message());
        assertEquals(List.of(3, 2), resumed.restored());
    }

    private RollOutcome roll(ZooKeeperEnsembleSpec spec) {
        RollOutcome o = new EnsembleRoller(plan(), spec, ports(), settings()).run(false);
        afterRoll = ensemble.actions().size();
        return o;
    }

    private RollbackOutcome rollback() {
        return rollback(SPEC);
    }

    private RollbackOutcome rollback(ZooKeeperEnsembleSpec spec) {
        return rollback(spec, List.of());
    }

    private RollbackOutcome rollback(ZooKeeperEnsembleSpec spec, List<String> forcedOver) {
        return restorer(spec).run("rollback --phase zookeeper-ensemble", forcedOver);
    }

    private EnsembleRestorer restorer(ZooKeeperEnsembleSpec spec) {
        RunSettings s = settings();
        RunSettings asked = new RunSettings(s.gateTimeout(), s.pollInterval(), s.stopTimeout(), s.startTimeout(),
                s.commandTimeout(), s.installTimeout(), s.hostRetries(), s.retryDelay(), yes);
        return new EnsembleRestorer(plan(), spec, ports(), asked, confirmer);
    }

    /** Commands other than isRunning polls since the last roll ended. */
    private List<String> rollbackActions() {
        List<String> all = ensemble.actions();
        return all.subList(afterRoll, all.size());
    }

    private List<JournalEntry> succeeded(String stepOrWave) {
        return journal.entries().stream().filter(e -> e.event().equals("succeeded") && (stepOrWave.equals(e.step())
                || stepOrWave.equals(e.wave()))).toList();
    }

    private JournalView view() {
        return JournalView.of(journal.entries(), plan().sha256());
    }

    private EnsembleRoller.Ports ports() {
        return new EnsembleRoller.Ports(executor, ensemble, kafka, journal, clock, clock::advance, interrupted::get,
                events::add);
    }

    private static RunSettings settings() {
        return new RunSettings(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60), 0, Duration.ZERO, true);
    }

    private static Plan plan() {
        return EnsembleRollerTest.plan(List.of(new PhaseSpec("restart", null, null, Map.of(), List.of(), false,
                null)));
    }
}
