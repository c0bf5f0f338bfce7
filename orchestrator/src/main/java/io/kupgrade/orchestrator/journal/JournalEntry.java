package io.kupgrade.orchestrator.journal;

import java.time.Instant;
import java.util.Map;

/**
 * One journal line.
 *
 * @param planSha256 the plan the run executes; resuming with a changed plan is refused
 * @param phase phase name; null for run-level events
 * @param brokerId the broker the step concerns; null for wave/phase/run events
 * @param step e.g. {@code pre-stop-gates}, {@code stop}, {@code install}, {@code edit-config}, {@code start},
 *     {@code post-start-gates}, {@code broker-done}, {@code wave-done}, {@code phase-done}, {@code finalize}
 * @param event {@code started}, {@code succeeded}, {@code failed}
 * @param details small facts for people and for resume (config backup path, durations, gate reasons)
 */
public record JournalEntry(
        Instant at,
        String planSha256,
        String phase,
        String wave,
        Integer brokerId,
        String step,
        String event,
        Map<String, String> details) {

    public JournalEntry {
        details = Map.copyOf(details);
    }
}
