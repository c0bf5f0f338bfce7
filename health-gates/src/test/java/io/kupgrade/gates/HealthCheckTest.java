package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    private static ClusterReader fixed(ClusterSnapshot snapshot) {
        return new ClusterReader() {
            @Override
            public ClusterSnapshot read() {
                return snapshot;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void shouldReportHealthyClusterWithLintErrorsAsHealthyButNotReady() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 3)
                .topic("scratch", 1, 1, 1).build();

        HealthReport report = new HealthCheck(fixed(snapshot), null, null).run();

        assertTrue(report.healthy(), report.gates().toString());
        assertFalse(report.readyToRoll());
        assertEquals(List.of(1, 2, 3), report.brokers());
        assertEquals(4, report.partitions());
        assertEquals(List.of("controllerPresent", "offlinePartitions", "underReplicated", "underMinIsr",
                "reassignments", "quorumCaughtUp"), report.gates().stream().map(GateResult::gate).toList());
        assertEquals("RF1_TOPICS", report.findings().get(0).code());
    }

    @Test
    void shouldReportMissingExpectedBrokerAsUnhealthy() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 3).stopped(3).build();

        HealthReport report = new HealthCheck(fixed(snapshot), null, null)
                .run(new HealthCheck.Options(Set.of(1, 2, 3), List.of(), false));

        assertFalse(report.healthy());
        List<String> failing = report.gates().stream().filter(g -> !g.passed()).map(GateResult::gate).toList();
        assertEquals(List.of("allBrokersRegistered", "underReplicated"), failing);
    }

    @Test
    void shouldReportUnreachableClusterAsUnhealthyWithoutThrowing() {
        ClusterReader down = new ClusterReader() {
            @Override
            public ClusterSnapshot read() {
                throw new ClusterUnreachableException("describeCluster: Timed out waiting for a node assignment",
                        null);
            }

            @Override
            public void close() {
            }
        };

        HealthReport report = new HealthCheck(down, null, null).run();

        assertFalse(report.healthy());
        assertEquals(GateWaiter.CLUSTER_READ, report.gates().get(0).gate());
        assertTrue(report.gates().get(0).reason().contains("Timed out"));
    }

    @Test
    void shouldFailEnsembleWhenAServerDoesNotServeOrFollowersLag() {
        ZooKeeperInspector.ServerStatus leader = new ZooKeeperInspector.ServerStatus("zk1:2181",
                java.util.Optional.of("leader"), java.util.OptionalLong.of(1), java.util.Optional.empty());
        ZooKeeperInspector.ServerStatus follower = new ZooKeeperInspector.ServerStatus("zk2:2181",
                java.util.Optional.of("follower"), java.util.OptionalLong.empty(), java.util.Optional.empty());
        ZooKeeperInspector.ServerStatus down = new ZooKeeperInspector.ServerStatus("zk3:2181",
                java.util.Optional.empty(), java.util.OptionalLong.empty(),
                java.util.Optional.of("java.net.ConnectException: Connection refused"));

        GateResult result = HealthCheck.ensembleResult(List.of(leader, follower, down));

        assertFalse(result.passed());
        assertEquals("leader zk1:2181 has 1 of 2 followers synced; zk3:2181 not serving"
                + " (java.net.ConnectException: Connection refused)", result.reason());
    }
}
