package io.kupgrade.orchestrator.state;

/**
 * ZooKeeper refuses this run kupgrade's state of the cluster (its nodes were created with other
 * {@code state.auth} credentials). Nothing was touched.
 */
public final class StateAccessDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateAccessDeniedException(String message) {
        super(message);
    }
}
