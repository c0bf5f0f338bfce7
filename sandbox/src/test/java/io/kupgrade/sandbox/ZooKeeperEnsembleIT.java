package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 3-server ZooKeeper ensemble with one 3.8.1 broker, started once for the class; closing it must leave no
 * process behind.
 */
class ZooKeeperEnsembleIT {

    static SandboxCluster cluster;

    @BeforeAll
    static void start() {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").brokers(1).racks(0)
                .zookeeperEnsemble(3).build());
        Timings.report("zookeeper ensemble x3 + 1 broker up", t);
    }

    @AfterAll
    static void closeLeavesNoProcess() {
        Map<String, Long> pids = cluster.processIds();
        assertEquals(Set.of("zookeeper-1", "zookeeper-2", "zookeeper-3", "broker-1"), pids.keySet());
        long t = System.nanoTime();
        cluster.close();
        Timings.report("zookeeper ensemble x3 + 1 broker close", t);
        for (Map.Entry<String, Long> p : pids.entrySet()) {
            assertFalse(ProcessHandle.of(p.getValue()).map(ProcessHandle::isAlive).orElse(false),
                    p.getKey() + " (pid " + p.getValue() + ") still alive after close");
        }
    }

    @Test
    void shouldFormOneQuorumOfOneLeaderAndTwoFollowersThatTheBrokerUses() throws Exception {
        List<Optional<String>> modes = cluster.zookeepers().stream().map(z -> cluster.zookeeperMode(z.id())).toList();

        assertEquals(1, modes.stream().filter(m -> m.equals(Optional.of("leader"))).count(), modes.toString());
        assertEquals(2, modes.stream().filter(m -> m.equals(Optional.of("follower"))).count(), modes.toString());
        assertEquals(cluster.zookeepers().stream().map(SandboxZooKeeper::address).collect(Collectors.joining(",")),
                cluster.zookeeperConnect());
        assertTrue(Files.readString(cluster.broker(1).configFile())
                .contains("zookeeper.connect=" + cluster.zookeeperConnect()));
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            assertEquals(Set.of(1), admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                    .map(Node::id).collect(Collectors.toSet()));
        }
    }

    @Test
    void shouldAnswerMntrOnTheLeaderWithBothFollowersSynced() throws Exception {
        cluster.awaitZooKeeperQuorum(Duration.ofSeconds(60));
        SandboxZooKeeper leader = cluster.zookeeper(cluster.zookeeperLeader().orElseThrow());

        String mntr = fourLetterWord(leader, "mntr");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!mntr.contains("zk_synced_followers\t2") && System.nanoTime() < deadline) {
            Thread.sleep(200); // a follower restarted by another test may still be syncing
            mntr = fourLetterWord(leader, "mntr");
        }

        assertTrue(mntr.contains("zk_server_state\tleader"), mntr);
        assertTrue(mntr.contains("zk_synced_followers\t2"), mntr);
        assertEquals("imok", fourLetterWord(leader, "ruok"));
    }

    @Test
    void shouldRestartOneFollowerThroughItsScriptsAndRejoinTheQuorum() {
        cluster.awaitZooKeeperQuorum(Duration.ofSeconds(60));
        int leader = cluster.zookeeperLeader().orElseThrow();
        int follower = cluster.zookeepers().stream().mapToInt(SandboxZooKeeper::id).filter(id -> id != leader)
                .findFirst().orElseThrow();
        long before = cluster.zookeeperPid(follower).orElseThrow();

        long t = System.nanoTime();
        cluster.stopZooKeeper(follower);
        assertFalse(cluster.isZooKeeperRunning(follower));
        cluster.startZooKeeper(follower);
        cluster.awaitZooKeeperQuorum(Duration.ofSeconds(120));
        Timings.report("zookeeper follower cycle, back in the quorum", t);

        assertNotEquals(before, cluster.zookeeperPid(follower).orElseThrow());
        assertEquals(Optional.of("follower"), cluster.zookeeperMode(follower));
        assertEquals(leader, cluster.zookeeperLeader().orElseThrow(), "a follower's restart elects no new leader");
    }

    @Test
    void shouldAttachWithEveryServer() {
        SandboxCluster attached = Sandbox.attach(cluster.baseDir());

        assertEquals(cluster.zookeepers(), attached.zookeepers());
        assertEquals(3, attached.status().zookeepers().size());
        assertTrue(attached.status().allRunning());
        assertEquals(new TreeSet<>(List.of(1, 2, 3)), attached.zookeepers().stream().map(SandboxZooKeeper::id)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    private static String fourLetterWord(SandboxZooKeeper z, String word) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(z.host(), z.clientPort()), 2_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.getInputStream().transferTo(out);
            return out.toString(StandardCharsets.UTF_8).strip();
        }
    }
}
