package io.kupgrade.gates;

import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.PlanException;
import io.kupgrade.plans.PlanProblem;
import io.kupgrade.plans.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.ListPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Reads {@link ClusterSnapshot}s with the Kafka Admin client (kafka-clients 3.9, which still talks to brokers
 * from 0.10 on; reference §2 "Client library choice").
 *
 * <p>One {@link #read()} issues, concurrently: describeCluster, describeMetadataQuorum, listTopics then one
 * describeTopics of all topics, listPartitionReassignments and describeFeatures. Topic configs
 * ({@code min.insync.replicas} and the replication-throttle lists) are cached: re-read every
 * {@code configRefreshPolls} reads or when the topic set changes, since they rarely change during a roll.
 *
 * <ul>
 *   <li>KRaft is detected by describeMetadataQuorum answering (KIP-836, 3.3+); the active controller is then
 *       its {@code leaderId}, never describeCluster's controller, which through a broker is a random live
 *       broker (reference §2 "KRaft gotcha"). ZooKeeper mode: describeCluster's controller.</li>
 *   <li>Voter lag = leader's log end offset − voter's log end offset (what kafka-metadata-quorum prints).</li>
 *   <li>Brokers older than 2.4 cannot list reassignments: the snapshot is empty there and carries a note.</li>
 *   <li>describeFeatures is empty in ZooKeeper mode and unsupported before 2.7 (then a note).</li>
 * </ul>
 *
 * <p>Not thread-safe: one reader per polling thread. {@link #close()} returns promptly, aborting calls in
 * flight. Failures to reach the cluster are thrown as {@link ClusterUnreachableException}.
 */
public final class AdminClusterReader implements ClusterReader, ConfigReader {
    /** How long one {@link #read()} may take in total. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /** Topic configs are re-read at least every this many reads. */
    public static final int DEFAULT_CONFIG_REFRESH_POLLS = 60;

    /**
     * How long a read waits for the default min ISR of brokers it has not heard from yet (one back from a
     * restart): bounded, so that one slow broker does not use up the read's whole timeout and fail it. One that
     * has not answered by then is asked again on the next read; until then canStop counts as unknown.
     */
    static final Duration NEW_BROKER_DEFAULT_WAIT = Duration.ofSeconds(2);
    static final String MIN_ISR = "min.insync.replicas";
    static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    static final String FOLLOWER_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";
    static final Set<String> TOPIC_CONFIG_KEYS = Set.of(MIN_ISR, LEADER_THROTTLED_REPLICAS,
            FOLLOWER_THROTTLED_REPLICAS);

    private final Admin admin;
    private final Clock clock;
    private final Duration readTimeout;
    private final int configRefreshPolls;

    private Map<String, Map<String, String>> topicConfigs = Map.of();
    /**
     * Each registered broker's default {@code min.insync.replicas} (its server.properties, or a dynamic per-broker
     * or cluster-wide value), as of its last answer. A partition's leader applies its own default to a topic
     * without a setting of its own, and brokers can disagree (a roll that changes it in server.properties, a
     * per-broker dynamic override): topics without their own count the highest default of all brokers.
     */
    private Map<Integer, Integer> brokerMinIsr = Map.of();
    private int readsSinceConfigRefresh;
    private boolean reassignmentsUnsupported;
    private boolean quorumUnsupported;
    private int readsSinceQuorumProbe;
    private ZooKeeperInspector zooKeeper;
    /** The brokers of the last read, to ask for their default min ISR on a refresh. */
    private Set<Integer> lastBrokers;
    /** The topics the last read listed: described alongside listTopics by the next read (one round trip). */
    private Set<String> lastTopics = Set.of();

    /**
     * A reader over an Admin the caller created (tests, or callers with their own client settings). The
     * reader takes ownership and closes it.
     */
    public AdminClusterReader(Admin admin, Clock clock, Duration readTimeout, int configRefreshPolls) {
        this.admin = admin;
        this.clock = clock;
        this.readTimeout = readTimeout;
        this.configRefreshPolls = Math.max(1, configRefreshPolls);
    }

    /**
     * A reader for the plan's cluster. Client properties are, in increasing precedence: the
     * {@code commandConfig} file (as Kafka's tools take it), the plan's {@code clientProperties} (secrets
     * revealed only here, into the client), the bootstrap servers; then short timeouts suited to polling,
     * unless the user set them.
     *
     * @throws PlanException when the command config file cannot be read
     * @throws ClusterUnreachableException when no bootstrap server resolves to an address
     * @throws ClientSettingsException when the Kafka client refuses its settings
     */
    public static AdminClusterReader create(ClusterSpec cluster) {
        AdminClusterReader reader = new AdminClusterReader(admin(cluster), Clock.systemUTC(), DEFAULT_READ_TIMEOUT,
                DEFAULT_CONFIG_REFRESH_POLLS);
        if (cluster.zookeeperMode()) {
            reader.withZooKeeper(new ZooKeeperInspector(cluster.zookeeper(), Duration.ofSeconds(5)));
        }
        return reader;
    }

    private static Admin admin(ClusterSpec cluster) {
        Properties props = clientProperties(cluster);
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String why = cause.getMessage();
            if (cause instanceof ConfigException && why != null && why.startsWith("No resolvable bootstrap urls")) {
                throw new ClusterUnreachableException("none of the bootstrap servers " + cluster.bootstrapServers()
                        + " resolves to an address (DNS): " + why, e);
            }
            throw new ClientSettingsException("the Kafka client refused its settings (the bootstrap servers, the"
                    + " client properties or the command config file): " + why, e);
        }
    }

    /**
     * Also reads broker epochs (registration identities) from ZooKeeper on every read, for
     * {@link Gates#brokerRejoined}. A ZooKeeper failure becomes a note, not a failed read. The reader takes
     * ownership of the inspector.
     */
    public AdminClusterReader withZooKeeper(ZooKeeperInspector inspector) {
        this.zooKeeper = inspector;
        return this;
    }

    /** The ZooKeeper inspector, when the plan names ZooKeeper. */
    public java.util.Optional<ZooKeeperInspector> zooKeeper() {
        return java.util.Optional.ofNullable(zooKeeper);
    }

    /** The Admin client properties for a cluster; see {@link #create(ClusterSpec)}. Values may be secrets. */
    static Properties clientProperties(ClusterSpec cluster) {
        Properties props = new Properties();
        if (cluster.commandConfig() != null && !cluster.commandConfig().isBlank()) {
            Path file = Path.of(cluster.commandConfig());
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new PlanException(List.of(new PlanProblem(cluster.commandConfig(), 0, 0,
                        "cluster.commandConfig", "cannot read the client properties file: " + e.getMessage())));
            }
        }
        for (Map.Entry<String, Secret> entry : cluster.clientProperties().entrySet()) {
            props.put(entry.getKey(), entry.getValue().reveal());
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        // Polling wants quick answers: a stuck request must not hold a poll for the default 30 s/60 s.
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "kupgrade-gates");
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, "2000");
        props.putIfAbsent(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, "5000");
        props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.putIfAbsent(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        props.putIfAbsent(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        props.putIfAbsent(AdminClientConfig.METADATA_MAX_AGE_CONFIG, "5000");
        return props;
    }

    @Override
    public ClusterSnapshot read() {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        int timeoutMs = (int) readTimeout.toMillis();
        List<String> notes = new ArrayList<>();

        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs));
        KafkaFuture<Set<String>> topicNames = admin.listTopics(
                new ListTopicsOptions().listInternal(true).timeoutMs(timeoutMs)).names();
        // the topics of the last read are described together with the listing instead of after it (a read is
        // polled every pollInterval while a broker comes back: one round trip less per poll); a topic listed now
        // that this did not describe is described after the listing, as every topic was before
        Map<String, KafkaFuture<TopicDescription>> early = lastTopics.isEmpty() ? Map.of()
                : admin.describeTopics(TopicCollection.ofTopicNames(lastTopics),
                        new DescribeTopicsOptions().timeoutMs(timeoutMs)).topicNameValues();
        boolean probeQuorum = !quorumUnsupported || ++readsSinceQuorumProbe >= configRefreshPolls;
        KafkaFuture<QuorumInfo> quorum = probeQuorum
                ? admin.describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(timeoutMs)).quorumInfo()
                : null;
        KafkaFuture<Map<TopicPartition, PartitionReassignment>> reassignments = reassignmentsUnsupported ? null
                : admin.listPartitionReassignments(new ListPartitionReassignmentsOptions().timeoutMs(timeoutMs))
                        .reassignments();
        KafkaFuture<FeatureMetadata> features = admin.describeFeatures(
                new DescribeFeaturesOptions().timeoutMs(timeoutMs)).featureMetadata();

        Map<Integer, ClusterSnapshot.Node> brokers = new HashMap<>();
        for (Node node : get(cluster.nodes(), deadline, "describeCluster")) {
            brokers.put(node.id(), new ClusterSnapshot.Node(node.id(), node.host(), node.port(), node.rack()));
        }
        Node clusterController = get(cluster.controller(), deadline, "describeCluster");

        boolean kraft = false;
        OptionalInt activeController = clusterController == null || clusterController.isEmpty()
                ? OptionalInt.empty() : OptionalInt.of(clusterController.id());
        Map<Integer, Long> voterLag = new HashMap<>();
        Map<Integer, Long> lastFetch = new HashMap<>();
        if (quorum != null) {
            try {
                QuorumInfo info = quorum.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                kraft = true;
                quorumUnsupported = false;
                activeController = info.leaderId() >= 0 ? OptionalInt.of(info.leaderId()) : OptionalInt.empty();
                long leaderEnd = info.voters().stream().filter(v -> v.replicaId() == info.leaderId())
                        .mapToLong(QuorumInfo.ReplicaState::logEndOffset).findFirst().orElse(info.highWatermark());
                for (QuorumInfo.ReplicaState voter : info.voters()) {
                    voterLag.put(voter.replicaId(), Math.max(0, leaderEnd - voter.logEndOffset()));
                    voter.lastFetchTimestamp().ifPresent(at -> lastFetch.put(voter.replicaId(), at));
                }
                for (QuorumInfo.ReplicaState observer : info.observers()) {
                    observer.lastFetchTimestamp().ifPresent(at -> lastFetch.put(observer.replicaId(), at));
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnsupportedVersionException) {
                    // ZooKeeper mode (or KRaft before 3.3): the brokers do not serve DescribeQuorum
                    quorumUnsupported = true;
                    readsSinceQuorumProbe = 0;
                } else {
                    // KRaft without an answer from the quorum: no controller rather than a wrong one
                    kraft = true;
                    activeController = OptionalInt.empty();
                    notes.add("describeMetadataQuorum failed: " + e.getCause().getMessage());
                }
            } catch (TimeoutException e) {
                throw unreachable("describeMetadataQuorum", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable("describeMetadataQuorum", e);
            }
        }
        if (quorum == null && quorumUnsupported) {
            kraft = false;
        }

        Set<String> topics = get(topicNames, deadline, "listTopics");
        List<ClusterSnapshot.PartitionState> partitions = describePartitions(topics, early, deadline, timeoutMs);
        lastTopics = Set.copyOf(topics);
        lastBrokers = Set.copyOf(brokers.keySet());
        Map<String, Integer> minIsr = minIsrByTopic(topics, brokers.keySet(), deadline, timeoutMs, notes);

        Set<String> reassigning = new HashSet<>();
        if (reassignments != null) {
            try {
                for (TopicPartition tp : reassignments.get(remainingMs(deadline), TimeUnit.MILLISECONDS).keySet()) {
                    reassigning.add(tp.topic() + "-" + tp.partition());
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnsupportedVersionException)) {
                    throw unreachable("listPartitionReassignments", e.getCause());
                }
                reassignmentsUnsupported = true;
            } catch (TimeoutException e) {
                throw unreachable("listPartitionReassignments", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable("listPartitionReassignments", e);
            }
        }
        if (reassignmentsUnsupported) {
            notes.add(Gates.NOTE_NO_REASSIGNMENTS + " is not supported by brokers older than 2.4");
        }

        Map<String, Short> finalized = new HashMap<>();
        try {
            features.get(remainingMs(deadline), TimeUnit.MILLISECONDS).finalizedFeatures()
                    .forEach((name, range) -> finalized.put(name, range.maxVersionLevel()));
        } catch (ExecutionException e) {
            notes.add("describeFeatures failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw unreachable("describeFeatures", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("describeFeatures", e);
        }

        Map<Integer, Long> epochs = Map.of();
        if (zooKeeper != null && !kraft) {
            try {
                epochs = zooKeeper.brokerEpochs();
            } catch (ClusterUnreachableException e) {
                notes.add("broker epochs unreadable from ZooKeeper: " + e.getMessage());
            }
        }
        return new ClusterSnapshot(clock.instant(), brokers, activeController, kraft, partitions, minIsr,
                reassigning, voterLag, finalized, epochs, lastFetch, notes);
    }

    /**
     * The cached configs of each topic that lint needs ({@code min.insync.replicas} and the replication
     * throttle lists), as of the last {@link #read()}. Keys absent or values empty mean not set.
     */
    @Override
    public Map<String, Map<String, String>> topicConfigs() {
        return topicConfigs;
    }

    /**
     * Reads the named configs of each broker (e.g. {@code leader.replication.throttled.rate}); only values
     * that are set (not defaults) are returned. For lint; not cached.
     *
     * @throws ClusterUnreachableException when the configs cannot be read
     */
    @Override
    public Map<Integer, Map<String, String>> brokerConfigs(Collection<Integer> brokerIds, Set<String> names) {
        List<ConfigResource> resources = brokerIds.stream()
                .map(id -> new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(id))).toList();
        long deadline = System.nanoTime() + readTimeout.toNanos();
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources,
                new DescribeConfigsOptions().timeoutMs((int) readTimeout.toMillis())).all(), deadline,
                "describeConfigs(brokers)");
        Map<Integer, Map<String, String>> result = new HashMap<>();
        configs.forEach((resource, config) -> {
            Map<String, String> set = new HashMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (names.contains(entry.name()) && !entry.isDefault() && entry.value() != null) {
                    set.put(entry.name(), entry.value());
                }
            }
            result.put(Integer.parseInt(resource.name()), set);
        });
        return result;
    }

    /** The Admin client under this reader, for callers that need one more call (e.g. electLeaders). */
    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        // Duration.ZERO: abort calls in flight rather than wait for them; a roll that ends must end now.
        admin.close(Duration.ZERO);
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }

    /**
     * The partitions of every listed topic: from {@code early} (described alongside the listing) where it has the
     * topic, else from a describeTopics of the rest. A topic {@code early} did not know (created since the last
     * read, or answered by a broker that has not caught up) is described again; one gone by then was deleted in
     * between and is left out, as a topic deleted between listTopics and describeTopics always was.
     */
    private List<ClusterSnapshot.PartitionState> describePartitions(Set<String> topics,
                                                                     Map<String, KafkaFuture<TopicDescription>> early,
                                                                     long deadline, int timeoutMs) {
        List<ClusterSnapshot.PartitionState> partitions = new ArrayList<>();
        Set<String> rest = new HashSet<>();
        for (String topic : topics) {
            KafkaFuture<TopicDescription> f = early.get(topic);
            TopicDescription description = f == null ? null : described(f, deadline);
            if (description == null) {
                rest.add(topic);
            } else {
                addPartitions(description, partitions);
            }
        }
        if (rest.isEmpty()) {
            return partitions;
        }
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(
                TopicCollection.ofTopicNames(rest), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                .topicNameValues();
        for (KafkaFuture<TopicDescription> f : described.values()) {
            TopicDescription description = described(f, deadline);
            if (description != null) {
                addPartitions(description, partitions);
            }
        }
        return partitions;
    }

    /** The description, or null when the topic is unknown (deleted, or not known yet to the broker that answered). */
    private TopicDescription described(KafkaFuture<TopicDescription> f, long deadline) {
        try {
            return f.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw unreachable("describeTopics", e.getCause());
        } catch (TimeoutException e) {
            throw unreachable("describeTopics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("describeTopics", e);
        }
    }

    private static void addPartitions(TopicDescription description, List<ClusterSnapshot.PartitionState> out) {
        for (TopicPartitionInfo info : description.partitions()) {
            Node leader = info.leader();
            out.add(new ClusterSnapshot.PartitionState(description.name(), info.partition(), ids(info.replicas()),
                    ids(info.isr()), leader == null || leader.isEmpty() ? -1 : leader.id()));
        }
    }

    /**
     * Re-reads every cached topic config and the brokers' default {@code min.insync.replicas} now (one
     * describeConfigs of the topics known, one of a broker, sent together), so that a change made during the
     * roll is seen by the next {@code canStop}.
     *
     * @return true when a topic's min ISR or throttle lists, or the default, differ from what was cached
     */
    @Override
    public boolean refreshCachedConfigs() {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        int timeoutMs = (int) readTimeout.toMillis();
        List<String> notes = new ArrayList<>();
        // the defaults asked first, so that all reads are in flight together: a stop decision waits for one
        // round trip, not two (issue 7: kupgrade's own time per broker)
        Map<Integer, KafkaFuture<Config>> defaults = brokerMinIsr.isEmpty() || lastBrokers == null
                ? Map.of() : askBrokerDefaults(lastBrokers);
        Map<String, Map<String, String>> fresh = describeTopicConfigs(topicConfigs.keySet(), deadline, timeoutMs,
                notes);
        // a topic whose config could not be read again leaves the cache: the next read counts its min ISR as
        // unknown (the strictest) and asks again, rather than keep a value that may just have been raised
        boolean changed = !fresh.equals(topicConfigs);
        topicConfigs = Map.copyOf(fresh);
        readsSinceConfigRefresh = 0;
        if (!defaults.isEmpty()) {
            // likewise a broker that does not answer now: the next read asks it again, and until it answers
            // topics without their own min ISR count as unknown
            Map<Integer, Integer> now = brokerDefaults(defaults, deadline);
            changed |= !now.equals(brokerMinIsr);
            brokerMinIsr = Map.copyOf(now);
        }
        return changed;
    }

    private Map<String, Integer> minIsrByTopic(Set<String> topics, Set<Integer> brokerIds, long deadline,
                                               int timeoutMs, List<String> notes) {
        // Configs rarely change during a roll: re-read all of them every configRefreshPolls reads, and in
        // between only topics not in the cache (new ones, and ones whose read failed last time).
        readsSinceConfigRefresh++;
        Map<String, Map<String, String>> cache = new HashMap<>(topicConfigs);
        cache.keySet().retainAll(topics);
        Set<String> toRead = new HashSet<>(topics);
        if (readsSinceConfigRefresh >= configRefreshPolls) {
            readsSinceConfigRefresh = 0;
        } else {
            toRead.removeAll(cache.keySet());
        }
        if (!toRead.isEmpty()) {
            cache.putAll(describeTopicConfigs(toRead, deadline, timeoutMs, notes));
        }
        topicConfigs = Map.copyOf(cache);
        Map<String, Integer> minIsr = new HashMap<>();
        Integer fallback = null;
        boolean fallbackRead = false;
        for (String topic : topics) {
            if (!topicConfigs.containsKey(topic)) {
                // its describeConfigs failed (e.g. a new topic not yet known to the broker asked): a stop must
                // not go through on a guessed min ISR; asked again on the next read
                minIsr.put(topic, ClusterSnapshot.MIN_ISR_UNKNOWN);
                continue;
            }
            String value = topicConfigs.getOrDefault(topic, Map.of()).get(MIN_ISR);
            if (value != null) {
                minIsr.put(topic, Integer.parseInt(value.trim()));
            } else {
                if (!fallbackRead) {
                    fallback = brokerDefaultMinIsr(brokerIds, deadline, notes);
                    fallbackRead = true;
                }
                minIsr.put(topic, fallback != null ? fallback : ClusterSnapshot.MIN_ISR_UNKNOWN);
            }
        }
        return minIsr;
    }

    private Map<String, Map<String, String>> describeTopicConfigs(Set<String> topics, long deadline,
                                                                  int timeoutMs, List<String> notes) {
        Map<String, Map<String, String>> result = new HashMap<>();
        if (topics.isEmpty()) {
            return result;
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(resources,
                new DescribeConfigsOptions().timeoutMs(timeoutMs)).values();
        List<String> failed = new ArrayList<>();
        String firstCause = null;
        for (Map.Entry<ConfigResource, KafkaFuture<Config>> entry : futures.entrySet()) {
            Map<String, String> wanted = new HashMap<>();
            try {
                Config config = entry.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                for (ConfigEntry configEntry : config.entries()) {
                    if (TOPIC_CONFIG_KEYS.contains(configEntry.name()) && configEntry.value() != null
                            && setOnTopic(configEntry)) {
                        wanted.put(configEntry.name(), configEntry.value());
                    }
                }
            } catch (ExecutionException e) {
                // deleted meanwhile, not yet known to the broker asked, or not authorized: not cached, so it
                // is asked again next read; until then its min ISR counts as unknown (the strictest)
                failed.add(entry.getKey().name());
                if (firstCause == null) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    firstCause = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                }
                continue;
            } catch (TimeoutException e) {
                throw unreachable("describeConfigs(topics)", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable("describeConfigs(topics)", e);
            }
            result.put(entry.getKey().name(), wanted);
        }
        if (!failed.isEmpty()) {
            List<String> sorted = failed.stream().sorted().toList();
            notes.add("describeConfigs failed for " + failed.size() + " topics (" + String.join(", ",
                    sorted.subList(0, Math.min(5, sorted.size()))) + (sorted.size() > 5 ? ", ..." : "") + "; "
                    + firstCause + "); until a read succeeds their min ISR counts as their replication factor"
                    + " (none of their replicas may stop). A lasting failure is usually a missing DescribeConfigs"
                    + " ACL for kupgrade's principal");
        }
        return result;
    }

    /**
     * Whether the topic sets this config itself. A topic without its own {@code min.insync.replicas} is
     * described with the default of the broker that answered, which is not necessarily the default of the
     * broker leading its partitions ({@link #brokerDefaultMinIsr}). Brokers before 1.1 (describeConfigs v0)
     * tell only "default or not": a value not marked default counts as the topic's own.
     */
    static boolean setOnTopic(ConfigEntry entry) {
        return entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                || entry.source() == ConfigEntry.ConfigSource.UNKNOWN && !entry.isDefault();
    }

    /**
     * The default min ISR for topics without their own: the highest of the registered brokers' defaults (any
     * of them may lead such a partition, now or after a stop), asking only brokers not yet known (new, back
     * from a restart, or unanswered last time). Null, with a note naming them, while a broker has not answered.
     */
    private Integer brokerDefaultMinIsr(Set<Integer> brokerIds, long deadline, List<String> notes) {
        if (brokerIds.isEmpty()) {
            return null;
        }
        Map<Integer, Integer> known = new HashMap<>(brokerMinIsr);
        // a broker gone from the cluster is asked again when it is back: its restart may have changed it
        known.keySet().retainAll(brokerIds);
        Set<Integer> missing = new TreeSet<>(brokerIds);
        missing.removeAll(known.keySet());
        if (!missing.isEmpty()) {
            long wait = Math.min(deadline, System.nanoTime() + NEW_BROKER_DEFAULT_WAIT.toNanos());
            known.putAll(brokerDefaults(askBrokerDefaults(missing), wait));
            missing.removeAll(known.keySet());
        }
        brokerMinIsr = Map.copyOf(known);
        if (!missing.isEmpty()) {
            notes.add("the default min.insync.replicas of broker" + (missing.size() == 1 ? " " : "s ")
                    + joined(missing) + " is unreadable: topics without their own setting count as min ISR ="
                    + " their replication factor (none of their replicas may stop) until it is read");
            return null;
        }
        int highest = Collections.max(known.values());
        Map<Integer, Set<Integer>> byValue = new TreeMap<>();
        known.forEach((broker, value) -> byValue.computeIfAbsent(value, v -> new TreeSet<>()).add(broker));
        if (byValue.size() > 1) {
            notes.add("the brokers' default min.insync.replicas differ (" + byValue.entrySet().stream()
                    .map(e -> e.getKey() + " on " + (e.getValue().size() == 1 ? "broker " : "brokers ")
                            + joined(e.getValue()))
                    .collect(Collectors.joining("; ")) + "): topics without their own setting count the highest, "
                    + highest + ", since a partition's leader applies its own");
        }
        return highest;
    }

    private static String joined(Set<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** Sends one describeConfigs of each broker's own config; {@link #brokerDefaults} reads the answers. */
    private Map<Integer, KafkaFuture<Config>> askBrokerDefaults(Set<Integer> brokerIds) {
        List<ConfigResource> resources = brokerIds.stream()
                .map(id -> new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(id))).toList();
        Map<ConfigResource, KafkaFuture<Config>> asked = admin.describeConfigs(resources,
                new DescribeConfigsOptions().timeoutMs((int) readTimeout.toMillis())).values();
        Map<Integer, KafkaFuture<Config>> byBroker = new HashMap<>();
        asked.forEach((resource, answer) -> byBroker.put(Integer.parseInt(resource.name()), answer));
        return byBroker;
    }

    /** The defaults of the brokers that answered by {@code deadline}; the others are left out. */
    private static Map<Integer, Integer> brokerDefaults(Map<Integer, KafkaFuture<Config>> answers, long deadline) {
        Map<Integer, Integer> values = new HashMap<>();
        answers.forEach((broker, answer) -> {
            Integer value = brokerDefaultMinIsr(answer, deadline);
            if (value != null) {
                values.put(broker, value);
            }
        });
        return values;
    }

    /**
     * The broker's {@code min.insync.replicas} as set in its config or dynamically (Kafka's default, 1, when it
     * is not set); null when the broker did not answer by {@code deadline}.
     */
    private static Integer brokerDefaultMinIsr(KafkaFuture<Config> answer, long deadline) {
        try {
            ConfigEntry entry = answer.get(remainingMs(deadline), TimeUnit.MILLISECONDS).get(MIN_ISR);
            return entry == null || entry.isDefault() || entry.value() == null ? ClusterSnapshot.DEFAULT_MIN_ISR
                    : Integer.parseInt(entry.value().trim());
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int[] ids(List<Node> nodes) {
        int[] ids = new int[nodes.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nodes.get(i).id();
        }
        return ids;
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static <T> T get(KafkaFuture<T> future, long deadline, String call) {
        try {
            return future.get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unreachable(call, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(call, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(call, e);
        }
    }

    private static ClusterUnreachableException unreachable(String call, Throwable cause) {
        String message = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        return new ClusterUnreachableException(call + ": " + message, cause);
    }
}
