package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.Snapshots;
import io.kupgrade.orchestrator.engine.MutableClock;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollEngine;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.RunSettings;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.journal.InMemoryJournal;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.GateSettings;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.ServiceSpec;
import io.kupgrade.plans.Wave;
import io.kupgrade.plans.WaveSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Fault matrix, "a gate that flaps does not let a restart through": the runner with the real
 * {@link ClusterGatePort} and gate waiter over a scripted cluster whose health flaps between polls. The
 * pre-stop gates need {@code stablePolls} (here 3) healthy polls in a row; a healthy poll between unhealthy ones
 * counts for nothing. Time is a stepping clock; nothing sleeps.
 */
class FlappingGateTest {
    static final List<BrokerSpec> BROKERS = List.of(new BrokerSpec(1, "h1", null, null),
            new BrokerSpec(2, "h2", null, null), new BrokerSpec(3, "h3", null, null));
    static final int STABLE_POLLS = 3;

    final MutableClock clock = new MutableClock(Instant.EPOCH);
    final List<String> commands = new ArrayList<>();
    final AtomicBoolean stopRun = new AtomicBoolean();
    int polls;
    int pollsBeforeStop = -1;

    static ClusterSnapshot healthy() {
        return Snapshots.cluster().brokers(1, 2, 3).controller(1).topic("orders", 3, 2, 6).build();
    }

    static ClusterSnapshot underReplicated() {
        return Snapshots.cluster().brokers(1, 2, 3).controller(1).topic("orders", 3, 2, 6).isr("orders", 0, 1, 3)
                .build();
    }

    /** The cluster as polled: poll n (0-based) sees {@code script.apply(n)}. */
    ClusterReader reader(IntFunction<ClusterSnapshot> script) {
        return new ClusterReader() {
            @Override
            public ClusterSnapshot read() {
                return script.apply(polls++);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Records commands; the stop ends the run (what happens after it is not this test's subject). */
    HostExecutor hosts() {
        return new HostExecutor() {
            @Override
            public CommandResult run(String host, String command, Duration timeout) {
                commands.add(command);
                if (command.startsWith("stop")) {
                    pollsBeforeStop = polls;
                    stopRun.set(true);
                }
                return new CommandResult(command.startsWith("running") ? 1 : 0, "", "", false);
            }

            @Override
            public String readFile(String host, String path) {
                return "";
            }

            @Override
            public void writeFile(String host, String path, String content, String backupPath) {
            }

            @Override
            public void close() {
            }
        };
    }

    RollOutcome roll(IntFunction<ClusterSnapshot> cluster) {
        ServiceSpec service = new ServiceSpec("/srv/{broker.id}/server.properties", "stop {broker.id}",
                "start {broker.id}", "running {broker.id}", Duration.ofSeconds(60), Duration.ofSeconds(30));
        GateSettings gates = new GateSettings(Duration.ofSeconds(1), Duration.ofSeconds(60), STABLE_POLLS);
        PhaseSpec phase = new PhaseSpec("restart", null, null, Map.of(), List.of(), false, null);
        Plan plan = new Plan(Path.of("plan.yaml"), "sha", "kupgrade/v1", new ClusterSpec("flap", "h1:9092", null,
                Map.of(), "zk:2181"), BROKERS, new AccessSpec("local", null), service,
                List.of(new WaveSpec(null, new WaveSpec.WaveSize(1, false), Duration.ZERO)), gates, List.of(phase),
                List.of());
        List<Wave> waves = List.of(new Wave(0, "canary", List.of(BROKERS.get(1)), Duration.ZERO),
                new Wave(1, "rest", List.of(BROKERS.get(2), BROKERS.get(0)), Duration.ZERO));
        RollEngine engine = new RollEngine(plan, BROKERS, Map.of("restart", waves));
        ClusterGatePort port = new ClusterGatePort(reader(cluster), gates, clock,
                clock::advance, BROKERS, new JmxVersions());
        RollRunner.Ports ports = new RollRunner.Ports(hosts(), port, null, p -> waves, (text, p) -> text,
                new InMemoryJournal(), clock, clock::advance, stopRun::get, null, null);
        return new RollRunner(engine, ports, RunSettings.from(plan, true)).run(new Selection(null, "canary"));
    }

    @Test
    void shouldNotStopABrokerWhileTheClusterFlapsBetweenHealthyAndUnderReplicated() {
        RollOutcome outcome = roll(n -> n % 2 == 0 ? healthy() : underReplicated());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("never passed 3 polls in a row"), outcome.message());
        assertTrue(outcome.message().contains("under-replicated"), outcome.message());
        assertEquals(List.of(), commands.stream().filter(c -> c.startsWith("stop")).toList(),
                "no restart went through: " + commands);
        assertTrue(polls >= 60, "polled through the whole 60 s gate timeout: " + polls);
    }

    @Test
    void shouldSayTheGatesFlappedAndNameTheGateAlsoWhenTheLastPollFailed() {
        // unhealthy, healthy, unhealthy, ...: 61 polls in 60 s, the last one (poll 60) unhealthy
        RollOutcome outcome = roll(n -> n % 2 == 1 ? healthy() : underReplicated());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertTrue(outcome.message().contains("the gates flapped: they never passed 3 polls in a row (stablePolls),"
                + " though all passed on 30 of 61 polls; failing in between: underReplicated on 31 of 61 polls;"
                + " the last failure: 1 partitions under-replicated: orders-0"), outcome.message());
        assertEquals(0, commands.stream().filter(c -> c.startsWith("stop")).count(), commands.toString());
    }

    @Test
    void shouldNotCallASteadilyUnhealthyClusterFlapping() {
        // healthy once, then under-replicated for good: a failure, not a flap
        RollOutcome outcome = roll(n -> n == 0 ? healthy() : underReplicated());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertFalse(outcome.message().contains("flapped"), outcome.message());
        assertTrue(outcome.message().contains("under-replicated"), outcome.message());
    }

    @Test
    void shouldNotCallAClusterThatBecameHealthyAtTheDeadlineFlapping() {
        // under-replicated for 60 s, healthy on the last poll: a timeout, not a flap
        RollOutcome outcome = roll(n -> n >= 60 ? healthy() : underReplicated());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertFalse(outcome.message().contains("flapped"), outcome.message());
        assertTrue(outcome.message().contains("healthy only on the last poll before the timeout (3 polls in a row"
                + " needed); before it: 1 partitions under-replicated"), outcome.message());
    }

    @Test
    void shouldNotStopABrokerWhenHealthyPollsAreOneShortOfStablePolls() {
        // healthy, healthy, unhealthy, repeated: 2 in a row, never 3
        RollOutcome outcome = roll(n -> n % 3 == 2 ? underReplicated() : healthy());

        assertEquals(OutcomeKind.HALTED, outcome.kind(), outcome.message());
        assertEquals(0, commands.stream().filter(c -> c.startsWith("stop")).count(), commands.toString());
    }

    @Test
    void shouldStopTheBrokerOnlyAfterStablePollsHealthyPollsInARow() {
        // healthy, unhealthy, healthy, unhealthy, then healthy from poll 4 on
        RollOutcome outcome = roll(n -> n < 4 && n % 2 == 1 ? underReplicated() : healthy());

        assertEquals(OutcomeKind.INTERRUPTED, outcome.kind(), "the test ends the run at the stop: "
                + outcome.message());
        assertEquals(List.of("stop 2"), commands.stream().filter(c -> c.startsWith("stop")).toList());
        assertEquals(4 + STABLE_POLLS, pollsBeforeStop, "polls 4, 5 and 6 healthy in a row, then the stop");
    }
}
