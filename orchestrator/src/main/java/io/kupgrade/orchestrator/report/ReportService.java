package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.StateDirs;
import io.kupgrade.orchestrator.journal.UrpLog;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kupgrade report PLAN}: builds the {@link RollReport} of a plan from its journal (where the plan's
 * {@code state:} keeps it: file or ZooKeeper) and the URP samples beside the local state
 * ({@code <stateDir>/<cluster>/urp.jsonl}, written by the machine that ran {@code apply}). Read-only: touches no
 * Kafka cluster and no host, takes no lock (a report of a running roll shows it up to its last journaled step).
 * Thread-safe.
 *
 * <p>Thrown: {@link io.kupgrade.plans.PlanException} for an invalid plan; an unreadable journal line fails
 * with the journal's own error ({@link IllegalStateException});
 * {@link io.kupgrade.gates.ClusterUnreachableException} when a ZooKeeper state store does not answer. A missing
 * journal is a report with a note.
 */
public final class ReportService {

    /**
     * @param stateDir where local state lives; null for the default ({@code ~/.kupgrade/state})
     */
    public RollReport report(Path planFile, Path stateDir) {
        Plan plan = PlanParser.parse(planFile);
        Path dir = stateDir != null ? stateDir : StateDirs.defaultStateDir();
        String cluster = plan.cluster().name();
        List<JournalEntry> entries = StateStores.readJournal(plan, dir);
        List<UrpLog.Sample> samples = UrpLog.forCluster(dir, cluster).read();
        Map<Integer, String> hosts = new HashMap<>();
        for (BrokerSpec b : plan.brokers()) {
            hosts.put(b.id(), b.host());
        }
        return ReportModel.build(plan.source().toString(), plan.sha256(), cluster,
                StateStores.journalLocation(plan, dir), entries, samples, hosts);
    }
}
