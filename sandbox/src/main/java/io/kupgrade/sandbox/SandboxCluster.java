package io.kupgrade.sandbox;

import io.kupgrade.sandbox.SandboxSpec.Mode;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A running (or attached) sandbox cluster: N brokers and, in ZooKeeper mode, one ZooKeeper server, each a
 * process launched by the {@code bin/start} script of its own directory under {@link #baseDir()}.
 *
 * <p>{@link #close()} stops every process: SIGTERM to all brokers, wait until they have exited, then ZooKeeper;
 * SIGKILL only for a process still alive after {@link #STOP_TIMEOUT}. A cluster from {@link Sandbox#start} is
 * also closed by a shutdown hook and, should the JVM be killed, by a watchdog process.
 *
 * <p>Thread-safe. Methods that talk to the cluster throw {@link SandboxException} with a one-line message that
 * names the log file to read.
 */
public final class SandboxCluster implements AutoCloseable {

    /**
     * How long a broker may take to register after {@code bin/start}. Generous: with several engineers' builds and
     * clusters on two cores (load average 30), a 4.x broker has been seen to need more than two minutes. A process
     * that dies fails at once, whatever this says.
     */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    /** How long a process may take to exit after SIGTERM before it is killed (close) or reported (stopBroker). */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
    /** Brokers started at once: two, for the two cores these machines have (real-kafka-notes, "Cost"). */
    private static final int START_BATCH = 2;

    private final Path baseDir;
    private final Mode mode;
    private final String kafkaVersion;
    private final List<String> versions;
    private final String name;
    private final String zookeeperConnect;
    private final List<SandboxZooKeeper> zookeepers;
    private final List<SandboxBroker> brokers;
    private final List<SandboxBroker> controllers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread shutdownHook;
    private volatile Process watchdog;

    SandboxCluster(Path baseDir, Mode mode, String kafkaVersion, List<String> versions, String name,
                   String zookeeperConnect, Path zookeeperDir, List<SandboxBroker> brokers,
                   List<SandboxBroker> controllers) {
        this(baseDir, mode, kafkaVersion, versions, name, zookeeperConnect, single(zookeeperConnect, zookeeperDir),
                brokers, controllers);
    }

    SandboxCluster(Path baseDir, Mode mode, String kafkaVersion, List<String> versions, String name,
                   String zookeeperConnect, List<SandboxZooKeeper> zookeepers, List<SandboxBroker> brokers,
                   List<SandboxBroker> controllers) {
        this.baseDir = baseDir;
        this.mode = mode;
        this.kafkaVersion = kafkaVersion;
        this.versions = List.copyOf(versions);
        this.name = name;
        this.zookeeperConnect = zookeeperConnect;
        this.zookeepers = List.copyOf(zookeepers);
        this.brokers = List.copyOf(brokers);
        this.controllers = List.copyOf(controllers);
    }

    // ---------------------------------------------------------------- description

    /** The cluster's directory: one directory per broker, {@code zookeeper/}, the state file and {@code plan.yaml}. */
    public Path baseDir() {
        return baseDir;
    }

    public Mode mode() {
        return mode;
    }

    /** A name for the cluster, unique per address block, e.g. {@code sandbox-127-34-7}. */
    public String name() {
        return name;
    }

    /** The version every broker ran when the sandbox was started. */
    public String kafkaVersion() {
        return kafkaVersion;
    }

    /** Every version installed on the hosts ({@code bin/switch-version} accepts these). */
    public List<String> installedVersions() {
        return versions;
    }

    /** Comma-separated {@code host:port} of every broker. */
    public String bootstrapServers() {
        return brokers.stream().map(SandboxBroker::address).collect(Collectors.joining(","));
    }

    /** ZooKeeper connect string; null in KRaft mode. */
    public String zookeeperConnect() {
        return zookeeperConnect;
    }

    /** The brokers, by id. */
    public List<SandboxBroker> brokers() {
        return brokers;
    }

    /**
     * Dedicated KRaft controllers (ids 101, ...; {@link SandboxBroker#port()} is their controller listener); empty
     * in ZooKeeper and combined mode. {@link #startBroker}, {@link #stopBroker}, {@link #isRunning} and
     * {@link #switchVersion} accept their ids too.
     */
    public List<SandboxBroker> controllers() {
        return controllers;
    }

    /**
     * The broker (or dedicated controller) with this id.
     *
     * @throws IllegalArgumentException when there is none
     */
    public SandboxBroker broker(int id) {
        return nodes().stream().filter(b -> b.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + id + " in " + baseDir));
    }

    /** Controllers first, then brokers: the order they start in. */
    private List<SandboxBroker> nodes() {
        List<SandboxBroker> all = new ArrayList<>(controllers);
        all.addAll(brokers);
        return all;
    }

    /** AdminClient (and producer/consumer) settings that reach this cluster: bootstrap servers and short timeouts. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return c;
    }

    /** {@code plan.yaml} in the base directory, written when the sandbox was laid out. */
    public Path planFile() {
        return baseDir.resolve(Sandbox.PLAN_FILE);
    }

    // ---------------------------------------------------------------- brokers

    /**
     * Runs the broker's {@code bin/start} and waits until this new process answers on its own listener with a
     * metadata view that includes itself, i.e. it is registered (ZooKeeper) or registered and unfenced (KRaft).
     * Presence in another node's {@code describeCluster} alone is not used: in KRaft it can list a broker before
     * its new process has even started (real-kafka-notes, "Traps").
     *
     * @throws SandboxException when the script fails, the process exits, or it is not registered within
     *     {@link #START_TIMEOUT} (the message names the broker's log file)
     */
    public void startBroker(int id) {
        SandboxBroker b = broker(id);
        runScript(b.startScript());
        awaitReady(b, System.nanoTime() + START_TIMEOUT.toNanos());
    }

    /**
     * Runs the broker's {@code bin/stop} (SIGTERM, a controlled shutdown) and waits until the process has exited.
     * Never kills it.
     *
     * @throws SandboxException when it has not exited within {@link #STOP_TIMEOUT}
     */
    public void stopBroker(int id) {
        SandboxBroker b = broker(id);
        runScript(b.stopScript());
        if (!awaitExit(b.pidFile(), b.configFile(), STOP_TIMEOUT)) {
            throw new SandboxException("broker " + id + " has not exited " + STOP_TIMEOUT.toSeconds()
                    + " s after SIGTERM; see " + b.logFile());
        }
    }

    /** {@link #stopBroker} then {@link #startBroker}: one broker cycle. */
    public void restartBroker(int id) {
        stopBroker(id);
        startBroker(id);
    }

    /** True while the process the broker's {@code bin/start} launched last is alive (what {@code bin/is-running} says). */
    public boolean isRunning(int id) {
        SandboxBroker b = broker(id);
        return alivePid(b.pidFile(), b.configFile()).isPresent();
    }

    /**
     * Runs the broker's {@code bin/switch-version <version>}; takes effect at the next start.
     *
     * @throws SandboxException when the version is not installed on the host (the script's message)
     */
    public void switchVersion(int id, String version) {
        SandboxBroker b = broker(id);
        ProcessResult r = ProcessResult.run(List.of(b.switchVersionScript().toString(), version), null, 30);
        if (r.exitCode() != 0) {
            throw new SandboxException("broker " + id + ": " + r.output());
        }
    }

    /**
     * The version the broker's running process was started with (recorded by {@code bin/start}); empty when it is
     * not running. Cheap: reads a file. {@link #reportedVersion} asks the broker itself.
     */
    public Optional<String> runningVersion(int id) {
        SandboxBroker b = broker(id);
        if (!isRunning(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(b.dir().resolve("run").resolve("version")).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The version the broker reports over JMX ({@code kafka.server:type=app-info} attribute {@code Version}).
     *
     * @throws SandboxException when JMX cannot be reached
     */
    public String reportedVersion(int id) {
        SandboxBroker b = broker(id);
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + b.host() + ":" + b.jmxPort() + "/jmxrmi");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        try (JMXConnector c = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection m = c.getMBeanServerConnection();
            for (ObjectName n : m.queryNames(new ObjectName("kafka.server:type=app-info,*"), null)) {
                // "version" from Kafka's metrics (JmxReporter); "Version" from the older AppInfo MBean
                for (javax.management.MBeanAttributeInfo a : m.getMBeanInfo(n).getAttributes()) {
                    if (a.getName().equalsIgnoreCase("version")) {
                        return String.valueOf(m.getAttribute(n, a.getName()));
                    }
                }
            }
            throw new SandboxException("broker " + id + " has no kafka.server:type=app-info MBean yet");
        } catch (IOException | javax.management.JMException e) {
            throw new SandboxException("cannot read the version of broker " + id + " over JMX at " + url + ": "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- ZooKeeper servers

    /**
     * The ZooKeeper servers: one ({@code zookeeper/}) by default, the ensemble's with
     * {@link SandboxSpec.Builder#zookeeperEnsemble}; empty in KRaft mode.
     */
    public List<SandboxZooKeeper> zookeepers() {
        return zookeepers;
    }

    /**
     * The ZooKeeper server with this id.
     *
     * @throws IllegalArgumentException when there is none
     */
    public SandboxZooKeeper zookeeper(int id) {
        return zookeepers.stream().filter(z -> z.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no ZooKeeper server " + id + " in " + baseDir));
    }

    /** True while the process the server's {@code bin/start} launched last is alive. */
    public boolean isZooKeeperRunning(int id) {
        SandboxZooKeeper z = zookeeper(id);
        return alivePid(z.pidFile(), z.configFile()).isPresent();
    }

    /** The pid of the server's running process; empty when it does not run. */
    public OptionalLong zookeeperPid(int id) {
        SandboxZooKeeper z = zookeeper(id);
        return toOptionalLong(alivePid(z.pidFile(), z.configFile()));
    }

    /**
     * Runs the server's {@code bin/stop} (SIGTERM) and waits until its process has exited. Never kills it.
     *
     * @throws SandboxException when it has not exited within {@link #STOP_TIMEOUT}
     */
    public void stopZooKeeper(int id) {
        SandboxZooKeeper z = zookeeper(id);
        runScript(z.stopScript());
        if (!awaitExit(z.pidFile(), z.configFile(), STOP_TIMEOUT)) {
            throw new SandboxException("ZooKeeper " + id + " has not exited " + STOP_TIMEOUT.toSeconds()
                    + " s after SIGTERM; see " + z.logFile());
        }
    }

    /**
     * Runs the server's {@code bin/start} and waits until it serves ({@code srvr} answers with a mode).
     *
     * @throws SandboxException when the process exits or does not serve within {@link #START_TIMEOUT}
     */
    public void startZooKeeper(int id) {
        SandboxZooKeeper z = zookeeper(id);
        runScript(z.startScript());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        awaitZookeeper(z, deadline);
        while (zookeeperMode(id).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new SandboxException("ZooKeeper " + id + " does not serve " + START_TIMEOUT.toSeconds()
                        + " s after its start; see " + z.logFile());
            }
            sleep(200);
        }
    }

    /**
     * The server's mode from the {@code srvr} four-letter word ({@code leader}, {@code follower},
     * {@code standalone}); empty when it does not answer or does not serve (e.g. during a leader election).
     */
    public Optional<String> zookeeperMode(int id) {
        SandboxZooKeeper z = zookeeper(id);
        return fourLetterWord(z, "srvr").flatMap(answer -> answer.lines()
                .filter(l -> l.startsWith("Mode:")).map(l -> l.substring(5).trim()).findFirst());
    }

    /** The id of the server whose {@code srvr} says {@code leader}; empty when none does. */
    public OptionalInt zookeeperLeader() {
        for (SandboxZooKeeper z : zookeepers) {
            if (zookeeperMode(z.id()).equals(Optional.of("leader"))) {
                return OptionalInt.of(z.id());
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Waits until every server of the ensemble serves and exactly one leads (a single server: until it serves).
     *
     * @throws SandboxException when that does not happen within {@code timeout}
     */
    public void awaitZooKeeperQuorum(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (zookeepers.size() > 1) {
            awaitQuorum(deadline);
            return;
        }
        for (SandboxZooKeeper z : zookeepers) {
            while (zookeeperMode(z.id()).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new SandboxException("ZooKeeper " + z.address() + " does not serve");
                }
                sleep(200);
            }
        }
    }

    /** The answer to a four-letter word; empty when the server cannot be reached. */
    private static Optional<String> fourLetterWord(SandboxZooKeeper z, String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(z.host(), z.clientPort()), 1_000);
            s.setSoTimeout(2_000);
            s.getOutputStream().write(word.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return Optional.of(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Pids of the processes of this sandbox that are alive now: {@code broker-<id>} and {@code zookeeper} (an ensemble: {@code zookeeper-<id>}). */
    public Map<String, Long> processIds() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (SandboxZooKeeper zk : zookeepers) {
            alivePid(zk.pidFile(), zk.configFile()).ifPresent(p -> out.put(zk.dir().getFileName().toString(), p));
        }
        for (SandboxBroker b : nodes()) {
            alivePid(b.pidFile(), b.configFile()).ifPresent(p -> out.put(b.dir().getFileName().toString(), p));
        }
        return out;
    }

    /**
     * Partitions whose ISR is smaller than their replica set, over every topic (internal ones included),
     * read with the AdminClient. (The per-broker JMX gauge counts only partitions that broker leads.)
     *
     * @throws SandboxException when the cluster does not answer
     */
    public int underReplicatedPartitions() {
        try (Admin admin = Admin.create(adminConfig())) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(30, TimeUnit.SECONDS);
            Collection<TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values();
            int urp = 0;
            for (TopicDescription d : described) {
                for (TopicPartitionInfo p : d.partitions()) {
                    if (p.isr().size() < p.replicas().size()) {
                        urp++;
                    }
                }
            }
            return urp;
        } catch (ExecutionException | TimeoutException e) {
            throw new SandboxException("cannot read partitions of " + bootstrapServers() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }

    /**
     * Waits until {@link #underReplicatedPartitions()} is 0.
     *
     * @throws SandboxException when it is not 0 within {@code timeout}
     */
    public void awaitNoUnderReplicatedPartitions(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int urp = -1;
        while (System.nanoTime() < deadline) {
            try {
                urp = underReplicatedPartitions();
                if (urp == 0) {
                    return;
                }
            } catch (SandboxException e) {
                // the cluster may be between elections; try again
            }
            sleep(250);
        }
        throw new SandboxException(urp + " partitions still under-replicated after " + timeout.toSeconds() + " s");
    }

    /**
     * Waits until {@code topic} is described with {@code partitions} partitions, each with a leader and its
     * full replica set in the ISR. A topic just created is not yet known to every broker (a describe answered
     * by another broker says "does not host this topic-partition"), and {@link #awaitNoUnderReplicatedPartitions}
     * alone would pass on a listing that does not show it yet.
     *
     * @throws SandboxException when it is not so within {@code timeout}
     */
    public void awaitTopic(String topic, int partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not described yet";
        try (Admin admin = Admin.create(adminConfig())) {
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get(topic);
                    long ready = d.partitions().stream().filter(p -> p.leader() != null && !p.leader().isEmpty()
                            && p.isr().size() == p.replicas().size()).count();
                    if (d.partitions().size() == partitions && ready == partitions) {
                        return;
                    }
                    last = ready + " of " + d.partitions().size() + " partitions led with a full ISR";
                } catch (ExecutionException | TimeoutException e) {
                    last = e.getCause() == null ? e.toString() : e.getCause().toString();
                }
                sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
        throw new SandboxException("topic " + topic + " not ready after " + timeout.toSeconds() + " s: " + last);
    }

    /**
     * Waits until at least one partition is under-replicated (e.g. after stopping a broker, once the cluster has
     * noticed).
     *
     * @throws SandboxException when none is within {@code timeout}
     */
    public void awaitUnderReplicated(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (underReplicatedPartitions() > 0) {
                    return;
                }
            } catch (SandboxException e) {
                // try again
            }
            sleep(250);
        }
        throw new SandboxException("no partition became under-replicated within " + timeout.toSeconds() + " s");
    }

    /** A snapshot of which processes run, for {@code kupgrade sandbox status}. */
    public SandboxStatus status() {
        List<SandboxStatus.BrokerStatus> out = new ArrayList<>();
        for (SandboxBroker b : nodes()) {
            OptionalLong pid = toOptionalLong(alivePid(b.pidFile(), b.configFile()));
            out.add(new SandboxStatus.BrokerStatus(b, pid, pid.isPresent() ? runningVersion(b.id()).orElse(null)
                    : null, currentVersion(b.dir())));
        }
        List<SandboxStatus.ZooKeeperStatus> zks = new ArrayList<>();
        for (SandboxZooKeeper zk : zookeepers) {
            zks.add(new SandboxStatus.ZooKeeperStatus(zk, toOptionalLong(alivePid(zk.pidFile(), zk.configFile()))));
        }
        OptionalLong first = zks.isEmpty() ? OptionalLong.empty() : zks.get(0).pid();
        return new SandboxStatus(name, baseDir, mode, bootstrapServers(), zookeeperConnect, first, out, zks);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Stops every process of the sandbox and waits until each has exited: SIGTERM to all brokers at once, then
     * ZooKeeper once the brokers are gone; SIGKILL only to a process still alive {@link #STOP_TIMEOUT} after its
     * SIGTERM. Idempotent. The directory (logs, data) is kept for a post-mortem.
     *
     * @throws SandboxException when a process survives even SIGKILL
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            for (SandboxBroker b : brokers) {
                sigterm(b.stopScript(), b.pidFile(), b.configFile());
            }
            for (SandboxBroker b : brokers) {
                terminate(b.pidFile(), b.configFile());
            }
            // dedicated controllers after the brokers, as ZooKeeper: brokers shut down cleanly only with a quorum
            for (SandboxBroker c : controllers) {
                sigterm(c.stopScript(), c.pidFile(), c.configFile());
            }
            for (SandboxBroker c : controllers) {
                terminate(c.pidFile(), c.configFile());
            }
            for (SandboxZooKeeper zk : zookeepers) {
                sigterm(zk.stopScript(), zk.pidFile(), zk.configFile());
            }
            for (SandboxZooKeeper zk : zookeepers) {
                terminate(zk.pidFile(), zk.configFile());
            }
            List<String> left = new ArrayList<>(processIds().keySet());
            if (!left.isEmpty()) {
                throw new SandboxException("still running after SIGKILL: " + left + " in " + baseDir);
            }
        } finally {
            Process w = watchdog;
            if (w != null) {
                w.destroy();
            }
            Thread hook = shutdownHook;
            if (hook != null && Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook is running or about to, and close() is idempotent
                }
            }
        }
    }

    @Override
    public String toString() {
        return name + " (" + mode + ", " + brokers.size() + " brokers, " + bootstrapServers() + ", " + baseDir + ")";
    }

    /** Starts ZooKeeper, then the brokers two at a time; closes everything again when one fails. */
    void startAll(boolean ownedByThisJvm) {
        if (ownedByThisJvm) {
            Thread hook = new Thread(() -> {
                try {
                    close();
                } catch (RuntimeException e) {
                    // nothing to report to at JVM exit
                }
            }, "kupgrade-sandbox-shutdown-" + name);
            Runtime.getRuntime().addShutdownHook(hook);
            shutdownHook = hook;
            startWatchdog();
        }
        try {
            if (!zookeepers.isEmpty()) {
                for (SandboxZooKeeper zk : zookeepers) {
                    runScript(zk.startScript());
                }
                long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
                for (SandboxZooKeeper zk : zookeepers) {
                    awaitZookeeper(zk, deadline);
                }
                if (zookeepers.size() > 1) {
                    awaitQuorum(deadline);
                }
            }
            List<SandboxBroker> nodes = nodes();
            for (int i = 0; i < nodes.size(); i += START_BATCH) {
                List<SandboxBroker> batch = nodes.subList(i, Math.min(nodes.size(), i + START_BATCH));
                for (SandboxBroker b : batch) {
                    runScript(b.startScript());
                }
                long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
                for (SandboxBroker b : batch) {
                    awaitReady(b, deadline);
                }
            }
            awaitAllRegistered(System.nanoTime() + START_TIMEOUT.toNanos());
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * A shell process that waits for this JVM to disappear and then stops the sandbox with {@code bin/down}:
     * the shutdown hook does not run when the JVM is killed (e.g. a test run aborted with SIGKILL).
     */
    private void startWatchdog() {
        String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 2; done; exec "
                + HostLayout.quote(baseDir.resolve("bin").resolve("down").toString());
        try {
            watchdog = new ProcessBuilder("setsid", "sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve("down.log").toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new SandboxException("cannot start the sandbox watchdog: " + e.getMessage(), e);
        }
    }

    private void awaitZookeeper(SandboxZooKeeper zk, long deadline) {
        while (System.nanoTime() < deadline) {
            if (alivePid(zk.pidFile(), zk.configFile()).isEmpty() && !launched(zk.pidFile())) {
                throw new SandboxException("ZooKeeper " + zk.address() + " exited during startup; see "
                        + zk.logFile() + " and " + zk.stdoutFile() + tail(zk.stdoutFile()));
            }
            if (portOpen(zk.host(), zk.clientPort())) {
                return;
            }
            sleep(200);
        }
        throw new SandboxException("ZooKeeper did not listen on " + zk.address() + " within "
                + START_TIMEOUT.toSeconds() + " s; see " + zk.logFile());
    }

    /** Until every server of the ensemble serves (srvr answers leader or follower) and exactly one leads. */
    private void awaitQuorum(long deadline) {
        Map<Integer, Optional<String>> modes = Map.of();
        while (System.nanoTime() < deadline) {
            modes = new java.util.TreeMap<>();
            for (SandboxZooKeeper zk : zookeepers) {
                modes.put(zk.id(), zookeeperMode(zk.id()));
            }
            long leaders = modes.values().stream().filter(m -> m.equals(Optional.of("leader"))).count();
            long followers = modes.values().stream().filter(m -> m.equals(Optional.of("follower"))).count();
            if (leaders == 1 && followers == zookeepers.size() - 1) {
                return;
            }
            sleep(200);
        }
        throw new SandboxException("the ZooKeeper ensemble did not form a quorum within " + START_TIMEOUT.toSeconds()
                + " s (modes by server: " + modes + "); see " + zookeepers.get(0).logFile());
    }

    private void awaitReady(SandboxBroker b, long deadline) {
        boolean dedicatedController = controllers.contains(b);
        while (System.nanoTime() < deadline) {
            // a process that has not exec'd java yet (slow machine) is alive but not yet "running"
            if (!isRunning(b.id()) && !launched(b.pidFile())) {
                throw new SandboxException("broker " + b.id() + " exited during startup; see " + b.logFile()
                        + " and " + b.stdoutFile() + tail(b.stdoutFile()));
            }
            if (dedicatedController && portOpen(b.host(), b.port())) {
                return; // its readiness shows when the brokers register: they need the quorum
            }
            if (!dedicatedController && portOpen(b.host(), b.port())) {
                Map<String, Object> config = new HashMap<>(adminConfig());
                config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.address());
                config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
                config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
                try (Admin admin = Admin.create(config)) {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == b.id())) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not ready yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException("interrupted while waiting for broker " + b.id(), e);
                }
            }
            sleep(300);
        }
        throw new SandboxException("broker " + b.id() + " did not register within " + START_TIMEOUT.toSeconds()
                + " s; see " + b.logFile());
    }

    private void awaitAllRegistered(long deadline) {
        Set<Integer> want = brokers.stream().map(SandboxBroker::id).collect(Collectors.toSet());
        Set<Integer> seen = Set.of();
        try (Admin admin = Admin.create(adminConfig())) {
            while (System.nanoTime() < deadline) {
                try {
                    seen = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream().map(Node::id)
                            .collect(Collectors.toSet());
                    if (seen.containsAll(want)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // retry
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException("interrupted while waiting for the brokers", e);
                }
                sleep(300);
            }
        }
        Set<Integer> missing = new java.util.TreeSet<>(want);
        missing.removeAll(seen);
        throw new SandboxException("brokers " + missing + " are not registered after " + START_TIMEOUT.toSeconds()
                + " s; see " + broker(missing.iterator().next()).logFile());
    }

    /**
     * SIGTERM through the host's {@code bin/stop}, which also marks a class data sharing archive the JVM writes at
     * exit as one to keep; directly when the script cannot run.
     */
    private void sigterm(Path stopScript, Path pidFile, Path config) {
        try {
            if (ProcessResult.run(List.of(stopScript.toString()), null, 30).exitCode() == 0) {
                return;
            }
        } catch (RuntimeException e) {
            // below
        }
        alivePid(pidFile, config).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
    }

    /** Waits for exit after SIGTERM; SIGKILL after {@link #STOP_TIMEOUT}. */
    private void terminate(Path pidFile, Path config) {
        Optional<Long> pid = alivePid(pidFile, config);
        if (!awaitExit(pidFile, config, STOP_TIMEOUT)) {
            alivePid(pidFile, config).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            awaitExit(pidFile, config, Duration.ofSeconds(10));
        }
        // An exited process lingers as a zombie until init reaps it; give that a moment so callers that check
        // the pid right after close() see it gone.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pid.flatMap(ProcessHandle::of).isPresent() && System.nanoTime() < deadline) {
            sleep(50);
        }
    }

    private boolean awaitExit(Path pidFile, Path config, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (alivePid(pidFile, config).isPresent()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(100);
        }
        return true;
    }

    /**
     * The pid in {@code pidFile} if that process is alive, not a zombie, and was started with {@code config} on its
     * command line (so a recycled pid is never signalled). Same rule as {@code bin/is-running}.
     */
    static Optional<Long> alivePid(Path pidFile, Path config) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return Optional.empty();
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        if (Files.isDirectory(proc)) {
            try {
                String stat = Files.readString(proc.resolve("stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    return Optional.empty();
                }
                String[] args = Files.readString(proc.resolve("cmdline")).split("\0");
                return List.of(args).contains(config.toString()) ? Optional.of(pid) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty(); // exited meanwhile
            }
        }
        Optional<String[]> args = handle.get().info().arguments();
        return args.isPresent() && List.of(args.get()).contains(config.toString()) ? Optional.of(pid) : Optional.empty();
    }

    /** True while the pid in {@code pidFile} is alive at all (not a zombie), whatever it runs. */
    private static boolean launched(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            if (Files.exists(stat)) {
                String s = Files.readString(stat);
                return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
            }
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static void runScript(Path script) {
        ProcessResult r = ProcessResult.run(List.of(script.toString()), null, 60);
        if (r.exitCode() != 0) {
            throw new SandboxException(script + " failed (exit " + r.exitCode() + "): " + r.output());
        }
    }

    /** The one server of a sandbox written before ensembles existed: {@code zookeeper/}, at its connect string. */
    private static List<SandboxZooKeeper> single(String connect, Path dir) {
        if (connect == null || dir == null) {
            return List.of();
        }
        int colon = connect.lastIndexOf(':');
        return List.of(new SandboxZooKeeper(1, connect.substring(0, colon),
                Integer.parseInt(connect.substring(colon + 1)), dir));
    }

    private static String currentVersion(Path hostDir) {
        try {
            return Files.readSymbolicLink(hostDir.resolve("versions").resolve("current")).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean portOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return last.isEmpty() ? "" : " (last lines: " + String.join(" | ", last) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static OptionalLong toOptionalLong(Optional<Long> o) {
        return o.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }

    // ---------------------------------------------------------------- state and plan files

    void writeState() throws IOException {
        Properties p = new Properties();
        p.setProperty("name", name);
        p.setProperty("mode", mode.name());
        p.setProperty("kafkaVersion", kafkaVersion);
        p.setProperty("versions", String.join(",", versions));
        if (zookeeperConnect != null) {
            p.setProperty("zookeeper.connect", zookeeperConnect);
            if (zookeepers.size() == 1) {
                p.setProperty("zookeeper.dir", zookeepers.get(0).dir().toString());
            } else {
                p.setProperty("zookeeper.servers", zookeepers.stream().map(z -> Integer.toString(z.id()))
                        .collect(Collectors.joining(",")));
                for (SandboxZooKeeper z : zookeepers) {
                    String k = "zookeeper." + z.id() + ".";
                    p.setProperty(k + "host", z.host());
                    p.setProperty(k + "clientPort", Integer.toString(z.clientPort()));
                    p.setProperty(k + "dir", z.dir().toString());
                }
            }
        }
        p.setProperty("brokers", brokers.stream().map(b -> Integer.toString(b.id())).collect(Collectors.joining(",")));
        p.setProperty("controllers", controllers.stream().map(b -> Integer.toString(b.id()))
                .collect(Collectors.joining(",")));
        for (SandboxBroker b : nodes()) {
            String k = "broker." + b.id() + ".";
            p.setProperty(k + "host", b.host());
            p.setProperty(k + "port", Integer.toString(b.port()));
            if (b.rack() != null) {
                p.setProperty(k + "rack", b.rack());
            }
            p.setProperty(k + "jmxPort", Integer.toString(b.jmxPort()));
            p.setProperty(k + "controller", Boolean.toString(b.controller()));
            p.setProperty(k + "dir", b.dir().toString());
        }
        writeDownScript();
        try (Writer w = Files.newBufferedWriter(baseDir.resolve(Sandbox.STATE_FILE))) {
            p.store(w, "kupgrade sandbox state (read by Sandbox.attach)");
        }
    }

    static SandboxCluster load(Path baseDir) {
        Path file = baseDir.resolve(Sandbox.STATE_FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SandboxException("no sandbox in " + baseDir + " (no " + Sandbox.STATE_FILE + ")");
        } catch (IOException e) {
            throw new SandboxException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            List<SandboxBroker> brokers = nodes(p, p.getProperty("brokers"));
            List<SandboxBroker> controllers = nodes(p, p.getProperty("controllers", ""));
            String zkDir = p.getProperty("zookeeper.dir");
            List<SandboxZooKeeper> zookeepers = new ArrayList<>(single(p.getProperty("zookeeper.connect"),
                    zkDir == null ? null : Path.of(zkDir)));
            for (String id : p.getProperty("zookeeper.servers", "").split(",")) {
                if (!id.isBlank()) {
                    String k = "zookeeper." + id + ".";
                    zookeepers.add(new SandboxZooKeeper(Integer.parseInt(id), p.getProperty(k + "host"),
                            Integer.parseInt(p.getProperty(k + "clientPort")), Path.of(p.getProperty(k + "dir"))));
                }
            }
            return new SandboxCluster(baseDir, Mode.valueOf(p.getProperty("mode")), p.getProperty("kafkaVersion"),
                    List.of(p.getProperty("versions").split(",")), p.getProperty("name"),
                    p.getProperty("zookeeper.connect"), zookeepers, brokers, controllers);
        } catch (RuntimeException e) {
            throw new SandboxException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static List<SandboxBroker> nodes(Properties p, String ids) {
        List<SandboxBroker> out = new ArrayList<>();
        for (String id : ids.split(",")) {
            if (id.isBlank()) {
                continue;
            }
            String k = "broker." + id + ".";
            out.add(new SandboxBroker(Integer.parseInt(id), p.getProperty(k + "host"),
                    Integer.parseInt(p.getProperty(k + "port")), p.getProperty(k + "rack"),
                    Integer.parseInt(p.getProperty(k + "jmxPort")),
                    Boolean.parseBoolean(p.getProperty(k + "controller")), Path.of(p.getProperty(k + "dir"))));
        }
        return out;
    }

    /** {@code <base>/bin/down}: stops the sandbox without Java (used by the watchdog). */
    private void writeDownScript() throws IOException {
        Path bin = baseDir.resolve("bin");
        Files.createDirectories(bin);
        StringBuilder s = new StringBuilder("""
                #!/bin/sh
                # Stops every process of this sandbox: SIGTERM to all brokers, wait for them to exit, then ZooKeeper.
                # SIGKILL only for a process still alive %d s after its SIGTERM.
                wait_down() {  # wait_down <seconds> <host dir>...
                  n=$1; shift
                  while [ "$n" -gt 0 ]; do
                    alive=0
                    for d in "$@"; do "$d/bin/is-running" && alive=1; done
                    [ "$alive" = 0 ] && return 0
                    sleep 1; n=$((n - 1))
                  done
                  for d in "$@"; do
                    if "$d/bin/is-running"; then kill -KILL "$(cat "$d/run/pid")"; echo "killed $d"; fi
                  done
                }
                """.formatted(STOP_TIMEOUT.toSeconds()));
        String dirs = brokers.stream().map(b -> HostLayout.quote(b.dir().toString())).collect(Collectors.joining(" "));
        s.append("for d in ").append(dirs).append("; do \"$d/bin/stop\"; done\n");
        s.append("wait_down ").append(STOP_TIMEOUT.toSeconds()).append(' ').append(dirs).append('\n');
        if (!controllers.isEmpty()) {
            String cs = controllers.stream().map(b -> HostLayout.quote(b.dir().toString()))
                    .collect(Collectors.joining(" "));
            s.append("for d in ").append(cs).append("; do \"$d/bin/stop\"; done\n");
            s.append("wait_down ").append(STOP_TIMEOUT.toSeconds()).append(' ').append(cs).append('\n');
        }
        if (!zookeepers.isEmpty()) {
            String zks = zookeepers.stream().map(z -> HostLayout.quote(z.dir().toString()))
                    .collect(Collectors.joining(" "));
            s.append("for d in ").append(zks).append("; do \"$d/bin/stop\"; done\n");
            s.append("wait_down ").append(STOP_TIMEOUT.toSeconds()).append(' ').append(zks).append('\n');
        }
        Path down = bin.resolve("down");
        Files.writeString(down, s.toString());
        Files.setPosixFilePermissions(down, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * Writes a ready-to-use kupgrade plan for this sandbox: cluster (name, bootstrap servers, ZooKeeper), brokers
     * (host, rack, JMX port) and dedicated KRaft controllers ({@code role: controller}), {@code access: {executor:
     * local}}, {@code service:} pointing at the nodes' scripts and config files through the {@code {broker.id}}
     * (and, with dedicated controllers, {@code {role}}) placeholders, waves {@code [1, "100%"]}, and one phase
     * {@code restart} that changes nothing (a rolling restart). Edit its phases to rehearse an upgrade.
     *
     * @throws SandboxException when the file cannot be written
     */
    public void writePlan(Path file) {
        // broker-1/, ..., and controller-101/, ... for dedicated KRaft controllers: {role}-{broker.id}
        String hostDir = baseDir.resolve((controllers.isEmpty() ? "broker" : "{role}") + "-{broker.id}").toString();
        StringBuilder y = new StringBuilder();
        y.append("# kupgrade plan for the sandbox in ").append(baseDir).append('\n');
        y.append("# Generated by kupgrade sandbox: a rolling restart of every broker, changing nothing.\n");
        y.append("apiVersion: kupgrade/v1\n");
        y.append("cluster:\n");
        y.append("  name: ").append(name).append('\n');
        y.append("  bootstrapServers: ").append(yamlString(bootstrapServers())).append('\n');
        if (zookeeperConnect != null) {
            y.append("  zookeeper: ").append(yamlString(zookeeperConnect)).append('\n');
        }
        y.append("brokers:\n");
        for (SandboxBroker b : brokers) {
            y.append("  - {id: ").append(b.id()).append(", host: ").append(yamlString(b.host()));
            if (b.rack() != null) {
                y.append(", rack: ").append(b.rack());
            }
            y.append(", jmxPort: ").append(b.jmxPort()).append("}\n");
        }
        // a quorum of fewer than 3 voters cannot lose one: such controllers cannot roll, and are left out
        String listed = controllers.size() >= 3 ? "  - " : "  # not rolled (a quorum of " + controllers.size()
                + " cannot lose a voter): - ";
        for (SandboxBroker c : controllers) {
            y.append(listed).append("{id: ").append(c.id()).append(", host: ").append(yamlString(c.host()))
                    .append(", jmxPort: ").append(c.jmxPort()).append(", role: controller}\n");
        }
        y.append("access:\n  executor: local\n");
        y.append("service:\n");
        y.append("  configFile: ").append(yamlString(hostDir + "/config/server.properties")).append('\n');
        y.append("  stop: ").append(yamlString(hostDir + "/bin/stop")).append('\n');
        y.append("  start: ").append(yamlString(hostDir + "/bin/start")).append('\n');
        y.append("  isRunning: ").append(yamlString(hostDir + "/bin/is-running")).append('\n');

        y.append("waves: [1, \"100%\"]\n");
        y.append("phases:\n");
        y.append("  - name: restart\n");
        try {
            Files.writeString(file, y.toString());
        } catch (IOException e) {
            throw new SandboxException("cannot write the plan " + file + ": " + e.getMessage(), e);
        }
    }

    private static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
