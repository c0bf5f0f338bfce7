package io.kupgrade.orchestrator.zookeeper;

/**
 * The steps of a ZooKeeper ensemble roll, with their journal names (part of the journal format: add, never
 * rename). The per-server names are those of a broker's roll; the entries are told apart by their phase,
 * {@value io.kupgrade.plans.ZooKeeperEnsembleSpec#PHASE_NAME}, and their wave, {@code server-<id>}.
 */
public enum EnsembleStepKind {
    /** The ensemble is healthy and the Kafka cluster too; chooses the server when none is in progress. */
    PRE_STOP_GATES("pre-stop-gates"),
    STOP("stop"),
    /** isRunning fails within the stop timeout; never SIGKILL. */
    AWAIT_EXIT("await-exit"),
    INSTALL("install"),
    /** zoo.cfg edited with a backup beside it, its path journaled. */
    EDIT_CONFIG("edit-config"),
    START("start"),
    /** Running, serving as leader or follower, the leader sees every follower synced, Kafka healthy. */
    POST_START_GATES("post-start-gates"),
    SERVER_DONE("server-done"),
    /** Every server rolled. */
    ENSEMBLE_DONE("phase-done");

    private final String journalName;

    EnsembleStepKind(String journalName) {
        this.journalName = journalName;
    }

    public String journalName() {
        return journalName;
    }

    /** Steps between a server's stop and its post-start gates: the server may need attention if one fails. */
    public boolean serverDown() {
        return switch (this) {
            case STOP, AWAIT_EXIT, INSTALL, EDIT_CONFIG, START, POST_START_GATES -> true;
            default -> false;
        };
    }
}
