package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.AdminClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.gates.SafeBatches;
import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.engine.Commands;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.StepKind;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.MaintenanceWindows;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WavePlanner;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Builds the {@link PlanPreview} of {@code kupgrade plan}. Read-only: it may read the cluster (active
 * controller, brokers) and the brokers' config files, and changes nothing. Thread-safe.
 */
public final class PreviewService {
    private final ApplyEnvironment env;

    public PreviewService() {
        this(ApplyEnvironment.standard());
    }

    public PreviewService(ApplyEnvironment env) {
        this.env = env;
    }

    /**
     * @param offline do not contact the cluster or the hosts
     * @throws io.kupgrade.plans.PlanException for an invalid plan
     */
    public PlanPreview preview(Path planFile, boolean offline) {
        Plan plan = PlanParser.parse(planFile);
        List<String> notes = new ArrayList<>();
        plan.warnings().forEach(w -> notes.add("warning: " + w));
        windowsNote(plan.rollout().windows(), env.clock().instant()).ifPresent(notes::add);
        ClusterSnapshot snapshot = null;
        if (!offline) {
            try (AdminClusterReader reader = env.readers().apply(plan.cluster())) {
                snapshot = reader.read();
                Layouts.controllerMismatch(plan, snapshot).ifPresent(why -> notes.add(why + ": apply refuses to start"));
                snapshot.dedicatedControllersNote(Set.copyOf(plan.dedicatedControllerIds())).ifPresent(notes::add);
                Preflight.unlistedNote(plan, snapshot, phase -> true).ifPresent(notes::add);
                Preflight.neverStoppable(snapshot, Layouts.brokers(plan, snapshot))
                        .ifPresent(why -> notes.add(why + ": apply halts before it touches anything"));
            } catch (ClusterUnreachableException e) {
                notes.add("cluster not readable (" + e.getMessage() + "): the active controller is unknown");
            }
        }
        List<BrokerSpec> brokers = Layouts.brokers(plan, snapshot);
        if (brokers.isEmpty()) {
            notes.add("the plan names no brokers and the cluster was not read: no waves to show");
        }
        OptionalInt controller = snapshot == null ? OptionalInt.empty() : snapshot.activeController();
        List<PlanPreview.PhasePreview> phases = new ArrayList<>();
        List<String> pnr = new ArrayList<>();
        Map<String, String> files = new HashMap<>();
        HostExecutor executor = offline ? null : openExecutor(plan, notes);
        try {
            if (executor != null && !brokers.isEmpty()) {
                // first, so that the config diffs below use the files read here
                notes.addAll(Preflight.identityNotes(plan, brokers, Preflight.caching(executor, files)));
            }
            if (plan.zookeeperEnsemble() != null) {
                phases.add(ensemble(plan, executor, notes));
            }
            for (PhaseSpec phase : plan.phases()) {
                if (phase.pointOfNoReturn()) {
                    pnr.add(phase.name());
                }
                List<Wave> waves = brokers.isEmpty() ? List.of() : WavePlanner.expand(plan.waves(), brokers, controller);
                List<PlanPreview.WavePreview> wavePreviews = new ArrayList<>();
                List<PlanPreview.BrokerConfigDiff> diffs = new ArrayList<>();
                boolean finalizeOnly = phase.isRollingRestart() && phase.finalizeMetadataVersion() != null;
                for (Wave w : finalizeOnly ? List.<Wave>of() : waves) {
                    List<PlanPreview.BrokerRef> refs = new ArrayList<>();
                    for (BrokerSpec b : w.brokers()) {
                        refs.add(new PlanPreview.BrokerRef(b.id(), b.host(), b.rack(),
                                controller.isPresent() && controller.getAsInt() == b.id()));
                        if (!phase.set().isEmpty() || !phase.unset().isEmpty()) {
                            diffs.add(diff(plan, phase, b, executor, files, notes));
                        }
                    }
                    wavePreviews.add(new PlanPreview.WavePreview(w.name(), w.soak() == null ? 0
                            : w.soak().toSeconds(), refs, batches(plan, w, snapshot), batchesNote(plan, snapshot)));
                }
                phases.add(new PlanPreview.PhasePreview(phase.name(), phase.version(), phase.install(),
                        phase.pointOfNoReturn(), phase.finalizeMetadataVersion(), wavePreviews, diffs,
                        brokerSteps(plan, phase)));
            }
        } finally {
            if (executor != null) {
                executor.close();
            }
        }
        return new PlanPreview(plan.source().toString(), plan.sha256(), plan.cluster().name(), offline,
                controller.isPresent() ? controller.getAsInt() : null, phases, pnr, notes);
    }

    /**
     * rollout.maxParallel &gt; 1: the wave's batches as {@link SafeBatches#preview} chooses them on the cluster as
     * read now (healthy at every stop assumed); offline (or unreadable), its brokers grouped by rack.
     */
    static List<PlanPreview.BatchPreview> batches(Plan plan, Wave wave, ClusterSnapshot snapshot) {
        if (!plan.rollout().parallel() || wave.brokers().isEmpty()) {
            return List.of();
        }
        if (WavePlanner.isControllersWave(wave)) {
            // dedicated controllers roll one at a time: each stop must keep a voter majority (RollEngine)
            return wave.brokers().stream().map(b -> new PlanPreview.BatchPreview(List.of(b.id()), null,
                    "a dedicated controller rolls alone")).toList();
        }
        List<Integer> ids = wave.brokers().stream().map(BrokerSpec::id).toList();
        List<PlanPreview.BatchPreview> out = new ArrayList<>();
        if (snapshot != null) {
            for (SafeBatches.Batch b : SafeBatches.preview(snapshot, ids, plan.rollout().maxParallel(),
                    plan.rollout().rackAware())) {
                out.add(new PlanPreview.BatchPreview(b.brokers(), b.rack(), b.reason()));
            }
            return out;
        }
        Map<Integer, String> rackOf = new HashMap<>();
        wave.brokers().forEach(b -> rackOf.put(b.id(), b.rack()));
        SafeBatches.racks(ids, rackOf).forEach((rack, members) -> out.add(new PlanPreview.BatchPreview(members, rack,
                (rack == null ? "no rack" : "rack " + rack) + ": batches are computed at each stop")));
        return out;
    }

    static String batchesNote(Plan plan, ClusterSnapshot snapshot) {
        if (!plan.rollout().parallel()) {
            return null;
        }
        String how = "maxParallel " + plan.rollout().maxParallel() + (plan.rollout().rackAware() ? ", rack-aware" : "");
        return snapshot != null
                ? "batches (" + how + ") from the live assignment now; chosen again at each stop"
                : "batches (" + how + ") are computed from the live assignment at each stop; offline, brokers by rack";
    }

    private HostExecutor openExecutor(Plan plan, List<String> notes) {
        try {
            return env.executors().apply(plan);
        } catch (RuntimeException e) {
            notes.add("hosts not reachable (" + e.getMessage() + "): config diffs show the plan's values only");
            return null;
        }
    }

    private static PlanPreview.BrokerConfigDiff diff(Plan plan, PhaseSpec phase, BrokerSpec b, HostExecutor executor,
                                                     Map<String, String> files, List<String> notes) {
        String path = Commands.render(plan.service().configFile(), b);
        String key = b.host() + ":" + path;
        String current = files.get(key);
        if (current == null && !files.containsKey(key) && executor != null) {
            try {
                current = executor.readFile(b.host(), path);
            } catch (RuntimeException e) {
                notes.add("cannot read " + path + " on " + b.host() + ": " + e.getMessage());
            }
            files.put(key, current);
        }
        List<DryRun.ConfigChange> changes = new ArrayList<>();
        if (current == null) {
            phase.set().forEach((k, v) -> changes.add(new DryRun.ConfigChange(k, null, Masking.value(k, v), false)));
            phase.unset().forEach(k -> changes.add(new DryRun.ConfigChange(k, null, null, false)));
        } else {
            String edited = PropertiesEditor.apply(current, phase.set(), phase.unset(), phase.name());
            files.put(key, edited);
            for (PropertiesEditor.Change c : PropertiesEditor.diff(current, edited)) {
                changes.add(new DryRun.ConfigChange(c.key(), Masking.value(c.key(), c.oldValue()),
                        Masking.value(c.key(), c.newValue()), true));
            }
        }
        return new PlanPreview.BrokerConfigDiff(b.id(), path, changes);
    }

    /** The steps every broker goes through in the phase, with their gates (the engine's own lists). */
    static List<PlanPreview.StepPreview> brokerSteps(Plan plan, PhaseSpec phase) {
        List<PlanPreview.StepPreview> steps = new ArrayList<>();
        if (phase.isRollingRestart() && phase.finalizeMetadataVersion() != null) {
            // the engine restarts no broker in a phase that only finalizes
            steps.add(new PlanPreview.StepPreview(StepKind.FINALIZE.journalName(), "no broker restarts: finalize"
                    + " metadata.version to " + phase.finalizeMetadataVersion() + " (refused while a node runs an"
                    + " older version)", List.of()));
            return steps;
        }
        int any = 0;
        if (plan.rollout().parallel()) {
            List<String> gates = new ArrayList<>(List.of("canStop({batch})"));
            RollEngine.clusterGates().forEach(g -> gates.add(g.label()));
            steps.add(new PlanPreview.StepPreview(StepKind.BATCH_START.journalName(), "the cluster healthy, then at"
                    + " most " + plan.rollout().maxParallel() + " brokers of the wave that may stop together, chosen"
                    + " from the live assignment" + (plan.rollout().rackAware() ? " (one rack when safe)" : "")
                    + "; the active controller alone; each step below then runs for the whole batch", gates));
        }
        steps.add(step(StepKind.PRE_STOP_GATES, plan.rollout().parallel()
                ? "passed by the batch's gates (canStop of the whole batch, cluster healthy)"
                : "before stopping: the broker may stop, the cluster is healthy", phase, any));
        steps.add(new PlanPreview.StepPreview(StepKind.STOP.journalName(), plan.service().stop(), List.of()));
        if (plan.rollout().drainLeadersBeforeStop()) {
            steps.add(step(StepKind.DRAIN_LEADERS, "until the broker leads no partition: its controlled shutdown"
                    + " hands leadership to other in-sync replicas (at most " + plan.service().stopTimeout() + ")",
                    phase, any));
        }
        steps.add(step(StepKind.AWAIT_EXIT, "until `" + plan.service().isRunning() + "` fails (at most "
                + plan.service().stopTimeout() + "; never SIGKILL), then the broker is gone from the cluster",
                phase, any));
        if (phase.install() != null && !phase.install().isBlank()) {
            steps.add(new PlanPreview.StepPreview(StepKind.INSTALL.journalName(), phase.install(), List.of()));
        }
        if (!phase.set().isEmpty() || !phase.unset().isEmpty()) {
            steps.add(new PlanPreview.StepPreview(StepKind.EDIT_CONFIG.journalName(), "edit "
                    + plan.service().configFile() + " (backup kept beside it)", List.of()));
        }
        steps.add(new PlanPreview.StepPreview(StepKind.START.journalName(), plan.service().start(), List.of()));
        steps.add(step(StepKind.POST_START_GATES, "process running, then registered anew and caught up", phase, any));
        if (plan.rollout().electPreferredLeaders()) {
            steps.add(step(StepKind.RESTORE_LEADERS, "preferred leader election (Admin electLeaders PREFERRED) for"
                    + " the partitions whose first replica is the broker, until it leads them again (a partition"
                    + " whose preferred replica is not in the ISR is reported, not waited on)", phase, any));
        }
        List<Integer> controllers = plan.dedicatedControllerIds();
        if (!controllers.isEmpty()) {
            List<String> gates = new ArrayList<>();
            for (StepKind k : List.of(StepKind.PRE_STOP_GATES, StepKind.AWAIT_EXIT, StepKind.POST_START_GATES)) {
                RollEngine.gatesFor(k, phase, new BrokerSpec(any, "-", null, null, null, true)).stream()
                        .map(g -> g.label().replace("(" + any + ")", "({broker.id})"))
                        .filter(l -> !gates.contains(l)).forEach(gates::add);
            }
            steps.add(new PlanPreview.StepPreview(WavePlanner.CONTROLLERS_WAVE, "after the brokers, the dedicated"
                    + " KRaft controllers " + controllers + " one at a time, followers first, the quorum leader last:"
                    + " the same stop, install, edit and start, gated on the metadata quorum (may stop: a voter"
                    + " majority stays caught up; back: a new process fetching, caught up); no leadership steps",
                    gates));
        }
        if (phase.finalizeMetadataVersion() != null) {
            steps.add(new PlanPreview.StepPreview(StepKind.FINALIZE.journalName(), "after the last wave: finalize"
                    + " metadata.version to " + phase.finalizeMetadataVersion() + " (refused while a node runs an"
                    + " older version)", List.of()));
        }
        return steps;
    }

    /**
     * The plan's ZooKeeper ensemble roll, shown as the first phase (apply rolls it before any broker): its servers
     * in the plan's order (the real order is decided live: followers first, the leader last), each server's
     * zoo.cfg diff (read from the host when online; secrets masked) and the steps and gates of every server.
     */
    private static PlanPreview.PhasePreview ensemble(Plan plan, HostExecutor executor, List<String> notes) {
        ZooKeeperEnsembleSpec ens = plan.zookeeperEnsemble();
        List<PlanPreview.BrokerRef> servers = new ArrayList<>();
        List<PlanPreview.BrokerConfigDiff> diffs = new ArrayList<>();
        for (ZooKeeperEnsembleSpec.ZooKeeperServerSpec s : ens.servers()) {
            servers.add(new PlanPreview.BrokerRef(s.id(), s.host(), null, false));
            if (!ens.set().isEmpty() || !ens.unset().isEmpty()) {
                String path = ZooKeeperEnsembleSpec.render(ens.service().configFile(), s);
                diffs.add(new PlanPreview.BrokerConfigDiff(s.id(), path,
                        EnsembleFirst.zooCfgChanges(ens, s, path, executor, notes)));
            }
        }
        List<String> gates = EnsembleFirst.GATES;
        List<PlanPreview.StepPreview> steps = new ArrayList<>();
        steps.add(new PlanPreview.StepPreview("pre-stop-gates", "one server at a time, followers first (plan order),"
                + " the leader last (decided live: one leader election)", gates));
        steps.add(new PlanPreview.StepPreview("stop", ens.service().stop(), List.of()));
        steps.add(new PlanPreview.StepPreview("await-exit", "until `" + ens.service().isRunning() + "` fails",
                List.of()));
        if (ens.install() != null && !ens.install().isBlank()) {
            steps.add(new PlanPreview.StepPreview("install", Masking.command(ens.install(), plan), List.of()));
        }
        if (!ens.set().isEmpty() || !ens.unset().isEmpty()) {
            steps.add(new PlanPreview.StepPreview("edit-config", "edit " + ens.service().configFile()
                    + " (backup kept beside it)", List.of()));
        }
        steps.add(new PlanPreview.StepPreview("start", ens.service().start(), List.of()));
        steps.add(new PlanPreview.StepPreview("post-start-gates", "back in the quorum, synced, Kafka healthy",
                gates));
        return new PlanPreview.PhasePreview(ZooKeeperEnsembleSpec.PHASE_NAME, ens.version(), ens.install(), false,
                null, List.of(new PlanPreview.WavePreview("servers", 0, servers, List.of(), null)), diffs, steps);
    }

    /** What {@code rollout.maintenanceWindows} mean for an apply started at {@code now}; empty without windows. */
    static Optional<String> windowsNote(MaintenanceWindows windows, Instant now) {
        if (windows.always()) {
            return Optional.empty();
        }
        String state = windows.closesAt(now).map(t -> "now inside one, until " + windows.show(t))
                .orElseGet(() -> "now outside every one" + windows.nextOpening(now)
                        .map(t -> ", the next opens " + windows.show(t)).orElse("")
                        + ": until then apply begins no broker (it finishes one a halted run left half-done)");
        return Optional.of("maintenance windows " + windows.describe() + ": a broker, batch, phase or"
                + " finalize is begun only inside one, and one begun is finished after it closes; " + state);
    }

    private static PlanPreview.StepPreview step(StepKind kind, String description, PhaseSpec phase, int broker) {
        List<String> gates = RollEngine.gatesFor(kind, phase, broker).stream()
                .map(g -> g.label().replace("(" + broker + ")", "({broker.id})")).toList();
        return new PlanPreview.StepPreview(kind.journalName(), description, gates);
    }
}
