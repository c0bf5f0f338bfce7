package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.RollbackRequest;
import io.kupgrade.orchestrator.apply.RollbackService;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollbackOutcome;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kupgrade rollback PLAN}: give the brokers of a phase their previous config and binaries back. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        resourceBundle = "io.kupgrade.cli.SharedOptions",
        description = {"Roll back a phase, last-rolled broker first: canStop -> stop -> wait for exit ->",
            "rollback install -> previous server.properties (from the backup apply kept) -> start ->",
            "registered, back in every ISR, cluster healthy. Refused across a point of no return",
            "(protocol bumped, metadata.version finalized) unless --force. Journaled and resumable;",
            "apply rolls the rolled-back brokers again. --phase zookeeper-ensemble (the default once no",
            "broker phase is left to roll back) restores each ZooKeeper server's zoo.cfg (and binaries with",
            "zookeeperEnsemble.rollback.install), followers first, the leader last, gated on the quorum."})
final class RollbackCommand implements Callable<Integer> {

    @Option(names = "--phase", paramLabel = "NAME",
            description = "The phase to roll back (default: the last phase that touched a broker; then"
                    + " zookeeper-ensemble, the ZooKeeper servers the plan rolled).")
    String phase;

    @Option(names = "--to-wave", paramLabel = "NAME",
            description = "Stop after undoing this wave (waves are undone last first; default: all).")
    String toWave;

    @Option(names = "--force", description = "Roll back across a point of no return. Kafka does not support it;"
            + " the override is journaled.")
    boolean force;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        UserError.notBlank("--phase", phase, "name a phase, or leave --phase out for the last one that touched a"
                + " broker");
        UserError.notBlank("--to-wave", toWave, "name a wave, or leave --to-wave out to undo every wave");
        RollbackRequest request = new RollbackRequest(run.planFile, phase, toWave, force, run.yes, run.stateDir());
        RollbackService service = new RollbackService();
        if (force) {
            PrintWriter err = run.err();
            err.println("WARNING: --force: a rollback across a point of no return is not supported by Kafka (an older"
                    + " binary may not start with a newer protocol; metadata.version cannot be downgraded). The"
                    + " override is journaled.");
            err.flush();
        }
        if (run.dryRun) {
            run.printDryRun(service.dryRun(request));
            return ExitCode.OK.code();
        }
        OutcomeKind kind = ApplyCommand.runInterruptibly(stop -> {
            RollbackOutcome outcome = service.rollback(request, run.progress(),
                    run.confirmer("(not a terminal: pass --yes to roll back)"), stop::get);
            run.printOutcome(outcome, out -> {
                if (!outcome.forcedOver().isEmpty()) {
                    out.println("WARNING: forced over: " + String.join("; ", outcome.forcedOver()));
                }
                out.printf("%s: %s%n", outcome.kind(), outcome.message());
            });
            return outcome.kind();
        });
        return ApplyCommand.exitCode(kind).code();
    }
}
