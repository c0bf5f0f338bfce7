package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.AdminClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.gates.Sleeper;
import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.engine.BrokerRestorer;
import io.kupgrade.orchestrator.engine.Commands;
import io.kupgrade.orchestrator.engine.GateSpec;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RestoreStep;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import io.kupgrade.orchestrator.engine.RollbackPlanner;
import io.kupgrade.orchestrator.engine.RollbackRunner;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.pause.PauseService;
import io.kupgrade.orchestrator.pause.PausesSetLater;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.orchestrator.zookeeper.EnsembleProbe;
import io.kupgrade.orchestrator.zookeeper.EnsembleRestorer;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoll;
import io.kupgrade.orchestrator.zookeeper.EnsembleRollback;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoller;
import io.kupgrade.orchestrator.zookeeper.KafkaHealth;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WavePlanner;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * {@code kupgrade rollback}: reads the plan and the journal, takes the cluster's lock (as {@code apply} does),
 * builds the same adapters as {@link ApplyService} and runs the {@link RollbackRunner}; or, for
 * {@code --dry-run}, lists the steps and the config each broker gets back, touching nothing. A rollback of the
 * plan's ZooKeeper ensemble ({@code --phase zookeeper-ensemble}, or the default once no broker phase is left to roll
 * back; {@link EnsembleRollback}) goes to the {@link EnsembleRestorer} instead, with the same lock. Thread-safe:
 * every call builds its own adapters.
 *
 * <p>Thrown before anything is touched: {@link io.kupgrade.plans.PlanException},
 * {@link io.kupgrade.orchestrator.engine.RollbackRefusedException} (point of no return, not forced),
 * {@link io.kupgrade.orchestrator.engine.RunRefusedException} (unknown phase or wave, another plan's journal),
 * {@link io.kupgrade.orchestrator.lock.LockHeldException}, {@link ClusterUnreachableException}. A pause in effect
 * when it starts does not keep it off ({@link PausesSetLater}); one set while it runs stops it before the next
 * broker (or ZooKeeper server), as it stops {@code apply}.
 */
public final class RollbackService {
    private final ApplyEnvironment env;

    public RollbackService() {
        this(ApplyEnvironment.standard());
    }

    public RollbackService(ApplyEnvironment env) {
        this.env = env;
    }

    /**
     * Rolls back the requested phase.
     *
     * @param confirmer asked once before the first broker is touched, unless {@code request.yes()}
     * @param interrupted flipped (e.g. by a shutdown hook) to stop the run between steps
     */
    public RollbackOutcome rollback(RollbackRequest request, ProgressEvent.Listener listener,
                                    RollRunner.Confirmer confirmer, BooleanSupplier interrupted) {
        Plan plan = PlanParser.parse(request.planFile());
        Path stateDir = ApplyService.stateDir(request.stateDir());
        List<String> forcedOver = preflight(plan, StateStores.readJournal(plan, stateDir), request);
        try (StateStores.Held state = StateStores.acquire(plan, stateDir, "kupgrade rollback " + request.planFile());
             HostExecutor executor = env.executors().apply(plan);
             AdminClusterReader reader = env.readers().apply(plan.cluster())) {
            Journal journal = state.journal();
            // a pause in effect now does not keep the rollback off (it is the way out of a paused roll); one set
            // from now on stops it before its next broker or server
            PausesSetLater pauses = PausesSetLater.from(state.pauseMarker());
            pauses.atStart().ifPresent(p -> info(listener, "the cluster is " + p.describe() + ": this rollback runs"
                    + " anyway; a pause set from now on stops it before its next broker, and apply stays refused"
                    + " until kupgrade resume"));
            ClusterSnapshot first = ApplyService.readPatiently(reader);
            List<BrokerSpec> brokers = Layouts.brokers(plan, first);
            RollEngine engine = new RollEngine(plan, brokers, Layouts.proposed(plan, brokers,
                    first.activeController()));
            BooleanSupplier stop = interrupted == null ? () -> false : interrupted;
            RollRunner.Sleeper sleeper = ApplyService.interruptible(env.sleeper(), stop);
            if (forcedOver != null) {
                // the ZooKeeper ensemble (EnsembleRollback): re-checked under the lock, then restored server by server
                List<String> forced = ensembleCheck(plan, journal.entries(), request);
                ZooKeeperEnsembleSpec ensemble = plan.zookeeperEnsemble();
                EnsembleRoller.Ports ports = new EnsembleRoller.Ports(executor, env.ensembleProbe(),
                        KafkaHealth.of(reader, brokers.stream().map(BrokerSpec::id).collect(Collectors.toSet())),
                        journal, env.clock(), sleeper, stop, listener);
                return new EnsembleRestorer(plan, ensemble, ports, EnsembleRoller.settings(plan, ensemble,
                        request.yes()), confirmer).pauseWhen(pauses).run(label(request), forced);
            }
            Sleeper gateSleeper = sleeper::sleep;
            ClusterGatePort gates = new ClusterGatePort(reader, plan.gates(), env.clock(), gateSleeper, brokers,
                    new JmxVersions());
            RollRunner.WaveLayouter layouter = phase -> WavePlanner.expand(plan.waves(), brokers,
                    first.activeController());
            RollRunner.Ports ports = new RollRunner.Ports(executor, gates, null, layouter,
                    (text, phase) -> PropertiesEditor.apply(text, phase.set(), phase.unset(), phase.name()),
                    journal, env.clock(), sleeper, stop, listener, confirmer);
            return new RollbackRunner(engine, brokers, first.activeController(), ports,
                    RunSettings.from(plan, request.yes()))
                    .pauseWhen(pauses).run(request.phase(), request.toWave(), request.force());
        }
    }

    private void info(ProgressEvent.Listener listener, String message) {
        if (listener != null) {
            listener.onEvent(new ProgressEvent(env.clock().instant(), ProgressEvent.Type.INFO, null, null, null,
                    Rollbacks.ROLLBACK_RUN, Duration.ZERO, Duration.ZERO, message));
        }
    }

    /**
     * The steps a rollback would run now, with the config each broker gets back (current -> restored), touching
     * nothing: no lock, no journal write, no command. Refusals apply as for the run.
     */
    public DryRun dryRun(RollbackRequest request) {
        Plan plan = PlanParser.parse(request.planFile());
        Path stateDir = ApplyService.stateDir(request.stateDir());
        List<String> notes = new ArrayList<>();
        List<JournalEntry> entries = StateStores.readJournal(plan, stateDir);
        List<String> forcedOver = preflight(plan, entries, request);
        PauseService.current(plan, stateDir).ifPresent(p -> notes.add("the cluster is " + p.describe()
                + ": rollback runs anyway (a pause set once it runs stops it); apply stays refused until"
                + " `kupgrade resume`"));
        if (forcedOver != null) {
            return ensembleDryRun(plan, entries, request, forcedOver, notes);
        }
        ClusterSnapshot snapshot = null;
        try (AdminClusterReader reader = env.readers().apply(plan.cluster())) {
            snapshot = reader.read();
        } catch (ClusterUnreachableException e) {
            notes.add("cluster not readable (" + e.getMessage() + "): the active controller is unknown, so the order"
                    + " below is the plain reverse of the roll; the rollback itself restores the controller of that"
                    + " moment last of its kind");
        }
        List<BrokerSpec> brokers = Layouts.brokers(plan, snapshot);
        OptionalInt controller = snapshot == null ? OptionalInt.empty() : snapshot.activeController();
        RollEngine engine = new RollEngine(plan, brokers, Layouts.proposed(plan, brokers, controller));
        RollbackPlanner planner = new RollbackPlanner(engine, brokers, controller);
        JournalView view = JournalView.of(entries, plan.sha256());
        RollbackPlanner.Target target = planner.resolve(view, request.phase(), request.toWave(), request.force());
        if (target.nothingToDo() != null) {
            return new DryRun(plan.source().toString(), plan.sha256(), target.label(), target.nothingToDo(), List.of(),
                    notes);
        }
        for (String forced : target.forcedOver()) {
            notes.add("FORCED over: " + forced);
        }
        notes.add("stop steps are skipped for a broker whose process is not running when its turn comes");
        List<DryRun.Step> out = new ArrayList<>();
        try (HostExecutor executor = env.executors().apply(plan)) {
            for (int id : planner.order(view, target)) {
                Wave wave = target.layout().stream().filter(w -> w.brokers().stream().anyMatch(b -> b.id() == id))
                        .findFirst().orElse(null);
                BrokerSpec b = brokers.stream().filter(x -> x.id() == id).findFirst()
                        .orElse(new BrokerSpec(id, "?", null, null));
                BrokerRestorer.BrokerPlan bp = BrokerRestorer.planFor(view, plan, target.phase(), b);
                for (RestoreStep s : bp.steps()) {
                    out.add(step(plan, target, wave, b, bp, s, executor, notes));
                }
                out.add(new DryRun.Step(target.phase().name(), wave == null ? null : wave.name(), id, b.host(),
                        io.kupgrade.orchestrator.engine.Rollbacks.ROLLED_BACK, null, List.of(), List.of(),
                        "apply will roll broker " + id + " again"));
            }
        }
        return new DryRun(plan.source().toString(), plan.sha256(), target.label(), null, out, notes);
    }

    /**
     * Refuses an unsafe rollback from the plan and the journal alone, before any lock or connection: a refused
     * rollback is one line and exit code whether or not the cluster can be reached.
     *
     * @return null for a rollback of a broker phase; for the ZooKeeper ensemble, the refusals {@code --force}
     *     overrides (empty when none)
     */
    private static List<String> preflight(Plan plan, List<JournalEntry> entries, RollbackRequest request) {
        JournalView view = JournalView.of(entries, plan.sha256());
        if (EnsembleRollback.selected(plan, view, request.phase())) {
            return ensembleCheck(plan, entries, request);
        }
        RollEngine engine = new RollEngine(plan, plan.brokers(), java.util.Map.of());
        new RollbackPlanner(engine, plan.brokers()).check(view, request.phase(), request.force());
        return null;
    }

    private static List<String> ensembleCheck(Plan plan, List<JournalEntry> entries, RollbackRequest request) {
        RollEngine engine = new RollEngine(plan, plan.brokers(), java.util.Map.of());
        return EnsembleRollback.check(plan, new RollbackPlanner(engine, plan.brokers()),
                JournalView.of(entries, plan.sha256()), request.toWave(), request.force());
    }

    private static String label(RollbackRequest request) {
        return "rollback --phase " + ZooKeeperEnsembleSpec.PHASE_NAME;
    }

    /**
     * The ensemble's rollback steps, server by server in the order a run would take if the leader read now stays
     * the leader, with the zoo.cfg each server gets back (current -> restored), touching nothing.
     */
    private DryRun ensembleDryRun(Plan plan, List<JournalEntry> entries, RollbackRequest request,
                                  List<String> forcedOver, List<String> notes) {
        ZooKeeperEnsembleSpec ensemble = plan.zookeeperEnsemble();
        EnsembleRollback rollback = new EnsembleRollback(ensemble);
        JournalView view = JournalView.of(entries, plan.sha256());
        OptionalInt leader = OptionalInt.empty();
        EnsembleProbe probe = env.ensembleProbe();
        for (ZooKeeperEnsembleSpec.ZooKeeperServerSpec s : ensemble.servers()) {
            if (probe.read(s).isLeader()) {
                leader = OptionalInt.of(s.id());
            }
        }
        List<Integer> order = rollback.order(view, leader);
        if (order.isEmpty()) {
            return new DryRun(plan.source().toString(), plan.sha256(), label(request), "the ZooKeeper ensemble roll"
                    + " touched no server (or every one was rolled back already): nothing to roll back", List.of(),
                    notes);
        }
        for (String forced : forcedOver) {
            notes.add("FORCED over: " + forced);
        }
        notes.add(leader.isPresent() ? "the order is decided live: followers first, the leader (now server "
                + leader.getAsInt() + ") last" : "no leader could be read now: the order is decided live, followers"
                + " first, the leader last");
        notes.add("stop steps are skipped for a server whose process is not running when its turn comes");
        List<DryRun.Step> out = new ArrayList<>();
        String phase = ZooKeeperEnsembleSpec.PHASE_NAME;
        try (HostExecutor executor = env.executors().apply(plan)) {
            for (int id : order) {
                ZooKeeperEnsembleSpec.ZooKeeperServerSpec s = ensemble.server(id);
                EnsembleRollback.ServerPlan sp = rollback.planFor(view, s);
                String wave = EnsembleRoll.WAVE_PREFIX + id;
                for (RestoreStep step : sp.steps()) {
                    String command = switch (step) {
                        case STOP -> ZooKeeperEnsembleSpec.render(ensemble.service().stop(), s);
                        case START -> ZooKeeperEnsembleSpec.render(ensemble.service().start(), s);
                        case AWAIT_EXIT -> ZooKeeperEnsembleSpec.render(ensemble.service().isRunning(), s);
                        case INSTALL -> sp.installCommand();
                        default -> null;
                    };
                    String note = null;
                    List<DryRun.ConfigChange> changes = new ArrayList<>();
                    if (step == RestoreStep.INSTALL && command == null) {
                        note = "binaries NOT restored: the plan gives no zookeeperEnsemble.rollback.install";
                    }
                    if (step == RestoreStep.CONFIG) {
                        note = sp.configFile() + " <- " + sp.backup();
                        changes.addAll(configChanges(executor, s.host(), sp.configFile(), sp.backup(), notes));
                    }
                    out.add(new DryRun.Step(phase, wave, null, s.host(),
                            step.journalName(io.kupgrade.orchestrator.engine.Rollbacks.ROLLBACK_PREFIX),
                            Masking.command(command, plan), EnsembleRestorer.gatesFor(step), changes, note));
                }
                out.add(new DryRun.Step(phase, wave, null, s.host(),
                        io.kupgrade.orchestrator.engine.Rollbacks.ROLLED_BACK, null, List.of(), List.of(),
                        "apply will roll server " + id + " again"));
            }
        }
        return new DryRun(plan.source().toString(), plan.sha256(), label(request), null, out, notes);
    }

    /** current -> restored, read from the host; empty (with a note) when a file cannot be read. */
    private static List<DryRun.ConfigChange> configChanges(HostExecutor executor, String host, String file,
                                                           String backup, List<String> notes) {
        List<DryRun.ConfigChange> changes = new ArrayList<>();
        try {
            String current = executor.readFile(host, file);
            String previous = executor.readFile(host, backup);
            for (PropertiesEditor.Change c : PropertiesEditor.diff(current, previous)) {
                changes.add(new DryRun.ConfigChange(c.key(), Masking.value(c.key(), c.oldValue()),
                        Masking.value(c.key(), c.newValue()), true));
            }
        } catch (RuntimeException e) {
            notes.add("cannot read " + file + " or " + backup + " on " + host + " (" + e.getMessage()
                    + "): no diff shown");
        }
        return changes;
    }

    private static DryRun.Step step(Plan plan, RollbackPlanner.Target target, Wave wave, BrokerSpec b,
                                    BrokerRestorer.BrokerPlan bp, RestoreStep s, HostExecutor executor,
                                    List<String> notes) {
        String command = null;
        String note = null;
        List<DryRun.ConfigChange> changes = new ArrayList<>();
        switch (s) {
            case STOP -> command = Commands.render(plan.service().stop(), b);
            case START -> command = Commands.render(plan.service().start(), b);
            case AWAIT_EXIT -> command = Commands.render(plan.service().isRunning(), b);
            case INSTALL -> {
                command = bp.installCommand();
                if (command == null) {
                    note = "binaries NOT restored: phase " + target.phase().name() + " gives no rollback.install";
                }
            }
            case CONFIG -> {
                note = bp.configFile() + " <- " + bp.backup();
                changes.addAll(configChanges(executor, b.host(), bp.configFile(), bp.backup(), notes));
            }
            default -> {
            }
        }
        return new DryRun.Step(target.phase().name(), wave == null ? null : wave.name(), b.id(), b.host(),
                s.journalName(io.kupgrade.orchestrator.engine.Rollbacks.ROLLBACK_PREFIX), Masking.command(command, plan),
                BrokerRestorer.gatesFor(s, bp, b).stream().map(GateSpec::label).toList(), changes, note);
    }
}
