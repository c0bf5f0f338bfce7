package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.gates.ClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.gates.LeaderElections;
import io.kupgrade.gates.Snapshots;
import io.kupgrade.orchestrator.engine.GatePort;
import io.kupgrade.orchestrator.engine.GateSpec;
import io.kupgrade.orchestrator.engine.MutableClock;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.GateSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterGatePortTest {
    static final List<BrokerSpec> BROKERS = List.of(new BrokerSpec(1, "h1", null, null),
            new BrokerSpec(2, "h2", null, null), new BrokerSpec(3, "h3", null, null));

    /** Returns the scripted snapshots in order, then the last one forever. */
    static final class ScriptedReader implements ClusterReader {
        final Deque<ClusterSnapshot> script = new ArrayDeque<>();
        ClusterSnapshot last;
        int reads;
        boolean configsChanged;
        int refreshes;

        @Override
        public boolean refreshCachedConfigs() {
            refreshes++;
            return configsChanged;
        }

        @Override
        public ClusterSnapshot read() {
            reads++;
            if (!script.isEmpty()) {
                last = script.poll();
            }
            return last;
        }

        @Override
        public void close() {
        }
    }

    final ScriptedReader reader = new ScriptedReader();
    /** Time passes only when the waiter sleeps. */
    final MutableClock clock = new MutableClock(Instant.EPOCH);
    final ClusterGatePort port = new ClusterGatePort(reader, new GateSettings(Duration.ofSeconds(1),
            Duration.ofSeconds(10), 1), clock, clock::advance, BROKERS, new JmxVersions());

    static Snapshots cluster() {
        return Snapshots.cluster().brokers(1, 2, 3).controller(1).topic("orders", 3, 2, 6);
    }

    GatePort.GateOutcome await(GateSpec.Kind kind, int broker) throws InterruptedException {
        return port.await("test", List.of(GateSpec.broker(kind, broker)), Duration.ofSeconds(3), (m, e) -> { });
    }

    @Test
    void shouldAcceptTheBrokerBackOnlyWithANewEpochWhenItWasStillListedAfterItsExit() throws InterruptedException {
        reader.script.add(cluster().stopped(2).build());
        // the snapshot kept after the exit comes from a node with stale metadata: still listed, epoch 10
        reader.script.add(cluster().brokerEpoch(2, 10).build());
        assertTrue(await(GateSpec.Kind.BROKER_GONE, 2).passed());
        reader.script.add(cluster().brokerEpoch(2, 10).build());

        GatePort.GateOutcome stale = await(GateSpec.Kind.BROKER_REGISTERED, 2);
        reader.script.add(cluster().brokerEpoch(2, 11).build());
        GatePort.GateOutcome fresh = await(GateSpec.Kind.BROKER_REGISTERED, 2);

        assertFalse(stale.passed(), "same broker epoch as after the exit: not the new process");
        assertTrue(stale.reason().contains("old registration"), stale.reason());
        assertTrue(fresh.passed(), fresh.reason());
    }

    @Test
    void shouldPassTheNextBrokersPreStopGatesOnThePollsThatJustPassedWithoutReadingAgain()
            throws InterruptedException {
        reader.script.add(cluster().build());
        assertTrue(await(GateSpec.Kind.BACK_IN_ALL_ISRS, 2).passed());
        int reads = reader.reads;

        GatePort.GateOutcome next = port.await("broker 3 may stop", List.of(GateSpec.broker(GateSpec.Kind.CAN_STOP, 3),
                GateSpec.cluster(GateSpec.Kind.NO_UNDER_REPLICATED)), Duration.ofSeconds(3), (m, e) -> { });

        assertTrue(next.passed(), next.reason());
        assertEquals(reads, reader.reads, "the cluster was seen healthy a moment ago, nothing done since");
    }

    @Test
    void shouldRefreshMinIsrBeforeAStopDecisionAndNotCountPollsReadWithTheOldOne() throws InterruptedException {
        reader.script.add(cluster().build());
        assertTrue(await(GateSpec.Kind.BACK_IN_ALL_ISRS, 2).passed());
        reader.configsChanged = true; // an operator raised a topic's min.insync.replicas meanwhile
        int reads = reader.reads;

        assertTrue(await(GateSpec.Kind.CAN_STOP, 3).passed());

        assertEquals(1, reader.refreshes, "refreshed once, before the canStop wait");
        assertEquals(reads + 1, reader.reads, "polled afresh with the new configs (stablePolls 1 here)");
    }

    @Test
    void shouldNotCountPollsMadeBeforeTheRunnerActed() throws InterruptedException {
        reader.script.add(cluster().build());
        assertTrue(await(GateSpec.Kind.BACK_IN_ALL_ISRS, 2).passed());
        reader.script.add(cluster().stopped(3).build());

        port.beforeAction(); // broker 3's stop command
        GatePort.GateOutcome healthy = port.await("no URP", List.of(GateSpec.cluster(GateSpec.Kind.NO_UNDER_REPLICATED)),
                Duration.ofSeconds(3), (m, e) -> { });

        assertFalse(healthy.passed(), "the healthy poll from before the stop must not count");
        assertTrue(healthy.reason().contains("under-replicated"), healthy.reason());
    }

    /** A port with two stable polls and an elector that hands orders-1 back to broker 2 (reads show it after). */
    final class Elections {
        int requests;
        final ClusterGatePort port = new ClusterGatePort(reader, new GateSettings(Duration.ofSeconds(1),
                Duration.ofSeconds(30), 2), clock, clock::advance, BROKERS, new JmxVersions(),
                partitions -> {
                    requests++;
                    reader.script.add(cluster().build());
                    return new LeaderElections.Result(partitions.size(), 0, List.of(), Map.of());
                });

        GatePort.GateOutcome await(String purpose, GateSpec... specs) throws InterruptedException {
            return port.await(purpose, List.of(specs), Duration.ofSeconds(10), (m, e) -> { });
        }
    }

    @Test
    void shouldNotElectWhenThePostStartPollsShowTheBrokerLeadingWhatItPrefers() throws InterruptedException {
        Elections e = new Elections();
        reader.script.add(cluster().build());
        assertTrue(e.await("broker 2 back", GateSpec.broker(GateSpec.Kind.BACK_IN_ALL_ISRS, 2)).passed());
        int reads = reader.reads;

        GatePort.LeaderOutcome restored = e.port.restorePreferredLeaders(2, Duration.ofSeconds(30), (m, t) -> { });

        assertTrue(restored.passed(), restored.reason());
        assertEquals(Duration.ZERO, restored.elapsed());
        assertEquals("0", restored.details().get("elected"));
        assertEquals(0, e.requests);
        assertEquals(reads, reader.reads, "decided on the two polls that just passed");
    }

    @Test
    void shouldLetTheNextPreStopGatesCountThePollsMadeAfterTheElectionOnly() throws InterruptedException {
        Elections e = new Elections();
        reader.script.add(cluster().leader("orders", 1, 3).build()); // broker 2 back, orders-1 still led by 3
        assertTrue(e.await("broker 2 back", GateSpec.broker(GateSpec.Kind.BACK_IN_ALL_ISRS, 2)).passed());
        int reads = reader.reads;

        GatePort.LeaderOutcome restored = e.port.restorePreferredLeaders(2, Duration.ofSeconds(30), (m, t) -> { });
        int readsToRestore = reader.reads - reads;
        GatePort.GateOutcome next = e.await("broker 3 may stop", GateSpec.broker(GateSpec.Kind.CAN_STOP, 3),
                GateSpec.cluster(GateSpec.Kind.NO_UNDER_REPLICATED));

        assertTrue(restored.passed(), restored.reason());
        assertEquals(1, e.requests);
        assertEquals(3, readsToRestore, "one read that found orders-1 electable, two stable polls after the election");
        assertEquals(Duration.ofSeconds(1), restored.elapsed(), "the first poll at once after the election, the second"
                + " one interval later");
        assertTrue(next.passed(), next.reason());
        assertEquals(reads + readsToRestore, reader.reads, "broker 3's gates passed on the restore's last two polls");
    }

    @Test
    void shouldFailASoakWhenTheGatesFailOnConsecutivePolls() throws InterruptedException {
        reader.script.add(cluster().build());
        reader.script.add(cluster().isr("orders", 0, 1, 2).build());

        GatePort.GateOutcome soak = port.hold("soak", List.of(GateSpec.cluster(GateSpec.Kind.NO_UNDER_REPLICATED)),
                Duration.ofSeconds(30), (m, e) -> { });

        assertFalse(soak.passed());
        assertTrue(soak.reason().contains("under-replicated"), soak.reason());
        assertTrue(clock.instant().isBefore(Instant.EPOCH.plusSeconds(30)), "failed early, not at the end of the soak");
    }

    @Test
    void shouldPassASoakWhenTheGatesHoldThroughout() throws InterruptedException {
        reader.script.add(cluster().build());

        GatePort.GateOutcome soak = port.hold("soak", List.of(GateSpec.cluster(GateSpec.Kind.NO_UNDER_REPLICATED)),
                Duration.ofSeconds(30), (m, e) -> { });

        assertTrue(soak.passed(), soak.reason());
        assertTrue(!clock.instant().isBefore(Instant.EPOCH.plusSeconds(30)));
    }

    @Test
    void shouldSayTheRunningVersionCannotBeCheckedWithoutJmxPorts() {
        assertTrue(port.unsupported().contains(GateSpec.Kind.RUNNING_VERSION));
        assertTrue(port.whyUnsupported(GateSpec.Kind.RUNNING_VERSION).contains("1, 2, 3"));
    }
}
