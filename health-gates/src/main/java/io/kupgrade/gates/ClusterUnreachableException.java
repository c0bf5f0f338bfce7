package io.kupgrade.gates;

/** The cluster could not be read (timeout, no broker reachable, authentication failure). */
public class ClusterUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
