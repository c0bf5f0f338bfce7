package io.kupgrade.gates;

import java.time.Instant;
import java.util.List;

/**
 * The result of one {@link HealthCheck}: every gate's result and the lint findings.
 *
 * @param readAt when the snapshot was read; null when the cluster could not be read
 * @param kraft whether the cluster runs in KRaft mode (false when unknown)
 * @param brokers registered broker ids, sorted
 * @param partitions how many partitions the snapshot held
 * @param gates one result per gate, in a stable order (a single failing {@code clusterRead} result when the
 *     cluster could not be read)
 * @param findings preflight lint
 * @param notes what the reader could not read
 */
public record HealthReport(Instant readAt, boolean kraft, List<Integer> brokers, int partitions,
                           List<GateResult> gates, List<LintFinding> findings, List<String> notes) {

    public HealthReport {
        brokers = List.copyOf(brokers);
        gates = List.copyOf(gates);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    /** All gates pass. Lint findings do not count: they are risks for a roll, not ill health. */
    public boolean healthy() {
        return !gates.isEmpty() && gates.stream().allMatch(GateResult::passed);
    }

    /** Healthy and no lint error: a roll may start. */
    public boolean readyToRoll() {
        return healthy() && findings.stream().noneMatch(f -> f.severity() == LintFinding.Severity.ERROR);
    }
}
