package io.kupgrade.orchestrator.pause;

/**
 * {@code apply} refused to start because the cluster is paused ({@code kupgrade pause}); nothing was touched.
 * The message is one line for the user and says how to resume.
 */
public final class ClusterPausedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Pause pause;

    public ClusterPausedException(String cluster, Pause pause) {
        super("cluster " + cluster + " is " + pause.describe() + "; nothing was done. Run `kupgrade resume PLAN`"
                + " to lift the pause, then apply again", null, false, false);
        this.pause = pause;
    }

    public Pause pause() {
        return pause;
    }
}
