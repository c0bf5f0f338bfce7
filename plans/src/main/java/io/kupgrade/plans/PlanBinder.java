package io.kupgrade.plans;

import io.kupgrade.plans.YamlNode.Entry;
import io.kupgrade.plans.YamlNode.ListNode;
import io.kupgrade.plans.YamlNode.MapNode;
import io.kupgrade.plans.YamlNode.ScalarNode;
import io.kupgrade.plans.YamlNode.ScalarType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a located YAML tree into the plan records, recording every problem with its location and field
 * path. Not thread-safe; one instance per parse.
 */
final class PlanBinder {
    static final List<String> ROOT_KEYS =
            List.of("apiVersion", "cluster", "brokers", "access", "service", "waves", "gates", "phases", "rollout",
                    "state", "zookeeperEnsemble");
    static final List<String> CLUSTER_KEYS =
            List.of("name", "bootstrapServers", "commandConfig", "clientProperties", "zookeeper");
    static final List<String> BROKER_KEYS = List.of("id", "host", "rack", "jmxPort", "executor", "role");
    static final List<String> ROLES = List.of(BrokerSpec.BROKER_ROLE, BrokerSpec.CONTROLLER_ROLE);
    static final List<String> ACCESS_KEYS = List.of("executor", "ssh", "agent");
    static final List<String> EXECUTORS = List.of("ssh", "local", "agent");
    static final List<String> AGENT_KEYS = List.of("port", "token", "connectTimeout", "tls");
    static final List<String> AGENT_TLS_KEYS =
            List.of("truststore", "truststorePassword", "keystore", "keystorePassword");
    static final List<String> SSH_KEYS =
            List.of("user", "port", "identityFile", "passphrase", "knownHosts", "connectTimeout", "sudo", "jumpHost");
    static final List<String> SERVICE_KEYS =
            List.of("configFile", "stop", "start", "isRunning", "stopTimeout", "startTimeout");
    static final List<String> WAVE_KEYS = List.of("name", "size", "soak", "onFailure");
    static final List<String> ON_FAILURE = List.of("revert", "halt");
    static final List<String> GATES_KEYS = List.of("pollInterval", "timeout", "stablePolls");
    static final List<String> PHASE_KEYS =
            List.of("name", "install", "version", "set", "unset", "pointOfNoReturn", "finalize", "rollback");
    static final List<String> FINALIZE_KEYS = List.of("metadataVersion");
    static final List<String> ROLLBACK_KEYS = List.of("install");
    static final List<String> ROLLOUT_KEYS = List.of("maxParallel", "rackAware", "leaders", "maintenanceWindows");
    static final List<String> WINDOWS_KEYS = List.of("timezone", "times");
    static final List<String> LEADERS_KEYS = List.of("electPreferred", "drainBeforeStop");
    static final List<String> STATE_KEYS = List.of("store", "zookeeper", "auth");
    static final List<String> STORES = List.of("file", "zookeeper");
    static final List<String> ENSEMBLE_KEYS =
            List.of("servers", "service", "set", "unset", "install", "version", "rollback");
    static final List<String> ENSEMBLE_SERVER_KEYS = List.of("id", "host", "clientPort");
    static final int DEFAULT_ZOOKEEPER_CLIENT_PORT = 2181;
    /** The chroot under the cluster's own ZooKeeper when {@code state.zookeeper} is not given. */
    static final String DEFAULT_STATE_CHROOT = "/kupgrade";

    // Defaults; docs/plan-reference.md lists the same values.
    static final String DEFAULT_EXECUTOR = "ssh";
    static final int MAX_NAME_LENGTH = 100;
    static final int DEFAULT_SSH_PORT = 22;
    static final int DEFAULT_AGENT_PORT = 7070;
    static final String DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    static final Duration DEFAULT_GATE_TIMEOUT = Duration.ofMinutes(15);
    static final int DEFAULT_STABLE_POLLS = 2;
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

    /** Names used in journals, lock files and {@code --wave}/{@code --phase} options. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern PROPERTY_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern PERCENT = Pattern.compile("(\\d+)%");

    private final Problems problems;
    private final Path baseDir;
    private final Function<String, String> environment;

    PlanBinder(Problems problems, Path baseDir, Function<String, String> environment) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.environment = environment;
    }

    Plan bind(YamlNode rootNode, Path source, String sha256) {
        if (!(rootNode instanceof MapNode)) {
            problems.error(rootNode, "", "a plan is a YAML mapping (apiVersion, cluster, phases, ...), got "
                    + rootNode.kind());
            problems.throwIfErrors();
        }
        MapNode root = (MapNode) rootNode;
        checkKeys(root, "", ROOT_KEYS);
        checkSecretReferencesOnlyWhereAllowed(root, "");

        String apiVersion = string(root, "apiVersion", "", true);
        if (apiVersion != null && !apiVersion.equals(PlanParser.API_VERSION)) {
            problems.error(root.get("apiVersion"), "apiVersion", "unsupported apiVersion '" + apiVersion
                    + "': this kupgrade reads " + PlanParser.API_VERSION);
        }
        ClusterSpec cluster = cluster(root);
        List<BrokerSpec> brokers = brokers(root);
        checkControllers(root, cluster, brokers);
        AccessSpec access = access(root, brokers);
        ServiceSpec service = service(root);
        List<WaveSpec> waves = waves(root);
        GateSettings gates = gates(root);
        List<PhaseDraft> phases = phases(root);
        RolloutSpec rollout = rollout(root);
        StateSpec state = state(root, cluster);
        ZooKeeperEnsembleSpec ensemble = zookeeperEnsemble(root, cluster, phases);
        new PlanChecks(problems).check(cluster, brokers, service, phases, root);
        problems.throwIfErrors();

        List<PhaseSpec> phaseSpecs = new ArrayList<>();
        for (PhaseDraft d : phases) {
            phaseSpecs.add(d.toSpec());
        }
        return new Plan(source, sha256, apiVersion, cluster, brokers, access, service, waves, gates, phaseSpecs,
                problems.warnings(), rollout, state, ensemble);
    }

    // ---------------------------------------------------------------- sections

    private ClusterSpec cluster(MapNode root) {
        MapNode m = section(root, "cluster", "", true);
        if (m == null) {
            return null;
        }
        String p = "cluster";
        checkKeys(m, p, CLUSTER_KEYS);
        String name = name(m, "name", p, true);
        String bootstrap = bootstrapServers(m, p);
        String commandConfig = localPath(singleLine(m, "commandConfig", p, false));
        Map<String, Secret> clientProperties = new LinkedHashMap<>();
        MapNode props = section(m, "clientProperties", p, false);
        if (props != null) {
            for (Entry e : props.entries().values()) {
                String path = join(p + ".clientProperties", e.key());
                String value = scalarText(e.value(), path, true);
                if (value == null) {
                    continue;
                }
                if (value.indexOf('\n') >= 0) {
                    problems.error(e.value(), path, "a property value cannot span several lines");
                    continue;
                }
                boolean sensitive = Secrets.looksSensitive(e.key());
                Secret s = Secrets.of(value, sensitive, e.value(), path, problems, baseDir, environment);
                if (s != null) {
                    clientProperties.put(e.key(), s);
                    warnLiteralSecret(e, value, path);
                }
            }
        }
        String zookeeper = singleLine(m, "zookeeper", p, false);
        if (zookeeper != null) {
            zookeeperConnectProblem(zookeeper).ifPresent(why -> problems.error(m.get("zookeeper"),
                    join(p, "zookeeper"), why));
        }
        if (problems.hasErrors() && (name == null || bootstrap == null)) {
            return null;
        }
        return new ClusterSpec(name, bootstrap, commandConfig, clientProperties, zookeeper);
    }

    /**
     * What is wrong with a ZooKeeper connect string ({@code host[:port],...[/chroot]}, as ZooKeeper's
     * ConnectStringParser reads it); empty when nothing.
     */
    static Optional<String> zookeeperConnectProblem(String connect) {
        String form = " (write host:port,host:port[/chroot], e.g. zk1:2181,zk2:2181,zk3:2181/kafka)";
        if (connect.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of("a ZooKeeper connect string cannot contain spaces: '" + connect + "'" + form);
        }
        int slash = connect.indexOf('/');
        String hosts = slash < 0 ? connect : connect.substring(0, slash);
        if (slash >= 0) {
            String chroot = connect.substring(slash);
            if (chroot.length() > 1 && (chroot.endsWith("/") || chroot.contains("//"))) {
                return Optional.of("'" + chroot + "' is not a ZooKeeper path (no empty segment, no"
                        + " trailing '/')" + form);
            }
        }
        if (hosts.isEmpty()) {
            return Optional.of("no ZooKeeper server in '" + connect + "'" + form);
        }
        for (String h : hosts.split(",", -1)) {
            int colon = h.lastIndexOf(':');
            String host = colon < 0 ? h : h.substring(0, colon);
            String port = colon < 0 ? "2181" : h.substring(colon + 1);
            if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                return Optional.of("'" + h + "' in '" + connect + "' is not host:port" + form);
            }
        }
        return Optional.empty();
    }

    private void warnLiteralSecret(Entry e, String value, String path) {
        String k = e.key().toLowerCase(java.util.Locale.ROOT);
        boolean credential = k.contains("password") || k.contains("secret") || k.contains("token")
                || k.contains("jaas") || k.contains("passphrase") || k.equals("auth");
        if (credential && !Secrets.REFERENCE.matcher(value).find()) {
            problems.warn(e.value(), path, "secret written literally in the plan; prefer ${env:NAME} or "
                    + "${file:PATH} so the plan can be shared and reviewed");
        }
    }

    private String bootstrapServers(MapNode m, String p) {
        String path = join(p, "bootstrapServers");
        YamlNode n = m.get("bootstrapServers");
        if (n == null || isNull(n)) {
            problems.error(n == null ? m : n, path, "missing required field 'bootstrapServers'");
            return null;
        }
        List<String> servers = new ArrayList<>();
        if (n instanceof ListNode) {
            for (YamlNode item : ((ListNode) n).items()) {
                String s = scalarText(item, path, false);
                if (s != null) {
                    servers.add(s.trim());
                }
            }
        } else {
            String s = scalarText(n, path, false);
            if (s == null) {
                return null;
            }
            for (String part : s.split(",", -1)) {
                servers.add(part.trim());
            }
        }
        boolean ok = true;
        for (String s : servers) {
            if (!ClusterSpec.isHostPort(s)) {
                problems.error(n, path, "'" + s + "' is not host:port (e.g. kafka-1.example:9092)");
                ok = false;
            }
        }
        if (servers.isEmpty()) {
            problems.error(n, path, "bootstrapServers is empty");
            ok = false;
        }
        return ok ? String.join(",", servers) : null;
    }

    /**
     * Dedicated KRaft controllers ({@code role: controller}) exist in KRaft mode only, and a plan that lists
     * nodes lists its brokers too (they roll first; the controllers after them).
     */
    private void checkControllers(MapNode root, ClusterSpec cluster, List<BrokerSpec> brokers) {
        if (brokers.stream().noneMatch(BrokerSpec::dedicatedController)) {
            return;
        }
        ListNode list = list(root, "brokers", "", false);
        for (int i = 0; i < list.items().size(); i++) {
            if (list.items().get(i) instanceof MapNode m && m.get("role") != null
                    && BrokerSpec.CONTROLLER_ROLE.equals(string(m, "role", "brokers[" + i + "]", false))) {
                if (cluster != null && cluster.zookeeperMode()) {
                    problems.error(m.get("role"), "brokers[" + i + "].role", "role: controller is a dedicated KRaft"
                            + " controller; this plan is for a ZooKeeper-mode cluster (cluster.zookeeper is set)");
                    return;
                }
            }
        }
        if (brokers.stream().allMatch(BrokerSpec::dedicatedController)) {
            problems.error(list, "brokers", "every node listed has role: controller: list the brokers too (they"
                    + " roll first, the dedicated controllers after them)");
        }
    }

    private List<BrokerSpec> brokers(MapNode root) {
        List<BrokerSpec> brokers = new ArrayList<>();
        ListNode list = list(root, "brokers", "", false);
        if (list == null) {
            return brokers;
        }
        Map<Integer, Integer> lineOfId = new HashMap<>();
        for (int i = 0; i < list.items().size(); i++) {
            String p = "brokers[" + i + "]";
            YamlNode item = list.items().get(i);
            if (!(item instanceof MapNode)) {
                problems.error(item, p, "expected a broker ({id: 1, host: kafka-1.example, rack: r1}), got "
                        + item.kind());
                continue;
            }
            MapNode m = (MapNode) item;
            checkKeys(m, p, BROKER_KEYS);
            Integer id = integer(m, "id", p, true, 0, Integer.MAX_VALUE);
            String host = singleLine(m, "host", p, true);
            if (host != null && host.chars().anyMatch(Character::isWhitespace)) {
                problems.error(m.get("host"), join(p, "host"), "a host name cannot contain spaces: '" + host + "'");
                host = null;
            }
            String rack = singleLine(m, "rack", p, false);
            Integer jmxPort = integer(m, "jmxPort", p, false, 1, 65535);
            String executor = oneOf(m, "executor", p, EXECUTORS);
            boolean controller = BrokerSpec.CONTROLLER_ROLE.equals(oneOf(m, "role", p, ROLES));
            if (id != null) {
                Integer first = lineOfId.putIfAbsent(id, m.line());
                if (first != null) {
                    problems.error(m.get("id"), join(p, "id"), "duplicate broker id " + id
                            + " (first given on line " + first + ")");
                    continue;
                }
            }
            if (id != null && host != null) {
                brokers.add(new BrokerSpec(id, host, rack, jmxPort, executor, controller));
            }
        }
        return brokers;
    }

    /**
     * The access section. {@code brokers} may pick their own executor ({@code brokers[].executor}); the
     * settings of every executor in use are required, those of an executor nobody uses are ignored (warned).
     */
    private AccessSpec access(MapNode root, List<BrokerSpec> brokers) {
        MapNode m = section(root, "access", "", false);
        String p = "access";
        String executor = null;
        if (m != null) {
            checkKeys(m, p, ACCESS_KEYS);
            executor = string(m, "executor", p, false);
            if (executor != null && !EXECUTORS.contains(executor)) {
                problems.error(m.get("executor"), join(p, "executor"), "unknown executor '" + executor
                        + "': use ssh, local or agent" + Suggestions.didYouMean(executor, EXECUTORS));
                executor = null;
            }
        }
        executor = executor == null ? DEFAULT_EXECUTOR : executor;
        java.util.Set<String> used = new java.util.LinkedHashSet<>();
        used.add(executor);
        BrokerSpec firstAgentBroker = null;
        for (BrokerSpec b : brokers) {
            if (b.executor() != null) {
                used.add(b.executor());
                if (b.executor().equals("agent") && firstAgentBroker == null) {
                    firstAgentBroker = b;
                }
            }
        }
        if (m == null) {
            if (used.contains("agent")) {
                problems.error(root.get("brokers") == null ? root : root.get("brokers"), "access.agent",
                        "broker " + firstAgentBroker.id() + " uses executor: agent, which needs an access.agent"
                                + " section with at least the token (agent: {token: \"${env:KUPGRADE_AGENT_TOKEN}\"})");
            }
            return new AccessSpec(executor, used.contains("ssh") ? defaultSsh() : null, null);
        }
        MapNode s = section(m, "ssh", p, false);
        MapNode a = section(m, "agent", p, false);
        String usedBy = used.size() == 1 ? "executor: " + executor : "the executors in use (" + String.join(", ", used)
                + ")";
        if (a != null && !used.contains("agent")) {
            problems.warn(m.entry("agent").line(), m.entry("agent").column(), join(p, "agent"),
                    "agent settings are ignored with " + usedBy);
        }
        if (s != null && !used.contains("ssh")) {
            problems.warn(m.entry("ssh").line(), m.entry("ssh").column(), join(p, "ssh"),
                    "ssh settings are ignored with " + usedBy);
        }
        AccessSpec.AgentSpec agent = null;
        if (used.contains("agent")) {
            if (a == null) {
                String who = executor.equals("agent") ? "executor: agent" : "broker " + firstAgentBroker.id()
                        + "'s executor: agent";
                problems.error(m, join(p, "agent"), who + " needs an 'agent' section with at least "
                        + "the token (agent: {token: \"${env:KUPGRADE_AGENT_TOKEN}\"})");
            } else {
                agent = agent(a);
            }
        }
        AccessSpec.SshSpec ssh = null;
        if (used.contains("ssh")) {
            ssh = s == null ? defaultSsh() : ssh(s);
        }
        return new AccessSpec(executor, ssh, agent);
    }

    private AccessSpec.SshSpec ssh(MapNode s) {
        String p = "access.ssh";
        checkKeys(s, p, SSH_KEYS);
        String user = singleLine(s, "user", p, false);
        Integer port = integer(s, "port", p, false, 1, 65535);
        String identityFile = singleLine(s, "identityFile", p, false);
        Secret passphrase = null;
        String pass = string(s, "passphrase", p, false);
        if (pass != null) {
            passphrase = Secrets.of(pass, true, s.get("passphrase"), join(p, "passphrase"), problems, baseDir,
                    environment);
            warnLiteralSecret(s.entry("passphrase"), pass, join(p, "passphrase"));
        }
        String knownHosts = singleLine(s, "knownHosts", p, false);
        Duration connectTimeout = duration(s, "connectTimeout", p, false, false);
        Boolean sudo = bool(s, "sudo", p, false);
        AccessSpec.JumpHost jump = null;
        String jumpText = singleLine(s, "jumpHost", p, false);
        if (jumpText != null) {
            try {
                jump = AccessSpec.JumpHost.parse(jumpText);
            } catch (IllegalArgumentException e) {
                problems.error(s.get("jumpHost"), join(p, "jumpHost"), e.getMessage());
            }
        }
        return new AccessSpec.SshSpec(user, port == null ? DEFAULT_SSH_PORT : port,
                identityFile, passphrase, knownHosts == null ? DEFAULT_KNOWN_HOSTS : knownHosts,
                connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout, Boolean.TRUE.equals(sudo), jump);
    }

    /** access.agent, read the way access.ssh is: strict keys, secrets only where a secret belongs. */
    private AccessSpec.AgentSpec agent(MapNode a) {
        String p = "access.agent";
        checkKeys(a, p, AGENT_KEYS);
        Integer port = integer(a, "port", p, false, 1, 65535);
        Secret token = secret(a, "token", p, true);
        Duration connectTimeout = duration(a, "connectTimeout", p, false, false);
        AccessSpec.AgentTlsSpec tls = null;
        MapNode t = section(a, "tls", p, false);
        if (t != null) {
            String tp = "access.agent.tls";
            checkKeys(t, tp, AGENT_TLS_KEYS);
            String keystore = singleLine(t, "keystore", tp, false);
            Secret keystorePassword = secret(t, "keystorePassword", tp, keystore != null);
            if (keystore == null && keystorePassword != null) {
                problems.error(t.get("keystorePassword"), join(tp, "keystorePassword"),
                        "keystorePassword without keystore");
            }
            tls = new AccessSpec.AgentTlsSpec(singleLine(t, "truststore", tp, false),
                    secret(t, "truststorePassword", tp, false), keystore, keystorePassword);
        }
        return new AccessSpec.AgentSpec(port == null ? DEFAULT_AGENT_PORT : port, token,
                connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout, tls);
    }

    private Secret secret(MapNode m, String key, String p, boolean required) {
        String text = string(m, key, p, required);
        if (text == null) {
            return null;
        }
        warnLiteralSecret(m.entry(key), text, join(p, key));
        return Secrets.of(text, true, m.get(key), join(p, key), problems, baseDir, environment);
    }

    private static AccessSpec.SshSpec defaultSsh() {
        return new AccessSpec.SshSpec(null, DEFAULT_SSH_PORT, null, null, DEFAULT_KNOWN_HOSTS,
                DEFAULT_CONNECT_TIMEOUT);
    }

    private ServiceSpec service(MapNode root) {
        MapNode m = section(root, "service", "", true);
        if (m == null) {
            return null;
        }
        String p = "service";
        checkKeys(m, p, SERVICE_KEYS);
        String configFile = singleLine(m, "configFile", p, true);
        String stop = string(m, "stop", p, true);
        String start = string(m, "start", p, true);
        String isRunning = string(m, "isRunning", p, true);
        Duration stopTimeout = duration(m, "stopTimeout", p, false, false);
        Duration startTimeout = duration(m, "startTimeout", p, false, false);
        if (configFile == null || stop == null || start == null || isRunning == null) {
            return null;
        }
        return new ServiceSpec(configFile, stop, start, isRunning,
                stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout,
                startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout);
    }

    private List<WaveSpec> waves(MapNode root) {
        ListNode list = list(root, "waves", "", false);
        if (list == null) {
            return List.of(new WaveSpec("canary", new WaveSpec.WaveSize(1, false), Duration.ZERO),
                    new WaveSpec("wave-2", new WaveSpec.WaveSize(100, true), Duration.ZERO));
        }
        if (list.items().isEmpty()) {
            problems.error(list, "waves", "waves is empty; leave it out for the default [1, \"100%\"]");
            return List.of();
        }
        List<WaveSpec> waves = new ArrayList<>();
        Map<String, Integer> lineOfName = new HashMap<>();
        for (int i = 0; i < list.items().size(); i++) {
            String p = "waves[" + i + "]";
            YamlNode item = list.items().get(i);
            String name = null;
            YamlNode nameNode = item;
            WaveSpec.WaveSize size;
            Duration soak = Duration.ZERO;
            OnFailure onFailure = null;
            if (item instanceof MapNode) {
                MapNode m = (MapNode) item;
                checkKeys(m, p, WAVE_KEYS);
                name = name(m, "name", p, false);
                nameNode = m.get("name") == null ? m : m.get("name");
                YamlNode sizeNode = m.get("size");
                if (sizeNode == null || isNull(sizeNode)) {
                    problems.error(sizeNode == null ? m : sizeNode, join(p, "size"),
                            "missing required field 'size' (a count such as 3, or a percentage such as \"50%\")");
                    size = null;
                } else {
                    size = waveSize(sizeNode, join(p, "size"));
                }
                Duration d = duration(m, "soak", p, false, true);
                soak = d == null ? Duration.ZERO : d;
                String of = oneOf(m, "onFailure", p, ON_FAILURE);
                onFailure = of == null ? null : OnFailure.valueOf(of.toUpperCase(java.util.Locale.ROOT));
            } else {
                size = waveSize(item, p);
            }
            if (name == null) {
                name = i == 0 ? "canary" : "wave-" + (i + 1);
            }
            Integer first = lineOfName.putIfAbsent(name, nameNode.line());
            if (first != null) {
                problems.error(nameNode, p, "duplicate wave name '" + name + "' (first used on line " + first + ")");
            }
            if (WavePlanner.isControllersWave(name)) {
                // the journal, progress lines and status tell the controllers' wave by this name
                problems.error(nameNode, join(p, "name"), "wave name '" + name + "' is reserved for the dedicated"
                        + " KRaft controllers' wave (brokers with role: controller roll in it, after the others)");
            }
            if (size != null) {
                waves.add(new WaveSpec(name, size, soak, onFailure));
            }
        }
        for (int i = 0; i < waves.size() - 1; i++) {
            WaveSpec.WaveSize s = waves.get(i).size();
            if (s.percent() && s.value() == 100) {
                problems.warn(list.items().get(i + 1), "waves[" + (i + 1) + "]",
                        "this wave never runs: the wave before it takes all remaining brokers (\"100%\")");
                break;
            }
        }
        return waves;
    }

    private WaveSpec.WaveSize waveSize(YamlNode n, String path) {
        if (n instanceof ScalarNode && ((ScalarNode) n).type() == ScalarType.INT) {
            long v = parseLongOrMax(((ScalarNode) n).text());
            if (v <= 0 || v > Integer.MAX_VALUE) {
                problems.error(n, path, "wave size must be at least 1, got " + ((ScalarNode) n).text());
                return null;
            }
            return new WaveSpec.WaveSize((int) v, false);
        }
        if (n instanceof ScalarNode && ((ScalarNode) n).type() == ScalarType.STRING) {
            String t = ((ScalarNode) n).text().trim();
            Matcher pm = PERCENT.matcher(t);
            if (pm.matches()) {
                long v = parseLongOrMax(pm.group(1));
                if (v < 1 || v > 100) {
                    problems.error(n, path, "wave percentage must be between 1% and 100%, got " + t);
                    return null;
                }
                return new WaveSpec.WaveSize((int) v, true);
            }
            if (t.matches("\\d+")) {
                return waveSize(new ScalarNode(n.line(), n.column(), ScalarType.INT, t), path);
            }
            problems.error(n, path, "invalid wave size '" + t
                    + "': write a count (3) or a whole percentage of the brokers (\"50%\")");
            return null;
        }
        problems.error(n, path, "expected a wave size (3, \"50%\") or {name, size, soak}, got " + n.kind());
        return null;
    }

    private static long parseLongOrMax(String digits) {
        try {
            return Long.parseLong(digits.replace("_", ""));
        } catch (NumberFormatException e) {
            return digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private GateSettings gates(MapNode root) {
        MapNode m = section(root, "gates", "", false);
        if (m == null) {
            return new GateSettings(DEFAULT_POLL_INTERVAL, DEFAULT_GATE_TIMEOUT, DEFAULT_STABLE_POLLS);
        }
        String p = "gates";
        checkKeys(m, p, GATES_KEYS);
        Duration poll = duration(m, "pollInterval", p, false, false);
        Duration timeout = duration(m, "timeout", p, false, false);
        Integer stable = integer(m, "stablePolls", p, false, 1, 1000);
        poll = poll == null ? DEFAULT_POLL_INTERVAL : poll;
        timeout = timeout == null ? DEFAULT_GATE_TIMEOUT : timeout;
        if (poll.compareTo(timeout) >= 0) {
            YamlNode at = m.get("pollInterval") != null ? m.get("pollInterval") : m.get("timeout");
            problems.error(at, join(p, m.get("pollInterval") != null ? "pollInterval" : "timeout"),
                    "pollInterval (" + Durations.format(poll) + ") must be shorter than timeout ("
                            + Durations.format(timeout) + ")");
        }
        return new GateSettings(poll, timeout, stable == null ? DEFAULT_STABLE_POLLS : stable);
    }

    private RolloutSpec rollout(MapNode root) {
        MapNode m = section(root, "rollout", "", false);
        if (m == null) {
            return RolloutSpec.DEFAULT;
        }
        String p = "rollout";
        checkKeys(m, p, ROLLOUT_KEYS);
        RolloutSpec d = RolloutSpec.DEFAULT;
        Integer maxParallel = integer(m, "maxParallel", p, false, 1, RolloutSpec.MAX_PARALLEL_LIMIT);
        Boolean rackAware = bool(m, "rackAware", p, false);
        Boolean elect = null;
        Boolean drain = null;
        MapNode leaders = section(m, "leaders", p, false);
        if (leaders != null) {
            String lp = p + ".leaders";
            checkKeys(leaders, lp, LEADERS_KEYS);
            elect = bool(leaders, "electPreferred", lp, false);
            drain = bool(leaders, "drainBeforeStop", lp, false);
        }
        return new RolloutSpec(maxParallel == null ? d.maxParallel() : maxParallel,
                rackAware == null ? d.rackAware() : rackAware,
                elect == null ? d.electPreferredLeaders() : elect,
                drain == null ? d.drainLeadersBeforeStop() : drain, windows(m, p));
    }

    /** {@code rollout.maintenanceWindows}: {@code timezone} (default UTC) and {@code times}, at least one. */
    private MaintenanceWindows windows(MapNode rollout, String parent) {
        MapNode m = section(rollout, "maintenanceWindows", parent, false);
        if (m == null) {
            return MaintenanceWindows.ALWAYS;
        }
        String p = join(parent, "maintenanceWindows");
        checkKeys(m, p, WINDOWS_KEYS);
        ZoneId zone = ZoneId.of("UTC");
        String zoneText = singleLine(m, "timezone", p, false);
        if (zoneText != null) {
            try {
                zone = MaintenanceWindows.zone(zoneText);
            } catch (IllegalArgumentException e) {
                problems.error(m.get("timezone"), join(p, "timezone"), e.getMessage());
            }
        }
        ListNode times = list(m, "times", p, true);
        if (times == null) {
            return MaintenanceWindows.ALWAYS;
        }
        if (times.items().isEmpty()) {
            problems.error(times, join(p, "times"), "no window given: list at least one (e.g. \"Mon-Fri 22:00-06:00\"),"
                    + " or leave maintenanceWindows out to roll at any time");
            return MaintenanceWindows.ALWAYS;
        }
        List<MaintenanceWindows.Window> out = new ArrayList<>();
        for (int i = 0; i < times.items().size(); i++) {
            YamlNode t = times.items().get(i);
            String path = join(p, "times") + "[" + i + "]";
            String text = scalarText(t, path, false);
            if (text == null) {
                continue;
            }
            try {
                out.add(MaintenanceWindows.window(text));
            } catch (IllegalArgumentException e) {
                problems.error(t, path, e.getMessage());
            }
        }
        return new MaintenanceWindows(out, zone);
    }

    private StateSpec state(MapNode root, ClusterSpec cluster) {
        MapNode m = section(root, "state", "", false);
        if (m == null) {
            return StateSpec.FILE;
        }
        String p = "state";
        checkKeys(m, p, STATE_KEYS);
        String store = oneOf(m, "store", p, STORES);
        String connect = singleLine(m, "zookeeper", p, false);
        if (store == null && m.get("store") == null) {
            store = connect != null ? "zookeeper" : "file";
        }
        if (store == null) {
            return StateSpec.FILE;
        }
        if (store.equals("file")) {
            if (connect != null) {
                problems.error(m.get("zookeeper"), join(p, "zookeeper"), "state.zookeeper is only used with"
                        + " store: zookeeper (this plan keeps its state in files)");
            }
            if (m.get("auth") != null) {
                problems.error(m.get("auth"), join(p, "auth"), "state.auth is only used with store: zookeeper (this"
                        + " plan keeps its state in files)");
            }
            return StateSpec.FILE;
        }
        String authText = string(m, "auth", p, false);
        Secret auth = null;
        if (authText != null) {
            int colon = authText.indexOf(':');
            if (!Secrets.REFERENCE.matcher(authText).find() && (colon <= 0 || colon == authText.length() - 1)) {
                problems.error(m.get("auth"), join(p, "auth"), "state.auth must read user:password (ZooKeeper"
                        + " digest credentials), e.g. \"${env:KUPGRADE_ZK_AUTH}\"");
            } else {
                warnLiteralSecret(m.entry("auth"), authText, join(p, "auth"));
                auth = Secrets.of(authText, true, m.get("auth"), join(p, "auth"), problems, baseDir, environment);
            }
        }
        if (connect == null) {
            if (cluster != null && cluster.zookeeperMode()) {
                // the cluster's own ensemble, under a chroot of ours: Kafka's own znodes are never touched
                connect = withChroot(cluster.zookeeper());
            } else {
                problems.error(m.get("store"), join(p, "zookeeper"), "store: zookeeper needs state.zookeeper"
                        + " (host:port,...[/chroot]) on a cluster without cluster.zookeeper");
                return StateSpec.FILE;
            }
        } else if (zookeeperConnectProblem(connect).isPresent()) {
            problems.error(m.get("zookeeper"), join(p, "zookeeper"), zookeeperConnectProblem(connect).get());
            return StateSpec.FILE;
        }
        return new StateSpec(StateSpec.Store.ZOOKEEPER, connect, auth);
    }

    /**
     * The optional {@code zookeeperEnsemble} section: the ZooKeeper servers of a ZooKeeper-mode cluster, rolled
     * before the broker phases. At least 3 servers (a single server cannot roll without an outage), ids 1..255
     * once each, a service like the brokers' with the placeholders {@code {server.id}} and {@code {host}}.
     */
    private ZooKeeperEnsembleSpec zookeeperEnsemble(MapNode root, ClusterSpec cluster, List<PhaseDraft> phases) {
        String p = "zookeeperEnsemble";
        for (PhaseDraft d : phases) {
            if (ZooKeeperEnsembleSpec.PHASE_NAME.equals(d.name)) {
                problems.error(d.node.get("name"), "phases[" + d.index + "].name", "the phase name '"
                        + ZooKeeperEnsembleSpec.PHASE_NAME + "' is reserved for the zookeeperEnsemble roll");
            }
        }
        MapNode m = section(root, p, "", false);
        if (m == null) {
            return null;
        }
        checkKeys(m, p, ENSEMBLE_KEYS);
        if (cluster != null && !cluster.zookeeperMode()) {
            problems.error(root.entry(p), p, "zookeeperEnsemble rolls the ZooKeeper servers of a ZooKeeper-mode"
                    + " cluster: set cluster.zookeeper (the brokers' zookeeper.connect)");
        }
        List<ZooKeeperEnsembleSpec.ZooKeeperServerSpec> servers = new ArrayList<>();
        ListNode list = list(m, "servers", p, true);
        if (list != null) {
            Map<Integer, Integer> lineOfId = new HashMap<>();
            for (int i = 0; i < list.items().size(); i++) {
                String sp = p + ".servers[" + i + "]";
                YamlNode item = list.items().get(i);
                if (!(item instanceof MapNode)) {
                    problems.error(item, sp, "expected a server ({id: 1, host: zk-1, clientPort: 2181}), got "
                            + item.kind());
                    continue;
                }
                MapNode sm = (MapNode) item;
                checkKeys(sm, sp, ENSEMBLE_SERVER_KEYS);
                Integer id = integer(sm, "id", sp, true, 1, 255);
                String host = singleLine(sm, "host", sp, true);
                if (host != null && host.chars().anyMatch(Character::isWhitespace)) {
                    problems.error(sm.get("host"), join(sp, "host"), "a host name cannot contain spaces: '" + host
                            + "'");
                    host = null;
                }
                Integer port = integer(sm, "clientPort", sp, false, 1, 65535);
                if (id != null) {
                    Integer first = lineOfId.putIfAbsent(id, sm.line());
                    if (first != null) {
                        problems.error(sm.get("id"), join(sp, "id"), "duplicate ZooKeeper server id " + id
                                + " (first given on line " + first + ")");
                        continue;
                    }
                }
                if (id != null && host != null) {
                    servers.add(new ZooKeeperEnsembleSpec.ZooKeeperServerSpec(id, host,
                            port == null ? DEFAULT_ZOOKEEPER_CLIENT_PORT : port));
                }
            }
            if (list.items().size() < 3) {
                problems.error(list, join(p, "servers"), "an ensemble roll needs at least 3 servers, got "
                        + list.items().size() + ": a single ZooKeeper server cannot be restarted without an outage");
            }
        }
        ServiceSpec service = ensembleService(m, p);
        Map<String, String> set = new LinkedHashMap<>();
        MapNode setNode = section(m, "set", p, false);
        if (setNode != null) {
            for (Entry e : setNode.entries().values()) {
                String path = join(p + ".set", e.key());
                if (!PROPERTY_NAME.matcher(e.key()).matches()) {
                    problems.error(e, path, "'" + e.key() + "' is not a property name (letters, digits, '.', '_',"
                            + " '-')");
                    continue;
                }
                String value = zooCfgValue(e, path);
                if (value != null) {
                    set.put(e.key(), value);
                }
            }
        }
        List<String> unset = new ArrayList<>();
        ListNode unsetNode = list(m, "unset", p, false);
        if (unsetNode != null) {
            for (int j = 0; j < unsetNode.items().size(); j++) {
                YamlNode u = unsetNode.items().get(j);
                String path = p + ".unset[" + j + "]";
                String key = scalarText(u, path, false);
                if (key == null) {
                    continue;
                }
                if (!PROPERTY_NAME.matcher(key).matches()) {
                    problems.error(u, path, "'" + key + "' is not a property name (letters, digits, '.', '_', '-')");
                } else if (unset.contains(key)) {
                    problems.error(u, path, "'" + key + "' is listed twice in unset");
                } else if (set.containsKey(key)) {
                    problems.error(u, path, "'" + key + "' is both set and unset");
                } else {
                    unset.add(key);
                }
            }
        }
        String install = string(m, "install", p, false);
        checkEnsemblePlaceholders(m, "install", p, install);
        String version = versionString(m, "version", p);
        String rollbackInstall = null;
        MapNode rollback = section(m, "rollback", p, false);
        if (rollback != null) {
            String rp = join(p, "rollback");
            checkKeys(rollback, rp, ROLLBACK_KEYS);
            rollbackInstall = string(rollback, "install", rp, true);
            checkEnsemblePlaceholders(rollback, "install", rp, rollbackInstall);
            if (rollbackInstall != null && install == null && m.get("install") == null) {
                problems.warn(rollback.get("install"), join(rp, "install"), "zookeeperEnsemble has no install,"
                        + " so rollback.install never runs (it restores binaries that install replaced)");
            }
        }
        if (cluster != null && cluster.zookeeperMode()) {
            String hosts = cluster.zookeeper().contains("/")
                    ? cluster.zookeeper().substring(0, cluster.zookeeper().indexOf('/')) : cluster.zookeeper();
            List<String> connect = java.util.Arrays.stream(hosts.split(",")).map(String::trim).toList();
            for (ZooKeeperEnsembleSpec.ZooKeeperServerSpec s : servers) {
                if (!connect.contains(s.address())) {
                    problems.warn(list, join(p, "servers"), "server " + s.id() + " (" + s.address() + ") is not in"
                            + " cluster.zookeeper (" + cluster.zookeeper() + "): the brokers do not use it");
                }
            }
        }
        if (problems.hasErrors() || service == null || servers.size() < 3) {
            return null;
        }
        return new ZooKeeperEnsembleSpec(servers, service, set, unset, install, version, rollbackInstall);
    }

    private ServiceSpec ensembleService(MapNode m, String p) {
        MapNode s = section(m, "service", p, true);
        if (s == null) {
            return null;
        }
        String sp = join(p, "service");
        checkKeys(s, sp, SERVICE_KEYS);
        String configFile = singleLine(s, "configFile", sp, true);
        String stop = string(s, "stop", sp, true);
        String start = string(s, "start", sp, true);
        String isRunning = string(s, "isRunning", sp, true);
        for (String key : List.of("configFile", "stop", "start", "isRunning")) {
            checkEnsemblePlaceholders(s, key, sp, string(s, key, sp, false));
        }
        Duration stopTimeout = duration(s, "stopTimeout", sp, false, false);
        Duration startTimeout = duration(s, "startTimeout", sp, false, false);
        if (configFile == null || stop == null || start == null || isRunning == null) {
            return null;
        }
        return new ServiceSpec(configFile, stop, start, isRunning,
                stopTimeout == null ? DEFAULT_STOP_TIMEOUT : stopTimeout,
                startTimeout == null ? DEFAULT_START_TIMEOUT : startTimeout);
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("(?<!\\$)\\{([A-Za-z][A-Za-z0-9._-]*)}");

    private void checkEnsemblePlaceholders(MapNode m, String key, String p, String template) {
        if (template == null) {
            return;
        }
        Matcher pm = PLACEHOLDER.matcher(template);
        while (pm.find()) {
            if (!ZooKeeperEnsembleSpec.PLACEHOLDERS.contains(pm.group(1))) {
                String hint = pm.group(1).equals("broker.id") ? " (a ZooKeeper server's id is {server.id})" : "";
                problems.error(m.get(key), join(p, key), "unknown placeholder {" + pm.group(1) + "}" + hint
                        + ": use {server.id} or {host}");
            }
        }
    }

    /** A zoo.cfg value: one line of text; YAML numbers and booleans as written. */
    private String zooCfgValue(Entry e, String path) {
        YamlNode v = e.value();
        if (!(v instanceof ScalarNode)) {
            problems.error(v, path, "a property value must be a single value, got " + v.kind());
            return null;
        }
        ScalarNode s = (ScalarNode) v;
        if (s.isNull()) {
            problems.error(v, path, "no value given; to remove '" + e.key() + "' from zoo.cfg, list it under unset");
            return null;
        }
        if (s.text().indexOf('\n') >= 0 || s.text().indexOf('\r') >= 0) {
            problems.error(v, path, "a property value cannot span several lines");
            return null;
        }
        if (s.text().indexOf('\0') >= 0) {
            problems.error(v, path, "a property value cannot contain a NUL character (\\0)");
            return null;
        }
        return s.text();
    }

    /** {@code a:2181,b:2181/kafka} -> {@code a:2181,b:2181/kafka/kupgrade}; no chroot -> {@code .../kupgrade}. */
    static String withChroot(String zookeeper) {
        String z = zookeeper.strip();
        while (z.endsWith("/")) {
            z = z.substring(0, z.length() - 1);
        }
        return z + DEFAULT_STATE_CHROOT;
    }

    private List<PhaseDraft> phases(MapNode root) {
        List<PhaseDraft> phases = new ArrayList<>();
        // a plan that only rolls its ZooKeeper ensemble needs no broker phase
        boolean ensembleOnly = root.get("zookeeperEnsemble") != null && !isNull(root.get("zookeeperEnsemble"));
        ListNode list = list(root, "phases", "", !ensembleOnly);
        if (list == null) {
            return phases;
        }
        if (list.items().isEmpty() && !ensembleOnly) {
            problems.error(list, "phases", "phases is empty: a plan needs at least one phase");
            return phases;
        }
        Map<String, Integer> lineOfName = new HashMap<>();
        for (int i = 0; i < list.items().size(); i++) {
            String p = "phases[" + i + "]";
            YamlNode item = list.items().get(i);
            if (!(item instanceof MapNode)) {
                problems.error(item, p, "expected a phase ({name: ..., set: {...}}), got " + item.kind());
                continue;
            }
            MapNode m = (MapNode) item;
            checkKeys(m, p, PHASE_KEYS);
            String name = name(m, "name", p, true);
            if (name != null) {
                Integer first = lineOfName.putIfAbsent(name, m.get("name").line());
                if (first != null) {
                    problems.error(m.get("name"), join(p, "name"), "duplicate phase name '" + name
                            + "' (first used on line " + first + ")");
                }
            }
            String install = string(m, "install", p, false);
            String version = versionString(m, "version", p);
            Map<String, String> set = new LinkedHashMap<>();
            Map<String, Entry> setEntries = new LinkedHashMap<>();
            MapNode setNode = section(m, "set", p, false);
            if (setNode != null) {
                for (Entry e : setNode.entries().values()) {
                    String path = join(p + ".set", e.key());
                    if (!PROPERTY_NAME.matcher(e.key()).matches()) {
                        problems.error(e, path, "'" + e.key() + "' is not a property name (letters, digits, '.', "
                                + "'_', '-')");
                        continue;
                    }
                    String value = propertyValue(e, path);
                    if (value != null) {
                        set.put(e.key(), value);
                        setEntries.put(e.key(), e);
                    }
                }
            }
            List<String> unset = new ArrayList<>();
            Map<String, YamlNode> unsetNodes = new LinkedHashMap<>();
            ListNode unsetNode = list(m, "unset", p, false);
            if (unsetNode != null) {
                for (int j = 0; j < unsetNode.items().size(); j++) {
                    YamlNode u = unsetNode.items().get(j);
                    String path = p + ".unset[" + j + "]";
                    String key = scalarText(u, path, false);
                    if (key == null) {
                        continue;
                    }
                    if (!PROPERTY_NAME.matcher(key).matches()) {
                        problems.error(u, path, "'" + key + "' is not a property name (letters, digits, '.', '_', "
                                + "'-')");
                        continue;
                    }
                    if (unsetNodes.containsKey(key)) {
                        problems.error(u, path, "'" + key + "' is listed twice in unset");
                    } else if (set.containsKey(key)) {
                        problems.error(u, path, "'" + key + "' is both set and unset in this phase");
                    } else {
                        unset.add(key);
                        unsetNodes.put(key, u);
                    }
                }
            }
            Boolean pointOfNoReturn = bool(m, "pointOfNoReturn", p, false);
            String finalizeMetadataVersion = null;
            MapNode fin = section(m, "finalize", p, false);
            YamlNode finalizeNode = null;
            if (fin != null) {
                checkKeys(fin, p + ".finalize", FINALIZE_KEYS);
                finalizeMetadataVersion = versionString(fin, "metadataVersion", p + ".finalize");
                finalizeNode = fin.get("metadataVersion");
                if (finalizeNode == null) {
                    problems.error(fin, p + ".finalize.metadataVersion",
                            "missing required field 'metadataVersion' (e.g. metadataVersion: \"4.1\")");
                }
            }
            String rollbackInstall = null;
            MapNode rollback = section(m, "rollback", p, false);
            if (rollback != null) {
                checkKeys(rollback, p + ".rollback", ROLLBACK_KEYS);
                rollbackInstall = string(rollback, "install", p + ".rollback", true);
                if (rollbackInstall != null && install == null && m.get("install") == null) {
                    problems.warn(rollback.get("install"), p + ".rollback.install", "this phase installs nothing;"
                            + " rollback.install runs anyway when a broker of it is rolled back or reverted");
                }
            }
            if (name != null) {
                PhaseDraft draft = new PhaseDraft(i, m, name, install, version, set, setEntries, unset, unsetNodes,
                        Boolean.TRUE.equals(pointOfNoReturn), finalizeMetadataVersion, finalizeNode);
                draft.rollbackInstall = rollbackInstall;
                phases.add(draft);
            }
        }
        return phases;
    }

    /**
     * A {@code set} value as the text that goes into server.properties. YAML numbers and booleans are taken
     * as written; version-valued properties must be quoted, because a plain {@code 3.10} is the YAML float
     * 3.1 to every other YAML tool (and to Jackson's data binding).
     */
    private String propertyValue(Entry e, String path) {
        YamlNode v = e.value();
        if (!(v instanceof ScalarNode)) {
            problems.error(v, path, "a property value must be a single value, got " + v.kind());
            return null;
        }
        ScalarNode s = (ScalarNode) v;
        if (s.isNull()) {
            problems.error(v, path, "no value given; to remove '" + e.key() + "' from server.properties, list it "
                    + "under unset");
            return null;
        }
        if (KafkaChecks.VERSION_PROPERTIES.contains(e.key())
                && (s.type() == ScalarType.FLOAT || s.type() == ScalarType.INT)) {
            problems.error(v, path, "write the version as a quoted string (\"" + s.text() + "\"): an unquoted "
                    + s.text() + " is a YAML number, and 3.10 would read as 3.1");
            return null;
        }
        if (s.text().indexOf('\n') >= 0 || s.text().indexOf('\r') >= 0) {
            problems.error(v, path, "a property value cannot span several lines");
            return null;
        }
        if (s.text().indexOf('\0') >= 0) {
            problems.error(v, path, "a property value cannot contain a NUL character (\\0)");
            return null;
        }
        String lower = s.text().toLowerCase(java.util.Locale.ROOT);
        if (s.type() == ScalarType.BOOL && !lower.equals("true") && !lower.equals("false")) {
            problems.error(v, path, "'" + s.text() + "' is a YAML boolean, and Kafka reads only true and false: "
                    + "write true or false, or quote the value if you mean the text");
            return null;
        }
        return s.text();
    }

    /** A version field: a string; a YAML number is refused (3.10 is ambiguous). */
    private String versionString(MapNode m, String key, String p) {
        YamlNode n = m.get(key);
        if (n instanceof ScalarNode && (((ScalarNode) n).type() == ScalarType.FLOAT
                || ((ScalarNode) n).type() == ScalarType.INT)) {
            String t = ((ScalarNode) n).text();
            problems.error(n, join(p, key), "write the version as a quoted string (\"" + t + "\"): an unquoted "
                    + t + " is a YAML number, and 3.10 would read as 3.1");
            return null;
        }
        return singleLine(m, key, p, false);
    }

    // ---------------------------------------------------------------- typed accessors

    /** Every section's fields, to say where a field given in the wrong place belongs. */
    private static final Map<String, List<String>> SECTIONS = sections();

    private static Map<String, List<String>> sections() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("the top level", ROOT_KEYS);
        m.put("cluster", CLUSTER_KEYS);
        m.put("brokers[]", BROKER_KEYS);
        m.put("access", ACCESS_KEYS);
        m.put("access.ssh", SSH_KEYS);
        m.put("service", SERVICE_KEYS);
        m.put("waves[]", WAVE_KEYS);
        m.put("gates", GATES_KEYS);
        m.put("phases[]", PHASE_KEYS);
        m.put("phases[].finalize", FINALIZE_KEYS);
        m.put("phases[].rollback", ROLLBACK_KEYS);
        m.put("rollout", ROLLOUT_KEYS);
        m.put("rollout.leaders", LEADERS_KEYS);
        m.put("rollout.maintenanceWindows", WINDOWS_KEYS);
        m.put("state", STATE_KEYS);
        m.put("zookeeperEnsemble", ENSEMBLE_KEYS);
        m.put("zookeeperEnsemble.servers[]", ENSEMBLE_SERVER_KEYS);
        m.put("zookeeperEnsemble.rollback", ROLLBACK_KEYS);
        return m;
    }

    /**
     * Reports keys of {@code m} that are not in {@code known}: with a suggestion for near misses, else where
     * the field belongs when it is another section's (or a broker property, which goes under 'set').
     */
    private void checkKeys(MapNode m, String path, List<String> known) {
        for (Entry e : m.entries().values()) {
            if (known.contains(e.key())) {
                continue;
            }
            String hint = Suggestions.closest(e.key(), known).map(s -> " — did you mean '" + s + "'?").orElse(null);
            if (hint == null) {
                List<String> elsewhere = SECTIONS.entrySet().stream()
                        .filter(s -> s.getValue() != known && s.getValue().contains(e.key()))
                        .map(Map.Entry::getKey).toList();
                if (!elsewhere.isEmpty()) {
                    hint = ": it belongs under " + String.join(" or ", elsewhere);
                } else if (known == PHASE_KEYS && BrokerConfigNames.get().isKnown(e.key())) {
                    hint = ": broker properties go under 'set'";
                } else {
                    hint = " (known fields: " + String.join(", ", known) + ")";
                }
            }
            problems.error(e, join(path, e.key()), "unknown field '" + e.key() + "'" + hint);
        }
    }

    /** The value of {@code key}; null when it is absent or null, reported as missing when required. */
    private YamlNode field(MapNode parent, String key, String path, boolean required) {
        YamlNode n = parent.get(key);
        if (n == null || isNull(n)) {
            if (required) {
                problems.error(n == null ? parent : n, path, "missing required field '" + key + "'");
            }
            return null;
        }
        return n;
    }

    private MapNode section(MapNode parent, String key, String p, boolean required) {
        String path = join(p, key);
        YamlNode n = field(parent, key, path, required);
        if (n == null) {
            return null;
        }
        if (!(n instanceof MapNode)) {
            problems.error(n, path, "expected a mapping (key: value, ...), got " + n.kind());
            return null;
        }
        return (MapNode) n;
    }

    private ListNode list(MapNode parent, String key, String p, boolean required) {
        String path = join(p, key);
        YamlNode n = field(parent, key, path, required);
        if (n == null) {
            return null;
        }
        if (!(n instanceof ListNode)) {
            problems.error(n, path, "expected a list, got " + n.kind());
            return null;
        }
        return (ListNode) n;
    }

    /** A string field. YAML numbers are taken as written (rack: 1); booleans, lists and maps are refused. */
    private String string(MapNode m, String key, String p, boolean required) {
        String path = join(p, key);
        YamlNode n = field(m, key, path, required);
        if (n == null) {
            return null;
        }
        String t = scalarText(n, path, false);
        if (t != null && t.isBlank()) {
            problems.error(n, path, "'" + key + "' is empty");
            return null;
        }
        return t;
    }

    private String singleLine(MapNode m, String key, String p, boolean required) {
        String t = string(m, key, p, required);
        if (t != null && (t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0)) {
            problems.error(m.get(key), join(p, key), "'" + key + "' cannot span several lines");
            return null;
        }
        return t == null ? null : t.trim();
    }

    private String name(MapNode m, String key, String p, boolean required) {
        String t = singleLine(m, key, p, required);
        if (t != null && !NAME.matcher(t).matches()) {
            problems.error(m.get(key), join(p, key), "invalid name '" + t
                    + "': use letters, digits, '.', '_' and '-', starting with a letter or digit");
            return null;
        }
        if (t != null && t.length() > MAX_NAME_LENGTH) {
            // a cluster's name is a directory and a znode name; phases and waves are named in the journal
            problems.error(m.get(key), join(p, key), "a name of " + t.length() + " characters: at most "
                    + MAX_NAME_LENGTH);
            return null;
        }
        return t;
    }

    /** The text of a scalar; a boolean is refused unless {@code allowBoolean}, non-scalars always. */
    private String scalarText(YamlNode n, String path, boolean allowBoolean) {
        if (!(n instanceof ScalarNode)) {
            problems.error(n, path, "expected a single value, got " + n.kind());
            return null;
        }
        ScalarNode s = (ScalarNode) n;
        if (s.isNull()) {
            problems.error(n, path, "no value given");
            return null;
        }
        if (s.type() == ScalarType.BOOL && !allowBoolean) {
            problems.error(n, path, "expected a string, got " + s.kind() + "; quote it if you mean the text");
            return null;
        }
        return s.text();
    }

    private Integer integer(MapNode m, String key, String p, boolean required, int min, int max) {
        String path = join(p, key);
        YamlNode n = field(m, key, path, required);
        if (n == null) {
            return null;
        }
        if (!(n instanceof ScalarNode) || ((ScalarNode) n).type() != ScalarType.INT) {
            problems.error(n, path, "expected an integer, got " + n.kind());
            return null;
        }
        long v = parseLongOrMax(((ScalarNode) n).text());
        if (v < min || v > max) {
            problems.error(n, path, key + " must be between " + min + " and "
                    + (max == Integer.MAX_VALUE ? "2147483647" : max) + ", got " + ((ScalarNode) n).text());
            return null;
        }
        return (int) v;
    }

    /** A string that must be one of {@code allowed} (case-sensitive, as written in the docs); null if absent. */
    private String oneOf(MapNode m, String key, String p, List<String> allowed) {
        String t = singleLine(m, key, p, false);
        if (t == null) {
            return null;
        }
        if (!allowed.contains(t)) {
            problems.error(m.get(key), join(p, key), "'" + t + "' is not one of " + String.join(", ", allowed)
                    + Suggestions.didYouMean(t, allowed));
            return null;
        }
        return t;
    }

    private Boolean bool(MapNode m, String key, String p, boolean required) {
        String path = join(p, key);
        YamlNode n = field(m, key, path, required);
        if (n == null) {
            return null;
        }
        String t = n instanceof ScalarNode ? ((ScalarNode) n).text().toLowerCase(java.util.Locale.ROOT) : "";
        // YAML 1.1 also reads yes/no/on/off as booleans; only true and false are unambiguous to every reader
        if (!(n instanceof ScalarNode) || ((ScalarNode) n).type() != ScalarType.BOOL
                || !(t.equals("true") || t.equals("false"))) {
            problems.error(n, path, "expected true or false, got " + (n instanceof ScalarNode
                    && ((ScalarNode) n).type() == ScalarType.BOOL ? "'" + ((ScalarNode) n).text() + "'" : n.kind()));
            return null;
        }
        return t.equals("true");
    }

    private Duration duration(MapNode m, String key, String p, boolean required, boolean zeroAllowed) {
        String path = join(p, key);
        YamlNode n = field(m, key, path, required);
        if (n == null) {
            return null;
        }
        if (n instanceof ScalarNode && ((ScalarNode) n).type() == ScalarType.INT) {
            String t = ((ScalarNode) n).text();
            problems.error(n, path, "a duration needs a unit: write " + t + "s, " + t + "m or " + t + "ms");
            return null;
        }
        if (!(n instanceof ScalarNode) || ((ScalarNode) n).type() != ScalarType.STRING) {
            problems.error(n, path, "expected a duration (500ms, 30s, 15m, 2h, 1h30m), got " + n.kind());
            return null;
        }
        try {
            Duration d = Durations.parse(((ScalarNode) n).text());
            if (d.isZero() && !zeroAllowed) {
                problems.error(n, path, key + " must be longer than 0s");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.error(n, path, e.getMessage());
            return null;
        }
    }

    /** A file kupgrade itself reads: {@code ~/} is the home directory, a relative path is the plan's. */
    private String localPath(String path) {
        if (path == null) {
            return null;
        }
        if (path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(path.substring(2)).toString();
        }
        Path p = Path.of(path);
        return p.isAbsolute() || baseDir == null ? path : baseDir.resolve(p).normalize().toString();
    }

    private static boolean isNull(YamlNode n) {
        return n instanceof ScalarNode && ((ScalarNode) n).isNull();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * {@code ${env:...}} and {@code ${file:...}} are resolved only in cluster.clientProperties and
     * access.ssh.passphrase; anywhere else they would be used as literal text, which is never what was meant.
     */
    private void checkSecretReferencesOnlyWhereAllowed(YamlNode n, String path) {
        if (path.startsWith("cluster.clientProperties") || path.equals("access.ssh.passphrase")
                || path.equals("access.agent.token") || path.equals("access.agent.tls.truststorePassword")
                || path.equals("access.agent.tls.keystorePassword") || path.equals("state.auth")) {
            return;
        }
        if (n instanceof MapNode) {
            for (Entry e : ((MapNode) n).entries().values()) {
                checkSecretReferencesOnlyWhereAllowed(e.value(), join(path, e.key()));
            }
        } else if (n instanceof ListNode) {
            List<YamlNode> items = ((ListNode) n).items();
            for (int i = 0; i < items.size(); i++) {
                checkSecretReferencesOnlyWhereAllowed(items.get(i), path + "[" + i + "]");
            }
        } else if (n instanceof ScalarNode) {
            String t = ((ScalarNode) n).text();
            if (t.contains("${env:") || t.contains("${file:")) {
                problems.error(n, path, "secret references (${env:...}, ${file:...}) are only resolved in "
                        + "cluster.clientProperties, access.ssh.passphrase, access.agent's token and passwords and"
                        + " state.auth");
            }
        }
    }

    /** A phase as read, with the nodes later checks point at. */
    static final class PhaseDraft {
        final int index;
        final MapNode node;
        final String name;
        final String install;
        final String version;
        final Map<String, String> set;
        final Map<String, Entry> setEntries;
        final List<String> unset;
        final Map<String, YamlNode> unsetNodes;
        final boolean declaredPointOfNoReturn;
        final String finalizeMetadataVersion;
        final YamlNode finalizeNode;
        final List<String> pointOfNoReturnReasons = new ArrayList<>();
        String rollbackInstall;

        PhaseDraft(int index, MapNode node, String name, String install, String version, Map<String, String> set,
                   Map<String, Entry> setEntries, List<String> unset, Map<String, YamlNode> unsetNodes,
                   boolean declaredPointOfNoReturn, String finalizeMetadataVersion, YamlNode finalizeNode) {
            this.index = index;
            this.node = node;
            this.name = name;
            this.install = install;
            this.version = version;
            this.set = set;
            this.setEntries = setEntries;
            this.unset = unset;
            this.unsetNodes = unsetNodes;
            this.declaredPointOfNoReturn = declaredPointOfNoReturn;
            this.finalizeMetadataVersion = finalizeMetadataVersion;
            this.finalizeNode = finalizeNode;
        }

        String path() {
            return "phases[" + index + "]";
        }

        PhaseSpec toSpec() {
            // what makes it one says more than "marked"; "marked" is the reason only when nothing else is
            List<String> reasons = new ArrayList<>(pointOfNoReturnReasons);
            if (declaredPointOfNoReturn && reasons.isEmpty()) {
                reasons.add("marked pointOfNoReturn in the plan");
            }
            return new PhaseSpec(name, install, version, set, unset, !reasons.isEmpty(), finalizeMetadataVersion,
                    reasons, rollbackInstall);
        }
    }
}
