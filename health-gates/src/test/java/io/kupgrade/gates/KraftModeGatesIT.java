package io.kupgrade.gates;

import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The gate scenarios on a KRaft 4.0.2 cluster of 3 combined broker/controller nodes. */
class KraftModeGatesIT extends GateScenarios {

    @BeforeAll
    static void start() {
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("4.0.2").brokers(3).racks(3)
                .mode(SandboxSpec.Mode.KRAFT).build());
    }

    @AfterAll
    static void stop() {
        closeReader();
        cluster.close();
    }

    @Override
    boolean kraft() {
        return true;
    }
}
