package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.LockLostException;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.MaintenanceWindows;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Carries out the steps {@link RollEngine} decides, through ports, journaling each step's start and outcome
 * before deciding the next one. It owns no sockets and no clock: hosts are reached through the
 * {@link HostExecutor}, the cluster through the {@link GatePort}, time through the injected clock and sleeper.
 *
 * <p>Failures are typed in one place ({@link #failureKind}): a gate or error before a broker is stopped
 * (pre-stop gates, soak, finalize) halts the run with the cluster safe; anything that goes wrong between a
 * broker's stop and its post-start gates fails the run (a broker may need attention); an interruption ends
 * the run after the current wait, starting nothing new. In every case the journal says exactly where the run
 * stopped, and the next run resumes there. The one exception: when the journal refuses an append because
 * this run lost the cluster's lock ({@link LockLostException}), the run ends at once as FAILED and records
 * nothing more, since another run may hold the lock by then.
 *
 * <p>One instance per run; not thread-safe, except {@code ports.interrupted()}, which another thread (a
 * shutdown hook) may flip.
 */
public final class RollRunner {

    /** Asks the operator to confirm a point-of-no-return phase. */
    @FunctionalInterface
    public interface Confirmer {
        Confirmer NEVER = (phase, question) -> false;

        boolean confirm(PhaseSpec phase, String question);
    }

    /**
     * Expands a phase's waves for the cluster as it is now (the active controller last); throws when the phase
     * must not start on the cluster as it is now (the phase-start step ends as the exception says).
     */
    @FunctionalInterface
    public interface WaveLayouter {
        List<Wave> layout(PhaseSpec phase) throws StepFailedException;
    }

    /** How the runner passes time; tests advance their clock instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Everything the runner acts through. */
    public record Ports(HostExecutor executor, GatePort gates, Finalizer finalizer, WaveLayouter layouter,
                        ConfigEditor editor, Journal journal, Clock clock, Sleeper sleeper,
                        BooleanSupplier interrupted, ProgressEvent.Listener listener, Confirmer confirmer) {
        public Ports {
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(gates, "gates");
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(sleeper, "sleeper");
            finalizer = finalizer == null ? Finalizer.NONE : finalizer;
            interrupted = interrupted == null ? () -> false : interrupted;
            listener = listener == null ? ProgressEvent.Listener.NONE : listener;
            confirmer = confirmer == null ? Confirmer.NEVER : confirmer;
        }
    }

    private static final DateTimeFormatter BACKUP_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** How often a post-start gate wait checks that the broker's process is still there. */
    private static final Duration LIVENESS_EVERY = Duration.ofSeconds(10);

    private final RollEngine engine;
    private final Plan plan;
    private final Ports ports;
    private final RunSettings settings;
    private final RunSupport run;
    private final List<BrokerSummary> summaries = new ArrayList<>();
    private final Map<String, Timing> timings = new HashMap<>();
    private Instant runStart;
    private Step current;
    private PauseCheck pauseCheck = PauseCheck.NEVER;
    /** The plan's maintenance windows, or {@link MaintenanceWindows#ALWAYS} when overridden. */
    private MaintenanceWindows windows;
    /** The kind of the last step this run carried out; null before the first. */
    private StepKind lastDone;
    /** Batch-mates whose start failed together with another's ({@link #startTogether}), with why. */
    private final Map<Integer, String> failedTogether = new LinkedHashMap<>();

    public RollRunner(RollEngine engine, Ports ports, RunSettings settings) {
        this.engine = engine;
        this.plan = engine.plan();
        this.ports = ports;
        this.settings = settings;
        this.windows = plan.rollout().windows();
        this.run = new RunSupport(ports.executor(), settings, ports.clock(), ports.sleeper(), ports.interrupted(),
                ports.listener());
    }

    /**
     * Lets an operator pause the run between brokers ({@code kupgrade pause}); default {@link PauseCheck#NEVER}.
     * A pause ends the run as {@link OutcomeKind#HALTED}, journaled as {@code paused} with the reason.
     */
    public RollRunner pauseWhen(PauseCheck check) {
        this.pauseCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /**
     * Begins brokers outside the plan's {@code rollout.maintenanceWindows} too ({@code apply --ignore-windows}):
     * an operator's decision for an urgent roll, journaled with the run's start. The plan stays the same, so a
     * run halted at a window's end can be resumed this way.
     */
    public RollRunner ignoreWindows() {
        this.windows = MaintenanceWindows.ALWAYS;
        return this;
    }

    /**
     * Runs the selection to its end, or until a step halts, fails or is interrupted.
     *
     * @throws RunRefusedException before anything is touched: another plan's unfinished run in the journal,
     *     an unknown or out-of-order phase or wave
     */
    public RollOutcome run(Selection selection) {
        try {
            return runFenced(selection);
        } catch (LockLostException e) {
            return lockLost(e);
        }
    }

    /**
     * The state store refused an append because this run lost the cluster's lock (ZooKeeper session expired):
     * stop acting at once and journal nothing more; another run may hold the lock now.
     */
    private RollOutcome lockLost(LockLostException e) {
        Instant start = runStart == null ? now() : runStart;
        String message = RunSupport.lockLost(current == null ? null : current.describe(), e);
        Duration elapsed = Duration.between(start, now());
        emit(ProgressEvent.Type.RUN_FINISHED, current, Journaling.RUN, elapsed, OutcomeKind.FAILED + ": " + message);
        return new RollOutcome(OutcomeKind.FAILED, message, summaries, elapsed, current, false);
    }

    private RollOutcome runFenced(Selection selection) {
        String sha = plan.sha256();
        JournalView view = JournalView.of(ports.journal().entries(), sha);
        Target target = engine.resolve(view, selection);
        runStart = now();
        if (target.nothingToDo() != null) {
            return new RollOutcome(OutcomeKind.DONE, "nothing to do: " + target.nothingToDo(), List.of(),
                    Duration.ZERO, null, view.planDone());
        }
        boolean windowsIgnored = windows != plan.rollout().windows();
        Map<String, String> started = new LinkedHashMap<>();
        started.put("selection", target.label());
        if (windowsIgnored) {
            started.put("maintenanceWindows", "ignored (--ignore-windows): " + plan.rollout().windows().describe());
        }
        ports.journal().append(Journaling.runEntry(now(), sha, Journaling.STARTED, started));
        emit(ProgressEvent.Type.RUN_STARTED, null, Journaling.RUN, Duration.ZERO, "apply " + target.label());
        if (windowsIgnored) {
            emit(ProgressEvent.Type.INFO, null, Journaling.RUN, Duration.ZERO, "WARNING: --ignore-windows: brokers"
                    + " are begun outside the plan's maintenance windows (" + plan.rollout().windows().describe()
                    + ")");
        }
        Set<String> confirmed = new HashSet<>();
        while (true) {
            if (ports.interrupted().getAsBoolean()) {
                return endRun(OutcomeKind.INTERRUPTED, "interrupted between steps; nothing was left half-done"
                        + " by this run. Run apply again to continue", null, false);
            }
            Decision decision = engine.next(JournalView.of(ports.journal().entries(), sha), target);
            if (decision instanceof Decision.Finished f) {
                return endRun(OutcomeKind.DONE, f.message(), null, f.planDone());
            }
            Step step = ((Decision.Next) decision).step();
            PhaseSpec phase = step.phase();
            // only between brokers (or batches): a pause never leaves a broker stopped (run-book: pause a run
            // between brokers)
            boolean betweenBrokers = step.kind() == StepKind.PRE_STOP_GATES || step.kind() == StepKind.BATCH_START
                    || step.kind() == StepKind.PHASE_START;
            if (betweenBrokers) {
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
            // a broker (batch, phase, finalize) is begun only inside rollout.maintenanceWindows; one begun is finished.
            // Asked again before the stop its pre-stop gates just passed: those may have waited past the window's end
            if (betweenBrokers || step.kind() == StepKind.FINALIZE || (step.kind() == StepKind.STOP
                    && (lastDone == StepKind.PRE_STOP_GATES || lastDone == StepKind.BATCH_START))) {
                Optional<String> closed = RunSupport.outsideWindows(windows, now(), step.describe());
                if (closed.isPresent()) {
                    return endRun(OutcomeKind.HALTED, closed.get(), step, false);
                }
            }
            if (phase.pointOfNoReturn() && !settings.assumeYes() && !confirmed.contains(phase.name())
                    && (step.kind().action() || step.kind() == StepKind.PHASE_START)) {
                String question = "Phase " + phase.name() + " is a point of no return: once brokers run it,"
                        + " a rollback is refused. Continue?";
                if (!ports.confirmer().confirm(phase, question)) {
                    return endRun(OutcomeKind.DECLINED, "phase " + phase.name() + " is a point of no return and was"
                            + " not confirmed (answer yes, or pass --yes); nothing of it was done by this run",
                            step, false);
                }
                confirmed.add(phase.name());
            }
            RollOutcome stopped = execute(step);
            if (stopped != null) {
                return stopped;
            }
            lastDone = step.kind();
        }
    }

    private RollOutcome endRun(OutcomeKind kind, String message, Step at, boolean planDone) {
        String event = Journaling.event(kind);
        ports.journal().append(Journaling.runEntry(now(), plan.sha256(), event, Map.of("message", message)));
        Duration elapsed = Duration.between(runStart, now());
        emit(ProgressEvent.Type.RUN_FINISHED, at, Journaling.RUN, elapsed, kind + ": " + message);
        return new RollOutcome(kind, message, summaries, elapsed, at, planDone);
    }

    /** A pause honoured before {@code next}: journaled as {@code paused}, reported as HALTED. */
    private RollOutcome paused(Step next, String why) {
        String message = "paused before " + next.describe() + " (" + why + "); no broker is left half-done."
                + " Run kupgrade resume, then apply to continue";
        ports.journal().append(Journaling.runEntry(now(), plan.sha256(), Journaling.PAUSED,
                Map.of("message", message, "pause", why)));
        Duration elapsed = Duration.between(runStart, now());
        emit(ProgressEvent.Type.RUN_FINISHED, next, Journaling.RUN, elapsed, "PAUSED: " + message);
        return new RollOutcome(OutcomeKind.HALTED, message, summaries, elapsed, null, false);
    }

    /**
     * The pause marker could not be read (its state store does not answer): halt before {@code next} rather than
     * roll past an operator's pause. Said on the listener first, so the operator learns why even when the halt
     * itself cannot be journaled (the same store holds the journal).
     */
    private RollOutcome pauseUnreadable(Step next, RuntimeException e) {
        String message = "cannot tell whether the cluster is paused (" + e.getMessage() + "); halted before "
                + next.describe() + " rather than go on without knowing; no broker is left half-done. Run apply"
                + " again once the pause marker can be read";
        emit(ProgressEvent.Type.INFO, next, Journaling.RUN, Duration.ZERO, message);
        return endRun(OutcomeKind.HALTED, message, next, false);
    }

    /**
     * Where failures are typed: before a broker is stopped (and during soaks and finalize) the cluster is as
     * it was found, so the run halts; between a broker's stop and its post-start gates, it fails.
     */
    static OutcomeKind failureKind(StepKind kind) {
        return switch (kind) {
            case PROBE, STOP, DRAIN_LEADERS, AWAIT_EXIT, INSTALL, EDIT_CONFIG, START, POST_START_GATES -> OutcomeKind.FAILED;
            default -> OutcomeKind.HALTED;
        };
    }

    /** Executes one step (a batch's starts together); null when it succeeded, else the run's outcome. */
    private RollOutcome execute(Step step) {
        if (step.kind() == StepKind.START) {
            List<Step> together = engine.batchStarts(JournalView.of(ports.journal().entries(), plan.sha256()), step);
            if (together.size() > 1) {
                return startTogether(together);
            }
        }
        StepFailure failure = attempt(step);
        return failure == null ? null : stepEnded(step, failure);
    }

    /**
     * A batch's start commands, sent at once (one thread each) instead of one after the other: a start command
     * may take a while to return (the sandbox's returns once the JVM runs, 0.5-1.6 s), and every member it made
     * wait started that much later (issue 7). Each start is journaled {@code started} before any command is sent
     * (a run killed meanwhile probes them all, as it would one start), then each is journaled as it ended, in
     * batch order. A start is never re-sent: one that fails ends the run as a single failed start does, and a
     * second one that fails is named with it ({@link #bringBackBatchMates} does not start it again).
     */
    private RollOutcome startTogether(List<Step> steps) {
        List<Map<String, String>> details = new ArrayList<>();
        List<Instant> starts = new ArrayList<>();
        for (Step s : steps) {
            current = s;
            Instant t0 = now();
            Map<String, String> d = startDetails(s);
            ports.journal().append(Journaling.entry(t0, plan.sha256(), s, Journaling.STARTED, d));
            emit(ProgressEvent.Type.STEP_STARTED, s, s.kind().journalName(), Duration.ZERO, describeStart(s, d));
            details.add(d);
            starts.add(t0);
        }
        ports.gates().beforeAction();
        List<CompletableFuture<CommandResult>> sent = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String command = details.get(i).get("command");
            timing(s).startCommand = now();
            sent.add(CompletableFuture.supplyAsync(() -> ports.executor().run(s.broker().host(), command,
                    settings.startTimeout()), runnable -> {
                        Thread t = new Thread(runnable, "kupgrade-start-" + s.brokerId());
                        t.setDaemon(true);
                        t.start();
                    }));
        }
        // every command has returned before any result is acted on: no start outlives this step
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        Step firstFailed = null;
        StepFailure firstFailure = null;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            current = s;
            StepFailure f;
            try {
                RunSupport.requireOk(RunSupport.joined(sent.get(i)), "start command");
                ports.journal().append(Journaling.entry(now(), plan.sha256(), s, Journaling.SUCCEEDED,
                        details.get(i)));
                emit(ProgressEvent.Type.STEP_SUCCEEDED, s, s.kind().journalName(), since(starts.get(i)), "done");
                continue;
            } catch (StepFailedException | RuntimeException e) {
                f = failedBy(s, starts.get(i), e);
            }
            if (firstFailed == null) {
                firstFailed = s;
                firstFailure = f;
            } else {
                failedTogether.put(s.brokerId(), f.reason());
            }
        }
        return firstFailed == null ? null : stepEnded(firstFailed, firstFailure);
    }

    /** How a step ended that did not succeed: its kind (halted, failed, interrupted) and one line why. */
    private record StepFailure(OutcomeKind kind, String reason) {
    }

    /**
     * Executes one step and journals its outcome; null when it succeeded. Does not end the run.
     *
     * @throws LockLostException when the journal refused an append: nothing more may be done
     */
    private StepFailure attempt(Step step) {
        current = step;
        Instant t0 = now();
        Map<String, String> startDetails = startDetails(step);
        if (step.kind().action()) {
            ports.journal().append(Journaling.entry(t0, plan.sha256(), step, Journaling.STARTED, startDetails));
        }
        emit(ProgressEvent.Type.STEP_STARTED, step, step.kind().journalName(), Duration.ZERO, describeStart(step,
                startDetails));
        try {
            if (step.kind().acts()) {
                ports.gates().beforeAction();
            }
            Map<String, String> details = perform(step, t0, startDetails);
            ports.journal().append(Journaling.entry(now(), plan.sha256(), step, Journaling.SUCCEEDED, details));
            if (step.kind() == StepKind.BATCH_START) {
                batchMembers(step, details).forEach(ports.journal()::append);
            }
            String done = details.getOrDefault("summary", "done");
            emit(ProgressEvent.Type.STEP_SUCCEEDED, step, step.kind().journalName(), since(t0), done);
            return null;
        } catch (InterruptedException e) {
            // do not restore the flag here: the journal's file channel would refuse the writes below
            Thread.interrupted();
            return failed(step, t0, OutcomeKind.INTERRUPTED, "interrupted while " + step.describe()
                    + "; run apply again to resume here");
        } catch (StepFailedException | RuntimeException e) {
            return failedBy(step, t0, e);
        }
    }

    /**
     * Journals and reports why {@code step} did not succeed, from what its work threw.
     *
     * @throws LockLostException rethrown: nothing more may be journaled or done, run() ends the run
     */
    private StepFailure failedBy(Step step, Instant t0, Exception e) {
        if (e instanceof LockLostException lost) {
            throw lost;
        }
        if (e instanceof StepFailedException f) {
            return failed(step, t0, f.kind(), f.getMessage());
        }
        if (e instanceof HostUnreachableException h) {
            // start and install are never re-sent (their effect is unknown); the next apply probes the broker
            boolean notResent = step.kind() == StepKind.START || step.kind() == StepKind.INSTALL;
            String reason = notResent ? RunSupport.unreachableNotResent(hostOf(step),
                    "the next apply checks whether the broker runs", h) : run.unreachable(hostOf(step), h);
            return failed(step, t0, failureKind(step.kind()), reason);
        }
        return failed(step, t0, failureKind(step.kind()), step.describe() + " failed: " + e.getMessage());
    }

    /** Journals and reports a step that did not succeed. */
    private StepFailure failed(Step step, Instant t0, OutcomeKind kind, String reason) {
        ports.journal().append(Journaling.entry(now(), plan.sha256(), step, Journaling.event(kind),
                Map.of("reason", reason)));
        emit(ProgressEvent.Type.stepEnded(kind), step, step.kind().journalName(), since(t0), reason);
        return new StepFailure(kind, reason);
    }

    /**
     * Ends the run after a step that did not succeed. A failed broker first has its batch-mates brought back
     * ({@link #bringBackBatchMates}), then, when its wave says {@code onFailure: revert}, is reverted itself.
     */
    private RollOutcome stepEnded(Step step, StepFailure failure) {
        String where = step.describe();
        String reason = failure.reason();
        String message = switch (failure.kind()) {
            case HALTED -> "halted at " + where + ": " + reason + ". The cluster is as it was found;"
                    + " run apply again once it is healthy";
            case FAILED -> {
                MatesBack mates = bringBackBatchMates(step);
                yield Reverter.wanted(step)
                        ? Reverter.revert(plan, ports, settings, runStart, step, reason + mates.sentence(),
                        mates.failed())
                        : "failed at " + where + ": " + reason + mates.sentence() + ". "
                        + (mates.failed().isEmpty() ? "Broker " + (step.brokerId() == null ? "state" : step.brokerId())
                        + " may need attention" : "Brokers " + mates.down(step) + " may be down and need attention")
                        + "; run apply again to resume " + (mates.failed().isEmpty() ? "it" : "them");
            }
            default -> reason;
        };
        current = step;
        return endRun(failure.kind(), message, step, false);
    }

    /**
     * rollout.maxParallel &gt; 1: a broker of a batch failed between its stop and its post-start gates. Its
     * batch-mates that were stopped must not be left down: they finish their own cycle first
     * ({@link RollEngine#batchMateStep}: started together, each gated on its own return). A mate that fails too is
     * left to the wave's {@code onFailure} with the failed broker ({@link Reverter}).
     */
    private MatesBack bringBackBatchMates(Step failedStep) {
        Set<Integer> givenUp = new HashSet<>();
        List<BrokerSpec> failed = new ArrayList<>();
        Map<Integer, String> outcome = new LinkedHashMap<>();
        // mates whose start, sent together with the failed one's, failed too: not started again
        failedTogether.forEach((id, why) -> {
            givenUp.add(id);
            failed.add(engine.broker(id));
            outcome.put(id, "broker " + id + " failed at start (" + why + ")");
        });
        while (!ports.interrupted().getAsBoolean()) {
            JournalView view = JournalView.of(ports.journal().entries(), plan.sha256());
            Optional<Step> next = engine.batchMateStep(view, failedStep, givenUp);
            if (next.isEmpty()) {
                break;
            }
            Step step = next.get();
            StepFailure f = attempt(step);
            if (f != null) {
                givenUp.add(step.brokerId());
                failed.add(step.broker());
                outcome.put(step.brokerId(), "broker " + step.brokerId() + " failed at " + step.kind().journalName()
                        + " (" + f.reason() + ")");
            } else if (step.kind() == StepKind.BROKER_DONE) {
                outcome.put(step.brokerId(), "broker " + step.brokerId() + " is back and done for the phase");
            }
        }
        String sentence = outcome.isEmpty() ? ""
                : ". Its batch-mates were brought back first: " + String.join("; ", outcome.values());
        return new MatesBack(sentence, failed);
    }

    /** What {@link #bringBackBatchMates} did: a sentence for the run's message, and the mates that failed too. */
    private record MatesBack(String sentence, List<BrokerSpec> failed) {
        /** The failed step's broker and the mates that failed: the brokers that may be left down. */
        List<Integer> down(Step step) {
            List<Integer> ids = new ArrayList<>(failed.stream().map(BrokerSpec::id).toList());
            ids.add(0, step.brokerId());
            return ids;
        }
    }

    private Map<String, String> startDetails(Step step) {
        Map<String, String> d = new LinkedHashMap<>();
        BrokerSpec b = step.broker();
        switch (step.kind()) {
            case STOP -> d.put("command", Commands.render(plan.service().stop(), b));
            case START -> d.put("command", Commands.render(plan.service().start(), b));
            case INSTALL -> d.put("command", Commands.render(step.phase().install(), b));
            case BATCH_START -> d.put("candidates", step.candidates().stream().map(BrokerSpec::id).toList().toString());
            case EDIT_CONFIG -> {
                String path = Commands.render(plan.service().configFile(), b);
                d.put("file", path);
                d.put(Journaling.BACKUP, backupPath(path, step.phase(), now()));
            }
            default -> {
            }
        }
        if (!step.gates().isEmpty()) {
            d.put("gates", String.join(", ", step.gates().stream().map(GateSpec::label).toList()));
        }
        return d;
    }

    /** Where the previous server.properties is kept on the host. */
    public static String backupPath(String configFile, PhaseSpec phase, Instant at) {
        return configFile + ".kupgrade-" + phase.name() + "-" + BACKUP_STAMP.format(at) + ".bak";
    }

    private static String describeStart(Step step, Map<String, String> details) {
        String what = step.describe();
        if (details.containsKey("command")) {
            return what + ": " + details.get("command");
        }
        if (details.containsKey("gates")) {
            return what + ": waiting for " + details.get("gates");
        }
        return what;
    }

    private Map<String, String> perform(Step step, Instant t0, Map<String, String> startDetails)
            throws InterruptedException, StepFailedException {
        PhaseSpec phase = step.phase();
        BrokerSpec b = step.broker();
        Map<String, String> d = new LinkedHashMap<>();
        switch (step.kind()) {
            case PHASE_START -> {
                List<Wave> waves = ports.layouter().layout(phase);
                if (waves.isEmpty() || waves.stream().allMatch(w -> w.brokers().isEmpty())) {
                    throw new StepFailedException(OutcomeKind.HALTED, "phase " + phase.name()
                            + " has no brokers to roll");
                }
                d.putAll(Journaling.layoutDetails(waves));
                d.put("summary", "waves " + describe(waves));
            }
            case PROBE -> {
                boolean running = isRunning(b);
                d.put(Journaling.RUNNING, Boolean.toString(running));
                d.put("summary", b.describe() + " process " + (running ? "running" : "not running"));
            }
            case BATCH_START -> batchStart(step, d);
            case PRE_STOP_GATES -> {
                gate(step, b.describe() + " may stop", step.gates(), settings.gateTimeout(), OutcomeKind.HALTED);
                d.put("summary", "gates passed: " + labels(step.gates()));
            }
            case STOP -> {
                timing(step).stopCommand = t0;
                CommandResult r = run.retried(() -> ports.executor().run(b.host(), startDetails.get("command"),
                        settings.commandTimeout()));
                RunSupport.requireOk(r, "stop command");
            }
            case DRAIN_LEADERS -> drainLeaders(step, t0, d);
            case AWAIT_EXIT -> awaitExit(step, d);
            case INSTALL -> {
                timing(step).installStart = t0;
                // not retried either: an install whose effect is unknown is never re-sent
                CommandResult r = ports.executor().run(b.host(), startDetails.get("command"), settings.installTimeout());
                RunSupport.requireOk(r, "install command");
                timing(step).installDone = now();
            }
            case EDIT_CONFIG -> {
                Timing t = timing(step);
                t.installStart = t.installStart == null ? t0 : t.installStart;
                editConfig(step, startDetails, d);
                t.installDone = now();
            }
            case START -> {
                timing(step).startCommand = t0;
                // not retried: a start whose effect is unknown is resolved by the next run's probe
                CommandResult r = ports.executor().run(b.host(), startDetails.get("command"), settings.startTimeout());
                RunSupport.requireOk(r, "start command");
            }
            case POST_START_GATES -> postStart(step, d);
            case RESTORE_LEADERS -> restoreLeaders(step, t0, d);
            case BROKER_DONE -> brokerDone(step, d);
            case SOAK -> {
                Wave w = step.wave();
                GatePort.GateOutcome o = ports.gates().hold("the cluster to stay healthy during the "
                        + w.name() + " soak", step.gates(), w.soak(), waitListener(step, t0));
                if (!o.passed()) {
                    throw new StepFailedException(OutcomeKind.HALTED, "soak of wave " + w.name() + ": " + o.reason());
                }
                d.put("summary", "gates held for " + w.soak());
            }
            case FINALIZE -> {
                String release = phase.finalizeMetadataVersion();
                Finalizer.Result r = ports.finalizer().finalizeMetadataVersion(release, phase.version());
                switch (r.status()) {
                    case DONE, ALREADY_FINALIZED -> d.put("summary", r.message());
                    case REFUSED -> throw new StepFailedException(OutcomeKind.HALTED, "finalize metadata.version "
                            + release + " refused: " + r.message());
                    default -> throw new StepFailedException(OutcomeKind.HALTED, "finalize metadata.version " + release
                            + " failed: " + r.message());
                }
            }
            case WAVE_DONE, PHASE_DONE, PLAN_DONE -> {
            }
        }
        return d;
    }

    /**
     * rollout.maxParallel &gt; 1: the cluster healthy first (so the batch is chosen with every ISR full), then
     * the batch chosen on the live assignment, then canStop of the whole batch and the cluster gates, waited
     * on as any pre-stop gate. Nothing is stopped here; a failure halts the run with the cluster as found.
     */
    private void batchStart(Step step, Map<String, String> d) throws InterruptedException, StepFailedException {
        String wave = step.wave().name();
        gate(step, "the cluster to be healthy before choosing the next batch of wave " + wave, step.gates(),
                settings.gateTimeout(), OutcomeKind.HALTED);
        List<Integer> candidates = step.candidates().stream().map(BrokerSpec::id).toList();
        GatePort.BatchChoice choice = ports.gates().chooseBatch(candidates, plan.rollout().maxParallel(),
                plan.rollout().rackAware());
        // none may stop now: wait on the first candidate alone, whose canStop gate says why (or passes later)
        List<Integer> batch = choice.brokers().isEmpty() ? List.of(candidates.get(0)) : choice.brokers();
        List<GateSpec> confirm = new ArrayList<>();
        confirm.add(GateSpec.canStopTogether(batch));
        confirm.addAll(step.gates());
        gate(step, (batch.size() == 1 ? "broker " : "brokers ") + batch + " may stop"
                + (batch.size() == 1 ? "" : " together"), confirm, settings.gateTimeout(), OutcomeKind.HALTED);
        String ids = String.join(",", batch.stream().map(String::valueOf).toList());
        d.put(Journaling.BATCH, ids);
        d.put("reason", choice.reason());
        d.put("gates", labels(confirm));
        d.put("summary", "batch [" + ids + "] of " + candidates + ": " + choice.reason());
    }

    private List<JournalEntry> batchMembers(Step step, Map<String, String> details) {
        List<BrokerSpec> members = new ArrayList<>();
        for (int id : Journaling.batchFrom(details)) {
            step.candidates().stream().filter(b -> b.id() == id).findFirst().ifPresent(members::add);
        }
        return Journaling.batchMembers(now(), plan.sha256(), step, members);
    }

    private void awaitExit(Step step, Map<String, String> d) throws InterruptedException, StepFailedException {
        BrokerSpec b = step.broker();
        Instant t0 = now();
        // never SIGKILL a broker that is still shutting down: that forces log recovery (reference §3)
        run.awaitExit(watched(b), t0, " (a SIGKILL forces log recovery): check its shutdown", waited -> emit(
                ProgressEvent.Type.WAITING, step, step.kind().journalName(), waited,
                "waiting for " + b.describe() + "'s process to exit (controlled shutdown)"));
        Duration exited = Duration.between(t0, now());
        String gone = b.dedicatedController() ? "out, the metadata quorum answering without it"
                : "gone from the cluster";
        gate(step, b.describe() + " to be " + gone, step.gates(), settings.gateTimeout(), OutcomeKind.FAILED);
        Timing t = timing(step);
        t.stopped = now();
        d.put("exitMs", Long.toString(exited.toMillis()));
        d.put("summary", "process exited after " + RunSupport.seconds(exited) + ", " + b.role() + " " + gone);
    }

    private void editConfig(Step step, Map<String, String> startDetails, Map<String, String> d) {
        BrokerSpec b = step.broker();
        String path = startDetails.get("file");
        String current = run.retried(() -> ports.executor().readFile(b.host(), path));
        String edited = ports.editor().edit(current, step.phase());
        if (edited.equals(current)) {
            d.put("unchanged", "true");
            d.put("summary", path + " already as the phase wants it");
            return;
        }
        String backup = startDetails.get(Journaling.BACKUP);
        run.replaceFile(b.host(), path, edited, backup);
        d.put(Journaling.BACKUP, backup);
        d.put("file", path);
        d.put("summary", "edited " + path + " (previous kept at " + backup + ")");
    }

    private void postStart(Step step, Map<String, String> d) throws InterruptedException, StepFailedException {
        BrokerSpec b = step.broker();
        Instant t0 = now();
        Timing t = timing(step);
        Instant startedAt = t.startCommand != null ? t.startCommand : t0;
        run.awaitRunning(watched(b), t0);
        t.running = now();
        List<GateSpec> registration = new ArrayList<>();
        List<GateSpec> catchUp = new ArrayList<>();
        for (GateSpec g : step.gates()) {
            if (ports.gates().unsupported().contains(g.kind())) {
                emit(ProgressEvent.Type.INFO, step, step.kind().journalName(), since(t0), "not checked: "
                        + g.label() + " (" + ports.gates().whyUnsupported(g.kind()) + ")");
                d.put("notChecked." + g.kind(), ports.gates().whyUnsupported(g.kind()));
            } else if (g.kind() == GateSpec.Kind.BROKER_REGISTERED || g.kind() == GateSpec.Kind.VOTER_REJOINED) {
                registration.add(g);
            } else {
                catchUp.add(g);
            }
        }
        gateWhileRunning(step, b.dedicatedController() ? b.describe() + " to rejoin the metadata quorum"
                + (step.expectNewIncarnation() ? " as a new process" : "") + ", caught up"
                : b.describe() + " to register" + (step.expectNewIncarnation() ? " anew" : ""), registration);
        t.registered = now();
        gateWhileRunning(step, b.dedicatedController() ? "the cluster to be healthy with " + b.describe() + " back"
                : b.describe() + " to catch up (back in every ISR, cluster healthy)", catchUp);
        t.caughtUp = now();
        if (!isRunning(b)) {
            throw new StepFailedException(OutcomeKind.FAILED, b.describe() + "'s process exited after it"
                    + " registered: check its log");
        }
        Duration start = Duration.between(startedAt, t.registered);
        Duration catchUpTime = Duration.between(t.registered, t.caughtUp);
        d.put("startMs", Long.toString(start.toMillis()));
        d.put("runningMs", Long.toString(Duration.between(startedAt, t.running).toMillis()));
        d.put("registrationMs", Long.toString(Duration.between(t.running, t.registered).toMillis()));
        d.put("catchUpMs", Long.toString(catchUpTime.toMillis()));
        d.put("summary", b.dedicatedController()
                ? b.describe() + " back in the metadata quorum, caught up, " + RunSupport.seconds(start)
                        + " after start; cluster healthy " + RunSupport.seconds(catchUpTime) + " later"
                : b.describe() + " registered " + RunSupport.seconds(start) + " after start, caught up in "
                        + RunSupport.seconds(catchUpTime));
    }

    private void brokerDone(Step step, Map<String, String> d) {
        Timing t = timing(step);
        Duration stop = t.stopCommand != null && t.stopped != null ? Duration.between(t.stopCommand, t.stopped) : null;
        Duration start = t.startCommand != null && t.registered != null
                ? Duration.between(t.startCommand, t.registered) : null;
        Duration catchUp = t.registered != null && t.caughtUp != null ? Duration.between(t.registered, t.caughtUp) : null;
        putMs(d, "stopMs", stop);
        putMs(d, "startMs", start);
        putMs(d, "catchUpMs", catchUp);
        putMs(d, "installMs", between(t.installStart, t.installDone));
        putMs(d, "registrationMs", between(t.running, t.registered));
        putMs(d, "drainMs", between(t.drainStart, t.drainDone));
        putMs(d, "leadersMs", between(t.leadersStart, t.leadersDone));
        summaries.add(new BrokerSummary(step.phase().name(), step.waveName(), step.brokerId(), step.broker().host(),
                stop, start, catchUp, step.resumed()));
        d.put("summary", step.broker().describe() + " done for phase " + step.phase().name());
    }

    /**
     * Drain: the stop command has started Kafka's controlled shutdown, which moves the broker's leadership to
     * other in-sync replicas before the process exits (reference §3 "Stop"); wait until the broker leads no
     * partition, and note whether that happened while its process was still running (a clean handover) or only
     * after it exited (controlled shutdown failed: leaders moved when the broker's session ended).
     */
    private void drainLeaders(Step step, Instant t0, Map<String, String> d) throws InterruptedException,
            StepFailedException {
        BrokerSpec b = step.broker();
        Timing t = timing(step);
        t.drainStart = t0;
        gate(step, "broker " + b.id() + " to hand its leadership over (controlled shutdown)", step.gates(),
                settings.stopTimeout(), OutcomeKind.FAILED);
        t.drainDone = now();
        boolean stillRunning = isRunning(b);
        Duration took = Duration.between(t0, t.drainDone);
        d.put("drainMs", Long.toString(took.toMillis()));
        // "after-exit" is not a failure: a small broker finishes its shutdown within one poll of the handover
        d.put("handover", stillRunning ? "while-running" : "after-exit");
        d.put("summary", "broker " + b.id() + " leads nothing after " + RunSupport.seconds(took)
                + (stillRunning ? " (handed over while it was still shutting down)"
                : " (verified once its process had exited)"));
    }

    /** Preferred leader election for the broker's partitions, verified (reference §3 "Preferred leader"). */
    private void restoreLeaders(Step step, Instant t0, Map<String, String> d) throws InterruptedException,
            StepFailedException {
        BrokerSpec b = step.broker();
        Timing t = timing(step);
        t.leadersStart = t0;
        GatePort.LeaderOutcome o = ports.gates().restorePreferredLeaders(b.id(), settings.gateTimeout(),
                waitListener(step, t0));
        if (!o.passed()) {
            throw new StepFailedException(OutcomeKind.HALTED, "waited " + RunSupport.seconds(o.elapsed())
                    + " for broker " + b.id() + " to lead its preferred partitions again: " + o.reason());
        }
        t.leadersDone = now();
        Duration took = Duration.between(t0, t.leadersDone);
        d.putAll(o.details());
        d.put("leadersMs", Long.toString(took.toMillis()));
        String notInIsr = d.containsKey("notInIsr") ? d.get("notInIsr") + " not electable: not in ISR" : null;
        d.put("summary", "0".equals(d.get("requests"))
                ? "broker " + b.id() + " already leads its preferred partitions: no election needed"
                        + (notInIsr != null ? " (" + notInIsr + ")" : "")
                : "broker " + b.id() + " leads its preferred partitions again after " + RunSupport.seconds(took)
                        + " (" + d.getOrDefault("elected", "0") + " elected" + (notInIsr != null ? ", " + notInIsr : "")
                        + ")");
    }

    private static Duration between(Instant from, Instant to) {
        return from != null && to != null ? Duration.between(from, to) : null;
    }

    private static void putMs(Map<String, String> d, String key, Duration value) {
        if (value != null) {
            d.put(key, Long.toString(value.toMillis()));
        }
    }

    /**
     * A post-start gate wait that fails as soon as the broker's process is gone (a broker that dies at startup,
     * e.g. on a config value Kafka refuses, must not cost the whole gate timeout): the wait is cut into slices
     * of at most {@link #LIVENESS_EVERY}, the process checked between them.
     */
    private void gateWhileRunning(Step step, String purpose, List<GateSpec> gates)
            throws InterruptedException, StepFailedException {
        if (gates.isEmpty()) {
            return;
        }
        Instant deadline = now().plus(settings.gateTimeout());
        Instant t0 = now();
        while (true) {
            Duration left = Duration.between(now(), deadline);
            Duration slice = left.compareTo(LIVENESS_EVERY) < 0 ? left : LIVENESS_EVERY;
            GatePort.GateOutcome o = ports.gates().await(purpose, gates, slice, waitListener(step, t0));
            if (o.passed()) {
                return;
            }
            if (!now().isBefore(deadline)) {
                throw new StepFailedException(OutcomeKind.FAILED, "waited " + RunSupport.seconds(since(t0)) + " for "
                        + purpose + ": " + o.reason());
            }
            if (!isRunning(step.broker())) {
                throw new StepFailedException(OutcomeKind.FAILED, step.broker().describe() + "'s process exited"
                        + " while waiting " + RunSupport.seconds(since(t0)) + " for " + purpose + " (" + o.reason()
                        + "): check its log");
            }
        }
    }

    private void gate(Step step, String purpose, List<GateSpec> gates, Duration timeout, OutcomeKind onFailure)
            throws InterruptedException, StepFailedException {
        if (gates.isEmpty()) {
            return;
        }
        GatePort.GateOutcome o = ports.gates().await(purpose, gates, timeout, waitListener(step, now()));
        if (!o.passed()) {
            throw new StepFailedException(onFailure, "waited " + RunSupport.seconds(o.elapsed()) + " for " + purpose
                    + ": " + o.reason());
        }
    }

    private GatePort.WaitListener waitListener(Step step, Instant t0) {
        Instant[] last = {null};
        return (what, elapsed) -> {
            Instant now = now();
            if (last[0] == null || !now.isBefore(last[0].plus(RunSupport.WAITING_EVENT_EVERY))) {
                last[0] = now;
                emit(ProgressEvent.Type.WAITING, step, step.kind().journalName(), Duration.between(t0, now), what);
            }
        };
    }

    private boolean isRunning(BrokerSpec b) throws StepFailedException {
        return run.isRunning(watched(b));
    }

    private RunSupport.Watched watched(BrokerSpec b) {
        return RunSupport.Watched.of(b.host(), Commands.render(plan.service().isRunning(), b), b.describe());
    }

    private Timing timing(Step step) {
        return timings.computeIfAbsent(step.phase().name() + "/" + step.brokerId(), k -> new Timing());
    }

    /** When one broker's steps happened in this run. */
    private static final class Timing {
        Instant stopCommand;
        Instant stopped;
        Instant startCommand;
        Instant running;
        Instant registered;
        Instant installStart;
        Instant installDone;
        Instant drainStart;
        Instant drainDone;
        Instant leadersStart;
        Instant leadersDone;
        Instant caughtUp;
    }

    private void emit(ProgressEvent.Type type, Step step, String stepName, Duration stepElapsed, String message) {
        run.emit(type, step == null ? null : step.phase().name(), step == null ? null : step.waveName(),
                step == null ? null : step.brokerId(), stepName, stepElapsed, runStart, message);
    }

    private Instant now() {
        return run.now();
    }

    private Duration since(Instant t0) {
        return run.since(t0);
    }

    private static String hostOf(Step step) {
        return step.broker() == null ? "?" : step.broker().host();
    }

    private static String labels(List<GateSpec> gates) {
        return String.join(", ", gates.stream().map(GateSpec::label).toList());
    }

    /** "canary [3], wave-2 [1, 2, 4], wave-3 [5]". */
    public static String describe(List<Wave> waves) {
        List<String> parts = new ArrayList<>();
        for (Wave w : waves) {
            parts.add(w.name() + " " + w.brokers().stream().map(BrokerSpec::id).toList());
        }
        return String.join(", ", parts);
    }

    /** For tests and status: the journal entries of this plan. */
    static List<JournalEntry> mine(List<JournalEntry> all, String sha) {
        return JournalView.of(all, sha).entries();
    }
}
