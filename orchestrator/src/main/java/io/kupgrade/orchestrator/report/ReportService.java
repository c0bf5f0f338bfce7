package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.StateDirs;
import io.kupgrade.orchestrator.journal.UrpLog;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.plans.StateSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kupgrade report PLAN}: builds the {@link RollReport} of a plan from its journal and the URP samples
 * beside it. Read-only: touches no cluster and no host, takes no lock (a report of a running roll shows it up to
 * its last journaled step). Thread-safe.
 *
 * <p>Thrown: {@link io.kupgrade.plans.PlanException} for an invalid plan; an unreadable journal line fails
 * with the journal's own error ({@link IllegalStateException}). A missing journal is a report with a note.
 */
public final class ReportService {

    /**
     * @param stateDir where journals live; null for the default ({@code ~/.kupgrade/state})
     */
    public RollReport report(Path planFile, Path stateDir) {
        Plan plan = PlanParser.parse(planFile);
        Path dir = stateDir != null ? stateDir : StateDirs.defaultStateDir();
        String cluster = plan.cluster().name();
        Path journalFile = StateDirs.clusterDir(dir, cluster).resolve(FileJournal.FILE_NAME);
        List<JournalEntry> entries = Files.exists(journalFile) ? new FileJournal(journalFile).entries() : List.of();
        List<UrpLog.Sample> samples = UrpLog.forCluster(dir, cluster).read();
        Map<Integer, String> hosts = new HashMap<>();
        for (BrokerSpec b : plan.brokers()) {
            hosts.put(b.id(), b.host());
        }
        RollReport r = ReportModel.build(plan.source().toString(), plan.sha256(), cluster, journalFile.toString(),
                entries, samples, hosts);
        if (plan.state().store() != StateSpec.Store.FILE) {
            List<String> notes = new ArrayList<>(r.notes());
            notes.add(0, "the plan keeps its journal in " + plan.state().store().name().toLowerCase(java.util.Locale.ROOT)
                    + "; this report read the local file journal " + journalFile);
            r = new RollReport(r.planFile(), r.planSha256(), r.cluster(), r.journal(), r.from(), r.to(), r.lanes(),
                    r.waves(), r.markers(), r.urp(), r.brokers(), r.totals(), notes);
        }
        return r;
    }
}
