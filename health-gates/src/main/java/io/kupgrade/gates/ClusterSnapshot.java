package io.kupgrade.gates;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the cluster looked like at one instant. Immutable; built by a {@link ClusterReader} or, in tests
 * and benchmarks, by hand or with {@link Snapshots#cluster()}.
 *
 * @param brokers registered (live; in KRaft unfenced) brokers by id
 * @param activeController the active controller: ZooKeeper mode the controller broker, KRaft the metadata
 *     quorum leader (never describeCluster's answer through a broker, which is a random live broker)
 * @param kraft true for KRaft clusters
 * @param partitions every partition of every topic
 * @param minIsrByTopic min.insync.replicas per topic (topic config or broker default); a topic missing here
 *     counts as Kafka's default, 1
 * @param reassigning partitions with a reassignment in progress ("topic-partition")
 * @param quorumVoters KRaft voters and their lag behind the leader's log end offset; empty in ZooKeeper mode
 * @param finalizedFeatures finalized feature levels (e.g. metadata.version); empty in ZooKeeper mode
 * @param brokerEpochs registration identity per broker where it can be read: in ZooKeeper mode the czxid of
 *     {@code /brokers/ids/<id>} (Kafka's broker epoch, KIP-380), which changes with every new process; empty
 *     when unknown (the Admin API of kafka-clients 3.9 does not expose it)
 * @param quorumLastFetchMs KRaft: per node (voters and observers, i.e. brokers), the quorum leader's time of
 *     that node's last metadata fetch (leader's clock, epoch millis). A stopped process stops fetching, so a
 *     value newer than one recorded after the process exited proves a new incarnation. Empty in ZooKeeper mode
 * @param notes signals the reader could not read and why (e.g. "listPartitionReassignments unsupported by
 *     brokers older than 2.4"), so gates and reports can say what was not checked
 * @param brokerMetrics JMX readings per broker, for the brokers that have a JMX port and answered; empty when
 *     JMX is not used (see {@link JmxClusterReader})
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
        Map<String, Short> finalizedFeatures,
        Map<Integer, Long> brokerEpochs,
        Map<Integer, Long> quorumLastFetchMs,
        List<String> notes,
        Map<Integer, BrokerMetrics> brokerMetrics) {

    /** Kafka's default {@code min.insync.replicas}. */
    public static final int DEFAULT_MIN_ISR = 1;
    /**
     * In {@code minIsrByTopic}: the topic's config could not be read. It then counts as the strictest value, its
     * replication factor ({@link #effectiveMinIsr}), so that no stop is let through on a guess.
     */
    public static final int MIN_ISR_UNKNOWN = Integer.MAX_VALUE;

    public ClusterSnapshot {
        brokers = Map.copyOf(brokers);
        partitions = List.copyOf(partitions);
        minIsrByTopic = Map.copyOf(minIsrByTopic);
        reassigning = Set.copyOf(reassigning);
        quorumVoters = Map.copyOf(quorumVoters);
        finalizedFeatures = Map.copyOf(finalizedFeatures);
        brokerEpochs = Map.copyOf(brokerEpochs);
        quorumLastFetchMs = Map.copyOf(quorumLastFetchMs);
        notes = List.copyOf(notes);
        brokerMetrics = Map.copyOf(brokerMetrics);
    }

    /** Without JMX readings. */
    public ClusterSnapshot(Instant readAt, Map<Integer, Node> brokers, OptionalInt activeController, boolean kraft,
                           List<PartitionState> partitions, Map<String, Integer> minIsrByTopic,
                           Set<String> reassigning, Map<Integer, Long> quorumVoters,
                           Map<String, Short> finalizedFeatures, Map<Integer, Long> brokerEpochs,
                           Map<Integer, Long> quorumLastFetchMs, List<String> notes) {
        this(readAt, brokers, activeController, kraft, partitions, minIsrByTopic, reassigning, quorumVoters,
                finalizedFeatures, brokerEpochs, quorumLastFetchMs, notes, Map.of());
    }

    /** This snapshot with JMX readings (and further notes) added. */
    public ClusterSnapshot withMetrics(Map<Integer, BrokerMetrics> metrics, List<String> moreNotes) {
        List<String> allNotes = new java.util.ArrayList<>(notes);
        allNotes.addAll(moreNotes);
        return new ClusterSnapshot(readAt, brokers, activeController, kraft, partitions, minIsrByTopic, reassigning,
                quorumVoters, finalizedFeatures, brokerEpochs, quorumLastFetchMs, allNotes, metrics);
    }

    /** This snapshot with ZooKeeper-mode broker epochs (and further notes) added. */
    public ClusterSnapshot withBrokerEpochs(Map<Integer, Long> epochs, List<String> moreNotes) {
        List<String> allNotes = new java.util.ArrayList<>(notes);
        allNotes.addAll(moreNotes);
        return new ClusterSnapshot(readAt, brokers, activeController, kraft, partitions, minIsrByTopic, reassigning,
                quorumVoters, finalizedFeatures, epochs, quorumLastFetchMs, allNotes, brokerMetrics);
    }

    /** The original contract's constructor: no registration identities, no notes. */
    public ClusterSnapshot(Instant readAt, Map<Integer, Node> brokers, OptionalInt activeController, boolean kraft,
                           List<PartitionState> partitions, Map<String, Integer> minIsrByTopic,
                           Set<String> reassigning, Map<Integer, Long> quorumVoters,
                           Map<String, Short> finalizedFeatures) {
        this(readAt, brokers, activeController, kraft, partitions, minIsrByTopic, reassigning, quorumVoters,
                finalizedFeatures, Map.of(), Map.of(), List.of());
    }

    /**
     * min.insync.replicas of a topic as configured (topic config or broker default; 1 when the snapshot has no
     * entry; {@link #MIN_ISR_UNKNOWN} when its config could not be read).
     */
    public int minIsr(String topic) {
        Integer configured = minIsrByTopic.get(topic);
        return configured == null ? DEFAULT_MIN_ISR : configured;
    }

    /** True when the topic's config could not be read: its min ISR counts as its replication factor. */
    public boolean minIsrUnknown(String topic) {
        Integer configured = minIsrByTopic.get(topic);
        return configured != null && configured == MIN_ISR_UNKNOWN;
    }

    /**
     * The min ISR a partition is actually held to: {@code min(min.insync.replicas, replication factor)},
     * as the broker computes it (Kafka {@code Partition.effectiveMinIsr}, reference §2 "min ISR").
     */
    public int effectiveMinIsr(PartitionState partition) {
        return Math.min(minIsr(partition.topic()), partition.replicas().length);
    }

    /**
     * KRaft: the quorum's voters that are not registered brokers, sorted: dedicated controllers
     * ({@code process.roles=controller}), or combined nodes that are down. Empty in ZooKeeper mode.
     */
    public SortedSet<Integer> votersNotBrokers() {
        SortedSet<Integer> ids = new TreeSet<>(quorumVoters.keySet());
        ids.removeAll(brokers.keySet());
        return Collections.unmodifiableSortedSet(ids);
    }

    /** {@link #dedicatedControllersNote(Set)} for a plan that lists no dedicated controller. */
    public Optional<String> dedicatedControllersNote() {
        return dedicatedControllersNote(Set.of());
    }

    /**
     * The note that a plan leaves KRaft voters that are not registered brokers (dedicated controllers) as they
     * are, unless it lists them ({@code rolled}: the plan's {@code role: controller} ids); empty when every such
     * voter is listed, when every voter is a registered broker (combined mode: rolled with the brokers), or in
     * ZooKeeper mode.
     */
    public Optional<String> dedicatedControllersNote(Set<Integer> rolled) {
        SortedSet<Integer> ids = new TreeSet<>(votersNotBrokers());
        ids.removeAll(rolled);
        if (!kraft || ids.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("KRaft voters " + ids + " are not registered brokers: dedicated controllers (or"
                + " combined nodes that are down), not rolled by a plan unless it lists them in brokers with role:"
                + " controller (then after the brokers, one at a time, followers before the quorum leader)");
    }

    public boolean registered(int brokerId) {
        return brokers.containsKey(brokerId);
    }

    /** The broker's registration identity (ZooKeeper-mode broker epoch), when known. */
    public OptionalLong brokerEpoch(int brokerId) {
        Long epoch = brokerEpochs.get(brokerId);
        return epoch == null ? OptionalLong.empty() : OptionalLong.of(epoch);
    }

    /** KRaft: the quorum leader's time of the node's last metadata fetch, when known. */
    public OptionalLong lastMetadataFetchMs(int nodeId) {
        Long at = quorumLastFetchMs.get(nodeId);
        return at == null ? OptionalLong.empty() : OptionalLong.of(at);
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

        public boolean hasReplicaOn(int brokerId) {
            return contains(replicas, brokerId);
        }

        public boolean inIsr(int brokerId) {
            return contains(isr, brokerId);
        }

        public boolean offline() {
            return leader < 0;
        }

        private static boolean contains(int[] ids, int id) {
            for (int each : ids) {
                if (each == id) {
                    return true;
                }
            }
            return false;
        }
    }
}
