package io.kupgrade.sandbox;

import java.nio.file.Path;

/**
 * One broker "host" of a sandbox: its own loopback address and its own directory, laid out like a real host.
 *
 * <pre>
 * broker-&lt;id&gt;/
 *   config/server.properties   the file bin/start reads (edits take effect at the next start)
 *   config/log4j.properties, config/log4j2.properties
 *   data/                      log.dirs
 *   logs/server.log            log4j output; logs/stdout.log: the JVM's stdout and stderr
 *   versions/&lt;v&gt;               link to the cached lib dir of each installed version
 *   versions/current           link to the version bin/start runs
 *   run/pid, run/version       pid and version of the process bin/start launched last
 *   bin/start                  starts the broker in the background, returns at once
 *   bin/stop                   sends SIGTERM, returns at once (wait with bin/is-running)
 *   bin/is-running             exits 0 while the process bin/start launched is alive
 *   bin/switch-version &lt;v&gt;     repoints versions/current; fails for a version not installed
 * </pre>
 *
 * @param id broker.id (KRaft: node.id)
 * @param host the broker's loopback address, e.g. {@code 127.34.7.11}
 * @param port the PLAINTEXT listener port on {@code host}
 * @param rack broker.rack; null when the sandbox has no racks
 * @param jmxPort JMX (RMI) port on {@code host}, no authentication
 * @param controller true for a KRaft node that is also a controller (a voter); false in ZooKeeper mode
 * @param dir the broker's directory
 */
public record SandboxBroker(int id, String host, int port, String rack, int jmxPort, boolean controller, Path dir) {

    /** {@code host:port} of the broker's listener. */
    public String address() {
        return host + ":" + port;
    }

    /** {@code config/server.properties}: the file the start script passes to the broker. */
    public Path configFile() {
        return dir.resolve("config").resolve("server.properties");
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

    public Path switchVersionScript() {
        return dir.resolve("bin").resolve("switch-version");
    }

    /** {@code logs/server.log}: the broker's log4j output. */
    public Path logFile() {
        return dir.resolve("logs").resolve("server.log");
    }

    /** {@code logs/stdout.log}: the JVM's stdout and stderr (startup failures end up here). */
    public Path stdoutFile() {
        return dir.resolve("logs").resolve("stdout.log");
    }

    /** {@code run/pid}: pid of the process the start script launched last. */
    public Path pidFile() {
        return dir.resolve("run").resolve("pid");
    }
}
