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
 * @param zookeepers one entry per ZooKeeper server (an ensemble has several; the first is {@code zookeeperPid})
 */
public record SandboxStatus(String name, Path baseDir, Mode mode, String bootstrapServers, String zookeeperConnect,
                            OptionalLong zookeeperPid, List<BrokerStatus> brokers, List<ZooKeeperStatus> zookeepers) {

    public SandboxStatus {
        brokers = List.copyOf(brokers);
        zookeepers = List.copyOf(zookeepers);
    }

    /** Without per-server ZooKeeper entries (the shape before ensembles existed). */
    public SandboxStatus(String name, Path baseDir, Mode mode, String bootstrapServers, String zookeeperConnect,
                         OptionalLong zookeeperPid, List<BrokerStatus> brokers) {
        this(name, baseDir, mode, bootstrapServers, zookeeperConnect, zookeeperPid, brokers, List.of());
    }

    /** True when every broker (and every ZooKeeper server, in ZooKeeper mode) runs. */
    public boolean allRunning() {
        return brokers.stream().allMatch(BrokerStatus::running)
                && (zookeeperConnect == null || zookeeperPid.isPresent())
                && zookeepers.stream().allMatch(ZooKeeperStatus::running);
    }

    /** True when no process of the sandbox runs. */
    public boolean allStopped() {
        return brokers.stream().noneMatch(BrokerStatus::running) && zookeeperPid.isEmpty()
                && zookeepers.stream().noneMatch(ZooKeeperStatus::running);
    }

    /**
     * One ZooKeeper server.
     *
     * @param server where it lives
     * @param pid its pid when it runs
     */
    public record ZooKeeperStatus(SandboxZooKeeper server, OptionalLong pid) {
        public boolean running() {
            return pid.isPresent();
        }
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
