package io.kupgrade.cli;

import io.kupgrade.orchestrator.pause.PauseService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade resume PLAN}: lift a pause; the next apply continues where the run stopped. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Lift a `kupgrade pause`; run apply again to continue where the run stopped.")
final class ResumeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Mixin
    StateOptions state;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PauseService.Result r = new PauseService().resume(planFile, state.dir());
        PrintWriter out = spec.commandLine().getOut();
        if (r.previous().isEmpty()) {
            out.printf("cluster %s was not paused; nothing to do%n", r.cluster());
        } else {
            out.printf("cluster %s resumed (was %s); run `kupgrade apply %s` to continue%n", r.cluster(),
                    r.previous().get().describe(), planFile);
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
