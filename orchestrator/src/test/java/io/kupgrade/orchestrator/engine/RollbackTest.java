package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.PhaseSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code onFailure: revert} in apply and the {@code rollback} command, on fakes: a 5-broker cluster, waves
 * canary [2], wave-2 [3, 4, 5], wave-3 [1] (see {@link Rig}).
 */
class RollbackTest {
    static final String ORIGINAL_2 = "# broker 2\nbroker.id=2\nlog.dirs=/data\n";
    static final PhaseSpec BAD = new PhaseSpec("tuning", null, null, Map.of("num.io.threads", "-1"), List.of(), false,
            null);

    static RollbackOutcome rollback(Rig rig, String phase, String toWave, boolean force) {
        return runner(rig).run(phase, toWave, force);
    }

    static RollbackRunner runner(Rig rig) {
        return runner(rig, OptionalInt.empty());
    }

    static RollbackRunner runner(Rig rig, OptionalInt activeController) {
        RollRunner.Ports ports = new RollRunner.Ports(rig.hosts, rig.gates, rig.finalizer, phase -> rig.waves(),
                Rig::edit, rig.journal, rig.clock, rig.clock::advance, rig.interrupted::get, rig.events::add,
                (phase, question) -> rig.answer);
        RunSettings settings = new RunSettings(Duration.ofSeconds(120), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60), 2, Duration.ZERO, true);
        return new RollbackRunner(rig.engine(), rig.nodes(), activeController, ports, settings);
    }

    static Rig binariesDone() {
        Rig rig = new Rig();
        rig.apply("canary");
        rig.apply("wave-2");
        rig.apply("wave-3");
        return rig;
    }

    static List<String> journalSteps(Rig rig, int broker, String prefix) {
        return rig.journal.entries.stream().filter(e -> Integer.valueOf(broker).equals(e.brokerId())
                && e.step().startsWith(prefix) && e.event().equals("succeeded")).map(JournalEntry::step).toList();
    }

    // ---- onFailure: revert ----

    @Test
    void shouldRevertACanaryWhoseNewConfigKillsItAndEndFailedWithTheClusterHealthy() {
        Rig rig = new Rig(List.of(BAD), "sha-bad");
        rig.hosts.fatalConfig.add("num.io.threads=-1");

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("Reverted (onFailure: revert)"), outcome.message());
        assertTrue(outcome.message().contains("the cluster is healthy"), outcome.message());
        assertEquals(ORIGINAL_2, rig.config(2), "broker 2 runs its previous config again");
        assertTrue(rig.hosts.running.get(2));
        assertEquals(List.of("stop 2", "write /srv/2/server.properties", "start 2", "write /srv/2/server.properties",
                "start 2"), rig.hosts.actions(), "stopped once, restored, started again; no other broker touched");
        assertEquals(List.of("revert-pre-stop-gates", "revert-stop", "revert-await-exit", "revert-config",
                "revert-start", "revert-post-start-gates"), journalSteps(rig, 2, "revert-"));
        assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals(Rollbacks.ROLLED_BACK)
                && Integer.valueOf(2).equals(e.brokerId()) && "revert".equals(e.details().get(Rollbacks.BY))));
    }

    @Test
    void shouldNotRestartAProcessThatDiedOnlyToStopItForTheRevert() {
        Rig rig = new Rig(List.of(BAD), "sha-bad");
        rig.hosts.fatalConfig.add("num.io.threads=-1");

        rig.apply("all");

        assertEquals(1, rig.hosts.actions().stream().filter("stop 2"::equals).count(),
                "the dead broker was not stopped again");
        assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals("revert-stop")
                && "not running: nothing to stop".equals(e.details().get("summary"))));
    }

    @Test
    void shouldFailWithoutRevertingWhenTheWaveSaysHalt() {
        Rig fresh = new Rig(List.of(BAD), "sha-bad");
        fresh.apply("canary");
        fresh.hosts.fatalConfig.add("num.io.threads=-1");

        RollOutcome outcome = fresh.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("may need attention"), outcome.message());
        assertTrue(fresh.journal.entries.stream().noneMatch(e -> e.step().startsWith("revert-")), "no revert");
        assertTrue(fresh.config(3).contains("num.io.threads=-1"), "left as it failed");
    }

    @Test
    void shouldRollARevertedBrokerFromTheStartOnTheNextApply() {
        Rig rig = new Rig(List.of(BAD), "sha-bad");
        rig.hosts.fatalConfig.add("num.io.threads=-1");
        rig.apply("all");
        rig.hosts.fatalConfig.clear();
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 2", "write /srv/2/server.properties", "start 2"), rig.hosts.actions(),
                "a fresh roll of broker 2: gated stop, edit, start");
        assertTrue(rig.config(2).contains("num.io.threads=-1"));
    }

    @Test
    void shouldAcceptACorrectedPlanOnceTheRevertLeftNoBrokerChanged() {
        Rig rig = new Rig(List.of(BAD), "sha-bad");
        rig.hosts.fatalConfig.add("num.io.threads=-1");
        rig.apply("all");
        PhaseSpec fixed = new PhaseSpec("tuning", null, null, Map.of("num.io.threads", "16"), List.of(), false, null);
        rig.plan = Rig.plan(List.of(fixed), "sha-fixed");

        RollOutcome outcome = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertTrue(rig.config(2).contains("num.io.threads=16"));
    }

    @Test
    void shouldStillRefuseAnotherPlanWhileABrokerOfTheUnfinishedOneIsChanged() {
        Rig rig = new Rig();
        rig.apply("canary");
        rig.plan = Rig.plan(List.of(BAD), "sha-other");

        assertThrows(RunRefusedException.class, () -> rig.apply("canary"));
    }

    @Test
    void shouldSayTheBrokerNeedsAttentionWhenTheRevertItselfFails() {
        Rig rig = new Rig(List.of(BAD), "sha-bad");
        rig.hosts.fatalConfig.add("num.io.threads=-1");
        rig.hosts.fatalConfig.add("log.dirs=/data");

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("The revert (onFailure: revert) did not finish"), outcome.message());
        assertTrue(outcome.message().contains("kupgrade rollback PLAN --phase tuning"), outcome.message());
        RunRefusedException e = assertThrows(RunRefusedException.class, () -> rig.apply("all"));
        assertTrue(e.getMessage().contains("half-way through a rollback or revert"), e.getMessage());
    }

    @Test
    void shouldRevertTheBinariesTooWhenThePhaseSaysHowToSwitchBack() {
        PhaseSpec badBinaries = new PhaseSpec("binaries", "install {broker.id} 3.9.2", "3.9.2",
                Map.of("num.io.threads", "-1"), List.of(), false, null, List.of(), "install {broker.id} 3.8.1");
        Rig rig = new Rig(List.of(badBinaries), "sha-bin");
        rig.hosts.fatalConfig.add("num.io.threads=-1");

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("config restored, binaries restored"), outcome.message());
        assertEquals("3.8.1", rig.hosts.runningVersion.get(2));
        assertEquals(ORIGINAL_2, rig.config(2));
        assertTrue(rig.hosts.actions().contains("install 2 3.8.1"), rig.hosts.actions().toString());
    }

    // ---- rollback ----

    @Test
    void shouldRollBackAFinishedPhaseInReverseOrderRestoringEachConfig() {
        Rig rig = binariesDone();
        rig.hosts.commands.clear();

        RollbackOutcome outcome = rollback(rig, null, null, false);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals("binaries", outcome.phase());
        assertEquals(List.of(1, 5, 4, 3, 2), outcome.restored(), "the reverse of the roll");
        for (int id = 1; id <= 5; id++) {
            assertFalse(rig.config(id).contains("inter.broker.protocol.version"), rig.config(id));
            assertTrue(rig.hosts.running.get(id));
        }
        List<String> stops = rig.hosts.actions().stream().filter(c -> c.startsWith("stop")).toList();
        assertEquals(List.of("stop 1", "stop 5", "stop 4", "stop 3", "stop 2"), stops);
        assertTrue(outcome.notes().get(0).contains("config restored, binaries not"), outcome.notes().toString());
    }

    @Test
    void shouldRestoreTheActiveControllerLastSoThatTheClusterFailsOverOnce() {
        // the roll put the active controller (1) alone in the last wave; the plain reverse would restart it first
        Rig rig = binariesDone();
        rig.hosts.commands.clear();

        RollbackOutcome outcome = runner(rig, OptionalInt.of(1)).run(null, null, false);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(5, 4, 3, 2, 1), outcome.restored(), "the reverse of the roll, the active controller last");
        assertEquals(List.of("stop 5", "stop 4", "stop 3", "stop 2", "stop 1"),
                rig.hosts.actions().stream().filter(c -> c.startsWith("stop")).toList());
    }

    @Test
    void shouldStillPutTheControllerLastWhenAnEarlierRollbackOnlyGatedIt() {
        Rig rig = binariesDone();
        rig.gates.unhealthy = true;
        assertEquals(OutcomeKind.HALTED, rollback(rig, null, null, false).kind(), "halted at broker 1's gates");
        rig.gates.unhealthy = false;
        rig.hosts.commands.clear();

        // broker 1 was gated, never stopped: nothing of it to finish first; it is the controller: last
        RollbackOutcome outcome = runner(rig, OptionalInt.of(1)).run(null, null, false);

        assertEquals(List.of(5, 4, 3, 2, 1), outcome.restored(), outcome.message());
    }

    @Test
    void shouldRestoreTheQuorumLeaderLastOfTheControllersAndAControllerBrokerLastOfTheBrokers() {
        Rig rig = new Rig(List.of(Rig.BINARIES), "sha-A").withControllers45();
        rig.apply("all");
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:1", "binaries:4", "binaries:5"),
                rig.journal.steps("broker-done"));

        // quorum leader 4 (it moved since the roll): the controllers first (rolled last), 4 after 5
        RollbackOutcome outcome = runner(rig, OptionalInt.of(4)).run(null, null, false);
        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(5, 4, 1, 3, 2), outcome.restored(), "controllers, leader last; then the brokers");

        Rig other = new Rig(List.of(Rig.BINARIES), "sha-A").withControllers45();
        other.apply("all");
        // a node named as the active controller that is a broker goes last of the brokers, not among controllers
        RollbackOutcome second = runner(other, OptionalInt.of(3)).run(null, null, false);
        assertEquals(List.of(5, 4, 1, 2, 3), second.restored(), second.message());
    }

    @Test
    void shouldRestoreThePreviousBinariesWithTheRollbackInstall() {
        PhaseSpec binaries = new PhaseSpec("binaries", "install {broker.id} 3.9.2", "3.9.2",
                Map.of("inter.broker.protocol.version", "3.8"), List.of(), false, null, List.of(),
                "install {broker.id} 3.8.1");
        Rig rig = new Rig(List.of(binaries, Rig.PROTOCOL), "sha-B");
        rig.apply("canary");
        rig.apply("wave-2");
        rig.apply("wave-3");

        RollbackOutcome outcome = rollback(rig, null, null, false);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertTrue(outcome.notes().isEmpty(), outcome.notes().toString());
        for (int id = 1; id <= 5; id++) {
            assertEquals("3.8.1", rig.hosts.runningVersion.get(id), "broker " + id);
            assertFalse(rig.config(id).contains("inter.broker.protocol.version"), rig.config(id));
        }
    }

    @Test
    void shouldGateEachBrokerOfARollbackBeforeStoppingItAndAfterStartingIt() {
        Rig rig = binariesDone();

        rollback(rig, null, null, false);

        assertEquals(List.of("rollback-pre-stop-gates", "rollback-stop", "rollback-await-exit", "rollback-install",
                "rollback-config", "rollback-start", "rollback-post-start-gates"), journalSteps(rig, 1, "rollback-"));
        JournalEntry gates = rig.journal.entries.stream().filter(e -> e.step().equals("rollback-pre-stop-gates")
                && e.event().equals("started")).findFirst().orElseThrow();
        assertTrue(gates.details().get("gates").contains("canStop(1)"), gates.details().toString());
        assertTrue(gates.details().get("gates").contains("underReplicated=0"), gates.details().toString());
    }

    @Test
    void shouldHaltARollbackBeforeStoppingAnyBrokerWhenTheClusterIsUnhealthy() {
        Rig rig = binariesDone();
        rig.hosts.commands.clear();
        rig.gates.unhealthy = true;

        RollbackOutcome outcome = rollback(rig, null, null, false);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.actions().isEmpty(), "no broker stopped");
    }

    @Test
    void shouldLetApplyRollThePhaseAgainAfterAFullRollback() {
        Rig rig = binariesDone();
        rollback(rig, null, null, false);
        assertFalse(JournalView.of(rig.journal.entries, "sha-A").phaseDone("binaries"));

        RollOutcome again = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, again.kind(), again.message());
        assertEquals(1, again.brokers().size());
        assertEquals("binaries", again.brokers().get(0).phase());
        assertTrue(rig.config(2).contains("inter.broker.protocol.version=3.8"));
    }

    @Test
    void shouldStopAfterUndoingTheToWave() {
        Rig rig = binariesDone();

        RollbackOutcome outcome = rollback(rig, "binaries", "wave-2", false);

        assertEquals(List.of(1, 5, 4, 3), outcome.restored());
        assertTrue(rig.config(2).contains("inter.broker.protocol.version=3.8"), "the canary keeps the phase");
        JournalView view = JournalView.of(rig.journal.entries, "sha-A");
        assertTrue(view.waveDone("binaries", "canary"));
        assertFalse(view.waveDone("binaries", "wave-2"));
    }

    @Test
    void shouldRefuseToRollBackAPointOfNoReturnPhaseThatTouchedABrokerAndTouchNothing() {
        Rig rig = binariesDone();
        rig.apply("canary");
        rig.hosts.commands.clear();
        int journaled = rig.journal.entries.size();

        RollbackRefusedException e = assertThrows(RollbackRefusedException.class,
                () -> rollback(rig, null, null, false));

        assertTrue(e.getMessage().contains("phase protocol is a point of no return"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        assertTrue(e.getMessage().contains("Still possible: finish the upgrade forward"), e.getMessage());
        assertTrue(rig.hosts.actions().isEmpty());
        assertEquals(journaled, rig.journal.entries.size(), "nothing journaled");
    }

    @Test
    void shouldRefuseToRollBackAnEarlierPhaseBeneathATouchedPointOfNoReturn() {
        Rig rig = binariesDone();
        rig.apply("canary");

        RollbackRefusedException e = assertThrows(RollbackRefusedException.class,
                () -> rollback(rig, "binaries", null, false));

        assertTrue(e.getMessage().contains("the later phase protocol is a point of no return"), e.getMessage());
    }

    @Test
    void shouldRefuseToRollBackAPhaseWhileALaterPhaseIsStillApplied() {
        PhaseSpec tuning = new PhaseSpec("tuning", null, null, Map.of("num.io.threads", "16"), List.of(), false, null);
        Rig rig = new Rig(List.of(Rig.BINARIES, tuning), "sha-T");
        rig.apply("canary");
        rig.apply("wave-2");
        rig.apply("wave-3");
        rig.apply("canary");

        RollbackRefusedException e = assertThrows(RollbackRefusedException.class,
                () -> rollback(rig, "binaries", null, false));
        RollbackOutcome tuningFirst = rollback(rig, null, null, false);
        RollbackOutcome thenBinaries = rollback(rig, "binaries", null, false);

        assertTrue(e.getMessage().contains("the later phase tuning already touched broker(s) [2]: roll it back first"),
                e.getMessage());
        assertTrue(e.getMessage().contains("roll back phase tuning (kupgrade rollback PLAN --phase tuning)"),
                e.getMessage());
        assertEquals(List.of(2), tuningFirst.restored());
        assertEquals(OutcomeKind.DONE, thenBinaries.kind(), thenBinaries.message());
        assertEquals(5, thenBinaries.restored().size());
    }

    @Test
    void shouldRollBackAcrossAPointOfNoReturnWhenForcedAndJournalIt() {
        Rig rig = binariesDone();
        rig.apply("canary");

        RollbackOutcome outcome = rollback(rig, null, null, true);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(2), outcome.restored());
        assertFalse(outcome.forcedOver().isEmpty());
        assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals(Rollbacks.FORCED)));
        assertTrue(rig.events.stream().anyMatch(e -> e.message().startsWith("WARNING: --force")));
        assertTrue(rig.config(2).contains("inter.broker.protocol.version=3.8"), "back to the pinned protocol");
    }

    @Test
    void shouldResumeAnInterruptedRollbackAtTheBrokerWhereItStopped() {
        Rig rig = binariesDone();
        rig.hosts.crashAfter = "start 5";
        assertThrows(FakeHosts.Crash.class, () -> rollback(rig, null, null, false));
        rig.hosts.crashAfter = null;
        rig.hosts.commands.clear();

        RunRefusedException blocked = assertThrows(RunRefusedException.class, () -> rig.apply("all"));
        RollbackOutcome outcome = rollback(rig, null, null, false);

        assertTrue(blocked.getMessage().contains("[5] of phase binaries"), blocked.getMessage());
        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(5, 4, 3, 2), outcome.restored());
        assertFalse(rig.hosts.actions().contains("stop 5"), "broker 5 was not stopped again");
        assertFalse(rig.hosts.actions().contains("start 5"), "nor started again");
    }

    @Test
    void shouldPauseARollbackBetweenBrokersNeverLeavingOneStoppedAndGoOnOnceResumed() {
        Rig rig = binariesDone();
        rig.hosts.commands.clear();
        AtomicReference<String> pause = new AtomicReference<>();
        // the operator pauses while broker 1 (the first to roll back) is down: honoured once it is back
        PauseCheck operator = () -> {
            if (rig.hosts.commands.contains("stop 1")) {
                pause.compareAndSet(null, "paused by alice@ops since 10:00: consumers lagging");
            }
            return Optional.ofNullable(pause.get());
        };

        RollbackOutcome paused = runner(rig).pauseWhen(operator).run(null, null, false);

        assertEquals(OutcomeKind.HALTED, paused.kind(), paused.message());
        assertEquals(List.of(1), paused.restored(), "broker 1 finished, broker 5 untouched");
        assertTrue(paused.message().contains("consumers lagging"), paused.message());
        assertTrue(paused.message().contains("kupgrade resume, then rollback"), paused.message());
        assertEquals(List.of("stop 1", "start 1"), rig.hosts.actions().stream().filter(a -> a.startsWith("st"))
                .toList());
        assertTrue(rig.hosts.running.get(1));
        JournalEntry last = rig.journal.entries.get(rig.journal.entries.size() - 1);
        assertEquals(List.of(Rollbacks.ROLLBACK_RUN, "paused"), List.of(last.step(), last.event()));
        assertEquals("paused by alice@ops since 10:00: consumers lagging", last.details().get("pause"));

        pause.set(null);
        RollbackOutcome resumed = runner(rig).pauseWhen(() -> Optional.ofNullable(pause.get())).run(null, null, false);

        assertEquals(OutcomeKind.DONE, resumed.kind(), resumed.message());
        assertEquals(List.of(5, 4, 3, 2), resumed.restored());
    }

    @Test
    void shouldHaltARollbackBetweenBrokersWhenThePauseCannotBeRead() {
        Rig rig = binariesDone();
        rig.hosts.commands.clear();
        PauseCheck unreadable = () -> {
            if (rig.hosts.commands.contains("start 1")) {
                throw new IllegalStateException("ZooKeeper did not answer");
            }
            return Optional.empty();
        };

        RollbackOutcome outcome = runner(rig).pauseWhen(unreadable).run(null, null, false);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("cannot tell whether the cluster is paused (ZooKeeper did not"
                + " answer)"), outcome.message());
        assertEquals(List.of(1), outcome.restored());
        assertFalse(rig.hosts.actions().contains("stop 5"), "no further broker stopped");
    }

    @Test
    void shouldHaveNothingToRollBackBeforeAnyBrokerWasTouched() {
        Rig rig = new Rig();

        RollbackOutcome outcome = rollback(rig, null, null, false);

        assertEquals(OutcomeKind.DONE, outcome.kind());
        assertTrue(outcome.message().startsWith("nothing to roll back"), outcome.message());
        assertTrue(rig.journal.entries.isEmpty());
    }

    @Test
    void shouldRefuseAnUnknownToWaveNamingTheWaves() {
        Rig rig = binariesDone();

        RunRefusedException e = assertThrows(RunRefusedException.class,
                () -> rollback(rig, "binaries", "wave-9", false));

        assertTrue(e.getMessage().contains("waves: canary, wave-2, wave-3"), e.getMessage());
    }

    @Test
    void shouldDoNothingWhenTheRollbackIsNotConfirmed() {
        Rig rig = binariesDone();
        rig.answer = false;
        rig.hosts.commands.clear();
        RollRunner.Ports ports = new RollRunner.Ports(rig.hosts, rig.gates, null, phase -> rig.waves(), Rig::edit,
                rig.journal, rig.clock, rig.clock::advance, null, null, (phase, question) -> false);
        RunSettings ask = new RunSettings(Duration.ofSeconds(120), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60), 2, Duration.ZERO, false);

        RollbackOutcome outcome = new RollbackRunner(rig.engine(), Rig.BROKERS, ports, ask).run(null, null, false);

        assertEquals(OutcomeKind.DECLINED, outcome.kind());
        assertTrue(rig.hosts.actions().isEmpty());
    }

    @Test
    void shouldLeaveOutTheEntriesAMarkerUndid() {
        List<JournalEntry> entries = new ArrayList<>();
        java.time.Instant t = java.time.Instant.EPOCH;
        entries.add(new JournalEntry(t, "s", "p", "w", 1, "stop", "started", Map.of()));
        entries.add(new JournalEntry(t, "s", "p", "w", 2, "stop", "started", Map.of()));
        entries.add(new JournalEntry(t, "s", "p", "w", null, "wave-done", "succeeded", Map.of()));
        entries.add(new JournalEntry(t, "s", "p", null, null, "phase-done", "succeeded", Map.of()));
        entries.add(new JournalEntry(t, "s", "q", "w", 1, "stop", "started", Map.of()));
        entries.add(new JournalEntry(t, "s", "p", "w", 1, Rollbacks.ROLLED_BACK, "succeeded", Map.of()));
        entries.add(new JournalEntry(t, "s", "p", "w", 1, "stop", "started", Map.of()));

        List<JournalEntry> kept = Rollbacks.withoutUndone(entries);

        assertEquals(List.of(entries.get(1), entries.get(4), entries.get(5), entries.get(6)), kept);
    }
}
