package io.kupgrade.orchestrator.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.journal.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EnsembleRollTest {
    final EnsembleRoll roll = new EnsembleRoll(EnsembleRollerTest.SPEC);
    final List<JournalEntry> journal = new ArrayList<>();

    @Test
    void shouldChooseTheFirstFollowerInPlanOrderWhileTheLeaderWaits() {
        assertEquals(1, roll.choose(journal, OptionalInt.of(3)).id());
        assertEquals(2, roll.choose(journal, OptionalInt.of(1)).id());
    }

    @Test
    void shouldChooseTheLeaderOnlyWhenItIsTheLastServerLeft() {
        done(2);
        done(3);

        assertEquals(1, roll.choose(journal, OptionalInt.of(1)).id());
    }

    @Test
    void shouldNotRollTheNewLeaderBeforeTheRemainingFollowerWhenTheLeaderMoved() {
        done(2);

        // server 3 took over the lead while 2 rolled: 1 is a follower now, 3 goes last
        assertEquals(1, roll.choose(journal, OptionalInt.of(3)).id());
    }

    @Test
    void shouldPassThePreStopGatesAgainForAServerChosenButNeverStopped() {
        add(2, "pre-stop-gates", "succeeded");
        journal.add(new JournalEntry(Instant.EPOCH, "sha", null, null, null, "run", "started", Map.of()));

        EnsembleStep next = roll.next(journal);

        assertEquals(EnsembleStepKind.PRE_STOP_GATES, next.kind());
        assertEquals(2, next.server().id());
        assertTrue(next.resumed());
    }

    @Test
    void shouldStopAServerRightAfterThisRunsGatesChoseIt() {
        journal.add(new JournalEntry(Instant.EPOCH, "sha", null, null, null, "run", "started", Map.of()));
        add(2, "pre-stop-gates", "succeeded");

        EnsembleStep next = roll.next(journal);

        assertEquals(EnsembleStepKind.STOP, next.kind());
        assertEquals(false, next.resumed());
    }

    @Test
    void shouldGoOnFromTheStopOnceItMayHaveBeenSent() {
        add(2, "pre-stop-gates", "succeeded");
        add(2, "stop", "started");

        EnsembleStep next = roll.next(journal);

        assertEquals(EnsembleStepKind.STOP, next.kind());
        assertEquals(2, next.server().id());
    }

    @Test
    void shouldCloseTheEnsembleWhenEveryServerIsDone() {
        done(1);
        done(2);
        done(3);

        assertEquals(EnsembleStepKind.ENSEMBLE_DONE, roll.next(journal).kind());
    }

    @Test
    void shouldIgnoreBrokerPhaseEntries() {
        journal.add(new JournalEntry(Instant.EPOCH, "sha", "binaries", "canary", 2, "server-done", "succeeded",
                Map.of()));

        assertEquals(List.of(), roll.finishedOrder(journal));
        assertEquals(EnsembleStepKind.PRE_STOP_GATES, roll.next(journal).kind());
    }

    private void done(int id) {
        for (EnsembleStepKind k : roll.sequence()) {
            add(id, k.journalName(), "started");
            add(id, k.journalName(), "succeeded");
        }
    }

    private void add(int id, String step, String event) {
        journal.add(new JournalEntry(Instant.EPOCH, "sha", "zookeeper-ensemble", "server-" + id, null, step, event,
                Map.of()));
    }
}
