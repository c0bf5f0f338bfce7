package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.Finalizer;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.Plan;
import io.kupgrade.plans.PlanParser;
import io.kupgrade.sandbox.Sandbox;
import io.kupgrade.sandbox.SandboxCluster;
import io.kupgrade.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * KRaft (issue 5 "Done when"): a 3-node combined-mode 4.0.2 cluster is rolled to 4.1.2 and metadata.version
 * finalized to 4.1 (Admin updateFeatures); finalizing is refused while a node still runs 4.0.2. The tests run
 * in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KraftUpgradeIT {
    static SandboxCluster cluster;
    static Path plan;
    static Path state;

    @BeforeAll
    static void start() throws IOException {
        long t = System.nanoTime();
        cluster = Sandbox.start(SandboxSpec.builder().kafkaVersion("4.0.2").extraVersions("4.1.2").brokers(3)
                .racks(3).mode(SandboxSpec.Mode.KRAFT).build());
        System.out.printf("kraft sandbox 4.0.2 x3 up in %.1f s%n", (System.nanoTime() - t) / 1e9);
        Path dir = Files.createTempDirectory("kupgrade-kraft-it");
        Path sandboxPlan = dir.resolve("sandbox.yaml");
        cluster.writePlan(sandboxPlan);
        plan = dir.resolve("upgrade.yaml");
        Files.writeString(plan, DemoPlans.kraftUpgrade(Files.readString(sandboxPlan), "4.1.2", "4.1"));
        state = dir.resolve("state");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static RollOutcome apply(String wave) {
        RollOutcome o = new ApplyService().apply(new ApplyRequest(plan, new Selection(null, wave), true, state),
                ItSupport.printer(wave), RollRunner.Confirmer.NEVER, () -> false);
        System.out.println(DemoRunner.summaryTable(o.brokers()));
        return o;
    }

    static short metadataVersionLevel() throws Exception {
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            return admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS).finalizedFeatures()
                    .get("metadata.version").maxVersionLevel();
        }
    }

    @Test
    @Order(1)
    void canaryRollsOneNodeToTheNewVersion() {
        RollOutcome o = apply("canary");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        List<JournalEntry> done = ItSupport.succeeded(ItSupport.journal(state, cluster.name()), "broker-done");
        assertEquals(1, done.size());
        assertEquals("4.1.2", cluster.reportedVersion(done.get(0).brokerId()));
    }

    @Test
    @Order(2)
    void finalizeIsRefusedWhileANodeStillRuns402() throws Exception {
        short before = metadataVersionLevel();
        Plan parsed = PlanParser.parse(plan);
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            AdminFinalizer finalizer = new AdminFinalizer(admin, parsed.brokers(), new JmxVersions(),
                    Duration.ofSeconds(30));

            Finalizer.Result byVersion = finalizer.finalizeMetadataVersion("4.1", "4.1.2");
            // without the version check, the controller itself refuses: two nodes do not support 4.1's level
            Finalizer.Result byController = finalizer.finalizeMetadataVersion("4.1", null);

            assertEquals(Finalizer.Result.Status.REFUSED, byVersion.status(), byVersion.message());
            assertTrue(byVersion.message().contains("runs 4.0.2"), byVersion.message());
            assertEquals(Finalizer.Result.Status.REFUSED, byController.status(), byController.message());
        }
        assertEquals(before, metadataVersionLevel(), "metadata.version unchanged");
    }

    @Test
    @Order(3)
    void theRestRollsAndMetadataVersionIsFinalizedTo41() throws Exception {
        short before = metadataVersionLevel();

        RollOutcome o = apply("all");

        assertEquals(OutcomeKind.DONE, o.kind(), o.message());
        assertTrue(o.planDone());
        for (int id = 1; id <= 3; id++) {
            assertEquals("4.1.2", cluster.reportedVersion(id), "node " + id);
        }
        assertEquals(27, metadataVersionLevel(), "4.1-IV1, was " + before);
        List<JournalEntry> entries = ItSupport.journal(state, cluster.name());
        assertFalse(ItSupport.succeeded(entries, "finalize").isEmpty());
        assertEquals(3, ItSupport.succeeded(entries, "broker-done").size());
    }
}
