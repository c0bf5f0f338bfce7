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
 * @param pointOfNoReturnReasons why this phase is a point of no return, for people (e.g. "raises
 *     inter.broker.protocol.version from 3.8 to 3.9"); empty exactly when {@code pointOfNoReturn} is false.
 *     The parser sets {@code pointOfNoReturn} for a protocol bump or a finalize even when the plan does not.
 * @param rollbackInstall command that restores the previous binaries on a stopped broker (used by
 *     {@code kupgrade rollback} and by {@code onFailure: revert}); nullable
 */
public record PhaseSpec(
        String name,
        String install,
        String version,
        Map<String, String> set,
        List<String> unset,
        boolean pointOfNoReturn,
        String finalizeMetadataVersion,
        List<String> pointOfNoReturnReasons,
        String rollbackInstall) {

    public PhaseSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a phase needs a name");
        }
        set = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
        unset = List.copyOf(unset);
        pointOfNoReturnReasons = List.copyOf(pointOfNoReturnReasons);
        if (pointOfNoReturn && pointOfNoReturnReasons.isEmpty()) {
            pointOfNoReturnReasons = List.of("marked pointOfNoReturn in the plan");
        }
        if (!pointOfNoReturn && !pointOfNoReturnReasons.isEmpty()) {
            throw new IllegalArgumentException("reasons given for a phase that is not a point of no return");
        }
    }

    /** The shape before {@code rollbackInstall} was added: no rollback command. */
    public PhaseSpec(String name, String install, String version, Map<String, String> set, List<String> unset,
                     boolean pointOfNoReturn, String finalizeMetadataVersion, List<String> pointOfNoReturnReasons) {
        this(name, install, version, set, unset, pointOfNoReturn, finalizeMetadataVersion, pointOfNoReturnReasons,
                null);
    }

    /** The shape before {@code pointOfNoReturnReasons} was added; a marked phase gets the reason "marked". */
    public PhaseSpec(String name, String install, String version, Map<String, String> set, List<String> unset,
                     boolean pointOfNoReturn, String finalizeMetadataVersion) {
        this(name, install, version, set, unset, pointOfNoReturn, finalizeMetadataVersion, List.of(), null);
    }

    /** True when the phase changes nothing in server.properties and installs nothing: a rolling restart. */
    public boolean isRollingRestart() {
        return install == null && set.isEmpty() && unset.isEmpty();
    }
}
