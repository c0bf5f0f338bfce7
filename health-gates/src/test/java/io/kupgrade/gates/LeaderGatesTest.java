package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.PreferredLeaderNotAvailableException;
import org.junit.jupiter.api.Test;

class LeaderGatesTest {

    /** orders: 6 partitions RF 3 round-robin over 1, 2, 3: broker 2 is the preferred replica of orders-1, -4. */
    private static Snapshots threeBrokers() {
        return Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 6);
    }

    @Test
    void shouldPassWhenTheBrokerLeadsEveryPartitionItPrefers() {
        GateResult r = LeaderGates.preferredLeadersRestored(2).evaluate(threeBrokers().build());

        assertTrue(r.passed(), r.reason());
        assertEquals(2, r.evidence().get("preferredPartitions"));
    }

    @Test
    void shouldFailWhileLeadershipStaysAwayAfterARestart() {
        ClusterSnapshot afterRestart = threeBrokers().leader("orders", 1, 3).build();

        GateResult r = LeaderGates.preferredLeadersRestored(2).evaluate(afterRestart);

        assertFalse(r.passed());
        assertEquals(1, r.evidence().get("notLeading"));
        assertTrue(r.reason().contains("orders-1"), r.reason());
    }

    @Test
    void shouldReportButNotFailAPartitionWhosePreferredReplicaIsNotInTheIsr() {
        ClusterSnapshot lagging = threeBrokers().isr("orders", 4, 3, 1).build();

        GateResult r = LeaderGates.preferredLeadersRestored(2).evaluate(lagging);

        assertTrue(r.passed(), r.reason());
        assertEquals(1, r.evidence().get("preferredNotInIsr"));
        assertTrue(r.reason().contains("not electable") && r.reason().contains("orders-4"), r.reason());
    }

    @Test
    void shouldFailWhenTheBrokerIsNotRegistered() {
        GateResult r = LeaderGates.preferredLeadersRestored(2).evaluate(threeBrokers().unregistered(2).build());

        assertFalse(r.passed());
    }

    @Test
    void shouldListOnlyElectablePartitions() {
        ClusterSnapshot s = threeBrokers().leader("orders", 1, 3).leader("orders", 4, 1).isr("orders", 4, 1, 3).build();

        List<ClusterSnapshot.PartitionState> electable = LeaderGates.electable(s, 2);

        assertEquals(List.of("orders-1"), electable.stream().map(ClusterSnapshot.PartitionState::name).toList());
    }

    @Test
    void shouldTellWhetherABrokerLeadsAnything() {
        ClusterSnapshot stopped = threeBrokers().stopped(2).build();

        assertTrue(LeaderGates.leadsNothing(2).evaluate(stopped).passed());
        GateResult leading = LeaderGates.leadsNothing(2).evaluate(threeBrokers().build());
        assertFalse(leading.passed());
        assertEquals(2, leading.evidence().get("led"));
    }

    @Test
    void shouldCountElectionNotNeededAsDoneAndNotAvailableApart() {
        Map<TopicPartition, Optional<Throwable>> answers = new LinkedHashMap<>();
        answers.put(new TopicPartition("orders", 0), Optional.empty());
        answers.put(new TopicPartition("orders", 1), Optional.of(new ElectionNotNeededException("already")));
        answers.put(new TopicPartition("orders", 2), Optional.of(new PreferredLeaderNotAvailableException("isr")));
        answers.put(new TopicPartition("orders", 3), Optional.of(new NotControllerException("moved")));

        LeaderElections.Result r = LeaderElections.classify(answers);

        assertEquals(1, r.elected());
        assertEquals(1, r.notNeeded());
        assertEquals(List.of("orders-2"), r.notAvailable());
        assertEquals(List.of("orders-3"), List.copyOf(r.failed().keySet()));
    }
}
