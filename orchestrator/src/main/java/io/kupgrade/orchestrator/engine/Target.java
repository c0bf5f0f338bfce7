package io.kupgrade.orchestrator.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The waves one run may roll, resolved once from a {@link Selection} at the start of the run (so that a
 * canary run that finishes a phase does not go on into the next one). Immutable.
 *
 * @param waves wave indexes per phase name; a phase absent here is not touched (except for closing steps
 *     owed by the journal: finalize and phase-done of a phase whose waves are all done)
 * @param label what the user asked, for people ("--wave canary: binaries/canary")
 * @param nothingToDo when not null, why the run has nothing to roll (e.g. "the plan is already applied")
 */
public record Target(Map<String, Set<Integer>> waves, String label, String nothingToDo) {

    public Target {
        Map<String, Set<Integer>> copy = new LinkedHashMap<>();
        waves.forEach((phase, idx) -> copy.put(phase, Collections.unmodifiableSet(new TreeSet<>(idx))));
        waves = Collections.unmodifiableMap(copy);
    }

    public boolean touches(String phase) {
        return waves.containsKey(phase);
    }

    public boolean includes(String phase, int waveIndex) {
        Set<Integer> idx = waves.get(phase);
        return idx != null && idx.contains(waveIndex);
    }
}
