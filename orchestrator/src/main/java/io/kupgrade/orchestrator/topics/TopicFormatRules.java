package io.kupgrade.orchestrator.topics;

import io.kupgrade.plans.KafkaVersions;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When a per-topic {@code message.format.version} override is a mitigation, and when it is not. Pure and
 * thread-safe. Reference: kafka-upgrade-reference.md §4 "Mitigation (IBP &lt; 3.0 only)": keep the broker's
 * format old, or set a topic-level override for the topics old consumers read; "both are ignored once
 * IBP ≥ 3.0" (KIP-724), and Kafka 4.0 removed the setting.
 */
public final class TopicFormatRules {
    static final String TOPIC_CONFIG = "message.format.version";
    static final String IBP = "inter.broker.protocol.version";
    private static final String V3_0 = "3.0";

    private TopicFormatRules() {
    }

    /** Why {@code version} cannot be a topic's message.format.version, or empty. */
    public static Optional<String> checkVersion(String version) {
        return KafkaVersions.checkProtocolVersion(version)
                .map(why -> "--message-format-version: " + why);
    }

    /**
     * Why the override would not work on this cluster, or empty.
     *
     * @param kraft the cluster runs in KRaft mode (a finalized metadata.version)
     * @param ibpByBroker each broker's inter.broker.protocol.version; a null value when the broker has no such
     *     setting (Kafka 4.x)
     * @param version the value to set; null for a removal (always allowed where the setting exists)
     */
    public static Optional<String> checkCluster(boolean kraft, Map<Integer, String> ibpByBroker, String version) {
        String ignored = "; old consumers are down-converted whatever a topic says (reference §4): upgrade them, or"
                + " watch FetchMessageConversionsPerSec";
        if (kraft) {
            return Optional.of("the cluster runs in KRaft mode, where message.format.version is ignored"
                    + " (metadata.version is 3.0 or higher, KIP-724; Kafka 4.0 removed it)" + ignored);
        }
        if (ibpByBroker.isEmpty()) {
            return Optional.of("no broker answered describeConfigs: cannot tell the cluster's " + IBP);
        }
        Map<Integer, String> sorted = new TreeMap<>(ibpByBroker);
        for (Map.Entry<Integer, String> e : sorted.entrySet()) {
            if (e.getValue() == null) {
                return Optional.of("broker " + e.getKey() + " has no " + IBP + " setting (Kafka 4.x):"
                        + " Kafka 4.0 removed message.format.version" + ignored);
            }
        }
        for (Map.Entry<Integer, String> e : sorted.entrySet()) {
            if (KafkaVersions.compareProtocol(e.getValue(), V3_0) >= 0) {
                return Optional.of("broker " + e.getKey() + " runs " + IBP + "=" + e.getValue() + ": from 3.0 on"
                        + " Kafka ignores message.format.version and always writes the v2 format (KIP-724), so an"
                        + " override would change nothing" + ignored);
            }
        }
        String lowest = lowest(sorted.values());
        if (version != null && KafkaVersions.compareProtocol(version, lowest) > 0) {
            return Optional.of("message.format.version " + version + " is newer than the cluster's " + IBP + " "
                    + lowest + ": a topic's format cannot be ahead of the protocol (raise the protocol first)");
        }
        return Optional.empty();
    }

    /** The lowest protocol version of {@code versions} (Kafka's order). */
    static String lowest(Collection<String> versions) {
        String low = null;
        for (String v : versions) {
            if (low == null || KafkaVersions.compareProtocol(v, low) < 0) {
                low = v;
            }
        }
        return low;
    }
}
