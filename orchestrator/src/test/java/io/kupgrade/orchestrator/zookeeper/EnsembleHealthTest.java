package io.kupgrade.orchestrator.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EnsembleHealthTest {

    @Test
    void shouldBeHealthyWithOneLeaderSeeingEveryFollowerSynced() {
        EnsembleHealth.Verdict v = EnsembleHealth.of(EnsembleRollerTest.SERVERS, Map.of(
                1, ServerState.serving(1, "follower", -1, "3.8.4"),
                2, ServerState.serving(2, "leader", 2, "3.8.4"),
                3, ServerState.serving(3, "follower", -1, "3.8.4")));

        assertTrue(v.healthy(), v.reason());
        assertEquals(OptionalInt.of(2), v.leader());
    }

    @Test
    void shouldNotTrustAServerThatAnswersButDoesNotServe() {
        EnsembleHealth.Verdict v = EnsembleHealth.of(EnsembleRollerTest.SERVERS, Map.of(
                1, ServerState.down(1, "This ZooKeeper instance is not currently serving requests"),
                2, ServerState.serving(2, "leader", 1, "3.8.4"),
                3, ServerState.serving(3, "follower", -1, "3.8.4")));

        assertFalse(v.healthy());
        assertTrue(v.reason().contains("server 1 (zk1:2181) does not serve"), v.reason());
        assertTrue(v.reason().contains("leader 2 sees 1 of 2 followers synced"), v.reason());
    }

    @Test
    void shouldRefuseAStandaloneServerAndAnEnsembleWithoutLeader() {
        EnsembleHealth.Verdict v = EnsembleHealth.of(EnsembleRollerTest.SERVERS, Map.of(
                1, ServerState.serving(1, "standalone", -1, "3.8.4"),
                2, ServerState.serving(2, "follower", -1, "3.8.4"),
                3, ServerState.serving(3, "follower", -1, "3.8.4")));

        assertFalse(v.healthy());
        assertTrue(v.reason().contains("server 1 is standalone, not part of a quorum"), v.reason());
    }

    @Test
    void shouldAcceptAVersionPrefixOnlyAtADot() {
        ServerState s = ServerState.serving(1, "follower", -1, "3.8.4");

        assertTrue(EnsembleHealth.versionProblem(s, "3.8").isEmpty());
        assertTrue(EnsembleHealth.versionProblem(s, "3.8.4").isEmpty());
        assertTrue(EnsembleHealth.versionProblem(s, "3.9").isPresent());
        assertTrue(EnsembleHealth.versionProblem(ServerState.serving(1, "follower", -1, "3.10.1"), "3.1").isPresent());
    }
}
