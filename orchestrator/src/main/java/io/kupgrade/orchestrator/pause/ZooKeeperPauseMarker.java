package io.kupgrade.orchestrator.pause;

import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.journal.ZooKeeperPaths;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * The pause marker of the ZooKeeper state store: a persistent znode {@code <root>/<cluster>/pause} beside the
 * journal and the lock, holding the {@link Pause} as JSON (what the file marker holds). Persistent, not
 * ephemeral: a pause outlives the session of whoever set it, until {@code kupgrade resume}. Setting or lifting
 * it takes no lock (pausing is what an operator does while another machine's run holds the lock).
 *
 * <p>After a connection loss an operation waits for the session to reconnect (at most the session timeout plus
 * a second, as the journal does) and tries again: a ZooKeeper leader election does not halt a run. When the
 * session does not come back, has expired, or ZooKeeper refuses, it throws {@link ClusterUnreachableException}
 * naming the node: "cannot tell" is never read as "not paused". Does not own the ZooKeeper client.
 * Thread-safe.
 */
public final class ZooKeeperPauseMarker implements PauseMarker {
    public static final String NODE_NAME = "pause";
    private static final int ATTEMPTS = 3;

    private final ZooKeeper zk;
    private final String clusterPath;
    private final String path;
    private final String location;
    private final Duration reconnectWait;

    /**
     * @param clusterPath {@code <root>/<cluster>} ({@link ZooKeeperPaths#clusterPath})
     * @param hosts the ensemble's {@code host:port,...}, for people
     */
    public ZooKeeperPauseMarker(ZooKeeper zk, String clusterPath, String hosts) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.clusterPath = Objects.requireNonNull(clusterPath, "clusterPath");
        this.path = clusterPath + "/" + NODE_NAME;
        this.location = "zookeeper://" + hosts + path;
        this.reconnectWait = Duration.ofMillis(Math.max(zk.getSessionTimeout(), 1000) + 1000L);
    }

    /** The znode, {@code <root>/<cluster>/pause}. */
    public String path() {
        return path;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Optional<Pause> read() {
        return call("read", () -> {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = zk.getData(path, false, stat);
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
            return Optional.of(PauseJson.read(data == null ? new byte[0] : data, "znode " + location,
                    Instant.ofEpochMilli(stat.getMtime())));
        });
    }

    @Override
    public void write(Pause pause) {
        byte[] data = PauseJson.write(pause);
        call("write", () -> {
            ZooKeeperPaths.ensure(zk, clusterPath);
            try {
                zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                zk.setData(path, data, -1); // replaces an earlier pause (or our own create, after a connection loss)
            }
            return null;
        });
    }

    @Override
    public Optional<Pause> clear() {
        Optional<Pause> was = read();
        call("remove", () -> {
            try {
                zk.delete(path, -1);
            } catch (KeeperException.NoNodeException e) {
                // not paused, or removed meanwhile (or by our own delete, after a connection loss)
            }
            return null;
        });
        return was;
    }

    private interface ZkCall<T> {
        T run() throws KeeperException, InterruptedException;
    }

    /** Runs {@code op}, riding out a connection loss that ends within the session timeout. */
    private <T> T call(String what, ZkCall<T> op) {
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return op.run();
                } catch (KeeperException.ConnectionLossException e) {
                    if (attempt >= ATTEMPTS || !ZooKeeperPaths.awaitConnected(zk, reconnectWait)) {
                        throw failed(what, "ZooKeeper did not answer (connection lost, not back within "
                                + reconnectWait.toSeconds() + " s)", e);
                    }
                } catch (KeeperException.SessionExpiredException e) {
                    throw failed(what, "the ZooKeeper session expired", e);
                } catch (KeeperException e) {
                    throw failed(what, e.getMessage(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(what, "interrupted", e);
        }
    }

    private ClusterUnreachableException failed(String what, String why, Exception cause) {
        return new ClusterUnreachableException("cannot " + what + " the pause marker " + location + ": " + why, cause);
    }

    @Override
    public String toString() {
        return "ZooKeeperPauseMarker[" + location + "]";
    }
}
