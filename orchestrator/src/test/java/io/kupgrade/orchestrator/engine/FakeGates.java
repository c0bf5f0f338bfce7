package io.kupgrade.orchestrator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/** Gates evaluated against {@link FakeHosts}; time passes on the {@link MutableClock}, one poll per second. */
final class FakeGates implements GatePort {
    private final FakeHosts hosts;
    private final MutableClock clock;
    final Set<Integer> neverRejoin = new HashSet<>();
    final List<String> awaited = new ArrayList<>();
    /** Called with each wait's purpose as it begins (e.g. to move the clock while gates are waited on). */
    java.util.function.Consumer<String> onAwait = p -> { };
    /** Every gate waited on, by label, in order. */
    final List<String> gateLabels = new ArrayList<>();
    /** The batch chooseBatch answers: by default the first maxParallel candidates. */
    BiFunction<List<Integer>, Integer, List<Integer>> batches = (c, max) -> c.subList(0, Math.min(max, c.size()));
    /** For each {@link #beforeAction()}: how many host commands had run by then. */
    final List<Integer> forgotAt = new ArrayList<>();
    boolean unhealthy;
    boolean versionSupported = true;

    FakeGates(FakeHosts hosts, MutableClock clock) {
        this.hosts = hosts;
        this.clock = clock;
    }

    private String failing(List<GateSpec> gates) {
        for (GateSpec g : gates) {
            Integer id = g.brokerId();
            boolean pass = switch (g.kind()) {
                case CAN_STOP, NO_OFFLINE_PARTITIONS, CONTROLLER_PRESENT, NO_REASSIGNMENTS, QUORUM_CAUGHT_UP,
                        VOTER_CAN_STOP -> !unhealthy;
                case NO_UNDER_REPLICATED -> !unhealthy && hosts.running.values().stream().allMatch(r -> r)
                        && neverRejoin.stream().noneMatch(this::restarted);
                case BROKER_GONE, VOTER_GONE -> !hosts.running.get(id);
                case BROKER_REGISTERED, VOTER_REJOINED -> hosts.running.get(id);
                case BACK_IN_ALL_ISRS -> hosts.running.get(id) && !(neverRejoin.contains(id) && restarted(id));
                case RUNNING_VERSION -> g.version().equals(hosts.runningVersion.get(id));
                case PREFERRED_LEADERS -> hosts.running.get(id);
                case LEADS_NOTHING -> true;
            };
            if (!pass) {
                return g.label() + " failing";
            }
        }
        return null;
    }

    /** A broker in {@link #neverRejoin} stays out of the ISRs once restarted. */
    private boolean restarted(int id) {
        return hosts.running.get(id) && hosts.incarnation.get(id) > 1;
    }

    @Override
    public GateOutcome await(String purpose, List<GateSpec> gates, Duration timeout, WaitListener listener) {
        awaited.add(purpose);
        onAwait.accept(purpose);
        gates.forEach(g -> gateLabels.add(g.label()));
        Instant start = clock.instant();
        while (true) {
            String failing = failing(gates);
            Duration elapsed = Duration.between(start, clock.instant());
            if (failing == null) {
                return new GateOutcome(true, elapsed, "passed");
            }
            if (elapsed.compareTo(timeout) >= 0) {
                return new GateOutcome(false, elapsed, failing);
            }
            listener.waiting("waiting for " + purpose + ": " + failing, elapsed);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Override
    public void beforeAction() {
        forgotAt.add(hosts.commands.size());
    }

    @Override
    public GateOutcome hold(String purpose, List<GateSpec> gates, Duration duration, WaitListener listener) {
        awaited.add(purpose);
        Instant start = clock.instant();
        while (Duration.between(start, clock.instant()).compareTo(duration) < 0) {
            String failing = failing(gates);
            if (failing != null) {
                return new GateOutcome(false, Duration.between(start, clock.instant()), failing);
            }
            clock.advance(Duration.ofSeconds(1));
        }
        return new GateOutcome(true, duration, "held");
    }

    /** Brokers whose leadership never comes back (e.g. the preferred replica lags). */
    final Set<Integer> leadershipStaysAway = new HashSet<>();
    final List<Integer> leaderRestores = new ArrayList<>();
    /** Brokers that lead their preferred partitions again on the post-start polls: restored with no election. */
    final Set<Integer> alreadyLeading = new HashSet<>();

    /** Elections take 2 s on the clock; a running broker leads its partitions again unless told otherwise. */
    @Override
    public LeaderOutcome restorePreferredLeaders(int brokerId, Duration timeout, WaitListener listener) {
        leaderRestores.add(brokerId);
        if (leadershipStaysAway.contains(brokerId) || !hosts.running.get(brokerId)) {
            clock.advance(timeout);
            return new LeaderOutcome(false, timeout, "broker " + brokerId + " is not yet the leader of 2 of the 4"
                    + " partitions it is the preferred replica of: t-0, t-3", java.util.Map.of());
        }
        if (alreadyLeading.contains(brokerId)) {
            return new LeaderOutcome(true, Duration.ZERO, "broker " + brokerId + " leads all 4",
                    java.util.Map.of("requests", "0", "elected", "0", "notNeeded", "0", "preferred", "4"));
        }
        clock.advance(Duration.ofSeconds(2));
        return new LeaderOutcome(true, Duration.ofSeconds(2), "broker " + brokerId + " leads all 4",
                java.util.Map.of("requests", "1", "elected", "4", "notNeeded", "0", "preferred", "4"));
    }

    @Override
    public BatchChoice chooseBatch(List<Integer> candidates, int maxParallel, boolean rackAware) {
        return new BatchChoice(batches.apply(candidates, maxParallel), "fake batch");
    }

    @Override
    public Set<GateSpec.Kind> unsupported() {
        return versionSupported ? Set.of() : Set.of(GateSpec.Kind.RUNNING_VERSION);
    }

    @Override
    public String whyUnsupported(GateSpec.Kind kind) {
        return "no JMX port in the plan";
    }
}
