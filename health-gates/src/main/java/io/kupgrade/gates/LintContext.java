package io.kupgrade.gates;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What lint looks at besides the snapshot.
 *
 * @param topicConfigs per topic, the configs that are set ({@code leader/follower.replication.throttled.replicas})
 * @param brokerConfigs per broker, the non-default configs ({@code leader/follower.replication.throttled.rate})
 * @param connectedClients client software seen on the brokers (KIP-511 via JMX); empty Optional when it could
 *     not be read (no JMX, or brokers older than 2.5)
 * @param formatOrProtocolBump true when the plan bumps log.message.format.version, inter.broker.protocol.version
 *     or metadata.version: only then do old clients matter (reference §4)
 */
public record LintContext(Map<String, Map<String, String>> topicConfigs,
                          Map<Integer, Map<String, String>> brokerConfigs,
                          Optional<List<ClientSoftware>> connectedClients,
                          boolean formatOrProtocolBump) {

    public LintContext {
        topicConfigs = Map.copyOf(topicConfigs);
        brokerConfigs = Map.copyOf(brokerConfigs);
        connectedClients = connectedClients.map(List::copyOf);
    }

    /** Nothing but the snapshot: no configs, no client information, no bump planned. */
    public static LintContext none() {
        return new LintContext(Map.of(), Map.of(), Optional.empty(), false);
    }
}
