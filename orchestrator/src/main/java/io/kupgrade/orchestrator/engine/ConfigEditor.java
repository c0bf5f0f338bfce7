package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.PhaseSpec;

/**
 * Edits the text of a server.properties: sets and unsets keys, keeping comments and order. A pure function
 * of the current text, so re-applying it to an already edited file changes nothing (resume relies on it).
 */
@FunctionalInterface
public interface ConfigEditor {
    /** {@code current} with the phase's {@code set} and {@code unset} applied. */
    String edit(String current, PhaseSpec phase);
}
