package io.kupgrade.plans;

/**
 * One broker (or KRaft node) of the cluster: a broker (ZooKeeper mode, KRaft broker-only or combined
 * broker+controller) or a dedicated KRaft controller ({@code process.roles=controller}, which never registers
 * as a broker and is rolled after the brokers of a phase, in a wave of its own).
 *
 * @param id broker.id / node.id
 * @param host the host commands run on (SSH target, agent address; for the sandbox a loopback address)
 * @param rack broker.rack; null when the cluster has no racks
 * @param jmxPort JMX port for the JMX gates; null when JMX is not used
 * @param executor how this broker's host is reached ({@code ssh}, {@code local}, {@code agent}) when it differs
 *     from the plan's {@code access.executor}; null = the plan's
 * @param dedicatedController true for a dedicated KRaft controller ({@code role: controller} in the plan)
 */
public record BrokerSpec(int id, String host, String rack, Integer jmxPort, String executor,
                         boolean dedicatedController) {
    /** {@code {role}} of a broker (combined broker+controller nodes included). */
    public static final String BROKER_ROLE = "broker";
    /** {@code {role}} of a dedicated KRaft controller. */
    public static final String CONTROLLER_ROLE = "controller";

    /** A broker reached the plan's way. */
    public BrokerSpec(int id, String host, String rack, Integer jmxPort) {
        this(id, host, rack, jmxPort, null, false);
    }

    /** A broker (not a dedicated controller). */
    public BrokerSpec(int id, String host, String rack, Integer jmxPort, String executor) {
        this(id, host, rack, jmxPort, executor, false);
    }

    /** {@value #CONTROLLER_ROLE} for a dedicated KRaft controller, else {@value #BROKER_ROLE}: the {@code {role}}. */
    public String role() {
        return dedicatedController ? CONTROLLER_ROLE : BROKER_ROLE;
    }

    /** "broker 3" or "controller 101", for people. */
    public String describe() {
        return role() + " " + id;
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
