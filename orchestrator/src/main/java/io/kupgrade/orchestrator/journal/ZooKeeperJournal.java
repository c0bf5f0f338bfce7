package io.kupgrade.orchestrator.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kupgrade.orchestrator.lock.LockLostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal in ZooKeeper, beside the ZooKeeper lock: one persistent sequential znode per entry,
 * {@code <root>/<cluster>/journal/e-NNNNNNNNNN}, holding the same JSON as a {@link FileJournal} line (plus the
 * appender's fencing token and an append id, which readers ignore). ZooKeeper's sequence numbers give the
 * order; an append returns once the ZooKeeper quorum has written it (ZooKeeper syncs its transaction log).
 *
 * <p>Fencing: every append is one ZooKeeper {@code multi} of {@code check(lock node)} and the create, so it
 * succeeds only while the appender's lock node exists, that is while its session lives. When the lock is lost
 * (session expired after a pause or a partition; the node removed) the append throws
 * {@link LockLostException} and writes nothing. After a connection loss (the session may still be alive) the
 * append waits for the client to reconnect, looks whether its entry landed (by append id) and retries only
 * if it did not, so an entry is never written twice.
 *
 * <p>A journal built with {@link #readOnly} (for {@code status} and dry runs) refuses appends. Entries
 * already read are cached (only the holder of the lock appends, and entries are never changed), so reading
 * the journal once per step costs one {@code getChildren} plus the new entries. Thread-safe. Does not own the
 * ZooKeeper client.
 */
public final class ZooKeeperJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NODE_PREFIX = "e-";
    static final String APPEND_ID = "appendId";
    static final String LOCK_TOKEN = "lockToken";
    /** Below ZooKeeper's default 1 MiB znode limit (jute.maxbuffer) with room for the request around it. */
    static final int MAX_ENTRY_BYTES = 900 * 1024;
    private static final int APPEND_ATTEMPTS = 5;

    private final ZooKeeper zk;
    private final String dir;
    private final String lockNode;
    private final long fencingToken;
    private final Duration reconnectWait;
    private final TreeMap<Long, JournalEntry> cache = new TreeMap<>();
    private boolean dirEnsured;
    private final String clusterPath;
    /** For the nodes it creates: open, or only for the session's user ({@code state.auth}). */
    private final List<ACL> acl;

    private ZooKeeperJournal(ZooKeeper zk, String clusterPath, String lockNode, long fencingToken, List<ACL> acl) {
        this.zk = Objects.requireNonNull(zk, "zk");
        this.clusterPath = Objects.requireNonNull(clusterPath, "clusterPath");
        this.dir = journalDir(clusterPath);
        this.acl = acl;
        this.lockNode = lockNode;
        this.fencingToken = fencingToken;
        // the session either comes back within its timeout or is gone
        this.reconnectWait = Duration.ofMillis(Math.max(zk.getSessionTimeout(), 1000) + 1000L);
    }

    /**
     * The journal of the cluster at {@code clusterPath}, appended to by the holder of the lock node
     * {@code lockNodePath} (a {@code ZooKeeperClusterLock}'s node in the same session).
     */
    public static ZooKeeperJournal forLockHolder(ZooKeeper zk, String clusterPath, String lockNodePath,
                                                 long fencingToken) {
        return forLockHolder(zk, clusterPath, lockNodePath, fencingToken, ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    /** As {@link #forLockHolder(ZooKeeper, String, String, long)}, creating the journal's nodes with {@code acl}. */
    public static ZooKeeperJournal forLockHolder(ZooKeeper zk, String clusterPath, String lockNodePath,
                                                 long fencingToken, List<ACL> acl) {
        return new ZooKeeperJournal(zk, clusterPath, Objects.requireNonNull(lockNodePath, "lockNodePath"),
                fencingToken, Objects.requireNonNull(acl, "acl"));
    }

    /** The journal of the cluster at {@code clusterPath}, for reading only: {@link #append} throws. */
    public static ZooKeeperJournal readOnly(ZooKeeper zk, String clusterPath) {
        return new ZooKeeperJournal(zk, clusterPath, null, -1, ZooDefs.Ids.OPEN_ACL_UNSAFE);
    }

    /** {@code clusterPath/journal}. */
    public static String journalDir(String clusterPath) {
        return clusterPath + "/journal";
    }

    /** Where the entries live, for people ({@code status}). */
    public String dir() {
        return dir;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Works on an interrupted thread too (the entry that records an interruption must be written).
     *
     * @throws LockLostException when this run's lock node is gone or its session expired: nothing was written
     *     (or, after a connection loss that ended in expiry, the last entry may or may not be there)
     * @throws IllegalStateException for a read-only journal, an entry over 900 KiB, or ZooKeeper failing
     */
    @Override
    public synchronized void append(JournalEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (lockNode == null) {
            throw new IllegalStateException("the ZooKeeper journal " + dir + " was opened for reading only");
        }
        boolean interrupted = Thread.interrupted();
        try {
            appendNow(entry);
        } catch (InterruptedException e) {
            interrupted = true;
            throw new IllegalStateException("interrupted while appending to the ZooKeeper journal " + dir, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void appendNow(JournalEntry entry) throws InterruptedException {
        String appendId = UUID.randomUUID().toString();
        byte[] data = serialize(entry, appendId);
        if (data.length > MAX_ENTRY_BYTES) {
            throw new IllegalStateException("journal entry of " + data.length + " bytes is over the ZooKeeper"
                    + " journal's limit of " + MAX_ENTRY_BYTES + " bytes: " + entry.step() + " " + entry.event());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                if (!dirEnsured) {
                    ZooKeeperPaths.ensure(zk, dir, clusterPath, acl);
                    dirEnsured = true;
                }
                List<OpResult> results = zk.multi(List.of(Op.check(lockNode, -1),
                        Op.create(dir + "/" + NODE_PREFIX, data, acl,
                                CreateMode.PERSISTENT_SEQUENTIAL)));
                String path = ((OpResult.CreateResult) results.get(1)).getPath();
                cache.put(ZooKeeperPaths.sequence(path), entry);
                return;
            } catch (KeeperException.SessionExpiredException e) {
                throw lost("its ZooKeeper session expired", e);
            } catch (KeeperException.ConnectionLossException e) {
                if (!ZooKeeperPaths.awaitConnected(zk, reconnectWait)) {
                    throw lost("the connection to ZooKeeper was lost and the session did not come back within "
                            + reconnectWait.toSeconds() + " s (the last entry may or may not be recorded)", e);
                }
                if (landed(appendId, entry)) {
                    return;
                }
                if (attempt >= APPEND_ATTEMPTS) {
                    throw new IllegalStateException("cannot append to the ZooKeeper journal " + dir + ": connection"
                            + " lost " + attempt + " times", e);
                }
                LOG.warn("ZooKeeper connection lost while appending to {}; reconnected, the entry was not recorded:"
                        + " appending again", dir);
            } catch (KeeperException e) {
                if (lockCheckFailed(e)) {
                    throw lost("its lock node " + lockNode + " is gone", e);
                }
                throw new IllegalStateException("cannot append to the ZooKeeper journal " + dir + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** True when the multi failed on its first op, the check of the lock node. */
    private static boolean lockCheckFailed(KeeperException e) {
        List<OpResult> results = e.getResults();
        if (results == null || results.isEmpty()) {
            return e.code() == KeeperException.Code.NONODE && e.getPath() != null && e.getPath().endsWith("/lock");
        }
        return results.get(0) instanceof OpResult.ErrorResult err
                && err.getErr() == KeeperException.Code.NONODE.intValue();
    }

    private LockLostException lost(String why, Exception cause) {
        return new LockLostException("this run no longer holds the cluster's lock: " + why + "; another run may"
                + " hold it now, so this run stops here and records nothing more in " + dir, cause);
    }

    /** After a connection loss: whether the append with {@code appendId} was written before it. */
    private boolean landed(String appendId, JournalEntry entry) throws InterruptedException {
        long after = cache.isEmpty() ? -1 : cache.lastKey();
        try {
            for (String name : zk.getChildren(dir, false)) {
                if (!name.startsWith(NODE_PREFIX) || ZooKeeperPaths.sequence(name) <= after) {
                    continue;
                }
                byte[] data = zk.getData(dir + "/" + name, false, null);
                if (appendId.equals(JSON.readTree(data).path(APPEND_ID).asText(null))) {
                    cache.put(ZooKeeperPaths.sequence(name), entry);
                    return true;
                }
            }
            return false;
        } catch (KeeperException.SessionExpiredException e) {
            throw lost("its ZooKeeper session expired", e);
        } catch (KeeperException | java.io.IOException e) {
            throw new IllegalStateException("cannot tell whether the last append to the ZooKeeper journal " + dir
                    + " was recorded: " + e.getMessage(), e);
        }
    }

    private byte[] serialize(JournalEntry entry, String appendId) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(FileJournal.toJson(entry));
            node.put(LOCK_TOKEN, fencingToken);
            node.put(APPEND_ID, appendId);
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize journal entry", e);
        }
    }

    /**
     * {@inheritDoc} A cluster with no journal yet has an empty one.
     *
     * @throws IllegalStateException when ZooKeeper cannot be read, or an entry is not a journal entry (naming it)
     */
    @Override
    public synchronized List<JournalEntry> entries() {
        boolean interrupted = Thread.interrupted();
        try {
            return read();
        } catch (InterruptedException e) {
            interrupted = true;
            throw new IllegalStateException("interrupted while reading the ZooKeeper journal " + dir, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private List<JournalEntry> read() throws InterruptedException {
        List<String> names;
        try {
            names = zk.getChildren(dir, false);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot read the ZooKeeper journal " + dir + ": " + e.getMessage(), e);
        }
        List<String> missing = names.stream().filter(n -> n.startsWith(NODE_PREFIX))
                .filter(n -> !cache.containsKey(ZooKeeperPaths.sequence(n))).toList();
        if (!missing.isEmpty()) {
            fetch(missing);
        }
        return new ArrayList<>(cache.values());
    }

    /** Reads the entries named, pipelined (one round trip for all instead of one each). */
    private void fetch(List<String> names) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(names.size());
        byte[][] data = new byte[names.size()][];
        int[] codes = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            int index = i;
            zk.getData(dir + "/" + names.get(i), false, (rc, path, ctx, bytes, stat) -> {
                codes[index] = rc;
                data[index] = bytes;
                done.countDown();
            }, null);
        }
        long timeoutMs = Math.max(zk.getSessionTimeout(), 1000) * 2L;
        if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("reading the ZooKeeper journal " + dir + " timed out");
        }
        Map<Long, JournalEntry> read = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            KeeperException.Code code = KeeperException.Code.get(codes[i]);
            if (code == KeeperException.Code.NONODE) {
                continue; // removed by hand meanwhile
            }
            if (code != KeeperException.Code.OK) {
                throw new IllegalStateException("cannot read " + dir + "/" + names.get(i) + ": "
                        + KeeperException.create(code).getMessage());
            }
            try {
                read.put(ZooKeeperPaths.sequence(names.get(i)),
                        FileJournal.fromJson(new String(data[i], StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException e) {
                throw new JournalDamagedException("ZooKeeper journal node " + dir + "/" + names.get(i)
                        + " is not a journal entry (" + e.getMessage() + "); it was damaged or edited by hand", e);
            }
        }
        cache.putAll(read);
    }

    @Override
    public String toString() {
        return "ZooKeeperJournal[" + dir + (lockNode == null ? ", read-only" : ", lock " + lockNode) + "]";
    }
}
