package io.kupgrade.plans;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");

    public ClusterSpec {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** True when the plan names a ZooKeeper connect string (a ZooKeeper-mode cluster). */
    public boolean zookeeperMode() {
        return zookeeper != null && !zookeeper.isBlank();
    }

    /**
     * True for {@code host:port} as a bootstrap server is written: a name, an IPv4 address or an {@code [IPv6]}
     * address, and a port 1..65535. The rule for the plan's {@code cluster.bootstrapServers} and the CLI's
     * {@code --bootstrap-server} alike.
     */
    public static boolean isHostPort(String server) {
        Matcher hp = HOST_PORT.matcher(server);
        return hp.matches() && Integer.parseInt(hp.group(2)) >= 1 && Integer.parseInt(hp.group(2)) <= 65535;
    }
}
