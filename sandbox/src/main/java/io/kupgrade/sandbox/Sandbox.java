package io.kupgrade.sandbox;

import io.kupgrade.sandbox.SandboxSpec.Mode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.Uuid;

/**
 * Starts real Kafka clusters as local processes, and attaches to running ones.
 *
 * <p>A cluster gets a random loopback block {@code 127.A.B.0/24} (checked bindable first), so clusters of
 * concurrent tests and users never collide: ZooKeeper on {@code 127.A.B.10:2181}, broker {@code i} on
 * {@code 127.A.B.(10+i)}, listener port 9092 (KRaft controller listener 9093), JMX port 9999. Each broker is
 * laid out as described in {@link SandboxBroker}; the sandbox writes {@code sandbox.properties} (its state, for
 * {@link #attach(Path)}) and {@code plan.yaml} (a plan for {@code kupgrade}) into the base directory.
 *
 * <p>Settings chosen for fast, realistic tests (real-kafka-notes.md): heap {@code -Xms=-Xmx=heapMb}, G1,
 * {@code -XX:TieredStopAtLevel=1}; controlled shutdown on; offsets and transaction topics with RF
 * {@code min(3, brokers)}; KRaft {@code broker.heartbeat.interval.ms=500}, {@code broker.session.timeout.ms=3000};
 * ZooKeeper mode {@code controlled.shutdown.retry.backoff.ms=1000}; {@code group.initial.rebalance.delay.ms=0}.
 * {@code min.insync.replicas} stays at Kafka's default unless {@link SandboxSpec#brokerProperties()} sets it.
 *
 * <p>Thread-safe: every method may be called from any thread; clusters are independent.
 */
public final class Sandbox {

    static final String STATE_FILE = "sandbox.properties";
    static final String PLAN_FILE = "plan.yaml";
    static final int BROKER_PORT = 9092;
    static final int CONTROLLER_PORT = 9093;
    static final int JMX_PORT = 9999;
    static final int ZK_PORT = 2181;
    /** An ensemble's quorum (follower-leader) and leader-election ports, on each server's own address. */
    static final int ZK_QUORUM_PORT = 2888;
    static final int ZK_ELECTION_PORT = 3888;
    /** ZooKeeper server {@code i} of an ensemble lives on {@code 127.A.B.(200+i)}. */
    static final int ZK_ENSEMBLE_HOST_BASE = 200;
    /** Dedicated KRaft controllers get ids 101, 102, ... (addresses 127.A.B.111, ...). */
    static final int CONTROLLER_ID_BASE = 100;

    private Sandbox() {
    }

    /**
     * Lays out and starts a cluster, and returns once every broker is registered. The cluster belongs to this
     * JVM: a shutdown hook stops it when the JVM exits, and a watchdog process stops it if the JVM dies
     * without running its hooks (SIGKILL). Close it with {@link SandboxCluster#close()}.
     *
     * @throws SandboxException when a version cannot be resolved, no address block is free, or a process does
     *     not come up in time (the message names its log file); nothing is left running then
     */
    public static SandboxCluster start(SandboxSpec spec) {
        return start(spec, true);
    }

    /**
     * Like {@link #start(SandboxSpec)}, but the cluster outlives this JVM (no shutdown hook, no watchdog), for
     * {@code kupgrade sandbox up}. Stop it later with {@code Sandbox.attach(baseDir).close()}.
     */
    public static SandboxCluster startDetached(SandboxSpec spec) {
        return start(spec, false);
    }

    /**
     * The sandbox that lives in {@code baseDir}, as written by {@link #start} (possibly by another process).
     * Attaching starts nothing and registers no hook: {@link SandboxCluster#close()} stops the cluster.
     *
     * @throws SandboxException when {@code baseDir} holds no sandbox
     */
    public static SandboxCluster attach(Path baseDir) {
        return SandboxCluster.load(baseDir.toAbsolutePath());
    }

    private static SandboxCluster start(SandboxSpec spec, boolean ownedByThisJvm) {
        Map<String, Path> versions = new LinkedHashMap<>();
        for (String v : spec.allVersions()) {
            if (spec.kafkaHome() != null && v.equals(spec.kafkaVersion())) {
                KafkaDistribution home = KafkaDistribution.fromKafkaHome(spec.kafkaHome());
                if (!home.version().equals(v)) {
                    throw new SandboxException("kafkaHome " + spec.kafkaHome() + " holds Kafka " + home.version()
                            + ", not " + v);
                }
                versions.put(v, home.libDir());
            } else {
                versions.put(v, KafkaDistribution.resolve(v, spec.effectiveCacheDir()).libDir());
            }
        }
        Path base = prepareBaseDir(spec.baseDir());
        String block = pickAddressBlock(spec);
        SandboxCluster cluster;
        try {
            cluster = layOut(spec, base, block, versions);
        } catch (IOException e) {
            throw new SandboxException("cannot lay out the sandbox in " + base + ": " + e.getMessage(), e);
        }
        cluster.startAll(ownedByThisJvm);
        return cluster;
    }

    private static Path prepareBaseDir(Path requested) {
        try {
            if (requested == null) {
                return Files.createTempDirectory("kupgrade-sandbox-").toAbsolutePath();
            }
            Path base = requested.toAbsolutePath();
            if (Files.exists(base.resolve(STATE_FILE))) {
                throw new SandboxException("a sandbox already lives in " + base
                        + "; stop it first (Sandbox.attach(dir).close(), or kupgrade sandbox down)");
            }
            Files.createDirectories(base);
            return base;
        } catch (IOException e) {
            throw new SandboxException("cannot create the sandbox directory " + requested + ": " + e.getMessage(), e);
        }
    }

    /** A random {@code 127.A.B} whose addresses and ports are all bindable now. */
    private static String pickAddressBlock(SandboxSpec spec) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int a = ThreadLocalRandom.current().nextInt(1, 255);
            int b = ThreadLocalRandom.current().nextInt(1, 255);
            String block = "127." + a + "." + b;
            List<InetSocketAddress> needed = new ArrayList<>();
            if (spec.mode() == Mode.ZOOKEEPER && !spec.zookeeperEnsemble()) {
                needed.add(new InetSocketAddress(block + ".10", ZK_PORT));
            }
            if (spec.mode() == Mode.ZOOKEEPER && spec.zookeeperEnsemble()) {
                for (int i = 1; i <= spec.zookeeperServers(); i++) {
                    String host = block + "." + (ZK_ENSEMBLE_HOST_BASE + i);
                    for (int port : List.of(ZK_PORT, ZK_QUORUM_PORT, ZK_ELECTION_PORT)) {
                        needed.add(new InetSocketAddress(host, port));
                    }
                }
            }
            for (int id = 1; id <= spec.brokers(); id++) {
                String host = hostOf(block, id);
                needed.add(new InetSocketAddress(host, BROKER_PORT));
                needed.add(new InetSocketAddress(host, JMX_PORT));
                if (spec.mode() == Mode.KRAFT) {
                    needed.add(new InetSocketAddress(host, CONTROLLER_PORT));
                }
            }
            for (int i = 1; i <= spec.controllers(); i++) {
                needed.add(new InetSocketAddress(hostOf(block, CONTROLLER_ID_BASE + i), CONTROLLER_PORT));
                needed.add(new InetSocketAddress(hostOf(block, CONTROLLER_ID_BASE + i), JMX_PORT));
            }
            if (needed.stream().allMatch(Sandbox::bindable)) {
                return block;
            }
        }
        throw new SandboxException("no free loopback block 127.A.B.0/24 found for ports "
                + List.of(ZK_PORT, BROKER_PORT, CONTROLLER_PORT, JMX_PORT)
                + " after 50 tries (is something listening on 0.0.0.0 on one of these ports?)");
    }

    /** Where {@code bin/start} keeps class data sharing archives: the cache; null when the spec turns CDS off. */
    private static Path cdsCache(SandboxSpec spec) {
        return spec.classDataSharing() ? spec.effectiveCacheDir() : null;
    }

    static String hostOf(String block, int brokerId) {
        return block + "." + (10 + brokerId);
    }

    private static boolean bindable(InetSocketAddress address) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SandboxCluster layOut(SandboxSpec spec, Path base, String block, Map<String, Path> versions)
            throws IOException {
        int n = spec.brokers();
        boolean combined = spec.mode() == Mode.KRAFT && spec.controllers() == 0;
        int voters = Math.min(3, n);
        String zkConnect = spec.mode() == Mode.ZOOKEEPER ? block + ".10:" + ZK_PORT : null;
        List<SandboxBroker> brokers = new ArrayList<>();
        List<SandboxBroker> controllers = new ArrayList<>();
        StringBuilder quorum = new StringBuilder();
        for (int id = 1; id <= n; id++) {
            String rack = spec.racks() == 0 ? null : "r" + (1 + (id - 1) % spec.racks());
            boolean controller = combined && id <= voters;
            brokers.add(new SandboxBroker(id, hostOf(block, id), BROKER_PORT, rack, JMX_PORT, controller,
                    base.resolve("broker-" + id)));
            if (controller) {
                quorum.append(quorum.length() == 0 ? "" : ",").append(id).append('@').append(hostOf(block, id))
                        .append(':').append(CONTROLLER_PORT);
            }
        }
        for (int i = 1; i <= spec.controllers(); i++) {
            int id = CONTROLLER_ID_BASE + i;
            controllers.add(new SandboxBroker(id, hostOf(block, id), CONTROLLER_PORT, null, JMX_PORT, true,
                    base.resolve("controller-" + id)));
            quorum.append(quorum.length() == 0 ? "" : ",").append(id).append('@').append(hostOf(block, id))
                    .append(':').append(CONTROLLER_PORT);
        }
        List<SandboxZooKeeper> zookeepers = new ArrayList<>();
        if (spec.mode() == Mode.ZOOKEEPER) {
            if (spec.zookeeperEnsemble()) {
                for (int i = 1; i <= spec.zookeeperServers(); i++) {
                    zookeepers.add(new SandboxZooKeeper(i, block + "." + (ZK_ENSEMBLE_HOST_BASE + i), ZK_PORT,
                            base.resolve("zookeeper-" + i)));
                }
                zkConnect = zookeepers.stream().map(SandboxZooKeeper::address)
                        .collect(java.util.stream.Collectors.joining(","));
            } else {
                zookeepers.add(new SandboxZooKeeper(1, block + ".10", ZK_PORT, base.resolve("zookeeper")));
            }
            for (SandboxZooKeeper zk : zookeepers) {
                layOutZooKeeper(spec, base, zk, zookeepers, versions);
            }
        }
        List<SandboxBroker> nodes = new ArrayList<>(controllers);
        nodes.addAll(brokers);
        for (SandboxBroker b : nodes) {
            List<String> jvm = List.of(
                    "-Xms" + spec.heapMb() + "m", "-Xmx" + spec.heapMb() + "m",
                    "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                    // C1 only: halves broker start and restart times on 2 cores (real-kafka-notes, "Starting")
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-Djava.awt.headless=true",
                    "-Dcom.sun.management.jmxremote",
                    "-Dcom.sun.management.jmxremote.authenticate=false",
                    "-Dcom.sun.management.jmxremote.ssl=false",
                    "-Dcom.sun.management.jmxremote.host=" + b.host(),
                    "-Dcom.sun.management.jmxremote.port=" + b.jmxPort(),
                    "-Dcom.sun.management.jmxremote.rmi.port=" + b.jmxPort(),
                    "-Djava.rmi.server.hostname=" + b.host(),
                    "-Dkafka.logs.dir=" + b.dir().resolve("logs"),
                    "-Dlog4j.configuration=file:" + b.dir().resolve("config/log4j.properties"),
                    "-Dlog4j2.configurationFile=" + b.dir().resolve("config/log4j2.properties"));
            HostLayout.write(b.dir(), "kafka.Kafka", "server.properties", jvm, versions, cdsCache(spec));
            writeLogConfigs(b.dir(), "server.log");
            Files.writeString(b.configFile(), b.id() > CONTROLLER_ID_BASE
                    ? controllerProperties(spec, b, quorum.toString())
                    : serverProperties(spec, b, zkConnect, quorum.toString()));
        }
        SandboxCluster cluster = new SandboxCluster(base, spec.mode(), spec.kafkaVersion(), spec.allVersions(),
                "sandbox-" + block.replace('.', '-'), zkConnect, zookeepers, brokers, controllers);
        if (spec.mode() == Mode.KRAFT) {
            format(nodes, versions.get(spec.kafkaVersion()));
        }
        cluster.writeState();
        cluster.writePlan(base.resolve(PLAN_FILE));
        return cluster;
    }

    /**
     * One ZooKeeper server's directory and {@code zoo.cfg}. A single server keeps the layout it always had; an
     * ensemble's servers get {@code myid}, the {@code server.N} lines and the four-letter words a roll needs
     * ({@code srvr} is ZooKeeper's only default, {@code mntr} gives the leader's synced followers; reference §1d).
     */
    private static void layOutZooKeeper(SandboxSpec spec, Path base, SandboxZooKeeper zk,
                                        List<SandboxZooKeeper> all, Map<String, Path> versions) throws IOException {
        Path zkDir = zk.dir();
        // every installed version that bundles ZooKeeper (not 4.x), so bin/switch-version can change its binaries
        Map<String, Path> zkVersion = new LinkedHashMap<>();
        for (Map.Entry<String, Path> v : versions.entrySet()) {
            if (v.getKey().equals(spec.kafkaVersion()) || bundlesZooKeeper(v.getValue())) {
                zkVersion.put(v.getKey(), v.getValue());
            }
        }
        HostLayout.write(zkDir, "org.apache.zookeeper.server.quorum.QuorumPeerMain", "zoo.cfg",
                List.of("-Xms128m", "-Xmx128m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
                        "-Djava.awt.headless=true",
                        // the AdminServer would take port 8080 on every address: never wanted here
                        "-Dzookeeper.admin.enableServer=false",
                        "-Dlog4j.configuration=file:" + zkDir.resolve("config/log4j.properties"),
                        "-Dlog4j2.configurationFile=" + zkDir.resolve("config/log4j2.properties")),
                zkVersion, cdsCache(spec));
        List<String> cfg = new ArrayList<>(List.of(
                "# ZooKeeper " + (all.size() > 1 ? "server " + zk.id() + " " : "") + "of the kupgrade sandbox in "
                        + base,
                "dataDir=" + zkDir.resolve("data"),
                "clientPort=" + zk.clientPort(),
                "clientPortAddress=" + zk.host(),
                "tickTime=2000",
                "initLimit=10",
                "syncLimit=5",
                "maxClientCnxns=0",
                "admin.enableServer=false"));
        if (all.size() > 1) {
            cfg.add("4lw.commands.whitelist=srvr,mntr,ruok");
            for (SandboxZooKeeper s : all) {
                cfg.add("server." + s.id() + "=" + s.host() + ":" + ZK_QUORUM_PORT + ":" + ZK_ELECTION_PORT);
            }
            Files.writeString(zkDir.resolve("data").resolve("myid"), zk.id() + "\n");
        }
        cfg.add("");
        Files.writeString(zk.configFile(), String.join("\n", cfg));
        writeLogConfigs(zkDir, "zookeeper.log");
    }

    /** True when the lib dir holds a {@code zookeeper-<version>.jar}. */
    private static boolean bundlesZooKeeper(Path libDir) {
        try (java.util.stream.Stream<Path> jars = Files.list(libDir)) {
            return jars.anyMatch(j -> j.getFileName().toString().matches("zookeeper-\\d.*\\.jar"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String serverProperties(SandboxSpec spec, SandboxBroker b, String zkConnect, String quorum) {
        Map<String, String> p = new LinkedHashMap<>();
        int n = spec.brokers();
        if (spec.mode() == Mode.ZOOKEEPER) {
            p.put("broker.id", Integer.toString(b.id()));
            p.put("zookeeper.connect", zkConnect);
            p.put("listeners", "PLAINTEXT://" + b.address());
            // With no other live replica, a ZooKeeper-mode controlled shutdown retries 3 times with this backoff
            // (default 5 s, ~12 s per stop of the last broker; real-kafka-notes, "Traps").
            p.put("controlled.shutdown.retry.backoff.ms", "1000");
        } else {
            p.put("process.roles", b.controller() ? "broker,controller" : "broker");
            p.put("node.id", Integer.toString(b.id()));
            p.put("controller.quorum.voters", quorum);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("listeners", "PLAINTEXT://" + b.address()
                    + (b.controller() ? ",CONTROLLER://" + b.host() + ":" + CONTROLLER_PORT : ""));
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            // Without these a restarted broker waits ~9 s on DUPLICATE_BROKER_REGISTRATION (real-kafka-notes).
            p.put("broker.heartbeat.interval.ms", "500");
            p.put("broker.session.timeout.ms", "3000");
        }
        p.put("advertised.listeners", "PLAINTEXT://" + b.address());
        if (b.rack() != null) {
            p.put("broker.rack", b.rack());
        }
        p.put("log.dirs", b.dir().resolve("data").toString());
        p.put("controlled.shutdown.enable", "true");
        p.put("offsets.topic.replication.factor", Integer.toString(Math.min(3, n)));
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", Integer.toString(Math.min(3, n)));
        p.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, n)));
        p.put("transaction.state.log.num.partitions", "10");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", Integer.toString(Math.min(3, n)));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        p.putAll(spec.brokerProperties());
        StringBuilder out = new StringBuilder("# broker " + b.id() + " of the kupgrade sandbox in "
                + b.dir().getParent() + "\n# bin/start reads this file at every start.\n");
        p.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    /** A dedicated KRaft controller (process.roles=controller). */
    private static String controllerProperties(SandboxSpec spec, SandboxBroker c, String quorum) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "controller");
        p.put("node.id", Integer.toString(c.id()));
        p.put("controller.quorum.voters", quorum);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "CONTROLLER://" + c.address());
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", c.dir().resolve("data").toString());
        // fence a stopped broker quickly (real-kafka-notes, "Starting"): the controller enforces the session
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("num.io.threads", "2");
        p.put("num.network.threads", "2");
        spec.brokerProperties().forEach((k, v) -> {
            if (k.startsWith("controller.") || k.startsWith("metadata.") || k.startsWith("quorum.")) {
                p.put(k, v);
            }
        });
        StringBuilder out = new StringBuilder("# controller " + c.id() + " of the kupgrade sandbox in "
                + c.dir().getParent() + "\n# bin/start reads this file at every start.\n");
        p.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    /** log4j 1 / reload4j (Kafka 2.x, 3.x) and log4j2 (4.x) configurations, both pointing at logs/. */
    private static void writeLogConfigs(Path dir, String logName) throws IOException {
        Path log = dir.resolve("logs").resolve(logName);
        Files.writeString(dir.resolve("config/log4j.properties"), String.join("\n",
                "log4j.rootLogger=INFO, file",
                "log4j.appender.file=org.apache.log4j.FileAppender",
                "log4j.appender.file.File=" + log,
                "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
                "log4j.logger.kafka.request.logger=WARN",
                "log4j.logger.state.change.logger=WARN",
                "log4j.logger.org.apache.zookeeper=INFO",
                ""));
        Files.writeString(dir.resolve("config/log4j2.properties"), String.join("\n",
                "status = warn",
                // without this, log4j2's own hook stops logging before the broker's shutdown is logged
                "shutdownHook = disable",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + log,
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.file.ref = file",
                "logger.request.name = kafka.request.logger",
                "logger.request.level = warn",
                "logger.statechange.name = state.change.logger",
                "logger.statechange.level = warn",
                ""));
    }

    /** KRaft: format every node's storage with one random cluster id (kafka.tools.StorageTool). */
    private static void format(List<SandboxBroker> brokers, Path lib) {
        String clusterId = Uuid.randomUuid().toString();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (SandboxBroker b : brokers) {
                done.add(pool.submit(() -> {
                    Path out = b.dir().resolve("logs").resolve("format.log");
                    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Xmx128m", "-XX:TieredStopAtLevel=1",
                            "-Dlog4j.configuration=file:" + b.dir().resolve("config/log4j.properties"),
                            "-Dlog4j2.configurationFile=" + b.dir().resolve("config/log4j2.properties"),
                            "-cp", lib + "/*", "kafka.tools.StorageTool", "format",
                            "-t", clusterId, "-c", b.configFile().toString());
                    ProcessResult r = ProcessResult.run(cmd, out, 120);
                    if (r.exitCode() != 0) {
                        throw new SandboxException("formatting the KRaft storage of broker " + b.id()
                                + " failed (exit " + r.exitCode() + "); see " + out);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SandboxException se) {
                throw se;
            }
            throw new SandboxException("formatting the KRaft storage failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while formatting the KRaft storage", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
