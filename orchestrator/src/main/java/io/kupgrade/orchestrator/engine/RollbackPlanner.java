package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The decisions of {@code kupgrade rollback}, as pure functions of (plan, wave layouts, journal): which phase,
 * whether it may be rolled back, which broker next. No clock, network or host. Immutable and thread-safe.
 *
 * <p>The algorithm:
 * <ol>
 *   <li>The phase: {@code --phase}, else the last phase of the plan that touched a broker (a broker's stop
 *       started, or the phase finalized).</li>
 *   <li>Refusals (overridden by {@code --force}, which the runner journals): the phase is a point of no return
 *       and touched a broker; or a later phase that is a point of no return touched a broker (reference §1a
 *       "Once the brokers begin using the latest protocol version, it will no longer be possible to
 *       downgrade"; §1b: metadata.version cannot be downgraded across a metadata change); or a later phase
 *       touched brokers and must be rolled back first.</li>
 *   <li>The brokers: those the phase touched and no rollback undid since, in waves from the last down to
 *       {@code --to-wave} (default: the first), in reverse order of the roll; a broker half-way through a
 *       restore comes first. Each is restored by {@link BrokerRestorer}; its {@code rolled-back} marker takes
 *       it out of the "touched" set, so a resumed rollback goes on with the next broker. The active controller
 *       (ZooKeeper controller, or KRaft quorum leader) as read when the run starts goes last of its kind (after
 *       the other brokers, or after the other dedicated controllers), as in the roll: leadership of the cluster
 *       then moves once (reference §3, "Restart the active controller last"). The roll put it at the end, so
 *       the plain reverse would restart it first and make the cluster fail over twice.</li>
 * </ol>
 *
 * <p>The plan's ZooKeeper ensemble rolls before every phase; its rollback (decided by
 * {@code zookeeper.EnsembleRollback}) is refused here, by {@link #ensembleRefusals}, as an earlier phase is.
 */
public final class RollbackPlanner {
    private final RollEngine engine;
    private final Plan plan;
    private final Map<Integer, BrokerSpec> brokers = new java.util.HashMap<>();
    private final OptionalInt activeController;

    /** A planner that does not know the active controller: the plain reverse of the roll. */
    public RollbackPlanner(RollEngine engine, List<BrokerSpec> brokers) {
        this(engine, brokers, OptionalInt.empty());
    }

    /**
     * @param engine the apply engine of the plan (for the phases' journaled wave layouts)
     * @param brokers the brokers known now (the plan's, or the cluster's when the plan names none)
     * @param activeController the active controller or quorum leader now, restored last of its kind; empty when
     *     not known
     */
    public RollbackPlanner(RollEngine engine, List<BrokerSpec> brokers, OptionalInt activeController) {
        this.engine = engine;
        this.plan = engine.plan();
        brokers.forEach(b -> this.brokers.put(b.id(), b));
        this.activeController = activeController;
    }

    /**
     * What a rollback run rolls back. Immutable.
     *
     * @param phase the phase
     * @param layout the phase's waves as journaled at its start
     * @param fromWaveIndex brokers of waves with this index or higher are rolled back ({@code --to-wave})
     * @param label what was asked, for people
     * @param forcedOver the refusals {@code --force} overrides; empty when none
     * @param nothingToDo when not null, why there is nothing to roll back
     */
    public record Target(PhaseSpec phase, List<Wave> layout, int fromWaveIndex, String label,
                         List<String> forcedOver, String nothingToDo) {
        public Target {
            layout = layout == null ? List.of() : List.copyOf(layout);
            forcedOver = List.copyOf(forcedOver);
        }
    }

    /** The next broker to restore and the wave it was rolled in (null when the layout does not name it). */
    public record Next(Wave wave, BrokerSpec broker) {
    }

    /**
     * Resolves {@code --phase} / {@code --to-wave} against the journal and decides whether the rollback may run.
     *
     * @param phaseName the phase, or null for the last phase that touched a broker
     * @param toWave the last wave to undo (in roll-back order), or null for every wave
     * @param force override the point-of-no-return refusals
     * @throws RunRefusedException for an unknown phase or wave
     * @throws RollbackRefusedException when a refusal applies and {@code force} is false
     */
    public Target resolve(JournalView view, String phaseName, String toWave, boolean force) {
        PhaseSpec phase = check(view, phaseName, force);
        if (phase == null) {
            return new Target(null, List.of(), 0, "rollback", List.of(), "no phase of this plan has touched a"
                    + " broker: nothing to roll back");
        }
        PhaseSpec chosen = phase;
        List<Wave> layout = engine.layout(view, chosen);
        int from = 0;
        String label = "rollback --phase " + phase.name();
        if (toWave != null && !toWave.isBlank()) {
            Wave w = layout.stream().filter(x -> x.name().equals(toWave.trim())).findFirst()
                    .orElseThrow(() -> new RunRefusedException("--to-wave " + toWave + ": phase " + chosen.name()
                            + " has no such wave (waves: " + String.join(", ", layout.stream().map(Wave::name)
                            .toList()) + ")"));
            from = w.index();
            label += " --to-wave " + w.name();
        }
        Target target = new Target(phase, layout, from, label, force ? refusals(view, phase) : List.of(), null);
        if (next(view, target).isEmpty()) {
            String where = from == 0 ? "" : " in waves " + layout.get(from).name() + " and later";
            return new Target(phase, layout, from, label, target.forcedOver(), "phase " + phase.name()
                    + " has no broker to roll back" + where + " (none touched, or all rolled back already)");
        }
        return target;
    }

    /**
     * Picks the phase ({@code phaseName}, else the last that touched a broker) and refuses what is unsafe. Needs
     * only the plan and the journal (no wave layout, no cluster), so a refusal comes before any connection.
     *
     * @return the phase; null when no phase touched a broker
     * @throws RunRefusedException for an unknown phase
     * @throws RollbackRefusedException when a refusal applies and {@code force} is false
     */
    public PhaseSpec check(JournalView view, String phaseName, boolean force) {
        List<PhaseSpec> phases = plan.phases();
        PhaseSpec phase = null;
        if (phaseName != null && !phaseName.isBlank()) {
            phase = phases.stream().filter(p -> p.name().equals(phaseName.trim())).findFirst()
                    .orElseThrow(() -> new RunRefusedException("--phase " + phaseName + ": the plan has no such phase"
                            + " (phases: " + String.join(", ", phases.stream().map(PhaseSpec::name).toList()) + ")"));
        } else {
            for (PhaseSpec p : phases) {
                if (Rollbacks.phaseTouched(view, p.name())) {
                    phase = p;
                }
            }
            if (phase == null) {
                return null;
            }
        }
        List<String> refusals = refusals(view, phase);
        if (!refusals.isEmpty() && !force) {
            throw new RollbackRefusedException("rollback of phase " + phase.name() + " refused, nothing was touched: "
                    + String.join("; ", refusals) + ". Still possible: " + stillPossible(view, phase)
                    + ". --force overrides this refusal (loudly, journaled); Kafka does not support the downgrade it"
                    + " would attempt", refusals);
        }
        return phase;
    }

    /** Why rolling back {@code phase} now is refused; empty when it is allowed. */
    public List<String> refusals(JournalView view, PhaseSpec phase) {
        List<String> out = new ArrayList<>();
        if (phase.pointOfNoReturn() && Rollbacks.phaseTouched(view, phase.name())) {
            out.add("phase " + phase.name() + " is a point of no return (" + String.join("; ",
                    phase.pointOfNoReturnReasons()) + ") and " + touchedText(view, phase));
        }
        List<PhaseSpec> later = new ArrayList<>();
        boolean after = false;
        for (PhaseSpec p : plan.phases()) {
            if (p == phase || p.name().equals(phase.name())) {
                after = true;
            } else if (after) {
                later.add(p);
            }
        }
        out.addAll(laterRefusals(view, later, "phase " + phase.name()));
        return out;
    }

    /**
     * Why rolling back the plan's ZooKeeper ensemble now is refused: it rolls before every phase, so a phase that
     * touched a broker (and was not rolled back since) must be rolled back first, and one that is a point of no
     * return cannot be rolled back beneath (the same rules as for a phase). Empty when it is allowed.
     */
    public List<String> ensembleRefusals(JournalView view) {
        return laterRefusals(view, plan.phases(), "the ZooKeeper ensemble");
    }

    /**
     * Refuses the ensemble's rollback as {@link #check} refuses a phase's.
     *
     * @throws RollbackRefusedException when {@link #ensembleRefusals} is not empty and {@code force} is false
     */
    public void checkEnsemble(JournalView view, boolean force) {
        List<String> refusals = ensembleRefusals(view);
        if (!refusals.isEmpty() && !force) {
            throw new RollbackRefusedException("rollback of the ZooKeeper ensemble refused, nothing was touched: "
                    + String.join("; ", refusals) + ". Still possible: " + stillPossible(view, null)
                    + ". --force overrides this refusal (loudly, journaled)", refusals);
        }
    }

    private List<String> laterRefusals(JournalView view, List<PhaseSpec> later, String beneath) {
        List<String> out = new ArrayList<>();
        for (PhaseSpec p : later) {
            if (!Rollbacks.phaseTouched(view, p.name())) {
                continue;
            }
            if (p.pointOfNoReturn()) {
                out.add("the later phase " + p.name() + " is a point of no return (" + String.join("; ",
                        p.pointOfNoReturnReasons()) + ") and " + touchedText(view, p)
                        + ": " + beneath + " cannot be rolled back beneath it");
            } else {
                out.add("the later phase " + p.name() + " " + touchedText(view, p) + ": roll it back first"
                        + " (kupgrade rollback PLAN --phase " + p.name() + ")");
            }
        }
        return out;
    }

    private static String touchedText(JournalView view, PhaseSpec phase) {
        List<Integer> ids = Rollbacks.touched(view, phase.name());
        return ids.isEmpty() ? "was finalized" : "already touched broker(s) " + ids;
    }

    private String stillPossible(JournalView view, PhaseSpec phase) {
        List<String> ways = new ArrayList<>();
        ways.add("finish the upgrade forward (kupgrade apply PLAN)");
        List<PhaseSpec> phases = plan.phases();
        // the latest phase that may still be rolled back without force: touched, and no refusal of its own
        for (int i = phases.size() - 1; i >= 0; i--) {
            PhaseSpec p = phases.get(i);
            if ((phase == null || !p.name().equals(phase.name())) && Rollbacks.phaseTouched(view, p.name())
                    && refusals(view, p).isEmpty()) {
                ways.add("roll back phase " + p.name() + " (kupgrade rollback PLAN --phase " + p.name() + ")");
                break;
            }
        }
        return String.join("; or ", ways);
    }

    /** The next broker to restore, or empty when the target is rolled back. Pure. */
    public Optional<Next> next(JournalView view, Target target) {
        if (target.phase() == null) {
            return Optional.empty();
        }
        List<Integer> order = order(view, target);
        if (order.isEmpty()) {
            return Optional.empty();
        }
        int id = order.get(0);
        Wave wave = waveOf(target.layout(), id);
        BrokerSpec broker = wave == null ? null : wave.brokers().stream().filter(b -> b.id() == id).findFirst()
                .orElse(null);
        if (broker == null) {
            broker = brokers.get(id);
        }
        if (broker == null) {
            throw new RunRefusedException("broker " + id + " of phase " + target.phase().name() + " is neither in the"
                    + " plan nor in the cluster: it cannot be rolled back");
        }
        return Optional.of(new Next(wave, broker));
    }

    /**
     * Broker ids still to restore, in order: half-restored first, then the touched ones, last rolled first, except
     * that the active controller (when not half-restored) goes last among the nodes of its kind.
     */
    public List<Integer> order(JournalView view, Target target) {
        String ph = target.phase().name();
        List<Integer> touched = new ArrayList<>(Rollbacks.touched(view, ph));
        Collections.reverse(touched);
        Set<Integer> ordered = new LinkedHashSet<>();
        Map<String, Set<Integer>> open = Rollbacks.unfinished(view);
        ordered.addAll(open.getOrDefault(ph, Set.of()));
        ordered.addAll(touched);
        List<Integer> out = new ArrayList<>();
        for (int id : ordered) {
            Wave w = waveOf(target.layout(), id);
            if (w == null || w.index() >= target.fromWaveIndex()) {
                out.add(id);
            }
        }
        if (activeController.isPresent() && !pastItsGates(view, ph, activeController.getAsInt())) {
            controllerLast(out, activeController.getAsInt());
        }
        return out;
    }

    /**
     * True when a restore of {@code id} in phase {@code ph} went past its pre-stop gates (its stop, at least, was
     * journaled) and is not finished: it must be finished first. One that halted at its gates touched nothing.
     */
    private static boolean pastItsGates(JournalView view, String ph, int id) {
        boolean past = false;
        for (JournalEntry e : view.entries()) {
            if (Integer.valueOf(id).equals(e.brokerId()) && ph.equals(e.phase())) {
                RestoreStep step = Rollbacks.restoreStep(e.step());
                if (step != null && step != RestoreStep.PRE_STOP_GATES) {
                    past = true;
                } else if (Rollbacks.ROLLED_BACK.equals(e.step())) {
                    past = false;
                }
            }
        }
        return past;
    }

    /** Moves {@code leader} behind the last node of its kind (broker, or dedicated controller) in {@code order}. */
    private void controllerLast(List<Integer> order, int leader) {
        int at = order.indexOf(leader);
        if (at < 0) {
            return;
        }
        boolean controller = dedicatedController(leader);
        int last = at;
        for (int i = at + 1; i < order.size(); i++) {
            if (dedicatedController(order.get(i)) == controller) {
                last = i;
            }
        }
        order.remove(at);
        order.add(last, leader);
    }

    private boolean dedicatedController(int id) {
        BrokerSpec b = brokers.get(id);
        return b != null && b.dedicatedController();
    }

    private static Wave waveOf(List<Wave> layout, int id) {
        for (Wave w : layout) {
            for (BrokerSpec b : w.brokers()) {
                if (b.id() == id) {
                    return w;
                }
            }
        }
        return null;
    }
}
