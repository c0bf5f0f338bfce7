package io.kupgrade.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LintTest {

    private static LintFinding only(List<LintFinding> findings, String code) {
        List<LintFinding> matching = findings.stream().filter(f -> f.code().equals(code)).toList();
        assertEquals(1, matching.size(), findings.toString());
        return matching.get(0);
    }

    @Test
    void shouldFindNothingOnWellReplicatedCluster() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 6).build();

        assertEquals(List.of(), Lint.run(snapshot));
    }

    @Test
    void shouldReportRf1AndMinIsrAtRfTopicsAsErrors() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3)
                .topic("orders", 3, 2, 6)
                .topic("scratch", 1, 1, 2)
                .topic("ledger", 3, 3, 1)
                .topic("pairs", 2, 2, 1)
                .build();

        List<LintFinding> findings = Lint.run(snapshot);

        LintFinding rf1 = only(findings, "RF1_TOPICS");
        assertEquals(LintFinding.Severity.ERROR, rf1.severity());
        assertEquals(List.of("scratch"), rf1.subjects());
        LintFinding atRf = only(findings, "MIN_ISR_AT_RF");
        assertEquals(List.of("ledger (RF 3, min.insync.replicas 3)", "pairs (RF 2, min.insync.replicas 2)"),
                atRf.subjects());
    }

    @Test
    void shouldReportReassignmentsAndThrottles() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 2)
                .reassigning("orders", 1).build();
        LintContext context = new LintContext(
                Map.of("orders", Map.of("leader.replication.throttled.replicas", "0:1,1:2"),
                        "quiet", Map.of("follower.replication.throttled.replicas", "")),
                Map.of(2, Map.of("follower.replication.throttled.rate", "1048576")),
                Optional.empty(), false);

        List<LintFinding> findings = Lint.run(snapshot, context);

        assertEquals(List.of("orders-1"), only(findings, "REASSIGNMENT_IN_PROGRESS").subjects());
        assertEquals(List.of("broker 2 follower.replication.throttled.rate=1048576",
                "topic orders leader.replication.throttled.replicas=0:1,1:2"),
                only(findings, "REPLICATION_THROTTLED").subjects());
    }

    @Test
    void shouldWarnAboutClientsWithoutVersionOnlyBeforeABump() {
        ClusterSnapshot snapshot = Snapshots.cluster().brokers(1, 2, 3).topic("orders", 3, 2, 2).build();
        List<ClientSoftware> clients = List.of(new ClientSoftware(1, "unknown", "unknown", 4),
                new ClientSoftware(2, "unknown", "unknown", 1), new ClientSoftware(1, "apache-kafka-java", "3.9.2", 9));

        List<LintFinding> noBump = Lint.run(snapshot, new LintContext(Map.of(), Map.of(), Optional.of(clients), false));
        List<LintFinding> bump = Lint.run(snapshot, new LintContext(Map.of(), Map.of(), Optional.of(clients), true));
        List<LintFinding> blind = Lint.run(snapshot, new LintContext(Map.of(), Map.of(), Optional.empty(), true));

        assertEquals(List.of(), noBump);
        LintFinding old = only(bump, "OLD_CLIENTS");
        assertTrue(old.message().startsWith("5 connections"), old.message());
        assertEquals(List.of("broker 1: unknown/unknown (4 connections)", "broker 2: unknown/unknown (1 connections)"),
                old.subjects());
        assertEquals(LintFinding.Severity.INFO, only(blind, "CLIENTS_UNCHECKED").severity());
    }
}
