package io.kupgrade.orchestrator.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the runner waits on gates: turns {@link GateSpec}s into the health-gates module's gates and polls the
 * cluster. Implementations may keep state between calls of one run (e.g. the snapshot read when a broker
 * was seen gone, to recognise its new incarnation later). Not required to be thread-safe: one run, one thread.
 */
public interface GatePort {

    /**
     * Waits until every gate passes (stably) or {@code timeout} passes. Polls of the previous wait may count
     * toward this one while they are fresh and nothing was done since ({@link #beforeAction()}).
     *
     * @param purpose what is waited for, for people ("broker 3 to rejoin the ISRs")
     * @throws InterruptedException when the run is interrupted while waiting
     */
    GateOutcome await(String purpose, List<GateSpec> gates, Duration timeout, WaitListener listener)
            throws InterruptedException;

    /**
     * The runner is about to act on a broker or the cluster (stop, install, config edit, start, finalize):
     * whatever the port saw before says nothing about the cluster after it. A port that counts the polls of
     * one wait toward the next (as {@code ClusterGatePort} does while they are fresh) must forget them here.
     * The default does nothing.
     */
    default void beforeAction() {
    }

    /**
     * Requires every gate to keep passing for {@code duration} (a soak): fails as soon as one fails for good.
     *
     * @throws InterruptedException when the run is interrupted while waiting
     */
    GateOutcome hold(String purpose, List<GateSpec> gates, Duration duration, WaitListener listener)
            throws InterruptedException;

    /**
     * The brokers of {@code candidates} that may stop together now, chosen from the live assignment (at most
     * {@code maxParallel}, one rack when {@code rackAware} and safe, the active controller only alone). The
     * runner confirms the choice with {@code canStop} of the batch before it stops anything. The default, for
     * a port that cannot read the assignment, is the first candidate alone.
     *
     * @param candidates the wave's brokers not yet done, in wave order (the active controller last)
     * @return the batch in wave order, empty when no candidate may stop now, and why
     */
    default BatchChoice chooseBatch(List<Integer> candidates, int maxParallel, boolean rackAware) {
        return new BatchChoice(candidates.isEmpty() ? List.of() : List.of(candidates.get(0)),
                "one broker at a time: the assignment cannot be read here");
    }

    /** A batch chosen by {@link #chooseBatch}: its brokers in wave order, and why these. */
    record BatchChoice(List<Integer> brokers, String reason) {
        public BatchChoice {
            brokers = List.copyOf(brokers);
        }
    }

    /**
     * Preferred leader election for the partitions whose preferred (first) replica is {@code brokerId} and that
     * it does not lead, repeated (at most every few seconds) until it leads every one of them it is in the ISR
     * of, on stable polls, or {@code timeout} passes. {@code ElectionNotNeeded} counts as done; a partition
     * whose preferred replica is not in the ISR is reported in the details, never waited on (reference §3
     * "Preferred leader"). The default, for ports without an Admin client, fails with the reason.
     *
     * <p>The runner does not call {@link #beforeAction()} first: a port that counts recent polls forgets them
     * before each election it sends, and may pass at once, electing nothing, when the polls of the wait just
     * before show the broker leading every such partition.
     *
     * @throws InterruptedException when the run is interrupted while waiting
     */
    default LeaderOutcome restorePreferredLeaders(int brokerId, Duration timeout, WaitListener listener)
            throws InterruptedException {
        return new LeaderOutcome(false, Duration.ZERO, "preferred leader election is not supported here", Map.of());
    }

    /** Gate kinds this port cannot check (e.g. the running version without JMX), each with the reason. */
    default Set<GateSpec.Kind> unsupported() {
        return Set.of();
    }

    /** Why {@code kind} cannot be checked; only called for kinds in {@link #unsupported()}. */
    default String whyUnsupported(GateSpec.Kind kind) {
        return "not supported";
    }

    /**
     * The result of a wait.
     *
     * @param reason for a failure, one line naming the failing gates and why ("2 partitions under-replicated:
     *     t-0, t-3"); for a pass, a summary
     */
    record GateOutcome(boolean passed, Duration elapsed, String reason) {
    }

    /**
     * The result of {@link #restorePreferredLeaders}.
     *
     * @param details counts for the journal: {@code elected}, {@code notNeeded}, {@code notInIsr} (and the first
     *     names in {@code notInIsrPartitions}), {@code preferred}, {@code requests}
     */
    record LeaderOutcome(boolean passed, Duration elapsed, String reason, Map<String, String> details) {
        public LeaderOutcome {
            details = Map.copyOf(details);
        }
    }

    /** Progress of a wait, for the progress listener: what is waited on and for how long so far. */
    @FunctionalInterface
    interface WaitListener {
        /** @param message one line for people: "waiting for broker 3 to rejoin: not yet back in ... , 12 s" */
        void waiting(String message, Duration elapsed);
    }
}
