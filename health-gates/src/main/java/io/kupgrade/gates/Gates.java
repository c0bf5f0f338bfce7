package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cluster gates, as pure functions of one {@link ClusterSnapshot}. Every gate returned here is immutable
 * and thread-safe, evaluates in one pass over the partitions, and never throws on a well-formed snapshot.
 * Results name the first {@value #EVIDENCE_LIMIT} offending partitions or brokers and count all of them.
 *
 * <p>The gates a roll waits on before moving to the next broker follow the reference's "caught up" list
 * (reference §3): no URP cluster-wide, the broker back in every ISR that lists it, no offline partition, no
 * reassignment in progress; BrokerState and the running version are JMX gates.
 */
public final class Gates {
    /** How many offending subjects a result names (all are counted). */
    public static final int EVIDENCE_LIMIT = 10;
    /** Default bound for {@link #quorumCaughtUp(long)} used by {@link #clusterHealthy()}: metadata records. */
    public static final long DEFAULT_MAX_QUORUM_LAG = 100;

    /** How a reader's note that starts with this says reassignments could not be listed. */
    public static final String NOTE_NO_REASSIGNMENTS = "listPartitionReassignments";

    private Gates() {
    }

    /**
     * Stopping {@code brokerIds} together pushes no partition below its effective min ISR
     * ({@code min(min.insync.replicas, RF)}, Kafka {@code Partition.effectiveMinIsr}) and leaves no partition
     * without an in-sync replica. A partition already under its min ISR with a replica on one of the brokers
     * blocks too (stopping would only make it worse). RF 1 partitions on the brokers always block: stopping
     * their only replica takes them offline.
     */
    public static Gate canStop(Set<Integer> brokerIds) {
        Set<Integer> ids = Set.copyOf(brokerIds);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("canStop needs at least one broker id");
        }
        // an int[] instead of the Set: no boxing in the loop over every replica of every partition
        int[] stopping = ids.stream().mapToInt(Integer::intValue).sorted().toArray();
        String who = ids.size() == 1 ? "broker " + ids.iterator().next() : "brokers " + sorted(ids);
        return gate("canStop(" + joinedIds(ids) + ")", snapshot -> {
            Offenders blocking = new Offenders(EVIDENCE_LIMIT);
            int affected = 0;
            int withoutIsr = 0;
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                boolean hosted = false;
                for (int replica : p.replicas()) {
                    if (contains(stopping, replica)) {
                        hosted = true;
                        break;
                    }
                }
                if (!hosted) {
                    continue;
                }
                affected++;
                int isrAfter = 0;
                for (int member : p.isr()) {
                    if (!contains(stopping, member)) {
                        isrAfter++;
                    }
                }
                int minIsr = snapshot.effectiveMinIsr(p);
                if (isrAfter < minIsr || isrAfter == 0) {
                    if (isrAfter == 0) {
                        withoutIsr++;
                    }
                    if (blocking.naming()) {
                        blocking.add(p.name() + " (ISR " + Arrays.toString(p.isr()) + " -> " + isrAfter
                                + ", min ISR " + minIsr + (snapshot.minIsrUnknown(p.topic())
                                ? ": the topic's config could not be read, taken as its RF" : "") + ")");
                    } else {
                        blocking.countOne();
                    }
                }
            }
            Map<String, Object> evidence = blocking.evidence("blockingPartitions", "partitions");
            evidence.put("partitionsOnBrokers", affected);
            evidence.put("partitionsLeftWithoutIsr", withoutIsr);
            evidence.put("brokers", sorted(ids));
            if (blocking.none()) {
                return GateResult.pass(name("canStop", ids), "stopping " + who + " keeps all " + affected
                        + " of its partitions at or above min ISR", evidence);
            }
            return GateResult.fail(name("canStop", ids), "stopping " + who + " would leave " + blocking.count()
                    + " partitions under min ISR: " + blocking.describe(), evidence);
        });
    }

    /** {@link #canStop(Set)} for one broker. */
    public static Gate canStop(int brokerId) {
        return canStop(Set.of(brokerId));
    }

    /**
     * No partition has fewer in-sync replicas than replicas, computed from ISR vs replicas over every
     * partition: the per-broker UnderReplicatedPartitions gauge counts only partitions that broker leads and
     * reads 0 on a just-restarted broker (reference §2, real-kafka-notes "Traps").
     */
    public static Gate noUnderReplicated() {
        return gate("underReplicated", snapshot -> {
            Offenders under = new Offenders(EVIDENCE_LIMIT);
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                if (p.isr().length < p.replicas().length) {
                    under.add(p);
                }
            }
            Map<String, Object> evidence = under.evidence("underReplicated", "partitions");
            evidence.put("totalPartitions", snapshot.partitions().size());
            if (under.none()) {
                return GateResult.pass("underReplicated", "0 of " + snapshot.partitions().size()
                        + " partitions under-replicated", evidence);
            }
            return GateResult.fail("underReplicated", under.count() + " partitions under-replicated: "
                    + under.describe(), evidence);
        });
    }

    /**
     * The broker is registered and in the ISR of every partition that lists it as a replica (reference §3,
     * "caught up" 4). Registration is required too: with ZooKeeper-mode IBP &lt; 2.7 an ISR shrink can reach
     * metadata up to 60 s late, so a stopped broker may still be listed in ISRs.
     */
    public static Gate brokerBackInAllIsrs(int brokerId) {
        String gateName = "brokerBackInAllIsrs(" + brokerId + ")";
        return gate(gateName, snapshot -> {
            Offenders missing = new Offenders(EVIDENCE_LIMIT);
            int hosted = 0;
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                if (p.hasReplicaOn(brokerId)) {
                    hosted++;
                    if (!p.inIsr(brokerId)) {
                        missing.add(p);
                    }
                }
            }
            Map<String, Object> evidence = missing.evidence("notInIsr", "partitions");
            evidence.put("replicasOnBroker", hosted);
            evidence.put("registered", snapshot.registered(brokerId));
            if (!snapshot.registered(brokerId)) {
                return GateResult.fail(gateName, "broker " + brokerId + " is not registered", evidence);
            }
            if (missing.none()) {
                return GateResult.pass(gateName, "broker " + brokerId + " is in the ISR of all " + hosted
                        + " of its partitions", evidence);
            }
            return GateResult.fail(gateName, "broker " + brokerId + " not yet back in the ISR of "
                    + missing.count() + " of " + hosted + " partitions: " + missing.describe(), evidence);
        });
    }

    /** No partition without a leader. */
    public static Gate noOfflinePartitions() {
        return gate("offlinePartitions", snapshot -> {
            Offenders offline = new Offenders(EVIDENCE_LIMIT);
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                if (p.offline()) {
                    offline.add(p);
                }
            }
            Map<String, Object> evidence = offline.evidence("offline", "partitions");
            if (offline.none()) {
                return GateResult.pass("offlinePartitions", "no offline partitions", evidence);
            }
            return GateResult.fail("offlinePartitions", offline.count() + " partitions offline (no leader): "
                    + offline.describe(), evidence);
        });
    }

    /**
     * No partition's ISR is smaller than its effective min ISR ({@code min(min.insync.replicas, RF)}); such
     * partitions reject acks=all produce requests.
     */
    public static Gate noUnderMinIsr() {
        return gate("underMinIsr", snapshot -> {
            Offenders under = new Offenders(EVIDENCE_LIMIT);
            for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
                if (snapshot.minIsrUnknown(p.topic())) {
                    continue; // its config could not be read: canStop treats it as RF; here it would be a guess
                }
                int minIsr = snapshot.effectiveMinIsr(p);
                if (p.isr().length < minIsr) {
                    if (under.naming()) {
                        under.add(p.name() + " (ISR " + p.isr().length + " < " + minIsr + ")");
                    } else {
                        under.countOne();
                    }
                }
            }
            Map<String, Object> evidence = under.evidence("underMinIsr", "partitions");
            if (under.none()) {
                return GateResult.pass("underMinIsr", "no partition under min ISR", evidence);
            }
            return GateResult.fail("underMinIsr", under.count() + " partitions under min ISR: "
                    + under.describe(), evidence);
        });
    }

    /**
     * There is an active controller: in KRaft the metadata quorum leader (describeCluster's controller
     * through a broker is a random live broker, reference §2 "KRaft gotcha"); in ZooKeeper mode the
     * controller broker, which must itself be registered.
     */
    public static Gate controllerPresent() {
        return gate("controllerPresent", snapshot -> {
            OptionalInt controller = snapshot.activeController();
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("kraft", snapshot.kraft());
            if (controller.isEmpty() || controller.getAsInt() < 0) {
                return GateResult.fail("controllerPresent", snapshot.kraft()
                        ? "the metadata quorum has no leader" : "no active controller", evidence);
            }
            int id = controller.getAsInt();
            evidence.put("controller", id);
            if (!snapshot.kraft() && !snapshot.registered(id)) {
                return GateResult.fail("controllerPresent", "controller " + id + " is not a registered broker",
                        evidence);
            }
            return GateResult.pass("controllerPresent", (snapshot.kraft() ? "quorum leader " : "controller ")
                    + id, evidence);
        });
    }

    /** Every broker in {@code brokerIds} is registered (KRaft: registered and unfenced). */
    public static Gate allBrokersRegistered(Set<Integer> brokerIds) {
        Set<Integer> ids = Set.copyOf(brokerIds);
        String gateName = "allBrokersRegistered";
        return gate(gateName, snapshot -> {
            List<Integer> missing = new ArrayList<>();
            for (int id : sorted(ids)) {
                if (!snapshot.registered(id)) {
                    missing.add(id);
                }
            }
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("expected", sorted(ids));
            evidence.put("registered", sorted(snapshot.brokers().keySet()));
            evidence.put("missing", missing);
            if (missing.isEmpty()) {
                return GateResult.pass(gateName, "all " + ids.size() + " brokers registered", evidence);
            }
            return GateResult.fail(gateName, missing.size() + " of " + ids.size() + " brokers not registered: "
                    + missing, evidence);
        });
    }

    /**
     * The broker is registered (KRaft: registered and unfenced). Necessary, not sufficient, for "back": in
     * KRaft, describeCluster can still list a broker whose old process has exited and whose new one has not
     * started (real-kafka-notes "Traps"). To tie "back" to the new process, use {@link #brokerRejoined}.
     */
    public static Gate brokerRegistered(int brokerId) {
        String gateName = "brokerRegistered(" + brokerId + ")";
        return gate(gateName, snapshot -> {
            Map<String, Object> evidence = Map.of("broker", brokerId, "registered", snapshot.registered(brokerId));
            return snapshot.registered(brokerId)
                    ? GateResult.pass(gateName, "broker " + brokerId + " registered", evidence)
                    : GateResult.fail(gateName, "broker " + brokerId + " not registered", evidence);
        });
    }

    /**
     * The broker is no longer registered (ZooKeeper: its session ended; KRaft: fenced or unregistered). Waited on
     * once its process has exited, so it {@linkplain Gate#settlesOnce() settles once}: a node with stale metadata
     * can only still list it, and a dead process does not register again.
     */
    public static Gate brokerGone(int brokerId) {
        String gateName = "brokerGone(" + brokerId + ")";
        return new FunctionGate(gateName, snapshot -> {
            Map<String, Object> evidence = Map.of("broker", brokerId, "registered", snapshot.registered(brokerId));
            return snapshot.registered(brokerId)
                    ? GateResult.fail(gateName, "broker " + brokerId + " still registered", evidence)
                    : GateResult.pass(gateName, "broker " + brokerId + " no longer registered", evidence);
        }, true);
    }

    /**
     * The broker is registered <em>as a new incarnation</em>, compared to {@code afterExit}, a snapshot read
     * after the engine saw the old process exit (real-kafka-notes "Traps": describeCluster can list a
     * restarted broker before its new process is up). Evidence of a new process, whichever is known:
     * <ul>
     *   <li>ZooKeeper mode: the broker epoch (czxid of {@code /brokers/ids/<id>}) differs from the one in
     *       {@code afterExit}, or the broker was absent there;</li>
     *   <li>KRaft: the quorum leader saw a metadata fetch from the node after the last one in
     *       {@code afterExit} (a dead process does not fetch).</li>
     * </ul>
     * When neither signal is available (no ZooKeeper connection, no quorum data) the gate falls back to
     * registration only and says so in its reason: the engine must then rely on having observed the process
     * exit and the broker gone ({@link #brokerGone}) before the restart.
     */
    public static Gate brokerRejoined(int brokerId, ClusterSnapshot afterExit) {
        OptionalLong epochBefore = afterExit.brokerEpoch(brokerId);
        boolean absentBefore = !afterExit.registered(brokerId);
        OptionalLong fetchBefore = afterExit.lastMetadataFetchMs(brokerId);
        String gateName = "brokerRejoined(" + brokerId + ")";
        return gate(gateName, snapshot -> {
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("broker", brokerId);
            evidence.put("registered", snapshot.registered(brokerId));
            if (!snapshot.registered(brokerId)) {
                return GateResult.fail(gateName, "broker " + brokerId + " not registered", evidence);
            }
            OptionalLong epochNow = snapshot.brokerEpoch(brokerId);
            if (epochNow.isEmpty() && !snapshot.brokerEpochs().isEmpty()) {
                // ZooKeeper was read and has no registration for it: describeCluster's metadata is behind
                return GateResult.fail(gateName, "broker " + brokerId + " listed by describeCluster but not"
                        + " registered in ZooKeeper", evidence);
            }
            if (epochNow.isPresent()) {
                evidence.put("brokerEpoch", epochNow.getAsLong());
                if (epochBefore.isPresent() && epochBefore.getAsLong() == epochNow.getAsLong()) {
                    return GateResult.fail(gateName, "broker " + brokerId + " still shows its old registration"
                            + " (broker epoch " + epochNow.getAsLong() + ")", evidence);
                }
                return GateResult.pass(gateName, "broker " + brokerId + " registered with new broker epoch "
                        + epochNow.getAsLong(), evidence);
            }
            OptionalLong fetchNow = snapshot.lastMetadataFetchMs(brokerId);
            if (snapshot.kraft() && fetchNow.isEmpty() && !snapshot.quorumLastFetchMs().isEmpty()) {
                return GateResult.fail(gateName, "broker " + brokerId + " listed, but the quorum leader has no"
                        + " metadata fetch from it", evidence);
            }
            if (snapshot.kraft() && fetchNow.isPresent()) {
                evidence.put("lastMetadataFetchMs", fetchNow.getAsLong());
                if (fetchBefore.isPresent() && fetchNow.getAsLong() <= fetchBefore.getAsLong()) {
                    return GateResult.fail(gateName, "broker " + brokerId + " listed, but no metadata fetch"
                            + " from a new process yet", evidence);
                }
                return GateResult.pass(gateName, "broker " + brokerId + " registered and fetching metadata"
                        + " again", evidence);
            }
            return GateResult.pass(gateName, "broker " + brokerId + " registered" + (absentBefore
                    ? " (was absent after the stop)"
                    : " (registration identity unknown: relies on the old process having exited)"), evidence);
        });
    }

    /**
     * KRaft: stopping the dedicated controller {@code voterId} keeps a majority of the metadata quorum's voters
     * caught up (within {@code maxLag} records of the leader): reference §3, "For KRaft controllers, keep a voter
     * majority and make sure followers have Lag≈0 before stopping the next one". A quorum of one or two voters
     * can never lose one (the metadata quorum would stop), and the gate says so.
     */
    public static Gate voterCanStop(int voterId, long maxLag) {
        String gateName = "voterCanStop(" + voterId + ")";
        return gate(gateName, snapshot -> {
            if (!snapshot.kraft()) {
                return GateResult.fail(gateName, "not a KRaft cluster: node " + voterId + " is no quorum voter",
                        Map.of("kraft", false));
            }
            Map<Integer, Long> voters = snapshot.quorumVoters();
            if (voters.isEmpty()) {
                return GateResult.inconclusive(gateName, "no metadata quorum information");
            }
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("voter", voterId);
            evidence.put("voterLag", Map.copyOf(voters));
            if (!voters.containsKey(voterId)) {
                return GateResult.fail(gateName, "node " + voterId + " is not a voter of the metadata quorum (voters "
                        + new TreeSet<>(voters.keySet()) + ")", evidence);
            }
            int majority = voters.size() / 2 + 1;
            long remaining = voters.entrySet().stream()
                    .filter(v -> v.getKey() != voterId && v.getValue() <= maxLag).count();
            evidence.put("caughtUpAfterStop", remaining);
            evidence.put("majority", majority);
            if (remaining < majority) {
                return GateResult.fail(gateName, "stopping controller " + voterId + " would leave " + remaining
                        + " of " + voters.size() + " voters caught up; the metadata quorum needs " + majority
                        + (voters.size() < 3 ? " (a quorum of " + voters.size() + " cannot lose a voter: add voters"
                        + " first, or restart it by hand with the cluster's metadata frozen meanwhile)" : ""),
                        evidence);
            }
            return GateResult.pass(gateName, "without controller " + voterId + ", " + remaining + " of "
                    + voters.size() + " voters stay caught up (majority " + majority + ")", evidence);
        });
    }

    /**
     * KRaft: the metadata quorum answers after the dedicated controller {@code voterId}'s process exited (when it
     * led the quorum, once another voter leads): the engine has seen the exit itself; this read is the baseline
     * {@link #voterRejoined} compares the restarted process's fetches with.
     */
    public static Gate voterGone(int voterId) {
        String gateName = "voterGone(" + voterId + ")";
        return gate(gateName, snapshot -> !snapshot.kraft() || snapshot.quorumVoters().isEmpty()
                ? GateResult.inconclusive(gateName, "no metadata quorum information (a new quorum leader may be"
                        + " being elected)")
                : GateResult.pass(gateName, "controller " + voterId + " exited; quorum leader "
                        + snapshot.activeController().orElse(-1), Map.of("voter", voterId)));
    }

    /**
     * KRaft: the dedicated controller {@code voterId} is back in the metadata quorum as a new process and caught
     * up. A new process is proven as for brokers ({@link #brokerRejoined}): the quorum leader saw a fetch from it
     * after the last one in {@code afterExit}, a snapshot read after the old process exited (null: none, then
     * any fetch counts, which the engine backs by having seen the old process exit before the start).
     */
    public static Gate voterRejoined(int voterId, ClusterSnapshot afterExit, long maxLag) {
        OptionalLong fetchBefore = afterExit == null ? OptionalLong.empty() : afterExit.lastMetadataFetchMs(voterId);
        String gateName = "voterRejoined(" + voterId + ")";
        return gate(gateName, snapshot -> {
            if (!snapshot.kraft() || snapshot.quorumVoters().isEmpty()) {
                return GateResult.inconclusive(gateName, "no metadata quorum information");
            }
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("voter", voterId);
            Long lag = snapshot.quorumVoters().get(voterId);
            if (lag == null) {
                return GateResult.fail(gateName, "node " + voterId + " is not a voter of the metadata quorum",
                        evidence);
            }
            evidence.put("lag", lag);
            OptionalLong fetchNow = snapshot.lastMetadataFetchMs(voterId);
            if (fetchNow.isEmpty() && snapshot.activeController().orElse(-1) != voterId) {
                return GateResult.fail(gateName, "controller " + voterId + ": the quorum leader has no fetch from"
                        + " it yet", evidence);
            }
            if (fetchNow.isPresent()) {
                evidence.put("lastFetchMs", fetchNow.getAsLong());
                if (fetchBefore.isPresent() && fetchNow.getAsLong() <= fetchBefore.getAsLong()) {
                    return GateResult.fail(gateName, "controller " + voterId + ": no fetch from a new process yet",
                            evidence);
                }
            }
            if (lag > maxLag) {
                return GateResult.fail(gateName, "controller " + voterId + " is back but " + lag + " records behind"
                        + " the quorum leader", evidence);
            }
            return GateResult.pass(gateName, "controller " + voterId + " back in the metadata quorum, caught up"
                    + (snapshot.activeController().orElse(-1) == voterId ? " (it leads it)" : ""), evidence);
        });
    }

    /**
     * KRaft: every voter of the metadata quorum is within {@code maxLag} records of the leader's log end
     * offset (reference §3: "make sure followers have Lag≈0 before stopping the next one"). ZooKeeper mode:
     * passes, there is no quorum to check. KRaft without quorum data: inconclusive.
     */
    public static Gate quorumCaughtUp(long maxLag) {
        String gateName = "quorumCaughtUp";
        return gate(gateName, snapshot -> {
            if (!snapshot.kraft()) {
                return GateResult.pass(gateName, "not a KRaft cluster", Map.of("kraft", false));
            }
            if (snapshot.quorumVoters().isEmpty()) {
                return GateResult.inconclusive(gateName, "no metadata quorum information");
            }
            Map<Integer, Long> lagging = snapshot.quorumVoters().entrySet().stream()
                    .filter(voter -> voter.getValue() > maxLag)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            long maxSeen = snapshot.quorumVoters().values().stream().mapToLong(Long::longValue).max().orElse(0);
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("maxLag", maxLag);
            evidence.put("maxVoterLag", maxSeen);
            evidence.put("voterLag", Map.copyOf(snapshot.quorumVoters()));
            if (lagging.isEmpty()) {
                return GateResult.pass(gateName, snapshot.quorumVoters().size() + " voters caught up (max lag "
                        + maxSeen + ")", evidence);
            }
            return GateResult.fail(gateName, "voters lagging more than " + maxLag + " records: "
                    + new TreeMap<>(lagging), evidence);
        });
    }

    /**
     * No partition reassignment in progress (reference §3, "caught up" 6). Brokers older than 2.4 cannot
     * list reassignments: the reader leaves a note, and the gate passes saying what it could not check.
     */
    public static Gate noReassignmentsInProgress() {
        String gateName = "reassignments";
        return gate(gateName, snapshot -> {
            List<String> names = snapshot.reassigning().stream().sorted().limit(EVIDENCE_LIMIT).toList();
            Map<String, Object> evidence = new HashMap<>();
            evidence.put("reassigning", snapshot.reassigning().size());
            evidence.put("partitions", names);
            if (snapshot.reassigning().isEmpty()) {
                String unsupported = snapshot.notes().stream().filter(n -> n.startsWith(NOTE_NO_REASSIGNMENTS))
                        .findFirst().map(n -> " (" + n + ")").orElse("");
                return GateResult.pass(gateName, "no reassignment in progress" + unsupported, evidence);
            }
            return GateResult.fail(gateName, snapshot.reassigning().size() + " partitions being reassigned: "
                    + String.join(", ", names), evidence);
        });
    }

    /**
     * The gates a healthy cluster passes, for {@code kupgrade check} and before a roll starts: controller
     * present, no offline, under-replicated or under-min-ISR partition, no reassignment, quorum caught up
     * (KRaft, lag ≤ {@value #DEFAULT_MAX_QUORUM_LAG}), and, when {@code expectedBrokers} is not empty, all of
     * them registered.
     */
    public static List<Gate> clusterHealthy(Set<Integer> expectedBrokers) {
        List<Gate> gates = new ArrayList<>(List.of(controllerPresent(), noOfflinePartitions(),
                noUnderReplicated(), noUnderMinIsr(), noReassignmentsInProgress(),
                quorumCaughtUp(DEFAULT_MAX_QUORUM_LAG)));
        if (!expectedBrokers.isEmpty()) {
            gates.add(1, allBrokersRegistered(expectedBrokers));
        }
        return List.copyOf(gates);
    }

    /** {@link #clusterHealthy(Set)} without an expected broker list. */
    public static List<Gate> clusterHealthy() {
        return clusterHealthy(Set.of());
    }

    /**
     * The gates the reference's "caught up" list asks before moving on from a restarted broker (§3, the
     * Admin-API part): back in all its ISRs, no URP cluster-wide, no offline partition, no reassignment,
     * controller present, quorum caught up.
     */
    public static List<Gate> brokerCaughtUp(int brokerId) {
        return List.of(brokerBackInAllIsrs(brokerId), noUnderReplicated(), noOfflinePartitions(),
                noReassignmentsInProgress(), controllerPresent(), quorumCaughtUp(DEFAULT_MAX_QUORUM_LAG));
    }

    /** Evaluates each gate on the same snapshot, in order. */
    public static List<GateResult> evaluateAll(List<Gate> gates, ClusterSnapshot snapshot) {
        List<GateResult> results = new ArrayList<>(gates.size());
        for (Gate gate : gates) {
            results.add(gate.evaluate(snapshot));
        }
        return results;
    }

    /** Wraps a function as a named gate; useful for custom gates and tests. */
    public static Gate gate(String name, Function<ClusterSnapshot, GateResult> evaluation) {
        return new FunctionGate(name, evaluation, false);
    }

    private record FunctionGate(String name, Function<ClusterSnapshot, GateResult> evaluation, boolean settlesOnce)
            implements Gate {
        @Override
        public GateResult evaluate(ClusterSnapshot snapshot) {
            return evaluation.apply(snapshot);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static boolean contains(int[] ids, int id) {
        for (int each : ids) {
            if (each == id) {
                return true;
            }
        }
        return false;
    }

    private static String name(String gate, Set<Integer> ids) {
        return gate + "(" + joinedIds(ids) + ")";
    }

    private static String joinedIds(Set<Integer> ids) {
        return sorted(ids).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> sorted(Set<Integer> ids) {
        return List.copyOf(new TreeSet<>(ids));
    }
}
