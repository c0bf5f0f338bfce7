package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.engine.BrokerRestorer;
import io.kupgrade.orchestrator.engine.JournalView;
import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.PauseCheck;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RestoreStep;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import io.kupgrade.orchestrator.engine.Rollbacks;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.engine.RunSupport;
import io.kupgrade.orchestrator.engine.StepFailedException;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.LockLostException;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ZooKeeperEnsembleSpec;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Carries out {@code kupgrade rollback --phase zookeeper-ensemble}: gives every ZooKeeper server the roll touched
 * its pre-roll zoo.cfg (and, with {@code rollback.install}, its binaries) back, one server at a time, as
 * {@link EnsembleRollback} decides, journaling each step's start and outcome ({@code rollback-<step>}, phase
 * {@value ZooKeeperEnsembleSpec#PHASE_NAME}, wave {@code server-<id>}) and a {@code rolled-back} marker per
 * server. Resumable: a run stopped in the middle of a server goes on with that server's first step that did not
 * succeed.
 *
 * <p>Gates (reference §1d), each held on two consecutive polls, as the roll's: before a server is stopped, every
 * server serves as leader or follower, one leads and sees {@code servers - 1} followers synced, and the Kafka
 * cluster has an active controller and every broker registered; a server that does not serve in the quorum (its
 * roll left it down or out) may be stopped when the others are healthy without it. After the start: the process
 * runs, and the full rule holds again with the restarted server among the synced followers; its process is
 * checked every 10 s of that wait. The server leading when the pre-stop gates pass is restored last.
 *
 * <p>Failures as the roll's: a gate that does not pass before a stop halts the run with nothing touched; anything
 * after the stop fails it (that server needs attention; run rollback again to resume it); an interruption ends
 * the run after the current wait. A lost lock ends the run at once, journaling nothing more.
 *
 * <p>One instance per run; not thread-safe, except {@code ports.interrupted()}.
 */
public final class EnsembleRestorer {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String PHASE = EnsembleRollback.PHASE;
    private static final List<String> PRE_STOP_GATES = List.of("every server leader or follower (or the server"
            + " out of the quorum and the others healthy without it)", "leader sees all followers synced",
            "Kafka controller present, every broker registered");
    private static final List<String> POST_START_GATES = List.of("process running", "every server leader or"
            + " follower", "leader sees all followers synced", "Kafka controller present, every broker registered");

    private final Plan plan;
    private final ZooKeeperEnsembleSpec spec;
    private final EnsembleRollback rollback;
    private final EnsembleRoller.Ports ports;
    private final RunSettings settings;
    private final RollRunner.Confirmer confirmer;
    private final RunSupport run;
    private final EnsembleGate gate;
    private PauseCheck pauseCheck = PauseCheck.NEVER;
    private Instant runStart;

    /**
     * @param confirmer asked once before the first server is touched, unless {@code settings.assumeYes()}
     */
    public EnsembleRestorer(Plan plan, ZooKeeperEnsembleSpec spec, EnsembleRoller.Ports ports, RunSettings settings,
                            RollRunner.Confirmer confirmer) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.rollback = new EnsembleRollback(spec);
        this.ports = ports;
        this.settings = settings;
        this.confirmer = confirmer == null ? RollRunner.Confirmer.NEVER : confirmer;
        this.run = new RunSupport(ports.executor(), settings, ports.clock(), ports.sleeper(), ports.interrupted(),
                ports.listener());
        this.gate = new EnsembleGate(spec.servers(), ports.probe(), ports.kafka(), run);
    }

    /** Honours {@code check} between servers (before one's restore begins); {@link PauseCheck#NEVER} by default. */
    public EnsembleRestorer pauseWhen(PauseCheck check) {
        this.pauseCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /** The gates of a restore step, for people (dry run, journal). */
    public static List<String> gatesFor(RestoreStep step) {
        return switch (step) {
            case PRE_STOP_GATES -> PRE_STOP_GATES;
            case POST_START_GATES -> POST_START_GATES;
            default -> List.of();
        };
    }

    /** Where the restore keeps the zoo.cfg it replaces: {@code <file>.kupgrade-zookeeper-ensemble-rollback-<UTC>.bak}. */
    public static String newBackupPath(String configFile, Instant at) {
        return configFile + ".kupgrade-" + PHASE + "-rollback-" + STAMP.format(at) + ".bak";
    }

    /** A phase named after the ensemble, for the confirmer (the operator types its name). */
    public static PhaseSpec confirmationPhase() {
        return new PhaseSpec(PHASE, null, null, Map.of(), List.of(), false, null);
    }

    /**
     * Rolls back every server the roll touched.
     *
     * @param label what was asked, for the journal and people
     * @param forcedOver the refusals {@code --force} overrode (journaled as {@code rollback-forced}); empty when none
     */
    public RollbackOutcome run(String label, List<String> forcedOver) {
        runStart = run.now();
        try {
            return runFenced(label, forcedOver);
        } catch (LockLostException e) {
            // the journal refused an append: another run may hold the lock; stop at once, journal nothing more
            return new RollbackOutcome(OutcomeKind.FAILED, "lost the cluster's lock: " + e.getMessage()
                    + ". This rollback did nothing more; run it again once no other run holds the lock", PHASE,
                    List.of(), List.of(), forcedOver, run.since(runStart));
        }
    }

    private RollbackOutcome runFenced(String label, List<String> forcedOver) {
        String sha = plan.sha256();
        List<Integer> order = rollback.order(view(), OptionalInt.empty());
        if (order.isEmpty()) {
            return new RollbackOutcome(OutcomeKind.DONE, "nothing to roll back: the ZooKeeper ensemble roll touched no"
                    + " server (or every one was rolled back already)", PHASE, List.of(), List.of(), List.of(),
                    Duration.ZERO);
        }
        if (!settings.assumeYes()) {
            String question = "Roll back the ZooKeeper ensemble on server(s) " + order + " (stop, restore zoo.cfg"
                    + (spec.rollbackInstall() != null ? " and binaries" : "") + ", start each; followers first, the"
                    + " leader last)?" + (forcedOver.isEmpty() ? "" : " FORCED over: " + String.join("; ", forcedOver));
            if (!confirmer.confirm(confirmationPhase(), question)) {
                return new RollbackOutcome(OutcomeKind.DECLINED, "rollback of the ZooKeeper ensemble not confirmed"
                        + " (answer yes, or pass --yes); nothing was touched", PHASE, List.of(), List.of(), forcedOver,
                        Duration.ZERO);
            }
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("phase", PHASE);
        d.put("selection", label);
        d.put("servers", order.toString());
        ports.journal().append(Rollbacks.runEntry(run.now(), sha, Journaling.STARTED, d));
        emit(ProgressEvent.Type.RUN_STARTED, null, Rollbacks.ROLLBACK_RUN, Duration.ZERO, label + ": ZooKeeper"
                + " server(s) " + order + ", one at a time, followers first, the leader last");
        if (!forcedOver.isEmpty()) {
            ports.journal().append(Rollbacks.forcedEntry(run.now(), sha, PHASE, forcedOver));
            emit(ProgressEvent.Type.INFO, null, Rollbacks.ROLLBACK_RUN, Duration.ZERO, "WARNING: --force: rolling"
                    + " back the ZooKeeper ensemble beneath phases that touched brokers: " + String.join("; ",
                    forcedOver));
        }
        List<Integer> restored = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        while (true) {
            if (run.interrupted()) {
                return end(OutcomeKind.INTERRUPTED, "interrupted between servers; run rollback again to go on",
                        restored, notes, forcedOver);
            }
            if (rollback.remaining(view()).isEmpty()) {
                return end(OutcomeKind.DONE, "ZooKeeper ensemble rolled back on server(s) " + restored + " in this"
                        + " order; every one back in the quorum, the leader sees all followers synced, Kafka kept"
                        + " its controller and brokers. apply will roll them again", restored, notes, forcedOver);
            }
            // only before a server's restore begins (its pre-stop gates): a pause never leaves a server stopped
            if (betweenServers()) {
                Optional<String> pause;
                try {
                    pause = pauseCheck.pausedBecause();
                } catch (RuntimeException e) {
                    String message = "cannot tell whether the cluster is paused (" + e.getMessage() + "); rollback"
                            + " halted before the next ZooKeeper server rather than go on without knowing; no server"
                            + " is left half-done. Run rollback again once the pause marker can be read";
                    emit(ProgressEvent.Type.INFO, null, Rollbacks.ROLLBACK_RUN, Duration.ZERO, message);
                    return end(OutcomeKind.HALTED, message, restored, notes, forcedOver);
                }
                if (pause.isPresent()) {
                    return end(OutcomeKind.HALTED, Journaling.PAUSED, "rollback paused before the next ZooKeeper"
                            + " server (" + pause.get() + "); no server is left half-done. Run kupgrade resume, then"
                            + " rollback to continue", Map.of("pause", pause.get()), restored, notes, forcedOver);
                }
            }
            Restored r = restoreNext();
            if (r.note != null && !notes.contains(r.note)) {
                notes.add(r.note);
            }
            if (r.kind != OutcomeKind.DONE) {
                String msg = switch (r.kind) {
                    case HALTED -> "rollback halted before touching " + r.message + ". Run rollback again once the"
                            + " ensemble is healthy";
                    case INTERRUPTED -> "interrupted at " + r.message + "; run rollback again to resume";
                    default -> "rollback failed at " + r.message + ". ZooKeeper server " + r.server + " needs"
                            + " attention; run rollback again to resume it";
                };
                return end(r.kind, msg, restored, notes, forcedOver);
            }
            restored.add(r.server);
        }
    }

    /** How one server's restore ended. */
    private record Restored(OutcomeKind kind, Integer server, String message, String note) {
    }

    private JournalView view() {
        return JournalView.of(ports.journal().entries(), plan.sha256());
    }

    /** True when no server's restore has begun beyond its pre-stop gates: none is stopped by this rollback. */
    private boolean betweenServers() {
        JournalView view = view();
        OptionalInt open = rollback.inProgress(view);
        return open.isEmpty() || rollback.planFor(view, spec.server(open.getAsInt())).steps()
                .contains(RestoreStep.PRE_STOP_GATES);
    }

    /** Restores the next server (the one in progress, else chosen when the pre-stop gates pass). */
    private Restored restoreNext() {
        JournalView view = view();
        OptionalInt open = rollback.inProgress(view);
        ZooKeeperServerSpec server = open.isPresent() ? spec.server(open.getAsInt()) : null;
        EnsembleRollback.ServerPlan sp = server == null ? null : rollback.planFor(view, server);
        if (server == null || sp.steps().contains(RestoreStep.PRE_STOP_GATES)) {
            Instant t0 = run.now();
            if (server != null) {
                journal(server, RestoreStep.PRE_STOP_GATES, Journaling.STARTED, gateDetails(RestoreStep.PRE_STOP_GATES));
            }
            emit(ProgressEvent.Type.STEP_STARTED, server, RestoreStep.PRE_STOP_GATES.journalName(
                    Rollbacks.ROLLBACK_PREFIX), Duration.ZERO, PHASE + (server == null ? "" : " server " + server.id())
                    + ": " + RestoreStep.PRE_STOP_GATES.journalName(Rollbacks.ROLLBACK_PREFIX));
            try {
                Map<String, String> d = new LinkedHashMap<>();
                server = preStop(view, server, t0, d);
                sp = rollback.planFor(view, server);
                journal(server, RestoreStep.PRE_STOP_GATES, Journaling.SUCCEEDED, d);
                emit(ProgressEvent.Type.STEP_SUCCEEDED, server, RestoreStep.PRE_STOP_GATES.journalName(
                        Rollbacks.ROLLBACK_PREFIX), run.since(t0), d.get("summary"));
            } catch (InterruptedException e) {
                Thread.interrupted();
                return ended(server, RestoreStep.PRE_STOP_GATES, t0, OutcomeKind.INTERRUPTED, "interrupted", null);
            } catch (StepFailedException e) {
                return ended(server, RestoreStep.PRE_STOP_GATES, t0, OutcomeKind.HALTED, e.getMessage(), null);
            } catch (HostUnreachableException e) {
                return ended(server, RestoreStep.PRE_STOP_GATES, t0, OutcomeKind.HALTED, "host unreachable: "
                        + e.getMessage(), null);
            } catch (LockLostException e) {
                throw e;
            } catch (RuntimeException e) {
                return ended(server, RestoreStep.PRE_STOP_GATES, t0, OutcomeKind.HALTED, String.valueOf(e.getMessage()),
                        null);
            }
        }
        return restore(server, sp);
    }

    /** The steps after the pre-stop gates, then the marker. */
    private Restored restore(ZooKeeperServerSpec server, EnsembleRollback.ServerPlan sp) {
        String note = null;
        boolean skipStop = false;
        if (sp.binariesNotRestored()) {
            note = "ZooKeeper server " + server.id() + ": the ensemble roll installed `" + spec.install() + "` but the"
                    + " plan gives no zookeeperEnsemble.rollback.install: zoo.cfg restored, binaries not";
        }
        boolean stoppedHere = false;
        for (RestoreStep s : sp.steps()) {
            if (s == RestoreStep.PRE_STOP_GATES) {
                continue;
            }
            Instant t0 = run.now();
            Map<String, String> start = startDetails(s, sp, server);
            journal(server, s, Journaling.STARTED, start);
            emit(ProgressEvent.Type.STEP_STARTED, server, s.journalName(Rollbacks.ROLLBACK_PREFIX), Duration.ZERO,
                    describe(s, server, start));
            try {
                Map<String, String> d = new LinkedHashMap<>();
                switch (s) {
                    case STOP -> {
                        if (!run.isRunning(watched(server))) {
                            skipStop = true;
                            d.put("summary", "not running: nothing to stop");
                        } else {
                            RunSupport.requireOk(run.retried(() -> ports.executor().run(server.host(),
                                    start.get("command"), settings.commandTimeout())), "stop command");
                            d.put("summary", "stop command sent");
                        }
                    }
                    case AWAIT_EXIT -> {
                        // never SIGKILL, as in the roll
                        run.awaitExit(watched(server), t0, "", waited -> emit(
                                ProgressEvent.Type.WAITING, server, s.journalName(Rollbacks.ROLLBACK_PREFIX), waited,
                                "waiting for ZooKeeper server " + server.id() + " to exit"));
                        stoppedHere = !skipStop;
                        d.put("summary", skipStop ? "not running" : "process exited");
                    }
                    case INSTALL -> {
                        if (sp.installCommand() == null) {
                            d.put("notRestored", "binaries: the plan gives no zookeeperEnsemble.rollback.install");
                            d.put("summary", "binaries NOT restored: the plan gives no zookeeperEnsemble.rollback"
                                    + ".install");
                        } else {
                            RunSupport.requireOk(ports.executor().run(server.host(), sp.installCommand(),
                                    settings.installTimeout()), "rollback install command");
                            d.put("summary", "ran " + sp.installCommand());
                        }
                    }
                    case CONFIG -> restoreConfig(sp, server, start, d);
                    case START -> {
                        if (run.isRunning(watched(server))) {
                            d.put("summary", "already running");
                        } else {
                            // not retried: a start whose effect is unknown is resolved by isRunning next time
                            RunSupport.requireOk(ports.executor().run(server.host(), start.get("command"),
                                    settings.startTimeout()), "start command");
                            d.put("summary", "start command ran");
                        }
                    }
                    case POST_START_GATES -> postStart(server, sp, t0, stoppedHere, d);
                    default -> {
                    }
                }
                journal(server, s, Journaling.SUCCEEDED, d);
                emit(ProgressEvent.Type.STEP_SUCCEEDED, server, s.journalName(Rollbacks.ROLLBACK_PREFIX),
                        run.since(t0), d.getOrDefault("summary", "done"));
            } catch (InterruptedException e) {
                Thread.interrupted();
                return ended(server, s, t0, OutcomeKind.INTERRUPTED, "interrupted", note);
            } catch (StepFailedException e) {
                return ended(server, s, t0, e.kind(), e.getMessage(), note);
            } catch (HostUnreachableException e) {
                // a start or an install is never retried (its effect is unknown): do not claim retries for it
                String reason = switch (s) {
                    case START -> RunSupport.unreachableNotResent(server.host(), "the next rollback checks whether"
                            + " the server runs", e);
                    case INSTALL -> RunSupport.unreachableNotResent(server.host(), "the next rollback runs it again",
                            e);
                    default -> run.unreachable(server.host(), e);
                };
                return ended(server, s, t0, OutcomeKind.FAILED, reason, note);
            } catch (LockLostException e) {
                throw e;
            } catch (RuntimeException e) {
                return ended(server, s, t0, OutcomeKind.FAILED, String.valueOf(e.getMessage()), note);
            }
        }
        Map<String, String> marker = new LinkedHashMap<>();
        marker.put(Rollbacks.BY, BrokerRestorer.Origin.ROLLBACK.word());
        if (sp.binariesNotRestored()) {
            marker.put("notRestored", "binaries");
        }
        ports.journal().append(new JournalEntry(run.now(), plan.sha256(), PHASE, wave(server), null,
                Rollbacks.ROLLED_BACK, Journaling.SUCCEEDED, marker));
        String what = (sp.backup() != null ? "zoo.cfg restored" : "zoo.cfg unchanged by the roll")
                + (sp.installCommand() != null ? ", binaries restored" : sp.binariesNotRestored()
                ? ", binaries NOT restored (no rollback.install)" : "");
        emit(ProgressEvent.Type.INFO, server, Rollbacks.ROLLED_BACK, Duration.ZERO, "ZooKeeper server " + server.id()
                + " rolled back: " + what + ", back in the quorum");
        return new Restored(OutcomeKind.DONE, server.id(), "ZooKeeper server " + server.id() + ": " + what, note);
    }

    /**
     * Waits for the pre-stop gates; chooses the server on the polls that pass when none is in progress.
     *
     * @param fixed the server in progress, or null to choose one
     */
    private ZooKeeperServerSpec preStop(JournalView view, ZooKeeperServerSpec fixed, Instant t0, Map<String, String> d)
            throws InterruptedException, StepFailedException {
        String purpose = fixed == null ? "the ensemble and Kafka to be healthy before a server is rolled back"
                : "the ensemble and Kafka to be healthy before ZooKeeper server " + fixed.id() + " is rolled back";
        record Chosen(ZooKeeperServerSpec server, EnsembleHealth.Verdict verdict, boolean alone) {
        }
        Chosen c = gate.await(states -> {
            EnsembleHealth.Verdict all = EnsembleHealth.of(spec.servers(), states);
            ZooKeeperServerSpec chosen = fixed != null ? fixed : rollback.choose(view, all.leader());
            if (all.healthy()) {
                return new EnsembleGate.Poll<>(new Chosen(chosen, all, false), chosen.id(), List.of());
            }
            ServerState mine = states.get(chosen.id());
            if (mine == null || !mine.inQuorum()) {
                // a server out of the quorum may go when the others are healthy without it
                List<ZooKeeperServerSpec> others = spec.servers().stream().filter(s -> s.id() != chosen.id())
                        .toList();
                EnsembleHealth.Verdict rest = EnsembleHealth.of(others, states);
                if (rest.healthy()) {
                    return new EnsembleGate.Poll<>(new Chosen(chosen, rest, true), chosen.id(), List.of());
                }
                return new EnsembleGate.Poll<>(null, chosen.id(), List.of("without server " + chosen.id() + ": "
                        + rest.reason()));
            }
            return new EnsembleGate.Poll<>(null, chosen.id(), EnsembleGate.problems(all));
        }, purpose, OutcomeKind.HALTED, t0, (waited, message) -> emit(ProgressEvent.Type.WAITING, fixed,
                RestoreStep.PRE_STOP_GATES.journalName(Rollbacks.ROLLBACK_PREFIX), waited, message));
        ZooKeeperServerSpec chosen = c.server();
        boolean leader = c.verdict().leader().isPresent() && c.verdict().leader().getAsInt() == chosen.id();
        d.put("server", Integer.toString(chosen.id()));
        d.put("host", chosen.host());
        d.put("leader", Integer.toString(c.verdict().leader().getAsInt()));
        d.put("role", leader ? "leader" : c.alone() ? "out of the quorum" : "follower");
        d.put("gates", String.join(", ", PRE_STOP_GATES));
        d.put("summary", c.verdict().reason() + (c.alone() ? " (without server " + chosen.id() + ")" : "")
                + "; server " + chosen.id() + " (" + (leader ? "the leader, last" : c.alone() ? "out of the quorum"
                : "a follower") + ") may stop");
        return chosen;
    }

    private void restoreConfig(EnsembleRollback.ServerPlan sp, ZooKeeperServerSpec server, Map<String, String> start,
                               Map<String, String> d) throws StepFailedException {
        run.restoreBackup(server.host(), sp.configFile(), sp.backup(), sp.backupCertain(), start.get(Journaling.BACKUP),
                "as before the roll", d);
    }

    private void postStart(ZooKeeperServerSpec server, EnsembleRollback.ServerPlan sp, Instant t0, boolean stoppedHere,
                           Map<String, String> d) throws InterruptedException, StepFailedException {
        run.awaitRunning(watched(server), t0);
        String purpose = "ZooKeeper server " + server.id() + " to " + (stoppedHere ? "rejoin" : "be in")
                + " the quorum (leader sees every follower synced) with Kafka healthy";
        // binaries given back: the server must run what it ran before the roll (journaled at the roll's stop)
        String version = sp.binariesNotRestored() ? null : sp.versionBefore();
        EnsembleHealth.Verdict v = gate.await(states -> {
            EnsembleHealth.Verdict all = EnsembleHealth.of(spec.servers(), states);
            List<String> problems = new ArrayList<>(EnsembleGate.problems(all));
            ServerState mine = states.get(server.id());
            if (version != null && mine != null && mine.mode().isPresent()) {
                EnsembleHealth.versionProblem(mine, version).ifPresent(p -> problems.add(p + " (its version before"
                        + " the roll)"));
            }
            return new EnsembleGate.Poll<>(all, all.leader(), problems);
        }, purpose, OutcomeKind.FAILED, t0, (waited, message) -> emit(ProgressEvent.Type.WAITING, server,
                RestoreStep.POST_START_GATES.journalName(Rollbacks.ROLLBACK_PREFIX), waited, message), failing -> {
                if (!run.isRunning(watched(server))) {
                    throw new StepFailedException(OutcomeKind.FAILED, "ZooKeeper server " + server.id() + "'s process"
                            + " exited while waiting for " + purpose + " (" + failing + "): check its log");
                }
            });
        if (!run.isRunning(watched(server))) {
            throw new StepFailedException(OutcomeKind.FAILED, "ZooKeeper server " + server.id() + "'s process exited"
                    + " after it rejoined: check its log");
        }
        Duration back = run.since(t0);
        d.put("syncedMs", Long.toString(back.toMillis()));
        d.put("leader", Integer.toString(v.leader().getAsInt()));
        if (version != null) {
            d.put(EnsembleRoller.VERSION, version);
        }
        d.put("summary", "server " + server.id() + " back in the quorum " + RunSupport.seconds(back) + " after its"
                + " start (" + v.reason() + ")");
    }

    private Restored ended(ZooKeeperServerSpec server, RestoreStep s, Instant t0, OutcomeKind kind, String reason,
                           String note) {
        String event = Journaling.event(kind);
        if (server != null) {
            journal(server, s, event, Map.of("reason", reason == null ? "?" : reason));
        }
        emit(ProgressEvent.Type.stepEnded(kind), server, s.journalName(Rollbacks.ROLLBACK_PREFIX), run.since(t0),
                reason);
        String where = server == null ? "the ZooKeeper ensemble's " + s.journalName(Rollbacks.ROLLBACK_PREFIX)
                : "ZooKeeper server " + server.id() + "'s " + s.journalName(Rollbacks.ROLLBACK_PREFIX);
        return new Restored(kind, server == null ? null : server.id(), where + ": " + reason, note);
    }

    private RollbackOutcome end(OutcomeKind kind, String message, List<Integer> restored, List<String> notes,
                                List<String> forcedOver) {
        return end(kind, Journaling.event(kind), message, Map.of(), restored, notes, forcedOver);
    }

    private RollbackOutcome end(OutcomeKind kind, String event, String message, Map<String, String> details,
                                List<Integer> restored, List<String> notes, List<String> forcedOver) {
        String full = notes.isEmpty() ? message : message + ". WARNING: " + String.join("; ", notes);
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put("message", full);
        ports.journal().append(Rollbacks.runEntry(run.now(), plan.sha256(), event, d));
        emit(ProgressEvent.Type.RUN_FINISHED, null, Rollbacks.ROLLBACK_RUN, Duration.ZERO, kind + ": " + full);
        return new RollbackOutcome(kind, full, PHASE, restored, notes, forcedOver, run.since(runStart));
    }

    private Map<String, String> startDetails(RestoreStep s, EnsembleRollback.ServerPlan sp, ZooKeeperServerSpec server) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("server", Integer.toString(server.id()));
        d.put("host", server.host());
        switch (s) {
            case STOP -> d.put("command", ZooKeeperEnsembleSpec.render(spec.service().stop(), server));
            case START -> d.put("command", ZooKeeperEnsembleSpec.render(spec.service().start(), server));
            case INSTALL -> {
                if (sp.installCommand() != null) {
                    d.put("command", sp.installCommand());
                }
            }
            case CONFIG -> {
                d.put("file", sp.configFile());
                d.put("from", sp.backup());
                d.put(Journaling.BACKUP, newBackupPath(sp.configFile(), run.now()));
            }
            default -> {
            }
        }
        d.putAll(gateDetails(s));
        return d;
    }

    private static Map<String, String> gateDetails(RestoreStep s) {
        List<String> gates = gatesFor(s);
        return gates.isEmpty() ? Map.of() : Map.of("gates", String.join(", ", gates));
    }

    private static String describe(RestoreStep s, ZooKeeperServerSpec server, Map<String, String> start) {
        String what = PHASE + " server " + server.id() + ": " + s.journalName(Rollbacks.ROLLBACK_PREFIX);
        if (start.containsKey("command")) {
            return what + ": " + start.get("command");
        }
        if (s == RestoreStep.CONFIG) {
            return what + ": " + start.get("file") + " <- " + start.get("from");
        }
        return what;
    }

    private void journal(ZooKeeperServerSpec server, RestoreStep s, String event, Map<String, String> details) {
        ports.journal().append(new JournalEntry(run.now(), plan.sha256(), PHASE, wave(server), null,
                s.journalName(Rollbacks.ROLLBACK_PREFIX), event, details));
    }

    private static String wave(ZooKeeperServerSpec server) {
        return EnsembleRoll.WAVE_PREFIX + server.id();
    }

    private RunSupport.Watched watched(ZooKeeperServerSpec server) {
        return EnsembleRoller.watched(spec, server);
    }

    private void emit(ProgressEvent.Type type, ZooKeeperServerSpec server, String step, Duration stepElapsed,
                      String message) {
        run.emit(type, PHASE, server == null ? null : wave(server), null, step, stepElapsed, runStart, message);
    }
}
