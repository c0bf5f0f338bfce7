package io.kupgrade.orchestrator.engine;

/**
 * How a run ended, decided in one place (the runner) and mapped by the CLI to exit codes.
 */
public enum OutcomeKind {
    /** The selection (or the whole plan) is done; nothing is pending in this run. Exit 0. */
    DONE,
    /** A gate halted the run before a broker was stopped (or during a soak / before finalize): the cluster is
     *  as safe as it was found; {@code apply} again resumes. */
    HALTED,
    /** A step failed after a broker was stopped (it did not exit, did not come back, a command failed): a
     *  broker may need attention; {@code apply} again resumes it once fixed. */
    FAILED,
    /** Interrupted (Ctrl-C): nothing new was started after the signal; the journal is consistent. */
    INTERRUPTED,
    /** A point-of-no-return phase was not confirmed; nothing of it was done. */
    DECLINED
}
