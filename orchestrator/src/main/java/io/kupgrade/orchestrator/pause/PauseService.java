package io.kupgrade.orchestrator.pause;

import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code kupgrade pause PLAN} and {@code kupgrade resume PLAN}: set or clear the cluster's {@link PauseMarker},
 * where the plan's {@code state:} keeps the journal and the lock (a file in the state directory, or a znode in
 * ZooKeeper, so a pause set on one machine stops a run on another). Neither takes the cluster's lock: pausing
 * is exactly what an operator does while another process holds it. A running {@code apply} honours the pause
 * before its next broker (never in the middle of one) and ends as HALTED, journaled {@code paused}; a new
 * {@code apply} is refused until {@code resume}. Thread-safe.
 *
 * <p>Thrown: {@link io.kupgrade.plans.PlanException} for an invalid plan;
 * {@link io.kupgrade.gates.ClusterUnreachableException} when a ZooKeeper state store does not answer;
 * {@link java.io.UncheckedIOException} when the state directory cannot be written.
 */
public final class PauseService {
    private final Clock clock;

    public PauseService() {
        this(Clock.systemUTC());
    }

    public PauseService(Clock clock) {
        this.clock = clock;
    }

    /**
     * What {@link #pause} or {@link #resume} did.
     *
     * @param marker where the marker lives, for people
     * @param previous the pause in effect before the call
     */
    public record Result(String cluster, String marker, Optional<Pause> previous, Optional<Pause> now) {
    }

    /**
     * Pauses runs of the plan's cluster.
     *
     * @param stateDir for file state; null = {@code ~/.kupgrade/state}
     */
    public Result pause(Path planFile, Path stateDir, String reason) {
        Plan plan = PlanParser.parse(planFile);
        try (PauseMarker marker = StateStores.pauseMarker(plan, stateDir)) {
            Optional<Pause> previous = marker.read();
            LockHolder me = LockHolder.current("");
            Pause pause = new Pause(reason, me.user() + "@" + me.host(), clock.instant());
            marker.write(pause);
            return new Result(plan.cluster().name(), marker.location(), previous, Optional.of(pause));
        }
    }

    /** Lifts the pause of the plan's cluster (nothing to do when there is none). */
    public Result resume(Path planFile, Path stateDir) {
        Plan plan = PlanParser.parse(planFile);
        try (PauseMarker marker = StateStores.pauseMarker(plan, stateDir)) {
            return new Result(plan.cluster().name(), marker.location(), marker.clear(), Optional.empty());
        }
    }

    /** The pause in effect for the plan's cluster, if any. */
    public static Optional<Pause> current(Plan plan, Path stateDir) {
        try (PauseMarker marker = StateStores.pauseMarker(plan, stateDir)) {
            return marker.read();
        }
    }
}
