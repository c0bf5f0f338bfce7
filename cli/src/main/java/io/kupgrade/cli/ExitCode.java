package io.kupgrade.cli;

/**
 * Every exit code kupgrade returns, decided here and nowhere else (documented in docs/exit-codes.md).
 * Scripts and CI branch on these: keep them stable.
 */
public enum ExitCode {
    /** Done: the plan (or the requested wave) finished; the cluster is healthy; the plan is valid. */
    OK(0),
    /** An unexpected internal error: a bug in kupgrade. The message says what failed. */
    INTERNAL_ERROR(1),
    /** Invalid input: a bad option, an invalid plan, a missing file. Nothing was touched. */
    INVALID_INPUT(2),
    /**
     * Halted by a gate before a broker was stopped, or paused ({@code kupgrade pause}) between brokers, or refused
     * to start because the cluster is paused: the cluster is as safe as it was found; resumable.
     */
    HALTED(3),
    /** Failed: a broker did not come back (or a step failed after a stop); a broker may need attention. */
    FAILED(4),
    /** {@code check}: the cluster is not healthy (a gate failed or could not decide). */
    UNHEALTHY(5),
    /** Another run holds the cluster's lock. */
    LOCKED(6),
    /** The cluster or a host could not be reached; nothing was changed by this run. */
    UNREACHABLE(7),
    /** Refused as unsafe before anything was touched: a rollback across a point of no return, not forced. */
    REFUSED(8),
    /** Interrupted (Ctrl-C / SIGTERM); the journal is consistent; resumable. 128 + SIGINT as shells do. */
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
