package io.kupgrade.orchestrator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kupgrade.orchestrator.journal.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The journal is a public contract read by resume and rollback. An entry of an operator's action outside any run
 * ({@code topic-format}, journaled by {@code kupgrade topic-format PLAN}) must not change what they decide,
 * wherever it lands in the journal and whichever plan it names (this one, another, none): it cannot start, end,
 * undo or block a run.
 */
class OutOfBandEntriesTest {
    static final List<String> SHAS = Arrays.asList("sha-A", "another-plan", null);

    static JournalEntry topicFormat(Instant at, String sha) {
        return new JournalEntry(at, sha, null, null, null, Journaling.TOPIC_FORMAT, Journaling.SUCCEEDED,
                Map.of("operation", "set 2.8", "topics", "orders", "topicCount", "1", "by", "bob@ops-2"));
    }

    static List<JournalEntry> inserted(List<JournalEntry> journal, int at, String sha) {
        List<JournalEntry> out = new ArrayList<>(journal);
        Instant when = at < journal.size() ? journal.get(at).at() : journal.get(journal.size() - 1).at();
        out.add(at, topicFormat(when, sha));
        return out;
    }

    @Test
    void shouldReadEveryPrefixOfARealJournalTheSameWithATopicFormatEntryAnywhereNamingAnyPlan() {
        // Given the whole journal of a two-phase plan rolled in three runs; each prefix is a run killed there
        Rig rig = RollbackTest.binariesDone();
        rig.apply("all");
        List<JournalEntry> full = rig.journal.entries();
        RollEngine engine = rig.engine();
        Target all = engine.resolve(JournalView.of(List.of(), rig.plan.sha256()), Selection.all());
        int checked = 0;
        for (int cut = 1; cut <= full.size(); cut++) {
            List<JournalEntry> killedHere = full.subList(0, cut);
            JournalView without = JournalView.of(killedHere, rig.plan.sha256());
            Decision next = engine.next(without, all);
            // first, in the middle, before the last entry, and last (the entry a journal's owner is read from)
            for (int at : new TreeSet<>(List.of(0, cut / 2, cut - 1, cut))) {
                for (String sha : SHAS) {
                    // When a topic-format entry is in the journal there
                    JournalView with = JournalView.of(inserted(killedHere, at, sha), rig.plan.sha256());

                    // Then resume reads the same journal and decides the same next step
                    assertEquals(without.entries(), with.entries(), "cut " + cut + ", at " + at + ", sha " + sha);
                    assertEquals(next, engine.next(with, all), "cut " + cut + ", at " + at + ", sha " + sha);
                    checked++;
                }
            }
        }
        assertEquals(true, checked > 3 * full.size(), "checked " + checked + " journals");
    }

    @Test
    void shouldResumeAKilledRunToTheEndAsIfTheEntryWereNotThere() {
        Rig with = new Rig();
        Rig without = new Rig();
        with.apply("canary");
        without.apply("canary");
        // an operator changed a topic's format between runs, with another plan file for the same cluster
        with.journal.entries.add(topicFormat(with.clock.instant(), "another-plan"));

        RollOutcome resumed = with.apply("all");

        assertEquals(OutcomeKind.DONE, resumed.kind(), resumed.message());
        assertEquals(without.apply("all").kind(), resumed.kind());
        assertEquals(without.hosts.actions(), with.hosts.actions(), "the same commands, no broker redone or skipped");
        assertEquals(10, with.journal.steps("broker-done").size());
    }

    @Test
    void shouldRollBackTheSameBrokersInTheSameOrderAsWithoutTheEntry() {
        Rig with = RollbackTest.binariesDone();
        Rig without = RollbackTest.binariesDone();
        with.journal.entries.add(topicFormat(with.clock.instant(), with.plan.sha256()));

        RollbackOutcome rolledBack = RollbackTest.rollback(with, "binaries", null, false);

        RollbackOutcome expected = RollbackTest.rollback(without, "binaries", null, false);
        assertEquals(expected.kind(), rolledBack.kind(), rolledBack.message());
        assertEquals(expected.restored(), rolledBack.restored());
        assertEquals(without.hosts.actions(), with.hosts.actions());
    }

    @Test
    void shouldNotBlockANewPlanOnceTheLastRunFinishedEvenWhenTheLastEntryNamesAnUnfinishedPlan() {
        Rig done = RollbackTest.binariesDone();
        done.apply("all");
        Rig next = new Rig(List.of(Rig.BINARIES), "sha-B");
        next.journal.entries.addAll(done.journal.entries);
        // the last entry: a topic-format run with a plan that never rolled anything
        next.journal.entries.add(topicFormat(done.clock.instant(), "sha-never-applied"));

        RollOutcome outcome = next.apply("all");

        assertEquals(OutcomeKind.DONE, outcome.kind(), outcome.message());
    }
}
