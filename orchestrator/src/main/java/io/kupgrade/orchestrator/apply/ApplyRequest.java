package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.Selection;
import java.nio.file.Path;

/**
 * What {@code kupgrade apply} was asked.
 *
 * @param planFile the plan
 * @param selection {@code --phase} / {@code --wave}
 * @param yes {@code --yes}: do not ask before a point-of-no-return phase
 * @param stateDir where journals and locks live; null = {@code ~/.kupgrade/state}
 * @param ignoreWindows {@code --ignore-windows}: begin brokers outside the plan's maintenance windows too
 */
public record ApplyRequest(Path planFile, Selection selection, boolean yes, Path stateDir, boolean ignoreWindows) {
    public ApplyRequest {
        selection = selection == null ? Selection.all() : selection;
    }

    /** Keeping the plan's maintenance windows. */
    public ApplyRequest(Path planFile, Selection selection, boolean yes, Path stateDir) {
        this(planFile, selection, yes, stateDir, false);
    }
}
