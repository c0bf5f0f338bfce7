package io.kupgrade.orchestrator.state;

import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.journal.ZooKeeperJournal;
import io.kupgrade.orchestrator.journal.ZooKeeperPaths;
import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.orchestrator.lock.ZooKeeperClusterLock;
import io.kupgrade.orchestrator.pause.ZooKeeperPauseMarker;
import io.kupgrade.plans.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ZooKeeper session for kupgrade's state: the lock ({@link ZooKeeperClusterLock}), the journal
 * ({@link ZooKeeperJournal}) and the pause marker ({@link ZooKeeperPauseMarker}) of a cluster live under
 * {@code <root>/<cluster>/}, where the root is the chroot of the connect string
 * ({@code zk-1:2181,zk-2:2181/kupgrade}), {@value ZooKeeperPaths#DEFAULT_ROOT} when it names none. The root
 * and the cluster's nodes are created on first use. Without credentials they are open to every client (no
 * ACL): use a dedicated chroot and, where ZooKeeper is shared, network access rules. With digest credentials
 * ({@code state.auth: user:password}) the cluster's node and everything below it are created readable and
 * writable by that user only ({@code CREATOR_ALL_ACL}); the root stays open, for other clusters' nodes. Nodes
 * created before the credentials were given keep their open ACL.
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
    /** The ACL of the nodes this store creates at and below a cluster's node. */
    private final List<ACL> acl;

    private ZooKeeperStateStore(String hosts, String root, ZooKeeper zk, List<ACL> acl) {
        this.hosts = hosts;
        this.root = root;
        this.zk = zk;
        this.acl = acl;
    }

    /** Opens a session without credentials: the nodes it creates are open to every client. */
    public static ZooKeeperStateStore connect(String connect, Duration sessionTimeout) {
        return connect(connect, sessionTimeout, null);
    }

    /**
     * Opens a session and waits until it is connected (at most the session timeout).
     *
     * @param connect {@code host:port[,host:port...][/chroot]}
     * @param auth ZooKeeper digest credentials, {@code user:password}, or null for none
     * @throws ClusterUnreachableException when no server answers in time (nothing was touched)
     * @throws IllegalArgumentException for a malformed connect string or credentials (never quoted)
     */
    public static ZooKeeperStateStore connect(String connect, Duration sessionTimeout, Secret auth) {
        Objects.requireNonNull(connect, "connect");
        byte[] credentials = null;
        if (auth != null) {
            String revealed = auth.reveal();
            int colon = revealed.indexOf(':');
            if (colon <= 0 || colon == revealed.length() - 1) {
                throw new IllegalArgumentException("state.auth (" + auth.masked() + ") must read user:password, the"
                        + " ZooKeeper digest credentials kupgrade's nodes are protected with");
            }
            credentials = revealed.getBytes(StandardCharsets.UTF_8);
        }
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
        if (credentials != null) {
            zk.addAuthInfo("digest", credentials);
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
        return new ZooKeeperStateStore(hosts, root, zk,
                credentials != null ? ZooDefs.Ids.CREATOR_ALL_ACL : ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    /**
     * Checks that this session may use the cluster's nodes, when they exist: a run without the credentials
     * the nodes were created with (or with others) is refused here, by name, rather than by whichever
     * operation first meets them. Warns when credentials are given but the nodes were created open.
     *
     * @throws StateAccessDeniedException when ZooKeeper refuses this session the cluster's node
     * @throws ClusterUnreachableException when ZooKeeper does not answer
     */
    public void checkAccess(String clusterName) {
        String path = clusterPath(clusterName);
        try {
            if (zk.exists(path, false) == null) {
                return;
            }
            List<ACL> current = zk.getACL(path, new Stat());
            zk.getChildren(path, false);
            if (acl != ZooDefs.Ids.OPEN_ACL_UNSAFE && current.equals(ZooDefs.Ids.OPEN_ACL_UNSAFE)) {
                LOG.warn("kupgrade's state at {}{} was created without state.auth and stays open to every ZooKeeper"
                        + " client; to protect it, delete that node while no run holds the lock (the journal goes"
                        + " with it) and let the next run create it", hosts, path);
            }
        } catch (KeeperException.NoAuthException e) {
            throw new StateAccessDeniedException("ZooKeeper refuses kupgrade's state at " + hosts + path + " to this"
                    + " session (NoAuth): its nodes were created with other credentials; give the plan the same"
                    + " state.auth (user:password) as the runs that created them");
        } catch (KeeperException e) {
            throw new ClusterUnreachableException("ZooKeeper state store " + hosts + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException("interrupted while reading ZooKeeper " + hosts + path, e);
        }
    }

    /** {@code <root>/<clusterName>}. */
    public String clusterPath(String clusterName) {
        return ZooKeeperPaths.clusterPath(root, clusterName);
    }

    /** Takes the cluster's lock in this session; see {@link ZooKeeperClusterLock#acquire}. */
    public ZooKeeperClusterLock lock(String clusterName, String holderDescription) {
        return ZooKeeperClusterLock.acquire(zk, clusterPath(clusterName), clusterName, holderDescription, acl);
    }

    /** The journal of the holder of {@code lock}: every append checks the lock is still held. */
    public ZooKeeperJournal journal(String clusterName, ZooKeeperClusterLock lock) {
        if (lock.zooKeeper() != zk) {
            throw new IllegalArgumentException("the lock belongs to another ZooKeeper session");
        }
        return ZooKeeperJournal.forLockHolder(zk, clusterPath(clusterName), lock.nodePath(), lock.fencingToken(),
                acl);
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
        return new ZooKeeperPauseMarker(zk, clusterPath(clusterName), hosts, null, acl);
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
