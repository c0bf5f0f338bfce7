package io.kupgrade.orchestrator.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A gate a step waits on, named by the engine and turned into a real {@code io.kupgrade.gates.Gate} by the
 * {@link GatePort} (so the decision logic and the preview never need a cluster).
 *
 * @param brokerId the broker the gate is about; null for cluster-wide gates
 * @param version the expected Kafka version for {@link Kind#RUNNING_VERSION}; null otherwise
 * @param brokerIds the brokers the gate is about: {@code brokerId} alone, or for {@link Kind#CAN_STOP} of a batch
 *     (rollout.maxParallel &gt; 1) every broker that stops together; empty for cluster-wide gates
 */
public record GateSpec(Kind kind, Integer brokerId, String version, List<Integer> brokerIds) {

    public GateSpec {
        brokerIds = brokerIds == null || brokerIds.isEmpty()
                ? (brokerId == null ? List.of() : List.of(brokerId)) : List.copyOf(brokerIds);
    }

    /** A gate about one broker (or none). */
    public GateSpec(Kind kind, Integer brokerId, String version) {
        this(kind, brokerId, version, null);
    }

    /** canStop of brokers that stop together (Gates.canStop of the set, not of each alone). */
    public static GateSpec canStopTogether(List<Integer> brokerIds) {
        return new GateSpec(Kind.CAN_STOP, brokerIds.size() == 1 ? brokerIds.get(0) : null, null, brokerIds);
    }

    /** The gates kupgrade waits on. */
    public enum Kind {
        CAN_STOP, NO_UNDER_REPLICATED, NO_OFFLINE_PARTITIONS, CONTROLLER_PRESENT, BROKER_GONE,
        BROKER_REGISTERED, BACK_IN_ALL_ISRS, RUNNING_VERSION,
        /** No partition reassignment in progress (reference §3 "caught up" 6). */
        NO_REASSIGNMENTS,
        /** KRaft: every voter caught up with the quorum leader; passes in ZooKeeper mode (reference §3). */
        QUORUM_CAUGHT_UP,
        /** The broker leads every partition it is the preferred replica of and in the ISR of (reference §3). */
        PREFERRED_LEADERS,
        /** The broker leads no partition (its leadership was handed over). */
        LEADS_NOTHING,
        /** KRaft, a dedicated controller: stopping it keeps a majority of the voters caught up (reference §3). */
        VOTER_CAN_STOP,
        /** KRaft, a dedicated controller whose process exited: the quorum is readable again (a leader answers). */
        VOTER_GONE,
        /** KRaft, a dedicated controller: back in the quorum as a new process, caught up (reference §3). */
        VOTER_REJOINED
    }

    public static GateSpec cluster(Kind kind) {
        return new GateSpec(kind, null, null);
    }

    public static GateSpec broker(Kind kind, int brokerId) {
        return new GateSpec(kind, brokerId, null);
    }

    /** A short stable label for people and JSON, e.g. {@code canStop(3)}, {@code underReplicated=0}. */
    public String label() {
        return switch (kind) {
            case CAN_STOP -> "canStop(" + brokerIds.stream().map(String::valueOf).collect(Collectors.joining(","))
                    + ")";
            case NO_UNDER_REPLICATED -> "underReplicated=0";
            case NO_OFFLINE_PARTITIONS -> "offlinePartitions=0";
            case CONTROLLER_PRESENT -> "controllerPresent";
            case BROKER_GONE -> "brokerGone(" + brokerId + ")";
            case BROKER_REGISTERED -> "brokerRegisteredAnew(" + brokerId + ")";
            case BACK_IN_ALL_ISRS -> "backInAllIsrs(" + brokerId + ")";
            case RUNNING_VERSION -> "runningVersion(" + brokerId + ")=" + version;
            case NO_REASSIGNMENTS -> "reassignments=0";
            case QUORUM_CAUGHT_UP -> "quorumCaughtUp";
            case PREFERRED_LEADERS -> "preferredLeaders(" + brokerId + ")";
            case LEADS_NOTHING -> "leadsNothing(" + brokerId + ")";
            case VOTER_CAN_STOP -> "voterCanStop(" + brokerId + ")";
            case VOTER_GONE -> "voterGone(" + brokerId + ")";
            case VOTER_REJOINED -> "voterRejoined(" + brokerId + ")";
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
