package io.kupgrade.orchestrator.apply;

import io.kupgrade.plans.BrokerSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the Kafka version a broker process reports: the {@code kafka.server:type=app-info} MBean's
 * {@code version} attribute over JMX (reference §2 "Binary version", §3 "Caught up" 2). Needs the broker's
 * {@code jmxPort} in the plan; no JMX authentication. Thread-safe (a connection per call: one read per poll).
 */
public final class JmxVersions {
    private static final Map<String, Object> ENV = new HashMap<>();

    static {
        // do not let a dead broker's RMI registry hang a poll for minutes
        ENV.put("jmx.remote.x.request.waiting.timeout", 5000L);
    }

    /** True when the broker can be asked (it has a JMX port). */
    public boolean supports(BrokerSpec broker) {
        return broker.jmxPort() != null && broker.jmxPort() > 0;
    }

    /**
     * The version the running process reports.
     *
     * @throws IllegalStateException when JMX cannot be reached or the MBean is not there (yet)
     */
    public String version(BrokerSpec broker) {
        String url = "service:jmx:rmi:///jndi/rmi://" + broker.host() + ":" + broker.jmxPort() + "/jmxrmi";
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(url), ENV)) {
            MBeanServerConnection m = c.getMBeanServerConnection();
            for (ObjectName n : m.queryNames(new ObjectName("kafka.server:type=app-info,*"), null)) {
                // "version" from Kafka's metrics JmxReporter, "Version" from the older AppInfo MBean
                for (MBeanAttributeInfo a : m.getMBeanInfo(n).getAttributes()) {
                    if (a.getName().equalsIgnoreCase("version")) {
                        return String.valueOf(m.getAttribute(n, a.getName()));
                    }
                }
            }
            throw new IllegalStateException("broker " + broker.id() + " has no kafka.server:type=app-info MBean yet");
        } catch (IOException | JMException e) {
            throw new IllegalStateException("cannot read broker " + broker.id() + "'s version over JMX at "
                    + broker.host() + ":" + broker.jmxPort() + ": " + e.getMessage(), e);
        }
    }
}
