package io.kupgrade.sandbox;

import io.kupgrade.sandbox.SandboxSpec.Mode;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which processes of a sandbox run, at one moment ({@link SandboxCluster#status()}).
 *
 * @param name the cluster's name
 * @param baseDir its directory
 * @param mode ZooKeeper or KRaft
 * @param bootstrapServers the brokers' listeners
 * @param zookeeperConnect null in KRaft
 * @param zookeeperPid pid of the ZooKeeper server when it runs
 * @param brokers one entry per broker, then per dedicated KRaft controller
 */
public record SandboxStatus(String name, Path baseDir, Mode mode, String bootstrapServers, String zookeeperConnect,
                            OptionalLong zookeeperPid, List<BrokerStatus> brokers) {

    public SandboxStatus {
        brokers = List.copyOf(brokers);
    }

    /** True when every broker (and ZooKeeper, in ZooKeeper mode) runs. */
    public boolean allRunning() {
        return brokers.stream().allMatch(BrokerStatus::running)
                && (zookeeperConnect == null || zookeeperPid.isPresent());
    }

    /** True when no process of the sandbox runs. */
    public boolean allStopped() {
        return brokers.stream().noneMatch(BrokerStatus::running) && zookeeperPid.isEmpty();
    }

    /**
     * One broker.
     *
     * @param broker where it lives
     * @param pid its pid when it runs
     * @param runningVersion the version its process was started with; null when stopped
     * @param currentVersion the version {@code versions/current} points to (the next start runs it)
     */
    public record BrokerStatus(SandboxBroker broker, OptionalLong pid, String runningVersion, String currentVersion) {
        public boolean running() {
            return pid.isPresent();
        }
    }
}
