package io.kupgrade.gates;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the cluster looked like at one instant. Immutable; built by a {@link ClusterReader} or, in tests
 * and benchmarks, by hand.
 *
 * @param brokers registered (live; in KRaft unfenced) brokers by id
 * @param activeController the active controller: ZooKeeper mode the controller broker, KRaft the metadata
 *     quorum leader (never describeCluster's answer through a broker, which is a random live broker)
 * @param kraft true for KRaft clusters
 * @param partitions every partition of every topic
 * @param minIsrByTopic min.insync.replicas per topic (topic config or broker default)
 * @param reassigning partitions with a reassignment in progress ("topic-partition")
 * @param quorumVoters KRaft voters and their lag behind the leader's log end offset; empty in ZooKeeper mode
 * @param finalizedFeatures finalized feature levels (e.g. metadata.version); empty in ZooKeeper mode
 */
public record ClusterSnapshot(
        Instant readAt,
        Map<Integer, Node> brokers,
        OptionalInt activeController,
        boolean kraft,
        List<PartitionState> partitions,
        Map<String, Integer> minIsrByTopic,
        Set<String> reassigning,
        Map<Integer, Long> quorumVoters,
        Map<String, Short> finalizedFeatures) {

    public ClusterSnapshot {
        brokers = Map.copyOf(brokers);
        partitions = List.copyOf(partitions);
        minIsrByTopic = Map.copyOf(minIsrByTopic);
        reassigning = Set.copyOf(reassigning);
        quorumVoters = Map.copyOf(quorumVoters);
        finalizedFeatures = Map.copyOf(finalizedFeatures);
    }

    /** A registered broker. */
    public record Node(int id, String host, int port, String rack) {
    }

    /**
     * One partition. {@code leader} is -1 when the partition has no leader (offline).
     * Arrays are owned by the snapshot: do not modify them.
     */
    public record PartitionState(String topic, int partition, int[] replicas, int[] isr, int leader) {
        public String name() {
            return topic + "-" + partition;
        }
    }
}
