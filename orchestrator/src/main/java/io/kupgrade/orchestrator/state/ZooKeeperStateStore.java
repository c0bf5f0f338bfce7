package io.kupgrade.orchestrator.state;

import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.journal.ZooKeeperJournal;
import io.kupgrade.orchestrator.journal.ZooKeeperPaths;
import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.orchestrator.lock.ZooKeeperClusterLock;
import io.kupgrade.orchestrator.pause.ZooKeeperPauseMarker;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper session for kupgrade's state: the lock ({@link ZooKeeperClusterLock}), the journal
 * ({@link ZooKeeperJournal}) and the pause marker ({@link ZooKeeperPauseMarker}) of a cluster live under
 * {@code <root>/<cluster>/}, where the root is the chroot of the connect string
 * ({@code zk-1:2181,zk-2:2181/kupgrade}), {@value ZooKeeperPaths#DEFAULT_ROOT} when it names none. The root and the cluster's nodes are created on first use, open to every client (no ACL): use a
 * dedicated chroot and, where ZooKeeper is shared, network access rules.
 *
 * <p>The session timeout (default {@link #DEFAULT_SESSION_TIMEOUT}) is how long a holder may be paused or
 * partitioned before it loses the lock, and how long a killed holder on another host blocks the next run.
 * Thread-safe; close it to end the session (which also releases a lock still held).
 */
public final class ZooKeeperStateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperStateStore.class);
    /** 15 s: long enough for a GC pause or a network blip, short enough that a dead holder frees the lock soon. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);

    private final String hosts;
    private final String root;
    private final ZooKeeper zk;

    private ZooKeeperStateStore(String hosts, String root, ZooKeeper zk) {
        this.hosts = hosts;
        this.root = root;
        this.zk = zk;
    }

    /**
     * Opens a session and waits until it is connected (at most the session timeout).
     *
     * @param connect {@code host:port[,host:port...][/chroot]}
     * @throws ClusterUnreachableException when no server answers in time (nothing was touched)
     * @throws IllegalArgumentException for a malformed connect string
     */
    public static ZooKeeperStateStore connect(String connect, Duration sessionTimeout) {
        Objects.requireNonNull(connect, "connect");
        int slash = connect.indexOf('/');
        String hosts = slash < 0 ? connect.trim() : connect.substring(0, slash).trim();
        String root = slash < 0 ? ZooKeeperPaths.DEFAULT_ROOT : connect.substring(slash);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("ZooKeeper connect string '" + connect + "' names no server");
        }
        ZooKeeperPaths.clusterPath(root, "x"); // validates the root
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = event -> {
            switch (event.getState()) {
                case SyncConnected -> connected.countDown();
                case Expired -> LOG.warn("ZooKeeper session for kupgrade's state on {} expired: a lock held in it is"
                        + " lost", hosts);
                default -> {
                }
            }
        };
        ZooKeeper zk;
        try {
            zk = new ZooKeeper(hosts, (int) sessionTimeout.toMillis(), watcher);
        } catch (IOException | IllegalArgumentException e) {
            throw new ClusterUnreachableException("ZooKeeper state store " + hosts + ": " + e.getMessage(), e);
        }
        try {
            if (!connected.await(sessionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                closeQuietly(zk);
                throw new ClusterUnreachableException("ZooKeeper state store " + hosts + " did not answer within "
                        + sessionTimeout.toSeconds() + " s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(zk);
            throw new ClusterUnreachableException("interrupted while connecting to ZooKeeper " + hosts, e);
        }
        return new ZooKeeperStateStore(hosts, root, zk);
    }

    /** {@code <root>/<clusterName>}. */
    public String clusterPath(String clusterName) {
        return ZooKeeperPaths.clusterPath(root, clusterName);
    }

    /** Takes the cluster's lock in this session; see {@link ZooKeeperClusterLock#acquire}. */
    public ZooKeeperClusterLock lock(String clusterName, String holderDescription) {
        return ZooKeeperClusterLock.acquire(zk, clusterPath(clusterName), clusterName, holderDescription);
    }

    /** The journal of the holder of {@code lock}: every append checks the lock is still held. */
    public ZooKeeperJournal journal(String clusterName, ZooKeeperClusterLock lock) {
        if (lock.zooKeeper() != zk) {
            throw new IllegalArgumentException("the lock belongs to another ZooKeeper session");
        }
        return ZooKeeperJournal.forLockHolder(zk, clusterPath(clusterName), lock.nodePath(), lock.fencingToken());
    }

    /** The cluster's journal for reading only (status, dry run). */
    public ZooKeeperJournal readOnlyJournal(String clusterName) {
        return ZooKeeperJournal.readOnly(zk, clusterPath(clusterName));
    }

    /**
     * The cluster's pause marker ({@code <root>/<cluster>/pause}) in this session; read and written without the
     * lock. Closing the marker does not end the session.
     */
    public ZooKeeperPauseMarker pauseMarker(String clusterName) {
        return new ZooKeeperPauseMarker(zk, clusterPath(clusterName), hosts);
    }

    /** Who holds the cluster's lock, if anyone. */
    public Optional<LockHolder> holder(String clusterName) {
        return ZooKeeperClusterLock.currentHolder(zk, clusterPath(clusterName));
    }

    /** {@code zookeeper://zk-1:2181,zk-2:2181/kupgrade/<cluster>}, for people. */
    public String describe(String clusterName) {
        return "zookeeper://" + hosts + clusterPath(clusterName);
    }

    /** This store's session id (tests end it from outside to prove fencing). */
    public long sessionId() {
        return zk.getSessionId();
    }

    /** This session's password, with {@link #sessionId()}. */
    public byte[] sessionPassword() {
        return zk.getSessionPasswd();
    }

    /** Ends the session: ZooKeeper drops its ephemeral lock node at once. */
    @Override
    public void close() {
        closeQuietly(zk);
    }

    private static void closeQuietly(ZooKeeper zk) {
        boolean interrupted = Thread.interrupted();
        try {
            zk.close();
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "ZooKeeperStateStore[" + hosts + root + "]";
    }
}
