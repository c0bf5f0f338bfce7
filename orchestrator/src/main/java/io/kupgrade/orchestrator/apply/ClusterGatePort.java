package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.ClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.ClusterUnreachableException;
import io.kupgrade.gates.Gate;
import io.kupgrade.gates.GateResult;
import io.kupgrade.gates.GateWaiter;
import io.kupgrade.gates.Gates;
import io.kupgrade.gates.LeaderElections;
import io.kupgrade.gates.LeaderGates;
import io.kupgrade.gates.RecentPolls;
import io.kupgrade.gates.SafeBatches;
import io.kupgrade.gates.Sleeper;
import io.kupgrade.gates.WaitResult;
import io.kupgrade.orchestrator.engine.GatePort;
import io.kupgrade.orchestrator.engine.GateSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.GateSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The engine's {@link GatePort} on a real cluster: {@link GateSpec}s become the health-gates module's
 * {@link Gates}, waited on with a {@link GateWaiter}; the running version is read over JMX.
 *
 * <p>"Back" is tied to the new incarnation (real-kafka-notes "Traps"): when a broker is seen gone after its
 * process exited, the snapshot of that moment is kept, and the broker's registration gate then becomes
 * {@link Gates#brokerRejoined(int, ClusterSnapshot)} against it. One instance per run; not thread-safe.
 */
public final class ClusterGatePort implements GatePort {
    /** Least time between two election requests while leadership has not come back. */
    static final Duration ELECTION_RETRY = Duration.ofSeconds(5);
    private final ClusterReader reader;
    private final GateWaiter waiter;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final int stablePolls;
    private final Map<Integer, BrokerSpec> brokers;
    private final JmxVersions versions;
    private final Map<Integer, ClusterSnapshot> afterExit = new HashMap<>();
    private final LeaderElections.Elector elector;
    /** The last polls of this run's waits, counted by the next wait while fresh (see {@link RecentPolls}). */
    private final RecentPolls recent;

    /** A port without preferred leader election ({@link #restorePreferredLeaders} fails with the reason). */
    public ClusterGatePort(ClusterReader reader, GateSettings settings, Clock clock, Sleeper sleeper,
                           List<BrokerSpec> brokers, JmxVersions versions) {
        this(reader, settings, clock, sleeper, brokers, versions, null);
    }

    /** @param elector preferred leader elections (e.g. {@link LeaderElections#admin}); null for none */
    public ClusterGatePort(ClusterReader reader, GateSettings settings, Clock clock, Sleeper sleeper,
                           List<BrokerSpec> brokers, JmxVersions versions, LeaderElections.Elector elector) {
        this.elector = elector;
        this.reader = reader;
        this.waiter = GateWaiter.of(reader, settings, clock, sleeper);
        this.clock = clock;
        this.sleeper = sleeper;
        this.pollInterval = settings != null && settings.pollInterval() != null
                ? settings.pollInterval() : GateWaiter.DEFAULT_POLL_INTERVAL;
        this.stablePolls = settings != null && settings.stablePolls() > 0
                ? settings.stablePolls() : GateWaiter.DEFAULT_STABLE_POLLS;
        this.brokers = new HashMap<>();
        brokers.forEach(b -> this.brokers.put(b.id(), b));
        this.versions = versions;
        this.recent = new RecentPolls(this.stablePolls);
    }

    @Override
    public GateOutcome await(String purpose, List<GateSpec> specs, Duration timeout, WaitListener listener)
            throws InterruptedException {
        List<Gate> gates = specs.stream().map(this::gate).toList();
        if (specs.stream().anyMatch(s -> s.kind() == GateSpec.Kind.CAN_STOP)) {
            refreshConfigsBeforeAStop();
        }
        Flaps flaps = new Flaps();
        WaitResult r = waiter.await(purpose, gates, timeout, p -> {
            flaps.poll(p.failing());
            if (!p.failing().isEmpty()) {
                listener.waiting(p.message(), p.elapsed());
            }
        }, recent);
        if (r.passed()) {
            for (GateSpec s : specs) {
                if (s.kind() == GateSpec.Kind.BROKER_GONE || s.kind() == GateSpec.Kind.VOTER_GONE) {
                    rememberAfterExit(s.brokerId());
                }
            }
            return new GateOutcome(true, r.elapsed(), "passed");
        }
        if (flaps.flapped()) {
            return new GateOutcome(false, r.elapsed(), flaps.describe(stablePolls));
        }
        if (r.failing().isEmpty()) {
            // the last poll, at the deadline, was the first to pass: no time was left for stablePolls polls
            return new GateOutcome(false, r.elapsed(), "healthy only on the last poll before the timeout (" + stablePolls
                    + " polls in a row needed); before it: " + flaps.lastFailure());
        }
        return new GateOutcome(false, r.elapsed(), reasons(r.failing()));
    }

    /**
     * canStop depends on each topic's min ISR, which the reader caches between polls: an operator may raise it
     * in the middle of a roll. Re-read it before every stop decision; when it changed, polls made before no
     * longer count. A failed refresh leaves the decision to the wait, whose reads fail the same way.
     */
    private void refreshConfigsBeforeAStop() {
        try {
            if (reader.refreshCachedConfigs()) {
                recent.forget();
            }
        } catch (ClusterUnreachableException e) {
            recent.forget();
        }
    }

    /** Forgets the recent polls: the runner is about to change the cluster (see {@link RecentPolls}). */
    @Override
    public void beforeAction() {
        recent.forget();
    }

    /**
     * The polls of one wait, to tell a flapping cluster from a steadily unhealthy one: the gates flapped when
     * they all passed on some polls but never on {@code stablePolls} in a row and turned from passing to failing:
     * at least once when the wait ended on a passing poll, twice when it ended on a failing one. Names the gates
     * that failed in between.
     */
    static final class Flaps {
        private int polls;
        private int passed;
        private int turnedBad;
        private boolean lastPassed;
        private List<GateResult> lastFailing = List.of();
        private final Map<String, Integer> failedPolls = new LinkedHashMap<>();

        void poll(List<GateResult> failing) {
            polls++;
            boolean ok = failing.isEmpty();
            if (ok) {
                passed++;
            } else {
                if (lastPassed) {
                    turnedBad++;
                }
                lastFailing = failing;
                failing.forEach(f -> failedPolls.merge(f.gate(), 1, Integer::sum));
            }
            lastPassed = ok;
        }

        boolean flapped() {
            // a wait that ends on its first passing poll did not flap: the cluster became healthy at the deadline
            return passed > 0 && (lastPassed ? turnedBad >= 1 : turnedBad >= 2);
        }

        String lastFailure() {
            return reasons(lastFailing);
        }

        String describe(int stablePolls) {
            String gates = failedPolls.entrySet().stream()
                    .map(e -> e.getKey() + " on " + e.getValue() + " of " + polls + " polls")
                    .collect(Collectors.joining(", "));
            return "the gates flapped: they never passed " + stablePolls + " polls in a row (stablePolls), though"
                    + " all passed on " + passed + " of " + polls + " polls; failing in between: " + gates
                    + "; the last failure: " + reasons(lastFailing) + " (something keeps changing: ISRs, topic"
                    + " configs or brokers coming and going)";
        }
    }

    private void rememberAfterExit(int brokerId) {
        // a read of its own, not the poll the gone gate passed on: a node with stale metadata may still list
        // the old registration, and then only a newer broker epoch proves the new process (real-kafka-notes)
        try {
            afterExit.put(brokerId, reader.read());
        } catch (ClusterUnreachableException e) {
            // without it, brokerRegistered falls back to registration after the observed exit and absence
            afterExit.remove(brokerId);
        }
    }

    @Override
    public GateOutcome hold(String purpose, List<GateSpec> specs, Duration duration, WaitListener listener)
            throws InterruptedException {
        List<Gate> gates = specs.stream().map(this::gate).toList();
        Instant start = clock.instant();
        Instant end = start.plus(duration);
        int failingPolls = 0;
        List<GateResult> failing = List.of();
        // a single failing poll can be stale metadata; the soak fails when the gates fail on stablePolls polls
        // in a row (at least 2), or still fail at its end
        int tolerated = Math.max(2, stablePolls);
        while (true) {
            failing = poll(gates);
            Instant now = clock.instant();
            Duration elapsed = Duration.between(start, now);
            failingPolls = failing.isEmpty() ? 0 : failingPolls + 1;
            if (failingPolls >= tolerated) {
                return new GateOutcome(false, elapsed, reasons(failing));
            }
            if (!now.isBefore(end)) {
                return failing.isEmpty() ? new GateOutcome(true, elapsed, "held for " + duration.toSeconds() + " s")
                        : new GateOutcome(false, elapsed, reasons(failing));
            }
            listener.waiting(purpose + ": " + (failing.isEmpty() ? "gates holding" : reasons(failing)) + ", "
                    + elapsed.toSeconds() + " of " + duration.toSeconds() + " s", elapsed);
            Duration pause = pollInterval;
            if (now.plus(pause).isAfter(end)) {
                pause = Duration.between(now, end);
            }
            if (!pause.isZero() && !pause.isNegative()) {
                sleeper.sleep(pause);
            }
        }
    }

    /**
     * Elects, waits, elects again for what is still electable (at most every {@link #ELECTION_RETRY}): an
     * election can race a metadata update (the broker just rejoined an ISR), so one request is not enough.
     */
    @Override
    public LeaderOutcome restorePreferredLeaders(int brokerId, Duration timeout, WaitListener listener)
            throws InterruptedException {
        if (elector == null) {
            return GatePort.super.restorePreferredLeaders(brokerId, timeout, listener);
        }
        Gate gate = LeaderGates.preferredLeadersRestored(brokerId);
        Instant start = clock.instant();
        GateResult already = passedOnRecentPolls(gate, start);
        if (already != null) {
            // the post-start gates' polls, a moment ago, show it leading every partition it prefers: no election
            return new LeaderOutcome(true, Duration.ZERO, already.reason(),
                    leaderDetails(LeaderElections.Result.NONE, 0, already));
        }
        Instant deadline = start.plus(timeout);
        Instant nextElection = start;
        LeaderElections.Result total = LeaderElections.Result.NONE;
        int requests = 0;
        int passes = 0;
        GateResult last = null;
        while (true) {
            boolean elected = false;
            ClusterSnapshot snapshot = null;
            try {
                snapshot = reader.read();
            } catch (ClusterUnreachableException e) {
                last = GateResult.inconclusive(GateWaiter.CLUSTER_READ, "cluster not readable: " + e.getMessage());
                passes = 0;
                recent.forget();
            }
            Instant now = clock.instant();
            if (snapshot != null) {
                // counted by the next broker's pre-stop gates, as the post-start polls are: all are made after
                // the last election (it forgets the polls before it)
                recent.add(now, snapshot);
                last = gate.evaluate(snapshot);
                passes = last.passed() ? passes + 1 : 0;
                if (passes >= stablePolls) {
                    return new LeaderOutcome(true, Duration.between(start, now), last.reason(),
                            leaderDetails(total, requests, last));
                }
                List<ClusterSnapshot.PartitionState> electable = LeaderGates.electable(snapshot, brokerId);
                if (!electable.isEmpty() && !now.isBefore(nextElection)) {
                    recent.forget(); // an election changes the cluster: no earlier poll counts after it
                    passes = 0;
                    try {
                        total = total.plus(elector.electPreferred(electable));
                        requests++;
                        elected = true;
                    } catch (ClusterUnreachableException e) {
                        last = GateResult.inconclusive(gate.name(), "election failed: " + e.getMessage());
                    }
                    nextElection = now.plus(ELECTION_RETRY);
                    now = clock.instant();
                }
            }
            Duration elapsed = Duration.between(start, now);
            if (!now.isBefore(deadline)) {
                return new LeaderOutcome(false, elapsed, last.reason(), leaderDetails(total, requests, last));
            }
            listener.waiting("waiting for broker " + brokerId + " to lead its preferred partitions again: "
                    + last.reason() + ", " + elapsed.toSeconds() + " s", elapsed);
            // after an answered election, read at once (as a wait reads at once after a start): the controller has
            // moved the leaders; the stable polls that confirm it are then spaced one interval apart
            Duration pause = elected ? Duration.ZERO : pollInterval;
            if (now.plus(pause).isAfter(deadline)) {
                pause = Duration.between(now, deadline);
            }
            if (!pause.isZero() && !pause.isNegative()) {
                sleeper.sleep(pause);
            }
        }
    }

    /**
     * The gate's result on the last {@code stablePolls} recent polls when it passes on every one of them and they
     * may still be counted ({@link RecentPolls#usable}); null otherwise.
     */
    private GateResult passedOnRecentPolls(Gate gate, Instant now) {
        List<RecentPolls.Poll> usable = recent.usable(now, pollInterval);
        if (usable.size() < stablePolls) {
            return null;
        }
        GateResult result = null;
        for (RecentPolls.Poll p : usable.subList(usable.size() - stablePolls, usable.size())) {
            result = gate.evaluate(p.snapshot());
            if (!result.passed()) {
                return null;
            }
        }
        return result;
    }

    private static Map<String, String> leaderDetails(LeaderElections.Result total, int requests, GateResult last) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("requests", Integer.toString(requests));
        d.put("elected", Integer.toString(total.elected()));
        d.put("notNeeded", Integer.toString(total.notNeeded()));
        if (!total.failed().isEmpty()) {
            d.put("electionErrors", Integer.toString(total.failed().size()));
        }
        Object preferred = last.evidence().get("preferredPartitions");
        if (preferred != null) {
            d.put("preferred", preferred.toString());
        }
        Object notInIsr = last.evidence().get("preferredNotInIsr");
        if (notInIsr != null && !"0".equals(notInIsr.toString())) {
            d.put("notInIsr", notInIsr.toString());
            d.put("notInIsrPartitions", String.valueOf(last.evidence().get("partitionsPreferredNotInIsr")));
        }
        return d;
    }

    private List<GateResult> poll(List<Gate> gates) {
        ClusterSnapshot snapshot;
        try {
            snapshot = reader.read();
        } catch (ClusterUnreachableException e) {
            return List.of(GateResult.inconclusive(GateWaiter.CLUSTER_READ, "cluster not readable: " + e.getMessage()));
        }
        List<GateResult> failing = new ArrayList<>();
        for (Gate g : gates) {
            try {
                GateResult r = g.evaluate(snapshot);
                if (!r.passed()) {
                    failing.add(r);
                }
            } catch (RuntimeException e) {
                failing.add(GateResult.inconclusive(g.name(), "gate failed: " + e));
            }
        }
        return failing;
    }

    /**
     * {@link SafeBatches#choose} on one fresh snapshot: the live assignment, ISRs and min ISRs at this moment.
     * An unreadable cluster gives an empty batch (the runner then waits on the first candidate's canStop).
     */
    @Override
    public BatchChoice chooseBatch(List<Integer> candidates, int maxParallel, boolean rackAware) {
        ClusterSnapshot snapshot;
        try {
            snapshot = reader.read();
        } catch (ClusterUnreachableException e) {
            return new BatchChoice(List.of(), "cluster not readable: " + e.getMessage());
        }
        SafeBatches.Batch batch = SafeBatches.choose(snapshot, candidates, maxParallel, rackAware);
        return new BatchChoice(batch.brokers(), batch.reason());
    }

    @Override
    public Set<GateSpec.Kind> unsupported() {
        return brokers.values().stream().allMatch(versions::supports) ? Set.of() : Set.of(GateSpec.Kind.RUNNING_VERSION);
    }

    @Override
    public String whyUnsupported(GateSpec.Kind kind) {
        String missing = brokers.values().stream().filter(b -> !versions.supports(b)).map(b -> "" + b.id())
                .collect(Collectors.joining(", "));
        return "the plan gives no jmxPort for broker(s) " + missing + ", so the running version is not read";
    }

    /** The health-gates gate for one spec. */
    Gate gate(GateSpec spec) {
        Integer id = spec.brokerId();
        return switch (spec.kind()) {
            case CAN_STOP -> Gates.canStop(java.util.Set.copyOf(spec.brokerIds()));
            case NO_UNDER_REPLICATED -> Gates.noUnderReplicated();
            case NO_OFFLINE_PARTITIONS -> Gates.noOfflinePartitions();
            case CONTROLLER_PRESENT -> Gates.controllerPresent();
            case BROKER_GONE -> Gates.brokerGone(id);
            case BROKER_REGISTERED -> afterExit.containsKey(id) ? Gates.brokerRejoined(id, afterExit.get(id))
                    : Gates.brokerRegistered(id);
            case BACK_IN_ALL_ISRS -> Gates.brokerBackInAllIsrs(id);
            case RUNNING_VERSION -> versionGate(id, spec.version());
            case NO_REASSIGNMENTS -> Gates.noReassignmentsInProgress();
            case QUORUM_CAUGHT_UP -> Gates.quorumCaughtUp(Gates.DEFAULT_MAX_QUORUM_LAG);
            case PREFERRED_LEADERS -> LeaderGates.preferredLeadersRestored(id);
            case LEADS_NOTHING -> LeaderGates.leadsNothing(id);
            case VOTER_CAN_STOP -> Gates.voterCanStop(id, Gates.DEFAULT_MAX_QUORUM_LAG);
            case VOTER_GONE -> Gates.voterGone(id);
            case VOTER_REJOINED -> Gates.voterRejoined(id, afterExit.get(id), Gates.DEFAULT_MAX_QUORUM_LAG);
        };
    }

    private Gate versionGate(int id, String expected) {
        String name = "runningVersion(" + id + ")";
        BrokerSpec broker = brokers.get(id);
        return Gates.gate(name, snapshot -> {
            if (broker == null || !versions.supports(broker)) {
                return GateResult.inconclusive(name, "no JMX port for broker " + id);
            }
            String actual;
            try {
                actual = versions.version(broker);
            } catch (IllegalStateException e) {
                return GateResult.inconclusive(name, e.getMessage());
            }
            Map<String, Object> evidence = Map.of("expected", expected, "reported", actual);
            return expected.equals(actual)
                    ? GateResult.pass(name, "broker " + id + " reports version " + actual, evidence)
                    : GateResult.fail(name, "broker " + id + " reports version " + actual + ", expected " + expected,
                    evidence);
        });
    }

    private static String reasons(List<GateResult> failing) {
        return failing.stream().map(GateResult::reason).collect(Collectors.joining("; "));
    }
}
