package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.DryRun;
import io.kupgrade.orchestrator.apply.PlanPreview;
import io.kupgrade.orchestrator.apply.PreviewService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade plan FILE}: exactly what an upgrade would do, before anything is touched. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Validate a plan and print what applying it would do: phases, waves with the brokers in",
            "roll order (active controller last), per-broker config diffs, the gates of every step, the",
            "points of no return and the plan's sha256. Touches nothing."})
final class PlanCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Option(names = "--offline", description = "Use only the plan: no cluster or host access (for CI).")
    boolean offline;

    @Mixin
    OutputOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PlanPreview preview = new PreviewService().preview(planFile, offline);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("schemaVersion", Json.SCHEMA_VERSION);
            doc.put("plan", preview);
            Json.print(out, doc);
        } else {
            render(out, preview);
        }
        return ExitCode.OK.code();
    }

    static String human(long seconds) {
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    static void render(PrintWriter out, PlanPreview p) {
        out.printf("plan     %s%n", p.planFile());
        out.printf("sha256   %s%n", p.sha256());
        out.printf("cluster  %s%s%n", p.cluster(), p.offline() ? "  (offline: from the plan only; current values"
                + " unknown, active controller unknown)" : p.activeController() == null ? ""
                : "  (active controller: " + (p.phases().stream().flatMap(ph -> ph.waves().stream())
                        .anyMatch(w -> io.kupgrade.plans.WavePlanner.isControllersWave(w.name())
                                && w.brokers().stream().anyMatch(b -> b.id() == p.activeController()))
                        ? "dedicated controller " : "broker ") + p.activeController() + ")");
        int i = 0;
        for (PlanPreview.PhasePreview ph : p.phases()) {
            i++;
            out.println();
            out.printf("phase %d/%d: %s%s%n", i, p.phases().size(), ph.name(),
                    ph.pointOfNoReturn() ? "   ** POINT OF NO RETURN: rollback refused after this phase **" : "");
            if (ph.version() != null) {
                out.printf("  target version   %s%n", ph.version());
            }
            if (ph.install() != null) {
                out.printf("  install          %s%n", ph.install());
            }
            boolean ensemble = io.kupgrade.plans.ZooKeeperEnsembleSpec.PHASE_NAME.equals(ph.name());
            if (!ph.waves().isEmpty()) {
                out.println(ensemble ? "  ZooKeeper servers, before any broker" : "  waves");
            }
            for (PlanPreview.WavePreview w : ph.waves()) {
                String brokers = w.brokers().stream().map(b -> b.id() + " " + b.host()
                        + (b.rack() == null ? "" : " [" + b.rack() + "]") + (b.activeController() ? " (controller)" : ""))
                        .collect(Collectors.joining(", "));
                out.printf("    %-10s %s%s%n", w.name(), brokers, w.soakSeconds() > 0 ? " (soak " + human(w.soakSeconds()) + ")" : "");
                if (!w.batches().isEmpty()) {
                    String batches = w.batches().stream().map(b -> b.brokers()
                            + (b.rack() == null ? "" : " " + b.rack())).collect(Collectors.joining(", "));
                    out.printf("    %-10s batches: %s  (%s)%n", "", batches, w.batchesNote());
                }
            }
            if (!ph.configDiffs().isEmpty()) {
                out.println("  config changes");
                // brokers with the same change (the usual case) are listed once
                Map<String, List<Integer>> same = new LinkedHashMap<>();
                for (PlanPreview.BrokerConfigDiff d : ph.configDiffs()) {
                    StringBuilder key = new StringBuilder("  ").append(d.file());
                    for (DryRun.ConfigChange c : d.changes()) {
                        key.append(String.format("%n      %s: %s -> %s", c.key(), !c.oldKnown() ? "?"
                                : c.oldValue() == null ? "(absent)" : c.oldValue(),
                                c.newValue() == null ? "(removed)" : c.newValue()));
                    }
                    same.computeIfAbsent(key.toString(), k -> new ArrayList<>()).add(d.brokerId());
                }
                String who = ensemble ? "server" : "broker";
                same.forEach((text, ids) -> out.printf("    %s%s %s%s%n", who, ids.size() == 1 ? "" : "s",
                        ids.stream().map(String::valueOf).collect(Collectors.joining(", ")), text));
            }
            out.println(ph.waves().isEmpty() ? "  steps" : ensemble ? "  every server" : "  every broker");
            for (PlanPreview.StepPreview s : ph.brokerSteps()) {
                out.printf("    %-18s %s%s%n", s.step(), s.description(), s.gates().isEmpty() ? ""
                        : "  [gates: " + String.join(", ", s.gates()) + "]");
            }
        }
        out.println();
        out.printf("points of no return: %s%n", p.pointsOfNoReturn().isEmpty() ? "none"
                : String.join(", ", p.pointsOfNoReturn()));
        for (String note : p.notes()) {
            out.println("note: " + note);
        }
        out.flush();
    }
}
