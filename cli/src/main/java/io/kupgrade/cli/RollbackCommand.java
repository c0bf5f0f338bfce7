package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.DryRun;
import io.kupgrade.orchestrator.apply.RollbackRequest;
import io.kupgrade.orchestrator.apply.RollbackService;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade rollback PLAN}: give the brokers of a phase their previous config and binaries back. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Roll back a phase, last-rolled broker first: canStop -> stop -> wait for exit ->",
            "rollback install -> previous server.properties (from the backup apply kept) -> start ->",
            "registered, back in every ISR, cluster healthy. Refused across a point of no return",
            "(protocol bumped, metadata.version finalized) unless --force. Journaled and resumable;",
            "apply rolls the rolled-back brokers again. --phase zookeeper-ensemble (the default once no",
            "broker phase is left to roll back) restores each ZooKeeper server's zoo.cfg (and binaries with",
            "zookeeperEnsemble.rollback.install), followers first, the leader last, gated on the quorum."})
final class RollbackCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML) that was applied.")
    Path planFile;

    @Option(names = "--phase", paramLabel = "NAME",
            description = "The phase to roll back (default: the last phase that touched a broker; then"
                    + " zookeeper-ensemble, the ZooKeeper servers the plan rolled).")
    String phase;

    @Option(names = "--to-wave", paramLabel = "NAME",
            description = "Stop after undoing this wave (waves are undone last first; default: all).")
    String toWave;

    @Option(names = "--dry-run", description = "Print the steps and config diffs; touch nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Roll back across a point of no return. Kafka does not support it;"
            + " the override is journaled.")
    boolean force;

    @Option(names = "--yes", description = "Do not ask before rolling back.")
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
        RollbackRequest request = new RollbackRequest(planFile, phase, toWave, force, yes, state.stateDir);
        RollbackService service = new RollbackService();
        if (force) {
            err.println("WARNING: --force: a rollback across a point of no return is not supported by Kafka (an older"
                    + " binary may not start with a newer protocol; metadata.version cannot be downgraded). The"
                    + " override is journaled.");
            err.flush();
        }
        if (dryRun) {
            DryRun plan = service.dryRun(request);
            if (output.json()) {
                Json.print(out, Map.of("schemaVersion", Json.SCHEMA_VERSION, "dryRun", plan));
            } else {
                ApplyCommand.renderDryRun(out, plan);
            }
            return ExitCode.OK.code();
        }
        OutcomeKind kind = ApplyCommand.runInterruptibly(stop -> {
            RollbackOutcome outcome = service.rollback(request, new ProgressPrinter(output.json() ? out : err,
                    output.json()), confirmer(err), stop::get);
            render(outcome, out, err);
            return outcome.kind();
        });
        return ApplyCommand.exitCode(kind).code();
    }

    private void render(RollbackOutcome outcome, PrintWriter out, PrintWriter err) {
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("event", "OUTCOME");
            doc.put("schemaVersion", Json.SCHEMA_VERSION);
            doc.put("outcome", outcome);
            out.println(Json.line(doc));
        } else {
            err.println();
            if (!outcome.forcedOver().isEmpty()) {
                out.println("WARNING: forced over: " + String.join("; ", outcome.forcedOver()));
            }
            out.printf("%s: %s%n", outcome.kind(), outcome.message());
        }
        out.flush();
    }

    private static RollRunner.Confirmer confirmer(PrintWriter err) {
        return (phase, question) -> {
            err.println(question);
            if (System.console() == null) {
                err.println("(not a terminal: pass --yes to roll back)");
                err.flush();
                return false;
            }
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
}
