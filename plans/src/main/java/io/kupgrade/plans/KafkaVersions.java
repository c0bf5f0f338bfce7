package io.kupgrade.plans;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What kupgrade knows about Kafka versions: the releases, the protocol versions that
 * {@code inter.broker.protocol.version} / {@code log.message.format.version} accept, the KRaft metadata
 * versions, and the record format each protocol version writes. Stateless and thread-safe.
 *
 * <p>The protocol table is Kafka's own ({@code MetadataVersion} of kafka-server-common 3.8/3.9, which
 * still lists every ZooKeeper-era {@code ApiVersion}); a release written without an IV (e.g. {@code 2.8})
 * means that release's latest IV, as Kafka reads it.
 */
public final class KafkaVersions {
    /**
     * Protocol versions usable as IBP/LMF: release -> highest IV (-1: the release has no IVs).
     * Source: org.apache.kafka.server.common.MetadataVersion (3.8.1 / 3.9.2). IBP stops at 3.9: Kafka 4.0
     * removed ZooKeeper mode and with it inter.broker.protocol.version.
     */
    private static final Map<String, Integer> PROTOCOL_IVS = new LinkedHashMap<>();

    static {
        for (String r : List.of("0.8.0", "0.8.1", "0.8.2", "0.9.0")) {
            PROTOCOL_IVS.put(r, -1);
        }
        String[][] table = {
            {"0.10.0", "1"}, {"0.10.1", "2"}, {"0.10.2", "0"}, {"0.11.0", "2"}, {"1.0", "0"}, {"1.1", "0"},
            {"2.0", "1"}, {"2.1", "2"}, {"2.2", "1"}, {"2.3", "1"}, {"2.4", "1"}, {"2.5", "0"}, {"2.6", "0"},
            {"2.7", "2"}, {"2.8", "1"}, {"3.0", "1"}, {"3.1", "0"}, {"3.2", "0"}, {"3.3", "3"}, {"3.4", "0"},
            {"3.5", "2"}, {"3.6", "2"}, {"3.7", "4"}, {"3.8", "0"}, {"3.9", "0"},
        };
        for (String[] row : table) {
            PROTOCOL_IVS.put(row[0], Integer.parseInt(row[1]));
        }
    }

    /** KRaft metadata versions: release -> highest production IV (MetadataVersion of kafka-server-common 4.1.2). */
    private static final Map<String, Integer> METADATA_IVS = new LinkedHashMap<>();

    static {
        String[][] table = {
            {"3.3", "3"}, {"3.4", "0"}, {"3.5", "2"}, {"3.6", "2"}, {"3.7", "4"}, {"3.8", "0"}, {"3.9", "0"},
            {"4.0", "3"}, {"4.1", "1"},
        };
        for (String[] row : table) {
            METADATA_IVS.put(row[0], Integer.parseInt(row[1]));
        }
    }

    /** Feature releases of Apache Kafka that kupgrade knows, oldest first. */
    public static final List<String> RELEASES = List.of("0.8.0", "0.8.1", "0.8.2", "0.9.0", "0.10.0", "0.10.1",
            "0.10.2", "0.11.0", "1.0", "1.1", "2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8",
            "3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "4.0", "4.1", "4.2", "4.3",
            "4.4");

    private KafkaVersions() {
    }

    /** Parses a version; see {@link KafkaVersion#parse(String)}. */
    public static KafkaVersion parse(String text) {
        return KafkaVersion.parse(text);
    }

    /** Compares two version strings by {@link KafkaVersion}'s order. */
    public static int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    /**
     * Why {@code text} is not a value {@code inter.broker.protocol.version} or
     * {@code log.message.format.version} accepts, or empty when it is one (e.g. {@code 2.8},
     * {@code 2.8.2}, {@code 2.8-IV1}, {@code 0.10.2}). Kafka reads a build number ({@code 2.8.2}) as its
     * release, so it is accepted.
     */
    public static Optional<String> checkProtocolVersion(String text) {
        return check(text, PROTOCOL_IVS, "protocol version",
                "; protocol versions go from 0.8.0 to 3.9 (Kafka 4.0 removed inter.broker.protocol.version)");
    }

    /** Why {@code text} is not a KRaft metadata version (3.3 .. 4.1, optionally with -IVn), or empty. */
    public static Optional<String> checkMetadataVersion(String text) {
        return check(text, METADATA_IVS, "metadata version", "; metadata versions go from 3.3 to 4.1");
    }

    /** Why {@code text} is not a Kafka build this kupgrade knows (e.g. {@code 3.9.2}), or empty. */
    public static Optional<String> checkRelease(String text) {
        KafkaVersion v;
        try {
            v = parse(text);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (v.hasIv()) {
            return Optional.of("'" + text + "' is a protocol version; a Kafka release has no -IV suffix (e.g. 3.9.2)");
        }
        if (!RELEASES.contains(v.release().toString())) {
            return Optional.of("'" + text + "' is not a Kafka release kupgrade knows (" + RELEASES.get(0) + " .. "
                    + RELEASES.get(RELEASES.size() - 1) + ")");
        }
        return Optional.empty();
    }

    /**
     * The highest record format (message format) version a broker writes at this protocol version:
     * 0 before 0.10.0, 1 for 0.10.x, 2 from 0.11.0 ({@code MetadataVersion.highestSupportedRecordVersion}).
     */
    public static int recordFormat(KafkaVersion protocol) {
        KafkaVersion release = protocol.release();
        if (release.compareTo(parse("0.10.0")) < 0) {
            return 0;
        }
        return release.compareTo(parse("0.11.0")) < 0 ? 1 : 2;
    }

    /**
     * Compares two protocol versions the way Kafka orders them: by release (a build number such as the
     * {@code .2} of {@code 2.8.2} is ignored), then IV, where a release without IV means its latest IV.
     */
    public static int compareProtocol(KafkaVersion a, KafkaVersion b) {
        int c = a.release().compareTo(b.release());
        return c != 0 ? c : Integer.compare(effectiveIv(a), effectiveIv(b));
    }

    /** {@link #compareProtocol(KafkaVersion, KafkaVersion)} for strings; throws IllegalArgumentException. */
    public static int compareProtocol(String a, String b) {
        return compareProtocol(parse(a), parse(b));
    }

    private static int effectiveIv(KafkaVersion v) {
        if (v.hasIv()) {
            return v.iv();
        }
        Integer highest = PROTOCOL_IVS.get(v.release().toString());
        if (highest == null) {
            highest = METADATA_IVS.get(v.release().toString());
        }
        return highest == null ? -1 : highest;
    }

    private static Optional<String> check(String text, Map<String, Integer> table, String what, String range) {
        KafkaVersion v;
        try {
            v = parse(text);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        String release = v.release().toString();
        Integer highestIv = table.get(release);
        if (highestIv == null) {
            return Optional.of("'" + text + "' is not a " + what + " Kafka knows" + range);
        }
        if (v.hasIv() && (v.iv() > highestIv)) {
            return Optional.of("'" + text + "' is not a " + what + " Kafka knows: " + release
                    + (highestIv < 0 ? " has no IVs" : " goes up to " + release + "-IV" + highestIv));
        }
        if (v.hasIv() && v.segments().size() > v.release().segments().size()) {
            return Optional.of("'" + text + "' mixes a build number and an IV; write " + release + "-IV" + v.iv());
        }
        return Optional.empty();
    }
}
