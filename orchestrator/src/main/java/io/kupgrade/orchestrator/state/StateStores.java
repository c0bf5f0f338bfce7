package io.kupgrade.orchestrator.state;

import io.kupgrade.orchestrator.engine.RunRefusedException;
import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.StateDirs;
import io.kupgrade.orchestrator.lock.ClusterLock;
import io.kupgrade.orchestrator.lock.FileClusterLock;
import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.orchestrator.lock.ZooKeeperClusterLock;
import io.kupgrade.orchestrator.pause.FilePauseMarker;
import io.kupgrade.orchestrator.pause.Pause;
import io.kupgrade.orchestrator.pause.PauseMarker;
import io.kupgrade.orchestrator.pause.ZooKeeperPauseMarker;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.StateSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one place that picks where a cluster's journal, lock and pause marker live, from the plan's
 * {@code state:} section ({@link Plan#state()}): files under the state directory (the default) or ZooKeeper
 * ({@link ZooKeeperStateStore}). {@code apply}, {@code rollback}, {@code status}, {@code pause}/{@code resume}
 * and {@code topic-format} go through here. Stateless and thread-safe.
 */
public final class StateStores {
    private StateStores() {
    }

    /** A held cluster lock and the journal appended under it. Closing releases the lock (and its session). */
    public interface Held extends AutoCloseable {
        ClusterLock lock();

        /** The journal; with ZooKeeper, an append after the lock was lost throws {@code LockLostException}. */
        Journal journal();

        /** Where the state lives, for people ({@code /home/op/.kupgrade/state/prod}, {@code zookeeper://zk:2181/kupgrade/prod}). */
        String location();

        /**
         * The cluster's pause marker beside the journal, in the same ZooKeeper session as the lock (the check a
         * running apply makes between brokers); closed with this.
         */
        PauseMarker pauseMarker();

        @Override
        void close();
    }

    /**
     * Takes the lock of the plan's cluster and opens its journal.
     *
     * @param stateDir for file state; null = {@code ~/.kupgrade/state}
     * @param command what is being run, shown to whoever finds the cluster locked
     * @throws io.kupgrade.orchestrator.lock.LockHeldException when another run holds the lock
     * @throws io.kupgrade.gates.ClusterUnreachableException when the ZooKeeper state store does not answer
     */
    public static Held acquire(Plan plan, Path stateDir, String command) {
        String cluster = plan.cluster().name();
        if (!zookeeper(plan)) {
            Path dir = dir(stateDir);
            FileClusterLock lock = FileClusterLock.acquire(dir, cluster, command);
            return new FileHeld(lock, FileJournal.forCluster(dir, cluster),
                    StateDirs.clusterDir(dir, cluster).toAbsolutePath().toString(),
                    FilePauseMarker.forCluster(dir, cluster));
        }
        ZooKeeperStateStore store = connect(plan);
        try {
            ZooKeeperClusterLock lock = store.lock(cluster, command);
            return new ZooKeeperHeld(store, lock, store.journal(cluster, lock), store.describe(cluster),
                    store.pauseMarker(cluster));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The plan's cluster's journal, read without taking the lock (status, dry run); empty when there is none.
     *
     * @throws io.kupgrade.gates.ClusterUnreachableException when the ZooKeeper state store does not answer
     */
    public static List<JournalEntry> readJournal(Plan plan, Path stateDir) {
        String cluster = plan.cluster().name();
        if (!zookeeper(plan)) {
            Path file = StateDirs.clusterDir(dir(stateDir), cluster).resolve(FileJournal.FILE_NAME);
            return Files.exists(file) ? new FileJournal(file).entries() : List.of();
        }
        try (ZooKeeperStateStore store = connect(plan)) {
            return store.readOnlyJournal(cluster).entries();
        }
    }

    /**
     * The plan's cluster's pause marker, where its state lives ({@code kupgrade pause}/{@code resume},
     * {@code status}, {@code apply}'s refusal to start while paused): read and written without the lock. With
     * ZooKeeper it opens a session of its own, which closing the marker ends.
     *
     * @throws io.kupgrade.gates.ClusterUnreachableException when the ZooKeeper state store does not answer
     */
    public static PauseMarker pauseMarker(Plan plan, Path stateDir) {
        String cluster = plan.cluster().name();
        if (!zookeeper(plan)) {
            return FilePauseMarker.forCluster(dir(stateDir), cluster);
        }
        ZooKeeperStateStore store = connect(plan);
        return new SessionPauseMarker(store.pauseMarker(cluster), store);
    }

    /** Who holds the lock of the plan's cluster, if anyone. */
    public static Optional<LockHolder> holder(Plan plan, Path stateDir) {
        String cluster = plan.cluster().name();
        if (!zookeeper(plan)) {
            return FileClusterLock.currentHolder(dir(stateDir), cluster);
        }
        try (ZooKeeperStateStore store = connect(plan)) {
            return store.holder(cluster);
        }
    }

    /** Where the journal of the plan's cluster lives, for people; touches nothing. */
    public static String journalLocation(Plan plan, Path stateDir) {
        String cluster = plan.cluster().name();
        if (!zookeeper(plan)) {
            return StateDirs.clusterDir(dir(stateDir), cluster).resolve(FileJournal.FILE_NAME).toString();
        }
        String connect = plan.state().zookeeperConnect();
        int slash = connect.indexOf('/');
        String hosts = slash < 0 ? connect : connect.substring(0, slash);
        String root = slash < 0 ? null : connect.substring(slash);
        return "zookeeper://" + hosts + io.kupgrade.orchestrator.journal.ZooKeeperJournal.journalDir(
                io.kupgrade.orchestrator.journal.ZooKeeperPaths.clusterPath(root, cluster));
    }

    private static boolean zookeeper(Plan plan) {
        return plan.state() != null && plan.state().store() == StateSpec.Store.ZOOKEEPER;
    }

    /** A session on the plan's ZooKeeper state store, checked for access to the cluster's nodes. */
    private static ZooKeeperStateStore connect(Plan plan) {
        ZooKeeperStateStore store;
        try {
            store = ZooKeeperStateStore.connect(plan.state().zookeeperConnect(), sessionTimeout(),
                    plan.state().zookeeperAuth());
        } catch (IllegalArgumentException e) {
            throw new RunRefusedException(e.getMessage());
        }
        try {
            store.checkAccess(plan.cluster().name());
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** {@link ZooKeeperStateStore#DEFAULT_SESSION_TIMEOUT}; {@code -Dkupgrade.zookeeper.sessionTimeoutMs} for tests. */
    private static Duration sessionTimeout() {
        Long ms = Long.getLong("kupgrade.zookeeper.sessionTimeoutMs");
        return ms == null ? ZooKeeperStateStore.DEFAULT_SESSION_TIMEOUT : Duration.ofMillis(ms);
    }

    private static Path dir(Path stateDir) {
        return stateDir != null ? stateDir : StateDirs.defaultStateDir();
    }

    private record FileHeld(FileClusterLock lock, Journal journal, String location, PauseMarker pauseMarker)
            implements Held {
        @Override
        public void close() {
            lock.close();
        }
    }

    private record ZooKeeperHeld(ZooKeeperStateStore store, ZooKeeperClusterLock lock, Journal journal,
                                 String location, PauseMarker pauseMarker) implements Held {
        @Override
        public void close() {
            try {
                lock.close();
            } finally {
                store.close();
            }
        }
    }

    /** A ZooKeeper pause marker with a session of its own: closing it ends the session. */
    private record SessionPauseMarker(ZooKeeperPauseMarker marker, ZooKeeperStateStore store) implements PauseMarker {
        @Override
        public Optional<Pause> read() {
            return marker.read();
        }

        @Override
        public void write(Pause pause) {
            marker.write(pause);
        }

        @Override
        public Optional<Pause> clear() {
            return marker.clear();
        }

        @Override
        public String location() {
            return marker.location();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
