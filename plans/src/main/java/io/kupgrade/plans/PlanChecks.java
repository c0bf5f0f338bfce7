package io.kupgrade.plans;

import io.kupgrade.plans.PlanBinder.PhaseDraft;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks across sections of a bound plan: placeholders, brokers sharing a host, Kafka rules. */
final class PlanChecks {
    private final Problems problems;

    PlanChecks(Problems problems) {
        this.problems = problems;
    }

    void check(ClusterSpec cluster, List<BrokerSpec> brokers, ServiceSpec service, List<PhaseDraft> phases,
               YamlNode.MapNode root) {
        checkPlaceholders(root, phases);
        checkSharedHosts(brokers, service, root);
        checkRacks(brokers, root);
        new KafkaChecks(problems).check(cluster, phases);
    }

    private void checkPlaceholders(YamlNode.MapNode root, List<PhaseDraft> phases) {
        YamlNode service = root.get("service");
        if (service instanceof YamlNode.MapNode) {
            for (String key : List.of("configFile", "stop", "start", "isRunning")) {
                checkTemplate(((YamlNode.MapNode) service).get(key), "service." + key);
            }
        }
        for (PhaseDraft d : phases) {
            checkTemplate(d.node.get("install"), d.path() + ".install");
        }
    }

    private void checkTemplate(YamlNode n, String path) {
        if (!(n instanceof YamlNode.ScalarNode)) {
            return;
        }
        for (String unknown : Placeholders.unknownIn(((YamlNode.ScalarNode) n).text())) {
            problems.error(n, path, "unknown placeholder {" + unknown + "}"
                    + Suggestions.closest(unknown, Placeholders.KNOWN).map(s -> " — did you mean {" + s + "}?")
                    .orElse("") + " (known: {broker.id}, {host}, {role})");
        }
    }

    /** Two brokers on one host need per-broker files, or they would overwrite each other's config. */
    private void checkSharedHosts(List<BrokerSpec> brokers, ServiceSpec service, YamlNode.MapNode root) {
        if (service == null) {
            return;
        }
        Map<String, BrokerSpec> byHost = new HashMap<>();
        for (BrokerSpec b : brokers) {
            BrokerSpec other = byHost.putIfAbsent(b.host(), b);
            if (other != null && !Placeholders.uses(service.configFile(), "broker.id")) {
                YamlNode.MapNode s = (YamlNode.MapNode) root.get("service");
                problems.error(s.get("configFile"), "service.configFile", "brokers " + other.id() + " and "
                        + b.id() + " share host " + b.host() + ", so configFile must contain {broker.id}");
                return;
            }
        }
    }

    private void checkRacks(List<BrokerSpec> nodes, YamlNode.MapNode root) {
        // dedicated controllers hold no partitions and roll in a wave of their own: racks are the brokers'
        List<BrokerSpec> brokers = nodes.stream().filter(b -> !b.dedicatedController()).toList();
        long withRack = brokers.stream().filter(b -> b.rack() != null).count();
        if (withRack > 0 && withRack < brokers.size()) {
            problems.warn(root.get("brokers"), "brokers", (brokers.size() - withRack) + " of " + brokers.size()
                    + " brokers have no rack; waves are spread over racks, brokers without one count as one rack");
        }
    }
}
