package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.PhaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollRunnerTest {

    @Test
    void shouldRollEveryBrokerOfEveryPhaseInWaveOrderWithTheControllerLast() {
        Rig rig = new Rig();

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertTrue(outcome.planDone());
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5", "binaries:1",
                "protocol:2", "protocol:3", "protocol:4", "protocol:5", "protocol:1"), rig.journal.steps("broker-done"));
        for (int id = 1; id <= 5; id++) {
            assertEquals("3.9.2", rig.hosts.runningVersion.get(id));
            assertTrue(rig.config(id).contains("inter.broker.protocol.version=3.9"), rig.config(id));
            assertTrue(rig.config(id).startsWith("# broker " + id + "\n"), "comments kept");
        }
        assertEquals(10, outcome.brokers().size());
    }

    @Test
    void shouldRunEachBrokersStepsInOrderStopExitInstallEditStart() {
        Rig rig = new Rig();

        rig.apply("canary");

        assertEquals(List.of("stop 2", "install 2 3.9.2", "write /srv/2/server.properties", "start 2"),
                rig.hosts.actions());
        List<String> steps = rig.journal.entries.stream()
                .filter(e -> Integer.valueOf(2).equals(e.brokerId()) && e.event().equals("succeeded"))
                .map(JournalEntry::step).toList();
        assertEquals(List.of("pre-stop-gates", "stop", "await-exit", "install", "edit-config", "start",
                "post-start-gates", "restore-leaders", "broker-done"), steps);
    }

    @Test
    void shouldTellTheGatesBeforeEveryActionSoThatNoPollFromBeforeItCounts() {
        Rig rig = new Rig();

        rig.apply("canary");

        // stop, install, edit-config (the write) and start: each comes right after a beforeAction
        List<Integer> actionIndexes = new java.util.ArrayList<>();
        for (int i = 0; i < rig.hosts.commands.size(); i++) {
            if (!rig.hosts.commands.get(i).startsWith("running")) {
                actionIndexes.add(i);
            }
        }
        assertEquals(4, actionIndexes.size(), rig.hosts.commands.toString());
        assertTrue(rig.gates.forgotAt.containsAll(actionIndexes), "forgot at " + rig.gates.forgotAt
                + ", actions at " + actionIndexes + ": " + rig.hosts.commands);
    }

    @Test
    void shouldRollExactlyTheCanaryAndContinueWithTheNextWaveOnTheNextApply() {
        Rig rig = new Rig();

        RollOutcome canary = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, canary.kind());
        assertFalse(canary.planDone());
        assertEquals(List.of("binaries:2"), rig.journal.steps("broker-done"));

        RollOutcome next = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, next.kind(), next.message());
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5"), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldRollTheCanaryOfTheNextPhaseOnceThePreviousPhaseIsDone() {
        Rig second = new Rig();
        second.apply("canary");
        second.apply("wave-2");
        second.apply("wave-3");

        RollOutcome canary = second.apply("canary");

        assertEquals(OutcomeKind.DONE, canary.kind(), canary.message());
        assertEquals("protocol:2", second.journal.steps("broker-done").get(5));
        assertEquals(6, second.journal.steps("broker-done").size());
    }

    @Test
    void shouldRefuseAWaveWhoseEarlierWaveIsNotDone() {
        Rig rig = new Rig();

        RunRefusedException e = assertThrows(RunRefusedException.class, () -> rig.apply("wave-3"));

        assertTrue(e.getMessage().contains("wave canary of phase binaries comes first"), e.getMessage());
        assertTrue(rig.journal.entries.isEmpty(), "nothing journaled");
        assertTrue(rig.hosts.actions().isEmpty(), "nothing touched");
    }

    @Test
    void shouldRefuseAnUnknownWaveNamingTheWaves() {
        Rig rig = new Rig();

        RunRefusedException e = assertThrows(RunRefusedException.class, () -> rig.apply("wave-9"));

        assertTrue(e.getMessage().contains("waves: canary, wave-2, wave-3"), e.getMessage());
    }

    @Test
    void shouldHaltBeforeStoppingAnyBrokerWhenTheClusterIsUnhealthy() {
        Rig rig = new Rig();
        rig.gates.unhealthy = true;

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(rig.hosts.actions().isEmpty(), "no broker stopped");
        assertTrue(outcome.message().contains("canStop(2)"), outcome.message());
    }

    @Test
    void shouldContinueAfterAHaltOnceTheClusterIsHealthyAgain() {
        Rig rig = new Rig();
        rig.gates.unhealthy = true;
        rig.apply("all");
        rig.gates.unhealthy = false;

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(10, rig.journal.steps("broker-done").size());
    }

    @Test
    void shouldFailWhenABrokerDoesNotRejoinTheIsrsAndNotTouchTheNextBroker() {
        Rig rig = new Rig();
        rig.gates.neverRejoin.add(2);

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertEquals(StepKind.POST_START_GATES, outcome.lastStep().kind());
        assertTrue(outcome.message().contains("backInAllIsrs(2)"), outcome.message());
        assertFalse(rig.hosts.actions().contains("stop 3"));
    }

    @Test
    void shouldResumeAFailedBrokerByGatingItAgainWithoutRestartingIt() {
        // wave-2 halts on failure (the canary would revert, see RollbackTest)
        Rig rig = new Rig();
        rig.apply("canary");
        rig.gates.neverRejoin.add(3);
        rig.apply("wave-2");
        rig.gates.neverRejoin.clear();
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 4", "install 4 3.9.2", "write /srv/4/server.properties", "start 4", "stop 5",
                "install 5 3.9.2", "write /srv/5/server.properties", "start 5"), rig.hosts.actions(),
                "running broker 3 was neither stopped nor started again");
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5"), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldNeverKillABrokerThatDoesNotExitAndFailAfterTheStopTimeout() {
        Rig rig = new Rig();
        rig.hosts.neverExits.add(2);

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertEquals(StepKind.AWAIT_EXIT, outcome.lastStep().kind());
        assertEquals(List.of("stop 2"), rig.hosts.actions(), "no kill, no start");
        assertTrue(outcome.message().contains("not killed"), outcome.message());
    }

    @Test
    void shouldFailWhenTheStartCommandFails() {
        Rig rig = new Rig();
        rig.hosts.failing.add("start 2");

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("start command exited 1"), outcome.message());
    }

    @Test
    void shouldResumeABrokerInterruptedAfterItsStopWithoutRedoingFinishedBrokers() {
        Rig rig = new Rig();
        rig.hosts.crashAfter = "install 4 3.9.2";
        assertThrows(FakeHosts.Crash.class, () -> rig.apply("all"));
        rig.hosts.crashAfter = null;
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        List<String> binaries = rig.hosts.actions().subList(0, 6);
        assertEquals(List.of("install 4 3.9.2", "write /srv/4/server.properties", "start 4", "stop 5",
                "install 5 3.9.2", "write /srv/5/server.properties"), binaries,
                "broker 4 resumed: not stopped again; install re-run as it was not journaled done; 2 and 3 untouched");
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5", "binaries:1",
                "protocol:2", "protocol:3", "protocol:4", "protocol:5", "protocol:1"), rig.journal.steps("broker-done"));
        assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals("probe")
                && e.brokerId() == 4 && "false".equals(e.details().get("running"))));
    }

    @Test
    void shouldStopAgainAResumedBrokerWhoseStopNeverRan() {
        Rig rig = new Rig();
        rig.hosts.crashBefore = "stop 3";
        assertThrows(FakeHosts.Crash.class, () -> rig.apply("all"));
        rig.hosts.crashBefore = null;
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 3", "install 3 3.9.2", "write /srv/3/server.properties", "start 3"),
                rig.hosts.actions().subList(0, 4));
        assertEquals("3.9.2", rig.hosts.runningVersion.get(3));
    }

    @Test
    void shouldOnlyGateAResumedBrokerThatTheInterruptedRunAlreadyStarted() {
        Rig rig = new Rig();
        rig.hosts.crashAfter = "start 2";
        assertThrows(FakeHosts.Crash.class, () -> rig.apply("all"));
        rig.hosts.crashAfter = null;
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of(), rig.hosts.actions(), "config already edited, broker already running the new binary");
        assertEquals(2, rig.hosts.incarnation.get(2), "started exactly once");
    }

    @Test
    void shouldReapplyTheConfigEditIdempotentlyOnResume() {
        Rig rig = new Rig();
        rig.hosts.crashAfter = "start 2";
        assertThrows(FakeHosts.Crash.class, () -> rig.apply("all"));
        String edited = rig.config(2);

        rig.apply("canary");

        assertEquals(edited, rig.config(2));
        assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals("edit-config")
                && e.brokerId() == 2 && "true".equals(e.details().get("unchanged"))));
    }

    @Test
    void shouldJournalWhereTheConfigBackupIsKept() {
        Rig rig = new Rig();

        rig.apply("canary");

        JournalEntry edit = rig.journal.entries.stream().filter(e -> e.step().equals("edit-config")
                && e.event().equals("succeeded")).findFirst().orElseThrow();
        String backup = edit.details().get("backup");
        assertEquals("/srv/2/server.properties.kupgrade-binaries-20261125T070000Z.bak".length(), backup.length());
        assertTrue(backup.startsWith("/srv/2/server.properties.kupgrade-binaries-"), backup);
        assertFalse(rig.hosts.backups.get(backup).contains("inter.broker.protocol.version"), "backup is the old file");
    }

    @Test
    void shouldRefuseToResumeWithAChangedPlan() {
        Rig rig = new Rig();
        rig.apply("canary");
        rig.plan = Rig.plan(rig.plan.phases(), "sha-B");

        RunRefusedException e = assertThrows(RunRefusedException.class, () -> rig.apply("all"));

        assertTrue(e.getMessage().contains("unfinished run of a different plan"), e.getMessage());
    }

    @Test
    void shouldAcceptANewPlanOnceThePreviousPlanIsDone() {
        Rig rig = new Rig();
        rig.apply("all");
        rig.plan = Rig.plan(List.of(Rig.PROTOCOL), "sha-B");
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 2"), rig.hosts.actions().subList(0, 1));
    }

    @Test
    void shouldAskBeforeAPointOfNoReturnAndDoNothingOfItWhenDeclined() {
        Rig rig = new Rig();
        rig.answer = false;

        RollOutcome outcome = rig.runner(false).run(Selection.all());

        assertEquals(OutcomeKind.DECLINED, outcome.kind());
        assertEquals(List.of("protocol"), rig.confirmations);
        assertEquals(5, rig.journal.steps("broker-done").size(), "binaries done, protocol untouched");
    }

    @Test
    void shouldNotAskWhenTheOperatorPassedYes() {
        Rig rig = new Rig();

        RollOutcome outcome = rig.runner(true).run(Selection.all());

        assertEquals(OutcomeKind.DONE, outcome.kind());
        assertTrue(rig.confirmations.isEmpty());
    }

    @Test
    void shouldStartNothingNewOnceInterrupted() {
        Rig rig = new Rig();
        rig.events.clear();
        RollRunner runner = rig.runner(true);
        ProgressEvent.Listener stopAfterCanary = e -> {
            if (e.type() == ProgressEvent.Type.STEP_SUCCEEDED && "broker-done".equals(e.step())) {
                rig.interrupted.set(true);
            }
        };
        RollRunner interrupting = new RollRunner(rig.engine(), new RollRunner.Ports(rig.hosts, rig.gates,
                Finalizer.NONE, p -> rig.waves(), Rig::edit, rig.journal, rig.clock, rig.clock::advance,
                rig.interrupted::get, stopAfterCanary, null), RunSettings.from(rig.plan, true));

        RollOutcome outcome = interrupting.run(Selection.all());

        assertEquals(OutcomeKind.INTERRUPTED, outcome.kind());
        assertEquals(List.of("binaries:2"), rig.journal.steps("broker-done"));
        assertFalse(rig.hosts.actions().contains("stop 3"));
        assertEquals("interrupted", rig.journal.entries.get(rig.journal.entries.size() - 1).event());
        rig.interrupted.set(false);
        assertEquals(OutcomeKind.DONE, runner.run(Selection.all()).kind());
    }

    @Test
    void shouldAbandonAWaitWhenInterruptedAndResumeTheBrokerNextTime() {
        Rig rig = new Rig();
        rig.hosts.exitAfterPolls = 5;
        rig.hosts.crashAfter = null;
        RollRunner runner = new RollRunner(rig.engine(), new RollRunner.Ports(rig.hosts, rig.gates, Finalizer.NONE,
                p -> rig.waves(), Rig::edit, rig.journal, rig.clock, d -> {
                    rig.clock.advance(d);
                    rig.interrupted.set(true);
                }, rig.interrupted::get, null, null), RunSettings.from(rig.plan, true));

        RollOutcome outcome = runner.run(Selection.all());

        assertEquals(OutcomeKind.INTERRUPTED, outcome.kind());
        assertEquals(StepKind.AWAIT_EXIT, outcome.lastStep().kind());
        rig.interrupted.set(false);
        RollOutcome resumed = rig.apply("canary");
        assertEquals(OutcomeKind.DONE, resumed.kind(), resumed.message());
        assertEquals(1, rig.hosts.actions().stream().filter("stop 2"::equals).count(),
                "the stop command had completed: not sent again, the resumed run waited for the exit");
    }

    @Test
    void shouldSoakAfterAWaveBeforeItIsDone() {
        Rig rig = new Rig();
        rig.soak = Duration.ofSeconds(30);
        rig.apply("canary");
        assertTrue(rig.gates.awaited.stream().anyMatch(p -> p.contains("canary soak")));
        assertEquals(List.of("binaries:canary"), rig.journal.steps("wave-done"));
    }

    @Test
    void shouldHaltTheSoakWhenTheClusterTurnsUnhealthy() {
        Rig rig = new Rig();
        rig.soak = Duration.ofSeconds(30);
        RollRunner runner = new RollRunner(rig.engine(), new RollRunner.Ports(rig.hosts, rig.gates, Finalizer.NONE,
                p -> rig.waves(), Rig::edit, rig.journal, rig.clock, rig.clock::advance, null, e -> {
                    if (e.type() == ProgressEvent.Type.STEP_STARTED && "soak".equals(e.step())) {
                        rig.gates.unhealthy = true;
                    }
                }, null), RunSettings.from(rig.plan, true));

        RollOutcome outcome = runner.run(Selection.all());

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertEquals(StepKind.SOAK, outcome.lastStep().kind());
        assertTrue(rig.journal.steps("wave-done").isEmpty());
    }

    @Test
    void shouldFinalizeMetadataVersionAfterTheLastWaveOfThePhase() {
        PhaseSpec roll = new PhaseSpec("roll", "install {broker.id} 4.1.2", "4.1.2", Map.of(), List.of(), true, "4.1");
        Rig rig = new Rig(List.of(roll), "sha-K");
        List<String> finalized = new java.util.ArrayList<>();
        rig.finalizer = (release, version) -> {
            finalized.add(release + "@" + version);
            return Finalizer.Result.done("metadata.version finalized to " + release);
        };

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("4.1@4.1.2"), finalized);
        List<String> order = rig.journal.entries.stream().filter(e -> e.event().equals("succeeded"))
                .map(JournalEntry::step).filter(s -> s.endsWith("-done") || s.equals("finalize")).toList();
        assertEquals("finalize", order.get(order.size() - 3));
    }

    @Test
    void shouldFinalizeWithoutRestartingAnyBrokerInAPhaseThatOnlyFinalizes() {
        PhaseSpec roll = new PhaseSpec("binaries", "install {broker.id} 4.1.2", "4.1.2", Map.of(), List.of(), false,
                null);
        PhaseSpec finalize = new PhaseSpec("finalize", null, "4.1.2", Map.of(), List.of(), true, "4.1");
        Rig rig = new Rig(List.of(roll, finalize), "sha-F");
        List<String> finalized = new java.util.ArrayList<>();
        rig.finalizer = (release, version) -> {
            finalized.add(release + "@" + version);
            return Finalizer.Result.done("metadata.version finalized to " + release);
        };

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("4.1@4.1.2"), finalized);
        assertEquals(5, rig.journal.steps("broker-done").size(), "each broker rolled once, in binaries only");
        assertTrue(rig.journal.entries.stream().noneMatch(e -> "finalize".equals(e.phase())
                && e.brokerId() != null), "no broker step in the finalize phase");
    }

    @Test
    void shouldHaltWhenFinalizeIsRefusedAndFinalizeOnTheNextApply() {
        PhaseSpec roll = new PhaseSpec("roll", "install {broker.id} 4.1.2", "4.1.2", Map.of(), List.of(), false, "4.1");
        Rig rig = new Rig(List.of(roll), "sha-K");
        rig.finalizer = (release, version) -> Finalizer.Result.refused("node 3 runs 4.0.2");

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.HALTED, outcome.kind());
        assertTrue(outcome.message().contains("node 3 runs 4.0.2"), outcome.message());
        rig.finalizer = (release, version) -> Finalizer.Result.done("ok");
        rig.hosts.commands.clear();
        RollOutcome again = rig.apply("canary");
        assertEquals(OutcomeKind.DONE, again.kind(), again.message());
        assertTrue(again.planDone());
        assertTrue(rig.hosts.actions().isEmpty(), "no broker rolled again");
    }

    @Test
    void shouldSayWhenTheRunningVersionCannotBeChecked() {
        Rig rig = new Rig();
        rig.gates.versionSupported = false;

        rig.apply("canary");

        assertTrue(rig.events.stream().anyMatch(e -> e.type() == ProgressEvent.Type.INFO
                && e.message().contains("not checked: runningVersion(2)=3.9.2")));
    }

    @Test
    void shouldFailWhenTheNewBinaryDoesNotReportThePhaseVersion() {
        Rig rig = new Rig();
        PhaseSpec wrong = new PhaseSpec("binaries", "install {broker.id} 3.9.1", "3.9.2", Map.of(), List.of(), false,
                null);
        rig.plan = Rig.plan(List.of(wrong), "sha-C");

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().contains("runningVersion(2)=3.9.2"), outcome.message());
    }

    @Test
    void shouldListTheRemainingStepsWithoutTouchingAnything() {
        Rig rig = new Rig();
        RollEngine engine = rig.engine();

        List<Step> steps = engine.remaining(List.of(), engine.resolve(JournalView.of(List.of(), "sha-A"),
                new Selection(null, "canary")), s -> false);

        assertEquals(List.of(StepKind.PHASE_START, StepKind.PRE_STOP_GATES, StepKind.STOP, StepKind.AWAIT_EXIT,
                StepKind.INSTALL, StepKind.EDIT_CONFIG, StepKind.START, StepKind.POST_START_GATES,
                StepKind.RESTORE_LEADERS, StepKind.BROKER_DONE, StepKind.WAVE_DONE),
                steps.stream().map(Step::kind).toList());
        assertTrue(rig.hosts.commands.isEmpty());
    }

    @Test
    void shouldKeepAStartedPhasesLayoutEvenWhenTheControllerMoved() {
        Rig rig = new Rig();
        rig.apply("canary");
        RollEngine moved = new RollEngine(rig.plan, Rig.BROKERS, Map.of("binaries", List.of(
                new io.kupgrade.plans.Wave(0, "canary", List.of(Rig.B1), Duration.ZERO),
                new io.kupgrade.plans.Wave(1, "wave-2", List.of(Rig.B2, Rig.B3, Rig.B4), Duration.ZERO),
                new io.kupgrade.plans.Wave(2, "wave-3", List.of(Rig.B5), Duration.ZERO))));

        List<Step> steps = moved.remaining(rig.journal.entries(), moved.resolve(JournalView.of(rig.journal.entries(),
                "sha-A"), new Selection("binaries", "all")), s -> false);

        assertEquals(List.of(3, 4, 5, 1), steps.stream().filter(s -> s.kind() == StepKind.BROKER_DONE)
                .map(Step::brokerId).toList());
    }
}
