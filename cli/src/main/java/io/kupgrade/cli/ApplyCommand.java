package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.ApplyRequest;
import io.kupgrade.orchestrator.apply.ApplyService;
import io.kupgrade.orchestrator.apply.DemoRunner;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.Selection;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kupgrade apply FILE}: roll the plan, wave by wave, every step gated and journaled. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        resourceBundle = "io.kupgrade.cli.SharedOptions",
        description = {"Roll the plan across the cluster: per broker canStop -> stop -> wait for exit ->",
            "install -> edit config (backup kept) -> start -> registered, back in every ISR, cluster healthy.",
            "Stops at the first failed gate. Journaled: run it again to resume where it stopped."})
final class ApplyCommand implements Callable<Integer> {

    @Option(names = "--wave", paramLabel = "canary|NAME|all", defaultValue = "all",
            description = "Roll only this wave of the first unfinished phase (default: ${DEFAULT-VALUE}).")
    String wave;

    @Option(names = "--phase", paramLabel = "NAME", description = "Roll only this phase (zookeeper-ensemble: only the"
            + " plan's ZooKeeper servers, which otherwise roll before every phase).")
    String phase;

    @Option(names = "--ignore-windows", description = "Begin brokers outside the plan's rollout.maintenanceWindows"
            + " too (journaled), e.g. to finish an urgent roll that halted at a window's end.")
    boolean ignoreWindows;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        UserError.notBlank("--wave", wave, "name a wave, or give canary or all");
        UserError.notBlank("--phase", phase, "name a phase, or leave --phase out for every phase");
        ApplyRequest request = new ApplyRequest(run.planFile, new Selection(phase, wave), run.yes, run.stateDir(),
                ignoreWindows);
        ApplyService service = new ApplyService();
        if (run.dryRun) {
            run.printDryRun(service.dryRun(request));
            return ExitCode.OK.code();
        }
        // the outcome is rendered inside the interruptible section: on Ctrl-C the JVM waits for it, so the
        // operator always sees why the run stopped
        OutcomeKind kind = runInterruptibly(stop -> {
            RollOutcome outcome = service.apply(request, run.progress(),
                    run.confirmer("(not a terminal: pass --yes to confirm a point-of-no-return phase)"), stop::get);
            run.printOutcome(outcome, out -> {
                if (!outcome.brokers().isEmpty()) {
                    out.print(DemoRunner.summaryTable(outcome.brokers()));
                }
                out.printf("%s: %s%n", outcome.kind(), outcome.message());
            });
            return outcome.kind();
        });
        return exitCode(kind).code();
    }

    static ExitCode exitCode(OutcomeKind kind) {
        return switch (kind) {
            case DONE -> ExitCode.OK;
            case HALTED, DECLINED -> ExitCode.HALTED;
            case FAILED -> ExitCode.FAILED;
            case INTERRUPTED -> ExitCode.INTERRUPTED;
        };
    }

    /**
     * Runs {@code body} with a flag that Ctrl-C / SIGTERM sets: the run then starts nothing new and returns with
     * its journal consistent, and the JVM waits (up to a minute) for that before exiting.
     */
    static <T> T runInterruptibly(java.util.function.Function<AtomicBoolean, T> body) {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kupgrade-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return body.apply(stop);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of the signal; the hook sees `finished` and lets it go
            }
        }
    }
}
