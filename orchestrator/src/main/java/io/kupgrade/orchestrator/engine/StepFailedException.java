package io.kupgrade.orchestrator.engine;

/**
 * A step ended other than by success, typed by what may happen next ({@link OutcomeKind}: HALTED before anything
 * was touched, FAILED once something may need attention). Thrown by {@link RunSupport}'s helpers and by the steps
 * of the runners that use them; the runner journals it and ends the run. No stack trace: the message is for
 * people.
 */
public final class StepFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final OutcomeKind kind;

    public StepFailedException(OutcomeKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    /** How the run ends because of it. */
    public OutcomeKind kind() {
        return kind;
    }
}
