package io.kupgrade.plans;

import io.kupgrade.plans.PlanBinder.PhaseDraft;
import io.kupgrade.plans.YamlNode.Entry;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kafka-aware rules for phases, applied in phase order to the configuration each phase leaves behind.
 * References are to /work/shared/reference/kafka-upgrade-reference.md (the project's Kafka reference).
 */
final class KafkaChecks {
    static final String IBP = "inter.broker.protocol.version";
    static final String LMF = "log.message.format.version";
    static final Set<String> VERSION_PROPERTIES = Set.of(IBP, LMF);

    private static final KafkaVersion V3_0 = KafkaVersion.parse("3.0");

    private final Problems problems;
    private final BrokerConfigNames configNames = BrokerConfigNames.get();

    KafkaChecks(Problems problems) {
        this.problems = problems;
    }

    /** A version-valued property as the plan leaves it after some phase. */
    private record Pinned(String property, KafkaVersion version, String text, PhaseDraft phase, YamlNode node) {
    }

    void check(ClusterSpec cluster, List<PhaseDraft> phases) {
        boolean zookeeperMode = cluster != null && cluster.zookeeperMode();
        Pinned ibp = null;
        Pinned lmf = null;
        KafkaVersion software = null;
        String finalized = null;
        for (PhaseDraft d : phases) {
            software = softwareVersion(d, software);
            if (zookeeperMode && d.version != null && software != null && software.major() >= 4) {
                // reference §1b: "Apache Kafka 4.0 only supports KRaft mode"
                problems.error(d.node.get("version"), d.path() + ".version", "Kafka " + d.version + " runs only in "
                        + "KRaft mode, but cluster.zookeeper is set: migrate the cluster to KRaft on 3.9 first");
            }
            checkPropertyNames(d, software);

            Pinned newIbp = versionProperty(d, IBP);
            Pinned newLmf = versionProperty(d, LMF);
            if (newIbp != null && !zookeeperMode) {
                problems.warn(newIbp.node(), d.path() + ".set." + IBP, "KRaft clusters (no cluster.zookeeper) use "
                        + "metadata.version, raised with finalize.metadataVersion; inter.broker.protocol.version "
                        + "only matters in ZooKeeper mode");
            }
            if (newIbp != null) {
                checkAgainstSoftware(d, newIbp, software);
                pointOfNoReturnForRaise(d, ibp, newIbp, "the cluster can no longer be downgraded");
                ibp = newIbp;
            }
            if (d.unsetNodes.containsKey(IBP)) {
                // Without the pin a broker speaks its binary's latest protocol: a raise we cannot see.
                d.pointOfNoReturnReasons.add("removes the inter.broker.protocol.version pin, so brokers use their "
                        + "binary's latest protocol");
                warnUnmarked(d, d.unsetNodes.get(IBP), d.path() + ".unset[" + d.unset.indexOf(IBP) + "]",
                        "removes the " + IBP + " pin");
                ibp = null;
            }
            if (newLmf != null) {
                checkAgainstSoftware(d, newLmf, software);
                pointOfNoReturnForRaise(d, lmf, newLmf, "do not lower it again: it certifies that all data on disk "
                        + "is in this format or older, and older consumers may break");
                lmf = newLmf;
                if (ibp != null && KafkaVersions.compareProtocol(ibp.version(), V3_0) >= 0) {
                    problems.warn(newLmf.node(), d.path() + ".set." + LMF, LMF + " is ignored while " + IBP
                            + " is 3.0 or higher (KIP-724)");
                }
            }
            if (d.unsetNodes.containsKey(LMF)) {
                lmf = null;
            }
            if ((newIbp != null || newLmf != null) && ibp != null && lmf != null) {
                checkFormatAgainstProtocol(d, ibp, lmf, newLmf != null);
            }
            if (zookeeperMode && (d.version != null || newIbp != null)) {
                checkUnpinnedFormat(d, software, ibp, lmf);
            }
            finalized = checkFinalize(d, software, finalized, zookeeperMode, phases);
        }
    }

    private KafkaVersion softwareVersion(PhaseDraft d, KafkaVersion previous) {
        if (d.version == null) {
            return previous;
        }
        YamlNode at = d.node.get("version");
        String path = d.path() + ".version";
        Optional<String> problem = KafkaVersions.checkRelease(d.version);
        if (problem.isPresent()) {
            KafkaVersion parsed = tryParse(d.version);
            if (parsed == null || parsed.hasIv()) {
                problems.error(at, path, problem.get());
                return previous;
            }
            problems.warn(at, path, problem.get() + "; it is checked as a newer release");
            return parsed;
        }
        return KafkaVersion.parse(d.version);
    }

    /**
     * {@code set}/{@code unset} names are checked against the broker configs Kafka defines: a near miss is an
     * error with a suggestion; an unknown name in a Kafka family ({@code log.retention.x}) is an error;
     * any other unknown name is taken as a plugin's setting (authorizer, metrics reporter) with a warning.
     */
    private void checkPropertyNames(PhaseDraft d, KafkaVersion software) {
        for (Entry e : d.setEntries.values()) {
            checkName(e.key(), e.line(), e.column(), d.path() + ".set." + e.key(), software);
        }
        for (int i = 0; i < d.unset.size(); i++) {
            YamlNode at = d.unsetNodes.get(d.unset.get(i));
            checkName(d.unset.get(i), at.line(), at.column(), d.path() + ".unset[" + i + "]", software);
        }
    }

    private void checkName(String name, int line, int column, String path, KafkaVersion software) {
        if (configNames.isKnown(name)) {
            checkKnownInRelease(name, line, column, path, software);
            return;
        }
        if (name.startsWith("listener.name.")) {
            return; // per-listener overrides: listener.name.<listener>[.<mechanism>].<config>
        }
        Optional<String> closest = configNames.closest(name);
        String releases = releaseRange();
        if (closest.isPresent()) {
            problems.error(line, column, path, "unknown broker property '" + name + "' — did you mean '"
                    + closest.get() + "'?");
        } else if (configNames.inKafkaFamily(name)) {
            problems.error(line, column, path, "unknown broker property '" + name + "': Kafka " + releases
                    + " defines no such setting");
        } else {
            problems.warn(line, column, path, "'" + name + "' is not a broker setting of Kafka " + releases
                    + "; kept as a plugin's setting (authorizer, metrics reporter, ...)");
        }
    }

    /**
     * A name Kafka knows, but not the release this phase installs (e.g. log.message.format.version in 4.x).
     * Only checked for releases the names were generated from, so a name added in between is never flagged.
     */
    private void checkKnownInRelease(String name, int line, int column, String path, KafkaVersion software) {
        if (software == null || configNames.releasesOf(name).isEmpty()) {
            return;
        }
        String release = software.release().toString();
        if (configNames.releases().contains(release) && !configNames.releasesOf(name).contains(release)) {
            problems.warn(line, column, path, "'" + name + "' is not a broker setting of Kafka " + release
                    + " (known in " + String.join(", ", sorted(configNames.releasesOf(name)))
                    + "); the broker ignores it");
        }
    }

    private String releaseRange() {
        List<String> r = configNames.releases();
        return r.isEmpty() ? "" : r.get(0) + " to " + r.get(r.size() - 1);
    }

    private static List<String> sorted(Set<String> releases) {
        return releases.stream().sorted((a, b) -> KafkaVersions.compare(a, b)).toList();
    }

    private Pinned versionProperty(PhaseDraft d, String property) {
        String text = d.set.get(property);
        if (text == null) {
            return null;
        }
        YamlNode at = d.setEntries.get(property).value();
        Optional<String> problem = KafkaVersions.checkProtocolVersion(text);
        if (problem.isPresent()) {
            problems.error(at, d.path() + ".set." + property, problem.get());
            return null;
        }
        return new Pinned(property, KafkaVersion.parse(text), text, d, at);
    }

    /** "Version `X` is not a valid version": a binary does not know a protocol newer than itself (§1a). */
    private void checkAgainstSoftware(PhaseDraft d, Pinned value, KafkaVersion software) {
        if (software != null && value.version().release().compareTo(software.release()) > 0) {
            problems.error(value.node(), d.path() + ".set." + value.property(), value.property() + " " + value.text()
                    + " is newer than the Kafka " + software + " this phase runs: the broker would refuse to start");
        }
    }

    private void pointOfNoReturnForRaise(PhaseDraft d, Pinned before, Pinned after, String consequence) {
        String property = after.property();
        if (before == null) {
            return; // first pin in the plan: the cluster's current value is not known offline
        }
        int c = KafkaVersions.compareProtocol(after.version(), before.version());
        String path = d.path() + ".set." + property;
        if (c > 0) {
            d.pointOfNoReturnReasons.add("raises " + property + " from " + before.text() + " to " + after.text()
                    + "; " + consequence);
            warnUnmarked(d, after.node(), path, "raises " + property + " from " + before.text() + " to "
                    + after.text());
        } else if (c < 0) {
            problems.warn(after.node(), path, "lowers " + property + " from " + before.text() + " (phase '"
                    + before.phase().name + "') to " + after.text() + ": Kafka does not support lowering it once "
                    + "brokers have used the higher value");
        }
    }

    private void warnUnmarked(PhaseDraft d, YamlNode at, String path, String what) {
        if (!d.declaredPointOfNoReturn) {
            problems.warn(at, path, "phase '" + d.name + "' " + what + ", after which it cannot be rolled back; "
                    + "it is treated as a point of no return: add pointOfNoReturn: true to say so");
        }
    }

    /**
     * KafkaConfig refuses to start when the message format's record version is newer than the protocol's:
     * "log.message.format.version X can only be used when inter.broker.protocol.version is set to version Y
     * or higher" (reference §1a, Startup validation). From IBP 3.0 the format is ignored (KIP-724).
     */
    private void checkFormatAgainstProtocol(PhaseDraft d, Pinned ibp, Pinned lmf, boolean lmfChanged) {
        if (KafkaVersions.compareProtocol(ibp.version(), V3_0) >= 0) {
            return;
        }
        YamlNode at = lmfChanged ? lmf.node() : ibp.node();
        String path = d.path() + ".set." + (lmfChanged ? LMF : IBP);
        int format = KafkaVersions.recordFormat(lmf.version());
        if (format > KafkaVersions.recordFormat(ibp.version())) {
            String minimum = format == 2 ? "0.11.0" : "0.10.0";
            problems.error(at, path, LMF + " " + lmf.text() + " can only be used when " + IBP + " is " + minimum
                    + " or higher, but after phase '" + d.name + "' it is " + ibp.text()
                    + ": the broker refuses to start");
        } else if (KafkaVersions.compareProtocol(lmf.version(), ibp.version()) > 0) {
            problems.warn(at, path, LMF + " " + lmf.text() + " is above " + IBP + " " + ibp.text()
                    + " after phase '" + d.name + "'; raise the protocol first");
        }
    }

    /**
     * Reference §1a step 1: "If the cluster is older than 0.11.0, set LMF to the current Kafka version". Left
     * unset, log.message.format.version defaults to the new binary's format, newer than a pinned pre-0.11
     * protocol, and the broker refuses to start. A warning: server.properties may already pin it.
     */
    private void checkUnpinnedFormat(PhaseDraft d, KafkaVersion software, Pinned ibp, Pinned lmf) {
        if (software == null || ibp == null || lmf != null) {
            return;
        }
        int ibpFormat = KafkaVersions.recordFormat(ibp.version());
        if (KafkaVersions.recordFormat(software) > ibpFormat) {
            YamlNode at = d.version != null ? d.node.get("version") : ibp.node();
            String path = d.path() + (d.version != null ? ".version" : ".set." + IBP);
            problems.warn(at, path, LMF + " is not pinned: unless server.properties already sets it, Kafka "
                    + software + " uses a newer message format than " + IBP + " " + ibp.text()
                    + " allows and refuses to start; pin " + LMF + " to " + ibp.text() + " as well");
        }
    }

    private String checkFinalize(PhaseDraft d, KafkaVersion software, String previous, boolean zookeeperMode,
                                 List<PhaseDraft> phases) {
        if (d.finalizeMetadataVersion == null) {
            return previous;
        }
        String path = d.path() + ".finalize.metadataVersion";
        if (zookeeperMode) {
            problems.error(d.finalizeNode, path, "metadata.version exists only in KRaft mode, but cluster.zookeeper "
                    + "is set; ZooKeeper-mode clusters raise inter.broker.protocol.version instead");
            return previous;
        }
        Optional<String> problem = KafkaVersions.checkMetadataVersion(d.finalizeMetadataVersion);
        if (problem.isPresent()) {
            problems.error(d.finalizeNode, path, problem.get());
            return previous;
        }
        KafkaVersion mv = KafkaVersion.parse(d.finalizeMetadataVersion);
        if (software != null && mv.release().compareTo(software.release()) > 0) {
            problems.error(d.finalizeNode, path, "cannot finalize metadata.version " + d.finalizeMetadataVersion
                    + " while brokers run Kafka " + software + ": the controller refuses a level a node does "
                    + "not support");
        }
        if (previous != null && KafkaVersions.compareProtocol(mv, KafkaVersion.parse(previous)) < 0) {
            problems.error(d.finalizeNode, path, "metadata.version " + d.finalizeMetadataVersion
                    + " is lower than the " + previous + " finalized by an earlier phase; it cannot be lowered");
        }
        // Conservative (reference §1b): many metadata versions change metadata and cannot be downgraded, and
        // the cluster's current level is not known offline, so every finalize is a point of no return.
        d.pointOfNoReturnReasons.add("finalizes metadata.version " + d.finalizeMetadataVersion
                + "; a finalized metadata.version can usually not be downgraded");
        warnUnmarked(d, d.finalizeNode, path, "finalizes metadata.version " + d.finalizeMetadataVersion);
        if (d != phases.get(phases.size() - 1)) {
            problems.warn(d.finalizeNode, path, "finalize is usually the last step: later phases run on the "
                    + "finalized metadata.version");
        }
        return d.finalizeMetadataVersion;
    }

    private static KafkaVersion tryParse(String text) {
        try {
            return KafkaVersion.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
