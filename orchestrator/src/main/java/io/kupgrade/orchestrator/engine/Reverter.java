package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.OnFailure;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import java.time.Instant;
import java.util.Set;

/**
 * {@code onFailure: revert}: when a broker fails to come back in {@code apply} (its install, config edit or
 * start failed, its process died, or its post-start gates timed out) and its wave says {@code revert} (the
 * default for the first wave), the broker gets its pre-phase config (and binaries, when the phase gives a
 * {@code rollback.install}) back and is started and gated again, before the run ends FAILED. Issue 6: "the
 * cluster is left as safe as it was found". With {@code halt} the run fails as it always did.
 *
 * <p>The revert's steps are journaled as {@code revert-*} and end with a {@code rolled-back} marker, so the
 * next {@code apply} rolls that broker from the start. Not thread-safe; used on the run's thread.
 */
final class Reverter {
    /** The steps after which the broker "failed to come back": it was stopped and not seen healthy again. */
    private static final Set<StepKind> REVERTIBLE = Set.of(StepKind.INSTALL, StepKind.EDIT_CONFIG, StepKind.START,
            StepKind.POST_START_GATES);

    private Reverter() {
    }

    /** True when the failed {@code step} asks for a revert: a broker that did not come back, its wave on revert. */
    static boolean wanted(Step step) {
        return step.broker() != null && step.wave() != null && REVERTIBLE.contains(step.kind())
                && reverts(step.wave());
    }

    /** The wave's resolved {@code onFailure}. */
    static boolean reverts(Wave wave) {
        return wave.onFailure() == OnFailure.REVERT;
    }

    /**
     * Reverts the broker of the failed {@code step} and says what happened, for the run's FAILED message.
     *
     * @param failure what failed, one line
     */
    static String revert(Plan plan, RollRunner.Ports ports, RunSettings settings, Instant runStart, Step step,
                         String failure) {
        BrokerRestorer restorer = new BrokerRestorer(plan, ports, settings, BrokerRestorer.Origin.REVERT, runStart);
        JournalView view = JournalView.of(ports.journal().entries(), plan.sha256());
        int id = step.broker().id();
        BrokerRestorer.Result r = restorer.restore(view, step.phase(), step.wave(), step.broker());
        String notes = r.notes().isEmpty() ? "" : " WARNING: " + String.join("; ", r.notes()) + ".";
        if (r.ok()) {
            return "failed at " + step.describe() + ": " + failure + ". Reverted (onFailure: revert): " + r.message()
                    + "; the cluster is healthy." + notes + " Fix the cause, then apply again (a corrected plan too): broker "
                    + id + " will be rolled from the start";
        }
        return "failed at " + step.describe() + ": " + failure + ". The revert (onFailure: revert) did not finish: "
                + r.message() + "." + notes + " Broker " + id + " needs attention; once fixed, finish the revert with"
                + " `kupgrade rollback PLAN --phase " + step.phase().name() + " --to-wave " + step.wave().name() + "`";
    }
}
