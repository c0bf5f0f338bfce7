package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GatesTest {

    private static Snapshots healthyThreeBrokers() {
        return Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 6);
    }

    @Test
    void aDedicatedControllerMayStopOnlyIfAVoterMajorityStaysCaughtUp() {
        Snapshots three = Snapshots.cluster().brokers(1, 2, 3).kraft(101, 102, 103).controller(102);

        GateResult ok = Gates.voterCanStop(101, 100).evaluate(three.build());
        GateResult oneLagging = Gates.voterCanStop(101, 100).evaluate(three.voterLag(103, 5_000).build());
        GateResult single = Gates.voterCanStop(101, 100).evaluate(Snapshots.cluster().brokers(1).kraft(101)
                .controller(101).build());
        GateResult notAVoter = Gates.voterCanStop(104, 100).evaluate(Snapshots.cluster().brokers(1)
                .kraft(101, 102, 103).build());

        assertTrue(ok.passed(), ok.reason());
        assertEquals("without controller 101, 2 of 3 voters stay caught up (majority 2)", ok.reason());
        assertFalse(oneLagging.passed());
        assertEquals("stopping controller 101 would leave 1 of 3 voters caught up; the metadata quorum needs 2",
                oneLagging.reason());
        assertFalse(single.passed());
        assertTrue(single.reason().contains("a quorum of 1 cannot lose a voter"), single.reason());
        assertFalse(notAVoter.passed());
        assertEquals("node 104 is not a voter of the metadata quorum (voters [101, 102, 103])", notAVoter.reason());
    }

    @Test
    void aDedicatedControllerRejoinsOnlyAsANewProcessCaughtUp() {
        ClusterSnapshot afterExit = Snapshots.cluster().brokers(1).kraft(101, 102, 103).controller(102)
                .lastMetadataFetch(101, 1_000).build();
        Gate rejoined = Gates.voterRejoined(101, afterExit, 100);

        GateResult oldFetch = rejoined.evaluate(Snapshots.cluster().brokers(1).kraft(101, 102, 103).controller(102)
                .lastMetadataFetch(101, 1_000).build());
        GateResult behind = rejoined.evaluate(Snapshots.cluster().brokers(1).kraft(101, 102, 103).controller(102)
                .lastMetadataFetch(101, 9_000).voterLag(101, 700).build());
        GateResult back = rejoined.evaluate(Snapshots.cluster().brokers(1).kraft(101, 102, 103).controller(102)
                .lastMetadataFetch(101, 9_000).build());

        assertEquals("controller 101: no fetch from a new process yet", oldFetch.reason());
        assertFalse(oldFetch.passed());
        assertEquals("controller 101 is back but 700 records behind the quorum leader", behind.reason());
        assertTrue(back.passed(), back.reason());
    }

    @Test
    void dedicatedKraftControllersAreNamedAsNotRolled() {
        ClusterSnapshot dedicated = Snapshots.cluster().brokers(1, 2, 3).kraft(101, 102, 103).controller(102).build();
        ClusterSnapshot combined = Snapshots.cluster().brokers(1, 2, 3).kraft(1, 2, 3).controller(2).build();
        ClusterSnapshot zooKeeper = Snapshots.cluster().brokers(1, 2, 3).build();

        assertEquals(Set.of(101, 102, 103), dedicated.votersNotBrokers());
        assertTrue(dedicated.dedicatedControllersNote().orElseThrow().startsWith("KRaft voters [101, 102, 103] are not"
                + " registered brokers: dedicated controllers"), dedicated.dedicatedControllersNote().toString());
        assertEquals("KRaft voters [103] are not registered brokers: dedicated controllers (or combined nodes that are"
                + " down), not rolled by a plan unless it lists them in brokers with role: controller (then after the"
                + " brokers, one at a time, followers before the quorum leader)",
                dedicated.dedicatedControllersNote(Set.of(101, 102)).orElseThrow());
        assertTrue(dedicated.dedicatedControllersNote(Set.of(101, 102, 103)).isEmpty(), "all listed: rolled");
        assertTrue(combined.dedicatedControllersNote().isEmpty(), "combined nodes roll with the brokers");
        assertTrue(zooKeeper.dedicatedControllersNote().isEmpty());
    }

    @Nested
    class CanStop {
        @Test
        void shouldAllowStoppingOneBrokerOfRf3MinIsr2() {
            GateResult result = Gates.canStop(3).evaluate(healthyThreeBrokers().build());

            assertTrue(result.passed(), result.reason());
            assertEquals(6, result.evidence().get("partitionsOnBrokers"));
        }

        @Test
        void shouldRefuseSecondBrokerWhileFirstIsDown() {
            ClusterSnapshot oneDown = healthyThreeBrokers().stopped(3).build();

            GateResult result = Gates.canStop(2).evaluate(oneDown);

            assertFalse(result.passed());
            assertEquals(6, result.evidence().get("blockingPartitions"));
            assertTrue(result.reason().contains("orders-0 (ISR [1, 2] -> 1, min ISR 2)"), result.reason());
        }

        @Test
        void shouldRefuseStoppingTwoBrokersAtOnce() {
            GateResult result = Gates.canStop(Set.of(1, 2)).evaluate(healthyThreeBrokers().build());

            assertFalse(result.passed());
            assertEquals("canStop(1,2)", result.gate());
            assertEquals(6, result.evidence().get("blockingPartitions"));
        }

        @Test
        void shouldAllowStoppingTwoBrokersWhenMinIsrIsOne() {
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("logs", 3, 1, 3).build();

            assertTrue(Gates.canStop(Set.of(1, 2)).evaluate(snapshot).passed());
        }

        @Test
        void shouldRefuseAnyReplicaOfRf2MinIsr2() {
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("pairs", 2, 2, 3).build();

            GateResult result = Gates.canStop(1).evaluate(snapshot);

            assertFalse(result.passed());
            // partitions pairs-0 (1,2) and pairs-2 (3,1) have a replica on broker 1; pairs-1 (2,3) does not
            assertEquals(2, result.evidence().get("blockingPartitions"));
        }

        @Test
        void shouldRefuseRf1PartitionOnTheBroker() {
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2).topic("single", 1, 1, 2).build();

            GateResult onBroker1 = Gates.canStop(1).evaluate(snapshot);

            assertFalse(onBroker1.passed());
            assertEquals(1, onBroker1.evidence().get("partitionsLeftWithoutIsr"));
        }

        @Test
        void shouldUseEffectiveMinIsrWhenMinIsrExceedsRf() {
            // min.insync.replicas 3 on an RF 2 topic: the broker holds it to min(3, 2) = 2
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("t", 2, 3, 1).build();

            GateResult result = Gates.canStop(3).evaluate(snapshot);

            assertTrue(result.passed(), "broker 3 holds no replica of t-0 (1,2)");
            assertFalse(Gates.canStop(1).evaluate(snapshot).passed());
        }

        @Test
        void shouldRefuseWhenPartitionAlreadyUnderMinIsrHasReplicaOnBroker() {
            // t-0 is under min ISR already (ISR {1}); broker 3 is out of the ISR but still a replica
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("t", 3, 2, 1).isr("t", 0, 1)
                    .build();

            GateResult result = Gates.canStop(3).evaluate(snapshot);

            assertFalse(result.passed());
            assertTrue(result.reason().contains("t-0"), result.reason());
        }

        @Test
        void shouldIgnoreUnderMinIsrPartitionsWithoutReplicaOnBroker() {
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3, 4)
                    .partition("t", new int[] {1, 2}, new int[] {1}).minIsr("t", 2)
                    .partition("u", new int[] {3, 4}, new int[] {3, 4}).minIsr("u", 1)
                    .build();

            GateResult result = Gates.canStop(4).evaluate(snapshot);

            assertTrue(result.passed(), result.reason());
            assertEquals(1, result.evidence().get("partitionsOnBrokers"));
        }

        @Test
        void shouldRejectEmptyBrokerSet() {
            assertThrows(IllegalArgumentException.class, () -> Gates.canStop(Set.of()));
        }

        @Test
        void shouldFallBackToMinIsrOneForUnknownTopic() {
            ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2)
                    .partition("t", new int[] {1, 2}, new int[] {1, 2}).build();

            assertTrue(Gates.canStop(1).evaluate(snapshot).passed());
        }
    }

    @Test
    void shouldPassUnderReplicatedOnHealthyClusterAndFailWithOneBrokerDown() {
        GateResult healthy = Gates.noUnderReplicated().evaluate(healthyThreeBrokers().build());
        GateResult down = Gates.noUnderReplicated().evaluate(healthyThreeBrokers().stopped(2).build());

        assertTrue(healthy.passed());
        assertFalse(down.passed());
        assertEquals(6, down.evidence().get("underReplicated"));
    }

    @Test
    void shouldNameAtMostTenPartitionsButCountAll() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("big", 3, 2, 40).stopped(1).build();

        GateResult result = Gates.noUnderReplicated().evaluate(snapshot);

        assertEquals(40, result.evidence().get("underReplicated"));
        assertEquals(10, ((List<?>) result.evidence().get("partitions")).size());
        assertTrue(result.reason().endsWith("... (30 more)"), result.reason());
    }

    @Test
    void shouldFailBrokerBackInAllIsrsUntilEveryIsrListsIt() {
        Snapshots cluster = healthyThreeBrokers().isr("orders", 0, 1, 2).isr("orders", 4, 1, 2);

        GateResult partlyBack = Gates.brokerBackInAllIsrs(3).evaluate(cluster.build());
        GateResult back = Gates.brokerBackInAllIsrs(3).evaluate(healthyThreeBrokers().build());

        assertFalse(partlyBack.passed());
        assertEquals(2, partlyBack.evidence().get("notInIsr"));
        assertTrue(back.passed(), back.reason());
    }

    @Test
    void shouldFailBrokerBackInAllIsrsWhileUnregisteredEvenIfStaleIsrListsIt() {
        // ZooKeeper mode, IBP < 2.7: the ISR shrink reaches metadata late, the broker is already gone
        ClusterSnapshot snapshot = healthyThreeBrokers().unregistered(3).build();

        GateResult result = Gates.brokerBackInAllIsrs(3).evaluate(snapshot);

        assertFalse(result.passed());
        assertEquals("broker 3 is not registered", result.reason());
    }

    @Test
    void shouldFailOfflineWhenLastIsrMemberStops() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2).topic("single", 1, 1, 2).stopped(1).build();

        GateResult result = Gates.noOfflinePartitions().evaluate(snapshot);

        assertFalse(result.passed());
        assertEquals(List.of("single-0"), result.evidence().get("partitions"));
        assertTrue(Gates.noOfflinePartitions().evaluate(healthyThreeBrokers().build()).passed());
    }

    @Test
    void shouldFailUnderMinIsrOnlyBelowEffectiveMinIsr() {
        ClusterSnapshot oneDown = healthyThreeBrokers().stopped(1).build();
        ClusterSnapshot twoDown = healthyThreeBrokers().stopped(1).stopped(2).build();

        assertTrue(Gates.noUnderMinIsr().evaluate(oneDown).passed());
        GateResult result = Gates.noUnderMinIsr().evaluate(twoDown);
        assertFalse(result.passed());
        assertEquals(6, result.evidence().get("underMinIsr"));
    }

    @Test
    void shouldRequireRegisteredControllerInZooKeeperMode() {
        ClusterSnapshot stale = Snapshots.cluster().brokers(1, 2).controller(2).unregistered(2).build();
        ClusterSnapshot none = Snapshots.cluster().brokers(1, 2).noController().build();

        assertTrue(Gates.controllerPresent().evaluate(Snapshots.cluster().brokers(1, 2).build()).passed());
        assertFalse(Gates.controllerPresent().evaluate(stale).passed());
        assertFalse(Gates.controllerPresent().evaluate(none).passed());
    }

    @Test
    void shouldAcceptQuorumLeaderThatIsNotABrokerInKraft() {
        // a dedicated controller (id 100) is the quorum leader and never appears among brokers
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2).kraft(100, 101, 102).controller(100).build();

        GateResult result = Gates.controllerPresent().evaluate(snapshot);

        assertTrue(result.passed(), result.reason());
        assertEquals("quorum leader 100", result.reason());
    }

    @Test
    void shouldListMissingBrokers() {
        ClusterSnapshot snapshot = healthyThreeBrokers().stopped(2).build();

        GateResult all = Gates.allBrokersRegistered(Set.of(1, 2, 3)).evaluate(snapshot);

        assertFalse(all.passed());
        assertEquals(List.of(2), all.evidence().get("missing"));
        assertTrue(Gates.brokerRegistered(1).evaluate(snapshot).passed());
        assertFalse(Gates.brokerRegistered(2).evaluate(snapshot).passed());
        assertTrue(Gates.brokerGone(2).evaluate(snapshot).passed());
        assertFalse(Gates.brokerGone(1).evaluate(snapshot).passed());
    }

    @Nested
    class BrokerRejoined {
        @Test
        void shouldRequireNewBrokerEpochInZooKeeperMode() {
            ClusterSnapshot afterExit = healthyThreeBrokers().brokerEpoch(3, 4100).build();
            Gate rejoined = Gates.brokerRejoined(3, afterExit);

            GateResult ghost = rejoined.evaluate(healthyThreeBrokers().brokerEpoch(3, 4100).build());
            GateResult fresh = rejoined.evaluate(healthyThreeBrokers().brokerEpoch(3, 4522).build());

            assertFalse(ghost.passed());
            assertTrue(fresh.passed(), fresh.reason());
        }

        @Test
        void shouldRequireMetadataFetchAfterExitInKraft() {
            ClusterSnapshot afterExit = healthyThreeBrokers().kraft(1, 2, 3).lastMetadataFetch(3, 1_000).build();
            Gate rejoined = Gates.brokerRejoined(3, afterExit);

            GateResult ghost = rejoined.evaluate(
                    healthyThreeBrokers().kraft(1, 2, 3).lastMetadataFetch(3, 1_000).build());
            GateResult fresh = rejoined.evaluate(
                    healthyThreeBrokers().kraft(1, 2, 3).lastMetadataFetch(3, 9_000).build());

            assertFalse(ghost.passed());
            assertTrue(fresh.passed(), fresh.reason());
        }

        @Test
        void shouldFailWhenDescribeClusterListsBrokerThatZooKeeperDoesNot() {
            ClusterSnapshot afterExit = healthyThreeBrokers().brokerEpoch(1, 10).brokerEpoch(2, 11).build();

            GateResult result = Gates.brokerRejoined(3, afterExit)
                    .evaluate(healthyThreeBrokers().brokerEpoch(1, 10).brokerEpoch(2, 11).build());

            assertFalse(result.passed());
            assertTrue(result.reason().contains("not registered in ZooKeeper"), result.reason());
        }

        @Test
        void shouldFallBackToRegistrationWhenNoIdentityIsKnown() {
            Gate rejoined = Gates.brokerRejoined(3, healthyThreeBrokers().stopped(3).build());

            GateResult result = rejoined.evaluate(healthyThreeBrokers().build());

            assertTrue(result.passed());
            assertTrue(result.reason().contains("was absent after the stop"), result.reason());
        }
    }

    @Test
    void shouldPassQuorumInZooKeeperModeAndCheckVoterLagInKraft() {
        ClusterSnapshot zk = healthyThreeBrokers().build();
        ClusterSnapshot lagging = healthyThreeBrokers().kraft(1, 2, 3).voterLag(2, 5_000).build();
        ClusterSnapshot caughtUp = healthyThreeBrokers().kraft(1, 2, 3).voterLag(2, 3).build();

        assertTrue(Gates.quorumCaughtUp(100).evaluate(zk).passed());
        GateResult lag = Gates.quorumCaughtUp(100).evaluate(lagging);
        assertFalse(lag.passed());
        assertEquals(5_000L, lag.evidence().get("maxVoterLag"));
        assertTrue(Gates.quorumCaughtUp(100).evaluate(caughtUp).passed());
    }

    @Test
    void shouldBeInconclusiveWithoutQuorumDataInKraft() {
        ClusterSnapshot snapshot = healthyThreeBrokers().kraft().build();

        assertEquals(GateResult.Status.INCONCLUSIVE, Gates.quorumCaughtUp(100).evaluate(snapshot).status());
    }

    @Test
    void shouldFailWhileReassigningAndSayWhenReassignmentsCannotBeListed() {
        ClusterSnapshot reassigning = healthyThreeBrokers().reassigning("orders", 1).build();
        ClusterSnapshot old = healthyThreeBrokers()
                .note(Gates.NOTE_NO_REASSIGNMENTS + " unsupported by brokers older than 2.4").build();

        GateResult failing = Gates.noReassignmentsInProgress().evaluate(reassigning);
        GateResult unchecked = Gates.noReassignmentsInProgress().evaluate(old);

        assertFalse(failing.passed());
        assertEquals(List.of("orders-1"), failing.evidence().get("partitions"));
        assertTrue(unchecked.passed());
        assertTrue(unchecked.reason().contains("older than 2.4"), unchecked.reason());
    }

    @Test
    void shouldPassAllHealthGatesOnHealthyKraftCluster() {
        ClusterSnapshot snapshot = healthyThreeBrokers().kraft(1, 2, 3).build();

        List<GateResult> results = Gates.evaluateAll(Gates.clusterHealthy(Set.of(1, 2, 3)), snapshot);

        assertEquals(7, results.size());
        assertTrue(results.stream().allMatch(GateResult::passed), results.toString());
    }

    @Test
    void shouldNotLetAStopThroughOnATopicWhoseMinIsrCouldNotBeRead() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 3, 6)
                .minIsr("orders", ClusterSnapshot.MIN_ISR_UNKNOWN).build();

        GateResult result = Gates.canStop(3).evaluate(snapshot);

        assertFalse(result.passed(), "an unreadable min ISR counts as the replication factor");
        assertTrue(result.reason().contains("the topic's config could not be read"), result.reason());
        assertTrue(Lint.run(snapshot, LintContext.none()).stream().noneMatch(f -> f.code().equals("MIN_ISR_AT_RF")),
                "not reported as a topic configured with min ISR = RF");
    }

    @Test
    void shouldNotCallAPartitionUnderMinIsrOnAGuessedMinIsr() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 3, 6)
                .minIsr("orders", ClusterSnapshot.MIN_ISR_UNKNOWN).isr("orders", 0, 1, 2).build();

        assertTrue(Gates.noUnderMinIsr().evaluate(snapshot).passed(), "unknown, not 3");
        assertFalse(Gates.noUnderReplicated().evaluate(snapshot).passed(), "still under-replicated");
    }
}
