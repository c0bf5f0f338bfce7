package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The gate scenarios on a ZooKeeper-mode 3.8.1 cluster of 3 brokers. */
class ZooKeeperModeGatesIT extends GateScenarios {

    @BeforeAll
    static void start() {
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("3.8.1").brokers(3).racks(3)
                .mode(SandboxSpec.Mode.ZOOKEEPER).build());
    }

    @AfterAll
    static void stop() {
        closeReader();
        cluster.close();
    }

    @Override
    boolean kraft() {
        return false;
    }

    @Test
    @Order(6)
    void shouldReadControllerAndEnsembleFromZooKeeper() {
        try (ZooKeeperInspector zk = new ZooKeeperInspector(cluster.zookeeperConnect(), Duration.ofSeconds(5))) {
            assertTrue(Set.of(1, 2, 3).contains(zk.controller().orElse(-1)));
            assertEquals(reader().read().activeController(), zk.controller());
            List<ZooKeeperInspector.ServerStatus> ensemble = zk.ensemble();
            assertEquals(1, ensemble.size());
            assertEquals("standalone", ensemble.get(0).mode().orElse(ensemble.get(0).error().orElse("?")));
        }
        GateResult ensembleGate = HealthCheck.of(reader()).run().gates().stream()
                .filter(g -> g.gate().equals("zooKeeperEnsemble")).findFirst().orElseThrow();
        assertTrue(ensembleGate.passed(), ensembleGate.reason());
    }
}
