package io.kupgrade.orchestrator.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;

/**
 * Small helpers shared by the ZooKeeper journal and lock: where a cluster's state lives
 * ({@code <root>/<cluster>/journal}, {@code <root>/<cluster>/lock}), creating persistent parents, reading the
 * sequence number ZooKeeper appends to a sequential node's name, and waiting out a connection loss.
 */
public final class ZooKeeperPaths {
    /** Where state lives when the connect string names no chroot. */
    public static final String DEFAULT_ROOT = "/kupgrade";

    private ZooKeeperPaths() {
    }

    /**
     * {@code root/clusterName}.
     *
     * @throws IllegalArgumentException when the cluster name cannot name one znode (the rules of
     *     {@link StateDirs#clusterDir})
     */
    public static String clusterPath(String root, String clusterName) {
        StateDirs.clusterDir(Path.of("/"), clusterName); // the same naming rules as the file store
        String r = root == null || root.isBlank() || root.equals("/") ? DEFAULT_ROOT : root;
        if (!r.startsWith("/") || r.endsWith("/")) {
            throw new IllegalArgumentException("ZooKeeper root '" + root + "' must start and must not end with '/'");
        }
        return r + "/" + clusterName;
    }

    /** Creates {@code path} and its missing parents as empty persistent znodes open to every client. */
    public static void ensure(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
        ensure(zk, path, path, ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    /**
     * Creates {@code path} and its missing parents as empty persistent znodes; an existing node is fine. The
     * parents above {@code clusterPath} (the root, which other clusters share) are created open to every client,
     * {@code clusterPath} and the nodes below it with {@code acl}.
     */
    public static void ensure(ZooKeeper zk, String path, String clusterPath, List<ACL> acl)
            throws KeeperException, InterruptedException {
        Objects.requireNonNull(path, "path");
        if (zk.exists(path, false) != null) {
            return;
        }
        int slash = 0;
        while (slash >= 0) {
            slash = path.indexOf('/', slash + 1);
            String prefix = slash < 0 ? path : path.substring(0, slash);
            try {
                zk.create(prefix, new byte[0], prefix.length() < clusterPath.length() ? ZooDefs.Ids.OPEN_ACL_UNSAFE
                        : acl, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                // created before, or by another run at the same moment
            }
        }
    }

    /** The 10-digit counter ZooKeeper appended to a sequential node's name ({@code e-0000000042} -> 42). */
    public static long sequence(String nodeName) {
        int i = nodeName.length();
        while (i > 0 && Character.isDigit(nodeName.charAt(i - 1))) {
            i--;
        }
        if (i == nodeName.length()) {
            throw new IllegalArgumentException("not a sequential node: " + nodeName);
        }
        return Long.parseLong(nodeName.substring(i));
    }

    /**
     * Waits until the client is connected again after a connection loss.
     *
     * @return true when connected; false when the session is gone (expired or closed) or {@code max} passed
     */
    public static boolean awaitConnected(ZooKeeper zk, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            ZooKeeper.States s = zk.getState();
            if (s == ZooKeeper.States.CONNECTED) { // not CONNECTEDREADONLY: writes would fail
                return true;
            }
            if (!s.isAlive()) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
