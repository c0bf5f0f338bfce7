package io.kupgrade.gates;

import io.kupgrade.plans.BrokerSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads {@link BrokerMetrics} from brokers over JMX with the JDK's RMI connector (no authentication or TLS
 * yet). One connection per broker, opened on first use and re-opened after a failure (a restarted broker has a
 * new JMX server). Every broker read is bounded by {@code timeout}: RMI itself has no read timeout.
 *
 * <p>Not thread-safe. {@link #close()} closes all connections.
 */
public final class JmxMetricsReader implements ClientSoftwareProbe, AutoCloseable {
    /** Default bound for connecting to and reading one broker. */
    public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(3);
    /**
     * Bound for a read that must first connect: an RMI connect does a registry lookup and a second handshake,
     * and the first one in a JVM loads the RMI stack; on a loaded host that alone took over 3 s (seen in CI at
     * load 35, `check` reporting a healthy broker INCONCLUSIVE).
     */
    public static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);

    static final String BROKER_STATE = "kafka.server:type=KafkaServer,name=BrokerState";
    static final String APP_INFO = "kafka.server:type=app-info,*";
    static final String PRODUCE_CONVERSIONS =
            "kafka.server:type=BrokerTopicMetrics,name=ProduceMessageConversionsPerSec";
    static final String FETCH_CONVERSIONS = "kafka.server:type=BrokerTopicMetrics,name=FetchMessageConversionsPerSec";
    static final String PRODUCE_TOTAL_TIME = "kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce";
    static final String HANDLER_IDLE = "kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent";
    static final String SOCKET_SERVER_METRICS = "kafka.server:type=socket-server-metrics,*";

    /** Where a broker's JMX server listens. */
    public record Endpoint(int brokerId, String host, int port) {
    }

    private final Map<Integer, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<Integer, JMXConnector> connections = new ConcurrentHashMap<>();
    private final java.time.Duration timeout;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "kupgrade-jmx");
        thread.setDaemon(true);
        return thread;
    });

    public JmxMetricsReader(List<Endpoint> endpoints, java.time.Duration timeout) {
        endpoints.forEach(e -> this.endpoints.put(e.brokerId(), e));
        this.timeout = timeout;
    }

    /** A reader for the plan's brokers that have a {@code jmxPort}; the others are skipped. */
    public static JmxMetricsReader forBrokers(List<BrokerSpec> brokers) {
        List<Endpoint> endpoints = brokers.stream().filter(b -> b.jmxPort() != null)
                .map(b -> new Endpoint(b.id(), b.host(), b.jmxPort())).toList();
        return new JmxMetricsReader(endpoints, DEFAULT_TIMEOUT);
    }

    public Set<Integer> brokerIds() {
        return endpoints.keySet();
    }

    /**
     * Reads every broker, in parallel, each bounded by the timeout. Brokers that cannot be read are left out
     * and named in {@code notes}.
     */
    public Map<Integer, BrokerMetrics> readAll(List<String> notes) {
        Map<Integer, Future<BrokerMetrics>> pending = new LinkedHashMap<>();
        for (int id : endpoints.keySet()) {
            pending.put(id, executor.submit(() -> readOnce(id)));
        }
        Map<Integer, BrokerMetrics> metrics = new HashMap<>();
        boolean connecting = !connections.keySet().containsAll(endpoints.keySet());
        java.time.Duration budget = connecting && CONNECT_TIMEOUT.compareTo(timeout) > 0 ? CONNECT_TIMEOUT : timeout;
        long deadline = System.nanoTime() + budget.toNanos();
        pending.forEach((id, future) -> {
            try {
                metrics.put(id, future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                disconnect(id);
                notes.add("JMX of broker " + id + " unreadable: " + e.getCause());
            } catch (TimeoutException e) {
                future.cancel(true);
                disconnect(id);
                notes.add("JMX of broker " + id + " did not answer within " + budget.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                notes.add("JMX read interrupted");
            }
        });
        return metrics;
    }

    /**
     * Reads one broker.
     *
     * @throws IOException when its JMX server cannot be reached or read
     */
    public BrokerMetrics read(int brokerId) throws IOException {
        List<String> notes = new ArrayList<>();
        Endpoint endpoint = endpoints.get(brokerId);
        if (endpoint == null) {
            throw new IOException("broker " + brokerId + " has no JMX port in the plan");
        }
        BrokerMetrics metrics = readAll(notes).get(brokerId);
        if (metrics == null) {
            throw new IOException(String.join("; ", notes));
        }
        return metrics;
    }

    @Override
    public Optional<List<ClientSoftware>> connectedClients() {
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        List<String> notes = new ArrayList<>();
        Map<Integer, BrokerMetrics> all = readAll(notes);
        if (all.size() < endpoints.size()) {
            return Optional.empty();
        }
        return Optional.of(all.values().stream().flatMap(m -> m.clients().stream()).toList());
    }

    private BrokerMetrics readOnce(int brokerId) throws IOException {
        MBeanServerConnection server = connection(brokerId);
        try {
            OptionalInt state = number(server, BROKER_STATE, "Value").isPresent()
                    ? OptionalInt.of((int) number(server, BROKER_STATE, "Value").getAsDouble()) : OptionalInt.empty();
            return new BrokerMetrics(brokerId, state, version(server, brokerId),
                    number(server, PRODUCE_CONVERSIONS, "OneMinuteRate"),
                    number(server, FETCH_CONVERSIONS, "OneMinuteRate"),
                    number(server, PRODUCE_TOTAL_TIME, "99thPercentile"),
                    number(server, HANDLER_IDLE, "OneMinuteRate"),
                    clients(server, brokerId));
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    private MBeanServerConnection connection(int brokerId) throws IOException {
        JMXConnector connector = connections.get(brokerId);
        if (connector == null) {
            Endpoint e = endpoints.get(brokerId);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + e.host() + ":" + e.port()
                    + "/jmxrmi");
            connector = JMXConnectorFactory.connect(url, Map.of("jmx.remote.x.request.waiting.timeout",
                    timeout.toMillis()));
            connections.put(brokerId, connector);
        }
        return connector.getMBeanServerConnection();
    }

    private void disconnect(int brokerId) {
        JMXConnector connector = connections.remove(brokerId);
        if (connector != null) {
            executor.submit(() -> {
                try {
                    connector.close();
                } catch (IOException ignored) {
                    // the broker is gone or restarted; nothing to close cleanly
                }
            });
        }
    }

    private static OptionalDouble number(MBeanServerConnection server, String name, String attribute)
            throws IOException, MalformedObjectNameException {
        try {
            Object value = server.getAttribute(new ObjectName(name), attribute);
            return value instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
        } catch (InstanceNotFoundException e) {
            return OptionalDouble.empty(); // not on this broker version, or not created yet (no traffic)
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            return OptionalDouble.empty();
        }
    }

    private static Optional<String> version(MBeanServerConnection server, int brokerId)
            throws IOException, MalformedObjectNameException {
        // app-info is registered per id (id=<broker id>); a KRaft combined node may have more than one
        for (ObjectName name : server.queryNames(new ObjectName(APP_INFO), null)) {
            String id = name.getKeyProperty("id");
            if (id == null || id.equals(String.valueOf(brokerId))) {
                try {
                    Object value = server.getAttribute(name, "Version");
                    if (value != null) {
                        return Optional.of(value.toString());
                    }
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    // try the next one
                }
            }
        }
        return Optional.empty();
    }

    private static List<ClientSoftware> clients(MBeanServerConnection server, int brokerId)
            throws IOException, MalformedObjectNameException {
        Map<String, Long> byClient = new LinkedHashMap<>();
        for (ObjectName name : server.queryNames(new ObjectName(SOCKET_SERVER_METRICS), null)) {
            String software = name.getKeyProperty("clientSoftwareName");
            String version = name.getKeyProperty("clientSoftwareVersion");
            if (software == null || version == null) {
                continue;
            }
            try {
                Object value = server.getAttribute(name, "connections");
                if (value instanceof Number n) {
                    byClient.merge(software + "\n" + version, n.longValue(), Long::sum);
                }
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                // gone between query and read: the connection closed
            }
        }
        List<ClientSoftware> clients = new ArrayList<>();
        byClient.forEach((key, connections) -> {
            String[] parts = key.split("\n", 2);
            clients.add(new ClientSoftware(brokerId, parts[0], parts[1], connections));
        });
        return clients;
    }

    @Override
    public void close() {
        List<JMXConnector> all = new ArrayList<>(connections.values());
        connections.clear();
        for (JMXConnector connector : all) {
            try {
                connector.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        executor.shutdownNow();
    }
}
