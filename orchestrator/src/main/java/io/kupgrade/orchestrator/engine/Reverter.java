package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.OnFailure;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
        return revert(plan, ports, settings, runStart, step, failure, List.of());
    }

    /**
     * Reverts the batch-mates in {@code alsoFailed} (members of the failed step's batch that failed too while
     * being brought back), each gated on its own return since the others are still down, then the broker of the
     * failed {@code step}, gated on the whole cluster's health. Stops at the first revert that does not finish.
     *
     * @param failure what failed, one line (with what happened to the batch-mates)
     */
    static String revert(Plan plan, RollRunner.Ports ports, RunSettings settings, Instant runStart, Step step,
                         String failure, List<BrokerSpec> alsoFailed) {
        List<String> done = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (BrokerSpec mate : alsoFailed) {
            BrokerRestorer.Result r = new BrokerRestorer(plan, ports, settings, BrokerRestorer.Origin.REVERT,
                    runStart).ownReturnOnly().restore(JournalView.of(ports.journal().entries(), plan.sha256()),
                    step.phase(), step.wave(), mate);
            notes.addAll(r.notes());
            if (!r.ok()) {
                return notFinished(step, failure, done, r, notes, mate.id());
            }
            done.add(r.message());
        }
        BrokerRestorer restorer = new BrokerRestorer(plan, ports, settings, BrokerRestorer.Origin.REVERT, runStart);
        BrokerRestorer.Result r = restorer.restore(JournalView.of(ports.journal().entries(), plan.sha256()),
                step.phase(), step.wave(), step.broker());
        notes.addAll(r.notes());
        if (!r.ok()) {
            return notFinished(step, failure, done, r, notes, step.broker().id());
        }
        done.add(r.message());
        List<Integer> ids = new ArrayList<>(alsoFailed.stream().map(BrokerSpec::id).toList());
        ids.add(step.broker().id());
        return "failed at " + step.describe() + ": " + failure + ". Reverted (onFailure: revert): "
                + String.join("; ", done) + "; the cluster is healthy." + warnings(notes) + " Fix the cause, then"
                + " apply again (a corrected plan too): " + (ids.size() == 1 ? "broker " + ids.get(0) + " will be"
                : "brokers " + ids + " will be") + " rolled from the start";
    }

    private static String notFinished(Step step, String failure, List<String> done, BrokerRestorer.Result r,
                                      List<String> notes, int id) {
        return "failed at " + step.describe() + ": " + failure + ". The revert (onFailure: revert) did not finish: "
                + (done.isEmpty() ? "" : String.join("; ", done) + "; then ") + r.message() + "." + warnings(notes)
                + " Broker " + id + " needs attention; once fixed, finish the revert with `kupgrade rollback PLAN"
                + " --phase " + step.phase().name() + " --to-wave " + step.wave().name() + "`";
    }

    private static String warnings(List<String> notes) {
        return notes.isEmpty() ? "" : " WARNING: " + String.join("; ", notes) + ".";
    }
}
