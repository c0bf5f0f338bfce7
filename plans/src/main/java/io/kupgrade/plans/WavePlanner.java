package io.kupgrade.plans;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Expands {@code waves:} for a concrete cluster. Stateless and thread-safe; deterministic (same input, same
 * waves).
 *
 * <ol>
 *   <li>Sizes: a count, or a percentage of all the cluster's brokers rounded up (at least 1). The last size
 *       repeats until every broker is in a wave (as Ansible's {@code serial}); a wave never takes more than
 *       remain, so {@code "100%"} means all that remain.</li>
 *   <li>Order: brokers are taken round-robin over racks (racks by name, brokers without a rack as one more
 *       rack, last; inside a rack by id), so each wave is spread over as many racks as still have brokers.</li>
 *   <li>The active controller (ZooKeeper controller or KRaft quorum leader) rolls last: it ends the last wave,
 *       so leadership of the cluster moves once, at the end (reference §3). It is never in the first wave
 *       (the canary) unless the cluster has one broker: if the first wave would take every broker, the
 *       controller is left for one more wave.</li>
 *   <li>Names: the spec's name ({@code canary} for the first, {@code wave-N} after, by default); a repeated
 *       last spec named {@code X} gives {@code X-2}, {@code X-3}, ...; a default-named one continues
 *       {@code wave-N}. Repeated waves keep the last spec's soak.</li>
 *   <li>Dedicated KRaft controllers ({@code role: controller}) are not in those waves: after the brokers they
 *       roll in a last wave of their own, {@value #CONTROLLERS_WAVE}, one at a time, followers by id and the
 *       quorum leader last (reference §3: "KRaft: first broker-only nodes, then follower controllers, then the
 *       quorum leader"). Percentages count brokers only.</li>
 * </ol>
 */
public final class WavePlanner {
    /** The name of the wave of dedicated KRaft controllers, after the brokers' waves. */
    public static final String CONTROLLERS_WAVE = "controllers";

    private WavePlanner() {
    }

    /**
     * The waves of one phase.
     *
     * @param waves the plan's wave specs; at least one
     * @param brokers the brokers to roll; ids unique. Empty gives no waves.
     * @param activeController the id of the active controller; ignored when it is not one of
     *     {@code brokers} (e.g. a KRaft quorum leader on a dedicated controller node)
     * @throws IllegalArgumentException when {@code waves} is empty or broker ids repeat
     */
    public static List<Wave> expand(List<WaveSpec> waves, List<BrokerSpec> brokers, OptionalInt activeController) {
        if (waves.isEmpty()) {
            throw new IllegalArgumentException("at least one wave spec is needed");
        }
        Set<Integer> ids = new HashSet<>();
        for (BrokerSpec b : brokers) {
            if (!ids.add(b.id())) {
                throw new IllegalArgumentException("broker id " + b.id() + " is given twice");
            }
        }
        List<BrokerSpec> controllers = brokers.stream().filter(BrokerSpec::dedicatedController)
                .sorted(Comparator.comparingInt((BrokerSpec b) -> activeController.isPresent()
                        && b.id() == activeController.getAsInt() ? 1 : 0).thenComparingInt(BrokerSpec::id)).toList();
        brokers = brokers.stream().filter(b -> !b.dedicatedController()).toList();
        int total = brokers.size();
        BrokerSpec controller = null;
        List<BrokerSpec> others = new ArrayList<>();
        for (BrokerSpec b : brokers) {
            if (activeController.isPresent() && b.id() == activeController.getAsInt() && total > 1) {
                controller = b;
            } else {
                others.add(b);
            }
        }
        Deque<BrokerSpec> order = new ArrayDeque<>(spreadOverRacks(others));
        if (controller != null) {
            order.addLast(controller);
        }

        List<Wave> result = new ArrayList<>();
        Set<String> usedNames = new HashSet<>();
        for (int i = 0; !order.isEmpty(); i++) {
            WaveSpec spec = waves.get(Math.min(i, waves.size() - 1));
            int size = Math.min(spec.size().brokersFor(total), order.size());
            if (i == 0 && controller != null && size == order.size()) {
                size--; // the canary is never the controller
            }
            List<BrokerSpec> members = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                members.add(order.pollFirst());
            }
            String name = unique(nameOf(waves, i), usedNames);
            result.add(new Wave(i, name, members, spec.soak() == null ? Duration.ZERO : spec.soak(),
                    spec.onFailure()));
        }
        if (!controllers.isEmpty()) {
            result.add(new Wave(result.size(), unique(CONTROLLERS_WAVE, usedNames), controllers, Duration.ZERO,
                    waves.get(waves.size() - 1).onFailure()));
        }
        return result;
    }

    /**
     * Whether the wave named {@code waveName} (in a journal, a progress event, a dry run) is the dedicated KRaft
     * controllers' wave: the name is reserved for it (a plan's own wave may not take it).
     */
    public static boolean isControllersWave(String waveName) {
        return CONTROLLERS_WAVE.equals(waveName);
    }

    /** Whether {@code wave} is the wave of dedicated KRaft controllers (rolled one at a time). */
    public static boolean isControllersWave(Wave wave) {
        return !wave.brokers().isEmpty() && wave.brokers().stream().allMatch(BrokerSpec::dedicatedController);
    }

    /** Round-robin over racks (sorted by name, no-rack last), brokers by id inside a rack. */
    static List<BrokerSpec> spreadOverRacks(List<BrokerSpec> brokers) {
        Map<String, Deque<BrokerSpec>> byRack = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
        brokers.stream().sorted(Comparator.comparingInt(BrokerSpec::id))
                .forEach(b -> byRack.computeIfAbsent(b.rack(), r -> new ArrayDeque<>()).addLast(b));
        List<BrokerSpec> order = new ArrayList<>(brokers.size());
        while (order.size() < brokers.size()) {
            for (Deque<BrokerSpec> rack : byRack.values()) {
                if (!rack.isEmpty()) {
                    order.add(rack.pollFirst());
                }
            }
        }
        return order;
    }

    private static String nameOf(List<WaveSpec> waves, int index) {
        if (index < waves.size()) {
            String given = waves.get(index).name();
            return given != null ? given : defaultName(index);
        }
        int last = waves.size() - 1;
        String lastName = waves.get(last).name();
        if (lastName == null || lastName.equals(defaultName(last))) {
            return defaultName(index);
        }
        return lastName + "-" + (index - last + 1);
    }

    private static String defaultName(int index) {
        return index == 0 ? "canary" : "wave-" + (index + 1);
    }

    private static String unique(String name, Set<String> used) {
        String candidate = name;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = name + "." + n;
        }
        return candidate;
    }
}
