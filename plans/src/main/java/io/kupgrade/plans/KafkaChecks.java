package io.kupgrade.plans;

import io.kupgrade.plans.PlanBinder.PhaseDraft;
import java.util.List;
import java.util.Set;

/** Kafka-aware rules for phases: property names, version values, points of no return. */
final class KafkaChecks {
    static final String IBP = "inter.broker.protocol.version";
    static final String LMF = "log.message.format.version";
    static final Set<String> VERSION_PROPERTIES = Set.of(IBP, LMF);

    private final Problems problems;

    KafkaChecks(Problems problems) {
        this.problems = problems;
    }

    void check(ClusterSpec cluster, List<PhaseDraft> phases) {
        boolean zookeeperMode = cluster != null && cluster.zookeeperMode();
        for (PhaseDraft d : phases) {
            if (d.finalizeMetadataVersion != null) {
                if (zookeeperMode) {
                    problems.error(d.finalizeNode, d.path() + ".finalize.metadataVersion",
                            "metadata.version exists only in KRaft mode, but cluster.zookeeper is set; "
                                    + "ZooKeeper-mode clusters raise inter.broker.protocol.version instead");
                }
                // Conservative (reference §1b): most metadata versions cannot be downgraded once finalized.
                d.pointOfNoReturnReasons.add("finalizes metadata.version " + d.finalizeMetadataVersion
                        + " (a finalized metadata.version may not be downgradable)");
            }
        }
    }
}
