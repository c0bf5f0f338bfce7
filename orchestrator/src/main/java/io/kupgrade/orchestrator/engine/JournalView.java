package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The journal entries of one plan, read for decisions: which steps succeeded, in which run. Immutable.
 *
 * <p>A journal may hold the entries of earlier plans for the same cluster. Entries of another plan are
 * ignored when that plan finished ({@code plan-done}); an unfinished run of another plan is refused, since
 * resuming it with a changed plan could redo or skip brokers. Entries undone by a rollback or revert are left
 * out ({@link Rollbacks#withoutUndone}), and so are entries of operators' actions outside any run
 * ({@link Journaling#outOfBand}: {@code topic-format}), whatever plan they name.
 */
public final class JournalView {
    private final List<JournalEntry> entries;
    private final int currentRunStart;

    private JournalView(List<JournalEntry> entries) {
        // a broker rolled back (or reverted) counts as not rolled: its undone entries are left out
        this.entries = List.copyOf(Rollbacks.withoutUndone(entries));
        int start = 0;
        for (int i = 0; i < this.entries.size(); i++) {
            JournalEntry e = this.entries.get(i);
            if (Journaling.RUN.equals(e.step()) && Journaling.STARTED.equals(e.event())) {
                start = i;
            }
        }
        this.currentRunStart = start;
    }

    /**
     * The entries of the plan with {@code sha256}.
     *
     * @throws RunRefusedException when the journal's latest entries belong to another plan that is not done
     */
    public static JournalView of(List<JournalEntry> journal, String sha256) {
        // an operator's action outside any run (topic-format) is on record only: it never counts as a run's step
        List<JournalEntry> all = journal.stream().filter(e -> !Journaling.outOfBand(e)).toList();
        if (!all.isEmpty()) {
            JournalEntry last = all.get(all.size() - 1);
            if (!Objects.equals(last.planSha256(), sha256) && !planDone(all, last.planSha256())
                    && !Rollbacks.leftNoTrace(all, last.planSha256())) {
                throw new RunRefusedException("the journal holds an unfinished run of a different plan (sha256 "
                        + abbreviate(last.planSha256()) + ", last step at " + last.at() + "); this plan's sha256 is "
                        + abbreviate(sha256) + ". Resume with the plan that started the run, or move the journal"
                        + " aside to start over");
            }
        }
        List<JournalEntry> mine = new ArrayList<>();
        for (JournalEntry e : all) {
            if (Objects.equals(e.planSha256(), sha256)) {
                mine.add(e);
            }
        }
        return new JournalView(mine);
    }

    private static boolean planDone(List<JournalEntry> all, String sha) {
        for (JournalEntry e : all) {
            if (Objects.equals(e.planSha256(), sha) && StepKind.PLAN_DONE.journalName().equals(e.step())) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String sha) {
        return sha == null ? "?" : sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    public List<JournalEntry> entries() {
        return entries;
    }

    /** Index of the current run's {@code run started} entry (0 when there is none). */
    int currentRunStart() {
        return currentRunStart;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** True when a step of this kind for (phase, wave, broker) succeeded at or after index {@code from}. */
    boolean succeededSince(int from, StepKind kind, String phase, String wave, Integer broker) {
        return lastIndex(from, kind, phase, wave, broker, Journaling.SUCCEEDED) >= 0;
    }

    public boolean succeeded(StepKind kind, String phase, String wave, Integer broker) {
        return succeededSince(0, kind, phase, wave, broker);
    }

    boolean startedSince(int from, StepKind kind, String phase, Integer broker) {
        return lastIndex(from, kind, phase, null, broker, Journaling.STARTED) >= 0;
    }

    /** Index of the last matching entry at or after {@code from}; -1 if none. A null wave matches any wave. */
    int lastIndex(int from, StepKind kind, String phase, String wave, Integer broker, String event) {
        for (int i = entries.size() - 1; i >= from; i--) {
            JournalEntry e = entries.get(i);
            if (kind.journalName().equals(e.step()) && Objects.equals(phase, e.phase())
                    && (wave == null || Objects.equals(wave, e.wave()))
                    && Objects.equals(broker, e.brokerId()) && event.equals(e.event())) {
                return i;
            }
        }
        return -1;
    }

    public boolean phaseDone(String phase) {
        return succeeded(StepKind.PHASE_DONE, phase, null, null);
    }

    public boolean brokerDone(String phase, int broker) {
        return succeeded(StepKind.BROKER_DONE, phase, null, broker);
    }

    public boolean waveDone(String phase, String wave) {
        return succeeded(StepKind.WAVE_DONE, phase, wave, null);
    }

    public boolean planDone() {
        return succeeded(StepKind.PLAN_DONE, null, null, null);
    }

    /** The {@code phase-start} entry of the phase, which fixes its waves. */
    public Optional<JournalEntry> phaseStart(String phase) {
        int i = lastIndex(0, StepKind.PHASE_START, phase, null, null, Journaling.SUCCEEDED);
        return i < 0 ? Optional.empty() : Optional.of(entries.get(i));
    }

    /** The last entry, if any. */
    public Optional<JournalEntry> last() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }
}
