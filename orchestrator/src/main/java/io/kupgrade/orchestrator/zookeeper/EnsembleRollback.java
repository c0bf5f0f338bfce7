package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.RestoreStep;
import io.kupgrade.orchestrator.engine.RollbackPlanner;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The decisions of {@code kupgrade rollback} for a plan's ZooKeeper ensemble, as pure functions of the plan and the
 * journal (and, to choose the next server, the current leader): no clock, network or host. Immutable and
 * thread-safe.
 *
 * <p>The algorithm:
 * <ol>
 *   <li>Selected by {@code --phase zookeeper-ensemble}, or without {@code --phase} when no broker phase touched a
 *       broker (not rolled back since) and the ensemble roll touched a server: the ensemble rolls before every
 *       phase, so it is the last thing left to roll back. {@code --to-wave} does not apply.</li>
 *   <li>Refused (exit 8, {@code --force} overrides, journaled) while a broker phase touched a broker: that phase
 *       came after the ensemble and is rolled back first ({@link RollbackPlanner#ensembleRefusals}).</li>
 *   <li>The servers: those whose stop the roll started, not rolled back since; a server half-way through its
 *       restore first; then the others, last rolled first, except that the server leading when the gates pass
 *       is taken last (reference §1d: followers first, the leader last, one election).</li>
 *   <li>Per server ({@link #planFor}): pre-stop gates, stop (skipped when not running), await exit, the
 *       ensemble's {@code rollback.install} when its {@code install} ran, the zoo.cfg backup that
 *       {@code edit-config} journaled written back, start, post-start gates; then a {@code rolled-back} marker,
 *       which takes the server out of the "touched" set and lets {@code apply} roll it again. Steps that
 *       succeeded since the server's last marker are skipped, so a rollback resumes where it stopped.</li>
 * </ol>
 */
public final class EnsembleRollback {
    /** The rollback's phase name (selection, journal, events). */
    public static final String PHASE = ZooKeeperEnsembleSpec.PHASE_NAME;

    private final ZooKeeperEnsembleSpec spec;

    public EnsembleRollback(ZooKeeperEnsembleSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    public ZooKeeperEnsembleSpec spec() {
        return spec;
    }

    /**
     * What restoring one server takes, read from the journal. Immutable.
     *
     * @param steps the steps still to do, in order
     * @param configFile the server's zoo.cfg
     * @param backup the pre-roll zoo.cfg {@code edit-config} kept; null when the roll never changed it
     * @param backupCertain true when the edit is journaled as done (the backup must exist); false when it only
     *     started (the backup exists only if the write happened)
     * @param installCommand the rendered {@code rollback.install}; null when none is needed or none is given
     * @param binariesNotRestored true when the roll installed something and the plan gives no
     *     {@code rollback.install}
     * @param rolled true when the roll finished the server ({@code server-done})
     */
    public record ServerPlan(List<RestoreStep> steps, String configFile, String backup, boolean backupCertain,
                             String installCommand, boolean binariesNotRestored, boolean rolled, String versionBefore) {
        public ServerPlan {
            steps = List.copyOf(steps);
        }
    }

    /**
     * Whether {@code kupgrade rollback [--phase phaseName]} is about the ensemble.
     *
     * @param phaseName {@code --phase}; null when not given
     */
    public static boolean selected(Plan plan, JournalView view, String phaseName) {
        if (phaseName != null && !phaseName.isBlank()) {
            return PHASE.equals(phaseName.trim());
        }
        if (plan.zookeeperEnsemble() == null) {
            return false;
        }
        for (PhaseSpec p : plan.phases()) {
            if (Rollbacks.phaseTouched(view, p.name())) {
                return false;
            }
        }
        return !new EnsembleRollback(plan.zookeeperEnsemble()).remaining(view).isEmpty();
    }

    /**
     * Refuses what cannot be done, before anything is touched.
     *
     * @return the refusals {@code force} overrides (empty when none)
     * @throws RunRefusedException the plan has no ensemble, or {@code --to-wave} was given
     * @throws io.kupgrade.orchestrator.engine.RollbackRefusedException a broker phase touched brokers and not
     *     forced
     */
    public static List<String> check(Plan plan, RollbackPlanner planner, JournalView view, String toWave,
                                     boolean force) {
        if (plan.zookeeperEnsemble() == null) {
            throw new RunRefusedException("--phase " + PHASE + ": the plan has no zookeeperEnsemble section");
        }
        if (toWave != null && !toWave.isBlank()) {
            throw new RunRefusedException("--to-wave " + toWave + ": the ZooKeeper ensemble has no waves; its servers"
                    + " are rolled back one at a time, followers first, the leader last");
        }
        planner.checkEnsemble(view, force);
        return force ? planner.ensembleRefusals(view) : List.of();
    }

    /** The servers the roll touched (its stop started), not rolled back since, in the order first stopped. */
    public List<Integer> touched(JournalView view) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (JournalEntry e : rollEntries(view)) {
            Integer id = EnsembleRoll.serverId(e);
            if (id != null && EnsembleStepKind.STOP.journalName().equals(e.step()) && spec.server(id) != null) {
                ids.add(id);
            }
        }
        return new ArrayList<>(ids);
    }

    /** Servers still to restore, in order: half-restored first, then the touched ones, last rolled first. */
    public List<Integer> remaining(JournalView view) {
        Set<Integer> ordered = new LinkedHashSet<>();
        for (int id : Rollbacks.unfinishedServers(view)) {
            if (spec.server(id) != null) {
                ordered.add(id);
            }
        }
        List<Integer> touched = touched(view);
        Collections.reverse(touched);
        ordered.addAll(touched);
        return new ArrayList<>(ordered);
    }

    /** The server half-way through its restore, if any: it is finished before any other is touched. */
    public OptionalInt inProgress(JournalView view) {
        for (int id : Rollbacks.unfinishedServers(view)) {
            if (spec.server(id) != null) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The next server to restore, given the leader the gates see: the one in progress; else the first of
     * {@link #remaining} that does not lead; the leader only when it is the last one left.
     *
     * @throws IllegalStateException when nothing remains
     */
    public ZooKeeperServerSpec choose(JournalView view, OptionalInt leader) {
        OptionalInt open = inProgress(view);
        if (open.isPresent()) {
            return spec.server(open.getAsInt());
        }
        List<Integer> left = remaining(view);
        if (left.isEmpty()) {
            throw new IllegalStateException("no ZooKeeper server is left to roll back");
        }
        int id = left.stream().filter(s -> leader.isEmpty() || s != leader.getAsInt()).findFirst()
                .orElse(left.get(0));
        return spec.server(id);
    }

    /** {@link #remaining} with the leader moved last: the order a run takes if the leader does not move. */
    public List<Integer> order(JournalView view, OptionalInt leader) {
        List<Integer> out = new ArrayList<>(remaining(view));
        OptionalInt open = inProgress(view);
        if (leader.isPresent() && out.remove(Integer.valueOf(leader.getAsInt()))) {
            int at = out.size();
            if (open.isPresent() && open.getAsInt() == leader.getAsInt()) {
                at = 0;
            }
            out.add(at, leader.getAsInt());
        }
        return out;
    }

    /** The restore of {@code server} as the journal says it stands. */
    public ServerPlan planFor(JournalView view, ZooKeeperServerSpec server) {
        boolean installed = false;
        boolean rolled = false;
        String backup = null;
        boolean certain = false;
        String maybeBackup = null;
        List<RestoreStep> done = new ArrayList<>();
        boolean stopStarted = false;
        String versionBefore = null;
        for (JournalEntry e : view.entries()) {
            if (!PHASE.equals(e.phase()) || !Objects.equals(EnsembleRoll.serverId(e), server.id())) {
                continue;
            }
            if (versionBefore == null && EnsembleStepKind.PRE_STOP_GATES.journalName().equals(e.step())
                    && Journaling.SUCCEEDED.equals(e.event())) {
                // what the server reported on the polls that let the roll stop it (EnsembleRoller)
                versionBefore = e.details().get(EnsembleRoller.VERSION);
            }
            if (Rollbacks.isRestoreStep(e.step())) {
                RestoreStep s = Rollbacks.restoreStep(e.step());
                if (s == RestoreStep.STOP) {
                    stopStarted = true;
                }
                if (s != null && Journaling.SUCCEEDED.equals(e.event())) {
                    done.add(s);
                }
            } else if (EnsembleStepKind.INSTALL.journalName().equals(e.step())) {
                installed = true;
            } else if (EnsembleStepKind.SERVER_DONE.journalName().equals(e.step())
                    && Journaling.SUCCEEDED.equals(e.event())) {
                rolled = true;
            } else if (EnsembleStepKind.EDIT_CONFIG.journalName().equals(e.step())
                    && e.details().containsKey(Journaling.BACKUP)) {
                // the first edit kept the pre-roll file; a resumed edit found it edited and kept nothing
                if (Journaling.SUCCEEDED.equals(e.event()) && backup == null) {
                    backup = e.details().get(Journaling.BACKUP);
                    certain = true;
                } else if (Journaling.STARTED.equals(e.event()) && maybeBackup == null) {
                    maybeBackup = e.details().get(Journaling.BACKUP);
                }
            }
        }
        if (backup == null) {
            backup = maybeBackup;
        }
        if (!stopStarted) {
            // gates that passed in an earlier run say nothing about the ensemble now
            done.remove(RestoreStep.PRE_STOP_GATES);
        }
        boolean hasInstall = installed && spec.install() != null && !spec.install().isBlank();
        String rollbackInstall = spec.rollbackInstall();
        boolean notRestored = hasInstall && (rollbackInstall == null || rollbackInstall.isBlank());
        return new ServerPlan(RestoreStep.toDo(hasInstall, backup != null, done),
                ZooKeeperEnsembleSpec.render(spec.service().configFile(), server), backup, certain,
                hasInstall && !notRestored ? ZooKeeperEnsembleSpec.render(rollbackInstall, server) : null,
                notRestored, rolled, versionBefore);
    }

    /** The roll's own entries of the ensemble (not the rollback's steps and markers). */
    private static List<JournalEntry> rollEntries(JournalView view) {
        return view.entries().stream().filter(e -> PHASE.equals(e.phase()) && !Rollbacks.isRestoreStep(e.step())
                && !Rollbacks.ROLLED_BACK.equals(e.step()) && !Rollbacks.FORCED.equals(e.step())).toList();
    }
}
