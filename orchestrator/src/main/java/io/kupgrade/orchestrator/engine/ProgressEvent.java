package io.kupgrade.orchestrator.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * One thing that happened during a run, for people (a line) and for CI (a JSON object). Immutable.
 *
 * @param type what kind of event
 * @param phase the phase; null for run-level events
 * @param wave the wave; null when not about a wave
 * @param brokerId the broker; null when not about one broker
 * @param step the step's journal name ({@code stop}, {@code post-start-gates}, ...); {@code run} for run events
 * @param stepElapsed time since the step started (zero for STARTED)
 * @param runElapsed time since the run started
 * @param message for people: what is done or waited on ("waiting for backInAllIsrs(3): not yet back in the
 *     ISR of 12 of 41 partitions")
 */
public record ProgressEvent(Instant at, Type type, String phase, String wave, Integer brokerId, String step,
                            Duration stepElapsed, Duration runElapsed, String message) {

    /** Event types. */
    public enum Type {
        RUN_STARTED, STEP_STARTED, WAITING, STEP_SUCCEEDED, STEP_FAILED, STEP_HALTED, STEP_INTERRUPTED, INFO,
        RUN_FINISHED;

        /** The event of a step that ended as {@code kind} other than by success (anything else: STEP_FAILED). */
        public static Type stepEnded(OutcomeKind kind) {
            return switch (kind) {
                case HALTED -> STEP_HALTED;
                case INTERRUPTED -> STEP_INTERRUPTED;
                default -> STEP_FAILED;
            };
        }
    }

    /** Receives events on the run's thread; must not block for long. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = e -> { };

        void onEvent(ProgressEvent event);
    }
}
