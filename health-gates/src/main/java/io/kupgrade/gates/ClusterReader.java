package io.kupgrade.gates;

/**
 * Reads the cluster's state. One {@link #read()} per poll, shared by all gates of that poll.
 * Implementations own their clients; close them with {@link #close()}.
 */
public interface ClusterReader extends AutoCloseable {
    /**
     * Reads a fresh snapshot.
     *
     * @throws ClusterUnreachableException when the cluster cannot be read (a gate wait treats it as not passing)
     */
    ClusterSnapshot read();

    /**
     * Re-reads now whatever this reader caches between reads that a stop decision depends on (topic
     * {@code min.insync.replicas}, the brokers' default), so that the next {@link #read()} reflects it. Called
     * before every {@code canStop} wait: an operator may raise a topic's min ISR in the middle of a roll.
     *
     * @return true when something changed since it was last read (snapshots read before then are stale)
     * @throws ClusterUnreachableException when the cluster cannot be read
     */
    default boolean refreshCachedConfigs() {
        return false;
    }

    @Override
    void close();
}
