package io.kupgrade.orchestrator.engine;

import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostUnreachableException;
import io.kupgrade.orchestrator.lock.LockLostException;
import io.kupgrade.plans.MaintenanceWindows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a runner that acts on hosts does the same way every time, in one place: host calls retried when the host
 * could not be reached (idempotent calls only: a command whose effect is unknown is never re-sent), a command that
 * must succeed, "is the process running?", waiting for a process to exit or to run (never SIGKILL), sleeps that
 * end at once when the run is interrupted, and progress events. Used by the broker roll ({@link RollRunner}), the
 * broker restore ({@link BrokerRestorer}), the ZooKeeper ensemble roll and its rollback. The helpers throw
 * {@link StepFailedException} FAILED only for a process that does not exit, does not run, or whose state nobody can
 * tell; they let {@link HostUnreachableException} through, and each runner types it for the step it was in, in its
 * one place ({@code RollRunner.failureKind}).
 *
 * <p>One instance per run; not thread-safe, except the {@code interrupted} flag, which another thread may flip.
 */
public final class RunSupport {
    /** At most one "waiting for ..." event per this much time of one wait. */
    public static final Duration WAITING_EVENT_EVERY = Duration.ofSeconds(5);

    /**
     * How often a process is checked while waiting for it to exit or to run, at most: the check is one small
     * command on the host, far cheaper than a cluster read, and the exit is what the next step waits on. Polling
     * it at the gates' interval (1 s by default) cost half an interval per broker on average, twice per
     * restart (issue 7: kupgrade's own overhead). A plan whose gates poll faster checks at their interval.
     */
    public static final Duration PROCESS_POLL = Duration.ofMillis(100);

    /**
     * A process a run checks and waits on. Immutable.
     *
     * @param host where it runs
     * @param isRunningCommand exits 0 while it runs
     * @param who how messages name it: "broker 3", "ZooKeeper server 2"
     * @param timeoutNamed whether a check that timed out says for how long ("`cmd` timed out after 60 s"); false
     *     for the broker restore, whose journal reasons have always said only "`cmd` timed out"
     */
    public record Watched(String host, String isRunningCommand, String who, boolean timeoutNamed) {
        public Watched {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(isRunningCommand, "isRunningCommand");
            Objects.requireNonNull(who, "who");
        }

        /** A process whose timed-out checks say for how long. */
        public static Watched of(String host, String isRunningCommand, String who) {
            return new Watched(host, isRunningCommand, who, true);
        }
    }

    private final HostExecutor executor;
    private final RunSettings settings;
    private final Clock clock;
    private final RollRunner.Sleeper sleeper;
    private final BooleanSupplier interrupted;
    private final ProgressEvent.Listener listener;
    private final RetryPolicy<Object> hostRetry;

    /**
     * @param interrupted null = never
     * @param listener null = no events
     */
    public RunSupport(HostExecutor executor, RunSettings settings, Clock clock, RollRunner.Sleeper sleeper,
                      BooleanSupplier interrupted, ProgressEvent.Listener listener) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.interrupted = interrupted == null ? () -> false : interrupted;
        this.listener = listener == null ? ProgressEvent.Listener.NONE : listener;
        this.hostRetry = hostRetry(settings);
    }

    /** Retries {@link HostUnreachableException} {@code hostRetries} times, {@code retryDelay} apart. */
    public static RetryPolicy<Object> hostRetry(RunSettings settings) {
        var retry = RetryPolicy.builder().handle(HostUnreachableException.class)
                .withMaxRetries(Math.max(0, settings.hostRetries()));
        if (settings.retryDelay() != null && !settings.retryDelay().isZero() && !settings.retryDelay().isNegative()) {
            retry = retry.withDelay(settings.retryDelay());
        }
        return retry.build();
    }

    public HostExecutor executor() {
        return executor;
    }

    public RunSettings settings() {
        return settings;
    }

    /**
     * {@code call}, retried while the host cannot be reached. Only for calls that are safe to repeat (reading a
     * file, an idempotent stop, is-running); never a start or an install, whose effect is unknown when the
     * connection dropped: the next run's probe finds out instead. A file write is not safe to repeat as such
     * (its backup would be overwritten): use {@link #replaceFile}.
     *
     * @throws HostUnreachableException when every attempt failed to reach the host
     */
    public <T> T retried(Supplier<T> call) {
        return Failsafe.with(hostRetry).get(call::get);
    }

    /**
     * Whether the process is running: its {@code isRunningCommand} exits 0 (retried while the host is unreachable).
     *
     * @throws StepFailedException FAILED when the command timed out: nobody can tell
     */
    public boolean isRunning(Watched p) throws StepFailedException {
        CommandResult r = retried(() -> executor.run(p.host(), p.isRunningCommand(), settings.commandTimeout()));
        if (r.timedOut()) {
            throw new StepFailedException(OutcomeKind.FAILED, "could not tell whether " + p.who() + " is running: `"
                    + p.isRunningCommand() + "` timed out"
                    + (p.timeoutNamed() ? " after " + settings.commandTimeout().toSeconds() + " s" : ""));
        }
        return r.exitCode() == 0;
    }

    /**
     * Why a step ended when its host could not be reached although the call was retried ({@link #retried}):
     * "host h3 unreachable after 2 retries: connection to h3 dropped".
     */
    public String unreachable(String host, HostUnreachableException e) {
        return "host " + host + " unreachable after " + settings.hostRetries() + " retries: " + e.getMessage();
    }

    /**
     * Why a start or an install ended when its host could not be reached: the command may have run, so it was not
     * re-sent (never {@link #retried}), and the next run finds out instead: "host h3 unreachable (not re-sent; the
     * next apply checks whether the broker runs): connection to h3 dropped".
     *
     * @param nextRunChecks what the next run does about it, e.g. "the next apply checks whether the broker runs"
     */
    public static String unreachableNotResent(String host, String nextRunChecks, HostUnreachableException e) {
        return "host " + host + " unreachable (not re-sent; " + nextRunChecks + "): " + e.getMessage();
    }

    /**
     * The future's result; what its work threw, unwrapped (an Error, such as a test's simulated crash, too), so
     * that work done on another thread fails as it would have on this one.
     */
    public static <T> T joined(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Why an apply ended when the state store refused an append because the run lost the cluster's lock (its
     * ZooKeeper session expired): one wording for the brokers' roll and the ensemble's.
     *
     * @param at where the run was ({@code "restart/canary broker 3: stop"}); null when no step had started
     */
    public static String lockLost(String at, LockLostException e) {
        return "lost the cluster's lock" + (at == null ? "" : " at " + at) + ": " + e.getMessage()
                + ". This run did nothing more; the journal holds everything it did until then."
                + " Run apply again once no other run holds the lock: it resumes from the journal";
    }

    /**
     * Why {@code next} is not begun now: the plan's {@code rollout.maintenanceWindows} are closed at {@code now};
     * empty inside a window (or without windows). Asked where a pause is, between brokers or servers only, so a
     * broker begun inside a window is finished after it closes.
     *
     * @param next what would have begun ({@code "restart/canary broker 3: pre-stop-gates"})
     */
    public static Optional<String> outsideWindows(MaintenanceWindows windows, Instant now, String next) {
        return windows.closedBecause(now).map(why -> "not begun: " + next + ": " + why + ". Nothing is left"
                + " half-done; run apply again inside a window (it resumes here), or now with --ignore-windows");
    }

    /** @throws StepFailedException FAILED, with the command's exit code and output, when it did not succeed */
    public static void requireOk(CommandResult r, String what) throws StepFailedException {
        if (!r.ok()) {
            throw new StepFailedException(OutcomeKind.FAILED, r.failure(what));
        }
    }

    /**
     * Waits until the process no longer runs, at most {@code stopTimeout} from {@code t0}; never kills.
     *
     * @param advice appended to the timeout's message, e.g. {@code " (a SIGKILL forces log recovery): check its
     *     shutdown"}; empty for none
     * @param waiting told the time waited so far, at most every {@link #WAITING_EVENT_EVERY}
     * @throws StepFailedException FAILED when the process still runs at the deadline
     */
    public void awaitExit(Watched p, Instant t0, String advice, Consumer<Duration> waiting)
            throws InterruptedException, StepFailedException {
        Instant deadline = t0.plus(settings.stopTimeout());
        Instant lastEvent = t0;
        while (isRunning(p)) {
            Instant now = now();
            if (!now.isBefore(deadline)) {
                throw new StepFailedException(OutcomeKind.FAILED, p.who() + " still running "
                        + settings.stopTimeout().toSeconds() + " s after the stop command; it was not killed" + advice);
            }
            if (!now.isBefore(lastEvent.plus(WAITING_EVENT_EVERY))) {
                waiting.accept(Duration.between(t0, now));
                lastEvent = now;
            }
            sleep(processPoll());
        }
    }

    private Duration processPoll() {
        return settings.pollInterval().compareTo(PROCESS_POLL) < 0 ? settings.pollInterval() : PROCESS_POLL;
    }

    /**
     * Waits until the process runs, at most {@code startTimeout} from {@code t0}.
     *
     * @throws StepFailedException FAILED when the process does not run by then
     */
    public void awaitRunning(Watched p, Instant t0) throws InterruptedException, StepFailedException {
        Instant deadline = t0.plus(settings.startTimeout());
        while (!isRunning(p)) {
            if (!now().isBefore(deadline)) {
                throw new StepFailedException(OutcomeKind.FAILED, p.who() + "'s process is not running "
                        + settings.startTimeout().toSeconds() + " s after the start command: check its log");
            }
            sleep(processPoll());
        }
    }

    /**
     * Replaces {@code path} on the host with {@code content}, the current file kept at {@code backupPath}
     * ({@link HostExecutor#writeFile}), retried while the host cannot be reached. Each attempt first reads the
     * file and writes only if it does not hold {@code content} yet: when a connection dropped after the rename
     * but before the answer, a blind retry would copy the already replaced file over the backup, and a later
     * rollback would find nothing to restore.
     *
     * @throws HostUnreachableException when every attempt failed to reach the host
     */
    public void replaceFile(String host, String path, String content, String backupPath) {
        retried(() -> {
            if (!executor.readFile(host, path).equals(content)) {
                executor.writeFile(host, path, content, backupPath);
            }
            return null;
        });
    }

    /**
     * Writes a config file's backup (kept by an edit: {@code edit-config}, the ensemble roll) back in place, the
     * replaced file kept at {@code keep}; idempotent (a file already equal to the backup is left alone).
     *
     * @param backupCertain true when the edit is known to have written (then a missing backup is an error);
     *     false when it only started (then a missing backup means the file was never changed)
     * @param asBefore how the summary says the file is already restored, e.g. "as before phase binaries"
     * @param d the step's journal details: file, from, backup and summary are put there
     * @throws StepFailedException (FAILED) when a backup that must exist cannot be read
     */
    public void restoreBackup(String host, String configFile, String backup, boolean backupCertain, String keep,
                              String asBefore, Map<String, String> d) throws StepFailedException {
        String previous;
        try {
            previous = retried(() -> executor.readFile(host, backup));
        } catch (IllegalStateException missing) {
            if (!backupCertain) {
                // edit-config started but never wrote: the file was never changed
                d.put("summary", "the edit never happened (no backup at " + backup + "): nothing to restore");
                return;
            }
            throw new StepFailedException(OutcomeKind.FAILED, "the backup " + backup + " kept by edit-config"
                    + " cannot be read (" + missing.getMessage() + "): restore it by hand");
        }
        String current = retried(() -> executor.readFile(host, configFile));
        if (current.equals(previous)) {
            d.put("summary", configFile + " already " + asBefore);
            return;
        }
        replaceFile(host, configFile, previous, keep);
        d.put("file", configFile);
        d.put("from", backup);
        d.put(Journaling.BACKUP, keep);
        d.put("summary", "restored " + configFile + " from " + backup + " (replaced file kept at " + keep + ")");
    }

    /** Sleeps through the run's sleeper; throws at once, before or after, when the run was interrupted. */
    public void sleep(Duration d) throws InterruptedException {
        if (interrupted.getAsBoolean()) {
            throw new InterruptedException("run interrupted");
        }
        sleeper.sleep(d);
        if (interrupted.getAsBoolean()) {
            throw new InterruptedException("run interrupted");
        }
    }

    public boolean interrupted() {
        return interrupted.getAsBoolean();
    }

    /**
     * Sends one progress event.
     *
     * @param runStart when the run started (its elapsed time is reported); null = unknown
     */
    public void emit(ProgressEvent.Type type, String phase, String wave, Integer broker, String step,
                     Duration stepElapsed, Instant runStart, String message) {
        Instant now = now();
        listener.onEvent(new ProgressEvent(now, type, phase, wave, broker, step, stepElapsed,
                runStart == null ? Duration.ZERO : Duration.between(runStart, now), message));
    }

    public Instant now() {
        return clock.instant();
    }

    public Duration since(Instant t0) {
        return Duration.between(t0, now());
    }

    /** "12.3 s"; "-" for null. */
    public static String seconds(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
