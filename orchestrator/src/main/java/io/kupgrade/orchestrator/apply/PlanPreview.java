package io.kupgrade.orchestrator.apply;

import java.util.List;

/**
 * {@code kupgrade plan}: what applying the plan would do, phase by phase, for people to review before a
 * change window. Plain immutable records: the CLI renders them as text or JSON.
 *
 * @param offline true when the cluster and hosts were not contacted: waves laid out without knowing the
 *     active controller, config diffs show the plan's values only (current values unknown)
 * @param activeController the active controller the layout put last; null when unknown
 * @param pointsOfNoReturn names of the phases after which rollback is refused
 * @param notes what could not be determined, and the plan's warnings
 */
public record PlanPreview(String planFile, String sha256, String cluster, boolean offline, Integer activeController,
                          List<PhasePreview> phases, List<String> pointsOfNoReturn, List<String> notes) {

    public PlanPreview {
        phases = List.copyOf(phases);
        pointsOfNoReturn = List.copyOf(pointsOfNoReturn);
        notes = List.copyOf(notes);
    }

    /**
     * One phase.
     *
     * @param version the version brokers must report after it; null = unchanged
     * @param install the install command template; null = none
     * @param waves in roll order
     * @param configDiffs per broker, current -> new (on top of the earlier phases' edits)
     * @param brokerSteps what every broker goes through, with the gates each step waits on
     */
    public record PhasePreview(String name, String version, String install, boolean pointOfNoReturn,
                               String finalizeMetadataVersion, List<WavePreview> waves,
                               List<BrokerConfigDiff> configDiffs, List<StepPreview> brokerSteps) {
        public PhasePreview {
            waves = List.copyOf(waves);
            configDiffs = List.copyOf(configDiffs);
            brokerSteps = List.copyOf(brokerSteps);
        }
    }

    /**
     * One wave: its brokers in roll order.
     *
     * @param batches {@code rollout.maxParallel > 1}: the batches the wave would be rolled in, chosen now from
     *     the live assignment (the real ones are chosen again at each stop); offline, the brokers grouped by
     *     rack, as the assignment is unknown. Empty when brokers roll one at a time
     * @param batchesNote how {@code batches} was obtained, for people; null when there are none
     */
    public record WavePreview(String name, long soakSeconds, List<BrokerRef> brokers, List<BatchPreview> batches,
                              String batchesNote) {
        public WavePreview {
            brokers = List.copyOf(brokers);
            batches = batches == null ? List.of() : List.copyOf(batches);
        }

        /** A wave rolled one broker at a time. */
        public WavePreview(String name, long soakSeconds, List<BrokerRef> brokers) {
            this(name, soakSeconds, brokers, List.of(), null);
        }
    }

    /**
     * Brokers stopped together.
     *
     * @param rack the rack they are all in; null when they span racks or a rack is unknown
     * @param reason why these (e.g. "rack r1: all 2 of its candidates may stop together")
     */
    public record BatchPreview(List<Integer> brokers, String rack, String reason) {
        public BatchPreview {
            brokers = List.copyOf(brokers);
        }
    }

    /** A broker as laid out. */
    public record BrokerRef(int id, String host, String rack, boolean activeController) {
    }

    /** The config change of one broker in one phase. */
    public record BrokerConfigDiff(int brokerId, String file, List<DryRun.ConfigChange> changes) {
        public BrokerConfigDiff {
            changes = List.copyOf(changes);
        }
    }

    /** A step every broker goes through: its journal name, what it does, the gates it waits on. */
    public record StepPreview(String step, String description, List<String> gates) {
        public StepPreview {
            gates = List.copyOf(gates);
        }
    }
}
