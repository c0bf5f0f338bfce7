package io.kupgrade.sandbox;

import java.nio.file.Path;

/**
 * One ZooKeeper server "host" of a ZooKeeper-mode sandbox, laid out like a broker's (see {@link SandboxBroker}):
 *
 * <pre>
 * zookeeper/ (one server) or zookeeper-&lt;id&gt;/ (an ensemble)
 *   config/zoo.cfg             the file bin/start passes to QuorumPeerMain (edits apply at the next start)
 *   data/myid                  the server's id (an ensemble only)
 *   logs/zookeeper.log, logs/stdout.log
 *   run/pid, bin/start, bin/stop, bin/is-running, bin/switch-version, versions/
 * </pre>
 *
 * @param id the server's id ({@code myid}; 1 for a single server)
 * @param host its loopback address
 * @param clientPort the port clients (brokers, four-letter words) connect to on {@code host}
 * @param dir its directory
 */
public record SandboxZooKeeper(int id, String host, int clientPort, Path dir) {

    /** {@code host:clientPort}. */
    public String address() {
        return host + ":" + clientPort;
    }

    /** {@code config/zoo.cfg}. */
    public Path configFile() {
        return dir.resolve("config").resolve("zoo.cfg");
    }

    public Path startScript() {
        return dir.resolve("bin").resolve("start");
    }

    public Path stopScript() {
        return dir.resolve("bin").resolve("stop");
    }

    public Path isRunningScript() {
        return dir.resolve("bin").resolve("is-running");
    }

    /** {@code logs/zookeeper.log}: the server's log4j output. */
    public Path logFile() {
        return dir.resolve("logs").resolve("zookeeper.log");
    }

    /** {@code logs/stdout.log}: the JVM's stdout and stderr. */
    public Path stdoutFile() {
        return dir.resolve("logs").resolve("stdout.log");
    }

    /** {@code run/pid}: pid of the process the start script launched last. */
    public Path pidFile() {
        return dir.resolve("run").resolve("pid");
    }
}
