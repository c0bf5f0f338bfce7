package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;

/**
 * Reads one ZooKeeper server's state. Implementations never throw for an unreachable server: they return
 * {@link ServerState#down}. Production: {@link FourLetterWordProbe}; tests: a scripted fake.
 */
@FunctionalInterface
public interface EnsembleProbe {
    ServerState read(ZooKeeperServerSpec server);
}
