package io.kupgrade.plans;

import java.time.Duration;
import java.util.List;

/**
 * A wave expanded for a concrete cluster: the brokers it rolls, in the order they roll.
 *
 * @param index 0-based position in the phase
 * @param onFailure what to do when one of its brokers fails to come back; never null
 */
public record Wave(int index, String name, List<BrokerSpec> brokers, Duration soak, OnFailure onFailure) {
    public Wave {
        brokers = List.copyOf(brokers);
        onFailure = onFailure == null ? OnFailure.defaultFor(index) : onFailure;
    }

    /** A wave with the default {@code onFailure} for its position ({@link OnFailure#defaultFor}). */
    public Wave(int index, String name, List<BrokerSpec> brokers, Duration soak) {
        this(index, name, brokers, soak, null);
    }
}
