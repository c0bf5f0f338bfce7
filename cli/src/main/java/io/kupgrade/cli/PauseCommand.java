package io.kupgrade.cli;

import io.kupgrade.orchestrator.pause.PauseService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade pause PLAN}: stop runs of the cluster before their next broker. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Pause runs of the plan's cluster: a running apply or rollback stops before its next broker",
            "(never in the middle of one) and exits 3; a new apply is refused until `kupgrade resume` (a rollback",
            "still starts: it is the way out of a paused roll)."})
final class PauseCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the journal and `status`.")
    String reason;

    @Mixin
    StateOptions state;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PauseService.Result r = new PauseService().pause(planFile, state.dir(), reason);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("cluster %s %s%n", r.cluster(), r.now().orElseThrow().describe());
        out.println("pause marker: " + r.marker());
        r.previous().ifPresent(p -> out.println("(replaces: " + p.describe() + ")"));
        out.println("a running apply or rollback stops before its next broker; `kupgrade resume " + planFile
                + "` lifts the pause");
        out.flush();
        return ExitCode.OK.code();
    }
}
