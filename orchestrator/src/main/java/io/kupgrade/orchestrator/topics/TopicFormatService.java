package io.kupgrade.orchestrator.topics;

import io.kupgrade.gates.AdminClusterReader;
import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.orchestrator.state.StateStores;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * {@code kupgrade topic-format}: sets or deletes the {@code message.format.version} override of topics through
 * Admin {@code incrementalAlterConfigs} (SET / DELETE), for ZooKeeper-mode clusters whose
 * {@code inter.broker.protocol.version} is below 3.0, where old consumers force down-conversion (reference §4,
 * "Mitigation (IBP &lt; 3.0 only)"). Before anything changes it checks the version
 * ({@link TopicFormatRules#checkVersion}), the cluster ({@link TopicFormatRules#checkCluster}: refused in KRaft,
 * on Kafka 4.x and once any broker's IBP is 3.0 or higher) and the topics (all must exist). After a change it
 * reads every topic back with describeConfigs and reports that, not what it asked for.
 *
 * <p>Given the plan, a change is journaled in the plan's cluster's journal ({@link TopicFormatJournal}), under
 * the cluster's lock; given only a bootstrap address, there is no journal to record it in.
 *
 * <p>Thrown: {@link TopicFormatRefusedException} (nothing changed), {@link ClusterUnreachableException},
 * {@link io.kupgrade.orchestrator.lock.LockHeldException} (with a plan: a run holds the lock; nothing changed).
 * Thread-safe: every call builds its own Admin client.
 */
public final class TopicFormatService {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String OVERRIDE = "topic override";

    private final Function<ClusterSpec, AdminClusterReader> readers;
    private final Clock clock;

    public TopicFormatService() {
        this(AdminClusterReader::create, Clock.systemUTC());
    }

    /**
     * @param readers builds the Admin client (through its reader, which owns and closes it) for a cluster
     * @param clock stamps journal entries
     */
    public TopicFormatService(Function<ClusterSpec, AdminClusterReader> readers, Clock clock) {
        this.readers = readers;
        this.clock = clock;
    }

    /**
     * Runs the request against {@code cluster} (one named by {@code --bootstrap-server}), journaling nothing: with
     * no plan there is no cluster journal.
     */
    public TopicFormatResult run(ClusterSpec cluster, TopicFormatRequest request) {
        try {
            return runUnjournaled(cluster, request);
        } catch (FailedAfterSending e) {
            throw e.cause;
        }
    }

    /**
     * Runs the request against {@code cluster} (the plan's, perhaps at another bootstrap address) and records it in
     * the plan's cluster's journal, wherever the plan's {@code state:} keeps it ({@link TopicFormatJournal}): one
     * entry when a topic changed, or when the change failed after it was sent (some topics may have changed). To
     * be the journal's only writer it takes the cluster's lock first, like {@code apply}, and holds it for the
     * change. A dry run takes no lock and journals nothing.
     *
     * @param stateDir for file state; null = {@code ~/.kupgrade/state}
     * @throws io.kupgrade.orchestrator.lock.LockHeldException when a run holds the lock (nothing changed: pause
     *     the run first, {@code kupgrade pause})
     * @throws TopicFormatRefusedException before any connection when the plan is for a KRaft cluster
     *     ({@link TopicFormatRules#checkPlan}), dry run or not
     */
    public TopicFormatResult run(Plan plan, Path stateDir, ClusterSpec cluster, TopicFormatRequest request) {
        TopicFormatRules.checkPlan(plan).ifPresent(why -> {
            throw new TopicFormatRefusedException("refused, nothing changed: " + why);
        });
        if (request.dryRun()) {
            return run(cluster, request);
        }
        checkVersion(request); // before the lock: a typo takes nothing
        try (StateStores.Held state = StateStores.acquire(plan, stateDir, "kupgrade topic-format " + plan.source()
                + (request.allTopics() ? " --all-topics" : " --topic " + String.join(",", request.topics()))
                + (request.remove() ? " --remove" : " --message-format-version " + request.version()))) {
            TopicFormatResult result;
            try {
                result = runUnjournaled(cluster, request);
            } catch (FailedAfterSending e) {
                state.journal().append(TopicFormatJournal.failed(clock.instant(), plan.sha256(), e.readBack,
                        state.lock().holder(), e.cause.getMessage()));
                throw e.cause;
            }
            if (!result.changedAny()) {
                return result;
            }
            state.journal().append(TopicFormatJournal.succeeded(clock.instant(), plan.sha256(), result,
                    state.lock().holder()));
            return result.journaledAt(StateStores.journalLocation(plan, stateDir));
        }
    }

    private TopicFormatResult runUnjournaled(ClusterSpec cluster, TopicFormatRequest request) {
        checkVersion(request);
        // ZooKeeper is not needed here: the Admin API answers everything
        ClusterSpec adminOnly = new ClusterSpec(cluster.name(), cluster.bootstrapServers(), cluster.commandConfig(),
                cluster.clientProperties(), null);
        try (AdminClusterReader reader = readers.apply(adminOnly)) {
            return run(reader.admin(), request);
        }
    }

    private static void checkVersion(TopicFormatRequest request) {
        if (request.version() != null) {
            TopicFormatRules.checkVersion(request.version()).ifPresent(why -> {
                throw new TopicFormatRefusedException(why);
            });
        }
    }

    /** The change failed after incrementalAlterConfigs was sent: some topics may have changed. */
    static final class FailedAfterSending extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient TopicFormatResult readBack;
        final RuntimeException cause;

        FailedAfterSending(TopicFormatResult readBack, RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
            this.readBack = readBack;
            this.cause = cause;
        }
    }

    TopicFormatResult run(Admin admin, TopicFormatRequest request) {
        Collection<Node> nodes = get(admin.describeCluster().nodes(), "describeCluster");
        Map<Integer, String> ibps = brokerProtocols(admin, nodes);
        TopicFormatRules.checkCluster(kraft(admin), ibps, request.version()).ifPresent(why -> {
            throw new TopicFormatRefusedException("refused, nothing changed: " + why);
        });
        Set<String> existing = get(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(), "listTopics");
        Set<String> topics = new TreeSet<>(request.allTopics() ? existing : request.topics());
        List<String> unknown = topics.stream().filter(t -> !existing.contains(t)).toList();
        if (!unknown.isEmpty()) {
            throw new TopicFormatRefusedException("refused, nothing changed: no such topic" + (unknown.size() > 1
                    ? "s: " : ": ") + String.join(", ", unknown));
        }
        if (topics.isEmpty()) {
            throw new TopicFormatRefusedException("the cluster has no topics (internal topics are never changed)");
        }
        Map<String, Format> before = describe(admin, topics);
        Map<String, Boolean> changes = new LinkedHashMap<>();
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String t : topics) {
            Format f = before.get(t);
            boolean change = request.remove() ? f.override()
                    : !(f.override() && request.version().equals(f.value()));
            changes.put(t, change);
            if (change) {
                AlterConfigOp op = request.remove()
                        ? new AlterConfigOp(new ConfigEntry(TopicFormatRules.TOPIC_CONFIG, null), AlterConfigOp.OpType.DELETE)
                        : new AlterConfigOp(new ConfigEntry(TopicFormatRules.TOPIC_CONFIG, request.version()),
                        AlterConfigOp.OpType.SET);
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(op));
            }
        }
        Map<String, Format> after;
        if (request.dryRun() || ops.isEmpty()) {
            after = new LinkedHashMap<>();
            for (String t : topics) {
                Format f = before.get(t);
                after.put(t, !changes.get(t) ? f : request.remove()
                        ? new Format(f.inherited(), f.inheritedSource(), false, f.inherited(), f.inheritedSource())
                        : new Format(request.version(), OVERRIDE, true, f.inherited(), f.inheritedSource()));
            }
        } else {
            try {
                get(admin.incrementalAlterConfigs(ops).all(), "incrementalAlterConfigs");
                after = describe(admin, topics);
                verify(request, changes, after);
            } catch (RuntimeException e) {
                throw new FailedAfterSending(result(request, ibps, topics, before, readBack(admin, topics), changes), e);
            }
        }
        return result(request, ibps, topics, before, after, changes);
    }

    private static TopicFormatResult result(TopicFormatRequest request, Map<Integer, String> ibps, Set<String> topics,
                                            Map<String, Format> before, Map<String, Format> after,
                                            Map<String, Boolean> changes) {
        List<TopicFormatChange> out = new ArrayList<>();
        for (String t : topics) {
            Format b = before.get(t);
            Format a = after.getOrDefault(t, UNKNOWN);
            out.add(new TopicFormatChange(t, b.value(), b.source(), a.value(), a.source(), changes.get(t)));
        }
        return new TopicFormatResult(TopicFormatRules.lowest(ibps.values()),
                request.remove() ? "remove" : "set " + request.version(), request.dryRun(), out);
    }

    /** After a failed change: the topics as the cluster shows them now, or nothing when it cannot be read. */
    private static Map<String, Format> readBack(Admin admin, Set<String> topics) {
        try {
            return describe(admin, topics);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /** The cluster read back must show what was asked; otherwise say so rather than report success. */
    private static void verify(TopicFormatRequest request, Map<String, Boolean> changes, Map<String, Format> after) {
        List<String> wrong = new ArrayList<>();
        changes.forEach((t, changed) -> {
            Format f = after.get(t);
            boolean ok = request.remove() ? !f.override() : f.override() && request.version().equals(f.value());
            if (changed && !ok) {
                wrong.add(t + " (reads " + f.value() + " from " + f.source() + ")");
            }
        });
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("incrementalAlterConfigs succeeded but describeConfigs does not show the"
                    + " change for " + String.join(", ", wrong));
        }
    }

    /** A topic's message.format.version, and what it would be without the topic's own override. */
    record Format(String value, String source, boolean override, String inherited, String inheritedSource) {
    }

    private static final Format UNKNOWN = new Format("?", "unknown", false, null, null);

    private static Map<String, Format> describe(Admin admin, Collection<String> topics) {
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources,
                new DescribeConfigsOptions().includeSynonyms(true)).all(), "describeConfigs");
        Map<String, Format> out = new LinkedHashMap<>();
        for (ConfigResource r : resources) {
            ConfigEntry e = configs.get(r).get(TopicFormatRules.TOPIC_CONFIG);
            if (e == null) {
                throw new TopicFormatRefusedException("topic " + r.name() + " has no " + TopicFormatRules.TOPIC_CONFIG
                        + " config: this Kafka no longer has the setting (removed in 4.0)");
            }
            boolean override = e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG;
            String inherited = override ? null : e.value();
            String inheritedSource = override ? "default" : source(e.source());
            if (override) {
                for (ConfigEntry.ConfigSynonym s : e.synonyms()) {
                    if (s.source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                        inherited = s.value();
                        inheritedSource = source(s.source());
                        break;
                    }
                }
            }
            out.put(r.name(), new Format(e.value(), source(e.source()), override, inherited, inheritedSource));
        }
        return out;
    }

    private static String source(ConfigEntry.ConfigSource s) {
        return switch (s) {
            case DYNAMIC_TOPIC_CONFIG -> OVERRIDE;
            case DEFAULT_CONFIG -> "default";
            case STATIC_BROKER_CONFIG -> "broker config";
            default -> "broker config (" + s.name().toLowerCase(java.util.Locale.ROOT) + ")";
        };
    }

    private static Map<Integer, String> brokerProtocols(Admin admin, Collection<Node> nodes) {
        List<ConfigResource> resources = nodes.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(n.id()))).toList();
        Map<ConfigResource, Config> configs = get(admin.describeConfigs(resources).all(), "describeConfigs");
        Map<Integer, String> out = new HashMap<>();
        for (ConfigResource r : resources) {
            ConfigEntry e = configs.get(r).get(TopicFormatRules.IBP);
            out.put(Integer.parseInt(r.name()), e == null ? null : e.value());
        }
        return out;
    }

    /** KRaft clusters have a finalized metadata.version (describeFeatures is empty in ZooKeeper mode). */
    private static boolean kraft(Admin admin) {
        try {
            return admin.describeFeatures().featureMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .finalizedFeatures().containsKey("metadata.version");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedVersionException) {
                return false; // before 2.7: certainly ZooKeeper mode
            }
            throw unreachable("describeFeatures", e.getCause());
        } catch (TimeoutException e) {
            throw unreachable("describeFeatures", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("describeFeatures", e);
        }
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.ApiException api
                    && !(cause instanceof org.apache.kafka.common.errors.RetriableException)) {
                throw new TopicFormatRefusedException(what + " refused by the cluster: " + api.getMessage());
            }
            throw unreachable(what, cause);
        } catch (TimeoutException e) {
            throw unreachable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(what, e);
        }
    }

    private static ClusterUnreachableException unreachable(String what, Throwable cause) {
        return new ClusterUnreachableException(what + " failed: " + (cause == null ? "?" : cause.getMessage()), cause);
    }
}
