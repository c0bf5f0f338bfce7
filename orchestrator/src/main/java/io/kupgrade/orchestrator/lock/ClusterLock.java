package io.kupgrade.orchestrator.lock;

/**
 * Exclusive right to run against one cluster: at most one {@code apply}/{@code rollback} per cluster name.
 * Held until {@link #close()}; implementations: a local lock file ({@link FileClusterLock}); ZooKeeper later.
 */
public interface ClusterLock extends AutoCloseable {
    /** Who holds this lock (this process). */
    LockHolder holder();

    /** Releases the lock. Idempotent. */
    @Override
    void close();
}
