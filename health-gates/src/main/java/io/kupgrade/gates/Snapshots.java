package io.kupgrade.gates;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fluent builder of {@link ClusterSnapshot}s for tests, fakes and benchmarks:
 * <pre>{@code
 * ClusterSnapshot s = Snapshots.cluster().brokers(1, 2, 3).controller(1)
 *         .topic("orders", 3, 2, 6)      // RF 3, min.insync.replicas 2, 6 partitions, all in sync
 *         .isr("orders", 0, 1, 2)         // orders-0 lost broker 3 from its ISR
 *         .stopped(2)                     // broker 2 unregistered, out of every ISR, leaders moved
 *         .build();
 * }</pre>
 * Replicas are assigned round-robin over the brokers given so far; the leader is the first ISR member.
 * Not thread-safe.
 */
public final class Snapshots {
    private Instant readAt = Instant.EPOCH;
    private final Map<Integer, ClusterSnapshot.Node> brokers = new LinkedHashMap<>();
    private final List<Integer> brokerOrder = new ArrayList<>();
    private OptionalInt controller = OptionalInt.empty();
    private boolean kraft;
    private final Map<String, List<Mutable>> topics = new LinkedHashMap<>();
    private final Map<String, Integer> minIsr = new HashMap<>();
    private final Set<String> reassigning = new TreeSet<>();
    private final Map<Integer, Long> voterLag = new HashMap<>();
    private final Map<String, Short> features = new HashMap<>();
    private final Map<Integer, Long> epochs = new HashMap<>();
    private final Map<Integer, Long> lastFetch = new HashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<Integer, BrokerMetrics> metrics = new HashMap<>();
    private int nextAssignment;

    private Snapshots() {
    }

    /** A new builder: no brokers, no topics, ZooKeeper mode, read at the epoch. */
    public static Snapshots cluster() {
        return new Snapshots();
    }

    /** Registers brokers (host {@code broker-<id>}, port 9092, no rack); the first becomes controller. */
    public Snapshots brokers(int... ids) {
        for (int id : ids) {
            brokers.put(id, new ClusterSnapshot.Node(id, "broker-" + id, 9092, null));
            if (!brokerOrder.contains(id)) {
                brokerOrder.add(id);
            }
        }
        if (controller.isEmpty() && ids.length > 0) {
            controller = OptionalInt.of(ids[0]);
        }
        return this;
    }

    /** Puts a registered broker in a rack ({@code broker.rack}). */
    public Snapshots rack(int brokerId, String rack) {
        ClusterSnapshot.Node n = brokers.get(brokerId);
        if (n == null) {
            throw new IllegalArgumentException("broker " + brokerId + " is not registered");
        }
        brokers.put(brokerId, new ClusterSnapshot.Node(n.id(), n.host(), n.port(), rack));
        return this;
    }

    public Snapshots controller(int id) {
        controller = OptionalInt.of(id);
        return this;
    }

    public Snapshots noController() {
        controller = OptionalInt.empty();
        return this;
    }

    /** KRaft mode with the given voters, all caught up (lag 0). */
    public Snapshots kraft(int... voters) {
        kraft = true;
        for (int voter : voters) {
            voterLag.put(voter, 0L);
        }
        return this;
    }

    public Snapshots voterLag(int voter, long lag) {
        voterLag.put(voter, lag);
        return this;
    }

    public Snapshots feature(String name, short level) {
        features.put(name, level);
        return this;
    }

    /**
     * Adds a topic of {@code partitions} in-sync partitions with {@code rf} replicas each, assigned
     * round-robin over the registered brokers, and the given {@code min.insync.replicas}.
     */
    public Snapshots topic(String name, int rf, int minInsyncReplicas, int partitions) {
        if (rf > brokerOrder.size()) {
            throw new IllegalArgumentException("RF " + rf + " needs at least " + rf + " brokers");
        }
        List<Mutable> list = topics.computeIfAbsent(name, t -> new ArrayList<>());
        minIsr.put(name, minInsyncReplicas);
        for (int i = 0; i < partitions; i++) {
            int[] replicas = new int[rf];
            for (int r = 0; r < rf; r++) {
                replicas[r] = brokerOrder.get((nextAssignment + r) % brokerOrder.size());
            }
            nextAssignment++;
            list.add(new Mutable(name, list.size(), replicas, replicas.clone(), replicas[0]));
        }
        return this;
    }

    /** Adds one partition with explicit replicas and ISR; the leader is the first ISR member (or -1). */
    public Snapshots partition(String topic, int[] replicas, int[] isr) {
        List<Mutable> list = topics.computeIfAbsent(topic, t -> new ArrayList<>());
        list.add(new Mutable(topic, list.size(), replicas.clone(), isr.clone(), isr.length > 0 ? isr[0] : -1));
        return this;
    }

    public Snapshots minIsr(String topic, int minInsyncReplicas) {
        minIsr.put(topic, minInsyncReplicas);
        return this;
    }

    /** Sets the ISR of one partition; the leader stays if still in the ISR, else becomes the first member. */
    public Snapshots isr(String topic, int partition, int... isr) {
        Mutable p = find(topic, partition);
        p.isr = isr.clone();
        if (!contains(p.isr, p.leader)) {
            p.leader = isr.length > 0 ? isr[0] : -1;
        }
        return this;
    }

    public Snapshots leader(String topic, int partition, int leader) {
        find(topic, partition).leader = leader;
        return this;
    }

    /**
     * A stopped broker: unregistered, removed from every ISR; partitions it led move to another ISR member
     * or go offline (leader -1) when none is left. As in ZooKeeper mode, an ISR never becomes empty: a
     * partition whose only ISR member stopped keeps it (and goes offline).
     */
    public Snapshots stopped(int brokerId) {
        brokers.remove(brokerId);
        for (List<Mutable> partitions : topics.values()) {
            for (Mutable p : partitions) {
                if (!contains(p.isr, brokerId)) {
                    continue;
                }
                int[] rest = Arrays.stream(p.isr).filter(id -> id != brokerId).toArray();
                if (rest.length > 0) {
                    p.isr = rest;
                    if (p.leader == brokerId) {
                        p.leader = rest[0];
                    }
                } else if (p.leader == brokerId) {
                    p.leader = -1;
                }
            }
        }
        if (controller.isPresent() && controller.getAsInt() == brokerId && !kraft) {
            controller = brokers.keySet().stream().mapToInt(Integer::intValue).findFirst();
        }
        return this;
    }

    /** Unregisters a broker without touching any ISR (as seen right after it stopped, before ISRs shrink). */
    public Snapshots unregistered(int brokerId) {
        brokers.remove(brokerId);
        return this;
    }

    public Snapshots reassigning(String topic, int partition) {
        reassigning.add(topic + "-" + partition);
        return this;
    }

    public Snapshots brokerEpoch(int brokerId, long epoch) {
        epochs.put(brokerId, epoch);
        return this;
    }

    public Snapshots lastMetadataFetch(int nodeId, long epochMillis) {
        lastFetch.put(nodeId, epochMillis);
        return this;
    }

    /** Adds one broker's JMX readings. */
    public Snapshots metrics(BrokerMetrics brokerMetrics) {
        metrics.put(brokerMetrics.brokerId(), brokerMetrics);
        return this;
    }

    public Snapshots note(String note) {
        notes.add(note);
        return this;
    }

    public Snapshots readAt(Instant instant) {
        readAt = instant;
        return this;
    }

    public ClusterSnapshot build() {
        List<ClusterSnapshot.PartitionState> partitions = new ArrayList<>();
        for (List<Mutable> list : topics.values()) {
            for (Mutable p : list) {
                partitions.add(new ClusterSnapshot.PartitionState(p.topic, p.partition, p.replicas.clone(),
                        p.isr.clone(), p.leader));
            }
        }
        return new ClusterSnapshot(readAt, brokers, controller, kraft, partitions, minIsr, reassigning,
                kraft ? voterLag : Map.of(), features, epochs, lastFetch, notes, metrics);
    }

    private Mutable find(String topic, int partition) {
        List<Mutable> list = topics.get(topic);
        if (list == null || partition >= list.size()) {
            throw new IllegalArgumentException("no partition " + topic + "-" + partition);
        }
        return list.get(partition);
    }

    private static boolean contains(int[] ids, int id) {
        for (int each : ids) {
            if (each == id) {
                return true;
            }
        }
        return false;
    }

    private static final class Mutable {
        final String topic;
        final int partition;
        final int[] replicas;
        int[] isr;
        int leader;

        Mutable(String topic, int partition, int[] replicas, int[] isr, int leader) {
            this.topic = topic;
            this.partition = partition;
            this.replicas = replicas;
            this.isr = isr;
            this.leader = leader;
        }
    }
}
