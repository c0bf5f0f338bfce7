package io.kupgrade.orchestrator.engine;

import java.time.Duration;
import java.util.List;

/**
 * How a {@code kupgrade rollback} run ended. Immutable.
 *
 * @param kind DONE (every selected broker restored and gated), HALTED (a pre-stop gate did not pass: the
 *     broker was not touched), FAILED (a broker did not come back), INTERRUPTED, DECLINED (not confirmed)
 * @param message one line for people: what was rolled back, or where and why it stopped and what to do
 * @param phase the phase rolled back; null when there was nothing to roll back
 * @param restored the brokers restored by this run, in order
 * @param notes what a person must know (e.g. binaries not restored for want of {@code rollback.install})
 * @param forcedOver the refusals {@code --force} overrode (journaled); empty when none
 */
public record RollbackOutcome(OutcomeKind kind, String message, String phase, List<Integer> restored,
                              List<String> notes, List<String> forcedOver, Duration elapsed) {
    public RollbackOutcome {
        restored = List.copyOf(restored);
        notes = List.copyOf(notes);
        forcedOver = List.copyOf(forcedOver);
    }
}
