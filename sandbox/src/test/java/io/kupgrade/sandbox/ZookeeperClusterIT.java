package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 3-broker ZooKeeper-mode 3.8.1 sandbox (3.9.2 installed too), started once for the class; closing it at the
 * end must leave no process behind.
 */
class ZookeeperClusterIT {

    static SandboxCluster cluster;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder()
                .kafkaVersion("3.8.1").extraVersions("3.9.2").brokers(3).racks(3)
                // pinned, as in a real rolling upgrade: a 3.9.2 broker then runs safely among 3.8.1 ones
                .brokerProperty("inter.broker.protocol.version", "3.8")
                .mode(SandboxSpec.Mode.ZOOKEEPER).build());
        Timings.report("zookeeper 3.8.1 x3 up", t);
    }

    @AfterAll
    static void closeLeavesNoProcess() {
        Map<String, Long> pids = cluster.processIds();
        assertEquals(4, pids.size(), "ZooKeeper and 3 brokers run before close: " + pids);
        long t = System.nanoTime();
        cluster.close();
        Timings.report("zookeeper 3.8.1 x3 close", t);
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            assertFalse(ProcessHandle.of(p.getValue()).map(ProcessHandle::isAlive).orElse(false),
                    p.getKey() + " (pid " + p.getValue() + ") still alive after close");
        }
    }

    @Test
    void shouldRegisterEveryBrokerOnItsOwnAddressWithItsRack() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            Map<Integer, Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .collect(Collectors.toMap(Node::id, n -> n, (a, b) -> a, TreeMap::new));

            assertEquals(Set.of(1, 2, 3), nodes.keySet());
            for (SandboxBroker b : cluster.brokers()) {
                assertEquals(b.host(), nodes.get(b.id()).host());
                assertEquals("r" + b.id(), nodes.get(b.id()).rack());
            }
        }
        assertTrue(cluster.zookeeperConnect().endsWith(":2181"));
    }

    @Test
    void shouldReturnToNoUnderReplicatedPartitionsAfterARestartThroughTheScripts() throws Exception {
        createTopicWithRecords("restart-me");
        SandboxBroker broker = cluster.broker(2);

        long t = System.nanoTime();
        assertEquals(0, run(broker.stopScript().toString()));
        awaitStopped(broker);
        assertTrue(cluster.underReplicatedPartitions() > 0, "a stopped broker leaves partitions under-replicated");
        assertEquals(0, run(broker.startScript().toString()));
        assertEquals(0, run(broker.isRunningScript().toString()), "is-running is true right after start");
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(180));
        Timings.report("zookeeper 3.8.1 broker cycle through scripts, to URP 0", t);
    }

    @Test
    void shouldReportTheNewVersionAfterSwitchVersionAndRestart() {
        cluster.switchVersion(3, "3.9.2");
        assertEquals("3.8.1", cluster.reportedVersion(3), "the running process keeps its version");

        long t = System.nanoTime();
        cluster.restartBroker(3);
        Timings.report("zookeeper broker cycle 3.8.1 -> 3.9.2", t);

        assertEquals("3.9.2", cluster.reportedVersion(3));
        assertEquals("3.9.2", cluster.runningVersion(3).orElseThrow());
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(180));
    }

    @Test
    void shouldRefuseToSwitchToAVersionThatIsNotInstalled() throws Exception {
        SandboxException e = assertThrows(SandboxException.class, () -> cluster.switchVersion(1, "3.7.0"));

        assertTrue(e.getMessage().contains("Kafka 3.7.0 is not installed on this host"), e.getMessage());
        assertTrue(e.getMessage().contains("3.8.1") && e.getMessage().contains("3.9.2"), e.getMessage());
        assertEquals("3.8.1", Files.readSymbolicLink(cluster.broker(1).dir().resolve("versions/current")).toString());
    }

    @Test
    void shouldWriteAPlanThatPointsAtTheBrokersScripts() throws Exception {
        String plan = Files.readString(cluster.planFile());

        assertTrue(plan.contains("zookeeper: \"" + cluster.zookeeperConnect() + "\""), plan);
        assertTrue(plan.contains("start: \"" + cluster.baseDir() + "/broker-{broker.id}/bin/start\""), plan);
        assertTrue(plan.contains("{id: 2, host: \"" + cluster.broker(2).host() + "\", rack: r2, jmxPort: 9999}"), plan);
        assertTrue(plan.contains("executor: local"), plan);
    }

    @Test
    void shouldAttachFromTheStateFile() {
        SandboxCluster attached = Sandbox.attach(cluster.baseDir());

        assertEquals(cluster.bootstrapServers(), attached.bootstrapServers());
        assertEquals(cluster.zookeeperConnect(), attached.zookeeperConnect());
        assertTrue(attached.status().allRunning());
        assertEquals(cluster.brokers(), attached.brokers());
    }

    private static void createTopicWithRecords(String topic) throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.putAll(cluster.adminConfig());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i), "v" + i));
            }
            producer.flush();
        }
    }

    private static void awaitStopped(SandboxBroker broker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (run(broker.isRunningScript().toString()) == 0) {
            assertTrue(System.nanoTime() < deadline, "broker " + broker.id() + " did not stop");
            Thread.sleep(200);
        }
    }

    static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not return");
        return p.exitValue();
    }
}
