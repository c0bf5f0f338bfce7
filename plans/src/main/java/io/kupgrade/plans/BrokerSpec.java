package io.kupgrade.plans;

/**
 * One broker (or KRaft node) of the cluster.
 *
 * @param id broker.id / node.id
 * @param host the host commands run on (SSH target, agent address; for the sandbox a loopback address)
 * @param rack broker.rack; null when the cluster has no racks
 * @param jmxPort JMX port for the JMX gates; null when JMX is not used
 */
public record BrokerSpec(int id, String host, String rack, Integer jmxPort) {
}
