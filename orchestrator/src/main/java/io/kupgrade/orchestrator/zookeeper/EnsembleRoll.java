package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The decisions of a ZooKeeper ensemble roll, as pure functions of the plan's ensemble and the journal (and, to
 * choose the next server, the current leader): no clock, network or host. Immutable and thread-safe.
 *
 * <p>The algorithm:
 * <ol>
 *   <li>A server is rolled as: pre-stop gates, stop, await exit, install (when the plan has one), edit zoo.cfg
 *       (when it sets or unsets something), start, post-start gates, server-done. One server at a time: a quorum
 *       of {@code 2f+1} servers survives {@code f} down, and a roll must never count on more than one.</li>
 *   <li>A server with journal entries and no server-done is in progress (an earlier run stopped in its middle):
 *       it is finished first, from its first step without a success. Its pre-stop gates are passed again when
 *       an earlier run chose it and its stop never started (the ensemble may have changed meanwhile); once the stop command may have been
 *       sent, it goes on from the stop. Every step is safe to repeat: the
 *       stop of a stopped server and the start of a running one do nothing, and the zoo.cfg edit is a function
 *       of the current file. (A start or an install an earlier run sent without learning its outcome is
 *       preceded by "is the server running?" in {@code EnsembleRoller}: a start that took effect is not sent
 *       again, an install is never run under a running server.)</li>
 *   <li>Otherwise the next server is chosen when the pre-stop gates pass, from the leader they saw: the servers
 *       not done yet, followers first in the plan's order, the leader last (reference §1d: one leader election
 *       per roll). The leader is read anew each time, so a leader that moved is still rolled last.</li>
 *   <li>When every server is done: ensemble-done (journaled as {@code phase-done} of the ensemble phase).</li>
 * </ol>
 */
public final class EnsembleRoll {
    /** Journal wave of a server's entries: {@code server-<id>}. */
    public static final String WAVE_PREFIX = "server-";

    private final ZooKeeperEnsembleSpec spec;

    public EnsembleRoll(ZooKeeperEnsembleSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    public ZooKeeperEnsembleSpec spec() {
        return spec;
    }

    /**
     * What to do next.
     *
     * @param mine the journal entries of this plan (any phase; others are ignored), oldest first
     */
    public EnsembleStep next(List<JournalEntry> mine) {
        List<JournalEntry> entries = ensembleEntries(mine);
        List<JournalEntry> thisRun = ensembleEntries(mine.subList(currentRunStart(mine), mine.size()));
        // a server rolled back has only its rollback's entries left (Rollbacks.withoutUndone): it is rolled anew
        if (succeeded(entries, null, EnsembleStepKind.ENSEMBLE_DONE)) {
            return EnsembleStep.FINISHED;
        }
        for (ZooKeeperServerSpec s : spec.servers()) {
            if (touched(entries, s) && !succeeded(entries, s, EnsembleStepKind.SERVER_DONE)) {
                boolean resumed = touched(ensembleEntries(mine.subList(0, currentRunStart(mine))), s);
                if (!has(entries, s, EnsembleStepKind.STOP, Journaling.STARTED)
                        && !succeeded(thisRun, s, EnsembleStepKind.PRE_STOP_GATES)) {
                    // chosen by an earlier run, never stopped: the ensemble may have changed since its gates passed
                    return new EnsembleStep(EnsembleStepKind.PRE_STOP_GATES, s, true);
                }
                for (EnsembleStepKind k : sequence().subList(1, sequence().size())) {
                    if (!succeeded(entries, s, k)) {
                        return new EnsembleStep(k, s, resumed);
                    }
                }
            }
        }
        if (spec.servers().stream().allMatch(s -> succeeded(entries, s, EnsembleStepKind.SERVER_DONE))) {
            return new EnsembleStep(EnsembleStepKind.ENSEMBLE_DONE, null, false);
        }
        return new EnsembleStep(EnsembleStepKind.PRE_STOP_GATES, null, false);
    }

    /**
     * The server to roll next, given the leader the pre-stop gates saw: the first not done follower in the
     * plan's order, else the leader.
     *
     * @throws IllegalStateException when every server is done
     */
    public ZooKeeperServerSpec choose(List<JournalEntry> mine, OptionalInt leader) {
        List<JournalEntry> entries = ensembleEntries(mine);
        List<ZooKeeperServerSpec> left = new ArrayList<>();
        for (ZooKeeperServerSpec s : spec.servers()) {
            if (!succeeded(entries, s, EnsembleStepKind.SERVER_DONE)) {
                left.add(s);
            }
        }
        if (left.isEmpty()) {
            throw new IllegalStateException("every ZooKeeper server is done");
        }
        return left.stream().filter(s -> leader.isEmpty() || s.id() != leader.getAsInt()).findFirst()
                .orElse(left.get(0));
    }

    /** The per-server steps this plan takes, in order (install and edit-config only when the plan has them). */
    public List<EnsembleStepKind> sequence() {
        List<EnsembleStepKind> steps = new ArrayList<>();
        steps.add(EnsembleStepKind.PRE_STOP_GATES);
        steps.add(EnsembleStepKind.STOP);
        steps.add(EnsembleStepKind.AWAIT_EXIT);
        if (spec.install() != null) {
            steps.add(EnsembleStepKind.INSTALL);
        }
        if (!spec.set().isEmpty() || !spec.unset().isEmpty()) {
            steps.add(EnsembleStepKind.EDIT_CONFIG);
        }
        steps.add(EnsembleStepKind.START);
        steps.add(EnsembleStepKind.POST_START_GATES);
        steps.add(EnsembleStepKind.SERVER_DONE);
        return steps;
    }

    /** True when the journal says every server is done and the ensemble phase closed. */
    public boolean done(List<JournalEntry> mine) {
        return next(mine) == EnsembleStep.FINISHED;
    }

    /** The ids of the servers finished, in the order they were finished. */
    public List<Integer> finishedOrder(List<JournalEntry> mine) {
        List<Integer> order = new ArrayList<>();
        for (JournalEntry e : ensembleEntries(mine)) {
            if (EnsembleStepKind.SERVER_DONE.journalName().equals(e.step()) && Journaling.SUCCEEDED.equals(e.event())) {
                Integer id = serverId(e);
                if (id != null && !order.contains(id)) {
                    order.add(id);
                }
            }
        }
        return order;
    }

    /** The server id of an ensemble entry ({@code server-<id>} wave); null for ensemble-level entries. */
    public static Integer serverId(JournalEntry e) {
        if (e.wave() == null || !e.wave().startsWith(WAVE_PREFIX)) {
            return null;
        }
        try {
            return Integer.parseInt(e.wave().substring(WAVE_PREFIX.length()));
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    /** Index of the last {@code run started} entry (0 when there is none). */
    private static int currentRunStart(List<JournalEntry> mine) {
        for (int i = mine.size() - 1; i >= 0; i--) {
            JournalEntry e = mine.get(i);
            if (Journaling.RUN.equals(e.step()) && Journaling.STARTED.equals(e.event())) {
                return i;
            }
        }
        return 0;
    }

    /** The roll's entries of the ensemble: not a rollback's steps, markers or forced entry. */
    private static List<JournalEntry> ensembleEntries(List<JournalEntry> mine) {
        return mine.stream().filter(e -> ZooKeeperEnsembleSpec.PHASE_NAME.equals(e.phase())
                && !Rollbacks.isRestoreStep(e.step()) && !Rollbacks.ROLLED_BACK.equals(e.step())
                && !Rollbacks.FORCED.equals(e.step())).toList();
    }

    private static boolean touched(List<JournalEntry> entries, ZooKeeperServerSpec s) {
        return entries.stream().anyMatch(e -> Objects.equals(serverId(e), s.id()));
    }

    private static boolean succeeded(List<JournalEntry> entries, ZooKeeperServerSpec s, EnsembleStepKind kind) {
        return has(entries, s, kind, Journaling.SUCCEEDED);
    }

    private static boolean has(List<JournalEntry> entries, ZooKeeperServerSpec s, EnsembleStepKind kind,
                               String event) {
        for (JournalEntry e : entries) {
            if (kind.journalName().equals(e.step()) && event.equals(e.event())
                    && Objects.equals(serverId(e), s == null ? null : s.id())) {
                return true;
            }
        }
        return false;
    }
}
