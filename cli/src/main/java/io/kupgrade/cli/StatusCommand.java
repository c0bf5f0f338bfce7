package io.kupgrade.cli;

import io.kupgrade.orchestrator.apply.StatusReport;
import io.kupgrade.orchestrator.apply.StatusService;
import io.kupgrade.orchestrator.topics.TopicFormatJournal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kupgrade status FILE}: where the roll stands, from the journal. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show from the journal what is done, what is in progress and what `apply` does next.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    @Mixin
    StateOptions state;

    @Mixin
    OutputOptions output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        StatusReport r = new StatusService().status(planFile, state.dir());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.print(out, toJson(r));
        } else {
            render(out, r);
        }
        return ExitCode.OK.code();
    }

    /** The {@code -o json} document: the report as is; {@code status.lock} is null when nobody holds the lock. */
    static Map<String, Object> toJson(StatusReport r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schemaVersion", Json.SCHEMA_VERSION);
        doc.put("status", r);
        return doc;
    }

    static void render(PrintWriter out, StatusReport r) {
        out.printf("plan     %s (sha256 %s)%n", r.planFile(), r.planSha256());
        out.printf("cluster  %s%n", r.cluster());
        out.printf("journal  %s%n", r.journal());
        out.printf("lock     %s%n", lockLine(r.lock()));
        if (r.pause() != null) {
            out.printf("PAUSED   %s (since %s, by %s); `kupgrade resume` lifts it%n",
                    r.pause().reason().isEmpty() ? "no reason given" : r.pause().reason(), r.pause().since(),
                    r.pause().by());
        }
        for (StatusReport.PhaseStatus p : r.phases()) {
            out.printf("phase %-12s %-11s%s%n", p.name(), p.state(), p.finalized() == null ? ""
                    : p.finalized() ? " (metadata.version finalized)" : " (not finalized yet)");
            for (StatusReport.WaveStatus w : p.waves()) {
                // the controllers' wave holds only dedicated KRaft controllers
                out.printf("  wave %-11s %-11s %s %s, done %s%n", w.name(), w.state(),
                        io.kupgrade.plans.WavePlanner.isControllersWave(w.name()) ? "controllers" : "brokers",
                        w.brokers(), w.brokersDone());
            }
        }
        if (r.inProgress() != null) {
            StatusReport.BrokerInProgress b = r.inProgress();
            out.printf("in progress: broker %d in %s/%s, last step %s %s at %s%s%n", b.brokerId(), b.phase(), b.wave(),
                    b.lastStep(), b.lastEvent(), b.at(), b.reason() == null ? "" : " (" + b.reason() + ")");
        }
        if (r.lastRun() != null) {
            StatusReport.LastRun l = r.lastRun();
            out.printf("last run: %s, started %s, %s%s%n", l.commandLine(), l.startedAt(), l.outcome(),
                    l.message() == null ? "" : ": " + l.message());
        }
        for (TopicFormatJournal.Recorded t : r.topicFormats()) {
            out.println("topic-format " + t.describe());
        }
        if (r.problem() != null) {
            out.println("problem: " + r.problem());
        }
        out.println(r.planDone() ? "the plan is done" : "next: " + r.next());
        out.flush();
    }

    private static String lockLine(StatusReport.Lock lock) {
        if (lock == null) {
            return "free: no run holds the cluster's lock";
        }
        return "held by " + lock.holder().describe() + (lock.holderGone()
                ? " (that process is gone from this host: the next apply takes the lock over)" : "");
    }
}
