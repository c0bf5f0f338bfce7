package io.kupgrade.orchestrator.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The steps that give a broker back its pre-phase state, in order. Journaled as {@code rollback-<base>} or
 * {@code revert-<base>} (see {@link Rollbacks}); the base names are part of the journal format.
 */
public enum RestoreStep {
    /** canStop(broker), plus the cluster gates when the broker was healthy (done for the phase). */
    PRE_STOP_GATES("pre-stop-gates"),
    /** The plan's stop command; skipped (journaled as such) when the process is not running. */
    STOP("stop"),
    /** Until the process has exited and the cluster lists the broker as gone; never SIGKILL. */
    AWAIT_EXIT("await-exit"),
    /** The phase's {@code rollback.install} command, when the phase installed something. */
    INSTALL("install"),
    /** The server.properties kept by {@code edit-config} written back (the current one kept as a new backup). */
    CONFIG("config"),
    /** The plan's start command. */
    START("start"),
    /** Running, registered, back in every ISR, cluster healthy. */
    POST_START_GATES("post-start-gates");

    private final String baseName;

    RestoreStep(String baseName) {
        this.baseName = baseName;
    }

    public String baseName() {
        return baseName;
    }

    /** {@code rollback-stop} for {@code prefix} {@code rollback-}. */
    public String journalName(String prefix) {
        return prefix + baseName;
    }

    /**
     * True for the steps that change the broker (stop, install, config, start): a gate after one of them polls
     * afresh ({@link GatePort#beforeAction()}).
     */
    boolean acts() {
        return this == STOP || this == INSTALL || this == CONFIG || this == START;
    }

    /**
     * The restore's steps still to do, in order: every step but those in {@code done}, {@link #INSTALL} only when
     * binaries were installed, {@link #CONFIG} only when there is a backup to write back.
     */
    public static List<RestoreStep> toDo(boolean install, boolean config,
                                                    Collection<RestoreStep> done) {
        List<RestoreStep> steps = new ArrayList<>();
        for (RestoreStep s : values()) {
            boolean wanted = switch (s) {
                case INSTALL -> install;
                case CONFIG -> config;
                default -> true;
            };
            if (wanted && !done.contains(s)) {
                steps.add(s);
            }
        }
        return steps;
    }

    static RestoreStep fromBaseName(String base) {
        for (RestoreStep s : values()) {
            if (s.baseName.equals(base)) {
                return s;
            }
        }
        return null;
    }
}
