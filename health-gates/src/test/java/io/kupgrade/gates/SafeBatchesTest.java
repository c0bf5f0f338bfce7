package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafeBatchesTest {

    /**
     * {@code brokers} brokers on {@code racks} racks (broker i on rack r((i-1) % racks + 1)), controller
     * {@code controller}, and a topic whose RF-{@code racks} partitions each put one replica in every rack,
     * as Kafka's rack-aware assignment does.
     */
    private static Snapshots rackAwareCluster(int brokers, int racks, int controller, int minIsr, int partitions) {
        Snapshots s = Snapshots.cluster();
        for (int id = 1; id <= brokers; id++) {
            s.brokers(id).rack(id, "r" + ((id - 1) % racks + 1));
        }
        s.controller(controller);
        int perRack = brokers / racks;
        for (int p = 0; p < partitions; p++) {
            int[] replicas = new int[racks];
            for (int r = 0; r < racks; r++) {
                // the (p + r)-th broker of rack r+1: spreads leaders and followers over each rack's brokers
                replicas[r] = 1 + r + racks * ((p + r) % perRack);
            }
            s.partition("orders", replicas, replicas);
        }
        return s.minIsr("orders", minIsr);
    }

    private static List<Integer> ids(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void shouldPickAWholeRackOfRf3MinIsr2TopicsAcrossThreeRacks() {
        ClusterSnapshot snapshot = rackAwareCluster(6, 3, 6, 2, 30).build();

        SafeBatches.Batch batch = SafeBatches.choose(snapshot, List.of(1, 2, 3, 4, 5, 6), 3, true);

        assertEquals(List.of(1, 4), batch.brokers(), batch.reason());
        assertEquals("r1", batch.rack());
        assertTrue(batch.wholeRack());
        assertTrue(Gates.canStop(Set.copyOf(batch.brokers())).evaluate(snapshot).passed());
    }

    @Test
    void shouldRollSixBrokersOnThreeRacksInThreeRackBatchesWithTheControllerAloneLast() {
        // controller 5 (rack r2): r2's other broker goes with... nobody; the controller restarts alone, last
        ClusterSnapshot snapshot = rackAwareCluster(6, 3, 5, 2, 30).build();

        List<SafeBatches.Batch> batches = SafeBatches.preview(snapshot, List.of(1, 2, 3, 4, 6, 5), 3, true);

        assertEquals(List.of(List.of(1, 4), List.of(3, 6), List.of(2), List.of(5)),
                batches.stream().map(SafeBatches.Batch::brokers).toList());
    }

    @Test
    void shouldCapAWholeRackAtMaxParallel() {
        ClusterSnapshot snapshot = rackAwareCluster(9, 3, 9, 2, 30).build();

        SafeBatches.Batch batch = SafeBatches.choose(snapshot, ids(1, 9), 2, true);

        assertEquals(List.of(1, 4), batch.brokers());
        assertFalse(batch.wholeRack());
        assertEquals("r1", batch.rack());
    }

    @Test
    void shouldNeverBatchTheActiveControllerWithOthers() {
        ClusterSnapshot snapshot = rackAwareCluster(6, 3, 1, 2, 30).build();

        SafeBatches.Batch batch = SafeBatches.choose(snapshot, List.of(4, 2, 3, 5, 6, 1), 3, true);

        assertFalse(batch.brokers().contains(1), batch.toString());
        assertTrue(batch.reason().contains("active controller 1 held back"), batch.reason());
        assertEquals(List.of(1), SafeBatches.choose(snapshot, List.of(1), 3, true).brokers(),
                "the controller alone once it is the last one left");
    }

    @Test
    void shouldReturnAnEmptyBatchWhenAPartitionIsAlreadyUnderMinIsr() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 3)
                .isr("orders", 0, 1).isr("orders", 1, 2).isr("orders", 2, 3).build();

        SafeBatches.Batch batch = SafeBatches.choose(snapshot, List.of(1, 2, 3), 3, false);

        assertTrue(batch.isEmpty());
        assertTrue(batch.reason().contains("no candidate"), batch.reason());
    }

    @Test
    void shouldTakeEveryBrokerThatSharesNoPartitionWhenRacksAreUnknown() {
        // two disjoint groups of three brokers, RF 3 min ISR 2: one broker per group may stop
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3, 4, 5, 6).controller(6)
                .partition("a", new int[] {1, 2, 3}, new int[] {1, 2, 3})
                .partition("b", new int[] {4, 5, 6}, new int[] {4, 5, 6}).minIsr("a", 2).minIsr("b", 2).build();

        SafeBatches.Batch batch = SafeBatches.choose(snapshot, ids(1, 6), 6, true);

        assertEquals(List.of(1, 4), batch.brokers(), batch.reason());
        assertNull(batch.rack());
    }

    @Test
    void shouldFindTheLargestBatchWhereTakingCandidatesInWaveOrderWouldNot() {
        // greedy in wave order takes 1, which blocks 2 and 3; the largest safe batch is {2, 3}
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3, 9).controller(9)
                .partition("a", new int[] {1, 2, 9}, new int[] {1, 2, 9})
                .partition("b", new int[] {1, 3, 9}, new int[] {1, 3, 9}).minIsr("a", 2).minIsr("b", 2).build();

        SafeBatches.Batch batch = SafeBatches.choose(snapshot, List.of(1, 2, 3), 3, false);

        assertEquals(List.of(2, 3), batch.brokers());
    }

    @Test
    void shouldGroupCandidatesByRackForAnOfflinePreview() {
        Map<String, List<Integer>> racks = SafeBatches.racks(List.of(1, 2, 3, 4, 5),
                Map.of(1, "r1", 2, "r2", 3, "r1", 4, "r2"));

        assertEquals(List.of("r1", "r2"), new ArrayList<>(racks.keySet()).subList(0, 2));
        assertEquals(List.of(1, 3), racks.get("r1"));
        assertEquals(List.of(5), racks.get(null));
    }

    @Test
    void shouldRefuseMaxParallelBelowOne() {
        ClusterSnapshot snapshot = rackAwareCluster(3, 3, 1, 2, 3).build();

        assertThrows(IllegalArgumentException.class, () -> SafeBatches.choose(snapshot, List.of(1), 0, true));
    }

    // ---- property-style: random clusters, random candidates, fixed seeds (reproducible) ----

    @Test
    void aChosenBatchNeverViolatesCanStopAndIsTheLargestWhenRackBlind() {
        Random random = new Random(20261125L);
        int nonEmpty = 0;
        for (int trial = 0; trial < 2000; trial++) {
            RandomCluster c = RandomCluster.of(random);
            boolean rackAware = random.nextBoolean();
            int maxParallel = 1 + random.nextInt(5);

            SafeBatches.Batch batch = SafeBatches.choose(c.snapshot, c.candidates, maxParallel, rackAware);

            String context = "trial " + trial + ": " + c + " maxParallel " + maxParallel + " rackAware "
                    + rackAware + " -> " + batch;
            assertTrue(batch.brokers().size() <= maxParallel, context);
            assertTrue(c.candidates.containsAll(batch.brokers()), context);
            assertEquals(batch, SafeBatches.choose(c.snapshot, c.candidates, maxParallel, rackAware),
                    "deterministic: " + context);
            int controller = c.snapshot.activeController().orElse(-1);
            if (batch.brokers().size() > 1) {
                assertFalse(batch.brokers().contains(controller), "controller batched with others: " + context);
            }
            if (!batch.isEmpty()) {
                nonEmpty++;
                GateResult gate = Gates.canStop(Set.copyOf(batch.brokers())).evaluate(c.snapshot);
                assertTrue(gate.passed(), context + ": " + gate.reason());
            }
            if (batch.rack() != null) {
                for (int id : batch.brokers()) {
                    assertEquals(batch.rack(), c.snapshot.brokers().get(id).rack(), context);
                }
            }
            List<Integer> pool = new ArrayList<>(c.candidates);
            if (pool.size() > 1) {
                pool.remove(Integer.valueOf(controller));
            }
            int largest = bruteForceLargest(c.snapshot, pool, maxParallel);
            if (!rackAware) {
                assertEquals(largest, batch.brokers().size(), "not the largest safe batch: " + context);
            } else {
                assertTrue(batch.brokers().size() <= largest, context);
                assertEquals(largest == 0, batch.isEmpty(), "empty only when nothing may stop: " + context);
            }
        }
        assertTrue(nonEmpty > 700, "the random clusters exercise real batches: " + nonEmpty);
    }

    @Test
    void rackAwareAssignmentsAlwaysGiveAWholeRack() {
        Random random = new Random(7L);
        for (int trial = 0; trial < 300; trial++) {
            int racks = 3;
            int perRack = 1 + random.nextInt(4);
            int brokers = racks * perRack;
            int controller = 1 + random.nextInt(brokers);
            ClusterSnapshot snapshot = rackAwareCluster(brokers, racks, controller, 2, 1 + random.nextInt(60))
                    .build();
            List<Integer> candidates = ids(1, brokers);
            candidates.remove(Integer.valueOf(controller));
            candidates.add(controller);

            SafeBatches.Batch batch = SafeBatches.choose(snapshot, candidates, perRack, true);

            String context = "trial " + trial + ": " + brokers + " brokers, controller " + controller + " -> " + batch;
            assertNotNull(batch.rack(), context);
            boolean controllerRack = batch.rack().equals(snapshot.brokers().get(controller).rack());
            int expected = perRack == 1 ? 1 : controllerRack ? perRack - 1 : perRack;
            if (perRack > 1) {
                assertEquals(expected, batch.brokers().size(), context);
                assertTrue(Gates.canStop(Set.copyOf(batch.brokers())).evaluate(snapshot).passed(), context);
                if (!controllerRack) {
                    assertTrue(batch.wholeRack(), context);
                }
            }
        }
    }

    /** The size of the largest subset of {@code pool} (at most max) that passes canStop; pool is small. */
    private static int bruteForceLargest(ClusterSnapshot snapshot, List<Integer> pool, int max) {
        int best = 0;
        for (int mask = 1; mask < (1 << pool.size()); mask++) {
            if (Integer.bitCount(mask) > max || Integer.bitCount(mask) <= best) {
                continue;
            }
            Set<Integer> set = new HashSet<>();
            for (int i = 0; i < pool.size(); i++) {
                if ((mask & (1 << i)) != 0) {
                    set.add(pool.get(i));
                }
            }
            if (safe(snapshot, set)) {
                best = set.size();
            }
        }
        return best;
    }

    /** canStop's rule, written out plainly (the gate itself is too slow for thousands of subsets). */
    private static boolean safe(ClusterSnapshot snapshot, Set<Integer> stopping) {
        for (ClusterSnapshot.PartitionState p : snapshot.partitions()) {
            boolean hosted = false;
            for (int r : p.replicas()) {
                hosted |= stopping.contains(r);
            }
            int left = 0;
            for (int r : p.isr()) {
                left += stopping.contains(r) ? 0 : 1;
            }
            if (hosted && (left == 0 || left < snapshot.effectiveMinIsr(p))) {
                return false;
            }
        }
        return true;
    }

    /** A random cluster: 3-9 brokers, 0-3 racks, RF 1-4 topics, min ISR 1-3, some ISRs shrunk. */
    private record RandomCluster(ClusterSnapshot snapshot, List<Integer> candidates, String description) {
        static RandomCluster of(Random random) {
            int n = 3 + random.nextInt(7);
            int racks = random.nextInt(4);
            Snapshots s = Snapshots.cluster();
            for (int id = 1; id <= n; id++) {
                s.brokers(id);
                if (racks > 0) {
                    s.rack(id, "r" + (1 + random.nextInt(racks)));
                }
            }
            s.controller(1 + random.nextInt(n));
            int topics = 1 + random.nextInt(3);
            StringBuilder d = new StringBuilder(n + " brokers, " + racks + " racks");
            for (int t = 0; t < topics; t++) {
                String topic = "t" + t;
                int rf = 1 + random.nextInt(Math.min(4, n));
                int minIsr = 1 + random.nextInt(3);
                s.minIsr(topic, minIsr);
                int partitions = 1 + random.nextInt(8);
                d.append(", ").append(topic).append(" RF ").append(rf).append(" minISR ").append(minIsr)
                        .append(" x").append(partitions);
                for (int p = 0; p < partitions; p++) {
                    List<Integer> all = ids(1, n);
                    Collections.shuffle(all, random);
                    int[] replicas = all.subList(0, rf).stream().mapToInt(Integer::intValue).toArray();
                    List<Integer> isr = new ArrayList<>(all.subList(0, rf));
                    if (random.nextInt(5) == 0) {
                        Collections.shuffle(isr, random);
                        isr = isr.subList(0, random.nextInt(rf + 1));
                    }
                    s.partition(topic, replicas, isr.stream().mapToInt(Integer::intValue).toArray());
                }
            }
            List<Integer> candidates = ids(1, n);
            Collections.shuffle(candidates, random);
            candidates = new ArrayList<>(candidates.subList(0, 1 + random.nextInt(n)));
            return new RandomCluster(s.build(), candidates, d.toString());
        }

        @Override
        public String toString() {
            return description + ", candidates " + candidates;
        }
    }
}
