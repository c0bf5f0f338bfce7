package io.kupgrade.plans;

import java.util.List;
import java.util.Map;

/**
 * One phase: a change rolled across every broker, wave by wave.
 *
 * @param name unique within the plan
 * @param install command run on the host while the broker is stopped (e.g. switch binaries); nullable
 * @param version the Kafka version brokers must report after this phase (app-info); nullable = unchanged
 * @param set properties to set in server.properties
 * @param unset properties to remove from server.properties
 * @param pointOfNoReturn after this phase, rollback is refused unless forced (e.g. the protocol bump)
 * @param finalizeMetadataVersion KRaft only: after every broker is rolled, finalize metadata.version to
 *     this release (e.g. {@code 4.1}); refused while any node runs an older version; nullable
 */
public record PhaseSpec(
        String name,
        String install,
        String version,
        Map<String, String> set,
        List<String> unset,
        boolean pointOfNoReturn,
        String finalizeMetadataVersion) {

    public PhaseSpec {
        set = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
        unset = List.copyOf(unset);
    }
}
