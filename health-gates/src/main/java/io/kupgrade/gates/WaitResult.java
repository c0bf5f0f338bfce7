package io.kupgrade.gates;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link GateWaiter#await} ended.
 *
 * @param outcome passed (all gates on {@code stablePolls} consecutive polls) or timed out
 * @param elapsed time from the first poll to the end, by the waiter's clock
 * @param polls how many polls were made
 * @param lastResults the last poll's results; on a timeout, what still failed is in {@link #failing()}
 */
public record WaitResult(Outcome outcome, Duration elapsed, int polls, List<GateResult> lastResults) {

    public WaitResult {
        lastResults = List.copyOf(lastResults);
    }

    public enum Outcome {
        PASSED,
        TIMED_OUT
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    /** The results of the last poll that did not pass. */
    public List<GateResult> failing() {
        return lastResults.stream().filter(r -> !r.passed()).toList();
    }
}
