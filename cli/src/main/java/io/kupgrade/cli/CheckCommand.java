package io.kupgrade.cli;

import io.kupgrade.gates.GateResult;
import io.kupgrade.gates.HealthCheck;
import io.kupgrade.gates.HealthReport;
import io.kupgrade.gates.LintFinding;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code kupgrade check}: one health table and the preflight lint; non-zero when the cluster is not healthy. */
@Command(name = "check", mixinStandardHelpOptions = true,
        resourceBundle = "io.kupgrade.cli.SharedOptions",
        description = {"Read the cluster once and print every health gate (pass/fail with evidence) and the",
            "preflight lint. Exits 0 when healthy, 5 when not (usable in CI and cron)."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Mixin
    OutputOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterOptions.Target named = cluster.target();
        ClusterSpec target = named.cluster();
        Plan plan = named.plan();
        // dedicated KRaft controllers never register as brokers, nor report a BrokerState: not checked as brokers
        List<BrokerSpec> brokers = plan == null ? List.of() : plan.brokers().stream()
                .filter(b -> !b.dedicatedController()).toList();
        Set<Integer> expected = brokers.stream().map(BrokerSpec::id).collect(Collectors.toSet());
        boolean bump = plan != null && plan.phases().stream().anyMatch(p -> p.pointOfNoReturn()
                || p.set().containsKey("log.message.format.version"));
        HealthReport report;
        // with the plan's brokers the check also reads JMX (where a jmxPort is given) and the ZooKeeper ensemble
        try (HealthCheck check = HealthCheck.create(target, brokers)) {
            report = check.run(new HealthCheck.Options(expected, List.of(), bump, plan == null ? Set.of()
                    : Set.copyOf(plan.dedicatedControllerIds())));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.print(out, toJson(target, report));
        } else {
            render(out, target, report);
        }
        if (report.readAt() == null) {
            return ExitCode.UNREACHABLE.code();
        }
        return report.healthy() ? ExitCode.OK.code() : ExitCode.UNHEALTHY.code();
    }

    private static void render(PrintWriter out, ClusterSpec target, HealthReport report) {
        out.printf("cluster %s (%s)%s%n", target.name(), target.bootstrapServers(), report.readAt() == null ? ""
                : String.format(": %s, %d brokers %s, %d partitions", report.kraft() ? "KRaft" : "ZooKeeper mode",
                        report.brokers().size(), report.brokers(), report.partitions()));
        int width = report.gates().stream().mapToInt(g -> g.gate().length()).max().orElse(4);
        out.println();
        out.printf("%-" + width + "s  %-12s  %s%n", "GATE", "STATUS", "EVIDENCE");
        for (GateResult g : report.gates()) {
            out.printf("%-" + width + "s  %-12s  %s%n", g.gate(), g.status(), g.reason());
        }
        if (!report.findings().isEmpty()) {
            out.println();
            out.println("LINT");
            for (LintFinding f : report.findings()) {
                out.printf("  %-7s %-28s %s%n", f.severity(), f.code(), f.message());
            }
        }
        for (String note : report.notes()) {
            out.println("note: " + note);
        }
        out.println();
        out.println(report.healthy() ? "healthy" : "NOT HEALTHY: " + report.gates().stream()
                .filter(g -> !g.passed()).map(GateResult::gate).collect(Collectors.joining(", ")));
        out.flush();
    }

    private static Map<String, Object> toJson(ClusterSpec target, HealthReport report) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schemaVersion", Json.SCHEMA_VERSION);
        doc.put("cluster", target.name());
        doc.put("bootstrapServers", target.bootstrapServers());
        doc.put("readAt", report.readAt() == null ? null : report.readAt().toString());
        doc.put("kraft", report.kraft());
        doc.put("brokers", report.brokers());
        doc.put("partitions", report.partitions());
        doc.put("healthy", report.healthy());
        List<Map<String, Object>> gates = new ArrayList<>();
        for (GateResult g : report.gates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gate", g.gate());
            m.put("status", g.status().name());
            m.put("reason", g.reason());
            m.put("evidence", g.evidence());
            gates.add(m);
        }
        doc.put("gates", gates);
        doc.put("lint", report.findings());
        doc.put("notes", report.notes());
        return doc;
    }
}
