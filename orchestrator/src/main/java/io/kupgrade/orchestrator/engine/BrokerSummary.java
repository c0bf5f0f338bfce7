package io.kupgrade.orchestrator.engine;

import java.time.Duration;

/**
 * How rolling one broker in one phase went, for the summary table. Durations are null when not measured
 * (e.g. a resumed broker whose stop happened in an earlier run).
 *
 * @param stop from the stop command to the process exited and the broker gone from the cluster
 * @param start from the start command to the broker registered (anew)
 * @param catchUp from registered to back in every ISR with the cluster healthy
 */
public record BrokerSummary(String phase, String wave, int brokerId, String host, Duration stop, Duration start,
                            Duration catchUp, boolean resumed) {
}
