package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.BrokerSummary;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoll;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoller;
import io.kupgrade.orchestrator.zookeeper.EnsembleStepKind;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How {@code apply} treats a plan's {@code zookeeperEnsemble}: as a phase named
 * {@value ZooKeeperEnsembleSpec#PHASE_NAME} that comes before every broker phase.
 * <ul>
 *   <li>{@code apply PLAN} rolls the ensemble first (when the journal does not show it done), then the phases;
 *       a halted or failed ensemble roll ends the run before any broker is touched.</li>
 *   <li>{@code apply PLAN --phase zookeeper-ensemble} rolls only the ensemble.</li>
 *   <li>{@code --phase P} or {@code --wave W} for the broker phases is refused while the ensemble is not done:
 *       a canary of the brokers must not run on a half-rolled ensemble.</li>
 *   <li>Everything is refused while a ZooKeeper server (or a broker) is half-way through a rollback
 *       ({@link Rollbacks#applyBlocked}): run {@code kupgrade rollback} again to finish it. A server rolled back
 *       is rolled again.</li>
 * </ul>
 * Stateless.
 */
final class EnsembleFirst {

    /**
     * @param outcome the ensemble roll's outcome; null when it did not run
     * @param stop true when apply must return {@code outcome} without rolling brokers
     */
    record Result(RollOutcome outcome, boolean stop) {
        static final Result NOTHING = new Result(null, false);

        /** The broker run's outcome, with this ensemble roll's servers first in its summary. */
        RollOutcome then(RollOutcome brokers) {
            if (outcome == null) {
                return brokers;
            }
            List<BrokerSummary> all = new ArrayList<>(outcome.brokers());
            all.addAll(brokers.brokers());
            return new RollOutcome(brokers.kind(), outcome.message() + "; then " + brokers.message(), all,
                    outcome.elapsed().plus(brokers.elapsed()), brokers.lastStep(), brokers.planDone());
        }
    }

    /** The gates around each ZooKeeper server's restart, as shown to people (dry run, plan). */
    static final List<String> GATES = List.of("every server leader or follower", "leader sees all followers synced",
            "Kafka controller present, every broker registered");

    private EnsembleFirst() {
    }

    /**
     * The ensemble steps {@code apply} would take now, for {@code --dry-run}: every server not done, in the plan's
     * order (the real order is decided live: followers first, the leader last), with its commands and zoo.cfg
     * changes read from the host. Empty when the selection does not roll the ensemble.
     *
     * @throws RunRefusedException as {@link #before} would
     */
    static List<DryRun.Step> dryRun(Plan plan, Selection selection, List<JournalEntry> entries,
                                    HostExecutor executor, List<String> notes) {
        ZooKeeperEnsembleSpec ensemble = plan.zookeeperEnsemble();
        boolean onlyEnsemble = ZooKeeperEnsembleSpec.PHASE_NAME.equals(selection.phase());
        if (ensemble == null && !onlyEnsemble) {
            return List.of();
        }
        if (ensemble == null || (onlyEnsemble && !selection.allWaves())) {
            before(plan, selection, new io.kupgrade.orchestrator.journal.InMemoryJournal(entries), () -> null);
        }
        Rollbacks.applyBlocked(JournalView.of(entries, plan.sha256())).ifPresent(why -> {
            throw new RunRefusedException(why);
        });
        List<JournalEntry> mine = JournalView.of(entries, plan.sha256()).entries();
        EnsembleRoll roll = new EnsembleRoll(ensemble);
        if (roll.done(mine)) {
            return List.of();
        }
        if (!onlyEnsemble && (selection.phase() != null || !selection.allWaves())) {
            before(plan, selection, new io.kupgrade.orchestrator.journal.InMemoryJournal(entries), () -> null);
        }
        List<Integer> done = roll.finishedOrder(mine);
        List<DryRun.Step> out = new ArrayList<>();
        String phase = ZooKeeperEnsembleSpec.PHASE_NAME;
        for (ZooKeeperServerSpec s : ensemble.servers()) {
            if (done.contains(s.id())) {
                continue;
            }
            String wave = EnsembleRoll.WAVE_PREFIX + s.id();
            for (EnsembleStepKind k : roll.sequence()) {
                String command = switch (k) {
                    case STOP -> ZooKeeperEnsembleSpec.render(ensemble.service().stop(), s);
                    case START -> ZooKeeperEnsembleSpec.render(ensemble.service().start(), s);
                    case AWAIT_EXIT -> ZooKeeperEnsembleSpec.render(ensemble.service().isRunning(), s);
                    case INSTALL -> ZooKeeperEnsembleSpec.render(ensemble.install(), s);
                    default -> null;
                };
                List<DryRun.ConfigChange> changes = new ArrayList<>();
                String note = null;
                if (k == EnsembleStepKind.EDIT_CONFIG) {
                    String path = ZooKeeperEnsembleSpec.render(ensemble.service().configFile(), s);
                    note = path + " (backup: " + EnsembleRoller.backupPath(path, java.time.Instant.now()) + ")";
                    changes.addAll(zooCfgChanges(ensemble, s, path, executor, notes));
                }
                if (k == EnsembleStepKind.PRE_STOP_GATES) {
                    note = "the order is decided live: followers first (plan order), the leader last";
                }
                boolean gated = k == EnsembleStepKind.PRE_STOP_GATES || k == EnsembleStepKind.POST_START_GATES;
                out.add(new DryRun.Step(phase, wave, null, s.host(), k.journalName(), Masking.command(command, plan),
                        gated ? GATES : List.of(), changes, note));
            }
        }
        out.add(new DryRun.Step(phase, null, null, null, EnsembleStepKind.ENSEMBLE_DONE.journalName(), null,
                List.of(), List.of(), null));
        return out;
    }

    /** A server's zoo.cfg changes, current -> new, secrets masked; the plan's values only without executor. */
    static List<DryRun.ConfigChange> zooCfgChanges(ZooKeeperEnsembleSpec ensemble, ZooKeeperServerSpec s,
                                                   String path, HostExecutor executor, List<String> notes) {
        List<DryRun.ConfigChange> changes = new ArrayList<>();
        String current = null;
        if (executor != null) {
            try {
                current = executor.readFile(s.host(), path);
            } catch (RuntimeException e) {
                notes.add("cannot read " + path + " on " + s.host() + " (" + e.getMessage() + "): its diff shows"
                        + " the plan's changes only");
            }
        }
        if (current == null) {
            ensemble.set().forEach((k, v) -> changes.add(new DryRun.ConfigChange(k, null, Masking.value(k, v),
                    false)));
            ensemble.unset().forEach(k -> changes.add(new DryRun.ConfigChange(k, null, null, false)));
            return changes;
        }
        String edited = PropertiesEditor.apply(current, ensemble.set(), ensemble.unset(),
                ZooKeeperEnsembleSpec.PHASE_NAME);
        for (PropertiesEditor.Change c : PropertiesEditor.diff(current, edited)) {
            changes.add(new DryRun.ConfigChange(c.key(), Masking.value(c.key(), c.oldValue()),
                    Masking.value(c.key(), c.newValue()), true));
        }
        return changes;
    }

    /**
     * Runs the ensemble roll when the selection and the journal call for it.
     *
     * @throws RunRefusedException before anything is touched: an ensemble selection for a plan without one, a
     *     wave selection for the ensemble, a broker selection while the ensemble is not done, another plan's
     *     unfinished run in the journal
     */
    static Result before(Plan plan, Selection selection, Journal journal, Supplier<EnsembleRoller> roller) {
        ZooKeeperEnsembleSpec ensemble = plan.zookeeperEnsemble();
        boolean onlyEnsemble = ZooKeeperEnsembleSpec.PHASE_NAME.equals(selection.phase());
        if (ensemble == null) {
            if (onlyEnsemble) {
                throw new RunRefusedException("--phase " + ZooKeeperEnsembleSpec.PHASE_NAME + ": the plan has no"
                        + " zookeeperEnsemble section");
            }
            return Result.NOTHING;
        }
        // a server half-way through a rollback would be taken for rolled: finish the rollback first
        Rollbacks.applyBlocked(JournalView.of(journal.entries(), plan.sha256())).ifPresent(why -> {
            throw new RunRefusedException(why);
        });
        if (onlyEnsemble) {
            if (!selection.allWaves()) {
                throw new RunRefusedException("--wave " + selection.wave() + ": the ZooKeeper ensemble has no waves;"
                        + " its servers roll one at a time, followers first, the leader last");
            }
            return new Result(roller.get().run(plan.phases().isEmpty()), true);
        }
        JournalView view = JournalView.of(journal.entries(), plan.sha256());
        if (new EnsembleRoll(ensemble).done(view.entries())) {
            return Result.NOTHING;
        }
        if (selection.phase() != null || !selection.allWaves()) {
            throw new RunRefusedException(selection + ": the plan's zookeeperEnsemble is not rolled yet, and it comes"
                    + " before every phase. Roll it first: kupgrade apply " + plan.source() + " --phase "
                    + ZooKeeperEnsembleSpec.PHASE_NAME + " (or apply without --phase and --wave: the ensemble, then"
                    + " every phase)");
        }
        RollOutcome outcome = roller.get().run(plan.phases().isEmpty());
        return new Result(outcome, outcome.kind() != OutcomeKind.DONE || plan.phases().isEmpty());
    }
}
