package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Carries out {@code kupgrade rollback}: asks {@link RollbackPlanner} for the next broker, restores it with
 * {@link BrokerRestorer} (every step journaled as {@code rollback-*}, then a {@code rolled-back} marker) and
 * decides again, until the target is rolled back or a broker halts, fails or the run is interrupted. A
 * refused rollback throws before anything is written; a forced one journals {@code rollback-forced} with the
 * refusals it overrode. Resumable: run it again and it goes on with the broker where it stopped.
 *
 * <p>An operator's {@code kupgrade pause} ({@link #pauseWhen}) is honoured between brokers only, before a broker
 * whose restore has not begun (never after its stop): the run ends HALTED, journaled {@code paused}, as
 * {@code apply} does.
 *
 * <p>One instance per run; not thread-safe, except {@code ports.interrupted()}.
 */
public final class RollbackRunner {
    private final Plan plan;
    private final RollbackPlanner planner;
    private final RollRunner.Ports ports;
    private final RunSettings settings;
    private PauseCheck pauseCheck = PauseCheck.NEVER;

    /** A runner that does not know the active controller: the plain reverse of the roll. */
    public RollbackRunner(RollEngine engine, List<BrokerSpec> brokers, RollRunner.Ports ports,
                          RunSettings settings) {
        this(engine, brokers, OptionalInt.empty(), ports, settings);
    }

    /**
     * @param activeController the active controller or quorum leader when the run starts: restored last of its
     *     kind ({@link RollbackPlanner}); empty when not known
     */
    public RollbackRunner(RollEngine engine, List<BrokerSpec> brokers, OptionalInt activeController,
                          RollRunner.Ports ports, RunSettings settings) {
        this.plan = engine.plan();
        this.planner = new RollbackPlanner(engine, brokers, activeController);
        this.ports = ports;
        this.settings = settings;
    }

    /** Honours {@code check} between brokers; {@link PauseCheck#NEVER} by default. */
    public RollbackRunner pauseWhen(PauseCheck check) {
        this.pauseCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /**
     * Rolls back the phase (default: the last phase that touched a broker) down to {@code toWave}.
     *
     * @param force override the point-of-no-return refusals (journaled, and said loudly through the listener)
     * @throws RollbackRefusedException before anything is touched, when a refusal applies and not forced
     * @throws RunRefusedException before anything is touched: unknown phase or wave, the journal of another plan
     */
    public RollbackOutcome run(String phase, String toWave, boolean force) {
        Instant start = now();
        try {
            return runFenced(phase, toWave, force);
        } catch (io.kupgrade.orchestrator.lock.LockLostException e) {
            // the journal refused an append: another run may hold the lock; stop at once, journal nothing more
            return new RollbackOutcome(OutcomeKind.FAILED, "lost the cluster's lock: " + e.getMessage()
                    + ". This rollback did nothing more; run it again once no other run holds the lock", phase,
                    List.of(), List.of(), List.of(), Duration.between(start, now()));
        }
    }

    private RollbackOutcome runFenced(String phase, String toWave, boolean force) {
        String sha = plan.sha256();
        Instant runStart = now();
        RollbackPlanner.Target target = planner.resolve(JournalView.of(ports.journal().entries(), sha), phase, toWave,
                force);
        String name = target.phase() == null ? null : target.phase().name();
        if (target.nothingToDo() != null) {
            return new RollbackOutcome(OutcomeKind.DONE, "nothing to roll back: " + target.nothingToDo(), name,
                    List.of(), List.of(), List.of(), Duration.ZERO);
        }
        List<Integer> order = planner.order(JournalView.of(ports.journal().entries(), sha), target);
        if (!settings.assumeYes()) {
            String question = "Roll back phase " + name + " on broker(s) " + order + " (stop, restore, start each)?"
                    + (target.forcedOver().isEmpty() ? "" : " FORCED over: " + String.join("; ", target.forcedOver()));
            if (!ports.confirmer().confirm(target.phase(), question)) {
                return new RollbackOutcome(OutcomeKind.DECLINED, "rollback of phase " + name + " not confirmed (answer"
                        + " yes, or pass --yes); nothing was touched", name, List.of(), List.of(), target.forcedOver(),
                        Duration.ZERO);
            }
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("phase", name);
        d.put("selection", target.label());
        d.put("brokers", order.toString());
        ports.journal().append(runEntry(Journaling.STARTED, d));
        emit(ProgressEvent.Type.RUN_STARTED, runStart, name, target.label() + ": broker(s) " + order);
        if (!target.forcedOver().isEmpty()) {
            ports.journal().append(Rollbacks.forcedEntry(now(), sha, name, target.forcedOver()));
            emit(ProgressEvent.Type.INFO, runStart, name, "WARNING: --force: rolling back across a point of no"
                    + " return, which Kafka does not support: " + String.join("; ", target.forcedOver()));
        }
        BrokerRestorer restorer = new BrokerRestorer(plan, ports, settings, BrokerRestorer.Origin.ROLLBACK, runStart);
        List<Integer> restored = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        while (true) {
            if (ports.interrupted().getAsBoolean()) {
                return end(OutcomeKind.INTERRUPTED, "interrupted between brokers; run rollback again to go on", target,
                        restored, notes, runStart);
            }
            JournalView view = JournalView.of(ports.journal().entries(), sha);
            var next = planner.next(view, target);
            if (next.isEmpty()) {
                String msg = "phase " + name + " rolled back on broker(s) " + restored
                        + (target.fromWaveIndex() > 0 ? " (waves " + target.layout().get(target.fromWaveIndex()).name()
                        + " and later)" : "") + "; every one back (brokers registered and in every ISR, dedicated"
                        + " controllers in the metadata quorum), cluster healthy. apply will roll them again";
                return end(OutcomeKind.DONE, msg, target, restored, notes, runStart);
            }
            BrokerSpec broker = next.get().broker();
            // only before a broker's restore begins (its pre-stop gates): a pause never leaves a broker stopped
            List<RestoreStep> toDo = BrokerRestorer.planFor(view, plan, target.phase(), broker).steps();
            if (!toDo.isEmpty() && toDo.get(0) == RestoreStep.PRE_STOP_GATES) {
                Optional<String> pause;
                try {
                    pause = pauseCheck.pausedBecause();
                } catch (RuntimeException e) {
                    String message = "cannot tell whether the cluster is paused (" + e.getMessage() + "); rollback"
                            + " halted before broker " + broker.id() + " rather than go on without knowing; no broker"
                            + " is left half-done. Run rollback again once the pause marker can be read";
                    emit(ProgressEvent.Type.INFO, runStart, name, message);
                    return end(OutcomeKind.HALTED, message, target, restored, notes, runStart);
                }
                if (pause.isPresent()) {
                    return end(OutcomeKind.HALTED, Journaling.PAUSED, "rollback paused before broker " + broker.id()
                            + " (" + pause.get() + "); no broker is left half-done. Run kupgrade resume, then rollback"
                            + " to continue", Map.of("pause", pause.get()), target, restored, notes, runStart);
                }
            }
            BrokerRestorer.Result r = restorer.restore(view, target.phase(), next.get().wave(), broker);
            notes.addAll(r.notes());
            if (!r.ok()) {
                String msg = switch (r.kind()) {
                    case HALTED -> "rollback halted before touching " + r.message() + ". Run rollback again once the"
                            + " cluster is healthy";
                    case INTERRUPTED -> "interrupted at " + r.message() + "; run rollback again to resume";
                    default -> "rollback failed at " + r.message() + ". The broker needs attention; run rollback"
                            + " again to resume it";
                };
                return end(r.kind(), msg, target, restored, notes, runStart);
            }
            restored.add(broker.id());
        }
    }

    private RollbackOutcome end(OutcomeKind kind, String message, RollbackPlanner.Target target, List<Integer> restored,
                                List<String> notes, Instant runStart) {
        return end(kind, Journaling.event(kind), message, Map.of(), target, restored, notes, runStart);
    }

    private RollbackOutcome end(OutcomeKind kind, String event, String message, Map<String, String> details,
                                RollbackPlanner.Target target, List<Integer> restored, List<String> notes,
                                Instant runStart) {
        String full = notes.isEmpty() ? message : message + ". WARNING: " + String.join("; ", notes);
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put("message", full);
        ports.journal().append(runEntry(event, d));
        emit(ProgressEvent.Type.RUN_FINISHED, runStart, target.phase().name(), kind + ": " + full);
        return new RollbackOutcome(kind, full, target.phase().name(), restored, notes, target.forcedOver(),
                Duration.between(runStart, now()));
    }

    private JournalEntry runEntry(String event, Map<String, String> details) {
        return Rollbacks.runEntry(now(), plan.sha256(), event, details);
    }

    private void emit(ProgressEvent.Type type, Instant runStart, String phase, String message) {
        Instant now = now();
        ports.listener().onEvent(new ProgressEvent(now, type, phase, null, null, Rollbacks.ROLLBACK_RUN, Duration.ZERO,
                Duration.between(runStart, now), message));
    }

    private Instant now() {
        return ports.clock().instant();
    }
}
