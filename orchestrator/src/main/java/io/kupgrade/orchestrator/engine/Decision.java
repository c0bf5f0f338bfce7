package io.kupgrade.orchestrator.engine;

/** What the engine decided: run one more step, or stop because the target is reached. */
public sealed interface Decision {

    /** Run {@code step} next. */
    record Next(Step step) implements Decision {
    }

    /**
     * Nothing more to do in this run.
     *
     * @param planDone true when every phase of the plan is done
     * @param message one line for people ("wave canary of phase binaries done; next: wave-2")
     */
    record Finished(boolean planDone, String message) implements Decision {
    }
}
