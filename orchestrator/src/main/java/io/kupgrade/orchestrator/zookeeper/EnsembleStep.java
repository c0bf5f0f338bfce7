package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;

/**
 * One step of an ensemble roll, decided by {@link EnsembleRoll#next}. Immutable.
 *
 * @param kind what to do; null for {@link #FINISHED}
 * @param server the server; null for a {@link EnsembleStepKind#PRE_STOP_GATES} that still has to choose it, and
 *     for {@link EnsembleStepKind#ENSEMBLE_DONE}
 * @param resumed true when the server was left in progress by an earlier run
 */
public record EnsembleStep(EnsembleStepKind kind, ZooKeeperServerSpec server, boolean resumed) {
    /** Nothing left: the ensemble is rolled. */
    public static final EnsembleStep FINISHED = new EnsembleStep(null, null, false);

    /** "zookeeper-ensemble server 2: stop". */
    public String describe() {
        return "zookeeper-ensemble" + (server == null ? "" : " server " + server.id()) + ": " + kind.journalName();
    }
}
