package io.kupgrade.orchestrator.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Watches a real cluster from the side during a roll, independently of kupgrade's gates: every
 * {@code every} it reads every partition (internal topics included) and notes any partition whose ISR is below
 * its effective min ISR ({@code min(min.insync.replicas, RF)}) or that has no leader, and which broker
 * processes are running. The samples let the benchmark tell when the cluster really was healthy again.
 * One background thread; {@link #close()} stops it. Thread-safe.
 */
final class ClusterWatcher implements AutoCloseable {

    /**
     * One poll. {@code at} is when the read was sent: the state it reports holds at some moment after it, so
     * a "healthy since" taken from it is never later than the truth.
     */
    record Sample(Instant at, int underReplicated, int underMinIsr, int offline, Set<Integer> running) {
        boolean healthy() {
            return underReplicated == 0 && underMinIsr == 0 && offline == 0;
        }
    }

    private final Admin admin;
    private final List<Integer> brokers;
    private final IntPredicate isRunning;
    private final Duration every;
    private final Thread thread;
    private final List<Sample> samples = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> minIsr = new HashMap<>();
    private volatile boolean running = true;
    private int failedReads;

    private ClusterWatcher(Map<String, Object> adminConfig, List<Integer> brokers, IntPredicate isRunning,
                           Duration every) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        this.admin = Admin.create(config);
        this.brokers = List.copyOf(brokers);
        this.isRunning = isRunning;
        this.every = every;
        this.thread = new Thread(this::run, "cluster-watcher");
        this.thread.setDaemon(true);
    }

    static ClusterWatcher start(Map<String, Object> adminConfig, List<Integer> brokers, IntPredicate isRunning,
                                Duration every) {
        ClusterWatcher w = new ClusterWatcher(adminConfig, brokers, isRunning, every);
        w.thread.start();
        return w;
    }

    private void run() {
        while (running) {
            long t0 = System.nanoTime();
            try {
                poll();
            } catch (Exception e) {
                synchronized (this) {
                    failedReads++;
                }
            }
            long left = every.toNanos() - (System.nanoTime() - t0);
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void poll() throws Exception {
        Instant at = Instant.now();
        Set<Integer> up = new TreeSet<>();
        for (int id : brokers) {
            if (isRunning.test(id)) {
                up.add(id);
            }
        }
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(10, TimeUnit.SECONDS);
        readMinIsr(topics);
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                .get(10, TimeUnit.SECONDS);
        int urp = 0;
        int underMin = 0;
        int offline = 0;
        List<String> found = new ArrayList<>();
        for (TopicDescription d : described.values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                int rf = p.replicas().size();
                int effective = Math.min(minIsr.getOrDefault(d.name(), 1), rf);
                String name = d.name() + "-" + p.partition();
                if (p.isr().size() < rf) {
                    urp++;
                }
                if (p.leader() == null || p.leader().id() < 0) {
                    offline++;
                    found.add(at + " " + name + " offline (no leader)");
                } else if (p.isr().size() < effective) {
                    underMin++;
                    found.add(at + " " + name + " ISR " + p.isr().stream().map(n -> n.id()).toList()
                            + " under min ISR " + effective);
                }
            }
        }
        synchronized (this) {
            samples.add(new Sample(at, urp, underMin, offline, up));
            violations.addAll(found);
        }
    }

    private void readMinIsr(Set<String> topics) throws Exception {
        Set<String> unknown = new HashSet<>(topics);
        unknown.removeAll(minIsr.keySet());
        if (unknown.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = unknown.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
        configs.forEach((r, c) -> minIsr.put(r.name(), Integer.parseInt(c.get("min.insync.replicas").value())));
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int polls() {
        return samples.size();
    }

    synchronized int failedReads() {
        return failedReads;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
