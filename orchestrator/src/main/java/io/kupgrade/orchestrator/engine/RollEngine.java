package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WavePlanner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rolling engine's decisions, as pure functions of (plan, wave layouts, journal, target): no clock, no
 * network, no host. {@link RollRunner} carries the decided steps out through ports and journals them; this
 * class is called again after every step.
 *
 * <p>The algorithm, for each phase of the plan in order (skipping phases done in the journal):
 * <ol>
 *   <li>A phase whose waves are all done gets its closing steps (finalize metadata.version where the phase
 *       asks for it, then phase-done), whatever the selection: the journal owes them.</li>
 *   <li>A phase outside the run's {@link Target} ends the run. A phase not yet started gets
 *       {@code phase-start}, which fixes its wave layout in the journal (the active controller last,
 *       reference §3 "Restart order"); later runs read the layout back, so a controller that moved since
 *       cannot reshuffle a half-rolled phase.</li>
 *   <li>For each wave not done: a wave outside the target ends the run; otherwise each broker not done is
 *       rolled in wave order: pre-stop gates, stop, await exit (never SIGKILL, reference §3), install,
 *       edit config, start, post-start gates, broker-done. With {@code rollout.maxParallel > 1} the wave rolls
 *       batch by batch instead: {@code batch-start} chooses, from the live assignment at the moment of the
 *       stop, the brokers that may stop together, and they take the same steps together (all stop, all await
 *       exit, ..., all gated; see {@link #batchStep}). Then the soak (if any), then wave-done.</li>
 *   <li>A broker whose stop was started by an earlier run and has no broker-done was interrupted: it is
 *       probed first (is the process running?), and then, depending on what the probe and the journal say,
 *       re-stopped (its stop was already gated and decided), or only re-edited (idempotent: the edit is a
 *       function of the current file) and started if not running, and gated. A finished broker is never
 *       redone, an unfinished one never skipped.</li>
 *   <li>After the last phase: plan-done.</li>
 * </ol>
 * Instances are immutable and thread-safe.
 */
public final class RollEngine {
    private final Plan plan;
    private final Map<Integer, BrokerSpec> brokersById;
    private final Map<String, List<Wave>> proposedWaves;

    /**
     * @param plan the plan
     * @param brokers the brokers known now (the plan's, or the cluster's when the plan names none)
     * @param proposedWaves per phase name, the waves a phase would get if it started now (from
     *     {@code WavePlanner}); a started phase uses the layout in the journal instead
     */
    public RollEngine(Plan plan, List<BrokerSpec> brokers, Map<String, List<Wave>> proposedWaves) {
        this.plan = plan;
        Map<Integer, BrokerSpec> byId = new LinkedHashMap<>();
        for (BrokerSpec b : brokers) {
            byId.put(b.id(), b);
        }
        this.brokersById = byId;
        this.proposedWaves = Map.copyOf(proposedWaves);
    }

    public Plan plan() {
        return plan;
    }

    /** The waves of a phase: as journaled at its start, else as proposed. */
    public List<Wave> layout(JournalView view, PhaseSpec phase) {
        return view.phaseStart(phase.name())
                .map(e -> Journaling.layoutFrom(e.details(), brokersById::get))
                .orElseGet(() -> proposedWaves.getOrDefault(phase.name(), List.of()));
    }

    /**
     * Resolves what the user asked into the waves this run may roll.
     *
     * @throws RunRefusedException for an unknown phase or wave, or one that cannot run before an earlier one
     */
    public Target resolve(JournalView view, Selection selection) {
        Rollbacks.applyBlocked(view).ifPresent(why -> {
            throw new RunRefusedException(why);
        });
        List<PhaseSpec> phases = plan.phases();
        PhaseSpec first;
        if (selection.phase() != null) {
            first = phases.stream().filter(p -> p.name().equals(selection.phase())).findFirst()
                    .orElseThrow(() -> new RunRefusedException("--phase " + selection.phase()
                            + ": the plan has no such phase (phases: " + phaseNames() + ")"));
            for (PhaseSpec p : phases) {
                if (p == first) {
                    break;
                }
                if (!view.phaseDone(p.name())) {
                    throw new RunRefusedException("--phase " + first.name() + ": phase " + p.name()
                            + " comes first and is not done yet");
                }
            }
            if (view.phaseDone(first.name())) {
                return new Target(Map.of(), selection.toString(), "phase " + first.name() + " is already done");
            }
        } else {
            first = phases.stream().filter(p -> !view.phaseDone(p.name())).findFirst().orElse(null);
            if (first == null) {
                return new Target(Map.of(), selection.toString(), "the plan is already applied (every phase done)");
            }
        }
        List<Wave> waves = layout(view, first);
        Map<String, Set<Integer>> target = new LinkedHashMap<>();
        if (view.phaseStart(first.name()).isPresent()
                && waves.stream().allMatch(w -> view.waveDone(first.name(), w.name()))) {
            // every wave rolled, closing steps (finalize, phase-done) pending: they are what this run does
            Set<Integer> idx = new TreeSet<>();
            waves.forEach(w -> idx.add(w.index()));
            target.put(first.name(), idx);
            return new Target(target, selection + ": closing phase " + first.name(), null);
        }
        if (selection.allWaves()) {
            boolean from = false;
            for (PhaseSpec p : phases) {
                from |= p == first;
                if (from && (selection.phase() == null || p == first)) {
                    Set<Integer> idx = new TreeSet<>();
                    for (Wave w : layout(view, p)) {
                        idx.add(w.index());
                    }
                    target.put(p.name(), idx);
                }
            }
            return new Target(target, selection.toString(), null);
        }
        Wave chosen;
        if (selection.canary()) {
            if (waves.isEmpty()) {
                throw new RunRefusedException("phase " + first.name() + " has no waves (no brokers?)");
            }
            chosen = waves.get(0);
        } else {
            chosen = waves.stream().filter(w -> w.name().equals(selection.wave())).findFirst()
                    .orElseThrow(() -> new RunRefusedException("--wave " + selection.wave() + ": phase "
                            + first.name() + " has no such wave (waves: " + waveNames(waves) + ", or all, canary)"));
        }
        if (view.waveDone(first.name(), chosen.name())) {
            return new Target(Map.of(), selection.toString(), "wave " + chosen.name() + " of phase " + first.name()
                    + " is already done; next: " + nextWaveHint(view));
        }
        for (Wave w : waves) {
            if (w.index() >= chosen.index()) {
                break;
            }
            if (!view.waveDone(first.name(), w.name())) {
                throw new RunRefusedException("--wave " + selection.wave() + ": wave " + w.name() + " of phase "
                        + first.name() + " comes first and is not done yet");
            }
        }
        target.put(first.name(), Set.of(chosen.index()));
        return new Target(target, selection + ": " + first.name() + "/" + chosen.name(), null);
    }

    private String nextWaveHint(JournalView view) {
        for (PhaseSpec p : plan.phases()) {
            if (view.phaseDone(p.name())) {
                continue;
            }
            for (Wave w : layout(view, p)) {
                if (!view.waveDone(p.name(), w.name())) {
                    return "wave " + w.name() + " of phase " + p.name() + " (apply --wave " + w.name()
                            + ", or --wave all)";
                }
            }
            return "closing phase " + p.name() + " (apply --wave all)";
        }
        return "nothing, the plan is applied";
    }

    /** The next step of the run, or why it is finished. Pure: the same inputs give the same decision. */
    public Decision next(JournalView view, Target target) {
        if (target.nothingToDo() != null) {
            return new Decision.Finished(view.planDone(), target.nothingToDo());
        }
        PhaseSpec lastPhase = null;
        for (PhaseSpec phase : plan.phases()) {
            lastPhase = phase;
            if (view.phaseDone(phase.name())) {
                continue;
            }
            boolean started = view.phaseStart(phase.name()).isPresent();
            List<Wave> waves = layout(view, phase);
            // A phase that only finalizes (no install, no config change) restarts no broker: rolling every
            // broker again before `kafka-features upgrade` would be risk and time for nothing (reference §1b:
            // roll, verify, then finalize).
            boolean finalizeOnly = phase.isRollingRestart() && phase.finalizeMetadataVersion() != null;
            if (started && (finalizeOnly || waves.stream().allMatch(w -> view.waveDone(phase.name(), w.name())))) {
                if (phase.finalizeMetadataVersion() != null
                        && !view.succeeded(StepKind.FINALIZE, phase.name(), null, null)) {
                    return next(StepKind.FINALIZE, phase, null, null, false, List.of(), false);
                }
                return next(StepKind.PHASE_DONE, phase, null, null, false, List.of(), false);
            }
            if (!target.touches(phase.name())) {
                return finished(view, phase, null);
            }
            if (!started) {
                return next(StepKind.PHASE_START, phase, null, null, false, List.of(), false);
            }
            for (Wave wave : waves) {
                if (view.waveDone(phase.name(), wave.name())) {
                    continue;
                }
                if (!target.includes(phase.name(), wave.index())) {
                    return finished(view, phase, wave);
                }
                Decision batched = batchStep(view, phase, wave);
                if (batched != null) {
                    return batched;
                }
                for (BrokerSpec broker : wave.brokers()) {
                    if (!view.brokerDone(phase.name(), broker.id())) {
                        return brokerStep(view, phase, wave, broker);
                    }
                }
                if (wave.soak() != null && !wave.soak().isZero() && !wave.soak().isNegative()
                        && !view.succeeded(StepKind.SOAK, phase.name(), wave.name(), null)) {
                    return next(StepKind.SOAK, phase, wave, null, false, clusterGates(), false);
                }
                return next(StepKind.WAVE_DONE, phase, wave, null, false, List.of(), false);
            }
            // unreachable: a started phase with every wave done was handled above
            throw new IllegalStateException("phase " + phase.name() + " has no wave left but is not closed");
        }
        if (lastPhase != null && !view.planDone()) {
            return next(StepKind.PLAN_DONE, lastPhase, null, null, false, List.of(), false);
        }
        return new Decision.Finished(true, "the plan is applied: every phase done");
    }

    private Decision finished(JournalView view, PhaseSpec phase, Wave wave) {
        return new Decision.Finished(false, "the selected waves are done; next: " + nextWaveHint(view));
    }

    /** The per-broker sequence; see the class comment, steps 3 and 4. */
    private Decision brokerStep(JournalView view, PhaseSpec phase, Wave wave, BrokerSpec broker) {
        String ph = phase.name();
        int id = broker.id();
        int runStart = view.currentRunStart();
        boolean stopEver = view.startedSince(0, StepKind.STOP, ph, id);
        boolean stopThisRun = view.startedSince(runStart, StepKind.STOP, ph, id);
        int probe = view.lastIndex(runStart, StepKind.PROBE, ph, null, id, Journaling.SUCCEEDED);
        if (!stopEver || (stopThisRun && probe < 0)) {
            // a fresh attempt, all in this run
            List<StepKind> seq = new ArrayList<>(List.of(StepKind.PRE_STOP_GATES, StepKind.STOP));
            if (drainLeaders() && !broker.dedicatedController()) {
                seq.add(StepKind.DRAIN_LEADERS);
            }
            seq.add(StepKind.AWAIT_EXIT);
            seq.addAll(changeSteps(phase, true));
            seq.addAll(List.of(StepKind.START, StepKind.POST_START_GATES));
            seq.addAll(closingSteps(broker));
            return firstNotSucceeded(view, runStart, seq, phase, wave, broker, false, true);
        }
        if (probe < 0) {
            return next(StepKind.PROBE, phase, wave, broker, true, List.of(), false);
        }
        JournalEntry probed = view.entries().get(probe);
        boolean running = Boolean.parseBoolean(probed.details().get(Journaling.RUNNING));
        boolean startedBefore = lastBefore(view, probe, StepKind.START, ph, id, Journaling.STARTED);
        boolean installedBefore = lastBefore(view, probe, StepKind.INSTALL, ph, id, Journaling.SUCCEEDED);
        boolean stopSentBefore = lastBefore(view, probe, StepKind.STOP, ph, id, Journaling.SUCCEEDED);
        List<StepKind> seq = new ArrayList<>();
        boolean newIncarnation = true;
        if (running && startedBefore) {
            // the interrupted run started it: check the edit, then gate the running process
            seq.addAll(changeSteps(phase, false));
            newIncarnation = false;
        } else if (running) {
            // its stop was gated by the interrupted run; if the stop command did not complete, send it again
            // (stopping a stopping broker is harmless), else wait for the shutdown to finish
            if (!stopSentBefore) {
                seq.add(StepKind.STOP);
            }
            seq.add(StepKind.AWAIT_EXIT);
            seq.addAll(changeSteps(phase, !installedBefore));
            seq.add(StepKind.START);
        } else {
            seq.add(StepKind.AWAIT_EXIT);
            seq.addAll(changeSteps(phase, !installedBefore));
            seq.add(StepKind.START);
        }
        seq.add(StepKind.POST_START_GATES);
        seq.addAll(closingSteps(broker));
        return firstNotSucceeded(view, probe + 1, seq, phase, wave, broker, true, newIncarnation);
    }

    /**
     * {@code rollout.maxParallel > 1}: the wave rolls batch by batch (class comment, step 3). Null when brokers
     * roll one by one, or the wave has no broker left.
     *
     * <p>The open batch is the wave's last {@code batch-start} with brokers not done. Started in this run, all
     * its brokers go through their steps together: of their next steps, the one earliest in a broker's
     * sequence (StepKind order) runs first, so all stop, then all await exit, ... then all are gated. Started
     * in an earlier run, only its brokers whose stop had started are resumed (probe first, then the same
     * interleaving); the others never stopped and are left for a new batch, computed on the cluster as it is
     * now. With no open batch, a {@code batch-start} chooses the next batch among the brokers not done.
     */
    private Decision batchStep(JournalView view, PhaseSpec phase, Wave wave) {
        if (!batched(wave)) {
            return null;
        }
        List<BrokerSpec> notDone = notDone(view, phase, wave);
        if (notDone.isEmpty()) {
            return null;
        }
        List<BrokerSpec> active = openBatch(view, phase, wave, notDone);
        if (active.isEmpty()) {
            return new Decision.Next(new Step(StepKind.BATCH_START, phase, wave, null, false, clusterGates(), false,
                    notDone));
        }
        Step first = null;
        int gatesPending = 0;
        for (BrokerSpec b : active) {
            Step s = ((Decision.Next) brokerStep(view, phase, wave, b)).step();
            gatesPending += s.kind() == StepKind.POST_START_GATES ? 1 : 0;
            if (first == null || s.kind().ordinal() < first.kind().ordinal()) {
                first = s;
            }
        }
        if (first.kind() == StepKind.POST_START_GATES && gatesPending > 1) {
            // while a batch-mate is still coming back the cluster cannot be free of under-replicated partitions:
            // each member is gated on its own return, the last one also on the whole cluster's (so a member that
            // dies at startup fails its own step, not a healthy batch-mate's)
            first = withoutGate(first, GateSpec.Kind.NO_UNDER_REPLICATED);
        }
        return new Decision.Next(first);
    }

    private static List<BrokerSpec> notDone(JournalView view, PhaseSpec phase, Wave wave) {
        List<BrokerSpec> notDone = new ArrayList<>();
        for (BrokerSpec b : wave.brokers()) {
            if (!view.brokerDone(phase.name(), b.id())) {
                notDone.add(b);
            }
        }
        return notDone;
    }

    /** The open batch's brokers still going through their steps (see {@link #batchStep}); empty for none. */
    private List<BrokerSpec> openBatch(JournalView view, PhaseSpec phase, Wave wave, List<BrokerSpec> notDone) {
        String ph = phase.name();
        int at = view.lastIndex(0, StepKind.BATCH_START, ph, wave.name(), null, Journaling.SUCCEEDED);
        List<BrokerSpec> active = new ArrayList<>();
        if (at >= 0) {
            boolean thisRun = at >= view.currentRunStart();
            for (int id : Journaling.batchFrom(view.entries().get(at).details())) {
                BrokerSpec b = brokersById.get(id);
                if (b != null && notDone.contains(b)
                        && (thisRun || view.startedSince(at, StepKind.STOP, ph, id))) {
                    active.add(b);
                }
            }
        }
        return active;
    }

    /**
     * The start steps to send together with {@code start} (the engine's next step): it, then every other broker
     * of its open batch whose next step is its start too, in batch order. Only {@code start} when brokers roll one
     * by one or no batch-mate is ready. Sending them together is the interleaving of {@link #batchStep} done at
     * once: each is journaled {@code started} before any command is sent, so a run killed meanwhile probes them
     * all, as it would a single start.
     */
    public List<Step> batchStarts(JournalView view, Step start) {
        if (!batched(start.wave()) || start.kind() != StepKind.START || start.broker() == null) {
            return List.of(start);
        }
        List<Step> together = new ArrayList<>(List.of(start));
        for (BrokerSpec b : openBatch(view, start.phase(), start.wave(), notDone(view, start.phase(), start.wave()))) {
            if (b.id() != start.brokerId()
                    && brokerStep(view, start.phase(), start.wave(), b) instanceof Decision.Next n
                    && n.step().kind() == StepKind.START) {
                together.add(n.step());
            }
        }
        return together;
    }

    /** The broker of this roll with {@code id}; null when the plan has none. */
    public BrokerSpec broker(int id) {
        return brokersById.get(id);
    }

    /** The step without the gates of {@code kind}. */
    static Step withoutGate(Step step, GateSpec.Kind kind) {
        return new Step(step.kind(), step.phase(), step.wave(), step.broker(), step.resumed(),
                step.gates().stream().filter(g -> g.kind() != kind).toList(), step.expectNewIncarnation(),
                step.candidates());
    }

    /**
     * After a member of a batch failed between its stop and its post-start gates: the next step that brings
     * one of its batch-mates back, or empty when none is left. A failed broker must not leave healthy brokers of
     * its batch stopped (the cluster "as safe as it was found"): the mates whose stop started finish their own
     * cycle (install, edit, start, post-start gates, ...), interleaved as in {@link #batchStep} so that they
     * start together, and each gated on its own return (registered anew, back in every ISR, nothing offline,
     * a controller) without the cluster-wide under-replicated count, which the failed broker keeps above 0.
     * Never a stop: a mate whose stop never started is left running, for the next batch.
     *
     * @param failed the step that failed (its broker is never chosen)
     * @param givenUp mates that failed too while being brought back; not chosen again
     */
    public Optional<Step> batchMateStep(JournalView view, Step failed, Set<Integer> givenUp) {
        if (!batched(failed.wave()) || failed.broker() == null) {
            return Optional.empty();
        }
        PhaseSpec phase = failed.phase();
        Wave wave = failed.wave();
        String ph = phase.name();
        int at = view.lastIndex(0, StepKind.BATCH_START, ph, wave.name(), null, Journaling.SUCCEEDED);
        if (at < 0) {
            return Optional.empty();
        }
        List<Integer> batch = Journaling.batchFrom(view.entries().get(at).details());
        if (!batch.contains(failed.brokerId())) {
            return Optional.empty();
        }
        Step first = null;
        for (int id : batch) {
            BrokerSpec b = brokersById.get(id);
            if (b == null || id == failed.brokerId() || givenUp.contains(id) || view.brokerDone(ph, id)
                    || !view.startedSince(at, StepKind.STOP, ph, id)) {
                continue;
            }
            Step s = ((Decision.Next) brokerStep(view, phase, wave, b)).step();
            if (s.kind() == StepKind.PRE_STOP_GATES || s.kind() == StepKind.STOP) {
                continue;
            }
            if (first == null || s.kind().ordinal() < first.kind().ordinal()) {
                first = s;
            }
        }
        // the failed broker keeps partitions under-replicated: a mate is gated on its own return only
        return Optional.ofNullable(first).map(s -> s.kind() == StepKind.POST_START_GATES
                ? withoutGate(s, GateSpec.Kind.NO_UNDER_REPLICATED) : s);
    }

    /**
     * After the post-start gates: the leader restore when the plan asks for it (a broker's: a dedicated
     * controller leads no partition), then broker-done.
     */
    private List<StepKind> closingSteps(BrokerSpec broker) {
        return electPreferredLeaders() && !broker.dedicatedController()
                ? List.of(StepKind.RESTORE_LEADERS, StepKind.BROKER_DONE) : List.of(StepKind.BROKER_DONE);
    }

    /**
     * Whether {@code wave} rolls in batches ({@code rollout.maxParallel > 1}); never the wave of dedicated KRaft
     * controllers, which roll one at a time (each stop must keep a voter majority, reference §3).
     */
    private boolean batched(Wave wave) {
        return plan.rollout().maxParallel() > 1 && wave != null && !WavePlanner.isControllersWave(wave);
    }

    private boolean electPreferredLeaders() {
        return plan.rollout().electPreferredLeaders();
    }

    private boolean drainLeaders() {
        return plan.rollout().drainLeadersBeforeStop();
    }

    private static boolean lastBefore(JournalView view, int before, StepKind kind, String phase, int broker,
                                      String event) {
        for (int i = 0; i < before; i++) {
            JournalEntry e = view.entries().get(i);
            if (kind.journalName().equals(e.step()) && phase.equals(e.phase())
                    && Integer.valueOf(broker).equals(e.brokerId()) && event.equals(e.event())) {
                return true;
            }
        }
        return false;
    }

    private static List<StepKind> changeSteps(PhaseSpec phase, boolean install) {
        List<StepKind> seq = new ArrayList<>();
        if (install && phase.install() != null && !phase.install().isBlank()) {
            seq.add(StepKind.INSTALL);
        }
        if (!phase.set().isEmpty() || !phase.unset().isEmpty()) {
            seq.add(StepKind.EDIT_CONFIG);
        }
        return seq;
    }

    private Decision firstNotSucceeded(JournalView view, int from, List<StepKind> seq, PhaseSpec phase, Wave wave,
                                       BrokerSpec broker, boolean resumed, boolean newIncarnation) {
        for (StepKind kind : seq) {
            if (!view.succeededSince(from, kind, phase.name(), null, broker.id())) {
                return next(kind, phase, wave, broker, resumed, gatesFor(kind, phase, broker), newIncarnation);
            }
        }
        throw new IllegalStateException("broker " + broker.id() + " has every step but broker-done");
    }

    /**
     * The gates a step of {@code node} waits on: a broker's ({@link #gatesFor(StepKind, PhaseSpec, int)}), or a
     * dedicated KRaft controller's: before its stop, stopping it keeps a voter majority caught up; after its
     * exit, the quorum answers; after its start, it is back in the quorum as a new process and caught up; the
     * cluster-wide gates around both (reference §3: "KRaft: ... then follower controllers, then the quorum leader";
     * "keep a voter majority and make sure followers have Lag≈0 before stopping the next one").
     */
    public static List<GateSpec> gatesFor(StepKind kind, PhaseSpec phase, BrokerSpec node) {
        if (!node.dedicatedController()) {
            return gatesFor(kind, phase, node.id());
        }
        return controllerGates(kind == StepKind.PRE_STOP_GATES, kind == StepKind.AWAIT_EXIT,
                kind == StepKind.POST_START_GATES, node.id(), phase.version(), true);
    }

    /**
     * A dedicated controller's gates for the step that is a pre-stop, an await-exit or a post-start one (none
     * for other steps); the cluster-wide gates before the stop only when {@code clusterBeforeStop}.
     */
    public static List<GateSpec> controllerGates(boolean preStop, boolean awaitExit, boolean postStart, int id,
                                                 String version, boolean clusterBeforeStop) {
        List<GateSpec> gates = new ArrayList<>();
        if (preStop) {
            gates.add(GateSpec.broker(GateSpec.Kind.VOTER_CAN_STOP, id));
            if (clusterBeforeStop) {
                gates.addAll(clusterGates());
            }
        } else if (awaitExit) {
            gates.add(GateSpec.broker(GateSpec.Kind.VOTER_GONE, id));
        } else if (postStart) {
            gates.add(GateSpec.broker(GateSpec.Kind.VOTER_REJOINED, id));
            gates.addAll(clusterGates());
            if (version != null && !version.isBlank()) {
                gates.add(new GateSpec(GateSpec.Kind.RUNNING_VERSION, id, version));
            }
        }
        return gates;
    }

    /** The gates a broker step waits on (reference §3 "Caught up"). */
    public static List<GateSpec> gatesFor(StepKind kind, PhaseSpec phase, int broker) {
        List<GateSpec> gates = new ArrayList<>();
        switch (kind) {
            case PRE_STOP_GATES -> {
                gates.add(GateSpec.broker(GateSpec.Kind.CAN_STOP, broker));
                gates.addAll(clusterGates());
            }
            case AWAIT_EXIT -> gates.add(GateSpec.broker(GateSpec.Kind.BROKER_GONE, broker));
            case DRAIN_LEADERS -> gates.add(GateSpec.broker(GateSpec.Kind.LEADS_NOTHING, broker));
            case RESTORE_LEADERS -> gates.add(GateSpec.broker(GateSpec.Kind.PREFERRED_LEADERS, broker));
            case POST_START_GATES -> {
                gates.add(GateSpec.broker(GateSpec.Kind.BROKER_REGISTERED, broker));
                gates.add(GateSpec.broker(GateSpec.Kind.BACK_IN_ALL_ISRS, broker));
                gates.addAll(clusterGates());
                if (phase.version() != null && !phase.version().isBlank()) {
                    gates.add(new GateSpec(GateSpec.Kind.RUNNING_VERSION, broker, phase.version()));
                }
            }
            default -> {
            }
        }
        return gates;
    }

    /**
     * The cluster-wide health gates: no URP, no offline partition, a controller, no reassignment in progress,
     * the KRaft quorum caught up (reference §3: a voter majority with Lag≈0 before the next node stops).
     */
    public static List<GateSpec> clusterGates() {
        return List.of(GateSpec.cluster(GateSpec.Kind.NO_UNDER_REPLICATED),
                GateSpec.cluster(GateSpec.Kind.NO_OFFLINE_PARTITIONS),
                GateSpec.cluster(GateSpec.Kind.CONTROLLER_PRESENT),
                GateSpec.cluster(GateSpec.Kind.NO_REASSIGNMENTS),
                GateSpec.cluster(GateSpec.Kind.QUORUM_CAUGHT_UP));
    }

    private static Decision next(StepKind kind, PhaseSpec phase, Wave wave, BrokerSpec broker, boolean resumed,
                                 List<GateSpec> gates, boolean newIncarnation) {
        return new Decision.Next(new Step(kind, phase, wave, broker, resumed, gates, newIncarnation));
    }

    /**
     * The steps the run would take from here if every step succeeded: for {@code --dry-run}, {@code plan}
     * and {@code status}. A resumed broker's probe is answered by {@code runningWhenProbed}.
     */
    public List<Step> remaining(List<JournalEntry> journal, Target target, Predicate<Step> runningWhenProbed) {
        return remaining(journal, target, runningWhenProbed, this::estimatedBatch);
    }

    /**
     * {@link #remaining(List, Target, Predicate)}, with each {@code batch-start}'s batch answered by
     * {@code batches} (e.g. chosen on the live cluster as it is now; the real batch is chosen at the stop).
     */
    public List<Step> remaining(List<JournalEntry> journal, Target target, Predicate<Step> runningWhenProbed,
                                Function<Step, List<Integer>> batches) {
        String sha = plan.sha256();
        List<JournalEntry> sim = new ArrayList<>(journal);
        Instant at = Instant.EPOCH;
        sim.add(Journaling.runEntry(at, sha, Journaling.STARTED, Map.of()));
        List<Step> steps = new ArrayList<>();
        int guard = 100_000;
        while (guard-- > 0) {
            Decision d = next(JournalView.of(sim, sha), target);
            if (!(d instanceof Decision.Next n)) {
                return steps;
            }
            Step s = n.step();
            steps.add(s);
            Map<String, String> details = new HashMap<>();
            if (s.kind() == StepKind.PHASE_START) {
                details.putAll(Journaling.layoutDetails(proposedWaves.getOrDefault(s.phase().name(), List.of())));
            }
            if (s.kind() == StepKind.PROBE) {
                details.put(Journaling.RUNNING, Boolean.toString(runningWhenProbed.test(s)));
            }
            List<BrokerSpec> batch = new ArrayList<>();
            if (s.kind() == StepKind.BATCH_START) {
                for (int id : batches.apply(s)) {
                    s.candidates().stream().filter(b -> b.id() == id).findFirst().ifPresent(batch::add);
                }
                if (batch.isEmpty()) {
                    batch.add(s.candidates().get(0));
                }
                details.put(Journaling.BATCH, String.join(",", batch.stream().map(b -> "" + b.id()).toList()));
            }
            if (s.kind().action()) {
                sim.add(Journaling.entry(at, sha, s, Journaling.STARTED, Map.of()));
            }
            sim.add(Journaling.entry(at, sha, s, Journaling.SUCCEEDED, details));
            if (!batch.isEmpty()) {
                sim.addAll(Journaling.batchMembers(at, sha, s, batch));
            }
        }
        throw new IllegalStateException("the engine did not converge");
    }

    /**
     * Without the cluster: the first candidate's rack (plan racks), at most maxParallel, when rack-aware; else
     * the first maxParallel candidates. Only a guess for previews: the real batch is computed at the stop.
     */
    private List<Integer> estimatedBatch(Step batchStart) {
        List<Integer> out = new ArrayList<>();
        List<BrokerSpec> candidates = batchStart.candidates();
        String rack = candidates.get(0).rack();
        for (BrokerSpec b : candidates) {
            if (out.size() < plan.rollout().maxParallel()
                    && (!plan.rollout().rackAware() || rack == null || rack.equals(b.rack()))) {
                out.add(b.id());
            }
        }
        return out;
    }

    private String phaseNames() {
        List<String> names = new ArrayList<>();
        plan.phases().forEach(p -> names.add(p.name()));
        return String.join(", ", names);
    }

    private static String waveNames(List<Wave> waves) {
        List<String> names = new ArrayList<>();
        waves.forEach(w -> names.add(w.name()));
        return String.join(", ", names);
    }
}
