package io.kupgrade.gates;

import java.time.Duration;
import java.util.List;

/**
 * One poll of a {@link GateWaiter}, reported to its listener.
 *
 * @param purpose what is being waited for, as the caller named it (may be empty)
 * @param poll 1-based poll number
 * @param elapsed time since the wait began
 * @param consecutivePasses polls in a row on which all gates passed (the wait ends at {@code stablePolls})
 * @param results this poll's results, one per gate (a single inconclusive "clusterRead" result when the
 *     cluster could not be read)
 */
public record WaitProgress(String purpose, int poll, Duration elapsed, int consecutivePasses,
                           List<GateResult> results) {

    public WaitProgress {
        results = List.copyOf(results);
    }

    public List<GateResult> failing() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /**
     * One line for people: "waiting for broker 3 not yet back in the ISR of 41 of 41 partitions: ..., 12 s";
     * when everything passes, "all 5 gates pass (1 of 2 stable polls), 3 s".
     */
    public String message() {
        long seconds = elapsed.toSeconds();
        List<GateResult> failing = failing();
        if (failing.isEmpty()) {
            return "all " + results.size() + " gates pass (" + consecutivePasses + " stable polls), " + seconds
                    + " s";
        }
        String prefix = purpose.isEmpty() ? "waiting: " : "waiting for " + purpose + ": ";
        return prefix + String.join("; ", failing.stream().map(GateResult::reason).toList()) + ", " + seconds
                + " s";
    }
}
