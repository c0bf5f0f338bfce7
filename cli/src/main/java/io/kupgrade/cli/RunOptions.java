package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.DryRun;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shared options of the commands that run a plan against its cluster, journaled and under its lock
 * ({@code apply}, {@code rollback}): {@code PLAN}, {@code --dry-run}, {@code --yes}, {@code --state-dir},
 * {@code -o text|json}; and how those commands show a dry run, ask before acting and print the outcome. Each
 * command words PLAN, --dry-run and --yes for what it does: in {@code SharedOptions.properties} (picocli's
 * {@code descriptionKey}, looked up in the command's resource bundle; the descriptions here are fallbacks).
 */
final class RunOptions {

    @Parameters(paramLabel = "PLAN", descriptionKey = "plan", description = "The plan file (YAML).")
    Path planFile;

    @Option(names = "--dry-run", descriptionKey = "dry-run", description = "Print the steps; touch nothing.")
    boolean dryRun;

    @Option(names = "--yes", descriptionKey = "yes", description = "Do not ask before acting.")
    boolean yes;

    @Mixin
    StateOptions state;

    @Mixin
    OutputOptions output;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Path stateDir() {
        return state.dir();
    }

    boolean json() {
        return output.json();
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    /** Progress: JSON lines on stdout with {@code -o json}, else lines for people on stderr. */
    ProgressEvent.Listener progress() {
        return new ProgressPrinter(json() ? out() : err(), json());
    }

    /** Prints a dry run, as text or JSON. */
    void printDryRun(DryRun d) {
        if (json()) {
            Json.print(out(), Map.of("schemaVersion", Json.SCHEMA_VERSION, "dryRun", d));
        } else {
            renderDryRun(out(), d);
        }
    }

    /** Prints a run's outcome: one JSON {@code OUTCOME} event line, or after an empty line on stderr, {@code text}. */
    void printOutcome(Object outcome, Consumer<PrintWriter> text) {
        PrintWriter out = out();
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("event", "OUTCOME");
            doc.put("schemaVersion", Json.SCHEMA_VERSION);
            doc.put("outcome", outcome);
            out.println(Json.line(doc));
        } else {
            err().println();
            text.accept(out);
        }
        out.flush();
    }

    /**
     * Asks on stderr and reads the phase's name from the terminal; without a terminal prints
     * {@code withoutTerminal} (how to confirm with {@code --yes}) and declines.
     */
    RollRunner.Confirmer confirmer(String withoutTerminal) {
        PrintWriter err = err();
        return (phase, question) -> {
            err.println(question);
            if (System.console() == null) {
                err.println(withoutTerminal);
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

    private static void renderDryRun(PrintWriter out, DryRun d) {
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
                // the controllers' wave holds only dedicated KRaft controllers
                b.append(io.kupgrade.plans.WavePlanner.isControllersWave(s.wave()) ? " controller " : " broker ")
                        .append(s.brokerId());
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
