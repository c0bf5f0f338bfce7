package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** KRaft 4.1.2 with one dedicated controller and three broker-only brokers. */
class KraftSeparateControllersIT {

    static SandboxCluster cluster;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder()
                .kafkaVersion("4.1.2").brokers(3).racks(3).controllers(1)
                .mode(SandboxSpec.Mode.KRAFT).build());
        Timings.report("kraft 4.1.2 1 controller + 3 brokers up (incl. format)", t);
    }

    @AfterAll
    static void closeLeavesNoProcess() {
        Map<String, Long> pids = cluster.processIds();
        assertEquals(Set.of("controller-101", "broker-1", "broker-2", "broker-3"), pids.keySet());
        cluster.close();
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            assertFalse(ProcessHandle.of(p.getValue()).map(ProcessHandle::isAlive).orElse(false),
                    p.getKey() + " (pid " + p.getValue() + ") still alive after close");
        }
    }

    @Test
    void shouldRegisterTheBrokersWithTheDedicatedControllerAsTheOnlyVoter() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            Set<Integer> ids = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .map(Node::id).collect(Collectors.toSet());
            assertEquals(Set.of(1, 2, 3), ids);
            assertEquals(Set.of(101), admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS)
                    .voters().stream().map(v -> v.replicaId()).collect(Collectors.toSet()));
        }
        assertTrue(Files.readString(cluster.broker(1).configFile()).contains("process.roles=broker\n"));
        assertTrue(Files.readString(cluster.controllers().get(0).configFile()).contains("process.roles=controller\n"));
        assertTrue(Files.size(cluster.broker(1).logFile()) > 0, "4.1.2 brokers log (log4j2 binding present)");
    }

    @Test
    void shouldReturnToNoUnderReplicatedPartitionsAfterABrokerRestart() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(new NewTopic("restart-me", 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }

        long t = System.nanoTime();
        cluster.restartBroker(2);
        cluster.awaitNoUnderReplicatedPartitions(Duration.ofSeconds(120));
        Timings.report("kraft 4.1.2 broker cycle (separate controller), to URP 0", t);
        assertEquals("4.1.2", cluster.reportedVersion(2));
    }
}
