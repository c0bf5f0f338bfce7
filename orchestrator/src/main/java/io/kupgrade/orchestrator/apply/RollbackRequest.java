package io.kupgrade.orchestrator.apply;

import java.nio.file.Path;

/**
 * What {@code kupgrade rollback} was asked.
 *
 * @param planFile the plan whose journal says what was rolled
 * @param phase {@code --phase}: the phase to roll back; null = the last phase that touched a broker
 * @param toWave {@code --to-wave}: the last wave to undo (waves are undone last first); null = every wave
 * @param force {@code --force}: roll back across a point of no return (loud, journaled)
 * @param yes {@code --yes}: do not ask before rolling back
 * @param stateDir where journals and locks live; null = {@code ~/.kupgrade/state}
 */
public record RollbackRequest(Path planFile, String phase, String toWave, boolean force, boolean yes, Path stateDir) {
}
