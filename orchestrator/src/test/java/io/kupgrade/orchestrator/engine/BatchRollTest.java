package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.OnFailure;
import io.kupgrade.plans.RolloutSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code rollout.maxParallel > 1} on the fake 5-broker rig (waves canary [2], wave-2 [3, 4, 5], wave-3 [1]):
 * batch by batch, each batch stopped, changed, started and gated together, journaled and resumable.
 */
class BatchRollTest {

    private static Rig parallel(int maxParallel) {
        return new Rig().rollout(new RolloutSpec(maxParallel, true, false, false));
    }

    /** The canary rolled (a batch of one), then wave-2 applied. */
    private static RollOutcome canaryThenWave2(Rig rig) {
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        return rig.apply("wave-2");
    }

    private static List<String> batches(Rig rig) {
        return rig.journal.entries.stream().filter(e -> e.step().equals("batch-start") && e.event().equals("succeeded"))
                .map(e -> e.phase() + "/" + e.wave() + ":" + e.details().get("batch")).toList();
    }

    @Test
    void shouldStopEveryBrokerOfTheBatchBeforeStartingAny() {
        Rig rig = parallel(3);

        RollOutcome outcome = canaryThenWave2(rig);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("stop 3", "stop 4", "stop 5", "install 3 3.9.2", "install 4 3.9.2", "install 5 3.9.2",
                "write /srv/3/server.properties", "write /srv/4/server.properties", "write /srv/5/server.properties"),
                rig.hosts.actions().subList(4, 13));
        // the starts are sent together: in any order
        assertEquals(java.util.Set.of("start 3", "start 4", "start 5"), java.util.Set.copyOf(rig.hosts.actions()
                .subList(13, 16)));
        assertEquals(List.of("binaries/canary:2", "binaries/wave-2:3,4,5"), batches(rig));
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5"), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldSendTheBatchsStartsTogetherEachJournaledStartedFirst() {
        Rig rig = parallel(3);
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.startsTogether = new java.util.concurrent.CountDownLatch(3);

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.startsOverlapped, "each start command waited for the other two to be sent");
        List<JournalEntry> starts = rig.journal.entries.stream()
                .filter(e -> e.step().equals("start") && "wave-2".equals(e.wave())).toList();
        assertEquals(List.of("started", "started", "started", "succeeded", "succeeded", "succeeded"),
                starts.stream().map(JournalEntry::event).toList(), "no command before every start is journaled");
        assertEquals(List.of(3, 4, 5, 3, 4, 5), starts.stream().map(JournalEntry::brokerId).toList());
    }

    @Test
    void shouldNotResendAStartThatFailedTogetherWithAnother() {
        Rig rig = parallel(3);
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.failing.add("start 3");
        rig.hosts.failing.add("start 5");

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("failed at binaries/wave-2 broker 3: start"), outcome.message());
        assertTrue(outcome.message().contains("broker 5 failed at start (start command"), outcome.message());
        assertTrue(outcome.message().contains("broker 4 is back and done for the phase"), outcome.message());
        assertEquals(1, rig.hosts.actions().stream().filter("start 5"::equals).count(), rig.hosts.actions()::toString);
        assertEquals(1, rig.hosts.actions().stream().filter("start 3"::equals).count(), rig.hosts.actions()::toString);
    }

    @Test
    void shouldConfirmCanStopOfTheWholeBatchBeforeStoppingIt() {
        Rig rig = parallel(3);

        canaryThenWave2(rig);

        assertTrue(rig.gates.gateLabels.contains("canStop(3,4,5)"), rig.gates.gateLabels.toString());
        List<JournalEntry> preStop = rig.journal.entries.stream()
                .filter(e -> e.step().equals("pre-stop-gates") && "wave-2".equals(e.wave())).toList();
        assertEquals(List.of(3, 4, 5), preStop.stream().map(JournalEntry::brokerId).toList());
        preStop.forEach(e -> assertEquals("3,4,5", e.details().get("batch"), "each member names its batch"));
    }

    @Test
    void shouldRollTheWaveInTheBatchesTheClusterAllows() {
        Rig rig = parallel(3);
        // the live assignment lets only 3 and 5 stop together; 4 then goes alone
        rig.gates.batches = (candidates, max) -> candidates.contains(3) ? List.of(3, 5) : List.of(candidates.get(0));

        RollOutcome outcome = canaryThenWave2(rig);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("binaries/canary:2", "binaries/wave-2:3,5", "binaries/wave-2:4"), batches(rig));
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:5", "binaries:4"), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldHaltWithNothingStoppedWhenNoBatchMayStop() {
        Rig rig = parallel(3);
        rig.apply("canary");
        rig.hosts.commands.clear();
        rig.gates.unhealthy = true;

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("batch-start"), outcome.message());
        assertEquals(List.of(), rig.hosts.actions(), "nothing stopped");
    }

    @Test
    void shouldWaitOnTheFirstCandidateAloneWhenTheClusterAllowsNone() {
        Rig rig = parallel(3);
        rig.gates.batches = (candidates, max) -> List.of();

        RollOutcome outcome = rig.apply("canary");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(List.of("binaries/canary:2"), batches(rig));
    }

    @Test
    void shouldResumeABatchKilledMidStopAndLeaveItsUnstoppedBrokerToANewBatch() {
        Rig rig = parallel(3);
        rig.hosts.crashAfter = "stop 4";
        assertThrows(FakeHosts.Crash.class, () -> rig.apply("all"));
        rig.hosts.crashAfter = null;
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        List<String> actions = rig.hosts.actions();
        assertEquals(List.of("stop 4", "install 3 3.9.2", "install 4 3.9.2", "write /srv/3/server.properties",
                "write /srv/4/server.properties"), actions.subList(0, 5),
                "3 and 4 probed then finished together (4's stop re-sent: it never completed)");
        // the batch's starts are sent together: in any order
        assertEquals(java.util.Set.of("start 3", "start 4"), java.util.Set.copyOf(actions.subList(5, 7)));
        assertEquals("stop 5", actions.get(7), "5 was never stopped before: it starts a batch of its own");
        assertEquals(List.of("binaries/canary:2", "binaries/wave-2:3,4,5", "binaries/wave-2:5"), batches(rig));
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5"), rig.journal.steps("broker-done"));
        for (int id : List.of(3, 4)) {
            assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals("probe")
                    && Integer.valueOf(id).equals(e.brokerId())), "broker " + id + " probed");
            assertEquals(2, rig.hosts.incarnation.get(id), "broker " + id + " started exactly once");
        }
    }

    @Test
    void shouldResumeABatchKilledAfterItsStartsByGatingItsBrokers() {
        Rig rig = parallel(3);
        rig.hosts.crashAfter = "start 4";
        assertThrows(FakeHosts.Crash.class, () -> rig.apply("all"));
        rig.hosts.crashAfter = null;
        rig.hosts.commands.clear();

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        // the batch's starts were sent together, each journaled started first: the resume probes all three,
        // finds them running the new binary and only gates them
        assertTrue(rig.hosts.actions().stream().noneMatch(c -> c.startsWith("start ") || c.startsWith("stop ")),
                rig.hosts.actions()::toString);
        for (int id : List.of(3, 4, 5)) {
            assertEquals(2, rig.hosts.incarnation.get(id), "broker " + id + " started exactly once");
            assertEquals("3.9.2", rig.hosts.runningVersion.get(id));
        }
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5"), rig.journal.steps("broker-done"));
        assertEquals(List.of("binaries/canary:2", "binaries/wave-2:3,4,5"), batches(rig));
    }

    @Test
    void shouldPauseBetweenBatchesNeverInsideOne() {
        Rig rig = parallel(3);
        rig.apply("canary");
        PauseCheck operator = () -> rig.hosts.commands.contains("stop 4") ? Optional.of("paused by alice")
                : Optional.empty();

        RollOutcome outcome = rig.runner(true).pauseWhen(operator).run(Selection.all());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:4", "binaries:5"), rig.journal.steps("broker-done"),
                "the batch [3, 4, 5] was finished; wave-3 never started");
        assertTrue(rig.hosts.running.values().stream().allMatch(r -> r), "no broker left stopped");
    }

    @Test
    void shouldListTheBatchStepsInADryRun() {
        Rig rig = parallel(3);
        RollEngine engine = rig.engine();

        List<Step> steps = engine.remaining(List.of(), engine.resolve(JournalView.of(List.of(), "sha-A"),
                Selection.all()), s -> false, s -> List.of(3, 4, 5));

        List<String> names = steps.stream().map(s -> s.kind().journalName()
                + (s.brokerId() == null ? "" : " " + s.brokerId())).toList();
        assertTrue(names.containsAll(List.of("batch-start", "stop 3", "stop 4", "stop 5")), names.toString());
        assertTrue(names.indexOf("stop 5") < names.indexOf("start 3"), names.toString());
    }

    @Test
    void shouldBringTheBatchMatesOfAFailedBrokerBackBeforeFailingTheRun() {
        Rig rig = parallel(3);
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.failing.add("install 4 3.9.2");

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.running.get(3) && rig.hosts.running.get(5), "the healthy batch-mates are not left down");
        assertEquals("3.9.2", rig.hosts.runningVersion.get(3));
        assertEquals("3.9.2", rig.hosts.runningVersion.get(5));
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:5"), rig.journal.steps("broker-done"));
        assertTrue(!rig.hosts.running.get(4), "the failed broker is left for the operator (wave-2 halts)");
        assertTrue(outcome.message().contains("install command")
                && outcome.message().contains("batch-mates were brought back first: broker 3 is back and done for"
                + " the phase; broker 5 is back"), outcome.message());
        assertEquals(List.of("start 3", "start 5"), rig.hosts.actions().stream().filter(a -> a.startsWith("start"))
                .toList().subList(1, 3), "3 and 5 started, 4 never");
    }

    @Test
    void shouldBringTheBatchMatesBackThenRevertTheFailedBrokerWhenTheWaveReverts() {
        Rig rig = parallel(3);
        rig.wave2OnFailure = OnFailure.REVERT;
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.fatalConfigOf.put(4, "inter.broker.protocol.version=3.8"); // 4 refuses the phase's config

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.running.values().stream().allMatch(r -> r), "no broker left stopped: "
                + rig.hosts.running + "; " + outcome.message());
        assertTrue(outcome.message().startsWith("failed at binaries/wave-2 broker 4: post-start-gates"),
                "the broker that died is the one that failed, not a batch-mate gated before it: " + outcome.message());
        assertTrue(outcome.message().contains("Reverted (onFailure: revert)"), outcome.message());
        assertTrue(!rig.config(4).contains("inter.broker.protocol.version=3.8"), "4 has its previous config back: "
                + rig.config(4));
        assertTrue(rig.config(3).contains("inter.broker.protocol.version=3.8"), "3 keeps the phase's config");
        assertEquals(List.of("binaries:2", "binaries:3", "binaries:5"), rig.journal.steps("broker-done"));
    }

    @Test
    void shouldNotStopABatchMateWhoseStopNeverStartedWhenAnotherMemberFails() {
        Rig rig = parallel(3);
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.failing.add("stop 4");

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.actions().stream().noneMatch(a -> a.equals("stop 5")), rig.hosts.actions().toString());
        assertTrue(rig.hosts.running.get(3) && rig.hosts.running.get(5), "3 brought back, 5 never stopped: "
                + rig.hosts.running);
    }

    @Test
    void shouldNameEveryBrokerLeftDownWhenABatchMateFailsTooOnAHaltingWave() {
        Rig rig = parallel(3);
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.failing.add("install 3 3.9.2");
        rig.hosts.failing.add("install 4 3.9.2"); // e.g. the package mirror is down for both

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.running.get(5), "the mate that could come back did");
        assertTrue(outcome.message().contains("broker 4 failed at install")
                && outcome.message().contains("Brokers [3, 4] may be down and need attention"), outcome.message());
    }

    @Test
    void shouldRevertEveryFailedMemberOfTheBatchWhenTheWaveReverts() {
        Rig rig = parallel(3);
        rig.wave2OnFailure = OnFailure.REVERT;
        assertEquals(OutcomeKind.DONE, rig.apply("canary").kind());
        rig.hosts.fatalConfigOf.put(3, "inter.broker.protocol.version=3.8");
        rig.hosts.fatalConfigOf.put(4, "inter.broker.protocol.version=3.8");

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(rig.hosts.running.values().stream().allMatch(r -> r), "no broker left stopped: "
                + rig.hosts.running + "; " + outcome.message());
        assertTrue(outcome.message().contains("Reverted (onFailure: revert)")
                && outcome.message().contains("the cluster is healthy")
                && outcome.message().contains("brokers [4, 3] will be rolled from the start"), outcome.message());
        assertTrue(!rig.config(3).contains("inter.broker.protocol.version=3.8")
                && !rig.config(4).contains("inter.broker.protocol.version=3.8"), "both have their previous config");
    }
}
