package io.kupgrade.orchestrator.apply;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.kupgrade.gates.AdminClusterReader;
import io.kupgrade.gates.ClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.gates.SafeBatches;
import io.kupgrade.gates.LeaderElections;
import io.kupgrade.gates.Sleeper;
import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.engine.Commands;
import io.kupgrade.orchestrator.engine.Finalizer;
import io.kupgrade.orchestrator.engine.GateSpec;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.engine.Step;
import io.kupgrade.orchestrator.engine.StepFailedException;
import io.kupgrade.orchestrator.engine.StepKind;
import io.kupgrade.orchestrator.engine.Target;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.StateDirs;
import io.kupgrade.orchestrator.journal.UrpLog;
import io.kupgrade.orchestrator.pause.ClusterPausedException;
import io.kupgrade.orchestrator.pause.PauseService;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.orchestrator.zookeeper.EnsembleRoller;
import io.kupgrade.orchestrator.zookeeper.KafkaHealth;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WavePlanner;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * {@code kupgrade apply}: reads the plan, takes the cluster's lock, builds the adapters (executor, cluster
 * reader, journal, gates, finalizer) and runs the {@link RollRunner}; or, for {@code --dry-run}, lists the
 * exact steps without touching anything. Thread-safe: every call builds its own adapters.
 *
 * <p>Thrown, before anything is touched: {@link io.kupgrade.plans.PlanException} (invalid plan),
 * {@link RunRefusedException} (journal of another plan, bad selection, and the {@link Preflight} refusals: a broker
 * whose host runs another broker, an isRunning that does not see a registered broker, a registered broker missing
 * from a plan with a point of no return ahead),
 * {@link io.kupgrade.orchestrator.executor.HostUnreachableException} and
 * {@link io.kupgrade.orchestrator.executor.HostAccessException} (a listed host not reached, or refusing kupgrade),
 * {@link io.kupgrade.orchestrator.lock.LockHeldException} (another run holds the lock; the journal and lock live
 * where the plan's {@code state:} says, chosen by {@link StateStores}),
 * {@link ClusterUnreachableException} (the cluster cannot be read at the start),
 * {@link ClusterPausedException} (the cluster is paused, as its pause marker says wherever the plan's state
 * lives: {@code kupgrade resume} first). Everything after the
 * start is reported in the {@link RollOutcome}, and so are brokers the run would stop that can never pass canStop
 * (HALTED, nothing touched).
 */
public final class ApplyService {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SLEEP_SLICE = Duration.ofMillis(200);
    private static final int READ_RETRIES = 4;
    private static final Duration READ_RETRY_DELAY = Duration.ofSeconds(2);

    private final ApplyEnvironment env;

    public ApplyService() {
        this(ApplyEnvironment.standard());
    }

    public ApplyService(ApplyEnvironment env) {
        this.env = env;
    }

    /**
     * Runs the selection.
     *
     * @param listener receives one event per step (and waiting events), on this thread
     * @param confirmer asked before a point-of-no-return phase unless {@code request.yes()}
     * @param interrupted flipped (e.g. by a shutdown hook) to stop the run: the current wait is abandoned,
     *     nothing new starts, the journal stays consistent
     */
    public RollOutcome apply(ApplyRequest request, ProgressEvent.Listener listener, RollRunner.Confirmer confirmer,
                             BooleanSupplier interrupted) {
        Plan plan = PlanParser.parse(request.planFile());
        Path stateDir = stateDir(request.stateDir());
        String cluster = plan.cluster().name();
        try (FirstRead<AdminClusterReader> firstRead = FirstRead.start(() -> env.readers().apply(plan.cluster()),
                ApplyService::readPatiently)) {
            // the pause lives with the journal and the lock (a znode with the ZooKeeper store): read before the lock
            PauseService.current(plan, stateDir).ifPresent(p -> {
                throw new ClusterPausedException(cluster, p);
            });
            try (StateStores.Held state = StateStores.acquire(plan, stateDir, "kupgrade apply " + request.planFile());
                 HostExecutor executor = env.executors().apply(plan);
                 AdminClusterReader reader = firstRead.reader()) {
                Journal journal = state.journal();
                ClusterSnapshot first = firstRead.snapshot();
                Layouts.controllerMismatch(plan, first).ifPresent(why -> {
                    throw new RunRefusedException(why + "; nothing was touched");
                });
                List<BrokerSpec> brokers = Layouts.brokers(plan, first);
                RollEngine engine = new RollEngine(plan, brokers, Layouts.proposed(plan, brokers,
                        first.activeController()));
                RunSettings settings = RunSettings.from(plan, request.yes());
                if (!ZooKeeperEnsembleSpec.PHASE_NAME.equals(request.selection().phase())) {
                    Optional<String> halt = preflight(plan, brokers, first, engine, journal, request.selection(),
                            executor, settings.commandTimeout(), listener);
                    if (halt.isPresent()) {
                        return new RollOutcome(OutcomeKind.HALTED, halt.get(), List.of(), Duration.ZERO, null, false);
                    }
                }
                BooleanSupplier stop = interrupted == null ? () -> false : interrupted;
                RollRunner.Sleeper sleeper = interruptible(env.sleeper(), stop);
                Sleeper gateSleeper = sleeper::sleep;
                JmxVersions versions = new JmxVersions();
                // URP over time beside the journal, for `kupgrade report`; elections through the same Admin client
                ClusterReader sampled = new SamplingClusterReader(reader, UrpLog.forCluster(stateDir, cluster));
                ClusterGatePort gates = new ClusterGatePort(sampled, plan.gates(), env.clock(), gateSleeper, brokers,
                        versions, LeaderElections.admin(reader.admin(), ADMIN_TIMEOUT));
                Finalizer finalizer = new AdminFinalizer(reader.admin(), brokers, versions, ADMIN_TIMEOUT);
                // the ZooKeeper ensemble, when the plan has one, rolls before any broker (EnsembleFirst); a pause
                // stops it between servers as it stops the brokers' roll between brokers
                EnsembleFirst.Result ensemble = EnsembleFirst.before(plan, request.selection(), journal,
                        () -> {
                            EnsembleRoller roller = new EnsembleRoller(plan, plan.zookeeperEnsemble(),
                                    new EnsembleRoller.Ports(executor, env.ensembleProbe(), KafkaHealth.of(reader,
                                            brokers.stream().map(BrokerSpec::id).collect(Collectors.toSet())),
                                            journal, env.clock(), sleeper, stop, listener),
                                    EnsembleRoller.settings(plan, plan.zookeeperEnsemble()))
                                    .pauseWhen(state.pauseMarker());
                            return request.ignoreWindows() ? roller.ignoreWindows() : roller;
                        });
                if (ensemble.stop()) {
                    return ensemble.outcome();
                }
                // a phase is laid out when it starts, with the controller of that moment (it moves after a roll; and a
                // run that starts inside a phase rolls brokers before it lays the next one out): read anew
                RollRunner.WaveLayouter layouter = phase -> layout(plan, brokers, phase, readPatiently(reader));
                RollRunner.Ports ports = new RollRunner.Ports(executor, gates, finalizer, layouter,
                        (text, phase) -> PropertiesEditor.apply(text, phase.set(), phase.unset(), phase.name()),
                        journal, env.clock(), sleeper, stop, listener, confirmer);
                RollRunner runner = new RollRunner(engine, ports, settings)
                        .pauseWhen(state.pauseMarker());
                return ensemble.then((request.ignoreWindows() ? runner.ignoreWindows() : runner)
                        .run(request.selection()));
            }
        }
    }

    /**
     * A phase's waves on the cluster as read at its start, the active controller last; a point-of-no-return phase
     * halts instead while a registered broker is missing from the plan (registered since the run's start, which
     * checked it: {@link Preflight}).
     */
    static List<Wave> layout(Plan plan, List<BrokerSpec> brokers, PhaseSpec phase, ClusterSnapshot now)
            throws StepFailedException {
        SortedSet<Integer> missing = Preflight.unlisted(plan, now);
        if (phase.pointOfNoReturn() && !missing.isEmpty()) {
            throw new StepFailedException(OutcomeKind.HALTED, Preflight.unlistedBeforePointOfNoReturn(missing, phase));
        }
        return WavePlanner.expand(plan.waves(), brokers, now.activeController());
    }

    /**
     * Before anything is touched (after the lock), {@link Preflight}: refused are a point-of-no-return phase ahead
     * while the cluster has brokers the plan does not list, brokers that can never pass canStop, a broker whose
     * host runs another broker (or whose config cannot be read), and a registered broker that service.isRunning
     * says is not running; what is only worth knowing (brokers left as they are, ids a config file does not
     * state) is said as INFO events. Brokers that can never stop are a state of the cluster, not of the input:
     * they end the run HALTED (exit 3), as their pre-stop gate would have after its timeout.
     *
     * @return the reason to halt before anything is touched; empty to go on
     */
    private Optional<String> preflight(Plan plan, List<BrokerSpec> brokers, ClusterSnapshot first, RollEngine engine,
                                       Journal journal, Selection selection, HostExecutor executor,
                                       Duration commandTimeout, ProgressEvent.Listener listener) {
        List<JournalEntry> entries = journal.entries();
        Target target = engine.resolve(JournalView.of(entries, plan.sha256()), selection);
        if (target.nothingToDo() != null) {
            return Optional.empty();
        }
        Preflight.unlistedRefusal(plan, first, p -> target.touches(p.name())).ifPresent(why -> {
            throw new RunRefusedException(why + "; nothing was touched");
        });
        // only the brokers this run will still stop: not a finalize-only run's, not another wave's, not one done
        Optional<String> never = Preflight.neverStoppable(first,
                Preflight.stopping(engine.remaining(entries, target, s -> true)));
        if (never.isPresent()) {
            return Optional.of(never.get() + "; nothing was touched");
        }
        Preflight.Identities identities = Preflight.identities(plan, brokers, executor);
        identities.refusal().ifPresent(why -> {
            throw new RunRefusedException(why + "; nothing was touched");
        });
        Preflight.processes(plan, brokers, first, executor, commandTimeout)
                .ifPresent(why -> {
                    throw new RunRefusedException(why + "; nothing was touched");
                });
        List<String> said = new ArrayList<>(identities.notes());
        Preflight.unlistedWarning(plan, first).ifPresent(said::add);
        for (String message : said) {
            listener.onEvent(new ProgressEvent(env.clock().instant(), ProgressEvent.Type.INFO, null, null, null,
                    Journaling.RUN, Duration.ZERO, Duration.ZERO, message));
        }
        return Optional.empty();
    }

    /**
     * The exact steps {@code apply} would run now, touching nothing: no lock, no journal write, no command;
     * it reads the journal, the cluster (for the controller; offline when unreachable) and the config files
     * (for the diffs).
     */
    public DryRun dryRun(ApplyRequest request) {
        Plan plan = PlanParser.parse(request.planFile());
        Path stateDir = stateDir(request.stateDir());
        List<String> notes = new ArrayList<>();
        List<JournalEntry> entries = StateStores.readJournal(plan, stateDir);
        PauseService.current(plan, stateDir).ifPresent(p -> notes.add("the cluster is " + p.describe()
                + ": apply refuses to start until `kupgrade resume`"));
        PreviewService.windowsNote(plan.rollout().windows(), env.clock().instant()).ifPresent(notes::add);
        ClusterSnapshot snapshot = null;
        try (AdminClusterReader reader = env.readers().apply(plan.cluster())) {
            snapshot = reader.read();
        } catch (ClusterUnreachableException e) {
            notes.add("cluster not readable (" + e.getMessage() + "): waves laid out without knowing the active"
                    + " controller");
        }
        List<BrokerSpec> brokers = Layouts.brokers(plan, snapshot);
        OptionalInt controller = snapshot == null ? OptionalInt.empty() : snapshot.activeController();
        List<DryRun.Step> out = new ArrayList<>();
        if (plan.zookeeperEnsemble() != null || ZooKeeperEnsembleSpec.PHASE_NAME.equals(request.selection().phase())) {
            try (HostExecutor executor = env.executors().apply(plan)) {
                out.addAll(EnsembleFirst.dryRun(plan, request.selection(), entries, executor, notes));
            }
            if (ZooKeeperEnsembleSpec.PHASE_NAME.equals(request.selection().phase())) {
                return new DryRun(plan.source().toString(), plan.sha256(), request.selection().toString(),
                        out.isEmpty() ? "the ZooKeeper ensemble is already rolled" : null, out, notes);
            }
        }
        RollEngine engine = new RollEngine(plan, brokers, Layouts.proposed(plan, brokers, controller));
        Target target = engine.resolve(JournalView.of(entries, plan.sha256()), request.selection());
        if (target.nothingToDo() != null) {
            return new DryRun(plan.source().toString(), plan.sha256(), target.label(), out.isEmpty()
                    ? target.nothingToDo() : null, out, notes);
        }
        Preflight.unlistedNote(plan, snapshot, p -> target.touches(p.name())).ifPresent(notes::add);
        ClusterSnapshot read = snapshot;
        // batches as chosen on the cluster read now; without it, the engine's rack-by-rack estimate
        List<Step> steps = read == null ? engine.remaining(entries, target, s -> false)
                : engine.remaining(entries, target, s -> false, s -> SafeBatches.choose(read,
                        s.candidates().stream().map(BrokerSpec::id).toList(), plan.rollout().maxParallel(),
                        plan.rollout().rackAware()).brokers());
        Preflight.neverStoppable(snapshot, Preflight.stopping(steps))
                .ifPresent(why -> notes.add(why + ": apply halts before it touches anything"));
        Map<String, String> files = new HashMap<>();
        try (HostExecutor executor = env.executors().apply(plan)) {
            // first, so that the config diffs below use the files read here
            notes.addAll(Preflight.identityNotes(plan, brokers, Preflight.caching(executor, files)));
            for (Step s : steps) {
                out.add(describe(plan, s, executor, files, notes));
            }
        }
        return new DryRun(plan.source().toString(), plan.sha256(), target.label(), null, out, notes);
    }

    static DryRun.Step describe(Plan plan, Step s, HostExecutor executor, Map<String, String> files,
                                List<String> notes) {
        BrokerSpec b = s.broker();
        String command = null;
        String note = null;
        List<DryRun.ConfigChange> changes = new ArrayList<>();
        switch (s.kind()) {
            case STOP -> command = Commands.render(plan.service().stop(), b);
            case START -> command = Commands.render(plan.service().start(), b);
            case INSTALL -> command = Commands.render(s.phase().install(), b);
            case PROBE, AWAIT_EXIT -> command = Commands.render(plan.service().isRunning(), b);
            case EDIT_CONFIG -> {
                String path = Commands.render(plan.service().configFile(), b);
                note = path + " (backup: " + RollRunner.backupPath(path, s.phase(), Instant.now()) + ")";
                changes.addAll(configChanges(b, path, s, executor, files, notes));
            }
            case FINALIZE -> note = "Admin updateFeatures metadata.version -> " + s.phase().finalizeMetadataVersion();
            case SOAK -> note = "gates must hold for " + s.wave().soak().toSeconds() + " s";
            case RESTORE_LEADERS -> note = "Admin electLeaders(PREFERRED) for the partitions whose first replica is"
                    + " broker " + b.id() + ", until it leads them again";
            case DRAIN_LEADERS -> note = "controlled shutdown hands broker " + b.id() + "'s leadership over;"
                    + " verified: it leads no partition";
            default -> {
            }
        }
        if (s.kind() == StepKind.PROBE) {
            note = "broker " + b.id() + " was interrupted mid-roll: the next steps depend on whether its process is"
                    + " running (shown as if it is not)";
        }
        return new DryRun.Step(s.phase().name(), s.waveName(), s.brokerId(), b == null ? null : b.host(),
                s.kind().journalName(), Masking.command(command, plan), s.gates().stream().map(GateSpec::label).toList(),
                changes, note);
    }

    private static List<DryRun.ConfigChange> configChanges(BrokerSpec b, String path, Step s, HostExecutor executor,
                                                           Map<String, String> files, List<String> notes) {
        String key = b.host() + ":" + path;
        String current = files.get(key);
        if (current == null && !files.containsKey(key)) {
            try {
                current = executor.readFile(b.host(), path);
            } catch (RuntimeException e) {
                notes.add("cannot read " + path + " on " + b.host() + " (" + e.getMessage() + "): its diff shows the"
                        + " plan's changes only");
            }
            files.put(key, current);
        }
        List<DryRun.ConfigChange> changes = new ArrayList<>();
        if (current == null) {
            s.phase().set().forEach((k, v) -> changes.add(new DryRun.ConfigChange(k, null,
                    Masking.value(k, v), false)));
            s.phase().unset().forEach(k -> changes.add(new DryRun.ConfigChange(k, null, null, false)));
            return changes;
        }
        String edited = PropertiesEditor.apply(current, s.phase().set(), s.phase().unset(), s.phase().name());
        files.put(key, edited);
        for (PropertiesEditor.Change c : PropertiesEditor.diff(current, edited)) {
            changes.add(new DryRun.ConfigChange(c.key(), Masking.value(c.key(), c.oldValue()),
                    Masking.value(c.key(), c.newValue()), true));
        }
        return changes;
    }

    static Path stateDir(Path requested) {
        return requested != null ? requested : StateDirs.defaultStateDir();
    }

    /**
     * One snapshot, retried: a cold Admin client on a busy machine can miss its first read's timeout, and
     * a run must not fail to start (or to lay out a phase) for that.
     *
     * @throws ClusterUnreachableException when every attempt failed
     */
    static ClusterSnapshot readPatiently(ClusterReader reader) {
        RetryPolicy<ClusterSnapshot> retry = RetryPolicy.<ClusterSnapshot>builder()
                .handle(ClusterUnreachableException.class)
                .withMaxRetries(READ_RETRIES)
                .withDelay(READ_RETRY_DELAY)
                .build();
        return Failsafe.with(retry).get(reader::read);
    }

    /** Sleeps in short slices so an interruption ends a wait within a fraction of a second. */
    static RollRunner.Sleeper interruptible(RollRunner.Sleeper base, BooleanSupplier interrupted) {
        return d -> {
            Duration left = d;
            while (!left.isZero() && !left.isNegative()) {
                if (interrupted.getAsBoolean()) {
                    throw new InterruptedException("run interrupted");
                }
                Duration slice = left.compareTo(SLEEP_SLICE) < 0 ? left : SLEEP_SLICE;
                base.sleep(slice);
                left = left.minus(slice);
            }
            if (interrupted.getAsBoolean()) {
                throw new InterruptedException("run interrupted");
            }
        };
    }
}
