package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run whose journal refuses appends because the run lost the cluster's lock stops acting at once. */
class LockLostTest {

    @Test
    void shouldStopAtOnceWhenTheJournalRefusesBecauseTheLockWasLost() {
        Rig rig = new Rig();
        // the session expires while broker 2 is stopped: the stop's outcome can no longer be recorded
        rig.journal.loseLockAt = e -> "stop".equals(e.step()) && "succeeded".equals(e.event());

        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.FAILED, outcome.kind());
        assertTrue(outcome.message().startsWith("lost the cluster's lock at binaries/canary broker 2: stop"),
                outcome.message());
        assertEquals(List.of("stop 2"), rig.hosts.actions(), "nothing done after the refused append");
        JournalEntry last = rig.journal.entries.get(rig.journal.entries.size() - 1);
        assertEquals("stop", last.step());
        assertEquals("started", last.event(), "no failure entry either: another run may own the journal now");
        ProgressEvent end = rig.events.get(rig.events.size() - 1);
        assertEquals(ProgressEvent.Type.RUN_FINISHED, end.type());
    }

    @Test
    void shouldLetTheNextRunResumeFromWhatWasJournaledBeforeTheLockWasLost() {
        Rig rig = new Rig();
        rig.journal.loseLockAt = e -> "start".equals(e.step()) && "started".equals(e.event());
        rig.apply("all");

        rig.journal.loseLockAt = e -> false;
        RollOutcome outcome = rig.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
        assertTrue(outcome.planDone());
        assertEquals(1, rig.journal.steps("broker-done").stream().filter("binaries:2"::equals).count());
        assertEquals(List.of("stop 2", "install 2 3.9.2", "write /srv/2/server.properties", "start 2", "stop 3"),
                rig.hosts.actions().subList(0, 5), "the resumed run started broker 2 without stopping it again");
    }

    @Test
    void shouldEndARollbackAtOnceWhenTheJournalRefusesBecauseTheLockWasLost() {
        Rig rig = RollbackTest.binariesDone();
        rig.hosts.commands.clear();
        int entries = rig.journal.entries.size();
        rig.journal.loseLockAt = e -> "rollback-start".equals(e.step()) && "started".equals(e.event());

        RollbackOutcome outcome = RollbackTest.rollback(rig, null, null, false);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().startsWith("lost the cluster's lock"), outcome.message());
        assertEquals(List.of(), rig.hosts.actions().stream().filter(c -> c.startsWith("start")).toList(),
                "no start sent after the refused append: " + rig.hosts.actions());
        assertTrue(rig.journal.entries.size() > entries, "the rollback journaled until the refusal");
        assertTrue(rig.journal.entries.stream().skip(entries).noneMatch(e -> "failed".equals(e.event())),
                "and nothing after it");
    }
}
