package io.kupgrade.orchestrator.engine;

import java.util.List;

/**
 * {@code kupgrade rollback} refused, before anything was touched: the phase, or a phase applied after it, is
 * a point of no return that brokers already run, or a later phase must be rolled back first. The message is
 * one line for the user: why, and what is still possible ({@code --force} overrides).
 */
public final class RollbackRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> reasons;

    public RollbackRefusedException(String message, List<String> reasons) {
        super(message, null, false, false);
        this.reasons = List.copyOf(reasons);
    }

    /** Each reason the rollback was refused for, one line each. */
    public List<String> reasons() {
        return reasons;
    }
}
