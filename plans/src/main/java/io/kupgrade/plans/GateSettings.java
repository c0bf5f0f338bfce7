package io.kupgrade.plans;

import java.time.Duration;

/**
 * How gates are waited on.
 *
 * @param pollInterval time between two cluster reads (default 1 s)
 * @param timeout how long one gate wait may take before the run halts (default 15 m)
 * @param stablePolls how many consecutive passing polls make a pass (default 2; ISR changes reach metadata late)
 */
public record GateSettings(Duration pollInterval, Duration timeout, int stablePolls) {
    /** @throws IllegalArgumentException for non-positive durations or stablePolls below 1 */
    public GateSettings {
        if (pollInterval == null || timeout == null || pollInterval.isNegative() || pollInterval.isZero()
                || timeout.isNegative() || timeout.isZero() || stablePolls < 1) {
            throw new IllegalArgumentException("invalid gate settings: pollInterval " + pollInterval + ", timeout "
                    + timeout + ", stablePolls " + stablePolls);
        }
    }
}
