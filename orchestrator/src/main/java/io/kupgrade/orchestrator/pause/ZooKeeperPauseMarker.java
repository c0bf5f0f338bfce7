package io.kupgrade.orchestrator.pause;

import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.journal.ZooKeeperPaths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The pause marker of the ZooKeeper state store: a persistent znode {@code <root>/<cluster>/pause} beside the
 * journal and the lock, holding the {@link Pause} as JSON (what the file marker holds). Persistent, not
 * ephemeral: a pause outlives the session of whoever set it, until {@code kupgrade resume}. Setting or lifting
 * it takes no lock (pausing is what an operator does while another machine's run holds the lock).
 *
 * <p>A read first syncs the session's server with the leader ({@code sync}): a follower answers reads from its
 * own copy, which may lag the leader's, and ZooKeeper promises a session its own writes in order, not another
 * session's at once. Without it a pause just set from another machine, through another server, could be missed by
 * a run's check between brokers. {@code sync} exists only asynchronously; its answer is waited for at most the
 * sync timeout (the session timeout plus a second by default), and a read whose sync is not confirmed by then
 * throws: the marker is unreadable, which halts a run.
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
    private final Duration syncTimeout;
    private final List<ACL> acl;

    /**
     * A marker whose reads wait for their sync at most the session timeout plus a second.
     *
     * @param clusterPath {@code <root>/<cluster>} ({@link ZooKeeperPaths#clusterPath})
     * @param hosts the ensemble's {@code host:port,...}, for people
     */
    public ZooKeeperPauseMarker(ZooKeeper zk, String clusterPath, String hosts) {
        this(zk, clusterPath, hosts, null);
    }

    /**
     * @param syncTimeout how long a read waits for ZooKeeper to confirm its sync before it calls the marker
     *     unreadable; null = the session timeout plus a second (by then the client itself has reported the
     *     connection lost)
     */
    public ZooKeeperPauseMarker(ZooKeeper zk, String clusterPath, String hosts, Duration syncTimeout) {
        this(zk, clusterPath, hosts, syncTimeout, ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    /** As {@link #ZooKeeperPauseMarker(ZooKeeper, String, String, Duration)}, creating its nodes with {@code acl}. */
    public ZooKeeperPauseMarker(ZooKeeper zk, String clusterPath, String hosts, Duration syncTimeout,
                                List<ACL> acl) {
        this.acl = Objects.requireNonNull(acl, "acl");
        this.zk = Objects.requireNonNull(zk, "zk");
        this.clusterPath = Objects.requireNonNull(clusterPath, "clusterPath");
        this.path = clusterPath + "/" + NODE_NAME;
        this.location = "zookeeper://" + hosts + path;
        this.reconnectWait = Duration.ofMillis(Math.max(zk.getSessionTimeout(), 1000) + 1000L);
        this.syncTimeout = syncTimeout != null ? syncTimeout : reconnectWait;
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
            sync();
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
            ZooKeeperPaths.ensure(zk, clusterPath, clusterPath, acl);
            try {
                zk.create(path, data, acl, CreateMode.PERSISTENT);
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

    /**
     * Brings the session's server up to date with the leader, so that the read after it sees every write the
     * leader committed before (a pause set through another server a moment ago).
     *
     * @throws KeeperException what ZooKeeper answered instead of OK (a connection loss is ridden out by
     *     {@link #call} as for any operation)
     * @throws ClusterUnreachableException when no answer came within the sync timeout
     */
    private void sync() throws KeeperException, InterruptedException {
        CountDownLatch answered = new CountDownLatch(1);
        AtomicInteger rc = new AtomicInteger();
        zk.sync(path, (code, p, ctx) -> {
            rc.set(code);
            answered.countDown();
        }, null);
        if (!answered.await(syncTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw failed("read", "ZooKeeper did not confirm the sync before the read within "
                    + seconds(syncTimeout) + " (a server that stopped answering?)", null);
        }
        KeeperException.Code code = KeeperException.Code.get(rc.get());
        if (code != KeeperException.Code.OK) {
            throw KeeperException.create(code, path);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
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
