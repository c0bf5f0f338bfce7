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

    @Override
    void close();
}
