package io.kupgrade.gates;

import java.util.List;

/**
 * One preflight finding: something that makes a roll risky or impossible without unavailability.
 * An operator may override findings; errors should not be ignored silently.
 *
 * @param code stable identifier for scripts and overrides, e.g. {@code RF1_TOPICS}
 * @param message one line for people
 * @param subjects what it is about: topic names, partitions, brokers, client software (all of them)
 */
public record LintFinding(Severity severity, String code, String message, List<String> subjects) {

    public LintFinding {
        subjects = List.copyOf(subjects);
    }

    public enum Severity {
        /** The roll would cause unavailability or cannot be gated correctly. */
        ERROR,
        /** The roll can proceed, but something will be slower or riskier. */
        WARNING,
        /** Something could not be checked. */
        INFO
    }
}
