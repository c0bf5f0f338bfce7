package io.kupgrade.plans;

import java.util.Map;

/**
 * How to reach the cluster.
 *
 * @param name a name for people and for the journal/lock (one lock per cluster name)
 * @param bootstrapServers comma-separated host:port list for the AdminClient
 * @param commandConfig path of a client properties file (security settings, as Kafka's tools take them); nullable
 * @param clientProperties extra AdminClient properties; values may be secrets ({@code ${env:X}}, {@code ${file:P}})
 * @param zookeeper ZooKeeper connect string for ZooKeeper-mode clusters; null for KRaft
 */
public record ClusterSpec(
        String name,
        String bootstrapServers,
        String commandConfig,
        Map<String, Secret> clientProperties,
        String zookeeper) {

    public ClusterSpec {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** True when the plan names a ZooKeeper connect string (a ZooKeeper-mode cluster). */
    public boolean zookeeperMode() {
        return zookeeper != null && !zookeeper.isBlank();
    }
}
