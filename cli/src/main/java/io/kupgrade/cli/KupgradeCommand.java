package io.kupgrade.cli;

import io.kupgrade.plans.PlanException;
import io.kupgrade.plans.PlanProblem;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code kupgrade} command: subcommands, and the one place exceptions become exit codes. */
@Command(name = "kupgrade",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Rolling upgrades of Apache Kafka clusters, gated on cluster health.",
        footer = {"", "Exit codes: see docs/exit-codes.md (0 ok, 2 invalid input, 3 halted by a gate,"
                + " 4 failed, 5 unhealthy, 6 locked, 7 unreachable, 8 refused, 130 interrupted)."},
        subcommands = {
            PlanCommand.class,
            CheckCommand.class,
            ApplyCommand.class,
            RollbackCommand.class,
            StatusCommand.class,
            ReportCommand.class,
            PauseCommand.class,
            ResumeCommand.class,
            TopicFormatCommand.class,
            DemoCommand.class,
            AgentCommand.class,
            SandboxCommand.class,
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class
        })
public final class KupgradeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of internal errors.")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        KupgradeCommand top = new KupgradeCommand();
        CommandLine cl = new CommandLine(top);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(KupgradeCommand::onBadArguments);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> onException(ex, commandLine, top.verbose));
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return cl;
    }

    private static int onBadArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("kupgrade: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCode.INVALID_INPUT.code();
    }

    /** Maps what went wrong to one clear message and an exit code. */
    static int onException(Exception ex, CommandLine cl, boolean verbose) {
        PrintWriter err = cl.getErr();
        ExitCode code;
        if (ex instanceof PlanException pe) {
            for (PlanProblem p : pe.problems()) {
                err.println("error: " + p);
            }
            err.println(pe.problems().size() == 1 ? "1 problem; nothing was changed."
                    : pe.problems().size() + " problems; nothing was changed.");
            code = ExitCode.INVALID_INPUT;
        } else if (ex instanceof UserError ue) {
            err.println("kupgrade: " + ue.getMessage());
            code = ue.exitCode();
        } else {
            code = Failures.classify(ex, err);
        }
        if (verbose || code == ExitCode.INTERNAL_ERROR) {
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                err.println("(an internal error; run again with --verbose for the stack trace)");
            }
        }
        err.flush();
        return code.code();
    }
}
