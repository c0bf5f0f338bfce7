package io.kupgrade.orchestrator.apply;

import java.util.List;

/**
 * What {@code apply --dry-run} would do, step by step, without touching anything. Immutable.
 *
 * @param selection what was asked and what it resolved to
 * @param nothingToDo when not null, why there is nothing to run
 * @param steps the exact steps, in order
 * @param notes what the dry run could not determine (e.g. a config file it could not read)
 */
public record DryRun(String planFile, String planSha256, String selection, String nothingToDo, List<Step> steps,
                     List<String> notes) {

    public DryRun {
        steps = List.copyOf(steps);
        notes = List.copyOf(notes);
    }

    /**
     * One step.
     *
     * @param command the command with placeholders replaced and secrets masked; null when the step runs none
     * @param gates labels of the gates it waits on
     * @param configChanges for {@code edit-config}: current -> new (old value null when absent; oldKnown false
     *     when the current file could not be read); secret-looking values masked
     */
    public record Step(String phase, String wave, Integer brokerId, String host, String step, String command,
                       List<String> gates, List<ConfigChange> configChanges, String note) {
        public Step {
            gates = List.copyOf(gates);
            configChanges = List.copyOf(configChanges);
        }
    }

    /** One property change; {@code newValue} null means removed. */
    public record ConfigChange(String key, String oldValue, String newValue, boolean oldKnown) {
    }
}
