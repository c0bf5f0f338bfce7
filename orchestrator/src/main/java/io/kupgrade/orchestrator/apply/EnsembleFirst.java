package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.BrokerSummary;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoll;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoller;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
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

    private EnsembleFirst() {
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
