package io.kupgrade.orchestrator.pause;

import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code kupgrade pause PLAN} and {@code kupgrade resume PLAN}: set or clear the cluster's {@link PauseMarker}.
 * Neither takes the cluster's lock: pausing is exactly what an operator does while another process holds it.
 * A running {@code apply} honours the pause before its next broker (never in the middle of one) and ends as
 * HALTED, journaled {@code paused}; a new {@code apply} is refused until {@code resume}. Thread-safe.
 *
 * <p>Limit: the marker is a file in the local state directory, so it pauses runs on this machine (or sharing
 * this state directory) only.
 */
public final class PauseService {
    private final Clock clock;

    public PauseService() {
        this(Clock.systemUTC());
    }

    public PauseService(Clock clock) {
        this.clock = clock;
    }

    /** What {@link #pause} or {@link #resume} did. @param previous the pause in effect before the call */
    public record Result(String cluster, Path marker, Optional<Pause> previous, Optional<Pause> now) {
    }

    /**
     * Pauses runs of the plan's cluster.
     *
     * @param stateDir null = {@code ~/.kupgrade/state}
     * @throws io.kupgrade.plans.PlanException for an invalid plan
     */
    public Result pause(Path planFile, Path stateDir, String reason) {
        Plan plan = PlanParser.parse(planFile);
        PauseMarker marker = marker(plan, stateDir);
        Optional<Pause> previous = marker.read();
        LockHolder me = LockHolder.current("");
        Pause pause = new Pause(reason, me.user() + "@" + me.host(), clock.instant());
        marker.write(pause);
        return new Result(plan.cluster().name(), marker.file(), previous, Optional.of(pause));
    }

    /** Lifts the pause of the plan's cluster (nothing to do when there is none). */
    public Result resume(Path planFile, Path stateDir) {
        Plan plan = PlanParser.parse(planFile);
        PauseMarker marker = marker(plan, stateDir);
        return new Result(plan.cluster().name(), marker.file(), marker.clear(), Optional.empty());
    }

    /** The pause in effect for the plan's cluster, if any. */
    public static Optional<Pause> current(Plan plan, Path stateDir) {
        return marker(plan, stateDir).read();
    }

    static PauseMarker marker(Plan plan, Path stateDir) {
        Path dir = stateDir != null ? stateDir : io.kupgrade.orchestrator.journal.StateDirs.defaultStateDir();
        return PauseMarker.forCluster(dir, plan.cluster().name());
    }
}
