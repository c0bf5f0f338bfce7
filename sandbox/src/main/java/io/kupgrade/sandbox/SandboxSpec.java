package io.kupgrade.sandbox;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What sandbox cluster to start. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: Kafka {@code 3.8.1}, 3 brokers, 3 racks ({@code r1}, {@code r2}, {@code r3}, round-robin),
 * {@link Mode#ZOOKEEPER}, no extra versions, 256 MB heap per broker, a new temporary base directory, no extra
 * broker properties, versions resolved from Maven Central (no {@code kafkaHome}).
 *
 * @param kafkaVersion the version every host runs at start (its {@code current} version)
 * @param brokers number of brokers (KRaft: nodes), ids {@code 1..brokers}
 * @param racks number of racks; {@code 0} for no {@code broker.rack}
 * @param mode ZooKeeper or KRaft
 * @param extraVersions further versions installed on every host, so {@code bin/switch-version} can switch to them
 * @param heapMb heap (-Xms and -Xmx) of every broker, in MB
 * @param baseDir where the cluster lives; null = a new temporary directory
 * @param brokerProperties extra {@code server.properties} entries for every broker (they override the sandbox's)
 * @param kafkaHome an existing Kafka installation (tarball layout) to use for {@code kafkaVersion} instead of
 *     resolving it; null = resolve. Its version must equal {@code kafkaVersion}
 * @param controllers KRaft only: number of dedicated controller nodes (ids {@code 101..}); 0 (default) = combined
 *     mode, where the first {@code min(3, brokers)} brokers are also the controllers
 * @param zookeeperServers ZooKeeper mode only: 1 (default) = one standalone server as before; 3, 5 or 7 = a
 *     quorum (an ensemble), server {@code i} on its own loopback address {@code 127.A.B.(200+i)} with client port
 *     2181, quorum port 2888 and election port 3888, and the four-letter words {@code srvr, mntr, ruok}
 *     whitelisted
 * @param classDataSharing start every broker and ZooKeeper JVM with a class data sharing archive (AppCDS, made
 *     by the first start that finds none and kept in the cache; see the sandbox README). Default on; the system
 *     property {@code kupgrade.sandbox.cds=false} turns the default off, and {@code KUPGRADE_CDS=off} in the
 *     environment of a {@code bin/start} turns it off for that start
 * @param cacheDir the kupgrade cache the versions are resolved into and the archives kept in; null = the
 *     default ({@code $KUPGRADE_CACHE}, else {@code ~/.cache/kupgrade})
 */
public record SandboxSpec(
        String kafkaVersion,
        int brokers,
        int racks,
        Mode mode,
        List<String> extraVersions,
        int heapMb,
        Path baseDir,
        Map<String, String> brokerProperties,
        Path kafkaHome,
        int controllers,
        int zookeeperServers,
        boolean classDataSharing,
        Path cacheDir) {

    /** The system property that turns the default of {@link #classDataSharing()} off ({@code false}). */
    public static final String CDS_PROPERTY = "kupgrade.sandbox.cds";

    /** How the cluster keeps its metadata. */
    public enum Mode {
        /** A ZooKeeper server (same classpath, {@code QuorumPeerMain}) plus N brokers. */
        ZOOKEEPER,
        /**
         * KRaft. Combined mode by default: the first {@code min(3, brokers)} nodes are broker and controller (the
         * voters), any further node is a broker only; with {@link SandboxSpec#controllers()} &gt; 0, dedicated
         * controller nodes and broker-only brokers.
         */
        KRAFT
    }

    public SandboxSpec {
        Objects.requireNonNull(kafkaVersion, "kafkaVersion");
        Objects.requireNonNull(mode, "mode");
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, got " + brokers);
        }
        if (racks < 0) {
            throw new IllegalArgumentException("racks must be >= 0, got " + racks);
        }
        if (heapMb < 64) {
            throw new IllegalArgumentException("heapMb must be >= 64, got " + heapMb);
        }
        extraVersions = List.copyOf(extraVersions);
        brokerProperties = Collections.unmodifiableMap(new LinkedHashMap<>(brokerProperties));
        if (controllers < 0 || controllers > 9 || (controllers > 0 && mode != Mode.KRAFT)) {
            throw new IllegalArgumentException("controllers must be 0 (combined) or, in KRaft mode, 1 to 9; got "
                    + controllers + " in " + mode + " mode");
        }
        if (brokers > 99) {
            throw new IllegalArgumentException("at most 99 brokers, got " + brokers);
        }
        if (zookeeperServers != 1 && (mode != Mode.ZOOKEEPER || zookeeperServers < 1 || zookeeperServers > 7
                || zookeeperServers % 2 == 0)) {
            throw new IllegalArgumentException("zookeeperServers must be 1 or, in ZooKeeper mode, an odd ensemble"
                    + " of 3, 5 or 7; got " + zookeeperServers + " in " + mode + " mode");
        }
        if (mode == Mode.KRAFT && kafkaVersion.matches("[0-2]\\..*")) {
            throw new IllegalArgumentException("KRaft needs Kafka 3.3 or later, got " + kafkaVersion);
        }
    }

    /** Without {@code zookeeperServers} (one ZooKeeper server): the shape before ensembles existed. */
    public SandboxSpec(String kafkaVersion, int brokers, int racks, Mode mode, List<String> extraVersions, int heapMb,
                       Path baseDir, Map<String, String> brokerProperties, Path kafkaHome, int controllers) {
        this(kafkaVersion, brokers, racks, mode, extraVersions, heapMb, baseDir, brokerProperties, kafkaHome,
                controllers, 1);
    }

    /** Without {@code classDataSharing} and {@code cacheDir}: the default of each. */
    public SandboxSpec(String kafkaVersion, int brokers, int racks, Mode mode, List<String> extraVersions, int heapMb,
                       Path baseDir, Map<String, String> brokerProperties, Path kafkaHome, int controllers,
                       int zookeeperServers) {
        this(kafkaVersion, brokers, racks, mode, extraVersions, heapMb, baseDir, brokerProperties, kafkaHome,
                controllers, zookeeperServers, classDataSharingByDefault(), null);
    }

    /** On unless the system property {@value #CDS_PROPERTY} is {@code false}. */
    static boolean classDataSharingByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty(CDS_PROPERTY, "true").strip());
    }

    /** {@link #cacheDir()}, or the default cache when it is null. */
    public Path effectiveCacheDir() {
        return cacheDir != null ? cacheDir : KafkaDistribution.defaultCacheDir();
    }

    /** True for a ZooKeeper-mode sandbox with a quorum of several ZooKeeper servers. */
    public boolean zookeeperEnsemble() {
        return zookeeperServers > 1;
    }

    /** A builder with the defaults above. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every version installed on the hosts: {@code kafkaVersion} first, then the extra ones. */
    public List<String> allVersions() {
        List<String> all = new java.util.ArrayList<>();
        all.add(kafkaVersion);
        extraVersions.stream().filter(v -> !all.contains(v)).forEach(all::add);
        return all;
    }

    /** Builder for {@link SandboxSpec}; not thread-safe. */
    public static final class Builder {
        private String kafkaVersion = "3.8.1";
        private int brokers = 3;
        private int racks = 3;
        private Mode mode = Mode.ZOOKEEPER;
        private List<String> extraVersions = List.of();
        private int heapMb = 256;
        private Path baseDir;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path kafkaHome;
        private int controllers;
        private int zookeeperServers = 1;
        private boolean classDataSharing = classDataSharingByDefault();
        private Path cacheDir;

        public Builder kafkaVersion(String v) {
            this.kafkaVersion = v;
            return this;
        }

        public Builder brokers(int n) {
            this.brokers = n;
            return this;
        }

        public Builder racks(int n) {
            this.racks = n;
            return this;
        }

        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        public Builder extraVersions(String... versions) {
            this.extraVersions = List.of(versions);
            return this;
        }

        public Builder extraVersions(List<String> versions) {
            this.extraVersions = List.copyOf(versions);
            return this;
        }

        public Builder heapMb(int mb) {
            this.heapMb = mb;
            return this;
        }

        public Builder baseDir(Path dir) {
            this.baseDir = dir;
            return this;
        }

        public Builder brokerProperty(String key, String value) {
            this.brokerProperties.put(key, value);
            return this;
        }

        public Builder brokerProperties(Map<String, String> props) {
            this.brokerProperties.putAll(props);
            return this;
        }

        public Builder kafkaHome(Path home) {
            this.kafkaHome = home;
            return this;
        }

        /** KRaft: dedicated controller nodes instead of combined mode. */
        public Builder controllers(int n) {
            this.controllers = n;
            return this;
        }

        /**
         * ZooKeeper mode: a quorum of {@code servers} ZooKeeper servers (3, 5 or 7) instead of one; the brokers'
         * {@code zookeeper.connect} names them all.
         */
        public Builder zookeeperEnsemble(int servers) {
            this.zookeeperServers = servers;
            return this;
        }

        /**
         * Class data sharing for the brokers' and ZooKeeper's JVMs (default on, unless the system property
         * {@value SandboxSpec#CDS_PROPERTY} is {@code false}): a broker start takes about 40% less CPU.
         */
        public Builder classDataSharing(boolean on) {
            this.classDataSharing = on;
            return this;
        }

        /** The cache for resolved versions and class data sharing archives, instead of the default one. */
        public Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        /** @throws IllegalArgumentException when a value is out of range */
        public SandboxSpec build() {
            return new SandboxSpec(kafkaVersion, brokers, racks, mode, extraVersions, heapMb, baseDir,
                    brokerProperties, kafkaHome, controllers, zookeeperServers, classDataSharing, cacheDir);
        }
    }
}
