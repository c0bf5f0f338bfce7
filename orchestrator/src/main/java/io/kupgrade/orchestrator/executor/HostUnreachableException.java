package io.kupgrade.orchestrator.executor;

/** The host could not be reached or the connection dropped: retryable, the command's effect is unknown. */
public class HostUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HostUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
