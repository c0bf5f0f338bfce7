package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.ApplyRequest;
import io.kupgrade.orchestrator.apply.ApplyService;
import io.kupgrade.orchestrator.apply.DemoRunner;
import io.kupgrade.orchestrator.apply.DryRun;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade apply FILE}: roll the plan, wave by wave, every step gated and journaled. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Roll the plan across the cluster: per broker canStop -> stop -> wait for exit ->",
            "install -> edit config (backup kept) -> start -> registered, back in every ISR, cluster healthy.",
            "Stops at the first failed gate. Journaled: run it again to resume where it stopped."})
final class ApplyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Option(names = "--wave", paramLabel = "canary|NAME|all", defaultValue = "all",
            description = "Roll only this wave of the first unfinished phase (default: ${DEFAULT-VALUE}).")
    String wave;

    @Option(names = "--phase", paramLabel = "NAME", description = "Roll only this phase (zookeeper-ensemble: only the"
            + " plan's ZooKeeper servers, which otherwise roll before every phase).")
    String phase;

    @Option(names = "--dry-run", description = "Print the exact steps that would run; touch nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Do not ask before a point-of-no-return phase.")
    boolean yes;

    @Mixin
    StateOptions state;

    @Mixin
    OutputOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ApplyRequest request = new ApplyRequest(planFile, new Selection(phase, wave), yes, state.stateDir);
        ApplyService service = new ApplyService();
        if (dryRun) {
            DryRun plan = service.dryRun(request);
            if (output.json()) {
                Json.print(out, Map.of("schemaVersion", Json.SCHEMA_VERSION, "dryRun", plan));
            } else {
                renderDryRun(out, plan);
            }
            return ExitCode.OK.code();
        }
        // the outcome is rendered inside the interruptible section: on Ctrl-C the JVM waits for it, so the
        // operator always sees why the run stopped
        OutcomeKind kind = runInterruptibly(stop -> {
            RollOutcome outcome = service.apply(request, new ProgressPrinter(output.json() ? out : err,
                    output.json()), confirmer(err), stop::get);
            render(outcome, out, err);
            return outcome.kind();
        });
        return exitCode(kind).code();
    }

    private void render(RollOutcome outcome, PrintWriter out, PrintWriter err) {
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("event", "OUTCOME");
            doc.put("schemaVersion", Json.SCHEMA_VERSION);
            doc.put("outcome", outcome);
            out.println(Json.line(doc));
            out.flush();
        } else {
            err.println();
            if (!outcome.brokers().isEmpty()) {
                out.print(DemoRunner.summaryTable(outcome.brokers()));
            }
            out.printf("%s: %s%n", outcome.kind(), outcome.message());
            out.flush();
        }
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

    private static RollRunner.Confirmer confirmer(PrintWriter err) {
        return (phase, question) -> {
            if (System.console() == null) {
                err.println(question);
                err.println("(not a terminal: pass --yes to confirm a point-of-no-return phase)");
                err.flush();
                return false;
            }
            err.println(question);
            err.print("Type the phase name '" + phase.name() + "' to go on: ");
            err.flush();
            try {
                String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                return phase.name().equals(answer == null ? null : answer.trim());
            } catch (java.io.IOException e) {
                return false;
            }
        };
    }

    static void renderDryRun(PrintWriter out, DryRun d) {
        out.printf("dry run of %s (sha256 %s), %s%n", d.planFile(), d.planSha256(), d.selection());
        if (d.nothingToDo() != null) {
            out.println("nothing to do: " + d.nothingToDo());
        }
        for (DryRun.Step s : d.steps()) {
            StringBuilder b = new StringBuilder("  ");
            b.append(s.phase() == null ? "" : s.phase());
            if (s.wave() != null) {
                b.append('/').append(s.wave());
            }
            if (s.brokerId() != null) {
                b.append(" broker ").append(s.brokerId());
                if (s.host() != null) {
                    b.append(" (").append(s.host()).append(')');
                }
            }
            b.append("  ").append(s.step());
            if (s.command() != null) {
                b.append(": ").append(s.command());
            }
            if (!s.gates().isEmpty()) {
                b.append("  [gates: ").append(String.join(", ", s.gates())).append(']');
            }
            if (s.note() != null) {
                b.append("  (").append(s.note()).append(')');
            }
            out.println(b);
            for (DryRun.ConfigChange c : s.configChanges()) {
                out.printf("      %s: %s -> %s%n", c.key(), !c.oldKnown() ? "?" : c.oldValue() == null ? "(absent)"
                        : c.oldValue(), c.newValue() == null ? "(removed)" : c.newValue());
            }
        }
        for (String note : d.notes()) {
            out.println("note: " + note);
        }
        out.flush();
    }
}
