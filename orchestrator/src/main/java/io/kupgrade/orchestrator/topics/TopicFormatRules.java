package io.kupgrade.orchestrator.topics;

import io.kupgrade.plans.KafkaVersions;
import io.kupgrade.plans.Plan;
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
    /** Kafka's limit ({@code Topic.MAX_NAME_LENGTH}): the name must fit in a log directory's name. */
    private static final int MAX_TOPIC_LENGTH = 249;

    private TopicFormatRules() {
    }

    /**
     * Why {@code topic} cannot be a topic's name, as Kafka decides it ({@code Topic.validate}): 1 to 249
     * characters of ASCII letters, digits, {@code .}, {@code _} and {@code -}, and not {@code .} or {@code ..}.
     * Empty when it can.
     */
    public static Optional<String> checkTopic(String topic) {
        String why = null;
        if (topic.isEmpty()) {
            why = "a topic name cannot be empty";
        } else if (topic.equals(".") || topic.equals("..")) {
            why = "a topic name cannot be '.' or '..'";
        } else if (topic.length() > MAX_TOPIC_LENGTH) {
            why = "a topic name has at most " + MAX_TOPIC_LENGTH + " characters, this one " + topic.length();
        } else {
            for (int i = 0; i < topic.length() && why == null; i++) {
                char c = topic.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                        || c == '-')) {
                    why = "a topic name may hold only ASCII letters, digits, '.', '_' and '-', not '"
                            + printable(String.valueOf(c)) + "' (at " + (i + 1) + ")";
                }
            }
        }
        return Optional.ofNullable(why).map(w -> "--topic '" + printable(topic) + "': " + w);
    }

    /** {@code s} with its control characters escaped, so that a message stays on one line. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : (char) c));
        return b.toString();
    }

    /**
     * Why the override cannot work on the cluster {@code plan} describes, or empty: a plan without
     * {@code cluster.zookeeper} is a KRaft cluster (docs/plan-reference.md), where the setting is ignored. Known
     * offline, so refused before any connection.
     */
    public static Optional<String> checkPlan(Plan plan) {
        if (plan.cluster().zookeeperMode()) {
            return Optional.empty();
        }
        return Optional.of(plan.source() + ": cluster.zookeeper is not set, so the plan is for a KRaft cluster,"
                + " where message.format.version is ignored (KIP-724): topic-format is only for ZooKeeper-mode"
                + " clusters whose " + IBP + " is below 3.0");
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
