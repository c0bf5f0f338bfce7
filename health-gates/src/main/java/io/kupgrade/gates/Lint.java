package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Preflight checks before a roll. Pure and thread-safe; one pass over the partitions.
 *
 * <ul>
 *   <li>{@code RF1_TOPICS} (error): partitions with one replica go offline while their broker restarts.</li>
 *   <li>{@code MIN_ISR_AT_RF} (error): topics whose min.insync.replicas ≥ RF (RF &gt; 1): acks=all producers
 *       fail whenever any replica restarts, so they cannot be rolled without unavailability; {@link Gates#canStop}
 *       will refuse every broker holding them.</li>
 *   <li>{@code REASSIGNMENT_IN_PROGRESS} (error): reference §3 "caught up" 6.</li>
 *   <li>{@code REPLICATION_THROTTLED} (warning): leftover reassignment throttles slow catch-up after restarts
 *       (reference §5 "Slow catch-up after restart").</li>
 *   <li>{@code OLD_CLIENTS} (warning) before a format/protocol bump: clients announcing no version
 *       (pre-2.4 Java or non-Java clients) may force down-conversion (reference §4); {@code CLIENTS_UNCHECKED}
 *       (info) when that could not be read.</li>
 * </ul>
 */
public final class Lint {
    static final List<String> TOPIC_THROTTLES = List.of(AdminClusterReader.LEADER_THROTTLED_REPLICAS,
            AdminClusterReader.FOLLOWER_THROTTLED_REPLICAS);
    /** Broker configs lint asks for (see {@link LintContext#brokerConfigs()}). */
    public static final List<String> BROKER_THROTTLES = List.of("leader.replication.throttled.rate",
            "follower.replication.throttled.rate");

    private Lint() {
    }

    /** Lint over the snapshot alone. */
    public static List<LintFinding> run(ClusterSnapshot snapshot) {
        return run(snapshot, LintContext.none());
    }

    public static List<LintFinding> run(ClusterSnapshot snapshot, LintContext context) {
        Map<String, Integer> smallestRf = new HashMap<>();
        for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
            smallestRf.merge(p.topic(), p.replicas().length, Math::min);
        }
        TreeSet<String> rf1 = new TreeSet<>();
        TreeSet<String> minIsrAtRf = new TreeSet<>();
        smallestRf.forEach((topic, rf) -> {
            if (rf <= 1) {
                rf1.add(topic);
            } else if (!snapshot.minIsrUnknown(topic) && snapshot.minIsr(topic) >= rf) {
                minIsrAtRf.add(topic + " (RF " + rf + ", min.insync.replicas " + snapshot.minIsr(topic) + ")");
            }
        });

        List<LintFinding> findings = new ArrayList<>();
        if (!rf1.isEmpty()) {
            findings.add(new LintFinding(LintFinding.Severity.ERROR, "RF1_TOPICS", rf1.size()
                    + " topics have replication factor 1: their partitions go offline while their broker restarts",
                    List.copyOf(rf1)));
        }
        if (!minIsrAtRf.isEmpty()) {
            findings.add(new LintFinding(LintFinding.Severity.ERROR, "MIN_ISR_AT_RF", minIsrAtRf.size()
                    + " topics have min.insync.replicas >= replication factor: acks=all producers fail while any"
                    + " of their replicas restarts", List.copyOf(minIsrAtRf)));
        }
        if (!snapshot.reassigning().isEmpty()) {
            findings.add(new LintFinding(LintFinding.Severity.ERROR, "REASSIGNMENT_IN_PROGRESS",
                    snapshot.reassigning().size() + " partitions are being reassigned; finish or cancel first",
                    List.copyOf(new TreeSet<>(snapshot.reassigning()))));
        }
        throttles(context, findings);
        clients(context, findings);
        return List.copyOf(findings);
    }

    private static void throttles(LintContext context, List<LintFinding> findings) {
        TreeSet<String> throttled = new TreeSet<>();
        context.topicConfigs().forEach((topic, configs) -> {
            for (String key : TOPIC_THROTTLES) {
                String value = configs.get(key);
                if (value != null && !value.isBlank()) {
                    throttled.add("topic " + topic + " " + key + "=" + value);
                }
            }
        });
        context.brokerConfigs().forEach((broker, configs) -> {
            for (String key : BROKER_THROTTLES) {
                String value = configs.get(key);
                if (value != null && !value.isBlank()) {
                    throttled.add("broker " + broker + " " + key + "=" + value);
                }
            }
        });
        if (!throttled.isEmpty()) {
            findings.add(new LintFinding(LintFinding.Severity.WARNING, "REPLICATION_THROTTLED",
                    "replication throttles are set (left over from a reassignment?); restarted brokers will catch"
                            + " up slowly. Clear them with kafka-reassign-partitions --verify",
                    List.copyOf(throttled)));
        }
    }

    private static void clients(LintContext context, List<LintFinding> findings) {
        if (!context.formatOrProtocolBump()) {
            return;
        }
        if (context.connectedClients().isEmpty()) {
            findings.add(new LintFinding(LintFinding.Severity.INFO, "CLIENTS_UNCHECKED",
                    "connected client versions could not be read (needs JMX and brokers 2.5+); before this"
                            + " format/protocol bump, check for old consumers that force down-conversion",
                    List.of()));
            return;
        }
        Map<String, Long> unknown = new HashMap<>();
        for (ClientSoftware client : context.connectedClients().get()) {
            if (client.unknown() && client.connections() > 0) {
                unknown.merge("broker " + client.brokerId() + ": " + client.label(), client.connections(), Long::sum);
            }
        }
        if (!unknown.isEmpty()) {
            long total = unknown.values().stream().mapToLong(Long::longValue).sum();
            List<String> subjects = new TreeSet<>(unknown.keySet()).stream()
                    .map(key -> key + " (" + unknown.get(key) + " connections)").toList();
            findings.add(new LintFinding(LintFinding.Severity.WARNING, "OLD_CLIENTS", total
                    + " connections from clients that announce no version (pre-2.4 Java or non-Java clients);"
                    + " old consumers force message down-conversion after a format bump", subjects));
        }
    }
}
