package io.kupgrade.orchestrator.pause;

import java.time.Instant;

/**
 * An operator's request that runs of a cluster stop between brokers ({@code kupgrade pause}). Immutable.
 *
 * @param reason why, as the operator wrote it (may be empty)
 * @param by who paused, {@code user@host}
 * @param since when
 */
public record Pause(String reason, String by, Instant since) {
    public Pause {
        // printed to other operators' terminals and journaled: no escape sequence or line break reaches them
        reason = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
    }

    /** {@code "paused by alice@ops-1 since 2026-11-25T10:00:00Z: consumers lagging"}. */
    public String describe() {
        return "paused by " + by + " since " + since + (reason.isEmpty() ? "" : ": " + reason);
    }
}
