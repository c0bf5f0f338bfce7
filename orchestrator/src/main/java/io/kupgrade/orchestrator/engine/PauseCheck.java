package io.kupgrade.orchestrator.engine;

import java.util.Optional;

/**
 * Whether an operator asked the run to pause ({@code kupgrade pause}). {@link RollRunner} asks only between
 * brokers (before a broker's pre-stop gates and before a phase starts), never in the middle of a broker, so a
 * paused run leaves every broker either untouched or finished. Implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface PauseCheck {
    /** Never paused. */
    PauseCheck NEVER = Optional::empty;

    /**
     * A line for people (who paused, since when, why) when the run should pause now; empty otherwise.
     *
     * @throws RuntimeException when it cannot tell (the marker's store does not answer): the runner then halts
     *     between brokers, saying why, rather than go on blind
     */
    Optional<String> pausedBecause();
}
