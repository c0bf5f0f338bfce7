package io.kupgrade.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code kupgrade} command. */
@Command(name = "kupgrade",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Rolling upgrades of Apache Kafka clusters, gated on cluster health.",
        subcommands = {CommandLine.HelpCommand.class})
public final class KupgradeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new KupgradeCommand());
        cl.setOut(out);
        cl.setErr(err);
        return cl;
    }
}
