package io.kupgrade.orchestrator.lock;

import io.kupgrade.orchestrator.journal.ZooKeeperPaths;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster lock in ZooKeeper, for teams that run kupgrade from several machines: an ephemeral sequential
 * znode {@code <root>/<cluster>/lock/holder-NNNNNNNNNN} holding the holder's user@host, pid, process start and
 * command as JSON (the file lock's format). The lowest sequence number holds the lock; any other contender
 * removes its node and gets {@link LockHeldException} naming the holder. No waiting, no queue: a second
 * {@code apply} is refused, as with the file lock.
 *
 * <p>Fencing: the node lives exactly as long as the holder's ZooKeeper session. The {@link #fencingToken()} is
 * its sequence number (it only grows: a later holder always has a larger one). Every journal append of the
 * holder is a ZooKeeper {@code multi} that checks this node still exists ({@code ZooKeeperJournal}), so a
 * holder that was paused or partitioned long enough for its session to expire cannot record anything more,
 * even if it does not know yet: ZooKeeper rejects the transaction, and the run ends with
 * {@link LockLostException}.
 *
 * <p>A holder on this host whose process is gone (killed with SIGKILL) leaves its node until its session
 * expires; a new run on the same host sees the pid is gone and takes over at once, with a warning (as the file
 * lock does). A holder on another host cannot be proven dead from here: its node disappears when its session
 * expires (the session timeout, 15 s by default), and the message says so.
 *
 * <p>Does not own the ZooKeeper client (the caller closes it). Thread-safe.
 */
public final class ZooKeeperClusterLock implements ClusterLock {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperClusterLock.class);
    static final String NODE_PREFIX = "holder-";
    private static final int ATTEMPTS = 10;

    private final ZooKeeper zk;
    private final String nodePath;
    private final long fencingToken;
    private final LockHolder holder;
    private volatile boolean closed;

    private ZooKeeperClusterLock(ZooKeeper zk, String nodePath, LockHolder holder) {
        this.zk = zk;
        this.nodePath = nodePath;
        this.fencingToken = ZooKeeperPaths.sequence(nodePath);
        this.holder = holder;
    }

    /**
     * Takes the lock of the cluster whose state lives at {@code clusterPath} ({@link ZooKeeperPaths#clusterPath}).
     *
     * @param holderDescription the command being run, shown to whoever finds the cluster locked
     * @throws LockHeldException when another run holds it
     * @throws IllegalStateException when ZooKeeper refuses or fails the operations (the message says which)
     */
    public static ZooKeeperClusterLock acquire(ZooKeeper zk, String clusterPath, String clusterName,
                                               String holderDescription) {
        return acquire(zk, clusterPath, clusterName, holderDescription, ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    /** As {@link #acquire(ZooKeeper, String, String, String)}, creating the lock's nodes with {@code acl}. */
    public static ZooKeeperClusterLock acquire(ZooKeeper zk, String clusterPath, String clusterName,
                                               String holderDescription, List<ACL> acl) {
        String dir = lockDir(clusterPath);
        LockHolder me = LockHolder.current(holderDescription);
        String ours = null;
        try {
            ZooKeeperPaths.ensure(zk, dir, clusterPath, acl);
            ours = zk.create(dir + "/" + NODE_PREFIX, (FileClusterLock.toJson(me) + "\n").getBytes(StandardCharsets.UTF_8),
                    acl, CreateMode.EPHEMERAL_SEQUENTIAL);
            String ourName = ours.substring(dir.length() + 1);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                List<String> holders = holders(zk, dir);
                String lowest = holders.get(0);
                if (lowest.equals(ourName)) {
                    ZooKeeperClusterLock lock = new ZooKeeperClusterLock(zk, ours, me);
                    ours = null;
                    LOG.debug("took the ZooKeeper lock {} (fencing token {})", lock.nodePath, lock.fencingToken);
                    return lock;
                }
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = zk.getData(dir + "/" + lowest, false, stat);
                } catch (KeeperException.NoNodeException e) {
                    continue; // released meanwhile: look again
                }
                LockHolder other = FileClusterLock.parse(new String(data, StandardCharsets.UTF_8));
                if (other != null && other.deadOnThisHost()) {
                    LOG.warn("cluster '{}': taking over the ZooKeeper lock of {} (that process is gone; its session"
                            + " would expire on its own)", clusterName, other.describe());
                    try {
                        zk.delete(dir + "/" + lowest, stat.getVersion());
                    } catch (KeeperException.NoNodeException e) {
                        // expired meanwhile
                    }
                    continue;
                }
                throw new LockHeldException("cluster '" + clusterName + "' is locked by "
                        + (other == null ? "(unreadable lock node)" : other.describe()) + " (ZooKeeper lock "
                        + dir + "/" + lowest + ", fencing token " + ZooKeeperPaths.sequence(lowest)
                        + "); if that run is gone, its node disappears when its ZooKeeper session expires", other);
            }
            throw new LockHeldException("cluster '" + clusterName + "': the ZooKeeper lock " + dir
                    + " keeps changing hands; another run is starting", null);
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot take the ZooKeeper lock " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while taking the ZooKeeper lock " + dir, e);
        } finally {
            if (ours != null) {
                deleteQuietly(zk, ours);
            }
        }
    }

    /** Who holds the lock of the cluster at {@code clusterPath}, if anyone (for {@code status}); does not lock. */
    public static Optional<LockHolder> currentHolder(ZooKeeper zk, String clusterPath) {
        String dir = lockDir(clusterPath);
        try {
            for (String name : holders(zk, dir)) {
                try {
                    byte[] data = zk.getData(dir + "/" + name, false, null);
                    LockHolder h = FileClusterLock.parse(new String(data, StandardCharsets.UTF_8));
                    return Optional.of(h == null ? new LockHolder("?", "?", -1, java.time.Instant.EPOCH,
                            "(unreadable lock node " + name + ")") : h);
                } catch (KeeperException.NoNodeException e) {
                    // released meanwhile: the next one, if any
                }
            }
            return Optional.empty();
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot read the ZooKeeper lock " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the ZooKeeper lock " + dir, e);
        }
    }

    /** {@code clusterPath/lock}: the parent of the holders' nodes. */
    public static String lockDir(String clusterPath) {
        return clusterPath + "/lock";
    }

    private static List<String> holders(ZooKeeper zk, String dir) throws KeeperException, InterruptedException {
        return zk.getChildren(dir, false).stream().filter(n -> n.startsWith(NODE_PREFIX))
                .sorted(Comparator.comparingLong(ZooKeeperPaths::sequence)).toList();
    }

    @Override
    public LockHolder holder() {
        return holder;
    }

    /** The lock node; journal appends check it still exists. */
    public String nodePath() {
        return nodePath;
    }

    /** The lock node's sequence number: larger for every later holder of this cluster's lock. */
    public long fencingToken() {
        return fencingToken;
    }

    /** The client session the lock lives in. */
    public ZooKeeper zooKeeper() {
        return zk;
    }

    /**
     * True while the node exists and this session is alive. Advisory: the journal's check on every append is what
     * actually fences a run that lost the lock.
     */
    public boolean isHeld() {
        if (closed || !zk.getState().isAlive()) {
            return false;
        }
        try {
            Stat stat = zk.exists(nodePath, false);
            return stat != null && stat.getEphemeralOwner() == zk.getSessionId();
        } catch (KeeperException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Deletes the lock node (when the session is still alive). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (zk.getState().isAlive()) {
            deleteQuietly(zk, nodePath);
        }
    }

    private static void deleteQuietly(ZooKeeper zk, String path) {
        boolean interrupted = Thread.interrupted(); // a release on an interrupted thread must still go through
        try {
            zk.delete(path, -1);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (KeeperException e) {
            LOG.warn("cannot delete ZooKeeper lock node {} ({}); it disappears when this session ends", path,
                    e.getMessage());
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
        return "ZooKeeperClusterLock[" + nodePath + ", token " + fencingToken + ", " + holder.describe() + "]";
    }
}
