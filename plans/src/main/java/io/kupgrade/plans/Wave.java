package io.kupgrade.plans;

import java.time.Duration;
import java.util.List;

/**
 * A wave expanded for a concrete cluster: the brokers it rolls, in the order they roll.
 *
 * @param index 0-based position in the phase
 */
public record Wave(int index, String name, List<BrokerSpec> brokers, Duration soak) {
    public Wave {
        brokers = List.copyOf(brokers);
    }
}
