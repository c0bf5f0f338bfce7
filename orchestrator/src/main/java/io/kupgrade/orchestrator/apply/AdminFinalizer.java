package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.Finalizer;
import io.kupgrade.plans.BrokerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;

/**
 * Finalizes {@code metadata.version} with Admin {@code updateFeatures} (reference §1b "Admin API"), as
 * {@code kafka-features.sh upgrade --release-version R} does: to the newest metadata.version of release R.
 *
 * <p>Refuses, changing nothing, when (1) a node reports over JMX a version other than the phase's target,
 * or (2) the controller rejects a validate-only update (it checks every registered node supports the level,
 * {@code QuorumFeatures.reasonNotSupported}). Already at or above the level: nothing to do. Thread-safe as
 * the Admin client is; does not close it.
 */
public final class AdminFinalizer implements Finalizer {
    /** Newest metadata.version level of each release (MetadataVersion: LATEST for the release's IVs). */
    static final Map<String, Short> LEVEL_OF_RELEASE = Map.ofEntries(
            Map.entry("3.3", (short) 7), Map.entry("3.4", (short) 8), Map.entry("3.5", (short) 11),
            Map.entry("3.6", (short) 14), Map.entry("3.7", (short) 19), Map.entry("3.8", (short) 20),
            Map.entry("3.9", (short) 21), Map.entry("4.0", (short) 25), Map.entry("4.1", (short) 27),
            Map.entry("4.2", (short) 29));
    static final String METADATA_VERSION = "metadata.version";

    private final Admin admin;
    private final List<BrokerSpec> nodes;
    private final JmxVersions versions;
    private final Duration timeout;

    public AdminFinalizer(Admin admin, List<BrokerSpec> nodes, JmxVersions versions, Duration timeout) {
        this.admin = admin;
        this.nodes = List.copyOf(nodes);
        this.versions = versions;
        this.timeout = timeout;
    }

    @Override
    public Result finalizeMetadataVersion(String release, String targetVersion) {
        Short level = LEVEL_OF_RELEASE.get(release);
        if (level == null) {
            return Result.refused("unknown release " + release + " (known: " + String.join(", ",
                    new java.util.TreeSet<>(LEVEL_OF_RELEASE.keySet())) + ")");
        }
        if (targetVersion != null) {
            List<String> behind = new ArrayList<>();
            for (BrokerSpec node : nodes) {
                if (!versions.supports(node)) {
                    continue;
                }
                try {
                    String v = versions.version(node);
                    if (!targetVersion.equals(v)) {
                        behind.add("node " + node.id() + " runs " + v);
                    }
                } catch (IllegalStateException e) {
                    behind.add("node " + node.id() + "'s version is unknown (" + e.getMessage() + ")");
                }
            }
            if (!behind.isEmpty()) {
                return Result.refused(String.join(", ", behind) + "; every node must run " + targetVersion
                        + " before metadata.version is finalized to " + release);
            }
        }
        try {
            FeatureMetadata features = admin.describeFeatures().featureMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            FinalizedVersionRange current = features.finalizedFeatures().get(METADATA_VERSION);
            if (current != null && current.maxVersionLevel() >= level) {
                return new Result(Result.Status.ALREADY_FINALIZED, "metadata.version already at level "
                        + current.maxVersionLevel() + " (release " + release + " is level " + level + ")");
            }
            Map<String, FeatureUpdate> update = Map.of(METADATA_VERSION,
                    new FeatureUpdate(level, FeatureUpdate.UpgradeType.UPGRADE));
            try {
                admin.updateFeatures(update, new UpdateFeaturesOptions().validateOnly(true)).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return Result.refused("the controller refuses metadata.version level " + level + " (" + release
                        + "): " + e.getCause().getMessage());
            }
            admin.updateFeatures(update, new UpdateFeaturesOptions()).all().get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            return Result.done("metadata.version finalized to level " + level + " (" + release + "), was "
                    + (current == null ? "unset" : current.maxVersionLevel()));
        } catch (ExecutionException e) {
            return Result.failed(e.getCause().getMessage());
        } catch (TimeoutException e) {
            return Result.failed("no answer from the cluster within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed("interrupted");
        }
    }
}
