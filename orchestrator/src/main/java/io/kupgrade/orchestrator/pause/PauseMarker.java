package io.kupgrade.orchestrator.pause;

import io.kupgrade.orchestrator.engine.PauseCheck;
import java.util.Optional;

/**
 * A cluster's pause ({@code kupgrade pause}), kept where the plan's {@code state:} keeps the journal and the
 * lock, so that every machine that runs kupgrade against the cluster sees it: a file beside the file journal
 * ({@link FilePauseMarker}) or a znode beside the ZooKeeper journal ({@link ZooKeeperPauseMarker}); chosen by
 * {@code state.StateStores}. Its presence is the pause: a running {@code apply} checks it between brokers
 * ({@link PauseCheck}), a new {@code apply} refuses to start while it exists, {@code kupgrade resume} removes it.
 * A marker kupgrade did not write (empty, edited by hand) still counts as a pause.
 *
 * <p>Every method throws when the marker's store cannot be read or written ({@link java.io.UncheckedIOException}
 * for a file, {@link io.kupgrade.gates.ClusterUnreachableException} for ZooKeeper): never "not paused" for
 * "cannot tell". A running {@code apply} then halts between brokers, saying why. Thread-safe.
 */
public interface PauseMarker extends PauseCheck, AutoCloseable {

    /** The pause in effect, if any. */
    Optional<Pause> read();

    /** Sets the pause, replacing an earlier one. */
    void write(Pause pause);

    /**
     * Removes the pause.
     *
     * @return the pause that was removed; empty when there was none
     */
    Optional<Pause> clear();

    /**
     * Where the marker lives, for people ({@code /home/op/.kupgrade/state/prod/pause},
     * {@code zookeeper://zk:2181/kupgrade/prod/pause}).
     */
    String location();

    @Override
    default Optional<String> pausedBecause() {
        return read().map(Pause::describe);
    }

    /**
     * Releases what the marker opened for itself (a ZooKeeper session); a marker in a held lock's session closes
     * nothing.
     */
    @Override
    default void close() {
    }
}
