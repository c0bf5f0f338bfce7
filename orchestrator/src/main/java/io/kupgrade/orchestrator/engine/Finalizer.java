package io.kupgrade.orchestrator.engine;

/**
 * Finalizes a KRaft cluster's {@code metadata.version} (Admin {@code updateFeatures}), behind an interface
 * so the engine stays free of clients. Implementations must refuse, without changing anything, when any node
 * does not yet run a release that supports the level (reference §1b: the controller rejects it too, with
 * INVALID_UPDATE_VERSION).
 */
@FunctionalInterface
public interface Finalizer {

    /**
     * @param release the release to finalize to, e.g. {@code 4.1}
     * @param targetVersion the Kafka version every node must run (the phase's version); may be null
     */
    Result finalizeMetadataVersion(String release, String targetVersion);

    /** What happened. {@code REFUSED}: nothing changed, some node is not ready; {@code FAILED}: the call failed. */
    record Result(Status status, String message) {
        public enum Status { DONE, ALREADY_FINALIZED, REFUSED, FAILED }

        public static Result done(String message) {
            return new Result(Status.DONE, message);
        }

        public static Result refused(String message) {
            return new Result(Status.REFUSED, message);
        }

        public static Result failed(String message) {
            return new Result(Status.FAILED, message);
        }
    }

    /** For plans and clusters without a finalize step: refuses, saying so. */
    Finalizer NONE = (release, version) -> Result.refused("no finalizer configured (not a KRaft cluster?)");
}
