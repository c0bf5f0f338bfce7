package io.kupgrade.plans;

/**
 * One broker (or KRaft node) of the cluster.
 *
 * @param id broker.id / node.id
 * @param host the host commands run on (SSH target, agent address; for the sandbox a loopback address)
 * @param rack broker.rack; null when the cluster has no racks
 * @param jmxPort JMX port for the JMX gates; null when JMX is not used
 * @param executor how this broker's host is reached ({@code ssh}, {@code local}, {@code agent}) when it differs
 *     from the plan's {@code access.executor}; null = the plan's
 */
public record BrokerSpec(int id, String host, String rack, Integer jmxPort, String executor) {

    /** A broker reached the plan's way. */
    public BrokerSpec(int id, String host, String rack, Integer jmxPort) {
        this(id, host, rack, jmxPort, null);
    }

    /** @throws IllegalArgumentException for a negative id, a blank host or a port outside 1..65535 */
    public BrokerSpec {
        if (id < 0) {
            throw new IllegalArgumentException("broker id must be 0 or more, got " + id);
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("broker " + id + " needs a host");
        }
        if (jmxPort != null && (jmxPort < 1 || jmxPort > 65535)) {
            throw new IllegalArgumentException("jmxPort must be 1..65535, got " + jmxPort);
        }
        if (executor != null && executor.isBlank()) {
            executor = null;
        }
    }

    /** The executor that reaches this broker: its own, else {@code planDefault}. */
    public String executorOr(String planDefault) {
        return executor != null ? executor : planDefault;
    }
}
