package io.kupgrade.cli;

import io.kupgrade.orchestrator.report.HtmlReport;
import io.kupgrade.orchestrator.report.ReportService;
import io.kupgrade.orchestrator.report.RollReport;
import io.kupgrade.orchestrator.report.TextReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade report PLAN}: the roll's timeline (HTML) or summary (text), from the journal. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Show how a roll went, from the journal: per broker stop, install, start, registration,"
                + " catch-up and leader-restore times, kupgrade's overhead, and (HTML) a timeline with one lane per"
                + " broker and under-replicated partitions over time. Reads only local state.")
final class ReportCommand implements Callable<Integer> {
    enum Format { text, html }

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Mixin
    StateOptions state;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        RollReport r = new ReportService().report(planFile, state.dir());
        String rendered = format == Format.html ? HtmlReport.render(r) : TextReport.render(r);
        PrintWriter stdout = spec.commandLine().getOut();
        if (out == null) {
            stdout.print(rendered);
        } else {
            try {
                Files.writeString(out, rendered, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserError(ExitCode.INVALID_INPUT, "cannot write " + out + ": " + whyNotWritten(out, e));
            }
            stdout.printf("wrote %s (%s, %d broker lanes)%n", out, format, r.lanes().size());
        }
        stdout.flush();
        return ExitCode.OK.code();
    }

    /** Why {@code file} could not be written, in words: the exception's own message is often only the path. */
    static String whyNotWritten(Path file, IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.exists(dir)) {
            return "the directory " + dir + " does not exist";
        }
        if (dir != null && !Files.isDirectory(dir)) {
            return dir + " is not a directory";
        }
        if (Files.isDirectory(file)) {
            return "it is a directory; give a file name";
        }
        return e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
    }
}
