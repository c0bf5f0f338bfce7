package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.config.PropertiesEditor;
import io.kupgrade.orchestrator.engine.BrokerSummary;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.PauseCheck;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.engine.RunSupport;
import io.kupgrade.orchestrator.engine.StepFailedException;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.LockLostException;
import io.kupgrade.plans.MaintenanceWindows;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ServiceSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Rolls a plan's ZooKeeper ensemble: carries out the steps {@link EnsembleRoll} decides, through ports, journaling
 * each step's start and outcome (phase {@value ZooKeeperEnsembleSpec#PHASE_NAME}, wave {@code server-<id>}) before
 * deciding the next one, so that a later run resumes exactly where this one stopped.
 *
 * <p>Gates (reference §1d), each held on two consecutive polls: before a server is stopped, and again after it
 * was started, every server serves as leader or follower, one leads and sees {@code servers - 1} followers synced
 * ({@link EnsembleHealth}), and the Kafka cluster keeps an active controller and every broker registered
 * ({@link KafkaHealth}: brokers kept their ZooKeeper sessions). After a start the restarted server must also be
 * running and, when the plan names a {@code version}, report it.
 *
 * <p>Failures are typed as the broker roll types them: a gate that does not pass before a server is stopped halts
 * the run with the ensemble as it was found; anything between a server's stop and its post-start gates fails the
 * run (that server may need attention); an interruption ends the run after the current wait. When the journal
 * refuses an append because this run lost the cluster's lock ({@link LockLostException}), the run ends at once as
 * FAILED and records nothing more, as {@link RollRunner} does: another run may hold the lock by then.
 *
 * <p>An operator's {@code kupgrade pause} ({@link #pauseWhen}) is honoured between servers only, before the next
 * server's pre-stop gates (as {@link RollRunner} honours it before a broker's): a paused run leaves every server
 * either untouched or rolled, and ends HALTED, journaled {@code paused}. A pause marker that cannot be read halts
 * the run there too, rather than roll the next server without knowing.
 *
 * <p>One instance per run; not thread-safe, except {@code ports.interrupted()}, which another thread may flip.
 */
public final class EnsembleRoller {

    /** Everything the roller acts through. */
    public record Ports(HostExecutor executor, EnsembleProbe probe, KafkaHealth kafka, Journal journal, Clock clock,
                        RollRunner.Sleeper sleeper, BooleanSupplier interrupted, ProgressEvent.Listener listener) {
        public Ports {
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
            kafka = kafka == null ? KafkaHealth.NONE : kafka;
            interrupted = interrupted == null ? () -> false : interrupted;
            listener = listener == null ? ProgressEvent.Listener.NONE : listener;
        }
    }

    /** Consecutive healthy polls a gate needs: a follower can show synced for a moment and drop again. */
    static final int STABLE_POLLS = EnsembleGate.STABLE_POLLS;
    private static final DateTimeFormatter BACKUP_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Detail of a server's {@code pre-stop-gates}: the ZooKeeper version it reported before its stop. */
    public static final String VERSION = "version";
    private static final String PHASE = ZooKeeperEnsembleSpec.PHASE_NAME;

    private final Plan plan;
    private final ZooKeeperEnsembleSpec spec;
    private final EnsembleRoll roll;
    private final Ports ports;
    private final RunSettings settings;
    private final RunSupport run;
    private final EnsembleGate gate;
    /** The servers as the last gate poll found them (the chosen server's version is journaled before its stop). */
    private Map<Integer, ServerState> lastStates = Map.of();
    private final List<BrokerSummary> summaries = new ArrayList<>();
    private final Map<Integer, Timing> timings = new HashMap<>();
    private Instant runStart;
    /** The step being carried out (its server once chosen), for a lost lock's message. */
    private EnsembleStep current;
    private PauseCheck pauseCheck = PauseCheck.NEVER;
    private MaintenanceWindows windows;
    /** The kind of the last step this run carried out; null before the first. */
    private EnsembleStepKind lastDone;

    /**
     * @param plan the plan (its sha256 keys the journal)
     * @param spec the plan's {@code zookeeperEnsemble}
     */
    public EnsembleRoller(Plan plan, ZooKeeperEnsembleSpec spec, Ports ports, RunSettings settings) {
        this.plan = plan;
        this.windows = plan.rollout().windows();
        this.spec = Objects.requireNonNull(spec, "spec");
        this.roll = new EnsembleRoll(spec);
        this.ports = ports;
        this.settings = settings;
        this.run = new RunSupport(ports.executor(), settings, ports.clock(), ports.sleeper(), ports.interrupted(),
                ports.listener());
        this.gate = new EnsembleGate(spec.servers(), ports.probe(), ports.kafka(), run);
    }

    /**
     * The run's budgets: gate timeout and poll interval from the plan's {@code gates}, stop and start timeouts
     * from the ensemble's {@code service} (10 min and 2 min when absent), the rest as for brokers.
     */
    public static RunSettings settings(Plan plan, ZooKeeperEnsembleSpec spec) {
        return settings(plan, spec, true);
    }

    /** As {@link #settings(Plan, ZooKeeperEnsembleSpec)}, with {@code assumeYes} (the rollback asks first). */
    public static RunSettings settings(Plan plan, ZooKeeperEnsembleSpec spec, boolean assumeYes) {
        RunSettings base = RunSettings.from(plan, assumeYes);
        ServiceSpec s = spec.service();
        return new RunSettings(base.gateTimeout(), base.pollInterval(),
                s.stopTimeout() != null ? s.stopTimeout() : Duration.ofMinutes(10),
                s.startTimeout() != null ? s.startTimeout() : Duration.ofMinutes(2),
                base.commandTimeout(), base.installTimeout(), base.hostRetries(), base.retryDelay(), assumeYes);
    }

    /**
     * Lets an operator pause the roll between servers ({@code kupgrade pause}); default {@link PauseCheck#NEVER}.
     * Read before each server's pre-stop gates, never while a server is down. A pause ends the run as
     * {@link OutcomeKind#HALTED}, journaled as {@code paused} with the reason; a check that throws (the marker's
     * store does not answer) halts it as well.
     */
    public EnsembleRoller pauseWhen(PauseCheck check) {
        this.pauseCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /** Begins servers outside the plan's maintenance windows too ({@code apply --ignore-windows}). */
    public EnsembleRoller ignoreWindows() {
        this.windows = MaintenanceWindows.ALWAYS;
        return this;
    }

    /**
     * Rolls every server not done yet, one at a time.
     *
     * @param closePlan also journal {@code plan-done} at the end (a plan whose only change is the ensemble)
     * @return DONE when the ensemble is rolled (or already was); HALTED (a gate, or a pause), FAILED (also: the
     *     cluster's lock was lost) or INTERRUPTED with the reason
     * @throws io.kupgrade.orchestrator.engine.RunRefusedException when the journal holds another plan's
     *     unfinished run; nothing is touched then
     */
    public RollOutcome run(boolean closePlan) {
        try {
            return runFenced(closePlan);
        } catch (LockLostException e) {
            return lockLost(e);
        }
    }

    /**
     * The state store refused an append because this run lost the cluster's lock (ZooKeeper session expired):
     * stop acting at once and journal nothing more; another run may hold the lock now. Worded as
     * {@code RollRunner}'s, so that an operator reads one message for one situation.
     */
    private RollOutcome lockLost(LockLostException e) {
        Instant start = runStart == null ? now() : runStart;
        String message = RunSupport.lockLost(current == null ? null : current.describe(), e);
        Duration elapsed = Duration.between(start, now());
        emit(ProgressEvent.Type.RUN_FINISHED, null, Journaling.RUN, elapsed, OutcomeKind.FAILED + ": " + message);
        return new RollOutcome(OutcomeKind.FAILED, message, summaries, elapsed, null, false);
    }

    private RollOutcome runFenced(boolean closePlan) {
        String sha = plan.sha256();
        JournalView view = JournalView.of(ports.journal().entries(), sha);
        runStart = now();
        if (roll.done(view.entries())) {
            return new RollOutcome(OutcomeKind.DONE, "nothing to do: the ZooKeeper ensemble is already rolled",
                    List.of(), Duration.ZERO, null, view.planDone());
        }
        ports.journal().append(Journaling.runEntry(now(), sha, Journaling.STARTED, Map.of("selection", "--phase "
                + PHASE)));
        emit(ProgressEvent.Type.RUN_STARTED, null, Journaling.RUN, Duration.ZERO, "apply --phase " + PHASE
                + ": servers " + spec.servers().stream().map(ZooKeeperServerSpec::id).toList()
                + ", one at a time, followers first, the leader last");
        while (true) {
            if (ports.interrupted().getAsBoolean()) {
                return endRun(OutcomeKind.INTERRUPTED, "interrupted between steps; nothing was left half-done by"
                        + " this run. Run apply again to continue", false);
            }
            EnsembleStep step = roll.next(mine());
            if (step == EnsembleStep.FINISHED) {
                return endRun(OutcomeKind.DONE, "ZooKeeper ensemble rolled: servers " + roll.finishedOrder(mine())
                        + " in this order", false);
            }
            // only between servers (before the next one's pre-stop gates): a pause never leaves a server stopped
            if (step.kind() == EnsembleStepKind.PRE_STOP_GATES) {
                Optional<String> pause;
                try {
                    pause = pauseCheck.pausedBecause();
                } catch (RuntimeException e) {
                    return pauseUnreadable(step, e);
                }
                if (pause.isPresent()) {
                    return paused(step, pause.get());
                }
            }
            // the plan's maintenance windows hold for the ensemble's servers as for brokers: before a server's
            // pre-stop gates, and again before the stop they passed (they may have waited past the window's end)
            if (step.kind() == EnsembleStepKind.PRE_STOP_GATES
                    || (step.kind() == EnsembleStepKind.STOP && lastDone == EnsembleStepKind.PRE_STOP_GATES)) {
                Optional<String> closed = RunSupport.outsideWindows(windows, now(), nextStop(step));
                if (closed.isPresent()) {
                    return endRun(OutcomeKind.HALTED, closed.get(), false);
                }
            }
            RollOutcome stopped = execute(step);
            if (stopped != null) {
                return stopped;
            }
            lastDone = step.kind();
            if (step.kind() == EnsembleStepKind.ENSEMBLE_DONE && closePlan) {
                ports.journal().append(new JournalEntry(now(), sha, null, null, null, "plan-done",
                        Journaling.SUCCEEDED, Map.of("summary", "the plan's only change was the ZooKeeper ensemble")));
                return endRun(OutcomeKind.DONE, "ZooKeeper ensemble rolled: servers " + roll.finishedOrder(mine())
                        + " in this order; the plan is done", true);
            }
        }
    }

    private List<JournalEntry> mine() {
        return JournalView.of(ports.journal().entries(), plan.sha256()).entries();
    }

    /** A pause honoured before {@code next}'s pre-stop gates: journaled as {@code paused}, reported as HALTED. */
    private RollOutcome paused(EnsembleStep next, String why) {
        String message = "paused before " + nextStop(next) + " (" + why + "); " + progress()
                + ", none is left half-done. Run kupgrade resume, then apply to continue";
        ports.journal().append(Journaling.runEntry(now(), plan.sha256(), Journaling.PAUSED,
                Map.of("message", message, "pause", why)));
        Duration elapsed = Duration.between(runStart, now());
        emit(ProgressEvent.Type.RUN_FINISHED, next.server(), Journaling.RUN, elapsed, "PAUSED: " + message);
        return new RollOutcome(OutcomeKind.HALTED, message, summaries, elapsed, null, false);
    }

    /**
     * The pause marker could not be read (its state store does not answer): halt before {@code next} rather than
     * roll past an operator's pause. Said on the listener first, so the operator learns why even when the halt
     * itself cannot be journaled (with ZooKeeper state, the same store holds the journal).
     */
    private RollOutcome pauseUnreadable(EnsembleStep next, RuntimeException e) {
        String message = "cannot tell whether the cluster is paused (" + e.getMessage() + "); halted before "
                + nextStop(next) + " rather than go on without knowing; " + progress() + ", none is left half-done."
                + " Run apply again once the pause marker can be read";
        emit(ProgressEvent.Type.INFO, next.server(), Journaling.RUN, Duration.ZERO, message);
        return endRun(OutcomeKind.HALTED, message, false);
    }

    /** "ZooKeeper server 3's stop" for a server an earlier run chose; "the next ZooKeeper server's stop" else. */
    private static String nextStop(EnsembleStep next) {
        return next.server() == null ? "the next ZooKeeper server's stop"
                : "ZooKeeper server " + next.server().id() + "'s stop";
    }

    /** "ZooKeeper servers [1] rolled, [2, 3] still to roll"; "no ZooKeeper server rolled yet". */
    private String progress() {
        List<Integer> done = roll.finishedOrder(mine());
        if (done.isEmpty()) {
            return "no ZooKeeper server rolled yet";
        }
        List<Integer> left = spec.servers().stream().map(ZooKeeperServerSpec::id).filter(id -> !done.contains(id))
                .toList();
        return "ZooKeeper servers " + done + " rolled, " + left + " still to roll";
    }

    /** Where failures are typed: once a server may be down, a failure needs attention; before, the run halts. */
    static OutcomeKind failureKind(EnsembleStepKind kind) {
        return kind.serverDown() ? OutcomeKind.FAILED : OutcomeKind.HALTED;
    }

    /** Executes one step; null when it succeeded, else the run's outcome. */
    private RollOutcome execute(EnsembleStep step) {
        current = step;
        Instant t0 = now();
        ZooKeeperServerSpec server = step.server();
        Map<String, String> startDetails = startDetails(step, t0);
        if (server != null) {
            ports.journal().append(entry(step.kind(), server, Journaling.STARTED, startDetails));
        }
        emit(ProgressEvent.Type.STEP_STARTED, server, step.kind().journalName(), Duration.ZERO,
                step.describe() + (startDetails.containsKey("command") ? ": " + startDetails.get("command") : ""));
        try {
            Map<String, String> details = new LinkedHashMap<>(startDetails);
            server = perform(step, server, t0, details);
            current = new EnsembleStep(step.kind(), server, step.resumed());
            ports.journal().append(entry(step.kind(), server, Journaling.SUCCEEDED, details));
            emit(ProgressEvent.Type.STEP_SUCCEEDED, server, step.kind().journalName(), since(t0),
                    details.getOrDefault("summary", "done"));
            return null;
        } catch (InterruptedException e) {
            Thread.interrupted(); // the journal's file channel would refuse the writes below
            return stepEnded(step, server, t0, OutcomeKind.INTERRUPTED, "interrupted at " + step.describe()
                    + "; run apply again to resume here");
        } catch (StepFailedException e) {
            return stepEnded(step, server, t0, e.kind(), e.getMessage());
        } catch (HostUnreachableException e) {
            String host = server == null ? "?" : server.host();
            // as for brokers: a start or an install whose effect is unknown is never re-sent; the next apply checks
            // whether the server runs before it sends either again (perform: START, INSTALL)
            boolean notResent = step.kind() == EnsembleStepKind.START || step.kind() == EnsembleStepKind.INSTALL;
            return stepEnded(step, server, t0, failureKind(step.kind()), notResent ? RunSupport.unreachableNotResent(
                    host, "the next apply checks whether the server runs", e) : run.unreachable(host, e));
        } catch (LockLostException e) {
            throw e; // nothing more may be journaled or done: run() ends the run
        } catch (RuntimeException e) {
            return stepEnded(step, server, t0, failureKind(step.kind()), step.describe() + " failed: "
                    + e.getMessage());
        }
    }

    private RollOutcome stepEnded(EnsembleStep step, ZooKeeperServerSpec server, Instant t0, OutcomeKind kind,
                                  String reason) {
        ports.journal().append(entry(step.kind(), server, Journaling.event(kind), Map.of("reason", reason)));
        emit(ProgressEvent.Type.stepEnded(kind), server, step.kind().journalName(), since(t0), reason);
        String where = server == null ? "the ZooKeeper ensemble's " + step.kind().journalName()
                : "ZooKeeper server " + server.id() + "'s " + step.kind().journalName();
        String message = switch (kind) {
            case HALTED -> "halted at " + where + ": " + reason + ". The ensemble is as it was found; run apply"
                    + " again once it is healthy";
            case FAILED -> "failed at " + where + ": " + reason + ". ZooKeeper server "
                    + (server == null ? "?" : server.id()) + " may need attention; run apply again to resume it";
            default -> reason;
        };
        return endRun(kind, message, false);
    }

    private RollOutcome endRun(OutcomeKind kind, String message, boolean planDone) {
        String event = Journaling.event(kind);
        ports.journal().append(Journaling.runEntry(now(), plan.sha256(), event, Map.of("message", message)));
        Duration elapsed = Duration.between(runStart, now());
        emit(ProgressEvent.Type.RUN_FINISHED, null, Journaling.RUN, elapsed, kind + ": " + message);
        return new RollOutcome(kind, message, summaries, elapsed, null, planDone);
    }

    private Map<String, String> startDetails(EnsembleStep step, Instant at) {
        Map<String, String> d = new LinkedHashMap<>();
        ZooKeeperServerSpec s = step.server();
        if (s == null) {
            return d;
        }
        d.put("server", Integer.toString(s.id()));
        d.put("host", s.host());
        ServiceSpec service = spec.service();
        switch (step.kind()) {
            case STOP -> d.put("command", ZooKeeperEnsembleSpec.render(service.stop(), s));
            case START -> d.put("command", ZooKeeperEnsembleSpec.render(service.start(), s));
            case INSTALL -> d.put("command", ZooKeeperEnsembleSpec.render(spec.install(), s));
            case EDIT_CONFIG -> {
                String path = ZooKeeperEnsembleSpec.render(service.configFile(), s);
                d.put("file", path);
                d.put(Journaling.BACKUP, backupPath(path, at));
            }
            default -> {
            }
        }
        return d;
    }

    /** Where the previous zoo.cfg is kept on the host: {@code <file>.kupgrade-zookeeper-ensemble-<UTC>.bak}. */
    public static String backupPath(String configFile, Instant at) {
        return configFile + ".kupgrade-" + PHASE + "-" + BACKUP_STAMP.format(at) + ".bak";
    }

    /** Performs the step; returns the server it concerned (chosen here for a first pre-stop gate). */
    private ZooKeeperServerSpec perform(EnsembleStep step, ZooKeeperServerSpec server, Instant t0,
                                        Map<String, String> d) throws InterruptedException, StepFailedException {
        switch (step.kind()) {
            case PRE_STOP_GATES -> {
                EnsembleHealth.Verdict v = awaitHealthy(server, null, "the ensemble and Kafka to be healthy before"
                        + " a server stops", OutcomeKind.HALTED, t0);
                ZooKeeperServerSpec chosen = server != null ? server : roll.choose(mine(), v.leader());
                boolean leader = v.leader().isPresent() && v.leader().getAsInt() == chosen.id();
                d.put("server", Integer.toString(chosen.id()));
                d.put("host", chosen.host());
                d.put("leader", Integer.toString(v.leader().getAsInt()));
                d.put("role", leader ? "leader" : "follower");
                // what it ran before the roll: a rollback that restores binaries checks it runs that again
                ServerState before = lastStates.get(chosen.id());
                if (before != null && before.version().isPresent()) {
                    d.put(VERSION, before.version().get());
                }
                d.put("summary", v.reason() + "; server " + chosen.id() + " (" + (leader ? "the leader, last"
                        : "a follower") + ") may stop");
                return chosen;
            }
            case STOP -> {
                timing(server).stopCommand = t0;
                RunSupport.requireOk(run.retried(() -> ports.executor().run(server.host(), d.get("command"),
                        settings.commandTimeout())), "stop command");
            }
            case AWAIT_EXIT -> awaitExit(server, t0, d);
            case INSTALL -> {
                if (sentBefore(server, EnsembleStepKind.INSTALL) && run.isRunning(watched(server))) {
                    // this roll stopped it and saw it exit; binaries are never swapped under a running server
                    throw new StepFailedException(OutcomeKind.FAILED, "ZooKeeper server " + server.id() + " is"
                            + " running again, though this roll stopped it and its install (sent by an earlier run,"
                            + " outcome unknown) was not confirmed: the install is not run under a running server."
                            + " Find out who started it and which binaries it runs");
                }
                RunSupport.requireOk(ports.executor().run(server.host(), d.get("command"),
                        settings.installTimeout()), "install command");
            }
            case EDIT_CONFIG -> editConfig(server, d);
            case START -> {
                timing(server).startCommand = t0;
                if (sentBefore(server, EnsembleStepKind.START) && run.isRunning(watched(server))) {
                    // an earlier run's start, whose answer was lost, did start it: never sent twice (as the broker
                    // roll's probe finds a started broker running)
                    d.put("alreadyRunning", "true");
                    d.put("summary", "already running: the start an earlier run sent took effect; not sent again");
                } else {
                    // not retried: a start whose effect is unknown is resolved by the check above in the next run
                    RunSupport.requireOk(ports.executor().run(server.host(), d.get("command"),
                            settings.startTimeout()), "start command");
                }
            }
            case POST_START_GATES -> postStart(server, t0, d);
            case SERVER_DONE -> serverDone(step, server, d);
            case ENSEMBLE_DONE -> d.put("summary", "every ZooKeeper server rolled: " + roll.finishedOrder(mine()));
        }
        return server;
    }

    /**
     * True when an earlier attempt sent this server's {@code kind} command (start, install) and it never succeeded
     * (the host dropped the connection, the command failed): its effect is unknown. This attempt's own
     * {@code started} entry is journaled already, so it takes two.
     */
    private boolean sentBefore(ZooKeeperServerSpec server, EnsembleStepKind kind) {
        return mine().stream().filter(e -> PHASE.equals(e.phase()) && Objects.equals(EnsembleRoll.serverId(e),
                server.id()) && kind.journalName().equals(e.step())
                && Journaling.STARTED.equals(e.event())).count() > 1;
    }

    private void awaitExit(ZooKeeperServerSpec server, Instant t0, Map<String, String> d)
            throws InterruptedException, StepFailedException {
        // never SIGKILL: a ZooKeeper server killed mid-write recovers from its transaction log, but a clean stop
        // is what the operator's stop command asked for
        run.awaitExit(watched(server), t0, "", waited -> emit(
                ProgressEvent.Type.WAITING, server, EnsembleStepKind.AWAIT_EXIT.journalName(), waited,
                "waiting for ZooKeeper server " + server.id() + " to exit"));
        Timing t = timing(server);
        t.stopped = now();
        Duration exited = Duration.between(t0, t.stopped);
        d.put("exitMs", Long.toString(exited.toMillis()));
        d.put("summary", "process exited after " + seconds(exited));
    }

    private void editConfig(ZooKeeperServerSpec server, Map<String, String> d) {
        String path = d.get("file");
        String current = run.retried(() -> ports.executor().readFile(server.host(), path));
        // zoo.cfg is read with java.util.Properties (QuorumPeerConfig.parse): the broker's editor fits it
        String edited = PropertiesEditor.apply(current, spec.set(), spec.unset(), PHASE);
        if (edited.equals(current)) {
            d.remove(Journaling.BACKUP);
            d.put("unchanged", "true");
            d.put("summary", path + " already as the plan wants it");
            return;
        }
        String backup = d.get(Journaling.BACKUP);
        run.replaceFile(server.host(), path, edited, backup);
        List<String> changed = PropertiesEditor.diff(current, edited).stream().map(PropertiesEditor.Change::key)
                .toList();
        d.put("changed", String.join(",", changed));
        d.put("summary", "edited " + path + " " + changed + " (previous kept at " + backup + ")");
    }

    private void postStart(ZooKeeperServerSpec server, Instant t0, Map<String, String> d)
            throws InterruptedException, StepFailedException {
        Timing t = timing(server);
        run.awaitRunning(watched(server), t0);
        EnsembleHealth.Verdict v = awaitHealthy(server, server, "ZooKeeper server " + server.id()
                + " to rejoin the quorum (leader sees every follower synced) with Kafka healthy", OutcomeKind.FAILED, t0);
        t.synced = now();
        if (!run.isRunning(watched(server))) {
            throw new StepFailedException(OutcomeKind.FAILED, "ZooKeeper server " + server.id() + "'s process exited"
                    + " after it rejoined: check its log");
        }
        Instant startedAt = t.startCommand != null ? t.startCommand : t0;
        Duration back = Duration.between(startedAt, t.synced);
        d.put("syncedMs", Long.toString(back.toMillis()));
        d.put("leader", Integer.toString(v.leader().getAsInt()));
        d.put("summary", "server " + server.id() + " back in the quorum " + seconds(back) + " after its start ("
                + v.reason() + ")");
    }

    private void serverDone(EnsembleStep step, ZooKeeperServerSpec server, Map<String, String> d) {
        Timing t = timing(server);
        Duration stop = t.stopCommand != null && t.stopped != null ? Duration.between(t.stopCommand, t.stopped) : null;
        Duration start = t.startCommand != null && t.synced != null ? Duration.between(t.startCommand, t.synced)
                : null;
        if (stop != null) {
            d.put("stopMs", Long.toString(stop.toMillis()));
        }
        if (start != null) {
            d.put("startMs", Long.toString(start.toMillis()));
        }
        summaries.add(new BrokerSummary(PHASE, EnsembleRoll.WAVE_PREFIX + server.id(), server.id(), server.host(),
                stop, start, null, step.resumed()));
        d.put("summary", "ZooKeeper server " + server.id() + " done");
    }

    /**
     * Polls the ensemble (and Kafka) until healthy on {@link #STABLE_POLLS} consecutive polls.
     *
     * @param restarted the server just started (its version is checked), or null
     * @param forEvents the server events are about, or null
     */
    private EnsembleHealth.Verdict awaitHealthy(ZooKeeperServerSpec forEvents, ZooKeeperServerSpec restarted,
                                                String purpose, OutcomeKind onFailure, Instant t0)
            throws InterruptedException, StepFailedException {
        String step = restarted == null ? EnsembleStepKind.PRE_STOP_GATES.journalName()
                : EnsembleStepKind.POST_START_GATES.journalName();
        return gate.await(states -> {
            lastStates = states;
            EnsembleHealth.Verdict v = EnsembleHealth.of(spec.servers(), states);
            List<String> problems = new ArrayList<>(EnsembleGate.problems(v));
            if (restarted != null) {
                EnsembleHealth.versionProblem(states.get(restarted.id()), spec.version()).ifPresent(problems::add);
            }
            return new EnsembleGate.Poll<>(v, v.leader(), problems);
        }, purpose, onFailure, t0, (waited, message) -> emit(ProgressEvent.Type.WAITING, forEvents, step, waited,
                message));
    }

    private RunSupport.Watched watched(ZooKeeperServerSpec server) {
        return watched(spec, server);
    }

    /** The server's process, as the roll and its rollback check it. */
    static RunSupport.Watched watched(ZooKeeperEnsembleSpec spec, ZooKeeperServerSpec server) {
        return RunSupport.Watched.of(server.host(), ZooKeeperEnsembleSpec.render(spec.service().isRunning(), server),
                "ZooKeeper server " + server.id());
    }

    private JournalEntry entry(EnsembleStepKind kind, ZooKeeperServerSpec server, String event,
                               Map<String, String> details) {
        return new JournalEntry(now(), plan.sha256(), PHASE, server == null ? null
                : EnsembleRoll.WAVE_PREFIX + server.id(), null, kind.journalName(), event, details);
    }

    private Timing timing(ZooKeeperServerSpec server) {
        return timings.computeIfAbsent(server.id(), k -> new Timing());
    }

    /** When one server's steps happened in this run. */
    private static final class Timing {
        Instant stopCommand;
        Instant stopped;
        Instant startCommand;
        Instant synced;
    }

    private void emit(ProgressEvent.Type type, ZooKeeperServerSpec server, String step, Duration stepElapsed,
                      String message) {
        run.emit(type, type == ProgressEvent.Type.RUN_STARTED || type == ProgressEvent.Type.RUN_FINISHED ? null
                : PHASE, server == null ? null : EnsembleRoll.WAVE_PREFIX + server.id(), null, step, stepElapsed,
                runStart, message);
    }

    private Instant now() {
        return run.now();
    }

    private Duration since(Instant t0) {
        return run.since(t0);
    }

    static String seconds(Duration d) {
        return RunSupport.seconds(d);
    }
}
