package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.PhaseSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the roll ({@link RollRunner}) and the restore ({@link BrokerRestorer}, here through {@code rollback}) do
 * when a host call drops, times out or never ends, and the exact words the journal and people get. A call whose
 * effect is unknown is retried only when it is safe to repeat (a stop); a start or an install is never re-sent.
 * On fakes: {@link Rig}'s 5 brokers, 2 host retries, stop timeout 60 s, start timeout 30 s, commands 10 s.
 */
class HostFailuresTest {

    private static Rig canaryDone() {
        Rig rig = new Rig();
        rig.apply("canary");
        rig.hosts.commands.clear();
        return rig;
    }

    private static long count(Rig rig, String command) {
        return rig.hosts.actions().stream().filter(command::equals).count();
    }

    /** The {@code reason} of the step's one {@code failed} entry. */
    private static String failedReason(Rig rig, String step) {
        List<JournalEntry> failed = rig.journal.entries.stream().filter(e -> e.step().equals(step)
                && e.event().equals(Journaling.FAILED)).toList();
        assertEquals(1, failed.size(), "one failed " + step + ": " + rig.journal.entries);
        return failed.get(0).details().get("reason");
    }

    /** The step elapsed (s) of each WAITING event of the step, in order. */
    private static List<Long> waitingAt(Rig rig, String step, String message) {
        return rig.events.stream().filter(e -> e.type() == ProgressEvent.Type.WAITING && step.equals(e.step()))
                .peek(e -> assertEquals(message, e.message()))
                .map(e -> e.stepElapsed().toSeconds()).toList();
    }

    private static final List<Long> EVERY_5_S_OF_60 = List.of(5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L, 45L, 50L, 55L);

    // ---- the roll ----

    @Test
    void shouldResendAStopWhoseConnectionDroppedAndFinishTheWave() {
        Rig rig = canaryDone();
        rig.hosts.dropsAfter.put("stop 3", 2);

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(3, count(rig, "stop 3"), "sent, then re-sent twice: a stop is idempotent");
    }

    @Test
    void shouldKeepThePreviousConfigInTheBackupWhenAConfigWritesAnswerWasLost() {
        Rig rig = canaryDone();
        String before = rig.config(3);
        rig.hosts.dropsAfter.put("write /srv/3/server.properties", 1);

        RollOutcome outcome = rig.apply("wave-2");
        RollbackOutcome back = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(1, count(rig, "write /srv/3/server.properties") - countRollbackWrites(rig, 3),
                "not written again: the retry found the file already edited");
        assertEquals(OutcomeKind.DONE, back.kind(), back.message());
        assertEquals(before, rig.config(3), "the rollback restored what was there before the phase");
    }

    private static long countRollbackWrites(Rig rig, int broker) {
        return rig.journal.entries.stream().filter(e -> e.step().equals("rollback-config")
                && Integer.valueOf(broker).equals(e.brokerId()) && e.event().equals(Journaling.SUCCEEDED)
                && e.details().containsKey("from")).count();
    }

    @Test
    void shouldFailTheStopOnceTheRetriesAreSpent() {
        Rig rig = canaryDone();
        rig.hosts.dropsAfter.put("stop 3", 3);

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(3, count(rig, "stop 3"));
        assertEquals("host h3 unreachable after 2 retries: connection to h3 dropped", failedReason(rig, "stop"));
    }

    @Test
    void shouldNeverResendAStartWhoseEffectIsUnknownAndFindItRunningOnTheNextApply() {
        Rig rig = canaryDone();
        rig.hosts.dropsAfter.put("start 3", 1);

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(StepKind.START, outcome.lastStep().kind());
        assertEquals(1, count(rig, "start 3"), "not re-sent");
        assertEquals("host h3 unreachable (not re-sent; the next apply checks whether the broker runs):"
                + " connection to h3 dropped", failedReason(rig, "start"));

        rig.hosts.commands.clear();
        RollOutcome next = rig.apply("wave-2");

        assertEquals(OutcomeKind.DONE, next.kind(), next.message());
        assertEquals(0, count(rig, "start 3"), "the probe found broker 3 running: not started again");
    }

    @Test
    void shouldNeverResendAnInstallWhoseEffectIsUnknown() {
        Rig rig = canaryDone();
        rig.hosts.dropsAfter.put("install 3 3.9.2", 1);

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(1, count(rig, "install 3 3.9.2"), "not re-sent");
        assertEquals("host h3 unreachable (not re-sent; the next apply checks whether the broker runs):"
                + " connection to h3 dropped", failedReason(rig, "install"));
    }

    @Test
    void shouldSayTheBrokerWasNotKilledWhenItOutlivesTheStopTimeout() {
        Rig rig = canaryDone();
        rig.hosts.neverExits.add(3);

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("broker 3 still running 60 s after the stop command; it was not killed (a SIGKILL forces log"
                + " recovery): check its shutdown", failedReason(rig, "await-exit"));
        assertEquals(EVERY_5_S_OF_60, waitingAt(rig, "await-exit",
                "waiting for broker 3's process to exit (controlled shutdown)"));
    }

    @Test
    void shouldFailWhenNobodyCanTellWhetherTheBrokerRuns() {
        Rig rig = canaryDone();
        rig.hosts.timingOut.add("running 3");

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("could not tell whether broker 3 is running: `running 3` timed out after 10 s",
                failedReason(rig, "await-exit"));
    }

    @Test
    void shouldFailWhenTheProcessDoesNotRunWithinTheStartTimeout() {
        Rig rig = canaryDone();
        rig.hosts.fatalConfigOf.put(3, "log.dirs=/data");

        RollOutcome outcome = rig.apply("wave-2");

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("broker 3's process is not running 30 s after the start command: check its log",
                failedReason(rig, "post-start-gates"));
        assertTrue(rig.journal.entries.stream().anyMatch(e -> e.step().equals(Journaling.RUN)
                && e.event().equals(Journaling.FAILED)), "the run ends failed");
    }

    // ---- the restore (rollback) ----

    private static Rig binariesDone(PhaseSpec binaries) {
        Rig rig = new Rig(List.of(binaries, Rig.PROTOCOL), "sha-A");
        rig.apply("canary");
        rig.apply("wave-2");
        rig.apply("wave-3");
        rig.hosts.commands.clear();
        return rig;
    }

    private static Rig binariesDone() {
        return binariesDone(Rig.BINARIES);
    }

    @Test
    void shouldResendARollbackStopWhoseConnectionDropped() {
        Rig rig = binariesDone();
        rig.hosts.dropsAfter.put("stop 1", 2);

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertEquals(3, count(rig, "stop 1"));
    }

    @Test
    void shouldNeverResendARollbackStartWhoseEffectIsUnknown() {
        Rig rig = binariesDone();
        rig.hosts.dropsAfter.put("start 1", 1);

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(1, count(rig, "start 1"), "not re-sent");
        assertEquals("host h1 unreachable: connection to h1 dropped", failedReason(rig, "rollback-start"));
        assertTrue(outcome.message().startsWith("rollback failed at broker 1: rollback-start: host h1 unreachable:"
                + " connection to h1 dropped. The broker needs attention"), outcome.message());

        rig.hosts.commands.clear();
        RollbackOutcome again = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.DONE, again.kind(), again.message());
        assertEquals(0, count(rig, "start 1"), "found running: not started again");
    }

    @Test
    void shouldNeverResendARollbackInstallWhoseEffectIsUnknown() {
        PhaseSpec binaries = new PhaseSpec("binaries", "install {broker.id} 3.9.2", "3.9.2",
                Map.of("inter.broker.protocol.version", "3.8"), List.of(), false, null, List.of(),
                "install {broker.id} 3.8.1");
        Rig rig = binariesDone(binaries);
        rig.hosts.dropsAfter.put("install 1 3.8.1", 1);

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals(1, count(rig, "install 1 3.8.1"), "not re-sent");
        assertEquals("host h1 unreachable: connection to h1 dropped", failedReason(rig, "rollback-install"));
    }

    @Test
    void shouldSayARollbackDidNotKillABrokerThatOutlivesTheStopTimeout() {
        Rig rig = binariesDone();
        rig.hosts.neverExits.add(1);

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("broker 1 still running 60 s after the stop command; it was not killed",
                failedReason(rig, "rollback-await-exit"));
        assertEquals(EVERY_5_S_OF_60, waitingAt(rig, "rollback-await-exit", "waiting for broker 1's process to exit"));
    }

    @Test
    void shouldHaltARollbackWhenNobodyCanTellWhetherTheBrokerRunsBeforeItsStop() {
        Rig rig = binariesDone();
        rig.hosts.timingOut.add("running 1");

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.HALTED, outcome.kind(), "nothing touched yet: " + outcome.message());
        List<JournalEntry> halted = rig.journal.entries.stream().filter(e -> e.step().equals("rollback-pre-stop-gates")
                && e.event().equals(Journaling.HALTED)).toList();
        assertEquals(1, halted.size(), rig.journal.entries.toString());
        assertEquals("could not tell whether broker 1 is running: `running 1` timed out",
                halted.get(0).details().get("reason"));
        assertTrue(rig.hosts.actions().isEmpty(), "nothing touched");
    }

    @Test
    void shouldFailARollbackWhenTheProcessDoesNotRunWithinTheStartTimeout() {
        Rig rig = binariesDone();
        rig.hosts.fatalConfigOf.put(1, "log.dirs=/data");

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertEquals("broker 1's process is not running 30 s after the start command: check its log",
                failedReason(rig, "rollback-post-start-gates"));
    }
}
