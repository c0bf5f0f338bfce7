package io.kupgrade.orchestrator.engine;

/**
 * The kinds of step a roll is made of, in the order they occur. {@link #journalName()} is the {@code step}
 * written to the journal; it is part of the journal's format: never rename one.
 */
public enum StepKind {
    /** A phase begins: its wave layout (which brokers, in which order) is fixed and journaled. */
    PHASE_START("phase-start", false),
    /** Resume only: is the process of a broker interrupted mid-roll running? */
    PROBE("probe", true),
    /**
     * {@code rollout.maxParallel > 1}: the cluster healthy, then the brokers of the wave that may stop together,
     * chosen from the live assignment at this moment and confirmed by canStop of the whole batch. Journaled
     * with the batch's brokers ({@link Journaling#BATCH}); each of them is then past its pre-stop gates, and
     * the batch goes through stop, await-exit, install, edit-config, start, post-start-gates step by step
     * for all its brokers.
     */
    BATCH_START("batch-start", true),
    /** canStop(broker) and the cluster healthy (no URP, no offline partition, a controller). */
    PRE_STOP_GATES("pre-stop-gates", true),
    /** The plan's stop command (it may return before the process has exited). */
    STOP("stop", true),
    /**
     * Optional ({@code rollout.leaders.drainBeforeStop}): until the broker leads no partition. Its leadership is
     * moved by Kafka's controlled shutdown, which the stop command starts (reference §3 "Stop"); this step
     * verifies the handover and times it. Kafka has no API that moves leadership off a running broker without
     * rewriting its replica assignment, so kupgrade does not reorder replicas.
     */
    DRAIN_LEADERS("drain-leaders", true),
    /** Until the process has really exited (isRunning fails) and the cluster lists the broker as gone. */
    AWAIT_EXIT("await-exit", true),
    /** The phase's install command, while the broker is stopped. */
    INSTALL("install", true),
    /** set/unset in server.properties, backup kept beside it on the host. */
    EDIT_CONFIG("edit-config", true),
    /** The plan's start command. */
    START("start", true),
    /** Running, registered anew, back in every ISR, cluster healthy, running the phase's version. */
    POST_START_GATES("post-start-gates", true),
    /**
     * Optional ({@code rollout.leaders.electPreferred}): preferred leader election for the partitions whose first
     * replica is the broker, verified (reference §3 "Preferred leader").
     */
    RESTORE_LEADERS("restore-leaders", true),
    /** Marker: the broker is done for this phase. Never redone. */
    BROKER_DONE("broker-done", false),
    /** The wave's soak: the cluster gates must hold for the wave's soak time. */
    SOAK("soak", true),
    /** Marker: every broker of the wave is done (and soaked). */
    WAVE_DONE("wave-done", false),
    /** KRaft: finalize metadata.version to the phase's release. */
    FINALIZE("finalize", true),
    /** Marker: the phase is done. */
    PHASE_DONE("phase-done", false),
    /** Marker: every phase of the plan is done; a different plan may start on this journal. */
    PLAN_DONE("plan-done", false);

    private final String journalName;
    private final boolean action;

    StepKind(String journalName, boolean action) {
        this.journalName = journalName;
        this.action = action;
    }

    public String journalName() {
        return journalName;
    }

    /** True for steps that act or wait (journaled {@code started} then an outcome); false for markers. */
    public boolean action() {
        return action;
    }

    /**
     * True for the steps that change a broker or the cluster (stop, install, edit-config, start, finalize): a
     * gate after one of them polls afresh ({@link GatePort#beforeAction()}). Not the leader restore: it changes the
     * cluster only when it sends an election, and then forgets the earlier polls itself
     * ({@link GatePort#restorePreferredLeaders}); a broker that leads its partitions again sends none.
     */
    public boolean acts() {
        return this == STOP || this == INSTALL || this == EDIT_CONFIG || this == START || this == FINALIZE;
    }

    /** The kind journaled under {@code name}, or null for run-level and unknown steps. */
    public static StepKind fromJournalName(String name) {
        for (StepKind kind : values()) {
            if (kind.journalName.equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
