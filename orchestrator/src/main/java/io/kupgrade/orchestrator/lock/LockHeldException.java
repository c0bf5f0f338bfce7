package io.kupgrade.orchestrator.lock;

/**
 * Another run holds the cluster's lock. The message names the holder and, when the lock may be stale,
 * how to break it. {@link #holder()} is null when the lock file could not be read.
 */
public class LockHeldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient LockHolder holder;

    public LockHeldException(String message, LockHolder holder) {
        super(message);
        this.holder = holder;
    }

    public LockHolder holder() {
        return holder;
    }
}
