package io.kupgrade.gates;

import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service behind {@code kupgrade check}: reads the cluster once, evaluates the standard gate set
 * ({@link Gates#clusterHealthy(Set)}) plus any extra gates, and runs the preflight {@link Lint}.
 * The CLI renders the {@link HealthReport}; it builds no client itself.
 *
 * <p>Never throws for an unreachable cluster: the report then holds one failing {@code clusterRead} result.
 * Not thread-safe (the reader is not). {@link #close()} closes the reader and the probes it was given.
 */
public final class HealthCheck implements AutoCloseable {
    private final ClusterReader reader;
    private final ConfigReader configs;
    private final ClientSoftwareProbe clients;
    private final List<AutoCloseable> owned;
    private ZooKeeperInspector zooKeeper;
    private List<Gate> defaultExtraGates = List.of();

    /**
     * @param configs where topic/broker configs for lint come from; null to lint the snapshot only
     * @param clients where connected client versions come from; null when there is no JMX
     */
    public HealthCheck(ClusterReader reader, ConfigReader configs, ClientSoftwareProbe clients) {
        this.reader = reader;
        this.configs = configs;
        this.clients = clients;
        List<AutoCloseable> toClose = new ArrayList<>();
        toClose.add(reader);
        if (clients instanceof AutoCloseable closeable && clients != reader) {
            toClose.add(closeable);
        }
        this.owned = List.copyOf(toClose);
    }

    /**
     * A check of the plan's (or the command line's) cluster over the Admin API.
     *
     * @throws io.kupgrade.plans.PlanException when the command config file cannot be read
     */
    public static HealthCheck create(ClusterSpec cluster) {
        return of(AdminClusterReader.create(cluster));
    }

    /**
     * A check of the plan's cluster: Admin API, plus JMX for the brokers with a {@code jmxPort} (BrokerState
     * RUNNING per broker, connected client versions for lint), plus the ZooKeeper ensemble when the plan names
     * ZooKeeper.
     *
     * @throws io.kupgrade.plans.PlanException when the command config file cannot be read
     */
    public static HealthCheck create(ClusterSpec cluster, List<BrokerSpec> brokers) {
        AdminClusterReader admin = AdminClusterReader.create(cluster);
        JmxMetricsReader jmx = JmxMetricsReader.forBrokers(brokers);
        HealthCheck check;
        if (jmx.brokerIds().isEmpty()) {
            jmx.close();
            check = new HealthCheck(admin, admin, null);
        } else {
            check = new HealthCheck(new JmxClusterReader(admin, jmx), admin, jmx);
            check.defaultExtraGates = jmx.brokerIds().stream().sorted().map(JmxGates::brokerRunning).toList();
        }
        admin.zooKeeper().ifPresent(check::withZooKeeperEnsemble);
        return check;
    }

    /** A check over an Admin reader, which also supplies the configs lint needs. */
    public static HealthCheck of(AdminClusterReader reader) {
        HealthCheck check = new HealthCheck(reader, reader, null);
        reader.zooKeeper().ifPresent(check::withZooKeeperEnsemble);
        return check;
    }

    /**
     * Also checks the ZooKeeper ensemble ({@code srvr}/{@code mntr}): every server serving, and on the leader
     * all followers synced when {@code mntr} is allowed. The inspector is not closed by this check.
     */
    public HealthCheck withZooKeeperEnsemble(ZooKeeperInspector inspector) {
        this.zooKeeper = inspector;
        return this;
    }

    /** The ensemble gate result from {@code srvr}/{@code mntr} answers (reference §1d). */
    static GateResult ensembleResult(List<ZooKeeperInspector.ServerStatus> servers) {
        String name = "zooKeeperEnsemble";
        List<String> problems = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        for (ZooKeeperInspector.ServerStatus server : servers) {
            if (!server.serving()) {
                problems.add(server.server() + " not serving (" + server.error().orElse("no answer") + ")");
                continue;
            }
            modes.add(server.server() + " " + server.mode().get());
            if (server.mode().get().equals("leader") && server.syncedFollowers().isPresent()
                    && server.syncedFollowers().getAsLong() < servers.size() - 1) {
                problems.add("leader " + server.server() + " has " + server.syncedFollowers().getAsLong() + " of "
                        + (servers.size() - 1) + " followers synced");
            }
        }
        Map<String, Object> evidence = Map.of("servers", modes, "problems", problems);
        return problems.isEmpty()
                ? GateResult.pass(name, servers.size() + " ZooKeeper servers serving: " + String.join(", ", modes),
                        evidence)
                : GateResult.fail(name, String.join("; ", problems), evidence);
    }

    /**
     * What to check.
     *
     * @param expectedBrokers broker ids that must be registered (the plan's brokers); empty to skip
     * @param extraGates gates to evaluate after the standard set (e.g. JMX gates)
     * @param formatOrProtocolBump whether the plan bumps a message format, IBP or metadata.version
     */
    public record Options(Set<Integer> expectedBrokers, List<Gate> extraGates, boolean formatOrProtocolBump,
                          Set<Integer> dedicatedControllers) {
        public Options {
            expectedBrokers = Set.copyOf(expectedBrokers);
            extraGates = List.copyOf(extraGates);
            dedicatedControllers = Set.copyOf(dedicatedControllers);
        }

        /** Without dedicated KRaft controllers listed (a note names any the cluster has). */
        public Options(Set<Integer> expectedBrokers, List<Gate> extraGates, boolean formatOrProtocolBump) {
            this(expectedBrokers, extraGates, formatOrProtocolBump, Set.of());
        }

        public static Options defaults() {
            return new Options(Set.of(), List.of(), false);
        }
    }

    public HealthReport run() {
        return run(Options.defaults());
    }

    public HealthReport run(Options options) {
        ClusterSnapshot snapshot;
        try {
            snapshot = reader.read();
        } catch (ClusterUnreachableException e) {
            return new HealthReport(null, false, List.of(), 0, List.of(GateResult.fail(GateWaiter.CLUSTER_READ,
                    "cluster not readable: " + e.getMessage(), Map.of())), List.of(), List.of());
        }
        List<Gate> gates = new ArrayList<>(Gates.clusterHealthy(options.expectedBrokers()));
        gates.addAll(defaultExtraGates);
        gates.addAll(options.extraGates());
        List<GateResult> results = new ArrayList<>(Gates.evaluateAll(gates, snapshot));
        if (zooKeeper != null) {
            results.add(ensembleResult(zooKeeper.ensemble()));
        }

        List<String> notes = new ArrayList<>(snapshot.notes());
        snapshot.dedicatedControllersNote(options.dedicatedControllers()).ifPresent(notes::add);
        Map<String, Map<String, String>> topicConfigs = Map.of();
        Map<Integer, Map<String, String>> brokerConfigs = Map.of();
        if (configs != null) {
            topicConfigs = configs.topicConfigs();
            try {
                brokerConfigs = configs.brokerConfigs(snapshot.brokers().keySet(), Set.copyOf(Lint.BROKER_THROTTLES));
            } catch (ClusterUnreachableException e) {
                notes.add("broker configs unreadable, replication throttle rates not checked: " + e.getMessage());
            }
        }
        Optional<List<ClientSoftware>> connected = clients == null ? Optional.empty() : clients.connectedClients();
        List<LintFinding> findings = Lint.run(snapshot, new LintContext(topicConfigs, brokerConfigs, connected,
                options.formatOrProtocolBump()));
        return new HealthReport(snapshot.readAt(), snapshot.kraft(), List.copyOf(new TreeSet<>(
                snapshot.brokers().keySet())), snapshot.partitions().size(), results, findings, notes);
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : owned) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing is best effort; nothing useful to do with a failure here
            }
        }
    }
}
