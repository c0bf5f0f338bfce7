package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Wave;
import java.util.List;

/**
 * One step the engine decided on. Immutable.
 *
 * @param phase the phase the step belongs to; never null
 * @param wave the wave; null for phase-level steps
 * @param broker the broker; null for wave- and phase-level steps
 * @param resumed true when the step finishes a broker interrupted by an earlier run
 * @param gates the gates the step waits on (empty for steps that wait on none)
 * @param expectNewIncarnation for {@link StepKind#POST_START_GATES}: true when this run stopped the broker
 *     and saw it gone, so its registration must be a new one; false when a resumed broker's process
 *     was found running (started by the interrupted run)
 * @param candidates for {@link StepKind#BATCH_START}: the wave's brokers not yet done, in wave order, the batch
 *     is chosen from; empty for every other step
 */
public record Step(StepKind kind, PhaseSpec phase, Wave wave, BrokerSpec broker, boolean resumed,
                   List<GateSpec> gates, boolean expectNewIncarnation, List<BrokerSpec> candidates) {

    public Step {
        gates = List.copyOf(gates);
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }

    /** A step without batch candidates. */
    public Step(StepKind kind, PhaseSpec phase, Wave wave, BrokerSpec broker, boolean resumed, List<GateSpec> gates,
                boolean expectNewIncarnation) {
        this(kind, phase, wave, broker, resumed, gates, expectNewIncarnation, List.of());
    }

    public Integer brokerId() {
        return broker == null ? null : broker.id();
    }

    public String waveName() {
        return wave == null ? null : wave.name();
    }

    /** One line for people: {@code binaries/canary broker 3: stop}. */
    public String describe() {
        StringBuilder b = new StringBuilder(phase.name());
        if (wave != null) {
            b.append('/').append(wave.name());
        }
        if (broker != null) {
            b.append(" ").append(broker.describe());
        }
        b.append(": ").append(kind.journalName());
        if (resumed) {
            b.append(" (resumed)");
        }
        return b.toString();
    }
}
