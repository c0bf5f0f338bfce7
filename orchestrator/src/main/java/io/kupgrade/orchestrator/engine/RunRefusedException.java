package io.kupgrade.orchestrator.engine;

/**
 * The run cannot start as asked, and nothing was touched: the journal belongs to another plan, the
 * selection names an unknown or out-of-order phase or wave. The message is one line for the user.
 */
public final class RunRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunRefusedException(String message) {
        super(message, null, false, false);
    }
}
