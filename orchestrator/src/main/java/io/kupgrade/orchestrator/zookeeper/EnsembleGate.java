package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RunSupport;
import io.kupgrade.orchestrator.engine.StepFailedException;
import io.kupgrade.plans.ZooKeeperEnsembleSpec.ZooKeeperServerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The gate wait of the ensemble roll and of its rollback: every poll reads every server's four-letter words and
 * asks the Kafka cluster ({@link KafkaHealth}); a check turns that into what it decided and what does not hold,
 * and the gate passes when nothing failed on {@link #STABLE_POLLS} consecutive polls that decided the same thing
 * (a follower can show synced for a moment and drop again; a leader can move between two polls). Not
 * thread-safe.
 */
final class EnsembleGate {
    /** Consecutive healthy polls a gate needs. */
    static final int STABLE_POLLS = 2;
    /** How often a wait with a {@link Liveness} asks it. */
    static final Duration LIVENESS_EVERY = Duration.ofSeconds(10);

    /**
     * What one poll decided.
     *
     * @param value what the caller gets when the gate passes (e.g. the verdict, or the server chosen)
     * @param key what must be the same on the stable polls (e.g. the leader, or the server chosen)
     * @param problems what does not hold; empty when the poll passed
     */
    record Poll<T>(T value, Object key, List<String> problems) {
        Poll {
            problems = List.copyOf(problems);
        }
    }

    private final List<ZooKeeperServerSpec> servers;
    private final EnsembleProbe probe;
    private final KafkaHealth kafka;
    private final RunSupport run;

    EnsembleGate(List<ZooKeeperServerSpec> servers, EnsembleProbe probe, KafkaHealth kafka, RunSupport run) {
        this.servers = List.copyOf(servers);
        this.probe = Objects.requireNonNull(probe, "probe");
        this.kafka = kafka == null ? KafkaHealth.NONE : kafka;
        this.run = run;
    }

    /** Every server's state now, by id, in the plan's order. */
    Map<Integer, ServerState> states() {
        Map<Integer, ServerState> states = new LinkedHashMap<>();
        for (ZooKeeperServerSpec s : servers) {
            states.put(s.id(), probe.read(s));
        }
        return states;
    }

    /** The verdict's problem, when it is not healthy. */
    static List<String> problems(EnsembleHealth.Verdict v) {
        return v.healthy() ? List.of() : List.of(v.reason());
    }

    /**
     * Polls until {@code check} passes on {@link #STABLE_POLLS} consecutive polls with the same key, within the
     * run's gate timeout.
     *
     * @param check one poll's states -> what it decided (Kafka's health is added to its problems)
     * @param purpose for messages: "waited 12.0 s for {purpose}: {why}"
     * @param onTimeout HALTED before anything was stopped, FAILED after
     * @param waiting told "waiting for {purpose}: {why}" with the time since {@code t0}, at most every 5 s
     */
    <T> T await(Function<Map<Integer, ServerState>, Poll<T>> check, String purpose, OutcomeKind onTimeout,
                Instant t0, WaitingListener waiting) throws InterruptedException, StepFailedException {
        return await(check, purpose, onTimeout, t0, waiting, null);
    }

    /**
     * As {@link #await(Function, String, OutcomeKind, Instant, WaitingListener)}, asking {@code alive} every
     * {@link #LIVENESS_EVERY} of the wait (a server that dies at startup fails the step at once, not at the gate
     * timeout).
     *
     * @param alive throws when the wait is pointless; null = not asked
     */
    <T> T await(Function<Map<Integer, ServerState>, Poll<T>> check, String purpose, OutcomeKind onTimeout,
                Instant t0, WaitingListener waiting, Liveness alive) throws InterruptedException, StepFailedException {
        Instant start = run.now();
        Instant lastAlive = start;
        Instant deadline = start.plus(run.settings().gateTimeout());
        Instant lastEvent = null;
        int stable = 0;
        Object lastKey = null;
        while (true) {
            Poll<T> poll = check.apply(states());
            List<String> problems = new ArrayList<>(poll.problems());
            kafka.problem().ifPresent(problems::add);
            if (problems.isEmpty()) {
                stable = stable > 0 && Objects.equals(lastKey, poll.key()) ? stable + 1 : 1;
                lastKey = poll.key();
                if (stable >= STABLE_POLLS) {
                    return poll.value();
                }
            } else {
                stable = 0;
            }
            Instant now = run.now();
            String why = problems.isEmpty() ? "healthy on " + stable + " of " + STABLE_POLLS + " polls"
                    : String.join("; ", problems);
            if (!now.isBefore(deadline)) {
                throw new StepFailedException(onTimeout, "waited " + RunSupport.seconds(Duration.between(start, now))
                        + " for " + purpose + ": " + why);
            }
            if (alive != null && !now.isBefore(lastAlive.plus(LIVENESS_EVERY))) {
                alive.check(problems.isEmpty() ? "healthy on " + stable + " of " + STABLE_POLLS + " polls" : why);
                lastAlive = now;
            }
            if (lastEvent == null || !now.isBefore(lastEvent.plus(RunSupport.WAITING_EVENT_EVERY))) {
                waiting.waiting(Duration.between(t0, now), "waiting for " + purpose + ": " + why);
                lastEvent = now;
            }
            run.sleep(run.settings().pollInterval());
        }
    }

    /** Asked now and then during a wait: throws when waiting on is pointless (e.g. the process died). */
    @FunctionalInterface
    interface Liveness {
        /** @param failing what the gate sees now, for the message */
        void check(String failing) throws StepFailedException;
    }

    /** Told about a gate wait that goes on. */
    @FunctionalInterface
    interface WaitingListener {
        void waiting(Duration sinceStepStart, String message);
    }
}
