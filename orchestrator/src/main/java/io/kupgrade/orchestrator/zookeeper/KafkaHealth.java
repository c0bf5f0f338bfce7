package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.gates.ClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.ClusterUnreachableException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the Kafka cluster must keep while its ZooKeeper servers roll: brokers keep their ZooKeeper sessions, so
 * every broker stays registered and a controller stays elected. {@link #problem()} says what does not hold.
 */
@FunctionalInterface
public interface KafkaHealth {
    /** Nothing checked (a plan without brokers to watch; tests of the ensemble alone). */
    KafkaHealth NONE = Optional::empty;

    /** Why the cluster is not as it must be now; empty when it is. Never throws. */
    Optional<String> problem();

    /**
     * Through a {@link ClusterReader}: an active controller is present and every broker of {@code brokers} is
     * registered.
     */
    static KafkaHealth of(ClusterReader reader, Set<Integer> brokers) {
        return () -> {
            ClusterSnapshot s;
            try {
                s = reader.read();
            } catch (ClusterUnreachableException e) {
                return Optional.of("the Kafka cluster cannot be read: " + e.getMessage());
            }
            if (s.activeController().isEmpty()) {
                return Optional.of("the Kafka cluster has no active controller");
            }
            Set<Integer> missing = new TreeSet<>(brokers);
            missing.removeAll(s.brokers().keySet());
            if (!missing.isEmpty()) {
                return Optional.of("brokers " + missing + " are not registered (lost their ZooKeeper session?)");
            }
            return Optional.empty();
        };
    }
}
