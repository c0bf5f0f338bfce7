package io.kupgrade.orchestrator.executor;

/**
 * The host presented a key that known_hosts does not vouch for: unknown (never recorded) or changed (a
 * different key is recorded: the host was reinstalled, or someone is in the middle). The message names the
 * host, port, key type and SHA256 fingerprint as {@code ssh-keygen -l} prints it. Nothing was run.
 */
public class HostKeyRejectedException extends HostAccessException {
    private static final long serialVersionUID = 1L;

    private final boolean changed;

    public HostKeyRejectedException(String message, boolean changed) {
        super(message, null);
        this.changed = changed;
    }

    /** True when known_hosts has a different key for the host; false when it has none. */
    public boolean changed() {
        return changed;
    }
}
