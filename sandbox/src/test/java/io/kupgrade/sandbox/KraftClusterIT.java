package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.sandbox.load.LoadResult;
import io.kupgrade.sandbox.load.NumberedLoad;
import io.kupgrade.sandbox.load.Verification;
import io.kupgrade.sandbox.load.Verifier;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 3-node KRaft (combined mode) 4.0.2 sandbox (4.1.2 installed too), started once for the class; closing it at
 * the end must leave no process behind.
 */
class KraftClusterIT {

    static SandboxCluster cluster;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder()
                .kafkaVersion("4.0.2").extraVersions("4.1.2").brokers(3).racks(3)
                .mode(SandboxSpec.Mode.KRAFT).build());
        Timings.report("kraft 4.0.2 x3 up (incl. format)", t);
    }

    @AfterAll
    static void closeLeavesNoProcess() {
        Map<String, Long> pids = cluster.processIds();
        assertEquals(Set.of("broker-1", "broker-2", "broker-3"), pids.keySet());
        long t = System.nanoTime();
        cluster.close();
        Timings.report("kraft 4.0.2 x3 close", t);
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            assertFalse(ProcessHandle.of(p.getValue()).map(ProcessHandle::isAlive).orElse(false),
                    p.getKey() + " (pid " + p.getValue() + ") still alive after close");
        }
        assertTrue(Sandbox.attach(cluster.baseDir()).status().allStopped());
    }

    @Test
    void shouldRegisterEveryNodeAsBrokerAndVoter() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            Set<Integer> ids = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .map(Node::id).collect(Collectors.toSet());
            assertEquals(Set.of(1, 2, 3), ids);
            assertEquals(Set.of(1, 2, 3), admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS)
                    .voters().stream().map(v -> v.replicaId()).collect(Collectors.toSet()));
        }
        assertNull(cluster.zookeeperConnect());
        String config = Files.readString(cluster.broker(1).configFile());
        assertTrue(config.contains("process.roles=broker,controller"), config);
        assertTrue(config.contains("broker.heartbeat.interval.ms=500"), config);
    }

    @Test
    void shouldReturnToNoUnderReplicatedPartitionsAfterARestartThroughTheScripts() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("restart-me", 6, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        SandboxBroker broker = cluster.broker(1);

        long t = System.nanoTime();
        assertEquals(0, ZookeeperClusterIT.run(broker.stopScript().toString()));
        while (ZookeeperClusterIT.run(broker.isRunningScript().toString()) == 0) {
            Thread.sleep(200);
        }
        cluster.awaitUnderReplicated(Duration.ofSeconds(60));
        assertEquals(0, ZookeeperClusterIT.run(broker.startScript().toString()));
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(180));
        Timings.report("kraft 4.0.2 broker cycle through scripts, to URP 0", t);
    }

    @Test
    void shouldReportTheNewVersionAfterSwitchVersionAndRestart() {
        cluster.switchVersion(2, "4.1.2");
        long t = System.nanoTime();
        cluster.restartBroker(2);
        Timings.report("kraft broker cycle 4.0.2 -> 4.1.2", t);

        // metadata.version stays at 4.0 until finalized, so a 4.1.2 node runs among 4.0.2 ones as in an upgrade
        assertEquals("4.1.2", cluster.reportedVersion(2));
        assertEquals("4.0.2", cluster.reportedVersion(1));
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(180));
    }

    @Test
    void shouldLoseNothingAcrossABrokerRestart() throws Exception {
        NumberedLoad load = NumberedLoad.start(cluster.bootstrapServers(), "numbered", 200);
        Thread.sleep(2000);

        cluster.restartBroker(3);
        Thread.sleep(2000);
        LoadResult produced = load.stop();
        Verification v = Verifier.verify(cluster.bootstrapServers(), "numbered", produced.acked());

        assertTrue(produced.ackedCount() > 500, "acked " + produced.ackedCount());
        assertEquals(0, v.lost(), v.toString());
        assertEquals(produced.ackedCount(), v.acked());
        assertTrue(v.consumed() >= v.acked(), v.toString());
        System.err.println("[load] " + produced.sent() + " sent, " + produced.failed() + " failed (first: "
                + produced.firstError() + "); " + v);
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(180));
    }
}
