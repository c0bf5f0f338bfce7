package io.kupgrade.orchestrator.executor;

/**
 * kupgrade may not act on the host: its host key is unknown or changed, or authentication was refused.
 * Not retryable: a person must fix known_hosts, the key or the user. Nothing was run on the host.
 */
public class HostAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HostAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
