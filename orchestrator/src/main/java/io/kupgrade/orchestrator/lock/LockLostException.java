package io.kupgrade.orchestrator.lock;

/**
 * This run no longer holds the cluster's lock (its ZooKeeper session expired: a long pause, a partition), so
 * the state store refused to record anything more. The run must stop acting at once: another run may already
 * hold the lock. Thrown by {@code ZooKeeperJournal.append}; the runner ends the run on it.
 */
public class LockLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LockLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
