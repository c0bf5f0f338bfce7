package io.kupgrade.gates;

import java.util.Map;

/**
 * The outcome of one gate on one snapshot.
 *
 * @param reason one line for people ("3 partitions under-replicated: t-0, t-4, u-1")
 * @param evidence numbers and partitions behind the verdict, for JSON output and the journal
 */
public record GateResult(String gate, Status status, String reason, Map<String, Object> evidence) {

    public GateResult {
        evidence = Map.copyOf(evidence);
    }

    public enum Status {
        PASS,
        FAIL,
        /** The gate could not decide (e.g. the signal is missing or stale); never treated as a pass. */
        INCONCLUSIVE
    }

    public boolean passed() {
        return status == Status.PASS;
    }

    public static GateResult pass(String gate, String reason, Map<String, Object> evidence) {
        return new GateResult(gate, Status.PASS, reason, evidence);
    }

    public static GateResult fail(String gate, String reason, Map<String, Object> evidence) {
        return new GateResult(gate, Status.FAIL, reason, evidence);
    }

    public static GateResult inconclusive(String gate, String reason) {
        return new GateResult(gate, Status.INCONCLUSIVE, reason, Map.of());
    }
}
