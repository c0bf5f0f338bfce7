package io.kupgrade.orchestrator.engine;

import java.time.Duration;
import java.util.List;

/**
 * The result of one run. Immutable.
 *
 * @param message one line for people: what was done, or why it stopped and what to do next
 * @param brokers the brokers finished by this run, in roll order
 * @param lastStep the step the run stopped at (null when it finished or did not start)
 */
public record RollOutcome(OutcomeKind kind, String message, List<BrokerSummary> brokers, Duration elapsed,
                          Step lastStep, boolean planDone) {
    public RollOutcome {
        brokers = List.copyOf(brokers);
    }
}
