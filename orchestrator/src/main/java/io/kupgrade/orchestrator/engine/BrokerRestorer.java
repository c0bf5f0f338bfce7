package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.Wave;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives one broker its pre-phase state back: (if running) canStop, stop, wait for the exit; the phase's
 * {@code rollback.install}; the server.properties that {@code edit-config} kept as a backup; start; registered,
 * back in every ISR, cluster healthy. Used by {@code kupgrade rollback} ({@link RollbackRunner}) and by
 * {@code onFailure: revert} in {@code apply} ({@link Reverter}).
 *
 * <p>Every step is journaled ({@code started}, then an outcome) under its origin's prefix, and the broker
 * ends with a {@link Rollbacks#ROLLED_BACK} marker. The sequence is decided from the journal
 * ({@link #planFor}): steps that already succeeded for the broker since its last restore are skipped, so an
 * interrupted restore resumes where it stopped. A step whose effect is a state (stopped, running, file
 * content) checks that state first and does nothing when it already holds.
 *
 * <p>Failures ({@link #failureKind}): a pre-stop gate that does not pass halts (nothing of the broker was
 * touched); anything after the stop fails (the broker needs attention). One instance per run; not thread-safe.
 */
public final class BrokerRestorer {

    /** Who restores: the rollback command or apply's revert. Names the journal prefix. */
    public enum Origin {
        ROLLBACK(Rollbacks.ROLLBACK_PREFIX, "rollback", "rolled back"),
        REVERT(Rollbacks.REVERT_PREFIX, "revert", "reverted");

        private final String prefix;
        private final String word;
        private final String done;

        Origin(String prefix, String word, String done) {
            this.prefix = prefix;
            this.word = word;
            this.done = done;
        }

        public String prefix() {
            return prefix;
        }

        public String word() {
            return word;
        }
    }

    /**
     * What restoring one broker takes, read from the journal. Immutable.
     *
     * @param steps the steps still to do, in order
     * @param configFile the broker's server.properties
     * @param backup the backup {@code edit-config} kept (the pre-phase file); null when the config was never
     *     changed by the phase
     * @param backupCertain true when the edit is journaled as done (the backup must exist); false when it
     *     only started (the backup exists only if the write happened)
     * @param installCommand the rendered {@code rollback.install}; null when none is needed or none is given
     * @param binariesNotRestored true when the phase installed something and gives no {@code rollback.install}
     * @param wasHealthy true when apply finished the broker (broker-done): the full pre-stop gates apply;
     *     false for a broker that failed mid-roll (only canStop: the cluster gates fail because of it)
     * @param expectVersion the version the broker must report afterwards (the previous phase's); null if unknown
     */
    public record BrokerPlan(List<RestoreStep> steps, String configFile, String backup, boolean backupCertain,
                             String installCommand, boolean binariesNotRestored, boolean wasHealthy,
                             String expectVersion) {
        public BrokerPlan {
            steps = List.copyOf(steps);
        }
    }

    /**
     * How one broker's restore ended.
     *
     * @param kind DONE, HALTED (pre-stop gate), FAILED or INTERRUPTED
     * @param message one line: what was restored, or where and why it stopped
     * @param notes things a person must know (binaries not restored)
     */
    public record Result(OutcomeKind kind, String message, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }

        public boolean ok() {
            return kind == OutcomeKind.DONE;
        }
    }

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration LIVENESS_EVERY = Duration.ofSeconds(10);

    private final Plan plan;
    private final RollRunner.Ports ports;
    private final RunSettings settings;
    private final Origin origin;
    private final RunSupport run;
    private final Instant runStart;
    private boolean ownReturnOnly;

    public BrokerRestorer(Plan plan, RollRunner.Ports ports, RunSettings settings, Origin origin, Instant runStart) {
        this.plan = plan;
        this.ports = ports;
        this.settings = settings;
        this.origin = origin;
        this.runStart = runStart;
        this.run = new RunSupport(ports.executor(), settings, ports.clock(), ports.sleeper(), ports.interrupted(),
                ports.listener());
    }

    /**
     * Gates the restored broker on its own return only (registered, back in every ISR, nothing offline, a
     * controller), not on the cluster-wide under-replicated count: for a batch member restored while another
     * member of its batch is still down (see {@link Reverter}). Returns this restorer.
     */
    BrokerRestorer ownReturnOnly() {
        this.ownReturnOnly = true;
        return this;
    }

    /** {@link #gatesFor}, without the cluster-wide URP count after the start when {@link #ownReturnOnly}. */
    private List<GateSpec> gates(RestoreStep step, BrokerPlan bp, BrokerSpec broker) {
        List<GateSpec> gates = gatesFor(step, bp, broker);
        return ownReturnOnly && step == RestoreStep.POST_START_GATES
                ? gates.stream().filter(g -> g.kind() != GateSpec.Kind.NO_UNDER_REPLICATED).toList() : gates;
    }

    /** The restore of {@code broker} as the journal says it stands. Pure. */
    public static BrokerPlan planFor(JournalView view, Plan plan, PhaseSpec phase, BrokerSpec broker) {
        String ph = phase.name();
        int id = broker.id();
        boolean installed = false;
        String backup = null;
        boolean certain = false;
        String maybeBackup = null;
        List<RestoreStep> done = new ArrayList<>();
        for (JournalEntry e : view.entries()) {
            if (!ph.equals(e.phase()) || e.brokerId() == null || e.brokerId() != id) {
                continue;
            }
            if (StepKind.INSTALL.journalName().equals(e.step())) {
                installed = true;
            } else if (StepKind.EDIT_CONFIG.journalName().equals(e.step()) && e.details().containsKey(Journaling.BACKUP)) {
                // the first edit of the phase kept the pre-phase file; a resumed edit finds it already edited
                if (Journaling.SUCCEEDED.equals(e.event()) && backup == null) {
                    backup = e.details().get(Journaling.BACKUP);
                    certain = true;
                } else if (Journaling.STARTED.equals(e.event()) && maybeBackup == null) {
                    maybeBackup = e.details().get(Journaling.BACKUP);
                }
            } else if (Journaling.SUCCEEDED.equals(e.event())) {
                RestoreStep s = Rollbacks.restoreStep(e.step());
                if (s != null) {
                    done.add(s);
                }
            }
        }
        if (backup == null) {
            backup = maybeBackup;
        }
        String rollbackInstall = rollbackInstall(phase);
        boolean hasInstall = installed && phase.install() != null && !phase.install().isBlank();
        boolean binariesNotRestored = hasInstall && (rollbackInstall == null || rollbackInstall.isBlank());
        List<RestoreStep> steps = RestoreStep.toDo(hasInstall, backup != null, done);
        String expect = hasInstall && !binariesNotRestored ? previousVersion(plan, phase) : null;
        return new BrokerPlan(steps, Commands.render(plan.service().configFile(), broker), backup, certain,
                hasInstall && !binariesNotRestored ? Commands.render(rollbackInstall, broker) : null,
                binariesNotRestored, view.brokerDone(ph, id), expect);
    }

    /** The phase's {@code rollback.install}; null when it gives none. */
    static String rollbackInstall(PhaseSpec phase) {
        return phase.rollbackInstall();
    }

    /** The version brokers ran before {@code phase}: the last earlier phase's {@code version}; null if none says. */
    static String previousVersion(Plan plan, PhaseSpec phase) {
        String v = null;
        for (PhaseSpec p : plan.phases()) {
            if (p.name().equals(phase.name())) {
                return v;
            }
            if (p.version() != null && !p.version().isBlank()) {
                v = p.version();
            }
        }
        return v;
    }

    /** The gates a restore step waits on. */
    public static List<GateSpec> gatesFor(RestoreStep step, BrokerPlan bp, BrokerSpec node) {
        if (node.dedicatedController()) {
            return RollEngine.controllerGates(step == RestoreStep.PRE_STOP_GATES, step == RestoreStep.AWAIT_EXIT,
                    step == RestoreStep.POST_START_GATES, node.id(), bp.expectVersion(), bp.wasHealthy());
        }
        return gatesFor(step, bp, node.id());
    }

    /** A broker's gates for a restore step. */
    public static List<GateSpec> gatesFor(RestoreStep step, BrokerPlan bp, int broker) {
        List<GateSpec> gates = new ArrayList<>();
        switch (step) {
            case PRE_STOP_GATES -> {
                gates.add(GateSpec.broker(GateSpec.Kind.CAN_STOP, broker));
                if (bp.wasHealthy()) {
                    gates.addAll(RollEngine.clusterGates());
                }
            }
            case AWAIT_EXIT -> gates.add(GateSpec.broker(GateSpec.Kind.BROKER_GONE, broker));
            case POST_START_GATES -> {
                gates.add(GateSpec.broker(GateSpec.Kind.BROKER_REGISTERED, broker));
                gates.add(GateSpec.broker(GateSpec.Kind.BACK_IN_ALL_ISRS, broker));
                gates.addAll(RollEngine.clusterGates());
                if (bp.expectVersion() != null) {
                    gates.add(new GateSpec(GateSpec.Kind.RUNNING_VERSION, broker, bp.expectVersion()));
                }
            }
            default -> {
            }
        }
        return gates;
    }

    /** "broker gone from the cluster", or for a dedicated controller "controller out, the quorum answering ...". */
    private static String gone(BrokerSpec b) {
        return b.dedicatedController() ? "controller out, the metadata quorum answering without it"
                : "broker gone from the cluster";
    }

    /** "back in every ISR" for a broker; "back in the metadata quorum" for a dedicated controller. */
    private static String back(BrokerSpec b) {
        return b.dedicatedController() ? "back in the metadata quorum" : "back in every ISR";
    }

    /** Where the restore keeps the file it replaces. */
    public String newBackupPath(String configFile, PhaseSpec phase) {
        return configFile + ".kupgrade-" + phase.name() + "-" + origin.word() + "-" + STAMP.format(now()) + ".bak";
    }

    /** Restores the broker, journaling every step; resumes from the journal. */
    public Result restore(JournalView view, PhaseSpec phase, Wave wave, BrokerSpec broker) {
        BrokerPlan bp = planFor(view, plan, phase, broker);
        List<String> notes = new ArrayList<>();
        if (bp.binariesNotRestored()) {
            notes.add("broker " + broker.id() + ": phase " + phase.name() + " ran its install `" + phase.install()
                    + "` but gives no rollback.install: config restored, binaries not");
        }
        boolean stoppedHere = false;
        boolean skipStop = false;
        for (RestoreStep s : bp.steps()) {
            Instant t0 = now();
            Map<String, String> start = startDetails(s, bp, broker, phase);
            journal(phase, wave, broker, s, Journaling.STARTED, start);
            emit(ProgressEvent.Type.STEP_STARTED, phase, wave, broker, s, Duration.ZERO, describe(s, broker, start));
            try {
                Map<String, String> d = new LinkedHashMap<>();
                if (s.acts()) {
                    ports.gates().beforeAction();
                }
                switch (s) {
                    case PRE_STOP_GATES -> {
                        if (!isRunning(broker)) {
                            skipStop = true;
                            d.put("summary", broker.describe() + " is not running: nothing to stop");
                        } else {
                            gate(phase, wave, broker, s, broker.describe() + " may stop",
                                    gates(s, bp, broker), OutcomeKind.HALTED);
                            d.put("summary", "gates passed");
                        }
                    }
                    case STOP -> {
                        if (skipStop || !isRunning(broker)) {
                            skipStop = true;
                            d.put("summary", "not running: nothing to stop");
                        } else {
                            RunSupport.requireOk(run.retried(() -> ports.executor().run(broker.host(),
                                    start.get("command"), settings.commandTimeout())), "stop command");
                            d.put("summary", "stop command sent");
                        }
                    }
                    case AWAIT_EXIT -> {
                        awaitExit(phase, wave, broker, bp);
                        stoppedHere = !skipStop;
                        d.put("summary", skipStop ? "not running" : "process exited, " + gone(broker));
                    }
                    case INSTALL -> {
                        if (bp.installCommand() == null) {
                            d.put("notRestored", "binaries: the phase gives no rollback.install");
                            d.put("summary", "binaries NOT restored: phase " + phase.name() + " gives no"
                                    + " rollback.install");
                        } else {
                            // not retried: an install whose effect is unknown is never re-sent
                            RunSupport.requireOk(ports.executor().run(broker.host(), bp.installCommand(),
                                    settings.installTimeout()), "rollback install command");
                            d.put("summary", "ran " + bp.installCommand());
                        }
                    }
                    case CONFIG -> restoreConfig(bp, broker, phase, start, d);
                    case START -> {
                        if (isRunning(broker)) {
                            d.put("summary", "already running");
                        } else {
                            // not retried: a start whose effect is unknown is resolved by isRunning next time
                            RunSupport.requireOk(ports.executor().run(broker.host(), start.get("command"),
                                    settings.startTimeout()), "start command");
                            d.put("summary", "start command ran");
                        }
                    }
                    case POST_START_GATES -> postStart(phase, wave, broker, bp, stoppedHere, d);
                }
                journal(phase, wave, broker, s, Journaling.SUCCEEDED, d);
                emit(ProgressEvent.Type.STEP_SUCCEEDED, phase, wave, broker, s, since(t0),
                        d.getOrDefault("summary", "done"));
            } catch (InterruptedException e) {
                Thread.interrupted();
                return ended(phase, wave, broker, s, t0, OutcomeKind.INTERRUPTED, "interrupted", notes);
            } catch (StepFailedException e) {
                // before the stop nothing of the broker was touched: whatever went wrong there halts
                OutcomeKind kind = s == RestoreStep.PRE_STOP_GATES ? OutcomeKind.HALTED : e.kind();
                return ended(phase, wave, broker, s, t0, kind, e.getMessage(), notes);
            } catch (HostUnreachableException e) {
                return ended(phase, wave, broker, s, t0, failureKind(s), "host " + broker.host() + " unreachable: "
                        + e.getMessage(), notes);
            } catch (io.kupgrade.orchestrator.lock.LockLostException e) {
                throw e; // nothing more may be journaled or done: the runner ends the run
            } catch (RuntimeException e) {
                return ended(phase, wave, broker, s, t0, failureKind(s), e.getMessage(), notes);
            }
        }
        Map<String, String> marker = new LinkedHashMap<>();
        marker.put(Rollbacks.BY, origin.word());
        if (bp.binariesNotRestored()) {
            marker.put("notRestored", "binaries");
        }
        ports.journal().append(new JournalEntry(now(), plan.sha256(), phase.name(), wave == null ? null : wave.name(),
                broker.id(), Rollbacks.ROLLED_BACK, Journaling.SUCCEEDED, marker));
        String what = (bp.backup() != null ? "config restored" : "config unchanged by the phase")
                + (bp.installCommand() != null ? ", binaries restored" : bp.binariesNotRestored()
                ? ", binaries NOT restored (no rollback.install)" : "");
        emit(ProgressEvent.Type.INFO, phase, wave, broker, null, Duration.ZERO, broker.describe() + " "
                + origin.done + ": " + what + ", " + back(broker));
        return new Result(OutcomeKind.DONE, broker.describe() + ": " + what + ", started, " + back(broker),
                notes);
    }

    /**
     * Where an error a step did not type itself is typed: before the stop nothing of the broker was touched, so the
     * restore halts; from the stop on, it fails.
     */
    static OutcomeKind failureKind(RestoreStep s) {
        return s == RestoreStep.PRE_STOP_GATES ? OutcomeKind.HALTED : OutcomeKind.FAILED;
    }

    private Result ended(PhaseSpec phase, Wave wave, BrokerSpec broker, RestoreStep s, Instant t0, OutcomeKind kind,
                         String reason, List<String> notes) {
        journal(phase, wave, broker, s, Journaling.event(kind), Map.of("reason", reason == null ? "?" : reason));
        emit(ProgressEvent.Type.stepEnded(kind), phase, wave, broker, s, since(t0), reason);
        return new Result(kind, broker.describe() + ": " + s.journalName(origin.prefix()) + ": " + reason, notes);
    }

    private Map<String, String> startDetails(RestoreStep s, BrokerPlan bp, BrokerSpec b, PhaseSpec phase) {
        Map<String, String> d = new LinkedHashMap<>();
        switch (s) {
            case STOP -> d.put("command", Commands.render(plan.service().stop(), b));
            case START -> d.put("command", Commands.render(plan.service().start(), b));
            case INSTALL -> {
                if (bp.installCommand() != null) {
                    d.put("command", bp.installCommand());
                }
            }
            case CONFIG -> {
                d.put("file", bp.configFile());
                d.put("from", bp.backup());
                d.put(Journaling.BACKUP, newBackupPath(bp.configFile(), phase));
            }
            default -> {
            }
        }
        List<GateSpec> gates = gates(s, bp, b);
        if (!gates.isEmpty()) {
            d.put("gates", String.join(", ", gates.stream().map(GateSpec::label).toList()));
        }
        return d;
    }

    private void restoreConfig(BrokerPlan bp, BrokerSpec b, PhaseSpec phase, Map<String, String> start,
                               Map<String, String> d) throws StepFailedException {
        run.restoreBackup(b.host(), bp.configFile(), bp.backup(), bp.backupCertain(), start.get(Journaling.BACKUP),
                "as before phase " + phase.name(), d);
    }

    private void awaitExit(PhaseSpec phase, Wave wave, BrokerSpec b, BrokerPlan bp)
            throws InterruptedException, StepFailedException {
        // never SIGKILL a broker that is still shutting down: that forces log recovery (reference §3)
        run.awaitExit(watched(b), now(), "", waited -> emit(ProgressEvent.Type.WAITING, phase, wave, b,
                RestoreStep.AWAIT_EXIT, waited, "waiting for " + b.describe() + "'s process to exit"));
        String purpose = b.describe() + (b.dedicatedController()
                ? " to be out, the metadata quorum answering without it" : " to be gone from the cluster");
        gate(phase, wave, b, RestoreStep.AWAIT_EXIT, purpose, gates(RestoreStep.AWAIT_EXIT, bp, b), OutcomeKind.FAILED);
    }

    private void postStart(PhaseSpec phase, Wave wave, BrokerSpec b, BrokerPlan bp, boolean stoppedHere,
                           Map<String, String> d) throws InterruptedException, StepFailedException {
        Instant t0 = now();
        run.awaitRunning(watched(b), t0);
        List<GateSpec> gates = new ArrayList<>();
        for (GateSpec g : gates(RestoreStep.POST_START_GATES, bp, b)) {
            if (ports.gates().unsupported().contains(g.kind())) {
                d.put("notChecked." + g.kind(), ports.gates().whyUnsupported(g.kind()));
            } else {
                gates.add(g);
            }
        }
        // in slices, the process checked between them: a broker that dies at startup fails the step at once
        String purpose = b.dedicatedController()
                ? b.describe() + " to rejoin the metadata quorum" + (stoppedHere ? " as a new process" : "")
                        + ", caught up, cluster healthy"
                : b.describe() + " to register" + (stoppedHere ? " anew" : "")
                        + " and catch up (back in every ISR, cluster healthy)";
        Instant gateDeadline = now().plus(settings.gateTimeout());
        while (true) {
            Duration left = Duration.between(now(), gateDeadline);
            Duration slice = left.compareTo(LIVENESS_EVERY) < 0 ? left : LIVENESS_EVERY;
            String failing = await(phase, wave, b, RestoreStep.POST_START_GATES, purpose, gates, slice);
            if (failing == null) {
                break;
            }
            if (!now().isBefore(gateDeadline)) {
                throw new StepFailedException(OutcomeKind.FAILED, "waited " + RunSupport.seconds(since(t0)) + " for "
                        + purpose + ": " + failing);
            }
            if (!isRunning(b)) {
                throw new StepFailedException(OutcomeKind.FAILED, b.describe() + "'s process exited while"
                        + " waiting for " + purpose + " (" + failing + "): check its log");
            }
        }
        if (!isRunning(b)) {
            throw new StepFailedException(OutcomeKind.FAILED, b.describe() + "'s process exited after it"
                    + " registered: check its log");
        }
        d.put("summary", b.describe() + " " + back(b) + " " + RunSupport.seconds(since(t0))
                + " after the start, cluster healthy");
    }

    private void gate(PhaseSpec phase, Wave wave, BrokerSpec b, RestoreStep s, String purpose, List<GateSpec> gates,
                      OutcomeKind onFailure) throws InterruptedException, StepFailedException {
        Instant t0 = now();
        String failing = await(phase, wave, b, s, purpose, gates, settings.gateTimeout());
        if (failing != null) {
            throw new StepFailedException(onFailure, "waited " + RunSupport.seconds(since(t0)) + " for " + purpose
                    + ": " + failing);
        }
    }

    /** Null when the gates passed within {@code timeout}, else why not. */
    private String await(PhaseSpec phase, Wave wave, BrokerSpec b, RestoreStep s, String purpose, List<GateSpec> gates,
                         Duration timeout) throws InterruptedException {
        if (gates.isEmpty()) {
            return null;
        }
        Instant t0 = now();
        Instant[] last = {null};
        GatePort.GateOutcome o = ports.gates().await(purpose, gates, timeout, (what, elapsed) -> {
            Instant n = now();
            if (last[0] == null || !n.isBefore(last[0].plus(RunSupport.WAITING_EVENT_EVERY))) {
                last[0] = n;
                emit(ProgressEvent.Type.WAITING, phase, wave, b, s, Duration.between(t0, n), what);
            }
        });
        return o.passed() ? null : o.reason();
    }

    private boolean isRunning(BrokerSpec b) throws StepFailedException {
        return run.isRunning(watched(b));
    }

    /** The restore's timed-out checks have always said only "`cmd` timed out" (the roll's also say how long). */
    private RunSupport.Watched watched(BrokerSpec b) {
        return new RunSupport.Watched(b.host(), Commands.render(plan.service().isRunning(), b), b.describe(),
                false);
    }

    private void journal(PhaseSpec phase, Wave wave, BrokerSpec b, RestoreStep s, String event,
                         Map<String, String> details) {
        ports.journal().append(new JournalEntry(now(), plan.sha256(), phase.name(), wave == null ? null : wave.name(),
                b.id(), s.journalName(origin.prefix()), event, details));
    }

    private String describe(RestoreStep s, BrokerSpec b, Map<String, String> start) {
        String what = b.describe() + ": " + s.journalName(origin.prefix());
        if (start.containsKey("command")) {
            return what + ": " + start.get("command");
        }
        if (s == RestoreStep.CONFIG) {
            return what + ": " + start.get("file") + " <- " + start.get("from");
        }
        return what;
    }

    private void emit(ProgressEvent.Type type, PhaseSpec phase, Wave wave, BrokerSpec b, RestoreStep s,
                      Duration stepElapsed, String message) {
        run.emit(type, phase.name(), wave == null ? null : wave.name(), b.id(),
                s == null ? Rollbacks.ROLLED_BACK : s.journalName(origin.prefix()), stepElapsed, runStart, message);
    }

    private Instant now() {
        return run.now();
    }

    private Duration since(Instant t0) {
        return run.since(t0);
    }
}
