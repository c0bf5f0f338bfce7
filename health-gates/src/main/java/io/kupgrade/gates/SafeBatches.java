package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Which brokers of a wave may stop together: the largest batch (at most {@code maxParallel}) that stops
 * without any partition dropping below its effective min ISR or losing its last in-sync replica, the same
 * rule as {@link Gates#canStop(java.util.Set)} (a batch chosen here always passes that gate on the same
 * snapshot). Pure functions of one {@link ClusterSnapshot}; thread-safe; deterministic (the same snapshot
 * and candidates give the same batch).
 *
 * <p>The rule, per partition with a replica on a broker of the batch: the ISR minus the batch keeps at least
 * {@code max(1, min(min.insync.replicas, RF))} members (Kafka {@code Partition.effectiveMinIsr}, reference §2
 * "min ISR"); a partition already under that blocks every broker holding one of its replicas.
 *
 * <p>How a batch is chosen, from the candidates (the wave's brokers not yet done, in wave order):
 * <ol>
 *   <li>The active controller is held back while any other candidate is left, so that it restarts alone and
 *       last (reference §3 "Restart order": one controller failover per roll).</li>
 *   <li>Rack-aware (the default): the batch is made of one rack, the whole rack's candidates when that is
 *       safe, else the largest safe subset of one rack. A rack is the failure the replica placement was
 *       designed to survive, so stopping one rack is the batch a rack-aware assignment makes safe. The rack
 *       giving the largest batch wins; on a tie, the rack whose first candidate comes first in wave order.
 *       When no rack gives more than one broker (racks unknown, or the assignment is not rack-aware), the
 *       choice falls back to the rack-blind one below.</li>
 *   <li>Rack-blind: the largest safe subset of all candidates; among equally large ones the first in wave
 *       order (lexicographically). The search is exact up to {@value #SEARCH_BUDGET} explored subsets, then
 *       the best found so far (at least the greedy batch: each candidate in wave order added while safe).</li>
 *   <li>When not even one candidate may stop, the batch is empty: the caller waits for the cluster (the
 *       single-broker {@code canStop} gate says why).</li>
 * </ol>
 */
public final class SafeBatches {
    /** How many subsets the exact search explores per choice before it settles for the best found. */
    public static final int SEARCH_BUDGET = 200_000;

    private SafeBatches() {
    }

    /**
     * One batch: brokers that may stop together.
     *
     * @param brokers in wave order; empty when no candidate may stop now
     * @param rack the rack all of them are in; null when they span racks or a rack is unknown
     * @param wholeRack true when the batch was chosen rack by rack and is every candidate of its rack (false when
     *     maxParallel or safety left some out)
     * @param reason one line for people and the journal: why these brokers
     */
    public record Batch(List<Integer> brokers, String rack, boolean wholeRack, String reason) {
        public Batch {
            brokers = List.copyOf(brokers);
            Objects.requireNonNull(reason, "reason");
        }

        public boolean isEmpty() {
            return brokers.isEmpty();
        }
    }

    /**
     * The batch to stop next.
     *
     * @param candidates the wave's brokers not yet done, in wave order (the active controller last)
     * @param maxParallel at most this many brokers (at least 1)
     * @param rackAware prefer a batch made of one rack
     * @throws IllegalArgumentException when {@code maxParallel < 1} or a candidate is listed twice
     */
    public static Batch choose(ClusterSnapshot snapshot, List<Integer> candidates, int maxParallel,
                               boolean rackAware) {
        if (maxParallel < 1) {
            throw new IllegalArgumentException("maxParallel must be at least 1, got " + maxParallel);
        }
        if (candidates.stream().distinct().count() != candidates.size()) {
            throw new IllegalArgumentException("candidates listed twice: " + candidates);
        }
        if (candidates.isEmpty()) {
            return new Batch(List.of(), null, false, "no broker left to roll");
        }
        List<Integer> pool = new ArrayList<>(candidates);
        String held = "";
        OptionalInt controller = snapshot.activeController();
        if (controller.isPresent() && pool.size() > 1 && pool.contains(controller.getAsInt())) {
            pool.remove(Integer.valueOf(controller.getAsInt()));
            held = "; active controller " + controller.getAsInt() + " held back to restart alone and last";
        }
        Constraints constraints = new Constraints(snapshot, pool);
        if (rackAware) {
            Batch byRack = byRack(snapshot, pool, constraints, maxParallel, held);
            if (byRack != null) {
                return byRack;
            }
        }
        List<Integer> best = constraints.largest(allIndexes(pool.size()), maxParallel);
        if (best.isEmpty()) {
            return new Batch(List.of(), null, false, "no candidate of " + pool + " may stop now without a"
                    + " partition going under its min ISR" + held);
        }
        String rack = commonRack(snapshot, best);
        return new Batch(best, rack, false, (best.size() == 1 ? "1 broker" : best.size() + " brokers")
                + " that may stop together (largest safe set of " + pool.size() + " candidates, at most "
                + maxParallel + (rackAware ? "; no rack gives more than one" : "")
                + (rack != null ? "; all in rack " + rack : "") + ")" + held);
    }

    /**
     * The batches a wave would be rolled in if the cluster looked like {@code snapshot} (healthy, all
     * replicas back in sync) at every stop: for {@code kupgrade plan}. The real batches are chosen again
     * from the live cluster at each stop. Stops early (without the rest) when no candidate may stop.
     */
    public static List<Batch> preview(ClusterSnapshot snapshot, List<Integer> candidates, int maxParallel,
                                      boolean rackAware) {
        List<Batch> out = new ArrayList<>();
        List<Integer> left = new ArrayList<>(candidates);
        while (!left.isEmpty()) {
            Batch b = choose(snapshot, left, maxParallel, rackAware);
            out.add(b);
            if (b.isEmpty()) {
                break;
            }
            left.removeAll(b.brokers());
        }
        return out;
    }

    /**
     * The candidates grouped by rack, racks in order of their first candidate (brokers without a known rack
     * under {@code null}): for an offline preview, where the assignment is unknown.
     */
    public static Map<String, List<Integer>> racks(List<Integer> candidates, Map<Integer, String> rackOf) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (int id : candidates) {
            out.computeIfAbsent(rackOf.get(id), r -> new ArrayList<>()).add(id);
        }
        return out;
    }

    private static Batch byRack(ClusterSnapshot snapshot, List<Integer> pool, Constraints constraints,
                                int maxParallel, String held) {
        Map<Integer, String> rackOf = new HashMap<>();
        for (int id : pool) {
            ClusterSnapshot.Node node = snapshot.brokers().get(id);
            rackOf.put(id, node == null ? null : node.rack());
        }
        Map<String, List<Integer>> racks = racks(pool, rackOf);
        List<Integer> best = List.of();
        String bestRack = null;
        int bestRackSize = 0;
        for (Map.Entry<String, List<Integer>> rack : racks.entrySet()) {
            if (rack.getKey() == null) {
                continue;
            }
            List<Integer> idx = new ArrayList<>();
            for (int id : rack.getValue()) {
                idx.add(pool.indexOf(id));
            }
            List<Integer> chosen = constraints.largest(idx, maxParallel);
            if (chosen.size() > best.size()) {
                best = chosen;
                bestRack = rack.getKey();
                bestRackSize = rack.getValue().size();
            }
        }
        if (best.size() < 2) {
            return null;
        }
        boolean whole = best.size() == bestRackSize;
        String why = whole ? "rack " + bestRack + ": all " + best.size() + " of its candidates may stop together"
                : "rack " + bestRack + ": " + best.size() + " of its " + bestRackSize + " candidates ("
                + (best.size() == maxParallel ? "maxParallel " + maxParallel : "largest safe subset") + ")";
        return new Batch(best, bestRack, whole, why + held);
    }

    private static String commonRack(ClusterSnapshot snapshot, List<Integer> ids) {
        String rack = null;
        for (int id : ids) {
            ClusterSnapshot.Node node = snapshot.brokers().get(id);
            String r = node == null ? null : node.rack();
            if (r == null || (rack != null && !rack.equals(r))) {
                return null;
            }
            rack = r;
        }
        return rack;
    }

    private static List<Integer> allIndexes(int n) {
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        return idx;
    }

    /**
     * The partitions' budgets and what each candidate consumes: a partition may lose {@code slack} ISR
     * members; a candidate in its ISR consumes one; a candidate holding a replica of a partition whose slack
     * is already negative (under min ISR) is blocked outright.
     */
    private static final class Constraints {
        private final List<Integer> pool;
        private final int[] slack;
        private final int[][] consumes;
        private final boolean[] blocked;

        Constraints(ClusterSnapshot snapshot, List<Integer> pool) {
            this.pool = pool;
            Map<Integer, Integer> index = new HashMap<>();
            for (int i = 0; i < pool.size(); i++) {
                index.put(pool.get(i), i);
            }
            List<ClusterSnapshot.PartitionState> partitions = snapshot.partitions();
            slack = new int[partitions.size()];
            List<List<Integer>> uses = new ArrayList<>();
            for (int i = 0; i < pool.size(); i++) {
                uses.add(new ArrayList<>());
            }
            blocked = new boolean[pool.size()];
            for (int p = 0; p < partitions.size(); p++) {
                ClusterSnapshot.PartitionState ps = partitions.get(p);
                int need = Math.max(1, snapshot.effectiveMinIsr(ps));
                slack[p] = ps.isr().length - need;
                for (int replica : ps.replicas()) {
                    Integer c = index.get(replica);
                    if (c == null) {
                        continue;
                    }
                    if (slack[p] < 0) {
                        blocked[c] = true;
                    } else if (ps.inIsr(replica)) {
                        uses.get(c).add(p);
                    }
                }
            }
            consumes = new int[pool.size()][];
            for (int i = 0; i < pool.size(); i++) {
                consumes[i] = uses.get(i).stream().mapToInt(Integer::intValue).toArray();
            }
        }

        /**
         * The largest safe subset of the candidates at {@code idx} (wave order), at most {@code max}, first in
         * wave order among equals; as broker ids.
         */
        List<Integer> largest(List<Integer> idx, int max) {
            int[] order = idx.stream().mapToInt(Integer::intValue).filter(i -> !blocked[i]).sorted().toArray();
            Search s = new Search(order, Math.min(max, order.length));
            s.run(0, new int[slack.length], new ArrayList<>());
            List<Integer> ids = new ArrayList<>();
            for (int i : s.best) {
                ids.add(pool.get(i));
            }
            return Collections.unmodifiableList(ids);
        }

        /** Include-first depth-first search: its first complete path is the greedy batch. */
        private final class Search {
            final int[] order;
            final int max;
            List<Integer> best = List.of();
            int budget = SEARCH_BUDGET;

            Search(int[] order, int max) {
                this.order = order;
                this.max = max;
            }

            void run(int from, int[] used, List<Integer> chosen) {
                if (chosen.size() > best.size()) {
                    best = List.copyOf(chosen);
                }
                if (best.size() == max || budget <= 0) {
                    return;
                }
                for (int k = from; k < order.length; k++) {
                    // bound: even taking every remaining candidate cannot beat the best
                    if (chosen.size() + (order.length - k) <= best.size() || best.size() == max) {
                        return;
                    }
                    if (--budget <= 0 && !best.isEmpty()) {
                        return;
                    }
                    int c = order[k];
                    if (fits(c, used)) {
                        add(c, used, 1);
                        chosen.add(c);
                        run(k + 1, used, chosen);
                        chosen.remove(chosen.size() - 1);
                        add(c, used, -1);
                    }
                }
            }

            private boolean fits(int c, int[] used) {
                for (int p : consumes[c]) {
                    if (used[p] + 1 > slack[p]) {
                        return false;
                    }
                }
                return true;
            }

            private void add(int c, int[] used, int delta) {
                for (int p : consumes[c]) {
                    used[p] += delta;
                }
            }
        }
    }
}
